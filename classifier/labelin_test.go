package classifier

import (
	"math/rand"
	"testing"
)

// refLabelIn is LabelIn as it was before the speed work: reference
// features, the scores summed as before, always the softmax.
func refLabelIn(m *Linear, text string, fileClasses []string) string {
	feats := refFeatures(m.Featurizer, text, nil)
	k := len(m.Classes)
	out := make([]float64, k)
	var acc [8]float32
	if k <= len(acc) {
		for _, f := range feats {
			for c, w := range m.W[int(f.Index)*k : int(f.Index)*k+k] {
				acc[c] += w * f.Value
			}
		}
		for c := 0; c < k; c++ {
			out[c] = float64(acc[c])
		}
	} else {
		for _, f := range feats {
			for c, w := range m.W[int(f.Index)*k : int(f.Index)*k+k] {
				out[c] += float64(w * f.Value)
			}
		}
	}
	for c := 0; c < k; c++ {
		out[c] += float64(m.Bias[c])
		if len(m.Offset) == k {
			out[c] += float64(m.Offset[c])
		}
	}
	t := m.Temperature
	if t <= 0 {
		t = 1
	}
	softmax(out, t)
	best := 0
	if len(fileClasses) == 0 {
		for c := range out {
			if out[c] > out[best] {
				best = c
			}
		}
		return m.Classes[best]
	}
	sums := make([]float64, len(fileClasses))
	for i := range sums {
		sums[i] = -1
	}
	for c, p := range out {
		lab := MapLabel(m.Classes[c], fileClasses)
		for i, fc := range fileClasses {
			if fc == lab {
				if sums[i] < 0 {
					sums[i] = 0
				}
				sums[i] += p
			}
		}
	}
	for i := range sums {
		if sums[i] > sums[best] {
			best = i
		}
	}
	return fileClasses[best]
}

// randomLinear is a model of k classes with random weights; scale 0 gives
// all-zero weights, so that every class ties.
func randomLinear(rng *rand.Rand, classes []string, scale float32, temp float64) *Linear {
	f := Featurizer{Bits: 10, WordNgrams: 2, CharMin: 3, CharMax: 5, Title: true}
	k := len(classes)
	m := &Linear{Featurizer: f, Classes: classes, W: make([]float32, k<<f.Bits),
		Bias: make([]float32, k), Offset: make([]float32, k), Temperature: temp}
	for i := range m.W {
		m.W[i] = scale * float32(rng.NormFloat64())
	}
	for c := range m.Bias {
		m.Bias[c] = scale * float32(rng.NormFloat64())
	}
	return m
}

// TestLabelInMatchesReference checks that skipping the softmax where it
// cannot change the answer gives the same label as always doing it, for
// the shipped model and random ones of 1 to 9 classes, ties included, with
// file label sets that map one-to-one, many-to-one and not at all.
func TestLabelInMatchesReference(t *testing.T) {
	t.Parallel() // slow under -race; the three reference checks run side by side
	def, err := DefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(2))
	models := []*Linear{def.Global,
		randomLinear(rng, []string{"bug", "feature", "other"}, 1, 0.7),
		randomLinear(rng, []string{"bug", "feature", "other"}, 0, 1),
		randomLinear(rng, []string{"bug", "feature", "question", "other"}, 1e-7, 3),
		randomLinear(rng, []string{"bug", "feature"}, 1, 0),
		randomLinear(rng, []string{"bug"}, 1, 1),
		randomLinear(rng, []string{"bug", "feature", "other", "question", "out_of_scope", "a", "b", "c", "d"}, 1, 1),
	}
	fileSets := [][]string{nil, {"bug", "feature", "other"}, {"feature", "bug"}, {"bug", "other"}, {"question", "other"}, {"x"}}
	texts := []string{"", "the app crashes", "please add dark mode\nbody", "アプリが落ちます"}
	ds, err := ReadDatasetFile("../testdata/corpus/train.csv")
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range ds.Examples {
		if i%4 == 0 {
			texts = append(texts, e.Text)
		}
	}
	for i := 0; i < 500; i++ {
		texts = append(texts, randomText(rng))
	}
	for mi, m := range models {
		l := m.NewLabeler()
		for _, fc := range fileSets {
			for _, text := range texts {
				if got, want := l.LabelIn(text, fc), refLabelIn(m, text, fc); got != want {
					t.Fatalf("model %d, file classes %v, %q: %s, want %s", mi, fc, text, got, want)
				}
			}
		}
	}
}
