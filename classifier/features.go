package classifier

import (
	"math"
	"unicode"

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
	// Phrases, when not 0, adds a feature for each phrase of voc's
	// bilingual lexicon of requests and fault reports that the text holds
	// (phrases.go); its value is the lexicon's version (PhrasesVersion).
	Phrases int
}

// DefaultFeaturizer is the setting chosen by cross-validation on the train
// splits (see docs/benchmarks.md).
func DefaultFeaturizer() Featurizer {
	return Featurizer{Bits: 16, WordNgrams: 2, CharMin: 3, CharMax: 5, Title: true, Phrases: PhrasesVersion}
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

// Features appends the features of text to buf (reused between calls to
// avoid allocation) and returns it: the n-grams L2-normalised, then the
// phrases found, each worth phraseValue.
func (f Featurizer) Features(text string, buf []Feature) []Feature {
	buf, fold, folded := f.indices(text, buf, nil) // only non-ASCII text is folded into a new buffer
	n := len(buf)
	if n > 0 {
		norm := featureNorm(n)
		for j := range buf {
			buf[j].Value = norm
		}
	}
	buf, _ = f.appendPhrases(text, buf, fold, folded)
	for j := n; j < len(buf); j++ {
		buf[j].Value = phraseValue
	}
	return buf
}

// featureNorm is the value of each of n features: their L2 normalisation.
func featureNorm(n int) float32 {
	return float32(1 / math.Sqrt(float64(n)))
}

// indices writes the hashed features of text into buf[:0], their values
// left unset (every value is featureNorm(len(buf))), with the title's
// features after them when f.Title and the text has several lines. fold
// is scratch space for folding non-ASCII text; it is returned, grown, for
// reuse, and folded says whether it now holds the text's fold.
func (f Featurizer) indices(text string, buf []Feature, fold []byte) (_ []Feature, _ []byte, folded bool) {
	t := newTokenizer(f, buf)
	if !t.run(text, true) {
		fold = textnorm.AppendFold(fold[:0], text)
		t = newTokenizer(f, t.buf)
		t.run(unsafeString(fold), false)
		folded = true
	}
	buf = t.buf
	if f.Title && t.titleEnd >= 0 {
		// The title's features are those of the text up to its first
		// line break, put again in their own hash space.
		mask := uint32(1)<<f.Bits - 1
		for j := 0; j < t.titleEnd; j++ {
			buf = append(buf, Feature{Index: (buf[j].Index*2654435761 + 0x9e37) & mask})
		}
	}
	return buf, fold, folded
}
