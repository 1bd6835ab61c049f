package classifier

import (
	"unicode"
	"unicode/utf8"
)

// maxWord is the number of runes of a word that count; the rest of a longer
// word is dropped.
const maxWord = 64

// ASCII byte classes of the tokenizer.
const (
	asciiSep  = iota // ends a word
	asciiWord        // part of a word (asciiRune gives its folded form)
	asciiMark        // '?' or '!': a feature of its own
)

// asciiClass and asciiRune classify and fold ASCII bytes once: letters
// lower-cased, every digit '0' (numbers differ, their role does not).
var asciiClass, asciiRune = asciiTables()

func asciiTables() (cls [utf8.RuneSelf]uint8, fold [utf8.RuneSelf]rune) {
	for c := rune(0); c < utf8.RuneSelf; c++ {
		fold[c] = c
		switch {
		case c >= 'A' && c <= 'Z':
			cls[c], fold[c] = asciiWord, c+'a'-'A'
		case c >= '0' && c <= '9':
			cls[c], fold[c] = asciiWord, '0'
		case isWordRune(c):
			cls[c] = asciiWord
		case c == '?' || c == '!':
			cls[c] = asciiMark
		}
	}
	return cls, fold
}

// fnvStep hashes one rune as fnvRune does, with the single-byte case
// (nearly every rune of support text) inline.
func fnvStep(h uint64, r rune) uint64 {
	if r > 0 && r < 0x100 {
		return (h ^ uint64(r)) * fnvPrime
	}
	return fnvRune(h, r)
}

// tokenizer splits folded text into words and runs of kana and kanji and
// appends their hashed features to buf, in the order the features were
// always produced in (the scores sum them in that order, bit for bit).
type tokenizer struct {
	f        Featurizer
	mask     uint64
	buf      []Feature
	pad      [maxWord + 2]rune // '<', the word (at most 64 runes), '>'
	wn       int
	wordHash uint64 // hash of the word so far
	wide     bool   // the word has a rune of 0x100 or more (fnvRune hashes several bytes)
	cjk      [64]rune
	cn       int
	prevWord uint64
	havePrev bool
	// titleEnd is len(buf) just after the first line break, when the text
	// does not start with one; -1 otherwise.
	titleEnd int
}

// newTokenizer returns a tokenizer for f appending to buf[:0].
func newTokenizer(f Featurizer, buf []Feature) tokenizer {
	return tokenizer{f: f, mask: uint64(1)<<f.Bits - 1, buf: buf[:0], titleEnd: -1, wordHash: fnvOffset ^ seedWord}
}

// run tokenizes s. With asciiOnly it gives up at the first byte that is not
// ASCII and returns false: such text must be folded first (NFKC), and the
// tokenizer started afresh on the folded text.
func (t *tokenizer) run(s string, asciiOnly bool) bool {
	seenNL := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch asciiClass[c] {
			case asciiWord:
				if t.cn > 0 {
					t.flushCJK()
				}
				// The whole run of ASCII word bytes, hashed as it goes.
				wn, h := t.wn, t.wordHash
				for {
					if wn < maxWord {
						r := asciiRune[c]
						t.pad[1+wn] = r
						h = (h ^ uint64(r)) * fnvPrime
						wn++
					}
					i++
					if i == len(s) {
						break
					}
					if c = s[i]; c >= utf8.RuneSelf || asciiClass[c] != asciiWord {
						break
					}
				}
				t.wn, t.wordHash = wn, h
				continue
			case asciiMark:
				if t.wn > 0 {
					t.flushWord()
				}
				if t.cn > 0 {
					t.flushCJK()
				}
				t.add(fnvRune(uint64(fnvOffset)^seedWord, rune(c)))
			default:
				if t.wn > 0 {
					t.flushWord()
				}
				if t.cn > 0 {
					t.flushCJK()
				}
				if c == '\n' && !seenNL {
					seenNL = true
					if i > 0 {
						t.titleEnd = len(t.buf)
					}
				}
			}
			i++
			continue
		}
		if asciiOnly {
			return false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r >= 0x3000 && isCJK(r):
			t.flushWord()
			if t.cn == len(t.cjk) {
				t.flushCJK()
			}
			t.cjk[t.cn] = r
			t.cn++
		case isWordRune(r):
			t.flushCJK()
			if unicode.IsDigit(r) {
				r = '0'
			}
			if t.wn < maxWord {
				t.pad[1+t.wn] = r
				t.wordHash = fnvStep(t.wordHash, r)
				t.wn++
				t.wide = t.wide || r >= 0x100
			}
		default:
			t.flushWord()
			t.flushCJK()
			if r == '？' || r == '！' {
				t.add(fnvRune(uint64(fnvOffset)^seedWord, r))
			}
		}
	}
	t.flushWord()
	t.flushCJK()
	return true
}

func (t *tokenizer) add(h uint64) {
	t.buf = append(t.buf, Feature{Index: uint32(h & t.mask)})
}

// flushWord adds the word's hash, the bigram with the word before and the
// character n-grams of "<word>", each start hashed once and extended one
// character at a time.
func (t *tokenizer) flushWord() {
	wn := t.wn
	if wn == 0 {
		return
	}
	t.wn = 0
	buf, mask := t.buf, t.mask
	h := t.wordHash
	t.wordHash = fnvOffset ^ seedWord
	buf = append(buf, Feature{Index: uint32(h & mask)})
	if t.f.WordNgrams >= 2 && t.havePrev {
		buf = append(buf, Feature{Index: uint32(((t.prevWord*31 + h) ^ seedBigram) & mask)})
	}
	t.prevWord, t.havePrev = h, true
	wide := t.wide
	t.wide = false
	if cmax := t.f.CharMax; cmax > 0 && wn >= 2 {
		cmin := t.f.CharMin
		n := wn + 2
		t.pad[0], t.pad[n-1] = '<', '>'
		p := t.pad[:n]
		if cmin == 3 && cmax == 5 && !wide {
			buf = charGrams35(buf, p, mask)
		} else {
			for i := range p {
				hh := uint64(fnvOffset) ^ seedChar
				end := min(n, i+cmax)
				for j := i; j < end; j++ {
					hh = fnvStep(hh, p[j])
					if size := j - i + 1; size >= cmin && size < n {
						buf = append(buf, Feature{Index: uint32(hh & mask)})
					}
				}
			}
		}
	}
	t.buf = buf
}

// charGrams35 appends the character 3- to 5-grams of p ("<word>", at
// least 4 runes, every one a single byte as fnvRune hashes it), the
// default setting, in the order of the general loop: by start, then size,
// leaving out the whole of p. The starts with all three sizes run without
// a branch, so their multiply chains overlap.
func charGrams35(buf []Feature, p []rune, mask uint64) []Feature {
	n := len(p)
	at := len(buf)
	if need := at + 3*n; cap(buf) < need {
		buf = append(buf[:cap(buf)], make([]Feature, need-cap(buf))...)
	}
	out := buf[:cap(buf)]
	i := 0
	if n >= 6 {
		for ; i+5 <= n; i++ {
			q := p[i : i+5 : i+5]
			h := (char1[q[0]&0xff] ^ uint64(q[1])) * fnvPrime
			h3 := (h ^ uint64(q[2])) * fnvPrime
			h4 := (h3 ^ uint64(q[3])) * fnvPrime
			h5 := (h4 ^ uint64(q[4])) * fnvPrime
			o := out[at : at+3 : at+3]
			o[0] = Feature{Index: uint32(h3 & mask)}
			o[1] = Feature{Index: uint32(h4 & mask)}
			o[2] = Feature{Index: uint32(h5 & mask)}
			at += 3
		}
	}
	if n >= 5 {
		// the last starts with a 4-gram (none is the whole word when n is 5)
		for ; i+4 <= n; i++ {
			q := p[i : i+4 : i+4]
			h := (char1[q[0]&0xff] ^ uint64(q[1])) * fnvPrime
			h3 := (h ^ uint64(q[2])) * fnvPrime
			h4 := (h3 ^ uint64(q[3])) * fnvPrime
			o := out[at : at+2 : at+2]
			o[0] = Feature{Index: uint32(h3 & mask)}
			o[1] = Feature{Index: uint32(h4 & mask)}
			at += 2
		}
	}
	for ; i+3 <= n; i++ {
		q := p[i : i+3 : i+3]
		h := (char1[q[0]&0xff] ^ uint64(q[1])) * fnvPrime
		h3 := (h ^ uint64(q[2])) * fnvPrime
		out[at] = Feature{Index: uint32(h3 & mask)}
		at++
	}
	return out[:at]
}

// char1 holds the character hash after one single-byte rune.
var char1 = func() (t [256]uint64) {
	for b := range t {
		t[b] = fnvStep(uint64(fnvOffset)^seedChar, rune(b))
	}
	return t
}()

// flushCJK adds the character 1- to 3-grams of the run of kana and kanji.
func (t *tokenizer) flushCJK() {
	cn := t.cn
	if cn == 0 {
		return
	}
	t.cn = 0
	buf, mask := t.buf, t.mask
	for i := 0; i < cn; i++ {
		hh := uint64(fnvOffset) ^ seedCJK
		for j := i; j < cn && j-i < 3; j++ {
			hh = fnvRune(hh, t.cjk[j])
			buf = append(buf, Feature{Index: uint32(hh & mask)})
		}
	}
	t.buf = buf
	t.havePrev = false
}
