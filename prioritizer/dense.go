package prioritizer

import (
	"math"
	"math/rand/v2"
)

// DefaultVectorThreshold is the cosine similarity an ask's embedding needs
// to a topic's mean embedding to join it, when asks carry embeddings. A
// member as close to each of n others as cos ρ is about √ρ from their
// mean, so 0.7 lets in asks about 0.5 from a large topic's members and
// 0.7 from a single one. Embedding models differ: measure yours with
// `voc eval-clusters` and set cluster.embeddings.threshold.
const DefaultVectorThreshold = 0.7

// DefaultVectorMergeThreshold is the similarity of two topics' mean
// embeddings for the second pass to merge them.
const DefaultVectorMergeThreshold = 0.8

// LSH over embeddings finds the topics an ask may join without comparing
// it with all of them: lshTables signatures of lshBits random hyperplanes
// each; a topic is filed under the signatures of its members.
const (
	lshTables = 6
	lshBits   = 10
)

// dense is the embedding side of a clusterer: each cluster's sum of
// member embeddings, and the LSH index over them.
type dense struct {
	dims    int
	sums    [][]float32
	norm2   []float64
	planes  []float32 // lshTables*lshBits hyperplanes of dims each
	buckets map[uint32][]int
}

func newDense(dims int) *dense {
	r := rand.New(rand.NewPCG(1, 2)) // fixed: the same asks cluster the same way every run
	planes := make([]float32, lshTables*lshBits*dims)
	for i := range planes {
		planes[i] = float32(r.NormFloat64())
	}
	return &dense{dims: dims, planes: planes, buckets: map[uint32][]int{}}
}

// signatures returns v's bucket in each table, the table in the top bits.
func (d *dense) signatures(v []float32) [lshTables]uint32 {
	var out [lshTables]uint32
	for t := range lshTables {
		sig := uint32(t) << 24
		for b := range lshBits {
			p := d.planes[(t*lshBits+b)*d.dims : (t*lshBits+b+1)*d.dims]
			if dot32(p, v) > 0 {
				sig |= 1 << b
			}
		}
		out[t] = sig
	}
	return out
}

// newCluster adds an empty cluster.
func (d *dense) newCluster() {
	d.sums = append(d.sums, make([]float32, d.dims))
	d.norm2 = append(d.norm2, 0)
}

// add puts member embedding v into cluster k and files k under v's
// signatures.
func (d *dense) add(k int, v []float32) {
	s := d.sums[k]
	var n float64
	for i, x := range v {
		s[i] += x
		n += float64(s[i]) * float64(s[i])
	}
	d.norm2[k] = n
	for _, sig := range d.signatures(v) {
		l := d.buckets[sig]
		if len(l) == 0 || l[len(l)-1] != k {
			d.buckets[sig] = append(l, k)
		}
	}
}

// near returns the bucket lists v falls in, bounded as candidates are.
func (d *dense) near(v []float32) [][]int {
	lists := make([][]int, 0, lshTables)
	for _, sig := range d.signatures(v) {
		lists = append(lists, d.buckets[sig])
	}
	return boundPostings(lists)
}

// cosine of unit vector v and cluster k's mean embedding.
func (d *dense) cosine(v []float32, k int) float64 {
	if d.norm2[k] == 0 {
		return 0
	}
	return float64(dot32(v, d.sums[k])) / math.Sqrt(d.norm2[k])
}

// mean returns cluster k's mean embedding at unit length.
func (d *dense) mean(k int) []float32 {
	out := make([]float32, d.dims)
	if d.norm2[k] == 0 {
		return out
	}
	n := float32(math.Sqrt(d.norm2[k]))
	for i, x := range d.sums[k] {
		out[i] = x / n
	}
	return out
}

func dot32(a, b []float32) float32 {
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return s0 + s1 + s2 + s3
}

// vectorDims returns the length all of vecs share, or 0 when any is
// missing or they differ: then the asks are clustered by their words.
func vectorDims(vecs [][]float32) int {
	if len(vecs) == 0 {
		return 0
	}
	dims := len(vecs[0])
	for _, v := range vecs {
		if len(v) != dims {
			return 0
		}
	}
	return dims
}
