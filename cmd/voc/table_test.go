package main

import (
	"strings"
	"testing"
)

func TestDisplayWidth(t *testing.T) {
	for s, want := range map[string]int{"Acme": 4, "株式会社アオバ広告": 18, "ＡＢＣ": 6, "ｱｲｳ": 3, "SSO ログイン": 12, "": 0} {
		if got := displayWidth(s); got != want {
			t.Errorf("displayWidth(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestTableAlignsJapanese: a Japanese account name takes two terminal
// columns a character, and the columns after it still line up.
func TestTableAlignsJapanese(t *testing.T) {
	tb := table{}
	tb.add("ACCOUNT", "MRR", "QUOTE")
	tb.add("Globex Corporation", "$44,000.00", "Do you support SCIM?")
	tb.add("株式会社アオバ広告", "¥980,000", "SCIMの自動プロビジョニング")
	var b strings.Builder
	if err := tb.write(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines:\n%s", len(lines), b.String())
	}
	quoteAt := func(line, quote string) int { return displayWidth(line[:strings.Index(line, quote)]) }
	at := []int{quoteAt(lines[0], "QUOTE"), quoteAt(lines[1], "Do you"), quoteAt(lines[2], "SCIMの")}
	if at[0] != at[1] || at[1] != at[2] {
		t.Errorf("the last column starts at columns %v, want one column:\n%s", at, b.String())
	}
	if strings.HasSuffix(lines[1], " ") || strings.HasSuffix(lines[2], " ") {
		t.Errorf("the last column is padded:\n%s", b.String())
	}
}
