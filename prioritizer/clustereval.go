package prioritizer

import "math"

// Cluster groups texts with exactly the algorithm Rank uses for the asks
// of one kind (greedy join by centroid similarity, then a merge pass) and
// returns each text's cluster number, numbered from 0 in order of first
// appearance. vecs, when given (one embedding per text), are what is
// compared, and the thresholds are then the vectors'. Zero thresholds mean
// the defaults.
func Cluster(texts []string, vecs [][]float32, threshold, merge float64) []int {
	words := newVocab()
	toks := make([][]term, len(texts))
	for i, t := range texts {
		toks[i] = words.intern(tokens(t))
	}
	dims := 0
	if len(vecs) == len(texts) {
		dims = vectorDims(vecs)
	}
	threshold, merge = ClusterThresholds(threshold, merge, dims > 0)
	c := newFamily(toks, words, dims, Config{Threshold: threshold, MergeThreshold: merge, VectorThreshold: threshold, VectorMergeThreshold: merge})
	if dims == 0 {
		vecs = make([][]float32, len(texts))
	}
	assigned := make([]int, len(texts))
	for i := range toks {
		assigned[i], _ = c.add(toks[i], vecs[i])
	}
	reps := c.mergeSimilar()
	number := map[int]int{}
	out := make([]int, len(texts))
	for i, k := range assigned {
		r := reps[k]
		n, ok := number[r]
		if !ok {
			n = len(number)
			number[r] = n
		}
		out[i] = n
	}
	return out
}

// ClusterThresholds returns the join and merge thresholds Cluster uses
// for the ones given: a zero one is the default, the vectors' when the
// texts come with embeddings.
func ClusterThresholds(threshold, merge float64, vectors bool) (float64, float64) {
	cfg := Config{Threshold: threshold, MergeThreshold: merge, VectorThreshold: threshold, VectorMergeThreshold: merge}.withDefaults()
	if vectors {
		return cfg.VectorThreshold, cfg.VectorMergeThreshold
	}
	return cfg.Threshold, cfg.MergeThreshold
}

// ClusterScores compares a clustering with gold clusters.
type ClusterScores struct {
	PairPrecision   float64 `json:"pairwise_precision"`
	PairRecall      float64 `json:"pairwise_recall"`
	PairF1          float64 `json:"pairwise_f1"`
	BCubedPrecision float64 `json:"bcubed_precision"`
	BCubedRecall    float64 `json:"bcubed_recall"`
	BCubedF1        float64 `json:"bcubed_f1"`
	ARI             float64 `json:"ari"`
	Items           int     `json:"items"`
	Clusters        int     `json:"clusters"`
	GoldClusters    int     `json:"gold_clusters"`
}

// ScoreClusters computes pairwise precision/recall/F1 (over pairs of items
// put together), B-cubed precision/recall/F1 (per item, then averaged) and
// the adjusted Rand index, from the contingency table of predicted against
// gold clusters, in time linear in the items.
func ScoreClusters(pred []int, gold []string) ClusterScores {
	n := len(pred)
	type cell struct {
		p int
		g string
	}
	joint := map[cell]int{}
	pSize := map[int]int{}
	gSize := map[string]int{}
	for i := range pred {
		joint[cell{pred[i], gold[i]}]++
		pSize[pred[i]]++
		gSize[gold[i]]++
	}
	pairs := func(k int) float64 { return float64(k) * float64(k-1) / 2 }
	var sumJoint, sumP, sumG float64
	for _, v := range joint {
		sumJoint += pairs(v)
	}
	for _, v := range pSize {
		sumP += pairs(v)
	}
	for _, v := range gSize {
		sumG += pairs(v)
	}
	s := ClusterScores{Items: n, Clusters: len(pSize), GoldClusters: len(gSize)}
	if sumP > 0 {
		s.PairPrecision = sumJoint / sumP
	}
	if sumG > 0 {
		s.PairRecall = sumJoint / sumG
	}
	s.PairF1 = f1(s.PairPrecision, s.PairRecall)
	// B-cubed: for item i in cell (p,g), precision |cell|/|p|, recall |cell|/|g|.
	for c, v := range joint {
		s.BCubedPrecision += float64(v) * float64(v) / float64(pSize[c.p])
		s.BCubedRecall += float64(v) * float64(v) / float64(gSize[c.g])
	}
	if n > 0 {
		s.BCubedPrecision /= float64(n)
		s.BCubedRecall /= float64(n)
	}
	s.BCubedF1 = f1(s.BCubedPrecision, s.BCubedRecall)
	total := pairs(n)
	if total > 0 {
		expected := sumP * sumG / total
		maxIndex := (sumP + sumG) / 2
		if maxIndex != expected {
			s.ARI = (sumJoint - expected) / (maxIndex - expected)
		} else {
			s.ARI = 1
		}
	}
	for _, v := range []*float64{&s.PairPrecision, &s.PairRecall, &s.PairF1, &s.BCubedPrecision, &s.BCubedRecall, &s.BCubedF1, &s.ARI} {
		*v = math.Round(*v*10000) / 10000
	}
	return s
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}
