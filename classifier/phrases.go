package classifier

import (
	"bytes"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/voc-dev/voc/internal/textnorm"
)

// PhrasesVersion is the version of the phrase lexicon this voc carries. A
// model's Featurizer.Phrases names the version it was trained with; a model
// trained with another lexicon is refused, since its weights would sit on
// features that no longer mean the same.
const PhrasesVersion = 1

// phraseValue is the value of a fired phrase feature, beside the word and
// character n-grams' L2-normalised values; chosen by cross-validation on the
// public train splits (0.15–0.6 are within noise of each other).
const phraseValue = 0.3

// requestPhrases are ways of asking for something, and of reporting a
// fault, written for the model rather than for the cue classifier: each is
// weak on its own ("should", "ない"), and the model learns from the team's
// data how much each says. They pool the many wordings of one intent into
// one feature, which is what a few dozen labelled requests cannot teach by
// themselves. English entries match at word boundaries, Japanese anywhere.
var requestPhrases = map[string][]string{
	"feature": {`should`, `there should be`, `if only`, `would (much )?rather`,
		`(would|could) (be|look) (a lot |much |so much )?(better|cooler|nicer|easier)`,
		`i'?d (love|like) to see`, `would like to see`, `(i|we) hope`, `let (me|us|users|the people|people)`,
		`(an? )?option (to|for)`, `(a|the) way to`, `allow(s|ing)? (me|us|users|you)`, `bring back`,
		`give (me|us) back`, `go back to`, `please`, `suggest(ion)?`, `it would`, `would be`, `add(ing|ed)?`,
		`more (options|themes|songs|levels|features|colou?rs)`, `make it (possible|so)`, `i want`,
		`want to be able`, `be able to`, `feature`, `wish`, `would like`, `improve(ment)?`, `support`},
	"bug": {`can'?t`, `won'?t`, `doesn'?t`, `didn'?t`, `keeps?`, `(every|each) time`, `lag(s|gy|ging)?`,
		`drop(s|ped|ping)?`, `restart`, `update`, `problems?`, `anymore`, `stuck`, `slow`, `load(ing)?`,
		`not (able|loading|working|showing|playing)`, `force (close|stop)`, `crash`, `error`, `fix`},
	"feature-ja": {`てほしい`, `て欲しい`, `(と|ば|たら)(良|よ|い)い`, `(と|ば|たら)(良|よ)かった`, `(と|ば|たら)嬉しい`,
		`あれば`, `できれば`, `あったら`, `べき`, `希望`, `改善`, `もう少し`, `せめて`, `お願い`, `必要`, `尚良`,
		`なお良`, `してくれ`, `してもら`, `元に戻`, `欲しい`, `ほしい`},
	"bug-ja": {`できな`, `されな`, `しな(い|く)`, `ない`, `落ち`, `起動`, `重い`, `遅い`, `繋がら`, `つながら`,
		`消え`, `不具合`, `表示され`, `エラー`, `バグ`},
}

// lexPhrase is one compiled entry of the lexicon: the feature it fires and
// the feature of its group (every phrase of a kind also fires that).
type lexPhrase struct {
	re  *regexp.Regexp
	lit []byte // a literal every match contains (nil when none)
	// plain: the phrase is lit itself, with word boundaries before and
	// after when before and after are set.
	plain, before, after bool
	// gate, when set instead of lit: literals one of which every match holds
	gate         [][]byte
	feat, family uint64 // hashes; masked to the model's buckets
}

var (
	phrasesOnce sync.Once
	phraseList  []lexPhrase
)

// phrases returns the lexicon: the cue classifier's cues and the request
// phrases above, compiled once.
func phrases() []lexPhrase {
	phrasesOnce.Do(func() {
		for _, c := range NewBaseline().cues {
			phraseList = append(phraseList, newPhrase(c.re, "cue:"+c.label, "cuek:"+string(c.kind)))
		}
		groups := make([]string, 0, len(requestPhrases))
		for g := range requestPhrases {
			groups = append(groups, g)
		}
		sort.Strings(groups)
		for _, g := range groups {
			for _, p := range requestPhrases[g] {
				pat := p
				if isASCII(p) {
					pat = boundaryBefore + p + boundaryAfter
				}
				phraseList = append(phraseList, newPhrase(regexp.MustCompile(pat), "lex:"+g+":"+p, "lexk:"+g))
			}
		}
	})
	return phraseList
}

func newPhrase(re *regexp.Regexp, feat, family string) lexPhrase {
	p := lexPhrase{re: re, feat: fnvString(feat), family: fnvString(family)}
	if lit := requiredLiteral(re.String()); lit != "" {
		p.lit = []byte(lit)
	}
	pat := re.String()
	if g := requiredAnyOf(pat); shortest(g) > len(p.lit) {
		p.lit = nil
		for _, x := range g {
			p.gate = append(p.gate, []byte(x))
		}
	}
	p.before, p.after = strings.HasPrefix(pat, boundaryBefore), strings.HasSuffix(pat, boundaryAfter)
	body := strings.TrimSuffix(strings.TrimPrefix(pat, boundaryBefore), boundaryAfter)
	if body != "" && regexp.QuoteMeta(body) == body {
		p.plain, p.lit = true, []byte(body)
	}
	return p
}

const (
	boundaryBefore = `(^|[^a-z0-9])`
	boundaryAfter  = `($|[^a-z0-9])`
)

// matches reports whether the phrase occurs in folded. A phrase that is
// a plain literal is found by byte search and a boundary check, without
// the regular expression.
func (p *lexPhrase) matches(folded []byte) bool {
	if !p.plain {
		return p.re.Match(folded)
	}
	for off := 0; off <= len(folded); {
		i := bytes.Index(folded[off:], p.lit)
		if i < 0 {
			return false
		}
		i += off
		end := i + len(p.lit)
		if (!p.before || i == 0 || boundary(folded[i-1])) && (!p.after || end == len(folded) || boundary(folded[end])) {
			return true
		}
		off = i + 1
	}
	return false
}

func containsAny(b []byte, lits [][]byte) bool {
	for _, l := range lits {
		if bytes.Contains(b, l) {
			return true
		}
	}
	return false
}

// boundary is [^a-z0-9] on a byte of folded text (a byte of a multi-byte
// rune belongs to a rune that is not an ASCII letter or digit).
func boundary(c byte) bool {
	return !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9')
}

func fnvString(s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// appendPhrases appends two features per phrase of the lexicon found in
// text (the phrase's and its family's), their values left unset (every
// value is phraseValue). fold is scratch space, returned grown.
func (f Featurizer) appendPhrases(text string, buf []Feature, fold []byte) ([]Feature, []byte) {
	if f.Phrases == 0 {
		return buf, fold
	}
	fold = textnorm.AppendFold(fold[:0], text)
	folded := bytes.TrimSpace(fold)
	mask := uint64(1)<<f.Bits - 1
	list := phrases()
	for i := range list {
		p := &list[i]
		if p.lit != nil && !bytes.Contains(folded, p.lit) || p.gate != nil && !containsAny(folded, p.gate) {
			continue
		}
		if p.matches(folded) {
			buf = append(buf, Feature{Index: uint32(p.feat & mask)}, Feature{Index: uint32(p.family & mask)})
		}
	}
	return buf, fold
}
