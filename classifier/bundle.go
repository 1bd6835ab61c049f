package classifier

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
	l.Label(text)
	if len(fileClasses) == 0 {
		best := 0
		for c := range l.out {
			if l.out[c] > l.out[best] {
				best = c
			}
		}
		return l.m.Classes[best]
	}
	if !sameStrings(l.mapFor, fileClasses) {
		l.mapFor = fileClasses
		l.mapTo = make([]int, len(l.m.Classes))
		for c, name := range l.m.Classes {
			l.mapTo[c] = -1
			lab := MapLabel(name, fileClasses)
			for i, fc := range fileClasses {
				if fc == lab {
					l.mapTo[c] = i
				}
			}
		}
		l.sums = make([]float64, len(fileClasses))
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
