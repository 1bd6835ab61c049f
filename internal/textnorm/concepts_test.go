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
