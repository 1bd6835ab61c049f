package slack

import (
	"strings"
	"testing"
	"unicode"
)

func TestShippedDraft(t *testing.T) {
	hasJapanese := func(s string) bool {
		for _, r := range s {
			if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
				return true
			}
		}
		return false
	}
	tests := []struct {
		lang, title string
		japanese    bool
		want        []string
	}{
		{"ja", "請求書のCSV出力", true, []string{"「請求書のCSV出力」", "ございます", "いたしました", "ください"}},
		{"ja-JP", "SAML SSO", true, []string{"「SAML SSO」", "リリースいたしました"}},
		{"JA", "", true, []string{"「ご要望の機能」"}},
		{"en", "Dark mode", false, []string{"“Dark mode”", "thank you", "has shipped", "Please"}},
		{"", "Dark\n  mode", false, []string{"“Dark mode”"}},
		{"fr", "Mode sombre", false, []string{"“Mode sombre”"}},
		{"jav", "Dark mode", false, []string{"“Dark mode”"}},
		{"en", "", false, []string{"“the feature you asked for”"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.title, func(t *testing.T) {
			got := ShippedDraft(tt.lang, tt.title)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("ShippedDraft(%q, %q) = %q, lacks %q", tt.lang, tt.title, got, w)
				}
			}
			rest := strings.ReplaceAll(got, tt.title, "")
			if hasJapanese(rest) != tt.japanese {
				t.Errorf("ShippedDraft(%q, %q) = %q: Japanese %v, want %v", tt.lang, tt.title, got, !tt.japanese, tt.japanese)
			}
			if tt.japanese && strings.ContainsAny(rest, "abcdefghijklmnopqrstuvwxyz") {
				t.Errorf("Japanese draft has English words: %q", got)
			}
			if n := textLen(got); n > draftLen {
				t.Errorf("draft is %d characters, longer than the digest shows", n)
			}
		})
	}
}

func TestShippedItemUsesDefaultDraftsOncePerLanguage(t *testing.T) {
	s := Shipped{Entry: Entry{Title: "CSV出力"}, Tell: []Tell{{Customer: "A", Lang: "ja"}, {Customer: "B", Lang: "ja"}, {Customer: "C", Lang: "en"}}}
	it := shippedItem(s, "")
	all := joined(walk(t, it.blocks))
	if n := strings.Count(all, ShippedDraft("ja", "CSV出力")); n != 1 {
		t.Errorf("Japanese draft shown %d times, want once:\n%s", n, all)
	}
	if n := strings.Count(all, ShippedDraft("en", "CSV出力")); n != 1 {
		t.Errorf("English draft shown %d times, want once:\n%s", n, all)
	}
	if strings.Contains(all, "…and") || strings.Contains(it.plain, "…and") {
		t.Errorf("three customers and two drafts fit, yet something was cut:\n%s", all)
	}
	if !strings.Contains(it.plain, "Reply draft (ja): "+ShippedDraft("ja", "CSV出力")) {
		t.Errorf("fallback lacks the Japanese draft:\n%s", it.plain)
	}
}
