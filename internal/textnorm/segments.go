package textnorm

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// segmentBreak finds where one sentence turns to a second ask: "…, and
// also …", "…; also …", "…. Another thing: …", 「…。また、…」「…、あと…」.
var segmentBreak = regexp.MustCompile(`(?i)(,\s*and also\s+|;\s*(and\s+)?also\s+|,\s*plus\s+|,\s*additionally\s+|\s+another thing:?\s+|、?(それと|あと|また|それから|加えて|ついでに)、)`)

// minSegment is the shortest piece, in characters, that counts as an ask
// of its own; shorter pieces stay with their sentence.
const minSegment = 12

// Segments splits a sentence into the asks it joins with a connective
// ("the export times out, and also please add dark mode"). A sentence
// without such a connective, or whose pieces would be too short to be asks,
// is returned whole.
func Segments(sentence string) []string {
	locs := segmentBreak.FindAllStringIndex(sentence, -1)
	if len(locs) == 0 {
		return []string{sentence}
	}
	var out []string
	start := 0
	for _, l := range locs {
		head := strings.TrimSpace(sentence[start:l[0]])
		if utf8.RuneCountInString(head) < minSegment {
			continue
		}
		out = append(out, head)
		start = l[1]
	}
	tail := strings.TrimSpace(sentence[start:])
	if utf8.RuneCountInString(tail) < minSegment {
		if len(out) == 0 {
			return []string{sentence}
		}
		out[len(out)-1] = strings.TrimSpace(sentence[strings.Index(sentence, out[len(out)-1]):])
		return out
	}
	return append(out, tail)
}
