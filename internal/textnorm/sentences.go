package textnorm

import (
	"strings"
	"unicode/utf8"
)

// Sentences splits text into sentences at Japanese and Latin sentence ends
// and at line breaks, dropping empty pieces.
func Sentences(s string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		t := strings.TrimSpace(b.String())
		b.Reset()
		if t != "" {
			out = append(out, t)
		}
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch r {
		case '\n', '\r':
			flush()
			continue
		case '。', '！', '？', '!', '?', '．':
			b.WriteRune(r)
			// keep runs like "?!" and closing brackets with their sentence
			for i < len(s) {
				r2, s2 := utf8.DecodeRuneInString(s[i:])
				if !strings.ContainsRune("!?！？」』）)\"", r2) {
					break
				}
				b.WriteRune(r2)
				i += s2
			}
			flush()
			continue
		case '.':
			b.WriteRune(r)
			// a period ends a sentence when followed by space and not inside
			// "e.g." or a number like 1.5
			if i >= len(s) || s[i] == ' ' || s[i] == '\n' {
				if !endsWithAbbrev(b.String()) {
					flush()
				}
			}
			continue
		}
		b.WriteRune(r)
	}
	flush()
	return out
}

func endsWithAbbrev(s string) bool {
	low := strings.ToLower(s)
	for _, a := range []string{"e.g.", "i.e.", "etc.", "mr.", "ms.", "dr.", "vs.", "approx.", "no."} {
		if strings.HasSuffix(low, " "+a) || low == a {
			return true
		}
	}
	return false
}
