package prioritizer

import (
	"math"
	"strings"
	"unicode"
)

// BaselineCluster is the reference voc's clustering is measured against: a
// plain TF-IDF nearest-centroid grouping. Texts are lower-cased and split
// into words at every rune that is not a letter or digit (no stemming, no
// n-grams, no concepts); each text, in order, joins the cluster whose
// centroid is most cosine-similar when that reaches threshold, else starts
// a new one. It returns each text's cluster, numbered from 0.
func BaselineCluster(texts []string, threshold float64) []int {
	words := newVocab()
	docs := make([][]term, len(texts))
	for i, t := range texts {
		docs[i] = words.intern(strings.FieldsFunc(strings.ToLower(t), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}))
	}
	df := docFreq(docs, len(words.names))
	n := float64(len(docs))
	var cents []vector
	var norms []float64
	index := map[term][]int{}
	out := make([]int, len(texts))
	for i, d := range docs {
		v := vector{}
		for _, t := range d {
			v[t]++
		}
		var norm float64
		for _, t := range sortedKeys(v) {
			w := v[t] * (math.Log((n+1)/(float64(df[t])+1)) + 1)
			v[t] = w
			norm += w * w
		}
		norm = math.Sqrt(norm)
		best, bestSim := -1, 0.0
		seen := map[int]bool{}
		keys := sortedKeys(v)
		for _, t := range keys {
			v[t] /= norm
		}
		for _, t := range keys {
			for _, k := range index[t] {
				if seen[k] {
					continue
				}
				seen[k] = true
				var dot float64
				for _, u := range keys {
					dot += v[u] * cents[k][u]
				}
				if s := dot / norms[k]; s > bestSim {
					best, bestSim = k, s
				}
			}
		}
		if best < 0 || bestSim < threshold {
			best = len(cents)
			cents, norms = append(cents, vector{}), append(norms, 0)
		}
		c := cents[best]
		for _, t := range keys {
			if _, ok := c[t]; !ok {
				index[t] = append(index[t], best)
			}
			c[t] += v[t]
		}
		var s float64
		for _, t := range sortedKeys(c) {
			s += c[t] * c[t]
		}
		norms[best] = math.Sqrt(s)
		out[i] = best
	}
	return out
}

// BaselineScores is the baseline's best showing on a gold clustering.
type BaselineScores struct {
	Threshold float64 `json:"threshold"`
	ClusterScores
}

// BestBaseline runs BaselineCluster at join thresholds 0.05 to 0.8 and
// returns the scores at the threshold with the best B-cubed F1: the
// baseline tuned on the very data it is scored on, so that voc is compared
// with the strongest version of it.
func BestBaseline(texts, gold []string) BaselineScores {
	var best BaselineScores
	best.BCubedF1 = -1
	for i := 1; i <= 16; i++ {
		th := float64(i) * 0.05
		s := ScoreClusters(BaselineCluster(texts, th), gold)
		if s.BCubedF1 > best.BCubedF1 {
			best = BaselineScores{Threshold: math.Round(th*100) / 100, ClusterScores: s}
		}
	}
	return best
}
