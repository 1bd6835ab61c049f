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

// boilerplateJa are kanji words of Japanese business politeness and of
// asking in general (検討, 予定, 対応, 機能…): like their English
// counterparts they say that something is asked, not what.
var boilerplateJa = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`検討 予定 時期 対応 機能 追加 可能 確認 質問 要望 利用 使用 現在 今後 弊社 御社 貴社 当社 担当 連絡 回答 必要 希望 実装 状況 以上 何卒 問合 合せ 件名 情報 共有 導入 運用 社内 場合 大変 恐縮 幸甚 参考 依頼 相談 案内 本日 先日 昨日 毎日 全体 部分 程度 非常 早急 至急 今回 前回 次回`) {
		boilerplateJa[w] = true
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
				if bg := string(run[i : i+2]); !boilerplateJa[bg] {
					out = append(out, bg)
				}
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
