package classifier

import (
	"fmt"
	"math"

	"github.com/voc-dev/voc"
)

// Ensemble combines a trained model with the cue baseline: the model's
// probabilities, plus the baseline's confidence for its kind when a cue
// fired. The model generalises from data; the cues carry support-specific
// phrasing ("please add", "できません") that a small training set misses.
type Ensemble struct {
	model *Linear
	cues  *Baseline
	// CueWeight is how much a fired cue adds to its kind's probability.
	CueWeight float64
	// MinModel is the probability the model needs to label a text on its
	// own, when no cue fired.
	MinModel float64
}

// NewEnsemble returns the combination of a trained model and the cues.
func NewEnsemble(m *Linear, cues *Baseline) *Ensemble {
	return &Ensemble{model: m, cues: cues, CueWeight: 1.5, MinModel: 0.99}
}

// Predict implements Model.
func (e *Ensemble) Predict(texts []string) []Prediction {
	l := e.model.NewLabeler()
	cues := e.cues.Predict(texts)
	out := make([]Prediction, len(texts))
	for i, t := range texts {
		l.Label(t)
		score := map[voc.Kind]float64{}
		for c, p := range l.out {
			score[kindOf(e.model.Classes[c])] += p
		}
		if cues[i].Reason != "no cue matched" {
			score[cues[i].Kind] += e.CueWeight * cues[i].Confidence
		} else if e.MinModel > 0 {
			// No cue: trust the model only when it is sure, else "other".
			top := 0.0
			for _, v := range score {
				top = math.Max(top, v)
			}
			if top < e.MinModel {
				out[i] = Prediction{Kind: voc.KindOther, Confidence: round2(1 - top), Reason: fmt.Sprintf("no cue matched; model unsure (%.2f)", top)}
				continue
			}
		}
		best, total := voc.KindOther, 0.0
		for _, k := range voc.Kinds {
			total += score[k]
			if score[k] > score[best] {
				best = k
			}
		}
		conf := score[best] / total
		reason := fmt.Sprintf("model %s %.2f", best, l.out[indexOfKind(e.model, best)])
		if cues[i].Kind == best && cues[i].Reason != "no cue matched" {
			reason += "; " + cues[i].Reason
		}
		out[i] = Prediction{Kind: best, Confidence: round2(conf), Reason: reason}
	}
	return out
}

func indexOfKind(m *Linear, k voc.Kind) int {
	for c, name := range m.Classes {
		if kindOf(name) == k {
			return c
		}
	}
	return 0
}
