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
func (m *Linear) scores(text string, buf []Feature, out []float64) []Feature {
	buf = m.Featurizer.Features(text, buf)
	k := len(m.Classes)
	var acc [8]float32
	if k <= len(acc) {
		// The common case: accumulate in float32 on the stack; the weight
		// rows are the only memory touched.
		for _, f := range buf {
			row := m.W[int(f.Index)*k : int(f.Index)*k+k]
			for c, w := range row {
				acc[c] += w * f.Value
			}
		}
		for c := 0; c < k; c++ {
			out[c] = float64(acc[c])
		}
	} else {
		for c := 0; c < k; c++ {
			out[c] = 0
		}
		for _, f := range buf {
			row := m.W[int(f.Index)*k : int(f.Index)*k+k]
			for c, w := range row {
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
	softmax(out[:k], t)
	return buf
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
	m.scores(text, nil, out)
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
	m   *Linear
	buf []Feature
	out []float64
	// mapping of model classes onto a file's labels, for LabelIn
	mapFor []string
	mapTo  []int
	sums   []float64
}

// NewLabeler returns a Labeler for m.
func (m *Linear) NewLabeler() *Labeler {
	return &Labeler{m: m, out: make([]float64, len(m.Classes))}
}

// Label returns the most probable label index and its probability.
func (l *Labeler) Label(text string) (int, float64) {
	l.buf = l.m.scores(text, l.buf, l.out)
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
