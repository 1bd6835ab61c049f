package textnorm

import (
	"strings"
	"unicode/utf8"
)

// Sentences splits text into sentences at Japanese and Latin sentence ends
// and at line breaks, dropping empty pieces. Lines of hard-wrapped mail (a
// long line that does not end a sentence) are joined with the next first.
func Sentences(s string) []string {
	s = unwrap(s)
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

// wrapWidth is the length from which a line that ends without punctuation
// is taken as hard-wrapped rather than as a line of its own.
const wrapWidth = 50

func unwrap(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	var b strings.Builder
	for i, l := range lines {
		b.WriteString(l)
		if i == len(lines)-1 {
			break
		}
		t := strings.TrimRight(l, " \t")
		next := strings.TrimSpace(lines[i+1])
		r, _ := utf8.DecodeLastRuneInString(t)
		ended := strings.ContainsRune(".!?。！？:：", r) && !endsWithAbbrev(t) // "e.g." at a line's end goes on
		if utf8.RuneCountInString(t) >= wrapWidth && next != "" && !ended && !isListItem(next) {
			if !IsCJK(r) {
				b.WriteByte(' ')
			}
			continue
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func isListItem(s string) bool {
	if s == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	return strings.ContainsRune("-*•・>＞", r) || (r >= '0' && r <= '9' && len(s) > 1 && (s[1] == '.' || s[1] == ')'))
}
