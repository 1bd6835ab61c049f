package classifier

import (
	"math"
	"math/rand"
	"slices"

	"github.com/voc-dev/voc"
)

// TrainOptions tunes training. The defaults were chosen by cross-validation
// on the public train splits (docs/benchmarks.md).
type TrainOptions struct {
	Epochs   int
	Rate     float64 // initial learning rate
	L2       float64 // weight decay per update, applied to touched weights
	Balanced bool    // weigh classes inversely to their frequency
	// BalancePower softens Balanced: a class's weight is
	// (n / (k × n_class))^BalancePower; 1 is fully balanced.
	BalancePower float64
	Seed         int64
	// TuneFolds > 1 fits the temperature (and, with TuneOffsets, class
	// offsets) on out-of-fold predictions of that many folds before
	// training the final model.
	TuneFolds   int
	TuneOffsets bool
	// FeatureRecall, when above 0 and TuneFolds > 1, is a floor on the
	// feature-request class's out-of-fold recall (a request missed among
	// comments never reaches the backlog): a recall under it is lifted, by
	// the class's offset, to recallLift above it. A recall at or over the
	// floor is left alone.
	FeatureRecall float64
	// Select picks the featurizer among Candidates(f), each with and
	// without NB, by cross-validation on the training data (3 folds)
	// before training: character n-grams help short reviews and hurt long
	// issue reports, and only the data can say which it is.
	Select bool
	// NB, when above 0, adds that multiple of the multinomial naive Bayes
	// log-probabilities of the training data (add-NBAlpha smoothing) to
	// the trained weights: naive Bayes learns from few examples what the
	// regression needs many for. With Select, whether to add them is chosen
	// per training set with the featurizer (it helps app reviews and forum
	// posts, and hurts some small sets).
	NB, NBAlpha float64
}

// Candidates are the feature settings Select chooses among: the given one
// and the same without character n-grams.
func Candidates(f Featurizer) []Featurizer {
	words := f
	words.CharMin, words.CharMax = 0, 0
	if f.CharMax == 0 {
		return []Featurizer{f}
	}
	return []Featurizer{f, words}
}

// DefaultTrainOptions returns the tuned defaults.
func DefaultTrainOptions() TrainOptions {
	return TrainOptions{Epochs: 15, Rate: 0.2, L2: 1e-4, Balanced: true, Seed: 1, TuneFolds: 3, Select: true, FeatureRecall: 0.45, NB: 0.2, NBAlpha: 0.1}
}

// Train fits a model on the labelled examples of ds. With TuneFolds > 1 it
// first fits class offsets (for macro-F1) and the temperature (for
// calibrated confidence) on out-of-fold predictions, then trains the final
// model on everything. It is deterministic for a given seed.
func Train(ds *Dataset, f Featurizer, opt TrainOptions) *Linear {
	if opt.Select {
		f, opt.NB = selectFeaturizer(ds, f, opt)
		opt.Select = false
	}
	if opt.TuneFolds < 2 {
		return fit(ds, f, opt)
	}
	inner := opt
	inner.TuneFolds = 0
	folds := Folds(ds.Examples, opt.TuneFolds, opt.Seed+7)
	classes := sortedClasses(ds)
	logits := make([][]float64, len(ds.Examples))
	for i := range folds {
		train := &Dataset{Classes: ds.Classes}
		for j, fold := range folds {
			if j != i {
				for _, id := range fold {
					train.Examples = append(train.Examples, ds.Examples[id])
				}
			}
		}
		m := fit(train, f, inner)
		if len(m.Classes) != len(classes) {
			continue // a fold without some class: skip it for tuning
		}
		var buf []Feature
		for _, id := range folds[i] {
			z := make([]float64, len(classes))
			buf = m.rawScores(ds.Examples[id].Text, buf, z)
			logits[id] = z
		}
	}
	m := fit(ds, f, inner)
	var held []Example
	var z [][]float64
	for i, e := range ds.Examples {
		if logits[i] != nil && len(e.Labels) > 0 {
			held, z = append(held, e), append(z, logits[i])
		}
	}
	m.Offset = make([]float32, len(classes))
	if opt.TuneOffsets {
		m.Offset = tuneOffsets(classes, held, z)
	}
	if opt.FeatureRecall > 0 {
		raiseRecall(classes, held, z, m.Offset, voc.KindFeature, opt.FeatureRecall)
	}
	for i := range z {
		for c := range z[i] {
			z[i][c] += float64(m.Offset[c])
		}
	}
	m.Temperature = fitTemperature(classes, held, z)
	return m
}

// fit trains one model by stochastic gradient descent on the softmax loss.
// A row with several acceptable labels spreads its target over them.
func fit(ds *Dataset, f Featurizer, opt TrainOptions) *Linear {
	m, rows := fitSGD(ds, f, opt)
	if opt.NB > 0 && len(rows) > 0 {
		addNB(m, nbLogProbs(m, rows, opt.NBAlpha), opt.NB)
	}
	return m
}

// fitSGD is fit without naive Bayes; it also returns the featurised rows
// (none when there is nothing to learn).
func fitSGD(ds *Dataset, f Featurizer, opt TrainOptions) (*Linear, []trainRow) {
	classes := sortedClasses(ds)
	k := len(classes)
	idx := map[string]int{}
	for i, c := range classes {
		idx[c] = i
	}
	m := &Linear{Featurizer: f, Classes: classes, W: make([]float32, (1<<f.Bits)*k), Bias: make([]float32, k), Temperature: 1}
	counts := make([]float64, k)
	var rows []trainRow
	for _, e := range ds.Examples {
		if len(e.Labels) == 0 {
			continue
		}
		r := trainRow{feats: append([]Feature(nil), f.Features(e.Text, nil)...), target: make([]float64, k), weight: 1}
		for _, l := range e.Labels {
			r.target[idx[l]] += 1 / float64(len(e.Labels))
		}
		for c := range counts {
			counts[c] += r.target[c]
		}
		rows = append(rows, r)
	}
	if len(rows) == 0 || k < 2 {
		return m, nil
	}
	if opt.Balanced {
		for i := range rows {
			w := 0.0
			for c, t := range rows[i].target {
				if t > 0 {
					bw := float64(len(rows)) / (float64(k) * counts[c])
					if opt.BalancePower > 0 && opt.BalancePower != 1 {
						bw = math.Pow(bw, opt.BalancePower)
					}
					w += t * bw
				}
			}
			rows[i].weight = w
		}
	}
	sgd(m, k, rows, opt)
	return m, rows
}

// nbLogProbs returns the centred multinomial naive Bayes log-probabilities
// (add-alpha smoothing) of each feature seen in rows, laid out as m's
// weights; features not seen get 0.
func nbLogProbs(m *Linear, rows []trainRow, alpha float64) []float64 {
	k, b := len(m.Classes), m.buckets()
	counts := make([]float64, b*k)
	seen := make([]bool, b)
	tot := make([]float64, k)
	for _, r := range rows {
		for _, ft := range r.feats {
			seen[ft.Index] = true
			for c, t := range r.target {
				if t > 0 {
					v := t * float64(ft.Value)
					counts[int(ft.Index)*k+c] += v
					tot[c] += v
				}
			}
		}
	}
	nseen := 0
	for _, s := range seen {
		if s {
			nseen++
		}
	}
	lp := make([]float64, b*k)
	for i, s := range seen {
		if !s {
			continue
		}
		row := lp[i*k : i*k+k]
		mean := 0.0
		for c := range row {
			row[c] = math.Log((counts[i*k+c] + alpha) / (tot[c] + alpha*float64(nseen)))
			mean += row[c]
		}
		mean /= float64(k)
		for c := range row {
			row[c] -= mean
		}
	}
	return lp
}

// addNB adds scale times the naive Bayes weights nb (nbLogProbs) to m's
// weights. Being linear in the same features, the two models' sum is one
// linear model.
func addNB(m *Linear, nb []float64, scale float64) {
	for i, v := range nb {
		if v != 0 {
			m.W[i] += float32(scale * v)
		}
	}
}

// trainRow is one featurised training example.
type trainRow struct {
	feats  []Feature
	target []float64
	weight float64
}

// sgd runs opt.Epochs of stochastic gradient descent on the softmax loss,
// updating m's weights and biases in place.
func sgd(m *Linear, k int, rows []trainRow, opt TrainOptions) {
	rng := rand.New(rand.NewSource(opt.Seed))
	order := rng.Perm(len(rows))
	p, g := make([]float64, k), make([]float64, k)
	steps := float64(opt.Epochs * len(rows))
	step := 0.0
	for epoch := 0; epoch < opt.Epochs; epoch++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, oi := range order {
			r := rows[oi]
			lr := opt.Rate * (1 - step/steps)
			step++
			for c := 0; c < k; c++ {
				p[c] = float64(m.Bias[c])
			}
			for _, ft := range r.feats {
				base := int(ft.Index) * k
				for c := 0; c < k; c++ {
					p[c] += float64(m.W[base+c] * ft.Value)
				}
			}
			softmax(p, 1)
			for c := 0; c < k; c++ {
				g[c] = (p[c] - r.target[c]) * r.weight * lr
				if g[c] != 0 {
					m.Bias[c] -= float32(g[c])
				}
			}
			// One pass over the features, their k weights side by side.
			// Each weight sees the same updates in the same order as a
			// pass per class would give it, so the model is the same.
			decay := lr * opt.L2
			for _, ft := range r.feats {
				base, v := int(ft.Index)*k, float64(ft.Value)
				w := m.W[base : base+k]
				for c, gc := range g {
					if gc != 0 {
						w[c] -= float32(gc*v + decay*float64(w[c]))
					}
				}
			}
		}
	}
}

// selectFeaturizer returns the candidate with the best 3-fold macro-F1 on
// ds (the first on ties), and the naive Bayes share to train it with: 0 or
// opt.NB, when opt.NB is set. Both shares are scored on one regression per
// fold, the naive Bayes weights added to a copy of it.
func selectFeaturizer(ds *Dataset, f Featurizer, opt TrainOptions) (Featurizer, float64) {
	cands := Candidates(f)
	if len(cands) == 1 && opt.NB <= 0 {
		return f, opt.NB
	}
	inner := opt
	inner.Select, inner.TuneFolds = false, 0
	best, bestNB, bestScore := cands[0], 0.0, -1.0
	for _, c := range cands {
		reports := crossValidate(ds, 3, opt.Seed, func(train *Dataset) []*Linear {
			m, rows := fitSGD(train, c, inner)
			if opt.NB <= 0 {
				return []*Linear{m}
			}
			withNB := *m
			withNB.W = slices.Clone(m.W)
			if len(rows) > 0 {
				addNB(&withNB, nbLogProbs(m, rows, opt.NBAlpha), opt.NB)
			}
			return []*Linear{m, &withNB}
		})
		for n, r := range reports {
			if r.MacroF1 > bestScore+1e-9 {
				best, bestNB, bestScore = c, float64(n)*opt.NB, r.MacroF1
			}
		}
	}
	return best, bestNB
}

// rawScores writes the class scores of text before softmax, offsets and
// temperature.
func (m *Linear) rawScores(text string, buf []Feature, out []float64) []Feature {
	buf = m.Featurizer.Features(text, buf)
	k := len(m.Classes)
	for c := 0; c < k; c++ {
		out[c] = float64(m.Bias[c])
	}
	for _, f := range buf {
		for c := 0; c < k; c++ {
			out[c] += float64(m.W[int(f.Index)*k+c] * f.Value)
		}
	}
	return buf
}

// tuneOffsets finds per-class additive offsets that maximise the macro-F1
// of argmax decisions on held-out scores, by coordinate ascent on a grid.
func tuneOffsets(classes []string, held []Example, z [][]float64) []float32 {
	k := len(classes)
	off := make([]float64, k)
	if len(held) == 0 {
		return make([]float32, k)
	}
	pred := make([]string, len(held))
	score := func() float64 {
		for i := range held {
			best := 0
			for c := 1; c < k; c++ {
				if z[i][c]+off[c] > z[i][best]+off[best] {
					best = c
				}
			}
			pred[i] = classes[best]
		}
		return Score(held, pred).MacroF1
	}
	bestScore := score()
	for round := 0; round < 3; round++ {
		improved := false
		for c := 0; c < k; c++ {
			keep := off[c]
			for v := -3.0; v <= 3.0001; v += 0.1 {
				off[c] = v
				if s := score(); s > bestScore+1e-9 {
					bestScore, keep, improved = s, v, true
				}
			}
			off[c] = keep
		}
		if !improved {
			break
		}
	}
	out := make([]float32, k)
	for c := range off {
		out[c] = float32(off[c])
	}
	return out
}

// fitTemperature picks the softmax temperature that minimises the log loss
// of held-out scores, so that a reported confidence of 0.8 is right about
// 80% of the time.
func fitTemperature(classes []string, held []Example, z [][]float64) float64 {
	idx := map[string]int{}
	for i, c := range classes {
		idx[c] = i
	}
	best, bestLoss := 1.0, math.Inf(1)
	p := make([]float64, len(classes))
	for t := 0.25; t <= 4.0; t *= 1.1 {
		loss := 0.0
		for i, e := range held {
			copy(p, z[i])
			softmax(p, t)
			q := 0.0
			for _, l := range e.Labels {
				if c, ok := idx[l]; ok {
					q += p[c]
				}
			}
			loss -= math.Log(q + 1e-12)
		}
		if loss < bestLoss {
			best, bestLoss = t, loss
		}
	}
	return best
}

// raiseRecall adds to the offset of the class of kind, when its recall on
// the held-out scores is under floor, the smallest step (of 0.05, up to 3)
// that brings it to floor+recallLift. Rows count as the class's when it is
// among their labels.
func raiseRecall(classes []string, held []Example, z [][]float64, off []float32, kind voc.Kind, floor float64) {
	target := -1
	for c, name := range classes {
		if kindOf(name) == kind {
			target = c
		}
	}
	if target < 0 {
		return
	}
	recall := func(extra float64) float64 {
		hit, n := 0, 0
		for i, e := range held {
			if !hasLabel(e, classes[target]) {
				continue
			}
			n++
			mine := z[i][target] + float64(off[target]) + extra
			won := true // argmax with ties to the lower index, as predict decides
			for c := range classes {
				if v := z[i][c] + float64(off[c]); c < target && v >= mine || c > target && v > mine {
					won = false
				}
			}
			if won {
				hit++
			}
		}
		if n == 0 {
			return 1
		}
		return float64(hit) / float64(n)
	}
	if recall(0) >= floor {
		return
	}
	for extra := 0.0; extra <= 3.0001; extra += 0.05 {
		if recall(extra) >= floor+recallLift {
			off[target] += float32(extra)
			return
		}
	}
}

// recallLift is how far above the floor raiseRecall lifts a recall that
// fell below it: out-of-fold recall is measured on models trained on less
// data, and the floor is meant to hold on new data.
const recallLift = 0.15

func hasLabel(e Example, label string) bool {
	for _, l := range e.Labels {
		if l == label {
			return true
		}
	}
	return false
}
