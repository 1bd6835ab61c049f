package classifier

import (
	"math"
	"testing"
)

// held builds n rows of the given label whose scores favour "other" by
// margin (classes: bug, feature, other).
func heldRows(label string, n int, margin float64) ([]Example, [][]float64) {
	var ex []Example
	var z [][]float64
	for i := 0; i < n; i++ {
		ex = append(ex, Example{Text: label, Labels: []string{label}})
		// Spread the margins so that each offset step wins a few rows.
		z = append(z, []float64{0, -margin * float64(i+1) / float64(n), 0})
	}
	return ex, z
}

func TestRaiseRecallLiftsOnlyALowRecall(t *testing.T) {
	classes := []string{"bug", "feature", "other"}
	recallAt := func(ex []Example, z [][]float64, off []float32) float64 {
		hit, n := 0, 0
		for i, e := range ex {
			if e.Labels[0] != "feature" {
				continue
			}
			n++
			if z[i][1]+float64(off[1]) > z[i][2]+float64(off[2]) && z[i][1]+float64(off[1]) > z[i][0]+float64(off[0]) {
				hit++
			}
		}
		return float64(hit) / float64(n)
	}

	// Every feature row loses to "other": recall 0, far below the floor.
	ex, z := heldRows("feature", 100, 1)
	off := make([]float32, 3)
	raiseRecall(classes, ex, z, off, "feature", 0.45)
	if got := recallAt(ex, z, off); got < 0.45+recallLift {
		t.Fatalf("recall after lift = %.2f, want >= %.2f (offset %v)", got, 0.45+recallLift, off)
	}
	if off[1] <= 0 || off[0] != 0 || off[2] != 0 {
		t.Fatalf("offsets = %v, want only the feature class raised", off)
	}
	// A little more than needed would also do; the lift must be the least
	// step that reaches the target, so one step less falls short.
	less := []float32{0, off[1] - 0.05, 0}
	if recallAt(ex, z, less) >= 0.45+recallLift {
		t.Fatalf("offset %.2f is more than needed", off[1])
	}

	// Recall already above the floor: nothing moves.
	ok, zok := heldRows("feature", 10, 1)
	for i := range zok {
		zok[i][1] = 1
	}
	off = make([]float32, 3)
	raiseRecall(classes, ok, zok, off, "feature", 0.45)
	if off[1] != 0 {
		t.Fatalf("offset = %v for a recall of 1, want 0", off)
	}
}

// TestAddNBIsCentredNaiveBayes checks the naive Bayes weights added to a
// model against a hand computation: centred log-probabilities with
// add-alpha smoothing over the buckets seen, nothing on unseen buckets.
func TestAddNBIsCentredNaiveBayes(t *testing.T) {
	f := Featurizer{Bits: 4}
	m := &Linear{Featurizer: f, Classes: []string{"bug", "feature"}, W: make([]float32, 16*2)}
	rows := []trainRow{
		{feats: []Feature{{1, 1}, {2, 1}}, target: []float64{1, 0}},
		{feats: []Feature{{1, 1}}, target: []float64{1, 0}},
		{feats: []Feature{{3, 2}}, target: []float64{0.5, 0.5}}, // a row with two labels
	}
	addNB(m, nbLogProbs(m, rows, 1), 0.5)
	// Counts per class over buckets 1, 2, 3: bug 2, 1, 1 (total 4);
	// feature 0, 0, 1 (total 1); three buckets seen.
	lp := func(count, total float64) float64 { return math.Log((count + 1) / (total + 3)) }
	for _, c := range []struct {
		bucket    int
		bug, feat float64
	}{{1, lp(2, 4), lp(0, 1)}, {2, lp(1, 4), lp(0, 1)}, {3, lp(1, 4), lp(1, 1)}} {
		mean := (c.bug + c.feat) / 2
		want := []float64{0.5 * (c.bug - mean), 0.5 * (c.feat - mean)}
		for k := 0; k < 2; k++ {
			if got := float64(m.W[c.bucket*2+k]); math.Abs(got-want[k]) > 1e-6 {
				t.Errorf("bucket %d class %d: weight %.6f, want %.6f", c.bucket, k, got, want[k])
			}
		}
	}
	if m.W[1*2] <= m.W[1*2+1] {
		t.Errorf("a bucket seen only in bug rows weighs %v for bug, %v for feature", m.W[2], m.W[3])
	}
	for _, b := range []int{0, 4, 15} {
		if m.W[b*2] != 0 || m.W[b*2+1] != 0 {
			t.Errorf("unseen bucket %d got weights %v %v", b, m.W[b*2], m.W[b*2+1])
		}
	}
}
