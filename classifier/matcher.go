package classifier

import (
	"regexp"
	"strings"
)

// The word boundaries of an English cue or phrase in folded text.
const (
	boundaryBefore = `(^|[^a-z0-9])`
	boundaryAfter  = `($|[^a-z0-9])`
)

// matcher finds one pattern in folded text cheaply: a pattern that is a
// literal between word boundaries by byte search and a boundary check; any
// other by its regular expression, run only when the literals every match
// must hold are there. It is how cues, lexicon phrases and strategy phrases
// are all looked for.
type matcher struct {
	re   *regexp.Regexp
	gate []string // every match holds one of these (nil: no gate)
	// plain: the pattern is gate[0] itself, with word boundaries before
	// and after when before and after are set.
	plain, before, after bool
}

func newMatcher(re *regexp.Regexp) matcher {
	m := matcher{re: re}
	pat := re.String()
	lit := requiredLiteral(pat)
	if lit != "" {
		m.gate = []string{lit}
	}
	if g := requiredAnyOf(pat); shortest(g) > len(lit) {
		m.gate = g
	}
	m.before, m.after = strings.HasPrefix(pat, boundaryBefore), strings.HasSuffix(pat, boundaryAfter)
	body := strings.TrimSuffix(strings.TrimPrefix(pat, boundaryBefore), boundaryAfter)
	if body != "" && regexp.QuoteMeta(body) == body {
		m.plain, m.gate = true, []string{body}
	}
	return m
}

// match reports whether the pattern occurs in folded.
func (m *matcher) match(folded string) bool {
	if m.plain {
		lit := m.gate[0]
		for off := 0; off <= len(folded); {
			i := strings.Index(folded[off:], lit)
			if i < 0 {
				return false
			}
			i += off
			end := i + len(lit)
			if (!m.before || i == 0 || boundary(folded[i-1])) && (!m.after || end == len(folded) || boundary(folded[end])) {
				return true
			}
			off = i + 1
		}
		return false
	}
	if m.gate != nil && !containsAny(folded, m.gate) {
		return false
	}
	return m.re.MatchString(folded)
}

// find returns the leftmost match of the pattern in folded ("" when there
// is none), the gate checked first as in match; a literal between word
// boundaries is returned without them.
func (m *matcher) find(folded string) string {
	if !m.match(folded) {
		return ""
	}
	if m.plain {
		return m.gate[0]
	}
	return m.re.FindString(folded)
}

// mustMatcher compiles pattern (for folded text, so lower-case) into a
// matcher; it panics on a bad pattern, like regexp.MustCompile.
func mustMatcher(pattern string) matcher { return newMatcher(regexp.MustCompile(pattern)) }

func containsAny(s string, lits []string) bool {
	for _, l := range lits {
		if strings.Contains(s, l) {
			return true
		}
	}
	return false
}

// boundary is [^a-z0-9] on a byte of folded text (a byte of a multi-byte
// rune belongs to a rune that is not an ASCII letter or digit).
func boundary(c byte) bool {
	return !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9')
}
