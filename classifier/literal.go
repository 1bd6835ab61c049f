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
