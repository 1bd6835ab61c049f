package prioritizer

import (
	"fmt"
	"testing"
)

// TestNewWordsDoNotHideTheTopic: an ask whose heaviest words are ones no
// topic holds yet (a long ask's names and asides) still finds, and joins,
// the topic it shares its telling words with. Only terms that some topic
// holds take a place among the candidateTerms searched.
func TestNewWordsDoNotHideTheTopic(t *testing.T) {
	seed := []string{"scim", "provision", "azure", "group"}
	probe := []string{"scim", "provision", "azure", "entra"}
	for i := 0; i < candidateTerms; i++ {
		probe = append(probe, fmt.Sprintf("aside%d", i)) // in one ask only: heavier than the shared words
	}
	docs := [][]string{seed, probe}
	for i := 0; i < 30; i++ {
		docs = append(docs, []string{fmt.Sprintf("filler%d", i), fmt.Sprintf("other%d", i)})
	}
	words, toks := internDocs(docs)
	c := newClusterer(toks, words, DefaultThreshold)
	k, _ := c.add(toks[0], nil)

	v := c.vectorize(toks[1])
	for _, tm := range c.topTerms(v, candidateTerms) {
		if n := words.names[tm]; n == "scim" || n == "provision" || n == "azure" {
			t.Fatalf("a shared word (%s) is among the probe's %d heaviest terms: the test would not mean anything", n, candidateTerms)
		}
	}
	if sim := c.cosine(v, sortedKeys(v), k); sim < c.threshold {
		t.Fatalf("the probe must be near the topic (%.3f ≥ %.2f) for the test to mean anything", sim, c.threshold)
	}
	if got, _ := c.add(toks[1], nil); got != k {
		t.Errorf("the probe started topic %d instead of joining %d, which holds scim, provision and azure", got, k)
	}
}
