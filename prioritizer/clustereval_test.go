package prioritizer

import (
	"fmt"
	"math"
	"testing"
)

func TestScoreClusters(t *testing.T) {
	// gold: a a a b b ; pred: 0 0 1 1 1
	s := ScoreClusters([]int{0, 0, 1, 1, 1}, []string{"a", "a", "a", "b", "b"})
	// pairs together in pred: 1 + 3 = 4; in gold: 3 + 1 = 4; in both: 1 (a,a in 0) + 1 (b,b in 1) = 2
	if s.PairPrecision != 0.5 || s.PairRecall != 0.5 {
		t.Fatalf("pairwise %+v", s)
	}
	// B-cubed precision: items of pred 0: 2/2 each; pred 1: a 1/3, b 2/3, b 2/3 → (1+1+1/3+2/3+2/3)/5
	if want := (1 + 1 + 1.0/3 + 2.0/3 + 2.0/3) / 5; math.Abs(s.BCubedPrecision-want) > 1e-4 {
		t.Fatalf("b-cubed precision %v, want %v", s.BCubedPrecision, want)
	}
	perfect := ScoreClusters([]int{0, 0, 1}, []string{"x", "x", "y"})
	if perfect.ARI != 1 || perfect.BCubedF1 != 1 || perfect.PairF1 != 1 {
		t.Fatalf("perfect clustering: %+v", perfect)
	}
	if s.Clusters != 2 || s.GoldClusters != 2 || s.Items != 5 {
		t.Fatalf("counts %+v", s)
	}
}

func TestClusterSameAskManyWordings(t *testing.T) {
	texts := []string{
		"How do I cancel a transfer I just made?", "cancel my transfer please", "I want to cancel the transfer",
		"My card still has not arrived", "When will my new card arrive?", "card not arrived yet",
	}
	got := Cluster(texts, nil, 0, 0)
	if got[0] != got[1] || got[1] != got[2] || got[3] != got[4] || got[4] != got[5] || got[0] == got[3] {
		t.Fatalf("clusters %v", got)
	}
}

func TestBaselineClusterIsPlainWordOverlap(t *testing.T) {
	texts := []string{
		"cancel my transfer", "Cancel the transfer!", "card not arrived", "my card has not arrived",
		"cancelling a transfer", // no stemming: "cancelling" is not "cancel"
	}
	got := BaselineCluster(texts, 0.3)
	if got[0] != got[1] || got[2] != got[3] || got[0] == got[2] {
		t.Fatalf("clusters %v, want the two obvious pairs", got)
	}
	distinct := map[int]bool{}
	for _, k := range got {
		distinct[k] = true
	}
	for _, k := range got {
		if k < 0 || k >= len(distinct) {
			t.Fatalf("clusters %v not numbered from 0 densely", got)
		}
	}
	// At a threshold no pair reaches, every text is its own cluster.
	if all := BaselineCluster(texts, 0.99); all[0] == all[1] {
		t.Fatalf("threshold 0.99 joined %q and %q: %v", texts[0], texts[1], all)
	}
	gold := []string{"t", "t", "c", "c", "t"}
	b := BestBaseline(texts, gold)
	if b.Threshold <= 0 || b.BCubedF1 < ScoreClusters(BaselineCluster(texts, 0.99), gold).BCubedF1 {
		t.Fatalf("best baseline %+v is not the best over thresholds", b)
	}
}

// TestCommonTermsFindNoCandidates checks that a word every topic holds does
// not make each new ask compare itself with every topic, and that asks
// still find their topic through their rarer words.
func TestCommonTermsFindNoCandidates(t *testing.T) {
	var docs [][]string
	n := 3 * maxPostings
	for i := 0; i < n; i++ {
		docs = append(docs, []string{"please", "common", fmt.Sprintf("alpha%d", i), fmt.Sprintf("beta%d", i)})
	}
	probe := []string{"please", "common", "alpha150", "beta150"}
	only := []string{"please", "common", "zzz"}
	words := newVocab()
	var toks [][]term
	for _, d := range append(docs, probe, only) {
		toks = append(toks, words.intern(d))
	}
	c := newClusterer(toks, words, 0.3)
	for _, tk := range toks[:n] {
		c.add(tk, nil)
	}
	if len(c.centroids) != n {
		t.Fatalf("%d topics from %d distinct asks", len(c.centroids), n)
	}
	before := c.compared
	k, _ := c.add(toks[n], nil)
	if k != 150 {
		t.Errorf("probe joined topic %d, want 150", k)
	}
	if got := c.compared - before; got > 2*candidateTerms {
		t.Errorf("probe was compared with %d topics; the common words' lists should be skipped", got)
	}
	// An ask with only common words still looks at one list.
	before = c.compared
	c.add(toks[n+1], nil)
	if got := c.compared - before; got == 0 || got > n {
		t.Errorf("an ask of common words only was compared with %d topics", got)
	}
}
