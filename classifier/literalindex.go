package classifier

import (
	"math/bits"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
)

// literalIndex finds which of many patterns occur in folded text in one pass
// over its bytes: every pattern that stands for a finite set of literals
// (alternations, optional parts, small classes, ^ and $, word boundaries
// before and after) is expanded into them, and all the literals go into one
// Aho-Corasick automaton compiled to a table over byte classes. A hit is
// checked against its literal's boundaries and anchors. Patterns that are
// not finite fall back to their matcher. It is what keeps the lexicon's
// hundreds of phrases cheap enough for predict.
type literalIndex struct {
	n     int // patterns
	full  automaton
	ascii automaton // the literals that are all ASCII: all that ASCII text can hold
	// upper says whether ascii's classes fold A-Z onto a-z, so that it
	// runs on ASCII text as it is, without folding it first.
	upper   bool
	alts    []alt
	slow    []slowPattern
	ungated []int // of slow: those with no gate in the automaton
}

// automaton is an Aho-Corasick automaton over byte classes.
type automaton struct {
	class  [256]uint8 // byte → class; 0 for bytes no literal holds
	nclass int
	shift  uint // a state's row is state<<shift: nclass rounded up to a power of two
	// next maps state<<shift+class to the next state, with hasOut set
	// when that state has outputs. States are numbered breadth first, so
	// the shallow states most bytes lead to share a few cache lines.
	next     []uint16
	outStart []int32 // state → first of its outputs in outs; len states+1
	outs     []int32 // indices into alts
}

// alt is one literal of a pattern with what must hold around it, or (pat
// < 0) one literal of slow pattern -pat-1's gate.
type alt struct {
	pat           int32
	n             int32 // length in bytes
	before, after bool  // word boundary before, after
	start, end    bool  // at the start, end of the text
}

type slowPattern struct {
	pat int
	m   matcher
}

// maxExpansions bounds the literals one pattern may become.
const maxExpansions = 2048

// newLiteralIndex compiles patterns; fired bits are numbered as they are.
func newLiteralIndex(res []*regexp.Regexp) *literalIndex {
	s := &literalIndex{n: len(res)}
	var lits []string
	for i, re := range res {
		as, ok := expandPattern(re.String())
		if !ok {
			m := newMatcher(re)
			if len(s.slow) < 64 && m.gate != nil {
				// Its gate's literals go into the automaton too, and a
				// hit on one is what lets the expression run.
				for _, g := range m.gate {
					s.alts = append(s.alts, alt{pat: int32(-len(s.slow) - 1), n: int32(len(g))})
					lits = append(lits, g)
				}
			} else {
				m.gate = nil // run it on every text (the gate was none, or the slow set is full)
				s.ungated = append(s.ungated, len(s.slow))
			}
			s.slow = append(s.slow, slowPattern{pat: i, m: m})
			continue
		}
		for _, a := range as {
			s.alts = append(s.alts, alt{pat: int32(i), n: int32(len(a.s)), before: a.before, after: a.after, start: a.start, end: a.end})
			lits = append(lits, a.s)
		}
	}
	s.full.build(lits, nil)
	asciiLits := make([]bool, len(lits))
	s.upper = true
	for i, l := range lits {
		asciiLits[i] = isASCII(l)
		if strings.ContainsAny(l, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
			s.upper = false
		}
	}
	s.ascii.build(lits, asciiLits)
	if s.upper {
		for c := 'A'; c <= 'Z'; c++ {
			s.ascii.class[c] = s.ascii.class[c+'a'-'A']
		}
	}
	return s
}

// build compiles the literals (lits[i] is alts[i]'s) into the automaton;
// with keep, only those it marks.
func (s *automaton) build(all []string, keep []bool) {
	var lits []string
	var ids []int32 // lits[j] is all[ids[j]]
	for i, l := range all {
		if keep == nil || keep[i] {
			lits, ids = append(lits, l), append(ids, int32(i))
		}
	}
	s.nclass = 1
	for _, l := range lits {
		for i := 0; i < len(l); i++ {
			if s.class[l[i]] == 0 {
				s.class[l[i]] = uint8(s.nclass)
				s.nclass++
			}
		}
	}
	nc := s.nclass
	// The trie has a state per distinct prefix: count them first, so
	// that the table is made once.
	sorted := slices.Clone(lits)
	slices.Sort(sorted)
	states := 1
	for i, l := range sorted {
		lcp := 0
		if i > 0 {
			for lcp < len(l) && lcp < len(sorted[i-1]) && l[lcp] == sorted[i-1][lcp] {
				lcp++
			}
		}
		states += len(l) - lcp
	}
	next := make([]int32, 0, states*nc) // the table while it is built; compact makes s.next
	grow := func() int32 {
		st := int32(len(next) / nc)
		for c := 0; c < nc; c++ {
			next = append(next, -1)
		}
		return st
	}
	grow() // the root
	var own [][]int32
	own = append(own, nil)
	for i, l := range lits {
		st := int32(0)
		for j := 0; j < len(l); j++ {
			c := int(s.class[l[j]])
			if next[int(st)*nc+c] < 0 {
				next[int(st)*nc+c] = grow()
				own = append(own, nil)
			}
			st = next[int(st)*nc+c]
		}
		own[st] = append(own[st], ids[i])
	}
	fail := make([]int32, states)
	outs := make([][]int32, states)
	outs[0] = own[0]
	queue := make([]int32, 1, states) // the root, then breadth first
	for c := 0; c < nc; c++ {
		if ch := next[c]; ch > 0 {
			fail[ch] = 0
			queue = append(queue, ch)
		} else {
			next[c] = 0
		}
	}
	for qi := 1; qi < len(queue); qi++ {
		u := queue[qi]
		outs[u] = append(append([]int32(nil), own[u]...), outs[fail[u]]...)
		for c := 0; c < nc; c++ {
			i := int(u)*nc + c
			if ch := next[i]; ch >= 0 {
				fail[ch] = next[int(fail[u])*nc+c]
				queue = append(queue, ch)
			} else {
				next[i] = next[int(fail[u])*nc+c]
			}
		}
	}
	s.compact(next, queue, outs)
}

// hasOut marks, in a table entry, a state with outputs.
const hasOut = 1 << 15

// compact stores the table as 16-bit states renumbered in order (the
// breadth-first order of the trie), each entry flagged when its state has
// outputs, and the outputs by new state.
func (s *automaton) compact(next []int32, order []int32, outs [][]int32) {
	states, nc := len(order), s.nclass
	if states > hasOut {
		panic("classifier: literal index has more than 32768 states")
	}
	renum := make([]uint16, states)
	for n, old := range order {
		renum[old] = uint16(n)
	}
	s.shift = uint(bits.Len(uint(nc - 1)))
	s.next = make([]uint16, states<<s.shift)
	s.outStart = make([]int32, states+1)
	for n, old := range order {
		for c := 0; c < nc; c++ {
			to := next[int(old)*nc+c]
			v := renum[to]
			if len(outs[to]) > 0 {
				v |= hasOut
			}
			s.next[n<<s.shift+c] = v
		}
		s.outs = append(s.outs, outs[old]...)
		s.outStart[n+1] = int32(len(s.outs))
	}
}

// find sets in fired (len ≥ (n+63)/64, cleared by the caller) the bit of
// every pattern that occurs in folded.
func (s *literalIndex) find(folded string, fired []uint64) {
	s.findIn(&s.full, folded, false, fired)
}

// findASCII is find for ASCII text that may not be folded yet: it runs the
// ASCII literals' smaller automaton on the text as it is when that folds
// case itself, and folds the text first otherwise.
func (s *literalIndex) findASCII(text string, fired []uint64) {
	if !s.upper {
		text = strings.ToLower(text)
	}
	s.findIn(&s.ascii, text, s.upper, fired)
}

func (s *literalIndex) findIn(a *automaton, text string, lower bool, fired []uint64) {
	row, shift := 0, a.shift
	var gated uint64 // slow patterns whose gate was seen
	isBoundary := func(c byte) bool {
		if lower && 'A' <= c && c <= 'Z' {
			return false
		}
		return boundary(c)
	}
	for i := 0; i < len(text); i++ {
		v := a.next[row+int(a.class[text[i]])]
		st := int(v &^ hasOut)
		row = st << shift
		if v&hasOut == 0 {
			continue
		}
		lo, hi := a.outStart[st], a.outStart[st+1]
		for _, o := range a.outs[lo:hi] {
			al := &s.alts[o]
			if al.pat < 0 {
				gated |= 1 << (-al.pat - 1)
				continue
			}
			end := i + 1
			start := end - int(al.n)
			if al.start && start != 0 || al.end && end != len(text) ||
				al.before && start > 0 && !isBoundary(text[start-1]) ||
				al.after && end < len(text) && !isBoundary(text[end]) {
				continue
			}
			fired[al.pat>>6] |= 1 << (al.pat & 63)
		}
	}
	for _, i := range s.ungated {
		gated |= 1 << i
	}
	if gated != 0 && lower {
		text = strings.ToLower(text) // the expressions run on folded text
	}
	for gated != 0 {
		p := &s.slow[bits.TrailingZeros64(gated)]
		gated &= gated - 1
		if p.m.re.MatchString(text) {
			fired[p.pat>>6] |= 1 << (p.pat & 63)
		}
	}
}

// piece is one literal a pattern may match, with its conditions.
type piece struct {
	s                         string
	before, after, start, end bool
}

// expandPattern returns the literals a pattern stands for, or false when
// they are not a small finite set (or one of them is empty, which the
// automaton cannot find).
func expandPattern(pat string) ([]piece, bool) {
	before, after := strings.HasPrefix(pat, boundaryBefore), strings.HasSuffix(pat, boundaryAfter)
	body := strings.TrimSuffix(strings.TrimPrefix(pat, boundaryBefore), boundaryAfter)
	re, err := syntax.Parse(body, syntax.Perl)
	if err != nil {
		return nil, false
	}
	ps, ok := expand(re.Simplify())
	if !ok {
		return nil, false
	}
	for i := range ps {
		if ps[i].s == "" {
			return nil, false
		}
		ps[i].before, ps[i].after = before, after
	}
	return ps, true
}

func expand(re *syntax.Regexp) ([]piece, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return []piece{{}}, true
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil, false
		}
		return []piece{{s: string(re.Rune)}}, true
	case syntax.OpBeginText:
		return []piece{{start: true}}, true
	case syntax.OpEndText:
		return []piece{{end: true}}, true
	case syntax.OpCapture:
		return expand(re.Sub[0])
	case syntax.OpQuest:
		ps, ok := expand(re.Sub[0])
		return append(ps, piece{}), ok && len(ps) < maxExpansions
	case syntax.OpCharClass:
		var out []piece
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1]-re.Rune[i] >= maxExpansions {
				return nil, false
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				out = append(out, piece{s: string(r)})
			}
		}
		return out, len(out) <= maxExpansions
	case syntax.OpAlternate:
		var out []piece
		for _, sub := range re.Sub {
			ps, ok := expand(sub)
			if !ok {
				return nil, false
			}
			out = append(out, ps...)
		}
		return out, len(out) <= maxExpansions
	case syntax.OpConcat:
		out := []piece{{}}
		for _, sub := range re.Sub {
			ps, ok := expand(sub)
			if !ok {
				return nil, false
			}
			var next []piece
			for _, a := range out {
				for _, b := range ps {
					if a.end && b.s != "" || b.start && a.s != "" {
						continue // cannot match
					}
					next = append(next, piece{s: a.s + b.s, start: a.start || b.start, end: a.end || b.end})
				}
			}
			if len(next) > maxExpansions {
				return nil, false
			}
			out = next
		}
		return out, true
	}
	return nil, false
}
