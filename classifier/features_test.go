package classifier

import (
	"math"
	"math/rand"
	"strings"
	"testing"
)

// featurizerSettings are the settings the fast featurizer is checked
// under: the default and variations of every knob.
var featurizerSettings = []Featurizer{
	DefaultFeaturizer(),
	{Bits: 16, WordNgrams: 2, CharMin: 3, CharMax: 5},
	{Bits: 12, WordNgrams: 1},
	{Bits: 20, WordNgrams: 2, CharMin: 2, CharMax: 4, Title: true},
	{Bits: 18, WordNgrams: 2, CharMin: 1, CharMax: 7, Title: true},
}

// randomText draws text from an alphabet that reaches every branch of the
// tokenizer: ASCII letters, digits and marks, accented and full-width
// letters, kana and kanji, line breaks, long words and invalid bytes.
func randomText(rng *rand.Rand) string {
	pieces := []string{"a", "B", "z", "'", "7", " ", "  ", "\n", "\r\n", "?", "!", ",", ".", "-",
		"é", "Ü", "ß", "İ", "ｆ", "Ａ", "１", "？", "！", "ア", "ｱ", "漢", "ー", "々", "。", "、",
		"٣", "😀", "\u00a0", "\xff", "\xe3\x81", "crash", "Dark mode", "アプリが落ちます",
		strings.Repeat("x", 70), strings.Repeat("語", 70)}
	var b strings.Builder
	for n := rng.Intn(40); n > 0; n-- {
		b.WriteString(pieces[rng.Intn(len(pieces))])
	}
	return b.String()
}

func sameFeatures(t *testing.T, f Featurizer, text string, got, want []Feature) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%+v %q: %d features, want %d", f, text, len(got), len(want))
	}
	for i := range got {
		if got[i].Index != want[i].Index || math.Float32bits(got[i].Value) != math.Float32bits(want[i].Value) {
			t.Fatalf("%+v %q: feature %d is %+v, want %+v", f, text, i, got[i], want[i])
		}
	}
}

// TestFeaturesMatchReference checks the fast featurizer against the one
// it replaced, feature for feature and bit for bit, on the project's corpus
// and on random text: saved models rely on the same hashes in the same
// order.
func TestFeaturesMatchReference(t *testing.T) {
	t.Parallel() // slow under -race; the three reference checks run side by side
	texts := []string{"", "\n", "\nafter a leading break", "title\nbody", "ｆｕｌｌ ＷＩＤＴＨ？", "a"}
	ds, err := ReadDatasetFile("../testdata/corpus/train.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ds.Examples {
		texts = append(texts, e.Text)
	}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 3000; i++ {
		texts = append(texts, randomText(rng))
	}
	var buf, ref []Feature
	for _, f := range featurizerSettings {
		for _, text := range texts {
			buf = f.Features(text, buf)
			ref = refFeatures(f, text, ref)
			sameFeatures(t, f, text, buf, ref)
		}
	}
}

// FuzzFeatures compares the fast featurizer with the reference on any
// input.
func FuzzFeatures(f *testing.F) {
	f.Add("the app crashes\nwhen I open ＳＥＴＴＩＮＧＳ? 123")
	f.Add("アプリが起動時に落ちます！")
	f.Fuzz(func(t *testing.T, text string) {
		for _, fz := range featurizerSettings {
			sameFeatures(t, fz, text, fz.Features(text, nil), refFeatures(fz, text, nil))
		}
	})
}
