package classifier

import (
	"strings"
	"testing"
)

func TestRequiredLiteral(t *testing.T) {
	for pat, want := range map[string]string{
		`(^|[^a-z0-9])crash(es|ed|ing)?($|[^a-z0-9])`: "crash",
		`(twice|two times|three times)`:               "t", // the common prefix is factored out
		`please (add|support)`:                        "please ",
		`できません([。、,！!]|$)`:                            "できません",
		`on[\s\-]+premise`:                            "premise",
		`\+1`:                                         "+1",
		`(?i)foo`:                                     "",
	} {
		if got := requiredLiteral(pat); got != want {
			t.Errorf("requiredLiteral(%q) = %q, want %q", pat, got, want)
		}
	}
	// Whatever the literal, a text the pattern matches must contain it.
	for _, c := range NewBaseline().cues {
		lit := requiredLiteral(c.re.String())
		for _, text := range []string{"it crashes", "please add dark mode", "エラーになります", "yes please"} {
			if c.re.MatchString(text) && !strings.Contains(text, lit) {
				t.Errorf("cue %q matches %q but its literal %q is not in it", c.label, text, lit)
			}
		}
	}
}
