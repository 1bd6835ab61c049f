package voc

import (
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// Strategy is the product team's written strategy: what the product is for,
// its areas, and the non-goals that a "no" must cite.
type Strategy struct {
	Product  string    `yaml:"product" json:"product"`
	Vision   string    `yaml:"vision" json:"vision"`
	Areas    []Area    `yaml:"areas" json:"areas"`
	NonGoals []NonGoal `yaml:"non_goals" json:"non_goals"`
}

// Area is a product area: keywords route asks to it, its weight expresses
// strategic fit, and its tracker fields say where its issues go.
type Area struct {
	ID          string   `yaml:"id" json:"id"`
	Name        string   `yaml:"name" json:"name"`
	Owner       string   `yaml:"owner" json:"owner,omitempty"`
	JiraProject string   `yaml:"jira_project" json:"jira_project,omitempty"`
	GitHubRepo  string   `yaml:"github_repo" json:"github_repo,omitempty"`
	Weight      float64  `yaml:"weight" json:"weight"`
	Keywords    []string `yaml:"keywords" json:"keywords"`
}

// NonGoal is something the product deliberately does not do, with the reason
// and the polite reply to send, per language.
type NonGoal struct {
	ID        string            `yaml:"id" json:"id"`
	Statement string            `yaml:"statement" json:"statement"`
	Rationale string            `yaml:"rationale" json:"rationale"`
	Phrases   []string          `yaml:"phrases" json:"phrases"`
	Examples  []string          `yaml:"examples" json:"examples"`
	Replies   map[string]string `yaml:"replies" json:"replies"`
}

// LoadStrategy reads and validates a strategy file.
func LoadStrategy(path string) (*Strategy, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("strategy: %w", err)
	}
	s, err := ParseStrategy(b)
	if err != nil {
		return nil, fmt.Errorf("strategy %s: %w", path, err)
	}
	return s, nil
}

// ParseStrategy decodes a strategy from YAML and checks that every area and
// non-goal has an id, every non-goal a rationale and phrases, and that ids
// are unique.
func ParseStrategy(b []byte) (*Strategy, error) {
	var s Strategy
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i, a := range s.Areas {
		if a.ID == "" {
			return nil, fmt.Errorf("areas[%d].id: required", i)
		}
		if seen["area:"+a.ID] {
			return nil, fmt.Errorf("areas[%d].id: duplicate %q", i, a.ID)
		}
		seen["area:"+a.ID] = true
		if a.Weight == 0 {
			s.Areas[i].Weight = 1
		}
		if a.Weight < 0 {
			return nil, fmt.Errorf("areas[%d].weight: must not be negative", i)
		}
	}
	for i, n := range s.NonGoals {
		switch {
		case n.ID == "":
			return nil, fmt.Errorf("non_goals[%d].id: required", i)
		case seen["ng:"+n.ID]:
			return nil, fmt.Errorf("non_goals[%d].id: duplicate %q", i, n.ID)
		case n.Rationale == "":
			return nil, fmt.Errorf("non_goals[%d].rationale: required (a decline must say why)", i)
		case len(n.Phrases) == 0:
			return nil, fmt.Errorf("non_goals[%d].phrases: at least one phrase is required", i)
		}
		seen["ng:"+n.ID] = true
	}
	return &s, nil
}

// NonGoal returns the non-goal with the given id.
func (s *Strategy) NonGoal(id string) (NonGoal, bool) {
	for _, n := range s.NonGoals {
		if n.ID == id {
			return n, true
		}
	}
	return NonGoal{}, false
}

// Area returns the area with the given id.
func (s *Strategy) Area(id string) (Area, bool) {
	for _, a := range s.Areas {
		if a.ID == id {
			return a, true
		}
	}
	return Area{}, false
}
