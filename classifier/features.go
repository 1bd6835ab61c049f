package classifier

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/voc-dev/voc/internal/textnorm"
)

// Featurizer turns a text into hashed sparse features that suit both
// scripts: word unigrams and bigrams plus character n-grams inside words
// where words are spaced, and character 1- to 3-grams inside runs of kana
// and kanji, where they are not. Hashing into a fixed number of buckets keeps
// memory bounded whatever the vocabulary.
type Featurizer struct {
	Bits             uint8 // log2 of the number of buckets
	WordNgrams       int   // 1: unigrams; 2: plus bigrams
	CharMin, CharMax int   // character n-grams of words (0: none)
	// Title adds the first line's features again in their own hash space,
	// when the text has several lines: an issue's or ticket's title says
	// more than its body's template and logs.
	Title bool
}

// DefaultFeaturizer is the setting chosen by cross-validation on the train
// splits (see docs/benchmarks.md).
func DefaultFeaturizer() Featurizer {
	return Featurizer{Bits: 16, WordNgrams: 2, CharMin: 3, CharMax: 5, Title: true}
}

// Feature is one hashed feature with its weight.
type Feature struct {
	Index uint32
	Value float32
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func fnvRune(h uint64, r rune) uint64 {
	for r > 0 {
		h ^= uint64(r & 0xff)
		h *= fnvPrime
		r >>= 8
	}
	return h
}

// seeds keep the feature families apart in the hash space.
const (
	seedWord = iota + 1
	seedBigram
	seedChar
	seedCJK
)

// isWordRune reports whether r belongs to a word of a spaced script, with
// an ASCII fast path (most support text is ASCII).
func isWordRune(r rune) bool {
	if r < 0x80 {
		return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r == '\''
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isCJK(r rune) bool {
	return r >= 0x3000 && textnorm.IsCJK(r)
}

// fold lower-cases ASCII text into buf without allocating; other text goes
// through the full NFKC folding.
func fold(text string, buf []byte) (string, []byte) {
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

// Features appends the features of text to buf (reused between calls to
// avoid allocation) and returns it, L2-normalised.
func (f Featurizer) Features(text string, buf []Feature) []Feature {
	var scratch [512]byte
	folded, _ := fold(text, scratch[:0])
	buf = f.features(folded, buf)
	if f.Title {
		if i := strings.IndexByte(folded, '\n'); i > 0 {
			var tf [64]Feature
			title := f.features(folded[:i], tf[:0])
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
	return buf
}

func (f Featurizer) features(folded string, buf []Feature) []Feature {
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
