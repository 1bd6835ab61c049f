package textnorm

import (
	"strings"
	"unicode"
)

// boilerplate are words that every request or report uses ("please add",
// "we need", "it doesn't work"): they say that something is asked, not
// what, so they must not pull unrelated asks together.
var boilerplate = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`add love need plan roadmap feature request support option possible ability allow great nice
	help use work issue problem anyone know think make see look new thing something anything everything
	acme flow app product tool customer user people company folk
	would could should wish hope wonder suggest consider idea wonderful awesome useful helpful
	today yesterday week month day morning now currently always sometimes again already recently
	since still fix fixed broken working happen happening`) {
		boilerplate[Stem(w)] = true
	}
}

// Terms returns the content terms of a text for comparing what two asks
// are about: English words without stopwords and request boilerplate,
// stemmed; and for Japanese, character bigrams of each kanji or katakana
// run (a single character alone), with hiragana treated as separators since
// it mostly carries grammar and politeness, not topic.
func Terms(s string) []string {
	s = Fold(s)
	var out []string
	var word, run []rune
	runKind := 0 // 1 kanji, 2 katakana
	flushWord := func() {
		if len(word) > 0 {
			w := string(word)
			word = word[:0]
			if len(w) > 1 && !stopwords[w] {
				if st := Stem(w); !boilerplate[st] {
					out = append(out, st)
				}
			}
		}
	}
	flushRun := func() {
		switch {
		case len(run) == 1:
			out = append(out, string(run))
		case len(run) > 1:
			for i := 0; i+1 < len(run); i++ {
				out = append(out, string(run[i:i+2]))
			}
		}
		run = run[:0]
		runKind = 0
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Hiragana, r):
			flushWord()
			flushRun()
		case unicode.Is(unicode.Katakana, r) || r == 'ー':
			flushWord()
			if runKind != 2 {
				flushRun()
			}
			runKind = 2
			run = append(run, r)
		case unicode.Is(unicode.Han, r) || r == '々':
			flushWord()
			if runKind != 1 {
				flushRun()
			}
			runKind = 1
			run = append(run, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'':
			flushRun()
			word = append(word, r)
		default:
			flushWord()
			flushRun()
		}
	}
	flushWord()
	flushRun()
	return out
}
