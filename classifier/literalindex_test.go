package classifier

import (
	"regexp"
	"strings"
	"testing"
)

// TestLiteralIndexAgreesWithRegexp runs the whole lexicon's automaton on
// texts made from its own literals (alone, glued to letters, between
// spaces, at either end) and checks, for every pattern, that it fires
// exactly when the regular expression matches.
func TestLiteralIndexAgreesWithRegexp(t *testing.T) {
	t.Parallel() // slow under -race; the three reference checks run side by side
	list := phrases()
	res := make([]*regexp.Regexp, len(list))
	for i := range list {
		res[i] = list[i].re
	}
	idx := newLiteralIndex(res)
	if len(idx.slow) > 4 {
		t.Errorf("%d lexicon patterns fall back to their expression; the automaton should take all but a few", len(idx.slow))
	}
	var texts []string
	seen := map[string]bool{}
	for i := range idx.alts {
		if i%3 != 0 && len(idx.alts) > 1500 {
			continue // every third literal of the big expansions is enough
		}
		lit := literalOf(idx, i)
		for _, s := range []string{lit, "x" + lit, lit + "x", " " + lit + " ", "a " + lit + " b", "は" + lit + "。", lit + "?"} {
			if !seen[s] {
				seen[s] = true
				texts = append(texts, s)
			}
		}
	}
	texts = append(texts, "", "the app crashed twice, error 503 and still no fix", "ダークモードがあるといいのに、グループが表示されない。")
	fired := make([]uint64, (len(res)+63)/64)
	bad := 0
	// The expressions' answers by text, kept for the ASCII variants below
	// (the race detector makes each run of them slow).
	answers := map[string][]bool{}
	answer := func(s string) []bool {
		if a, ok := answers[s]; ok {
			return a
		}
		a := make([]bool, len(res))
		for i, re := range res {
			a[i] = re.MatchString(s)
		}
		answers[s] = a
		return a
	}
	for _, s := range texts {
		clear(fired)
		idx.find(s, fired)
		want := answer(s)
		for i, re := range res {
			if got, want := fired[i>>6]&(1<<(i&63)) != 0, want[i]; got != want && bad < 20 {
				bad++
				t.Errorf("%s on %q: automaton %v, regexp %v", re, s, got, want)
			}
		}
	}
	// ASCII texts go to the ASCII automaton as they are, upper case and
	// all: it must fire as the expressions do on their lower case.
	if !idx.upper {
		t.Errorf("no lexicon literal has upper case, yet the ASCII automaton does not fold it")
	}
	n := 0
	for k, s := range texts {
		if !isASCII(s) {
			continue
		}
		variants := []string{s, strings.ToUpper(s)}
		if k%2 == 0 {
			variants = append(variants, "The "+strings.ToUpper(s[:len(s)/2])+s[len(s)/2:]+" Now")
		}
		for _, v := range variants {
			n++
			clear(fired)
			idx.findASCII(v, fired)
			want := answer(strings.ToLower(v))
			for i, re := range res {
				if got, want := fired[i>>6]&(1<<(i&63)) != 0, want[i]; got != want && bad < 20 {
					bad++
					t.Errorf("findASCII: %s on %q: automaton %v, regexp on its lower case %v", re, v, got, want)
				}
			}
		}
	}
	t.Logf("%d texts (%d ASCII variants), %d patterns, %d literals", len(texts), n, len(res), len(idx.alts))
}

// literalOf returns the bytes of alts[i], found again by walking the
// patterns' expansions (the index keeps lengths, not strings).
func literalOf(idx *literalIndex, i int) string {
	a := idx.alts[i]
	k := 0
	for j := 0; j < i; j++ {
		if idx.alts[j].pat == a.pat {
			k++
		}
	}
	if a.pat < 0 {
		return idx.slow[-a.pat-1].m.gate[k]
	}
	ps, _ := expandPattern(phrases()[a.pat].re.String())
	return ps[k].s
}
