package classifier

import (
	"fmt"
	"regexp"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/internal/textnorm"
)

// formalRequest matches a sentence that only files what the message asked
// as a request, naming at most who asks: "Please treat this as a formal
// feature request from Hollowbrook Financial.", "Consider this an official
// request on behalf of Globex.", 「正式な要望として受け付けてください」. It
// runs on the text as written: "for Globex" names who asks, "for offline
// mode" names a request of its own.
var formalRequest = regexp.MustCompile(`^(?i:(please )?(treat|take|log|record|file|register|consider) (this|it|that) (as )?(a |an |our )?(formal |official )?(feature )?(request|requirement)|(this is|consider this) (a |an |our )?(formal|official) (feature )?(request|requirement))(\s+((?i:from|on behalf of|for) (the )?([A-Z][\p{L}&.'-]*\s*)+))?[.!]?$|^[^。]{0,10}正式(な|に)(要望|リクエスト)`)

// takeFormalRequests gives a formal request with nothing of its own its
// ask: the first sentence of the same message that says something (three
// content terms or more), when it is no ask of its own, becomes the
// request, and the formal sentence becomes other, saying why. When the
// message already asked for something before it, the formal sentence only
// closes that ask. Without this, "Please treat this as a formal feature
// request from Hollowbrook Financial." was a topic of its own and the SCIM
// provisioning the email asked for was nowhere.
func takeFormalRequests(sents []sentence) {
	for i := range sents {
		s := &sents[i]
		if s.pred.Kind != voc.KindFeature || s.by == voc.ByHuman || !formalRequest.MatchString(s.text) {
			continue
		}
		subject, asked := -1, false
		for j := i - 1; j >= 0 && sents[j].msg == s.msg; j-- {
			switch p := &sents[j]; {
			case p.pred.Kind == voc.KindFeature || p.pred.Kind == voc.KindOutOfScope:
				asked = true
			case p.by != voc.ByHuman && !p.pred.Kind.Backlog() && len(textnorm.Terms(p.text)) >= minAntecedentTerms:
				subject = j // the earliest such sentence wins
			}
		}
		if !asked && subject < 0 {
			continue
		}
		if !asked {
			p := &sents[subject]
			p.pred = Prediction{Kind: voc.KindFeature, Confidence: s.pred.Confidence,
				Reason: fmt.Sprintf("what the formal request later in the message files (%q); %s", s.text, p.pred.Reason)}
			p.by = voc.ByRule
		}
		s.pred = Prediction{Kind: voc.KindOther, Confidence: s.pred.Confidence,
			Reason: fmt.Sprintf("files the ask before it as a formal request, not a new ask; %s", s.pred.Reason)}
		s.by = voc.ByRule
	}
}
