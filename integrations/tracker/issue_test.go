package tracker

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/internal/redact"
)

func input() Input {
	day := time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC)
	return Input{
		Topic: voc.Topic{ID: 7, Key: "feature-abc123", Title: "Gantt chart, mail me at dana@globex.example", Kind: voc.KindFeature, Area: "reporting",
			Status: voc.StatusOpen, Items: 3, Accounts: 2, MRR: 1234567, Currency: "USD", FirstSeen: day, LastSeen: day.AddDate(0, 1, 0),
			Score: 85.5, Breakdown: voc.Breakdown{"reach": 20, "revenue": 65.5}},
		Area: voc.Area{ID: "reporting", Name: "Reporting & export", JiraProject: "REP", GitHubRepo: "acme/flow-reports"},
		Evidence: []Evidence{
			{Quote: "We need a Gantt chart. Call me on +1 415 555 0134", Source: "zendesk", ID: "48213", URL: "https://acme.zendesk.example/agent/tickets/48213", AskedAt: day},
			{Quote: "ガントチャートがほしいです", Source: "intercom", ID: "9", AskedAt: day},
		},
		Accounts: []Account{{ID: "a1", Name: "Globex", Plan: "enterprise", MRR: 1200000}, {ID: "a2", Name: "Initech", Plan: "team", MRR: 34567}},
	}
}

func TestRenderCarriesMarkerEvidenceAndNoPII(t *testing.T) {
	is := Render(input(), redact.New())
	for _, want := range []string{
		"<!-- voc:topic=feature-abc123 -->", "**Feature request** · area: Reporting & export", "Score **85.50** = reach 20.00 + revenue 65.50",
		"| Affected accounts | 2 |", "$12,345.67", "[zendesk 48213](https://acme.zendesk.example/agent/tickets/48213)", "ガントチャートがほしいです",
		"1 enterprise, 1 team (names withheld",
	} {
		if !strings.Contains(is.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, is.Body)
		}
	}
	for _, leak := range []string{"dana@globex.example", "555 0134", "Globex", "Initech"} {
		if strings.Contains(is.Body, leak) || strings.Contains(is.Title, leak) {
			t.Errorf("issue leaks %q", leak)
		}
	}
	if is.Target != "REP" || is.Key != "feature-abc123" || !contains(is.Labels, Label("feature-abc123")) || !contains(is.Labels, "area-reporting") {
		t.Errorf("issue metadata: %+v", is)
	}
	in := input()
	in.ShowAccountNames = true
	if body := Render(in, redact.New()).Body; !strings.Contains(body, "- Globex (enterprise, -) — $12,000.00/month") {
		t.Errorf("account names not shown when configured:\n%s", body)
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func TestDryRunIsIdempotent(t *testing.T) {
	d := &DryRun{Dir: t.TempDir()}
	is := Render(input(), redact.New())
	ctx := context.Background()
	for i, want := range []Action{Created, Unchanged} {
		if got, err := d.Apply(ctx, is); err != nil || got != want {
			t.Fatalf("apply %d: %v %v, want %v", i, got, err, want)
		}
	}
	is.Title = "Gantt chart view"
	if got, _ := d.Apply(ctx, is); got != Updated {
		t.Fatalf("changed issue: %v, want updated", got)
	}
	b, err := os.ReadFile(d.Path(is.Key))
	if err != nil || !strings.HasPrefix(string(b), "# Gantt chart view\n") {
		t.Fatalf("file: %q %v", b, err)
	}
	if got := d.Path("../../etc/passwd"); filepath.Dir(got) != d.Dir {
		t.Fatalf("unsafe key escapes the folder: %s", got)
	}
}
