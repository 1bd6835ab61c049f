package textnorm

import (
	"math/rand"
	"strings"
	"testing"
)

// TestAppendFoldMatchesFold checks the allocation-free fold against Fold
// on text of every kind, appended after existing bytes.
func TestAppendFoldMatchesFold(t *testing.T) {
	pieces := []string{"a", "Z", "7", " ", "\n", "É", "ß", "İ", "Ⱥ", "ＣＳＶ", "１２", "ｱｲｳ", "ア", "漢字",
		"ﬁ", "㍿", "\u00a0", "😀", "\xff", "\xe3\x81", "e\u0301", "Ω", "Ǆ"}
	rng := rand.New(rand.NewSource(1))
	texts := []string{"", "plain ascii", "MiXeD ASCII 123"}
	for i := 0; i < 2000; i++ {
		var b strings.Builder
		for n := rng.Intn(12); n > 0; n-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		texts = append(texts, b.String())
	}
	buf := []byte("prefix:")
	for _, s := range texts {
		got := AppendFold(buf[:7], s)
		if want := "prefix:" + Fold(s); string(got) != want {
			t.Fatalf("AppendFold(%q) = %q, want %q", s, got, want)
		}
		buf = got
	}
}

// FuzzAppendFold compares AppendFold with Fold on any input.
func FuzzAppendFold(f *testing.F) {
	f.Add("ＡＰＰ クラッシュ İstanbul")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(AppendFold(nil, s)), Fold(s); got != want {
			t.Fatalf("AppendFold(%q) = %q, want %q", s, got, want)
		}
	})
}
