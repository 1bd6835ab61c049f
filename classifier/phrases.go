package classifier

import (
	_ "embed"
	"maps"
	"math/bits"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/voc-dev/voc/internal/textnorm"
)

// PhrasesVersion is the version of the phrase lexicon this voc carries. A
// model's Featurizer.Phrases names the version it was trained with; a model
// trained with another lexicon is refused, since its weights would sit on
// features that no longer mean the same.
const PhrasesVersion = 2

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
	matcher
	feat, family uint64 // hashes; masked to the model's buckets
}

var (
	phrasesOnce sync.Once
	phraseList  []lexPhrase
	phraseIndex *literalIndex // phraseList's patterns, in order
)

// maxPhrases bounds the lexicon so that the fired set fits on the stack.
const maxPhrases = 1024

// lexiconCues is the cue part of the lexicon: the cue lists as they stood
// when this lexicon version was made, one "kind<TAB>cue" line each, in the
// cue classifier's order. Kept apart from the cue lists (baseline.go), so
// that a cue edit for the pipeline does not change what a trained model
// reads; a new lexicon version takes a new snapshot.
//
//go:embed lexicon_v2.tsv
var lexiconCues string

// phrases returns the lexicon: the snapshot of the cue lists and the
// request phrases above, compiled once.
func phrases() []lexPhrase {
	phrasesOnce.Do(func() {
		for _, line := range strings.Split(strings.TrimSpace(lexiconCues), "\n") {
			kind, c, ok := strings.Cut(line, "\t")
			if !ok {
				panic("classifier: lexicon line without a kind: " + line)
			}
			phraseList = append(phraseList, newPhrase(regexp.MustCompile(cuePattern(c)), "cue:"+c, "cuek:"+kind))
		}
		for _, g := range slices.Sorted(maps.Keys(requestPhrases)) {
			for _, p := range requestPhrases[g] {
				pat := p
				if isASCII(p) {
					pat = boundaryBefore + p + boundaryAfter
				}
				phraseList = append(phraseList, newPhrase(regexp.MustCompile(pat), "lex:"+g+":"+p, "lexk:"+g))
			}
		}
		if len(phraseList) > maxPhrases {
			panic("classifier: the phrase lexicon outgrew maxPhrases")
		}
		res := make([]*regexp.Regexp, len(phraseList))
		for i := range phraseList {
			res[i] = phraseList[i].re
		}
		phraseIndex = newLiteralIndex(res)
	})
	return phraseList
}

func newPhrase(re *regexp.Regexp, feat, family string) lexPhrase {
	return lexPhrase{matcher: newMatcher(re), feat: fnvString(feat), family: fnvString(family)}
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
// value is phraseValue). fold is scratch space, returned grown; when
// folded it already holds the text's fold.
func (f Featurizer) appendPhrases(text string, buf []Feature, fold []byte, folded bool) ([]Feature, []byte) {
	if f.Phrases == 0 {
		return buf, fold
	}
	list := phrases()
	var fired [maxPhrases / 64]uint64
	if !folded && isASCII(text) {
		// ASCII folds to its lower case, which the ASCII automaton
		// reads as it goes: no copy.
		phraseIndex.findASCII(strings.TrimSpace(text), fired[:])
	} else {
		if !folded {
			fold = textnorm.AppendFold(fold[:0], text)
		}
		phraseIndex.find(strings.TrimSpace(unsafeString(fold)), fired[:])
	}
	mask := uint64(1)<<f.Bits - 1
	for w, set := range fired {
		for set != 0 {
			i := w*64 + bits.TrailingZeros64(set)
			set &= set - 1
			p := &list[i]
			buf = append(buf, Feature{Index: uint32(p.feat & mask)}, Feature{Index: uint32(p.family & mask)})
		}
	}
	return buf, fold
}
