package classifier

import (
	"fmt"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/internal/textnorm"
)

// offer matches support offering to do something for the customer ("Would
// a call with our security team help?", "I can ask our team to pull a
// one-off export for you", 「お送りしましょうか」).
var offer = mustMatcher(`\bwould (a|an|it|that|this) [^.?!]{0,60}\b(help|be (useful|helpful|easier))\b|\bi can [^.?!]{0,80}\bfor you\b|\bshall i\b|\bdo you want me to\b|\bwould you like (me |us )?to\b|\b(happy|glad) to (set up|arrange|send|pull|run|schedule)\b|\bwe can (set up|arrange|send|pull|run|schedule) [^.?!]{0,60}\bfor you\b|(しましょうか|いたしましょうか|お送りしますか|ご用意できます)`)

// acceptance matches a reply that takes such an offer ("a call would be
// useful", "a one-off would help right now", 「助かります」).
var acceptance = mustMatcher(`\b(would|will) (really )?(help|be (useful|great|helpful|good|perfect|appreciated|ideal))\b|\bsounds (good|great|perfect)\b|\bthat works\b|\bplease (send|go ahead|do)\b|(助かります|お願いします|お願いいたします)`)

// maxAcceptTerms is how many content terms a reply taking an offer may
// have: "A call would be useful, please send some times" has four.
const maxAcceptTerms = 5

// acceptOffers makes other a customer's sentence that takes up what
// support offered in the message before it (a call, a one-off export):
// it answers support and asks nothing of the product. Without this, "A
// call would be useful, please send some times" was a feature request of
// its own. Only short sentences qualify, and only after an ask in the
// conversation, so that a reply that goes on to ask for something ("but
// we need to be able to export it ourselves") stays an ask.
func acceptOffers(conv voc.Conversation, sents []sentence) {
	// Support's messages are cleaned and searched only before a customer
	// message that holds an acceptance.
	accepting := map[int]bool{}
	for _, s := range sents {
		if s.pred.Kind.Backlog() && s.by != voc.ByHuman && acceptance.match(s.folded) {
			accepting[s.msg] = true
		}
	}
	if len(accepting) == 0 {
		return
	}
	offered := map[int]bool{} // customer message -> support offered just before it
	last := -1                // the latest support message so far
	for i, m := range conv.Messages {
		switch m.Role {
		case voc.RoleAgent:
			last = i
		case voc.RoleCustomer:
			if accepting[i] && last >= 0 && offer.match(textnorm.Fold(textnorm.CleanMessage(conv.Messages[last].Text))) {
				offered[i] = true
			}
			last = -1
		}
	}
	if len(offered) == 0 {
		return
	}
	asked := false
	for i := range sents {
		s := &sents[i]
		if !offered[s.msg] || s.by == voc.ByHuman || !s.pred.Kind.Backlog() {
			asked = asked || s.pred.Kind.Backlog() || s.pred.Kind == voc.KindQuestion
			continue
		}
		cue := acceptance.find(s.folded)
		if !asked || cue == "" || len(textnorm.Terms(s.text)) > maxAcceptTerms {
			asked = true
			continue
		}
		s.pred.Reason = fmt.Sprintf("takes up what support offered (%q), not a new ask; %s", cue, s.pred.Reason)
		s.pred.Kind, s.by = voc.KindOther, voc.ByRule
	}
}
