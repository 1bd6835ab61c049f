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
	n        int        // patterns
	class    [256]uint8 // byte → class; 0 for bytes no literal holds
	nclass   int
	next     []uint16 // state*nclass+class → state
	outStart []int32  // state → first of its outputs in outs; len states+1
	outs     []int32  // indices into alts
	alts     []alt
	slow     []slowPattern
	ungated  []int // of slow: those with no gate in the automaton
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
	s.build(lits)
	return s
}

// build compiles the literals (lits[i] is alts[i]'s) into the automaton.
func (s *literalIndex) build(lits []string) {
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
		own[st] = append(own[st], int32(i))
	}
	fail := make([]int32, states)
	outs := make([][]int32, states)
	outs[0] = own[0]
	queue := make([]int32, 0, states)
	for c := 0; c < nc; c++ {
		if ch := next[c]; ch > 0 {
			fail[ch] = 0
			queue = append(queue, ch)
		} else {
			next[c] = 0
		}
	}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
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
	s.compact(next, states)
	s.outStart = make([]int32, states+1)
	for st, o := range outs {
		s.outs = append(s.outs, o...)
		s.outStart[st+1] = int32(len(s.outs))
	}
}

// compact stores the table as 16-bit states.
func (s *literalIndex) compact(next []int32, states int) {
	if states > 1<<16 {
		panic("classifier: literal index has more than 65536 states")
	}
	s.next = make([]uint16, len(next))
	for i, v := range next {
		s.next[i] = uint16(v)
	}
}

// find sets in fired (len ≥ (n+63)/64, cleared by the caller) the bit of
// every pattern that occurs in folded.
func (s *literalIndex) find(folded string, fired []uint64) {
	nc, st := s.nclass, int32(0)
	var gated uint64 // slow patterns whose gate was seen
	for i := 0; i < len(folded); i++ {
		st = int32(s.next[int(st)*nc+int(s.class[folded[i]])])
		lo, hi := s.outStart[st], s.outStart[st+1]
		for _, a := range s.outs[lo:hi] {
			al := &s.alts[a]
			if al.pat < 0 {
				gated |= 1 << (-al.pat - 1)
				continue
			}
			end := i + 1
			start := end - int(al.n)
			if al.start && start != 0 || al.end && end != len(folded) ||
				al.before && start > 0 && !boundary(folded[start-1]) ||
				al.after && end < len(folded) && !boundary(folded[end]) {
				continue
			}
			fired[al.pat>>6] |= 1 << (al.pat & 63)
		}
	}
	for _, i := range s.ungated {
		gated |= 1 << i
	}
	for gated != 0 {
		p := &s.slow[bits.TrailingZeros64(gated)]
		gated &= gated - 1
		if p.m.re.MatchString(folded) {
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
