package classifier

import (
	"fmt"
	"regexp"

	"github.com/voc-dev/voc"
)

// motivation matches a sentence that tells why a request is made: how the
// customer copes today without it ("we fix it by hand", "which is error
// prone"), or the situation it is for ("our couriers lose signal"). Beside
// a request in the same message such a sentence is the request's reason,
// not a fault report, even when it says "can't" or "error".
var motivation = regexp.MustCompile(`(\bwithout (that|this|it|one|such)\b|\b(error|time)[- ]?(prone|consuming)\b|\bby hand\b|\bmanually\b|\bwork[- ]?around\b|defeats the purpose|\bcan'?t \w+( \w+){0,3} until\b|\bnothing in \w+ (shows|lets|tells)\b|\b(lose|losing|lost|no|without|bad|poor|weak) (mobile |cell |phone )?(signal|reception|coverage|connectivity)\b|手作業|手動で|電波が(入ら|入りにく|弱|な)|圏外|がないと|なしでは|説明が楽)`)

var motivationM = newMatcher(motivation)

// demoteMotivation relabels as other each sentence the model took for a
// bug that states a request's motivation in a message that also holds a
// request: the message asks for something and says why.
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
		if !motivationM.match(s.folded) {
			continue
		}
		if cue := motivation.FindString(s.folded); cue != "" {
			s.pred.Reason += fmt.Sprintf("; the reason for a request in the same message (%q), not a fault report", cue)
			s.pred.Kind = voc.KindOther
		}
	}
}
