package prioritizer

import (
	"math"
	"sort"

	"github.com/voc-dev/voc/internal/textnorm"
)

// DefaultThreshold is the cosine similarity an ask needs to the centroid of
// an existing topic to join it.
const DefaultThreshold = 0.2

// DefaultMergeThreshold is the similarity two topics' centroids need to be
// merged by the second pass. Higher than the join threshold: merging whole
// topics on weak evidence is what over-merges (banking77 B-cubed 0.22 at
// 0.2, 0.34 at 0.5).
const DefaultMergeThreshold = 0.5

// candidateTerms is how many of an ask's rarest terms are used to find
// candidate topics, which keeps the cost per ask bounded.
const candidateTerms = 8

type vector map[string]float64

// clusterer groups texts greedily: each text joins the most similar
// existing cluster (cosine of TF-IDF vectors against the cluster's
// centroid) when the similarity reaches the threshold, or starts a new one.
// Candidate clusters come from an inverted index of terms, so the cost per
// text does not grow with the number of clusters.
type clusterer struct {
	threshold float64
	idf       map[string]float64
	defIDF    float64
	centroids []vector
	norms     []float64
	index     map[string][]int
}

func newClusterer(docs [][]string, threshold float64) *clusterer {
	df := map[string]int{}
	for _, d := range docs {
		seen := map[string]bool{}
		for _, t := range d {
			if !seen[t] {
				seen[t] = true
				df[t]++
			}
		}
	}
	n := float64(len(docs))
	idf := make(map[string]float64, len(df))
	for t, c := range df {
		idf[t] = math.Log((n+1)/(float64(c)+1)) + 1
	}
	return &clusterer{threshold: threshold, idf: idf, defIDF: math.Log(n+1) + 1, index: map[string][]int{}}
}

func (c *clusterer) vectorize(tokens []string) vector {
	v := vector{}
	for _, t := range tokens {
		v[t]++
	}
	var norm float64
	for t, tf := range v {
		w := (1 + math.Log(tf)) * c.weight(t)
		v[t] = w
		norm += w * w
	}
	norm = math.Sqrt(norm)
	for t := range v {
		v[t] /= norm
	}
	return v
}

func (c *clusterer) weight(t string) float64 {
	if w, ok := c.idf[t]; ok {
		return w
	}
	return c.defIDF
}

// add places one text and returns its cluster index and its similarity to
// that cluster (1 for a new cluster).
func (c *clusterer) add(tokens []string) (int, float64) {
	v := c.vectorize(tokens)
	if len(v) == 0 {
		return c.newCluster(v), 1
	}
	terms := topTerms(v, candidateTerms)
	best, bestSim := -1, 0.0
	seen := map[int]bool{}
	for _, t := range terms {
		for _, k := range c.index[t] {
			if seen[k] {
				continue
			}
			seen[k] = true
			if s := c.cosine(v, k); s > bestSim || (s == bestSim && k < best) {
				best, bestSim = k, s
			}
		}
	}
	if best < 0 || bestSim < c.threshold {
		return c.newCluster(v), 1
	}
	c.merge(best, v)
	return best, bestSim
}

func (c *clusterer) cosine(v vector, k int) float64 {
	if c.norms[k] == 0 {
		return 0
	}
	var dot float64
	for t, w := range v {
		dot += w * c.centroids[k][t]
	}
	return dot / c.norms[k]
}

func (c *clusterer) newCluster(v vector) int {
	k := len(c.centroids)
	c.centroids = append(c.centroids, vector{})
	c.norms = append(c.norms, 0)
	c.merge(k, v)
	return k
}

func (c *clusterer) merge(k int, v vector) {
	cent := c.centroids[k]
	for t, w := range v {
		if _, ok := cent[t]; !ok {
			c.index[t] = append(c.index[t], k)
		}
		cent[t] += w
	}
	var n float64
	for _, w := range cent {
		n += w * w
	}
	c.norms[k] = math.Sqrt(n)
}

// similarity of a text's vector to cluster k, for picking a title.
func (c *clusterer) similarity(tokens []string, k int) float64 {
	return c.cosine(c.vectorize(tokens), k)
}

// tokens is the clustering view of a text.
func tokens(text string) []string { return append(textnorm.Terms(text), textnorm.Concepts(text)...) }

// mergeSimilar joins clusters whose centroids are at least th similar, the
// earlier cluster absorbing the later, and returns each cluster's
// representative. A greedy single pass can split one ask in two when its
// first wordings share few terms; this pass, run once at the end, mends
// that. Candidates come from the inverted index, so the cost stays bounded.
func (c *clusterer) mergeSimilar(th float64) []int {
	parent := make([]int, len(c.centroids))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for k := range c.centroids {
		v := c.normalized(k)
		terms := topTerms(v, candidateTerms)
		best, bestSim := -1, 0.0
		for _, t := range terms {
			for _, j := range c.index[t] {
				if j >= k {
					continue
				}
				if s := c.cosine(v, j); s > bestSim || (s == bestSim && j < best) {
					best, bestSim = j, s
				}
			}
		}
		if best >= 0 && bestSim >= th {
			parent[find(k)] = find(best)
		}
	}
	for i := range parent {
		parent[i] = find(i)
	}
	return parent
}

func (c *clusterer) normalized(k int) vector {
	v := make(vector, len(c.centroids[k]))
	for t, w := range c.centroids[k] {
		v[t] = w / c.norms[k]
	}
	return v
}

// topTerms returns the n heaviest terms of v, heaviest first.
func topTerms(v vector, n int) []string {
	terms := make([]string, 0, len(v))
	for t := range v {
		terms = append(terms, t)
	}
	sort.Slice(terms, func(i, j int) bool {
		if v[terms[i]] != v[terms[j]] {
			return v[terms[i]] > v[terms[j]]
		}
		return terms[i] < terms[j]
	})
	if len(terms) > n {
		terms = terms[:n]
	}
	return terms
}
