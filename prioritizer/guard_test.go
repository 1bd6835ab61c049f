package prioritizer

import (
	"fmt"
	"testing"
)

// TestOneHeavyWordIsNotOneAsk checks the rest-share guard: an ask whose
// similarity to the nearest topic comes almost all from one heavy shared
// word (plus an everyday one) starts a topic of its own, though it passes
// the join threshold and shares two terms; an ask near the topic on two
// telling words joins it.
func TestOneHeavyWordIsNotOneAsk(t *testing.T) {
	docs := [][]string{
		{"crash", "install", "path", "windows"},
		{"crash", "spellchecker", "windows"}, // heavy "crash" + everyday "windows"
		{"install", "path", "crash"},         // the seed's own ask, reworded
	}
	// Filler asks make "windows" an everyday word and leave "crash",
	// "install" and "path" rare.
	for i := 0; i < 40; i++ {
		docs = append(docs, []string{"windows", fmt.Sprintf("filler%d", i), fmt.Sprintf("other%d", i)})
	}
	words, toks := internDocs(docs)
	c := newClusterer(toks, words, DefaultThreshold)
	seed, _ := c.add(toks[0], nil)

	v := c.vectorize(toks[1])
	sim, shared, top := c.cosineShared(v, sortedKeys(v), seed)
	if sim < c.threshold || shared < minSharedTerms {
		t.Fatalf("the probe must pass the threshold (%.3f ≥ %.2f) and share %d terms (%d) for the test to mean anything", sim, c.threshold, minSharedTerms, shared)
	}
	if rest := sim - top; rest >= minRestShare*c.threshold {
		t.Fatalf("the probe's similarity without its heaviest term is %.3f, not under %.3f", rest, minRestShare*c.threshold)
	}
	if k, _ := c.add(toks[1], nil); k == seed {
		t.Errorf("%v joined %v on one heavy word (similarity %.3f, %.3f of it from one term)", docs[1], docs[0], sim, top)
	}
	if k, _ := c.add(toks[2], nil); k != seed {
		t.Errorf("%v did not join %v though they share two telling words", docs[2], docs[0])
	}

	// The plain baseline has no guard: the same probe joins there.
	p := newClusterer(toks, words, DefaultThreshold)
	p.plain = true
	ps, _ := p.add(toks[0], nil)
	if k, _ := p.add(toks[1], nil); k != ps {
		t.Errorf("without the guard the probe should have joined (similarity %.3f)", sim)
	}
}

// internDocs interns each document's terms in one vocabulary.
func internDocs(docs [][]string) (*vocab, [][]term) {
	words := newVocab()
	toks := make([][]term, len(docs))
	for i, d := range docs {
		toks[i] = words.intern(d)
	}
	return words, toks
}
