package textnorm

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// AppendFold appends Fold(s) to dst and returns the extended buffer, without
// allocating when dst has room: the hot path of the classifier, which folds
// every text it labels. ASCII text is only lower-cased (NFKC leaves it as it
// is); other text goes through NFKC and then the same per-rune lower-casing
// as strings.ToLower, invalid bytes included (they become U+FFFD).
func AppendFold(dst []byte, s string) []byte {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
		}
		return dst
	}
	start := len(dst)
	// Room for the NFKC form and its lower-cased copy, in most cases.
	if need := start + 2*len(s) + 2*utf8.UTFMax; cap(dst) < need {
		dst = append(make([]byte, 0, need), dst...)
	}
	dst = norm.NFKC.AppendString(dst, s)
	end := len(dst)
	for i := start; i < end; {
		c := dst[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(dst[i:end])
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		i += size
	}
	n := copy(dst[start:], dst[end:])
	return dst[:start+n]
}
