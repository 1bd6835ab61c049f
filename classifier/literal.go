package classifier

import (
	"regexp/syntax"
	"strings"
)

// requiredLiteral returns the longest literal that every match of the
// pattern must contain, or "" when there is none. Checking it with
// strings.Contains first lets most texts skip the regular expression, which
// is what keeps hundreds of cues cheap.
func requiredLiteral(pattern string) string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return ""
	}
	return longest(re.Simplify())
}

func longest(re *syntax.Regexp) string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return ""
		}
		return string(re.Rune)
	case syntax.OpCapture, syntax.OpPlus:
		return longest(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min > 0 {
			return longest(re.Sub[0])
		}
	case syntax.OpConcat:
		best := ""
		var run strings.Builder
		for _, sub := range re.Sub {
			if sub.Op == syntax.OpLiteral && sub.Flags&syntax.FoldCase == 0 {
				run.WriteString(string(sub.Rune))
				if run.Len() > len(best) {
					best = run.String()
				}
				continue
			}
			run.Reset()
			if l := longest(sub); len(l) > len(best) {
				best = l
			}
		}
		return best
	}
	return ""
}

// requiredAnyOf returns literals one of which every match of the pattern
// must contain, chosen so the shortest is as long as can be, or nil. It
// gates patterns whose single required literal is short or absent:
// "(would|could) be (better|nicer)" needs "better" or "nicer".
func requiredAnyOf(pattern string) []string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	return anyOf(re.Simplify())
}

func anyOf(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil
		}
		return []string{string(re.Rune)}
	case syntax.OpCapture, syntax.OpPlus:
		return anyOf(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min > 0 {
			return anyOf(re.Sub[0])
		}
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(out) == 8 {
					return nil
				}
				out = append(out, string(r))
			}
		}
		return out
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			s := anyOf(sub)
			if s == nil {
				return nil
			}
			out = append(out, s...)
		}
		return out
	case syntax.OpConcat:
		var best []string
		for _, sub := range re.Sub {
			if s := anyOf(sub); s != nil && shortest(s) > shortest(best) {
				best = s
			}
		}
		if lit := longest(re); lit != "" && len(lit) >= shortest(best) {
			return []string{lit}
		}
		return best
	}
	return nil
}

// shortest is the length of the shortest string of s, 0 for none.
func shortest(s []string) int {
	if len(s) == 0 {
		return 0
	}
	n := len(s[0])
	for _, x := range s[1:] {
		if len(x) < n {
			n = len(x)
		}
	}
	return n
}
