package classifier

import (
	"fmt"

	"github.com/voc-dev/voc"
)

// topicShift matches the opening of a sentence that starts a new ask
// ("Also, …", "Separately: …", 「別件ですが」) rather than going on with
// the one before it.
var topicShift = mustMatcher(`^\W*(also|another|separately|one more|unrelated|on (a|an) (other|another|separate|different) (note|topic)|by the way|btw|p\.?s\.?|and (one|another) (more )?thing|while i'?m (here|at it)|また|あと(、|,|は|もう|一つ)|ついでに|別件|それから|もう一(つ|点)|他に|ほかに)`)

// joinElaboration folds into an out-of-scope ask the feature sentences next
// to it in the same message: a customer who asks for a self-hosted edition
// and adds "a Docker image would be perfect" is saying more about that
// ask, which the strategy declines, not asking for something else. A
// sentence that opens with a change of subject ("Also, …") stays its own
// ask, and a sentence already judged by a person is left alone.
func joinElaboration(sents []sentence) {
	for i := range sents {
		if sents[i].pred.Kind != voc.KindOutOfScope || sents[i].ng == "" {
			continue
		}
		for _, step := range []int{-1, 1} {
			for j := i + step; j >= 0 && j < len(sents); j += step {
				s := &sents[j]
				if s.msg != sents[i].msg || s.pred.Kind != voc.KindFeature || s.by == voc.ByHuman {
					break
				}
				// The later of the two sentences must not open with a
				// change of subject.
				later := j
				if step < 0 {
					later = j + 1
				}
				if topicShift.match(sents[later].folded) {
					break
				}
				s.pred.Kind, s.ng, s.by = voc.KindOutOfScope, sents[i].ng, voc.ByRule
				s.pred.Reason = fmt.Sprintf("says more about the out-of-scope ask beside it (non-goal %q); %s", sents[i].ng, s.pred.Reason)
			}
		}
	}
}
