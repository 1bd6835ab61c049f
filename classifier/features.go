package classifier

import (
	"math"
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
}

// DefaultFeaturizer is the setting chosen by cross-validation on the train
// splits (see docs/benchmarks.md).
func DefaultFeaturizer() Featurizer {
	return Featurizer{Bits: 20, WordNgrams: 2, CharMin: 3, CharMax: 5}
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

// Features appends the features of text to buf (reused between calls to
// avoid allocation) and returns it, L2-normalised.
func (f Featurizer) Features(text string, buf []Feature) []Feature {
	buf = buf[:0]
	mask := uint64(1)<<f.Bits - 1
	add := func(h uint64) {
		buf = append(buf, Feature{Index: uint32(h & mask), Value: 1})
	}
	folded := textnorm.Fold(text)
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
			// character n-grams of "<word>"
			var padded [66]rune
			padded[0] = '<'
			copy(padded[1:], word[:wn])
			padded[wn+1] = '>'
			n := wn + 2
			for size := f.CharMin; size <= f.CharMax; size++ {
				for i := 0; i+size <= n; i++ {
					if size >= n {
						break
					}
					hh := uint64(fnvOffset) ^ seedChar
					for _, r := range padded[i : i+size] {
						hh = fnvRune(hh, r)
					}
					add(hh)
				}
			}
		}
		wn = 0
	}
	flushCJK := func() {
		for i := 0; i < cn; i++ {
			for size := 1; size <= 3 && i+size <= cn; size++ {
				hh := uint64(fnvOffset) ^ seedCJK
				for _, r := range cjk[i : i+size] {
					hh = fnvRune(hh, r)
				}
				add(hh)
			}
		}
		if cn > 0 {
			havePrev = false
		}
		cn = 0
	}
	for i := 0; i < len(folded); {
		r, size := utf8.DecodeRuneInString(folded[i:])
		i += size
		switch {
		case textnorm.IsCJK(r):
			flushWord()
			if cn < len(cjk) {
				cjk[cn] = r
				cn++
			} else {
				flushCJK()
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'':
			flushCJK()
			if unicode.IsDigit(r) {
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
