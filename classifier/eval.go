package classifier

import (
	"math/rand"
	"sort"
)

// ClassScore is one class's precision, recall and F1.
type ClassScore struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
}

// Report is an evaluation: per-class scores, macro-F1, accuracy and the
// confusion matrix (rows: truth, columns: prediction, in Labels order).
type Report struct {
	MacroF1   float64               `json:"macro_f1"`
	Accuracy  float64               `json:"accuracy"`
	N         int                   `json:"n"`
	Classes   map[string]ClassScore `json:"classes"`
	Labels    []string              `json:"labels"`
	Confusion [][]int               `json:"confusion"`
	// Groups holds per-group reports when the evaluation was per group;
	// MacroF1 is then the mean of the groups' macro-F1.
	Groups map[string]*Report `json:"groups,omitempty"`
}

// Score compares predictions with the examples' labels. A prediction that
// matches any acceptable label is right; a wrong one counts against the
// row's first label. Classes are those of the truth and the predictions.
func Score(examples []Example, predicted []string) *Report {
	seen := map[string]bool{}
	var labels []string
	addLabel := func(l string) {
		if !seen[l] {
			seen[l] = true
			labels = append(labels, l)
		}
	}
	truth := make([]string, len(examples))
	n := 0
	for i, e := range examples {
		if len(e.Labels) == 0 {
			continue
		}
		n++
		truth[i] = e.Labels[0]
		for _, l := range e.Labels {
			if l == predicted[i] {
				truth[i] = l
			}
		}
		addLabel(truth[i])
		addLabel(predicted[i])
	}
	sort.Strings(labels)
	pos := map[string]int{}
	for i, l := range labels {
		pos[l] = i
	}
	conf := make([][]int, len(labels))
	for i := range conf {
		conf[i] = make([]int, len(labels))
	}
	correct := 0
	for i := range examples {
		if truth[i] == "" {
			continue
		}
		conf[pos[truth[i]]][pos[predicted[i]]]++
		if truth[i] == predicted[i] {
			correct++
		}
	}
	rep := &Report{N: n, Classes: map[string]ClassScore{}, Labels: labels, Confusion: conf}
	if n == 0 {
		return rep
	}
	rep.Accuracy = float64(correct) / float64(n)
	for i, l := range labels {
		tp, fp, fn := conf[i][i], 0, 0
		for j := range labels {
			if j != i {
				fp += conf[j][i]
				fn += conf[i][j]
			}
		}
		cs := ClassScore{Support: tp + fn}
		if tp+fp > 0 {
			cs.Precision = float64(tp) / float64(tp+fp)
		}
		if tp+fn > 0 {
			cs.Recall = float64(tp) / float64(tp+fn)
		}
		if cs.Precision+cs.Recall > 0 {
			cs.F1 = 2 * cs.Precision * cs.Recall / (cs.Precision + cs.Recall)
		}
		rep.Classes[l] = cs
	}
	// Macro-F1 averages over the classes that occur in the truth, so a
	// class only ever predicted (never true) does not count as a zero.
	k := 0
	for _, l := range labels {
		if rep.Classes[l].Support > 0 {
			rep.MacroF1 += rep.Classes[l].F1
			k++
		}
	}
	rep.MacroF1 /= float64(k)
	return rep
}

// Folds splits the labelled examples into k folds, stratified by first
// label and deterministic for a seed.
func Folds(examples []Example, k int, seed int64) [][]int {
	byLabel := map[string][]int{}
	var order []string
	for i, e := range examples {
		if len(e.Labels) == 0 {
			continue
		}
		l := e.Labels[0]
		if _, ok := byLabel[l]; !ok {
			order = append(order, l)
		}
		byLabel[l] = append(byLabel[l], i)
	}
	sort.Strings(order)
	rng := rand.New(rand.NewSource(seed))
	folds := make([][]int, k)
	next := 0
	for _, l := range order {
		ids := byLabel[l]
		rng.Shuffle(len(ids), func(a, b int) { ids[a], ids[b] = ids[b], ids[a] })
		for _, id := range ids {
			folds[next%k] = append(folds[next%k], id)
			next++
		}
	}
	return folds
}

// CrossValidate trains on k-1 folds and predicts the held-out fold, k
// times, and scores all out-of-fold predictions together.
func CrossValidate(ds *Dataset, k int, f Featurizer, opt TrainOptions) *Report {
	return crossValidate(ds, k, opt.Seed, func(train *Dataset) []*Linear {
		return []*Linear{Train(train, f, opt)}
	})[0]
}

// crossValidate scores side by side, by k-fold cross-validation, the
// models that train makes from each fold's training part (the same number
// of models each time).
func crossValidate(ds *Dataset, k int, seed int64, train func(*Dataset) []*Linear) []*Report {
	folds := Folds(ds.Examples, k, seed)
	var predicted [][]string
	for i := range folds {
		part := &Dataset{Classes: ds.Classes}
		for j, fold := range folds {
			if j == i {
				continue
			}
			for _, id := range fold {
				part.Examples = append(part.Examples, ds.Examples[id])
			}
		}
		for n, m := range train(part) {
			if n == len(predicted) {
				predicted = append(predicted, make([]string, len(ds.Examples)))
			}
			l := m.NewLabeler()
			for _, id := range folds[i] {
				c, _ := l.Label(ds.Examples[id].Text)
				predicted[n][id] = m.Classes[c]
			}
		}
	}
	reports := make([]*Report, len(predicted))
	for n, pred := range predicted {
		var exs []Example
		var preds []string
		for i, e := range ds.Examples {
			if len(e.Labels) > 0 {
				exs = append(exs, e)
				preds = append(preds, pred[i])
			}
		}
		reports[n] = Score(exs, preds)
	}
	return reports
}

// PerGroup runs fn on each group's examples and averages the groups'
// macro-F1 and accuracy (the NLBSE protocol: one model per repository).
// Each class's precision, recall and F1 are the mean over the groups that
// have the class, its support their sum; the confusion matrix is the sum of
// the groups' over the union of their labels.
func PerGroup(ds *Dataset, fn func(*Dataset) *Report) *Report {
	out := &Report{Groups: map[string]*Report{}, Classes: map[string]ClassScore{}}
	groups := ds.Groups()
	seen, all := map[string]int{}, map[string]bool{}
	for _, g := range groups {
		r := fn(ds.Filter(g))
		for _, l := range r.Labels {
			all[l] = true
		}
		out.Groups[g] = r
		out.MacroF1 += r.MacroF1 / float64(len(groups))
		out.Accuracy += r.Accuracy / float64(len(groups))
		out.N += r.N
		for c, cs := range r.Classes {
			sum := out.Classes[c]
			sum.Precision += cs.Precision
			sum.Recall += cs.Recall
			sum.F1 += cs.F1
			sum.Support += cs.Support
			out.Classes[c] = sum
			seen[c]++
			all[c] = true
		}
	}
	for c, cs := range out.Classes {
		n := float64(seen[c])
		cs.Precision, cs.Recall, cs.F1 = cs.Precision/n, cs.Recall/n, cs.F1/n
		out.Classes[c] = cs
	}
	for c := range all {
		out.Labels = append(out.Labels, c)
	}
	sort.Strings(out.Labels)
	at := map[string]int{}
	for i, l := range out.Labels {
		at[l] = i
	}
	out.Confusion = make([][]int, len(out.Labels))
	for i := range out.Confusion {
		out.Confusion[i] = make([]int, len(out.Labels))
	}
	for _, g := range groups {
		r := out.Groups[g]
		for i, row := range r.Confusion {
			for j, v := range row {
				if i < len(r.Labels) && j < len(r.Labels) {
					out.Confusion[at[r.Labels[i]]][at[r.Labels[j]]] += v
				}
			}
		}
	}
	return out
}
