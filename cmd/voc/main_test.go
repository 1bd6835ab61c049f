package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/store"
	"github.com/voc-dev/voc/store/storetest"
)

// runVoc runs the CLI in-process and returns its exit status and output.
func runVoc(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func counts(t *testing.T, dsn string) map[string]int64 {
	t.Helper()
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := st.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestDemoEndToEnd runs the README's first command on both databases and
// checks what a product owner would look at: the ranking, the declines and
// the JSON contract; then runs it again and checks that nothing changed.
func TestDemoEndToEnd(t *testing.T) {
	for _, db := range []struct {
		name string
		dsn  func(t *testing.T, dir string) string
	}{
		{"sqlite", func(t *testing.T, dir string) string { return filepath.Join(dir, "voc.db") }},
		{"postgres", func(t *testing.T, dir string) string { return storetest.PostgresDSN(t) }},
	} {
		t.Run(db.name, func(t *testing.T) {
			dir := t.TempDir()
			dsn := db.dsn(t, dir)
			code, out, errs := runVoc(t, "demo", "--dir", dir, "--db", dsn)
			if code != 0 {
				t.Fatalf("demo exit %d\n%s\n%s", code, out, errs)
			}
			for _, want := range []string{"Ranked backlog", "RANK", "Dry-run tracker issues:", "conversations: 327 new"} {
				if !strings.Contains(out, want) {
					t.Errorf("demo output lacks %q:\n%s", want, out)
				}
			}
			before := counts(t, dsn)
			checkBacklog(t, dsn)
			checkDryRunFiles(t, dir)

			// Importing the example again changes no row count and no topic.
			code, out, errs = runVoc(t, "demo", "--dir", dir, "--db", dsn)
			if code != 0 {
				t.Fatalf("second demo exit %d\n%s", code, errs)
			}
			if !strings.Contains(out, "conversations: 0 new, 0 updated, 327 unchanged") || !strings.Contains(out, "classify: 0 conversations") {
				t.Errorf("second run was not a no-op:\n%s", out)
			}
			if !strings.Contains(out, "0 created, 0 updated") {
				t.Errorf("second sync rewrote issues:\n%s", out)
			}
			after := counts(t, dsn)
			for table, n := range before {
				if after[table] != n {
					t.Errorf("%s: %d rows before, %d after re-import", table, n, after[table])
				}
			}
		})
	}
}

func checkBacklog(t *testing.T, dsn string) {
	t.Helper()
	code, out, errs := runVoc(t, "backlog", "--db", dsn, "--format", "json")
	if code != 0 {
		t.Fatalf("backlog exit %d: %s", code, errs)
	}
	var raw []map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("backlog JSON: %v", err)
	}
	if len(raw) < 10 {
		t.Fatalf("only %d topics", len(raw))
	}
	for _, f := range []string{"id", "rank", "title", "kind", "status", "accounts", "mrr", "score", "breakdown"} {
		if _, ok := raw[0][f]; !ok {
			t.Errorf("backlog JSON object lacks %q", f)
		}
	}
	var entries []backlogEntry
	json.Unmarshal([]byte(out), &entries)
	seenDeclined := false
	declined := map[string]bool{}
	for i, e := range entries {
		if e.Rank != i+1 {
			t.Errorf("entry %d has rank %d", i, e.Rank)
		}
		if math.Abs(e.Breakdown.Sum()-e.Score) > 1e-6 {
			t.Errorf("topic %d: breakdown %v does not sum to %v", e.ID, e.Breakdown, e.Score)
		}
		if e.Status == voc.StatusDeclined {
			seenDeclined = true
			if e.Decision == nil || e.Decision.NonGoal == "" || e.Decision.Rationale == "" || len(e.Decision.Replies) == 0 {
				t.Errorf("declined topic %d lacks its non-goal, rationale or reply: %+v", e.ID, e.Decision)
			} else {
				declined[e.Decision.NonGoal] = true
			}
		} else if seenDeclined {
			t.Errorf("open topic %d ranked after a declined one", e.ID)
		}
	}
	for _, ng := range []string{"on-premise", "built-in-chat", "client-invoicing", "white-label"} {
		if !declined[ng] {
			t.Errorf("no declined topic for non-goal %s", ng)
		}
	}
	// The top of the backlog is asks from several paying accounts.
	for _, e := range entries[:3] {
		if e.Accounts < 3 || e.MRR < 3_000_000 {
			t.Errorf("top topic %q has %d accounts and %s MRR; want several high-paying accounts", e.Title, e.Accounts, voc.FormatMoney(e.MRR, e.Currency))
		}
	}
}

var (
	emailRe = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z.]{2,}`)
	cardRe  = regexp.MustCompile(`\b4111[ -]?1111[ -]?1111[ -]?1111\b`)
)

func checkDryRunFiles(t *testing.T, dir string) {
	t.Helper()
	issues, _ := filepath.Glob(filepath.Join(dir, "out", "issues", "*.md"))
	if len(issues) == 0 {
		t.Fatal("no dry-run issues written")
	}
	for _, p := range issues {
		b, _ := os.ReadFile(p)
		s := string(b)
		if !strings.Contains(s, "<!-- voc:topic=") || !strings.Contains(s, "## Why it ranks here") || !strings.Contains(s, "Affected accounts") {
			t.Errorf("%s lacks the marker, the score explanation or the accounts", p)
		}
		if m := emailRe.FindString(s); m != "" {
			t.Errorf("%s leaks an e-mail address: %s", p, m)
		}
		if cardRe.MatchString(s) {
			t.Errorf("%s leaks a card number", p)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "out", "digest", "digest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var msg struct {
		Channel string            `json:"channel"`
		Text    string            `json:"text"`
		Blocks  []json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal(b, &msg); err != nil {
		t.Fatalf("digest.json: %v", err)
	}
	if msg.Channel == "" || msg.Text == "" || len(msg.Blocks) == 0 || len(msg.Blocks) > 50 {
		t.Fatalf("digest message: channel %q, %d blocks", msg.Channel, len(msg.Blocks))
	}
	if m := emailRe.FindString(string(b)); m != "" {
		t.Errorf("digest leaks an e-mail address: %s", m)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "digest", "digest.txt")); err != nil {
		t.Error(err)
	}
}

func TestCollectBrokenLine(t *testing.T) {
	dir := t.TempDir()
	good := `{"source":"zendesk","external_id":"%s","created_at":"2026-10-01T09:00:00Z","messages":[{"role":"customer","author":"a@x.example","text":"Please add a Gantt chart view."}]}`
	lines := strings.Join([]string{
		strings.Replace(good, "%s", "1", 1),
		`{"source":"zendesk","external_id":"2","created_at":`,
		strings.Replace(good, "%s", "3", 1),
	}, "\n")
	path := filepath.Join(dir, "conv.jsonl")
	os.WriteFile(path, []byte(lines), 0o644)
	db := filepath.Join(dir, "voc.db")
	code, out, errs := runVoc(t, "collect", "--db", db, "--conversations", path)
	if code != 2 {
		t.Fatalf("exit %d, want 2 (some rejected)\n%s%s", code, out, errs)
	}
	if !strings.Contains(errs, path+":2: json: ") {
		t.Errorf("stderr does not name the broken line:\n%s", errs)
	}
	if !strings.Contains(out, "2 new") || !strings.Contains(out, "rejected: 1") {
		t.Errorf("stdout: %s", out)
	}
	if c := counts(t, db); c["conversations"] != 2 {
		t.Fatalf("stored %d conversations, want 2", c["conversations"])
	}
	// The stages after collect run on what was stored.
	if code, out, errs := runVoc(t, "classify", "--db", db); code != 0 || !strings.Contains(out, "2 conversations") {
		t.Fatalf("classify: %d %s %s", code, out, errs)
	}
	if code, out, errs := runVoc(t, "rank", "--db", db); code != 0 || !strings.Contains(out, "in 1 topics") {
		t.Fatalf("rank: %d %s %s", code, out, errs)
	}
}

func TestCLIErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"backlog", "--db", filepath.Join(dir, "a.db"), "--format", "yaml"}, 1, `unknown format "yaml"`},
		{[]string{"collect", "--db", filepath.Join(dir, "a.db"), "--config", filepath.Join(dir, "nope.yaml")}, 1, "config: open"},
		{[]string{"collect", "--db", filepath.Join(dir, "a.db"), "--conversations", filepath.Join(dir, "missing.jsonl")}, 1, "missing.jsonl"},
		{[]string{"sync", "--db", filepath.Join(dir, "a.db"), "--dry-run=false"}, 1, "only --dry-run is possible"},
		{[]string{"backlog", "--bogus"}, 2, "flag provided but not defined"},
		{[]string{"migrate", "sideways"}, 1, "voc migrate status"},
		{[]string{"backlog", "--db", filepath.Join(dir, "no", "such", "dir", "x.db")}, 1, "cannot open sqlite database"},
		{[]string{"backlog", "--db", "postgres://postgres:s3cretpw@127.0.0.1:1/test?sslmode=disable"}, 1, "postgres://postgres:xxxxx@127.0.0.1:1/test"},
	}
	for _, c := range cases {
		code, _, errs := runVoc(t, c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("voc %v: exit %d, stderr %q; want exit %d and %q", c.args, code, errs, c.code, c.want)
		}
		if strings.Contains(errs, "s3cretpw") {
			t.Errorf("voc %v: the database password leaked into the error: %q", c.args, errs)
		}
		if strings.Count(strings.TrimSpace(errs), "\n") > 0 && c.code == 1 {
			t.Errorf("voc %v: error is not one line: %q", c.args, errs)
		}
	}
	if code, out, _ := runVoc(t, "help"); code != 0 || !strings.Contains(out, "demo") {
		t.Errorf("help: %d %s", code, out)
	}
	if code, _, errs := runVoc(t, "backlog", "--help"); code != 0 || !strings.Contains(errs, "--format") && !strings.Contains(errs, "-format") {
		t.Errorf("backlog --help: %d %s", code, errs)
	}
}

func TestMigrateStatus(t *testing.T) {
	db := filepath.Join(t.TempDir(), "m.db")
	code, out, errs := runVoc(t, "migrate", "status", "--db", db)
	if code != 0 || !strings.Contains(out, "00001") || !strings.Contains(out, "applied") || !strings.Contains(out, db) {
		t.Fatalf("migrate status: %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("--db after the word was ignored: %v", err)
	}
}

func TestBadConfig(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "voc.yaml")
	os.WriteFile(p, []byte("sources:\n  - name: fd\n    type: freshdesk\n"), 0o644)
	code, _, errs := runVoc(t, "collect", "--config", p, "--db", filepath.Join(dir, "x.db"))
	if code != 1 || !strings.Contains(errs, `sources[0].type: unknown source type "freshdesk"`) {
		t.Fatalf("exit %d: %s", code, errs)
	}
	// A source whose secret is missing from the environment says which
	// variable to set, before anything runs.
	t.Setenv("VOC_ZENDESK_TOKEN", "")
	os.WriteFile(p, []byte("sources:\n  - name: zd\n    type: zendesk\n    subdomain: acme\n    email: a@acme.example\n"), 0o644)
	code, _, errs = runVoc(t, "collect", "--config", p, "--db", filepath.Join(dir, "x.db"))
	if code != 1 || !strings.Contains(errs, "source zd: zendesk: token is empty (set VOC_ZENDESK_TOKEN)") {
		t.Fatalf("exit %d: %s", code, errs)
	}
}
