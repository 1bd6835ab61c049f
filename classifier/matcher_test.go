package classifier

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestMatcherAgreesWithRegexp checks every way a matcher can take (plain
// literal with boundaries, gate by one literal, gate by a set, no gate)
// against the regular expression run on the whole text.
func TestMatcherAgreesWithRegexp(t *testing.T) {
	patterns := []string{
		boundaryBefore + `should` + boundaryAfter,
		boundaryBefore + `can'?t` + boundaryAfter,
		boundaryBefore + `(would|could) (be|look) (a lot |much )?(better|nicer)` + boundaryAfter,
		boundaryBefore + `can (i|we|you) `,
		boundaryBefore + `\?$`,
		`[?？]$`,
		`(と|ば|たら)(良|よ|い)い`,
		`てほしい`,
		`(^|[^グ])ループ`,
		`(^|[^\pL\pN])self[\s\-]*hosted($|[^\pL\pN])`,
	}
	texts := []string{"", "should", "you should.", "shoulder", "reshould", "i can't", "cant", "can tell",
		"it would be much better", "would look nicer!", "could be better than", "can we ", "can we",
		"why?", "really ?", "本当？", "あれがあるといい", "もっとよい", "してほしい", "ループ", "グループ",
		"self-hosted", "selfhosted", "a self hosted box", "self-hostedx"}
	for _, p := range patterns {
		re := regexp.MustCompile(p)
		m := newMatcher(re)
		for _, s := range texts {
			if got, want := m.match(s), re.MatchString(s); got != want {
				t.Errorf("%s on %q: matcher %v, regexp %v", p, s, got, want)
			}
			found, want := m.find(s), re.FindString(s)
			if (found != "") != re.MatchString(s) || (!m.plain && found != want) || (m.plain && found != "" && !strings.Contains(want, found)) {
				t.Errorf("%s on %q: find %q, regexp %q", p, s, found, want)
			}
		}
	}
	// The fast paths are the ones taken.
	if m := newMatcher(regexp.MustCompile(boundaryBefore + `should` + boundaryAfter)); !m.plain || !m.before || !m.after {
		t.Errorf("a bounded literal is not plain: %+v", m)
	}
	if m := newMatcher(regexp.MustCompile(patterns[2])); !slices.Equal(m.gate, []string{"would", "could"}) {
		t.Errorf("gate %q, want the set [would could] (longer than the single literal \" \")", m.gate)
	}
}

// TestPhrasesFire checks that the lexicon adds its features: a request
// phrase and its family on top of the n-grams, none on a neutral text.
func TestPhrasesFire(t *testing.T) {
	f := DefaultFeaturizer()
	off := f
	off.Phrases = 0
	mask := uint64(1)<<f.Bits - 1
	want := []uint32{uint32(fnvString("lex:feature:there should be") & mask), uint32(fnvString("lexk:feature") & mask)}
	for _, text := range []string{"There should be a dark mode", "ダークモードがあればいい。 there should be one"} {
		with, without := f.Features(text, nil), off.Features(text, nil)
		if len(with) <= len(without) {
			t.Fatalf("%q: %d features with phrases, %d without", text, len(with), len(without))
		}
		var idx []uint32
		for _, ft := range with[len(without):] {
			if ft.Value != phraseValue {
				t.Errorf("%q: phrase feature value %v", text, ft.Value)
			}
			idx = append(idx, ft.Index)
		}
		for _, w := range want {
			if !slices.Contains(idx, w) {
				t.Errorf("%q: phrase feature %d missing from %v", text, w, idx)
			}
		}
	}
	neutral := "The hotel is near the station"
	if a, b := len(f.Features(neutral, nil)), len(off.Features(neutral, nil)); a != b {
		t.Errorf("%q fired %d phrase features", neutral, a-b)
	}
}

// TestModelWithOtherLexiconIsRefused: weights trained on another lexicon
// would sit on features that mean something else.
func TestModelWithOtherLexiconIsRefused(t *testing.T) {
	ds, err := ReadDataset(strings.NewReader("id,text,label\n1,the app crashes,bug\n2,please add dark mode,feature\n3,thanks a lot,other\n"), "tiny")
	if err != nil {
		t.Fatal(err)
	}
	opt := DefaultTrainOptions()
	opt.TuneFolds, opt.Select = 0, false
	m := Train(ds, DefaultFeaturizer(), opt)
	var buf bytes.Buffer
	if err := (&Bundle{Global: m}).Save(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadModel(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatalf("same lexicon refused: %v", err)
	}
	m.Featurizer.Phrases = PhrasesVersion + 1
	buf.Reset()
	if err := (&Bundle{Global: m}).Save(&buf); err != nil {
		t.Fatal(err)
	}
	_, err = LoadModel(bytes.NewReader(buf.Bytes()))
	if err == nil || !strings.Contains(err.Error(), "train the model again") {
		t.Fatalf("other lexicon: err %v, want a refusal asking to retrain", err)
	}
}

// lexiconHashes pins each phrase lexicon version to what it holds: the
// hash of its phrases' feature names and patterns, in order.
var lexiconHashes = map[int]uint64{2: 0x251d5ab4e59f7e7d}

// TestPhraseLexiconPinnedToItsVersion fails when the phrase lexicon (the
// snapshot of the cue lists in lexicon_v<N>.tsv and the request phrases)
// changes while PhrasesVersion stays: models trained before would then load
// and silently read features that no longer mean the same. To make a new
// lexicon, write the cue lists (kind, tab, cue, in NewBaseline's order) to
// lexicon_v<N+1>.tsv, embed it, bump PhrasesVersion, regenerate the
// shipped model (go generate ./classifier) and record the new hash here.
func TestPhraseLexiconPinnedToItsVersion(t *testing.T) {
	h := uint64(fnvOffset)
	for _, p := range phrases() {
		for _, part := range []string{fmt.Sprint(p.feat), fmt.Sprint(p.family), p.re.String()} {
			for i := 0; i < len(part); i++ {
				h ^= uint64(part[i])
				h *= fnvPrime
			}
		}
	}
	want, ok := lexiconHashes[PhrasesVersion]
	if !ok || h != want {
		t.Fatalf("phrase lexicon %d hashes to %#x, recorded %#x: the lexicon changed; make a new lexicon version (see this test's comment)", PhrasesVersion, h, want)
	}
}
