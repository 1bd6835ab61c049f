package classifier

import (
	"slices"

	"github.com/voc-dev/voc"
)

// howTo matches a question that asks how to do something with the product
// ("how do I copy a board…?", 「どうすれば…」); "is there a way to…?" asks
// whether the product can, which may be the request itself.
var howTo = mustMatcher(`\bhow (do|can|should) (i|we)\b|\bhow to\b|どうすれば|どうやって`)

// withHowTo adds to a conversation's backlog asks its first how-to
// question: "First, how do I copy a board…? Second, could you add
// bulk edit?" is a question and a request. The question stays a question;
// it is not clustered into a topic.
func withHowTo(sents []sentence, asks [][]sentence) [][]sentence {
	for i, s := range sents {
		if s.pred.Kind != voc.KindQuestion || s.by == voc.ByRule || !howTo.match(s.folded) {
			continue
		}
		// In the order asked: before the first ask that starts after it.
		at := len(asks)
		for j, a := range asks {
			if a[0].at > i {
				at = j
				break
			}
		}
		return slices.Insert(asks, at, []sentence{s})
	}
	return asks
}
