// Package textnorm prepares support text for every stage: Unicode
// normalisation that folds full-width and half-width forms, script-aware
// tokens for English and Japanese, sentence splitting, and removal of what
// is not the customer's own words (quoted mail, signatures, greetings,
// auto-replies).
package textnorm

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold applies NFKC, which turns full-width Latin letters and digits into
// ASCII and half-width katakana into full-width, then lower-cases, so that
// "ＣＳＶ" and "csv" compare equal.
func Fold(s string) string {
	return strings.ToLower(norm.NFKC.String(s))
}

// IsCJK reports whether r is a Han, Hiragana or Katakana character (or the
// prolonged sound mark), i.e. text written without spaces between words.
func IsCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || r == 'ー' || r == '々'
}

// Language guesses "ja" when the text has kana or kanji and "en" otherwise.
// It is only a fallback for records that do not state their language.
func Language(s string) string {
	cjk, letters := 0, 0
	for _, r := range s {
		switch {
		case IsCJK(r):
			cjk++
		case unicode.IsLetter(r):
			letters++
		}
	}
	if cjk > 0 && cjk*4 >= letters/4 {
		return "ja"
	}
	return "en"
}

// TruncateRunes cuts s to at most n characters.
func TruncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
