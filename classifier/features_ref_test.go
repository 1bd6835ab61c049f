package classifier

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/voc-dev/voc/internal/textnorm"
)

// fold lower-cases ASCII text into buf without allocating; other text goes
// through the full NFKC folding.
func refFold(text string, buf []byte) (string, []byte) {
	for i := 0; i < len(text); i++ {
		if text[i] >= 0x80 {
			return textnorm.Fold(text), buf
		}
	}
	buf = append(buf[:0], text...)
	for i, c := range buf {
		if c >= 'A' && c <= 'Z' {
			buf[i] = c + 'a' - 'A'
		}
	}
	return unsafeString(buf), buf
}

// refFeatures is the featurizer as it was before the speed work (kept to
// check the fast one against, feature for feature): it appends the features of text to buf (reused between calls to
// avoid allocation) and returns it, L2-normalised.
func refFeatures(f Featurizer, text string, buf []Feature) []Feature {
	var scratch [512]byte
	folded, _ := refFold(text, scratch[:0])
	buf = refFeaturesInner(f, folded, buf)
	if f.Title {
		if i := strings.IndexByte(folded, '\n'); i > 0 {
			var tf [64]Feature
			title := refFeaturesInner(f, folded[:i], tf[:0])
			mask := uint32(1)<<f.Bits - 1
			for _, t := range title {
				buf = append(buf, Feature{Index: (t.Index*2654435761 + 0x9e37) & mask})
			}
			norm := float32(1 / math.Sqrt(float64(len(buf))))
			for j := range buf {
				buf[j].Value = norm
			}
		}
	}
	if f.Phrases != 0 {
		// Every phrase tried on the whole folded text, no literal gate.
		full := strings.TrimSpace(textnorm.Fold(text))
		mask := uint64(1)<<f.Bits - 1
		for _, p := range phrases() {
			if p.re.MatchString(full) {
				buf = append(buf, Feature{Index: uint32(p.feat & mask), Value: phraseValue}, Feature{Index: uint32(p.family & mask), Value: phraseValue})
			}
		}
	}
	return buf
}

func refFeaturesInner(f Featurizer, folded string, buf []Feature) []Feature {
	buf = buf[:0]
	mask := uint64(1)<<f.Bits - 1
	add := func(h uint64) {
		buf = append(buf, Feature{Index: uint32(h & mask), Value: 1})
	}
	var word [64]rune
	var cjk [64]rune
	wn, cn := 0, 0
	var prevWord uint64
	havePrev := false
	flushWord := func() {
		if wn == 0 {
			return
		}
		h := uint64(fnvOffset) ^ seedWord
		for _, r := range word[:wn] {
			h = fnvRune(h, r)
		}
		add(h)
		if f.WordNgrams >= 2 && havePrev {
			add((prevWord*31 + h) ^ seedBigram)
		}
		prevWord, havePrev = h, true
		if f.CharMax > 0 && wn >= 2 {
			// character n-grams of "<word>", each start hashed once and
			// extended one character at a time
			var padded [66]rune
			padded[0] = '<'
			copy(padded[1:], word[:wn])
			padded[wn+1] = '>'
			n := wn + 2
			for i := 0; i < n; i++ {
				hh := uint64(fnvOffset) ^ seedChar
				for j := i; j < n && j-i < f.CharMax; j++ {
					hh = fnvRune(hh, padded[j])
					if size := j - i + 1; size >= f.CharMin && size < n {
						add(hh)
					}
				}
			}
		}
		wn = 0
	}
	flushCJK := func() {
		for i := 0; i < cn; i++ {
			hh := uint64(fnvOffset) ^ seedCJK
			for j := i; j < cn && j-i < 3; j++ {
				hh = fnvRune(hh, cjk[j])
				add(hh)
			}
		}
		if cn > 0 {
			havePrev = false
		}
		cn = 0
	}
	for i := 0; i < len(folded); {
		r, size := rune(folded[i]), 1
		if r >= 0x80 {
			r, size = utf8.DecodeRuneInString(folded[i:])
		}
		i += size
		switch {
		case r >= 0x3000 && isCJK(r):
			flushWord()
			if cn == len(cjk) {
				flushCJK()
			}
			cjk[cn] = r
			cn++
		case isWordRune(r):
			flushCJK()
			if r >= '0' && r <= '9' || r >= 0x80 && unicode.IsDigit(r) {
				r = '0' // numbers differ, their role does not
			}
			if wn < len(word) {
				word[wn] = r
				wn++
			}
		default:
			flushWord()
			flushCJK()
			if r == '?' || r == '？' || r == '!' || r == '！' {
				h := uint64(fnvOffset) ^ seedWord
				add(fnvRune(h, r))
			}
		}
	}
	flushWord()
	flushCJK()
	if len(buf) > 0 {
		norm := float32(1 / math.Sqrt(float64(len(buf))))
		for i := range buf {
			buf[i].Value = norm
		}
	}
	return buf
}
