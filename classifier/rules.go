package classifier

import (
	"math"
	"regexp"
	"strings"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/internal/textnorm"
)

// Rules applies the written product strategy: a non-goal's phrases make an
// ask out of scope, an area's keywords give it its product area. Every
// decision names the phrase that matched, so it can be checked and argued.
type Rules struct {
	nonGoals []phraseSet
	areas    []phraseSet
}

type phraseSet struct {
	id       string
	phrases  []phrase
	examples []example
}

// example is a non-goal's example ask, compared by its content terms.
type example struct {
	text  string
	terms map[string]bool
}

// ExampleThreshold is the share of terms an ask must have in common with a
// non-goal's example (cosine of their term sets) to fall under it when no
// phrase matched.
const ExampleThreshold = 0.6

func termSet(s string) map[string]bool {
	out := map[string]bool{}
	for _, t := range textnorm.Terms(s) {
		out[t] = true
	}
	for _, t := range textnorm.Concepts(s) {
		out[t] = true
	}
	return out
}

func cosineSets(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n := 0
	for t := range a {
		if b[t] {
			n++
		}
	}
	return float64(n) / math.Sqrt(float64(len(a)*len(b)))
}

type phrase struct {
	text string
	matcher
}

// NewRules compiles the strategy's phrases and keywords. English phrases
// match whole words; Japanese ones match anywhere, as Japanese has no spaces.
func NewRules(s *voc.Strategy) *Rules {
	r := &Rules{}
	if s == nil {
		return r
	}
	for _, ng := range s.NonGoals {
		set := compileSet(ng.ID, ng.Phrases)
		for _, ex := range ng.Examples {
			set.examples = append(set.examples, example{text: ex, terms: termSet(ex)})
		}
		r.nonGoals = append(r.nonGoals, set)
	}
	for _, a := range s.Areas {
		r.areas = append(r.areas, compileSet(a.ID, a.Keywords))
	}
	return r
}

func compileSet(id string, phrases []string) phraseSet {
	ps := phraseSet{id: id}
	for _, p := range phrases {
		f := strings.TrimSpace(textnorm.Fold(p))
		if f == "" {
			continue
		}
		// "self-hosted", "self hosted" and "selfhosted" are one phrase.
		pat := regexp.QuoteMeta(strings.ReplaceAll(f, "-", " "))
		pat = strings.ReplaceAll(pat, ` `, `[\s\-]*`)
		if isASCII(f) {
			pat = `(^|[^\pL\pN])` + pat + `($|[^\pL\pN])`
		}
		ps.phrases = append(ps.phrases, phrase{text: p, matcher: newMatcher(regexp.MustCompile(pat))})
	}
	return ps
}

// NonGoal returns the first non-goal whose phrase occurs in text, and the
// phrase; failing that, the non-goal with an example close enough to the
// text, and that example. The text should already be folded with
// textnorm.Fold.
func (r *Rules) NonGoal(folded string) (id, matched string, ok bool) {
	for _, ng := range r.nonGoals {
		for _, p := range ng.phrases {
			if p.match(folded) {
				return ng.id, p.text, true
			}
		}
	}
	terms := termSet(folded)
	best := ExampleThreshold
	for _, ng := range r.nonGoals {
		for _, ex := range ng.examples {
			if c := cosineSets(terms, ex.terms); c >= best {
				best, id, matched, ok = c, ng.id, "example: "+ex.text, true
			}
		}
	}
	return id, matched, ok
}

// Area returns the area with the most keyword hits in text (first in the
// strategy's order on ties), and the first keyword that matched.
func (r *Rules) Area(folded string) (id, matched string) {
	best := 0
	for _, a := range r.areas {
		n, first := 0, ""
		for _, p := range a.phrases {
			if p.match(folded) {
				if n == 0 {
					first = p.text
				}
				n++
			}
		}
		if n > best {
			best, id, matched = n, a.id, first
		}
	}
	return id, matched
}
