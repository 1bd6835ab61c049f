package classifier

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/voc-dev/voc"
)

// Linear is voc's built-in model: a multinomial logistic regression over
// hashed features. Its probabilities, softened by a temperature fitted on
// held-out data, are the confidence voc reports.
type Linear struct {
	Featurizer Featurizer
	Classes    []string // label names, as in the training file
	W          []float32
	Bias       []float32
	// Offset is added to each class's score before the decision; fitted on
	// out-of-fold predictions to maximise macro-F1, it lets rare classes
	// (feature requests among comments) be found rather than drowned.
	Offset      []float32
	Temperature float64
}

func (m *Linear) buckets() int { return 1 << m.Featurizer.Bits }

// scores writes the class probabilities of text into out.
func (m *Linear) scores(text string, buf []Feature, fold []byte, out []float64) ([]Feature, []byte) {
	buf, fold = m.decision(text, buf, fold, out)
	softmax(out[:len(m.Classes)], m.temperature())
	return buf, fold
}

// temperature is the softmax temperature, 1 when unset.
func (m *Linear) temperature() float64 {
	t := m.Temperature
	if t <= 0 {
		t = 1
	}
	return t
}

// decision writes the class scores of text into out, offsets included,
// before temperature and softmax. The sums run over the features in their
// order, in float32 for up to 8 classes, exactly as they always did.
func (m *Linear) decision(text string, buf []Feature, fold []byte, out []float64) ([]Feature, []byte) {
	buf, fold, folded := m.Featurizer.indices(text, buf, fold)
	k := len(m.Classes)
	var v float32
	if len(buf) > 0 {
		v = featureNorm(len(buf))
	}
	switch {
	case k == 3:
		// The common case (bug, feature, other), unrolled: the weight
		// rows are the only memory touched.
		var a0, a1, a2 float32
		w := m.W
		for _, f := range buf {
			row := w[int(f.Index)*3 : int(f.Index)*3+3 : int(f.Index)*3+3]
			a0 += row[0] * v
			a1 += row[1] * v
			a2 += row[2] * v
		}
		out[0], out[1], out[2] = float64(a0), float64(a1), float64(a2)
	case k == 4:
		// The shipped model (bug, feature, question, other).
		var a0, a1, a2, a3 float32
		w := m.W
		for _, f := range buf {
			row := w[int(f.Index)*4 : int(f.Index)*4+4 : int(f.Index)*4+4]
			a0 += row[0] * v
			a1 += row[1] * v
			a2 += row[2] * v
			a3 += row[3] * v
		}
		out[0], out[1], out[2], out[3] = float64(a0), float64(a1), float64(a2), float64(a3)
	case k == 2:
		var a0, a1 float32
		w := m.W
		for _, f := range buf {
			row := w[int(f.Index)*2 : int(f.Index)*2+2 : int(f.Index)*2+2]
			a0 += row[0] * v
			a1 += row[1] * v
		}
		out[0], out[1] = float64(a0), float64(a1)
	case k <= 8:
		var acc [8]float32
		for _, f := range buf {
			row := m.W[int(f.Index)*k : int(f.Index)*k+k]
			for c, w := range row {
				acc[c] += w * v
			}
		}
		for c := 0; c < k; c++ {
			out[c] = float64(acc[c])
		}
	default:
		for c := 0; c < k; c++ {
			out[c] = 0
		}
		for _, f := range buf {
			row := m.W[int(f.Index)*k : int(f.Index)*k+k]
			for c, w := range row {
				out[c] += float64(w * v)
			}
		}
	}
	if m.Featurizer.Phrases != 0 {
		n := len(buf)
		buf, fold = m.Featurizer.appendPhrases(text, buf, fold, folded)
		for _, f := range buf[n:] {
			row := m.W[int(f.Index)*k : int(f.Index)*k+k]
			for c, w := range row {
				out[c] += float64(w * phraseValue)
			}
		}
	}
	for c := 0; c < k; c++ {
		out[c] += float64(m.Bias[c])
		if len(m.Offset) == k {
			out[c] += float64(m.Offset[c])
		}
	}
	return buf, fold
}

func softmax(z []float64, t float64) {
	max := math.Inf(-1)
	for _, v := range z {
		if v > max {
			max = v
		}
	}
	var sum float64
	for i, v := range z {
		z[i] = math.Exp((v - max) / t)
		sum += z[i]
	}
	for i := range z {
		z[i] /= sum
	}
}

// Label returns the most probable label of text and its probability.
func (m *Linear) Label(text string) (string, float64) {
	out := make([]float64, len(m.Classes))
	m.scores(text, nil, nil, out)
	best := 0
	for c := range out {
		if out[c] > out[best] {
			best = c
		}
	}
	return m.Classes[best], out[best]
}

// Labeler labels many texts reusing its buffers; it is not safe for
// concurrent use (make one per goroutine).
type Labeler struct {
	m    *Linear
	buf  []Feature
	fold []byte
	out  []float64 // probabilities after Label; LabelIn may leave scores
	// mapping of model classes onto a file's labels, for LabelIn
	mapFor []string
	mapTo  []int
	sums   []float64
	// injective: no two model classes map onto the same file label
	injective bool
}

// NewLabeler returns a Labeler for m.
func (m *Linear) NewLabeler() *Labeler {
	return &Labeler{m: m, out: make([]float64, len(m.Classes))}
}

// Label returns the most probable label index and its probability.
func (l *Labeler) Label(text string) (int, float64) {
	l.buf, l.fold = l.m.scores(text, l.buf, l.fold, l.out)
	best := 0
	for c := range l.out {
		if l.out[c] > l.out[best] {
			best = c
		}
	}
	return best, l.out[best]
}

// kindOf maps a dataset label onto voc's kinds.
func kindOf(label string) voc.Kind {
	switch strings.ToLower(label) {
	case "bug", "complaint", "bug_report":
		return voc.KindBug
	case "feature", "request", "feature_request", "enhancement":
		return voc.KindFeature
	case "out_of_scope":
		return voc.KindOutOfScope
	case "question":
		return voc.KindQuestion
	}
	return voc.KindOther
}

// Predict implements Model: the label with the highest probability, mapped
// onto voc's kinds, with the probability as confidence and the runner-up in
// the reason, so a close call is visible.
func (m *Linear) Predict(texts []string) []Prediction {
	l := m.NewLabeler()
	out := make([]Prediction, len(texts))
	for i, t := range texts {
		best, p := l.Label(t)
		second := -1
		for c := range l.out {
			if c != best && (second < 0 || l.out[c] > l.out[second]) {
				second = c
			}
		}
		reason := fmt.Sprintf("model: %s %.2f", m.Classes[best], p)
		if second >= 0 {
			reason += fmt.Sprintf(", next %s %.2f", m.Classes[second], l.out[second])
		}
		out[i] = Prediction{Kind: kindOf(m.Classes[best]), Confidence: round2(p), Reason: reason}
	}
	return out
}

// sortedClasses returns labels in a stable order for new models.
func sortedClasses(ds *Dataset) []string {
	cl := append([]string(nil), ds.Classes...)
	sort.Strings(cl)
	return cl
}
