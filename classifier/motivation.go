package classifier

import (
	"fmt"

	"github.com/voc-dev/voc"
)

// coping matches a sentence that tells how the customer copes today
// without what they ask for ("we copy it by hand", "which is error
// prone"), and situation one that tells what the request is for ("our
// couriers lose signal"). Beside a request in the same message such a
// sentence is the request's reason, not a fault report, even when it says
// "can't" or "error".
var (
	coping    = mustMatcher(`(\bwithout (that|this|it|one|such)\b|\b(error|time)[- ]?(prone|consuming)\b|\bby hand\b|\bmanually\b|\bwork[- ]?around\b|defeats the purpose|\bcan'?t \w+( \w+){0,3} until\b|\bnothing in \w+ (shows|lets|tells)\b|手作業|手動で|がないと|なしでは|説明が楽)`)
	situation = mustMatcher(`(\b(lose|losing|lost|no|without|bad|poor|weak) (mobile |cell |phone )?(signal|reception|coverage|connectivity)\b|電波が(入ら|入りにく|弱|な)|圏外)`)
	// fault is a failure stated outright ("the sync fails"): coping with
	// it by hand is a workaround for a bug, not the reason for a request.
	fault = mustMatcher(`(crash|\bfail(s|ed|ing)?\b|doesn'?t work|does not work|not working|stopped working|\berror (\d{3}|code)|\b5\d\d\b|time(s|d)? ?out\b|\bbroken\b|落ち(る|ます|て)|エラー|不具合|バグ)`)
)

// demoteMotivation relabels as other each sentence the model took for a
// bug that states a request's motivation in a message that also holds a
// request: the message asks for something and says why. A sentence that
// copes with a failure it states ("the sync fails, so we fix it
// manually") stays a bug.
func demoteMotivation(sents []sentence) {
	asks := map[int]bool{}
	for _, s := range sents {
		if s.pred.Kind == voc.KindFeature || s.pred.Kind == voc.KindOutOfScope {
			asks[s.msg] = true
		}
	}
	for i := range sents {
		s := &sents[i]
		if s.pred.Kind != voc.KindBug || s.by == voc.ByHuman || !asks[s.msg] {
			continue
		}
		cue := situation.find(s.folded)
		if cue == "" && !fault.match(s.folded) {
			cue = coping.find(s.folded)
		}
		if cue != "" {
			s.pred.Reason += fmt.Sprintf("; the reason for a request in the same message (%q), not a fault report", cue)
			s.pred.Kind, s.by = voc.KindOther, voc.ByRule
		}
	}
}
