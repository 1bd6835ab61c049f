// Package tracker renders a topic as the issue engineers see in their
// tracker, and writes it in dry-run mode as Markdown files. The Jira and
// GitHub integrations send the same rendered issue.
package tracker

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/voc-dev/voc"
)

// Redactor removes personal data from text before it leaves the machine.
type Redactor interface {
	Redact(string) string
}

// Evidence is one ask behind a topic, with a link back to its source.
type Evidence struct {
	Quote     string
	Source    string
	ID        string // the conversation's id in its source
	URL       string
	AskedAt   time.Time
	AccountID string
}

// Account is an affected account as the issue shows it.
type Account struct {
	ID      string
	Name    string
	Plan    string
	Segment string
	MRR     int64 // minor units of the topic's currency
}

// Input is everything an issue is made from.
type Input struct {
	Topic    voc.Topic
	Area     voc.Area // zero when the topic has no area
	Evidence []Evidence
	Accounts []Account
	// ShowAccountNames puts account names in the issue; off by default so
	// that customer names stay inside the support tool.
	ShowAccountNames bool
	MaxQuotes        int
	Weights          string // how the score is computed, for the explanation
	// Rank is the topic's place in the open backlog (1 = top), which sets
	// the issue's priority; 0 means unknown (no priority is set).
	Rank int
}

// Issue is a rendered tracker issue.
type Issue struct {
	Key    string // the topic key, carried in the issue as a stable marker
	Title  string
	Body   string // Markdown
	Labels []string
	Target string // Jira project or GitHub repository, from the area
	// WontDo asks for the issue to be closed as won't do: the topic is
	// declined and the team records declines in its tracker, so engineering
	// sees the documented "no" next to the work. An issue already closed
	// stays as it is.
	WontDo bool
	// Priority is the level the tracker's priority is kept at; NoPriority
	// leaves it alone.
	Priority Priority
}

// Marker is the hidden line that ties an issue to its topic, so that a
// search finds the issue again even when voc's database is lost.
func Marker(key string) string { return "<!-- voc:topic=" + key + " -->" }

// Label is the tracker label carrying the topic key.
func Label(key string) string { return "voc-" + key }

// Render builds the issue for a topic. Every text that came from a customer
// passes through the redactor, and so does the finished body.
func Render(in Input, r Redactor) Issue {
	t := in.Topic
	kind := map[voc.Kind]string{voc.KindBug: "Bug", voc.KindFeature: "Feature request", voc.KindOutOfScope: "Out of scope"}[t.Kind]
	if kind == "" {
		kind = string(t.Kind)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", Marker(t.Key))
	area := t.Area
	if in.Area.Name != "" {
		area = in.Area.Name
	}
	if area == "" {
		area = "unassigned"
	}
	fmt.Fprintf(&b, "**%s** · area: %s · status: %s · voc topic %d\n\n", kind, area, t.Status, t.ID)
	fmt.Fprintf(&b, "## Summary\n\n%s\n\n", r.Redact(t.Title))

	fmt.Fprintf(&b, "## Why it ranks here\n\n")
	fmt.Fprintf(&b, "Score **%.2f** = %s\n\n", t.Score, breakdownText(t.Breakdown))
	if in.Weights != "" {
		fmt.Fprintf(&b, "_%s_\n\n", in.Weights)
	}
	fmt.Fprintf(&b, "| | |\n|---|---|\n")
	prio := PriorityFor(in.Rank, t.Status)
	if prio != NoPriority {
		fmt.Fprintf(&b, "| Priority | %s (%s of the open backlog) |\n", prio, map[Priority]string{Highest: "top 3", High: "top 10", Medium: "top 30", Low: "below the top 30"}[prio])
	}
	fmt.Fprintf(&b, "| Affected accounts | %d |\n", t.Accounts)
	fmt.Fprintf(&b, "| Their revenue (MRR) | %s |\n", voc.FormatMoney(t.MRR, t.Currency))
	fmt.Fprintf(&b, "| Asks | %d |\n", t.Items)
	fmt.Fprintf(&b, "| First seen | %s |\n", t.FirstSeen.Format(time.DateOnly))
	fmt.Fprintf(&b, "| Last seen | %s |\n\n", t.LastSeen.Format(time.DateOnly))

	if len(in.Accounts) > 0 {
		fmt.Fprintf(&b, "## Affected accounts\n\n")
		accs := append([]Account(nil), in.Accounts...)
		sort.SliceStable(accs, func(i, j int) bool { return accs[i].MRR > accs[j].MRR })
		if in.ShowAccountNames {
			for _, a := range accs {
				fmt.Fprintf(&b, "- %s (%s, %s) — %s/month\n", r.Redact(a.Name), orDash(a.Plan), orDash(a.Segment), voc.FormatMoney(a.MRR, t.Currency))
			}
		} else {
			plans := map[string]int{}
			for _, a := range accs {
				plans[orDash(a.Plan)]++
			}
			var parts []string
			for _, p := range sortedKeys(plans) {
				parts = append(parts, fmt.Sprintf("%d %s", plans[p], p))
			}
			fmt.Fprintf(&b, "%s (names withheld; see voc topic %d).\n", strings.Join(parts, ", "), t.ID)
		}
		b.WriteString("\n")
	}

	max := in.MaxQuotes
	if max <= 0 {
		max = 5
	}
	fmt.Fprintf(&b, "## What customers said\n\n")
	for i, e := range in.Evidence {
		if i == max {
			fmt.Fprintf(&b, "\n…and %d more.\n", len(in.Evidence)-max)
			break
		}
		ref := e.Source + " " + e.ID
		if e.URL != "" {
			ref = "[" + ref + "](" + e.URL + ")"
		}
		fmt.Fprintf(&b, "> %s\n>\n> — %s, %s\n\n", strings.ReplaceAll(r.Redact(e.Quote), "\n", "\n> "), ref, e.AskedAt.Format(time.DateOnly))
	}
	if t.Decision != nil && t.Decision.Status == voc.StatusDeclined {
		d := t.Decision
		fmt.Fprintf(&b, "## Decision: declined\n\n")
		if d.NonGoal != "" {
			fmt.Fprintf(&b, "Under the product strategy's non-goal `%s`: %s\n\n", d.NonGoal, d.Reason)
		}
		if d.Rationale != "" {
			fmt.Fprintf(&b, "**Why:** %s\n\n", d.Rationale)
		}
		if d.Reason != "" && d.NonGoal == "" {
			who := string(d.By)
			if d.Who != "" {
				who = d.Who
			}
			fmt.Fprintf(&b, "**Reason given** (%s): %s\n\n", orDash(who), d.Reason)
		}
	}
	b.WriteString("---\n_Kept in step by voc. Edit the title or body in voc, not here: voc overwrites them on the next sync._\n")

	labels := []string{"voc", Label(t.Key), string(t.Kind)}
	if t.Area != "" {
		labels = append(labels, "area-"+t.Area)
	}
	declined := t.Status == voc.StatusDeclined
	if declined {
		labels = append(labels, "declined")
	}
	target := in.Area.GitHubRepo
	if in.Area.JiraProject != "" {
		target = in.Area.JiraProject
	}
	return Issue{Key: t.Key, Title: r.Redact(t.Title), Body: r.Redact(b.String()), Labels: labels, Target: target, WontDo: declined, Priority: prio}
}

func breakdownText(b voc.Breakdown) string {
	var parts []string
	for _, k := range sortedKeys(b) {
		parts = append(parts, fmt.Sprintf("%s %.2f", k, b[k]))
	}
	return strings.Join(parts, " + ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
