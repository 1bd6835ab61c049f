package classifier

import (
	"regexp"
	"testing"
)

// TestLiteralIndexAgreesWithRegexp runs the whole lexicon's automaton on
// texts made from its own literals (alone, glued to letters, between
// spaces, at either end) and checks, for every pattern, that it fires
// exactly when the regular expression matches.
func TestLiteralIndexAgreesWithRegexp(t *testing.T) {
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
	for _, s := range texts {
		clear(fired)
		idx.find(s, fired)
		for i, re := range res {
			if got, want := fired[i>>6]&(1<<(i&63)) != 0, re.MatchString(s); got != want && bad < 20 {
				bad++
				t.Errorf("%s on %q: automaton %v, regexp %v", re, s, got, want)
			}
		}
	}
	t.Logf("%d texts, %d patterns, %d literals", len(texts), len(res), len(idx.alts))
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
