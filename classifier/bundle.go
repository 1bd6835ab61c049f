package classifier

import "math"

// Bundle is a trained model file: a global model and, when the training
// data had a group column (e.g. one repository per group), one model per
// group, used for rows of that group.
type Bundle struct {
	Global *Linear
	Groups map[string]*Linear
}

// TrainBundle trains the global model and, with perGroup, one model per
// group of the data.
func TrainBundle(ds *Dataset, f Featurizer, opt TrainOptions, perGroup bool) *Bundle {
	b := &Bundle{Global: Train(ds, f, opt), Groups: map[string]*Linear{}}
	if perGroup {
		for _, g := range ds.Groups() {
			if g != "" {
				b.Groups[g] = Train(ds.Filter(g), f, opt)
			}
		}
	}
	return b
}

// For returns the model for rows of a group: the group's own when there
// is one, else the global model.
func (b *Bundle) For(group string) *Linear {
	if m, ok := b.Groups[group]; ok {
		return m
	}
	return b.Global
}

// LabelIn returns the most probable of a file's labels for text: the
// model's probabilities are summed over the file label each class maps to
// (MapLabel), and classes that map to a label the file does not have are
// left out, so a model with an "other" class still answers bug, feature or
// question on a file that only has those.
func (l *Labeler) LabelIn(text string, fileClasses []string) string {
	l.buf, l.fold = l.m.decision(text, l.buf, l.fold, l.out)
	if len(fileClasses) > 0 && !sameStrings(l.mapFor, fileClasses) {
		l.mapFor = fileClasses
		l.mapTo = make([]int, len(l.m.Classes))
		taken := make([]bool, len(fileClasses))
		l.injective = true
		for c, name := range l.m.Classes {
			l.mapTo[c] = -1
			lab := MapLabel(name, fileClasses)
			for i, fc := range fileClasses {
				if fc == lab {
					l.mapTo[c] = i
				}
			}
			if i := l.mapTo[c]; i >= 0 {
				l.injective = l.injective && !taken[i]
				taken[i] = true
			}
		}
		l.sums = make([]float64, len(fileClasses))
	}
	// The softmax only matters when it could change the answer: when the
	// best class is a clear winner (see clearBest) and no two classes share
	// a file label, it is the answer, as it would be after the softmax.
	if best, ok := clearBest(l.out, l.m.temperature()); ok {
		if len(fileClasses) == 0 {
			return l.m.Classes[best]
		}
		if i := l.mapTo[best]; i >= 0 && l.injective {
			return fileClasses[i]
		}
	}
	softmax(l.out, l.m.temperature())
	if len(fileClasses) == 0 {
		best := 0
		for c := range l.out {
			if l.out[c] > l.out[best] {
				best = c
			}
		}
		return l.m.Classes[best]
	}
	for i := range l.sums {
		l.sums[i] = -1
	}
	for c, p := range l.out {
		if i := l.mapTo[c]; i >= 0 {
			if l.sums[i] < 0 {
				l.sums[i] = 0
			}
			l.sums[i] += p
		}
	}
	best := 0
	for i := range l.sums {
		if l.sums[i] > l.sums[best] {
			best = i
		}
	}
	return fileClasses[best]
}

// clearBest returns the class with the highest score z when its
// probability after softmax(z, t) is sure to be strictly above every
// other's: all scores are numbers, the best is finite, and the runner-up
// is more than 1e-6 below it once divided by t. Its exp is then 1 and the
// others' at most 1-1e-6, far more than rounding can close. Otherwise
// (ties, near-ties, NaN, infinities) the caller does the softmax.
func clearBest(z []float64, t float64) (int, bool) {
	if len(z) == 0 {
		return 0, false
	}
	best := 0
	for c, v := range z {
		if v != v {
			return 0, false
		}
		if v > z[best] {
			best = c
		}
	}
	max := z[best]
	if math.IsInf(max, 0) {
		return 0, false
	}
	second := math.Inf(-1)
	for c, v := range z {
		if c != best && v > second {
			second = v
		}
	}
	if len(z) == 1 || (second-max)/t < -1e-6 {
		return best, true
	}
	return 0, false
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// MapLabel turns a model label into one of a file's label names: the label
// itself when the file uses it, else voc's mapping (out_of_scope is a
// request, so feature; question is other where the file has no question).
func MapLabel(label string, fileClasses []string) string {
	if len(fileClasses) == 0 {
		return label
	}
	has := map[string]bool{}
	for _, c := range fileClasses {
		has[c] = true
	}
	if has[label] {
		return label
	}
	switch kindOf(label) {
	case "bug":
		if has["bug"] {
			return "bug"
		}
	case "feature", "out_of_scope":
		if has["feature"] {
			return "feature"
		}
	case "question":
		if has["question"] {
			return "question"
		}
	}
	return "other"
}
