package prioritizer

import (
	"math"
	"sort"
	"strings"

	"github.com/voc-dev/voc/internal/textnorm"
)

// DefaultThreshold is the cosine similarity an ask needs to the centroid of
// an existing topic to join it (of which minRestShare must come from more
// than one term).
const DefaultThreshold = 0.20

// DefaultMergeThreshold is the similarity two topics' centroids need to be
// merged by the second pass. Higher than the join threshold: merging whole
// topics on weak evidence is what over-merges (banking77 B-cubed 0.22 at
// 0.2, 0.34 at 0.5).
const DefaultMergeThreshold = 0.5

// candidateTerms is how many of an ask's heaviest terms that some topic
// holds are used to find candidate topics, which keeps the cost per ask
// bounded.
const candidateTerms = 8

// maxPostings bounds the topics an ask is compared with through one term:
// a term held by more topics than this (a word every topic uses) finds
// no candidates, unless the ask has no rarer one. It keeps the cost per
// ask from growing with the number of topics.
const maxPostings = 128

// term is a word, n-gram or concept, interned: clustering compares
// numbers, not strings, and an ask's terms cost four bytes each.
type term = int32

// vocab interns the terms of one ranking run.
type vocab struct {
	ids   map[string]term
	names []string
}

func newVocab() *vocab { return &vocab{ids: map[string]term{}} }

// intern returns the terms of tokens, adding new ones.
func (v *vocab) intern(tokens []string) []term {
	out := make([]term, len(tokens))
	for i, t := range tokens {
		id, ok := v.ids[t]
		if !ok {
			id = term(len(v.names))
			v.ids[t] = id
			v.names = append(v.names, t)
		}
		out[i] = id
	}
	return out
}

type vector map[term]float64

// clusterer groups texts greedily: each text joins the most similar
// existing cluster (cosine of TF-IDF vectors against the cluster's
// centroid) when the similarity reaches the threshold, or starts a new one.
// Candidate clusters come from an inverted index of terms, so the cost per
// text does not grow with the number of clusters.
type clusterer struct {
	threshold float64
	vocab     *vocab
	idf       []float64 // by term; 0 for terms no document of the family has
	defIDF    float64
	centroids []vector
	norms     []float64
	norm2     []float64 // squared norms, kept as terms are added
	index     [][]int   // by term: the clusters whose centroid has it
	// seen marks the clusters already compared in this add (round).
	seen  []int
	round int
	// fixed marks kept topics (incremental ranking): the merge passes
	// never merge two of them.
	fixed []bool
	// compared counts the topics add has compared asks with.
	compared int
	// plain makes the reference clustering BaselineCluster scores: every
	// term finds candidates, and one shared term is enough to join.
	plain bool
	// vec, when the asks carry embeddings, decides by their similarity
	// instead of the terms'; terms still find candidates beside its LSH.
	vec *dense
	// mergeTh is the similarity the merge pass needs. It and threshold
	// are the vectors' when vec is set.
	mergeTh float64
}

// docFreq counts, for each of n terms, the documents that hold it.
func docFreq(docs [][]term, n int) []int {
	df := make([]int, n)
	for _, d := range docs {
		seen := map[term]bool{}
		for _, t := range d {
			if !seen[t] {
				seen[t] = true
				df[t]++
			}
		}
	}
	return df
}

func newClusterer(docs [][]term, v *vocab, threshold float64) *clusterer {
	df := docFreq(docs, len(v.names))
	n := float64(len(docs))
	idf := make([]float64, len(df))
	for t, c := range df {
		if c > 0 {
			idf[t] = math.Log((n+1)/(float64(c)+1)) + 1
		}
	}
	return &clusterer{threshold: threshold, vocab: v, idf: idf, defIDF: math.Log(n+1) + 1}
}

// newFamily returns the clusterer for one family of asks under cfg's
// thresholds (zero: the defaults), comparing embeddings of dims
// dimensions when dims is not 0.
func newFamily(docs [][]term, v *vocab, dims int, cfg Config) *clusterer {
	cfg = cfg.withDefaults()
	c := newClusterer(docs, v, cfg.Threshold)
	c.mergeTh = cfg.MergeThreshold
	if dims > 0 {
		c.vec = newDense(dims)
		c.threshold, c.mergeTh = cfg.VectorThreshold, cfg.VectorMergeThreshold
	}
	return c
}

func (c *clusterer) vectorize(terms []term) vector {
	v := vector{}
	for _, t := range terms {
		v[t]++
	}
	// Sums run in term order: float addition is not associative, and map
	// order would make the same texts cluster differently from run to run.
	var norm float64
	for _, t := range sortedKeys(v) {
		w := (1 + math.Log(v[t])) * c.weight(t)
		v[t] = w
		norm += w * w
	}
	norm = math.Sqrt(norm)
	for t := range v {
		v[t] /= norm
	}
	return v
}

// sortedKeys returns v's terms in order, the order every sum over a
// vector takes.
func sortedKeys(v vector) []term {
	keys := make([]term, 0, len(v))
	for t := range v {
		keys = append(keys, t)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

func (c *clusterer) weight(t term) float64 {
	if int(t) < len(c.idf) && c.idf[t] > 0 {
		return c.idf[t]
	}
	return c.defIDF
}

// add places one text, with its embedding when the clusterer has them,
// and returns its cluster index and its similarity to that cluster (1 for
// a new cluster).
func (c *clusterer) add(terms []term, emb []float32) (int, float64) {
	v := c.vectorize(terms)
	if c.vec != nil {
		return c.addDense(v, emb)
	}
	if len(v) == 0 {
		return c.newCluster(v, nil), 1
	}
	keys := sortedKeys(v)
	best, bestSim, bestTop := -1, 0.0, 0.0
	c.round++
	for _, l := range c.candidates(v) {
		for _, k := range l {
			if c.seen[k] == c.round {
				continue
			}
			c.seen[k] = c.round
			c.compared++
			s, shared, top := c.cosineShared(v, keys, k)
			if (s > bestSim || (s == bestSim && k < best)) && (c.plain || shared >= min(minSharedTerms, len(keys))) {
				best, bestSim, bestTop = k, s, top
			}
		}
	}
	// One heavy word is not one ask: the nearest topic must be near on
	// more than its heaviest shared term.
	if best < 0 || bestSim < c.threshold || (!c.plain && bestSim-bestTop < minRestShare*c.threshold) {
		return c.newCluster(v, nil), 1
	}
	c.merge(best, v, keys)
	return best, bestSim
}

// addDense is add by embeddings: candidates from the terms' index and from
// the LSH buckets, the one whose mean embedding is nearest joined when it
// reaches the vector threshold. No shared terms are required, so asks
// worded apart, or in two languages, can meet.
func (c *clusterer) addDense(v vector, emb []float32) (int, float64) {
	best, bestSim := -1, 0.0
	c.round++
	for _, lists := range [2][][]int{c.candidates(v), c.vec.near(emb)} {
		for _, l := range lists {
			for _, k := range l {
				if c.seen[k] == c.round {
					continue
				}
				c.seen[k] = c.round
				c.compared++
				if s := c.vec.cosine(emb, k); s > bestSim || (s == bestSim && k < best) {
					best, bestSim = k, s
				}
			}
		}
	}
	if best < 0 || bestSim < c.threshold {
		return c.newCluster(v, emb), 1
	}
	c.merge(best, v, sortedKeys(v))
	c.vec.add(best, emb)
	return best, bestSim
}

// minSharedTerms is how many of an ask's terms a topic's centroid must
// hold for the ask to join it (all of them when the ask has fewer). One
// heavy shared word is not one ask: short bug titles met on "crash" alone
// grew one 163-ask topic out of dozens of duplicates groups
// (openoffice-dups B-cubed F1 0.353 → 0.478, banking77 0.324 → 0.350;
// docs/benchmarks.md).
const minSharedTerms = 2

// minRestShare is the part of the join threshold that the nearest topic
// must reach on the ask's shared terms other than the heaviest, else the
// ask starts a topic of its own. Two shared terms are easy to find in a
// large topic's centroid, which holds every word its asks used: bug titles
// met on "crash" and one incidental word grew a 190-title topic out of
// dozens of duplicate groups. With the join threshold lowered from 0.25 to
// 0.20, B-cubed F1: openoffice-dups 0.481 → 0.516, paraphrase 0.327 →
// 0.334, bundled example 0.742 → 0.758, banking77 0.359 → 0.357
// (docs/benchmarks.md).
const minRestShare = 0.5

// candidates returns the posting lists of v's heaviest terms that some
// topic holds (at most candidateTerms of them), leaving out those longer
// than maxPostings unless every list is: then only the shortest. A plain clusterer takes the lists
// of all of v's terms.
func (c *clusterer) candidates(v vector) [][]int {
	if c.plain {
		var lists [][]int
		for _, t := range sortedKeys(v) {
			if int(t) < len(c.index) {
				lists = append(lists, c.index[t])
			}
		}
		return lists
	}
	// A term no topic holds yet finds no candidate, so it takes no place
	// among the heaviest: a long ask's rare words (a name, a typo) would
	// otherwise crowd out the words it shares with its topic.
	lists := make([][]int, 0, candidateTerms)
	for _, t := range c.topTerms(v, len(v)) {
		if int(t) < len(c.index) && len(c.index[t]) > 0 {
			lists = append(lists, c.index[t])
			if len(lists) == candidateTerms {
				break
			}
		}
	}
	return boundPostings(lists)
}

// boundPostings keeps the lists no longer than maxPostings, in place, or
// only the shortest when every one is longer. An empty list counts as a
// short one: a term no topic has yet is the rarer term.
func boundPostings(lists [][]int) [][]int {
	var shortest []int
	kept, short := lists[:0], false
	for _, l := range lists {
		if shortest == nil || len(l) < len(shortest) {
			shortest = l
		}
		if len(l) <= maxPostings {
			short = true
			if len(l) > 0 {
				kept = append(kept, l)
			}
		}
	}
	if !short && shortest != nil {
		kept = append(kept, shortest)
	}
	return kept
}

// cosineShared is cosine, with the number of v's terms the centroid holds
// and the largest share of the cosine one term gives, from the same
// look-ups.
func (c *clusterer) cosineShared(v vector, keys []term, k int) (sim float64, shared int, top float64) {
	var dot float64
	cent := c.centroids[k]
	for _, t := range keys {
		if w, ok := cent[t]; ok {
			dot += v[t] * w
			top = max(top, v[t]*w)
			shared++
		}
	}
	if c.norms[k] == 0 {
		return 0, shared, 0
	}
	return dot / c.norms[k], shared, top / c.norms[k]
}

// cosine of v (its terms in order in keys) and cluster k's centroid.
func (c *clusterer) cosine(v vector, keys []term, k int) float64 {
	if c.norms[k] == 0 {
		return 0
	}
	var dot float64
	cent := c.centroids[k]
	for _, t := range keys {
		dot += v[t] * cent[t]
	}
	return dot / c.norms[k]
}

func (c *clusterer) newCluster(v vector, emb []float32) int {
	k := len(c.centroids)
	if c.vec != nil {
		c.vec.newCluster()
		c.vec.add(k, emb)
	}
	c.centroids = append(c.centroids, vector{})
	c.norms = append(c.norms, 0)
	c.norm2 = append(c.norm2, 0)
	c.seen = append(c.seen, 0)
	c.fixed = append(c.fixed, false)
	c.merge(k, v, sortedKeys(v))
	return k
}

// newFixedCluster starts a kept topic with its first member.
func (c *clusterer) newFixedCluster(terms []term, emb []float32) int {
	k := c.newCluster(c.vectorize(terms), emb)
	c.fixed[k] = true
	return k
}

// join adds a member to cluster k without searching: a kept topic's ask.
func (c *clusterer) join(k int, terms []term, emb []float32) {
	v := c.vectorize(terms)
	c.merge(k, v, sortedKeys(v))
	if c.vec != nil {
		c.vec.add(k, emb)
	}
}

// merge adds v to cluster k's centroid. The centroid's squared norm is
// kept up to date term by term, in v's term order, so it costs the size
// of v, not of the centroid, and is the same on every run.
func (c *clusterer) merge(k int, v vector, keys []term) {
	cent := c.centroids[k]
	for _, t := range keys {
		w := v[t]
		old, ok := cent[t]
		if !ok {
			for int(t) >= len(c.index) {
				c.index = append(c.index, nil)
			}
			c.index[t] = append(c.index[t], k)
		}
		cent[t] = old + w
		c.norm2[k] += 2*old*w + w*w
	}
	c.norms[k] = math.Sqrt(max(c.norm2[k], 0))
}

// tokens is the clustering view of a text.
func tokens(text string) []string { return append(textnorm.Terms(text), textnorm.Concepts(text)...) }

// mergeSimilar joins clusters whose centroids are at least mergeTh similar, the
// earlier cluster absorbing the later, and returns each cluster's
// representative. A greedy single pass can split one ask in two when its
// first wordings share few terms; this pass, run once at the end, mends
// that. Candidates come from the inverted index, so the cost stays bounded.
func (c *clusterer) mergeSimilar() []int {
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
		if c.fixed[k] {
			continue // a kept topic keeps its identity
		}
		v := c.normalized(k)
		if c.vec != nil {
			if j, s := c.nearestDense(k, v); j >= 0 && s >= c.mergeTh {
				c.link(find, parent, k, j)
			}
			continue
		}
		keys := sortedKeys(v)
		best, bestSim := -1, 0.0
		for _, l := range c.candidates(v) {
			for _, j := range l {
				if j >= k {
					continue
				}
				if s := c.cosine(v, keys, j); s > bestSim || (s == bestSim && j < best) {
					best, bestSim = j, s
				}
			}
		}
		if best >= 0 && bestSim >= c.mergeTh {
			c.link(find, parent, k, best)
		}
	}
	if c.vec == nil {
		c.bridgeScripts(find, parent) // embeddings meet across scripts themselves
	}
	for i := range parent {
		parent[i] = find(i)
	}
	return parent
}

// nearestDense returns the earlier cluster whose mean embedding is nearest
// cluster k's (v is k's term centroid, for candidates), and the cosine.
func (c *clusterer) nearestDense(k int, v vector) (int, float64) {
	u := c.vec.mean(k)
	best, bestSim := -1, 0.0
	for _, lists := range [2][][]int{c.candidates(v), c.vec.near(u)} {
		for _, l := range lists {
			for _, j := range l {
				if j >= k {
					continue
				}
				if s := c.vec.cosine(u, j); s > bestSim || (s == bestSim && j < best) {
					best, bestSim = j, s
				}
			}
		}
	}
	return best, bestSim
}

// link merges the clusters of x and y under y's root, or under the kept
// topic's when one is kept; two kept topics are never merged.
func (c *clusterer) link(find func(int) int, parent []int, x, y int) {
	rx, ry := find(x), find(y)
	switch {
	case rx == ry, c.fixed[rx] && c.fixed[ry]:
	case c.fixed[rx]:
		parent[ry] = rx
	default:
		parent[rx] = ry
	}
}

// BridgeThreshold is how similar an English and a Japanese topic must be on
// the terms both scripts share (glossary concepts, and Latin words such as
// "CSV", "SSO", "504") to be merged as one ask. A Japanese topic is merged
// with every English topic that reaches it, not only the nearest: two
// English wordings of one ask that the merge pass left apart ("Timezone
// bug?", "sees every due date a day later") meet through the Japanese
// report both agree with (bundled example B-cubed F1 0.937 → 0.958, 31 →
// 28 topics, precision unchanged; 0.949 at 0.6).
const BridgeThreshold = 0.5

// minBridgeTerms is how many shared-script terms each side needs, so that
// two topics are not bridged on one generic concept. Two, not three: a
// short Japanese ask ("ダークモードがほしい") carries two concepts and no
// Latin word (bundled example B-cubed F1 0.722 → 0.737, 68 → 64 topics).
const minBridgeTerms = 2

// bridgeScripts merges topics written mostly in Japanese with the topics
// written mostly in a spaced script that agree with them on the terms both
// can carry: full vectors cannot meet across scripts, as their words
// differ.
func (c *clusterer) bridgeScripts(find func(int) int, parent []int) {
	type side struct {
		k      int
		cjk    bool
		bridge vector
	}
	// The shared vocabulary: glossary concepts, and the Latin words that
	// Japanese-script topics use ("CSV", "SSO", "504").
	isCJKSide := func(cent vector) bool {
		var cjkW, allW float64
		for _, t := range sortedKeys(cent) {
			w := cent[t]
			allW += w
			if isCJKTerm(c.vocab.names[t]) {
				cjkW += w
			}
		}
		return allW > 0 && cjkW/allW > 0.5
	}
	shared := map[term]bool{}
	for k, cent := range c.centroids {
		if find(k) != k || !isCJKSide(cent) {
			continue
		}
		for t := range cent {
			if !isCJKTerm(c.vocab.names[t]) {
				shared[t] = true
			}
		}
	}
	var sides []side
	index := map[term][]int{}
	for k, cent := range c.centroids {
		if find(k) != k {
			continue
		}
		b := vector{}
		for t, w := range cent {
			if strings.HasPrefix(c.vocab.names[t], "~") || shared[t] {
				b[t] = w
			}
		}
		if len(b) < minBridgeTerms {
			continue
		}
		var n float64
		for _, t := range sortedKeys(b) {
			n += b[t] * b[t]
		}
		n = math.Sqrt(n)
		for t := range b {
			b[t] /= n
		}
		sides = append(sides, side{k: k, cjk: isCJKSide(cent), bridge: b})
		i := len(sides) - 1
		for _, t := range c.topTerms(b, candidateTerms) {
			index[t] = append(index[t], i)
		}
	}
	for i, a := range sides {
		if !a.cjk {
			continue
		}
		aKeys := sortedKeys(a.bridge)
		for _, t := range c.topTerms(a.bridge, candidateTerms) {
			for _, j := range index[t] {
				b := sides[j]
				if b.cjk || j == i || find(a.k) == find(b.k) {
					continue
				}
				var dot float64
				for _, t := range aKeys {
					dot += a.bridge[t] * b.bridge[t]
				}
				if dot >= BridgeThreshold {
					c.link(find, parent, a.k, b.k)
				}
			}
		}
	}
}

// isCJKTerm reports whether a term is a kana/kanji n-gram.
func isCJKTerm(t string) bool {
	for _, r := range t {
		return textnorm.IsCJK(r)
	}
	return false
}

func (c *clusterer) normalized(k int) vector {
	v := make(vector, len(c.centroids[k]))
	for t, w := range c.centroids[k] {
		v[t] = w / c.norms[k]
	}
	return v
}

// topTerms returns the n heaviest terms of v, heaviest first, ties in
// the terms' spelling order.
func (c *clusterer) topTerms(v vector, n int) []term {
	terms := make([]term, 0, len(v))
	for t := range v {
		terms = append(terms, t)
	}
	names := c.vocab.names
	sort.Slice(terms, func(i, j int) bool {
		if v[terms[i]] != v[terms[j]] {
			return v[terms[i]] > v[terms[j]]
		}
		return names[terms[i]] < names[terms[j]]
	})
	if len(terms) > n {
		terms = terms[:n]
	}
	return terms
}
