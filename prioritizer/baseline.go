package prioritizer

import (
	"math"
	"strings"
	"unicode"
)

// BaselineCluster is the reference voc's clustering is measured against: a
// plain TF-IDF nearest-centroid grouping. Texts are lower-cased and split
// into words at every rune that is not a letter or digit (no stemming, no
// stopwords, no concepts); each text, in order, joins the cluster whose
// centroid is most cosine-similar when that reaches threshold, else starts
// a new one, on the same vectors and centroids as Cluster but with every
// term finding candidates, one shared term enough, and no merge pass. It
// returns each text's cluster, numbered from 0.
func BaselineCluster(texts []string, threshold float64) []int {
	words := newVocab()
	docs := make([][]term, len(texts))
	for i, t := range texts {
		docs[i] = words.intern(strings.FieldsFunc(strings.ToLower(t), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}))
	}
	c := newClusterer(docs, words, threshold)
	c.plain = true
	out := make([]int, len(texts))
	for i, d := range docs {
		out[i], _ = c.add(d, nil)
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
