package classifier

import (
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
	id      string
	phrases []phrase
}

type phrase struct {
	text string
	re   *regexp.Regexp
	lit  string // a literal every match contains
}

func (p phrase) match(folded string) bool {
	return (p.lit == "" || strings.Contains(folded, p.lit)) && p.re.MatchString(folded)
}

// NewRules compiles the strategy's phrases and keywords. English phrases
// match whole words; Japanese ones match anywhere, as Japanese has no spaces.
func NewRules(s *voc.Strategy) *Rules {
	r := &Rules{}
	if s == nil {
		return r
	}
	for _, ng := range s.NonGoals {
		r.nonGoals = append(r.nonGoals, compileSet(ng.ID, ng.Phrases))
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
		pat := regexp.QuoteMeta(f)
		pat = strings.ReplaceAll(pat, ` `, `[\s\-]+`)
		if isASCII(f) {
			pat = `(^|[^\pL\pN])` + pat + `($|[^\pL\pN])`
		}
		ps.phrases = append(ps.phrases, phrase{text: p, re: regexp.MustCompile(pat), lit: requiredLiteral(pat)})
	}
	return ps
}

// NonGoal returns the first non-goal whose phrase occurs in text, and the
// phrase. The text should already be folded with textnorm.Fold.
func (r *Rules) NonGoal(folded string) (id, matched string, ok bool) {
	for _, ng := range r.nonGoals {
		for _, p := range ng.phrases {
			if p.match(folded) {
				return ng.id, p.text, true
			}
		}
	}
	return "", "", false
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
