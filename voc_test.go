package voc

import (
	"strings"
	"testing"
)

func TestFormatMoney(t *testing.T) {
	for _, c := range []struct {
		minor int64
		code  string
		want  string
	}{
		{123456, "USD", "$1,234.56"}, {5, "USD", "$0.05"}, {50000, "JPY", "¥50,000"}, {100, "EUR", "€1.00"},
		{-250, "GBP", "-£2.50"}, {1234567, "CHF", "12,345.67 CHF"}, {999, "usd", "$9.99"},
	} {
		if got := FormatMoney(c.minor, c.code); got != c.want {
			t.Errorf("FormatMoney(%d, %s) = %q, want %q", c.minor, c.code, got, c.want)
		}
	}
}

func TestParseStrategyErrors(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"non_goals:\n  - id: x\n    phrases: [a]\n", "non_goals[0].rationale: required"},
		{"non_goals:\n  - id: x\n    rationale: r\n", "non_goals[0].phrases: at least one phrase"},
		{"areas:\n  - name: A\n", "areas[0].id: required"},
		{"areas:\n  - id: a\n  - id: a\n", `areas[1].id: duplicate "a"`},
		{"areaz: []\n", "field areaz not found"},
	} {
		_, err := ParseStrategy([]byte(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseStrategy(%q) error %v, want %q", c.yaml, err, c.want)
		}
	}
	s, err := ParseStrategy([]byte("areas:\n  - id: a\nnon_goals:\n  - id: n\n    rationale: r\n    phrases: [p]\n"))
	if err != nil || s.Areas[0].Weight != 1 {
		t.Fatalf("valid strategy: %v %+v", err, s)
	}
	if _, ok := s.NonGoal("n"); !ok {
		t.Fatal("NonGoal lookup failed")
	}
}

func TestConversationValidate(t *testing.T) {
	c := Conversation{Source: "s", ExternalID: "1"}
	if err := c.Validate(); err == nil || err.Error() != "created_at: required" {
		t.Fatalf("got %v", err)
	}
}
