package textnorm

import (
	"sort"
	"testing"
)

// TestConceptOfIsDeterministic checks that a stem two concepts both list
// goes to the first of them in name order, whatever the map order was.
func TestConceptOfIsDeterministic(t *testing.T) {
	owners := map[string][]string{}
	for c, terms := range concepts {
		for _, term := range terms {
			if f := Fold(term); isASCIIWord(f) {
				owners[Stem(f)] = append(owners[Stem(f)], c)
			}
		}
	}
	for stem, cs := range owners {
		sort.Strings(cs)
		if got := conceptOf[stem]; got != cs[0] {
			t.Errorf("stem %q (listed by %v) maps to %q, want %q", stem, cs, got, cs[0])
		}
	}
	if Concepts("please export the report")[0] != "~"+conceptOf[Stem("export")] {
		t.Fatalf("Concepts: %v", Concepts("please export the report"))
	}
}

// TestTimeIsNotTimeout pins a glossary mend: "time" (a time report, time
// zones) is not a timeout; "timed out" and "timeout" are.
func TestTimeIsNotTimeout(t *testing.T) {
	for s, want := range map[string]bool{
		"export the client time report": false,
		"times are off by an hour":      false,
		"the request timed out":         true,
		"504 Gateway Timeout":           true,
		"保存するとタイムアウトします":                true,
	} {
		if got := hasConcept(s, "timeout"); got != want {
			t.Errorf("%q: timeout concept %v, want %v (%v)", s, got, want, Concepts(s))
		}
	}
}

// TestSignOffIsNotALogin: "sign" is a login only as "sign in" or "sign
// on"; work "signed off" by a site manager, or a contract to sign, is not.
func TestSignOffIsNotALogin(t *testing.T) {
	for s, want := range map[string]bool{
		"I can't sign in since the update":                        true,
		"Users who sign on with Okta loop back to the login page": true,
		"Signing into the app fails":                              true,
		"SSO signin is broken":                                    true,
		"ログインできません":                                               true,
		"you can't do drywall until electrical is signed off":     false,
		"please sign the attached contract":                       false,
		"we need a signature field on forms":                      false,
	} {
		if got := hasConcept(s, "login"); got != want {
			t.Errorf("%q: login concept %v, want %v", s, got, want)
		}
	}
}

// hasConcept reports whether Concepts(s) holds concept c.
func hasConcept(s, c string) bool {
	for _, got := range Concepts(s) {
		if got == "~"+c {
			return true
		}
	}
	return false
}
