package main

import (
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/store"
)

func TestDecideTopicShowFiltersAndFaults(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "voc.db")
	if code, _, errs := runVoc(t, "demo", "--dir", dir); code != 0 {
		t.Fatal(errs)
	}
	backlog := func(args ...string) []backlogEntry {
		t.Helper()
		code, out, errs := runVoc(t, append([]string{"backlog", "--db", db, "--format", "json"}, args...)...)
		if code != 0 {
			t.Fatal(errs)
		}
		var es []backlogEntry
		if err := json.Unmarshal([]byte(out), &es); err != nil {
			t.Fatal(err)
		}
		return es
	}
	all := backlog()
	top := all[0]

	// Declining the top topic moves it below all open work, and the call
	// survives a full re-run.
	if code, _, errs := runVoc(t, "decide", "1", "decline", "--db", db); code != 1 || !strings.Contains(errs, "needs --reason") {
		t.Fatalf("decline without reason: %d %s", code, errs)
	}
	if code, out, errs := runVoc(t, "decide", itoa(top.ID), "decline", "--reason", "Not this year: SSO first.", "--by", "maya", "--db", db); code != 0 || !strings.Contains(out, "declined") {
		t.Fatalf("decide: %d %s %s", code, out, errs)
	}
	if code, _, errs := runVoc(t, "demo", "--dir", dir); code != 0 {
		t.Fatal(errs)
	}
	after := backlog()
	var found backlogEntry
	seenDeclined := false
	for _, e := range after {
		if e.ID == top.ID {
			found = e
		}
		if e.Status == voc.StatusDeclined {
			seenDeclined = true
		} else if seenDeclined {
			t.Fatalf("open topic %d ranked after a declined one", e.ID)
		}
	}
	if found.Status != voc.StatusDeclined || found.Decision == nil || found.Decision.Who != "maya" || found.Decision.Reason != "Not this year: SSO first." {
		t.Fatalf("decision did not stick: %+v", found)
	}
	if after[0].ID == top.ID {
		t.Fatal("declined topic still ranked first")
	}

	// topic show: evidence with accounts, timeline and quotes.
	code, out, errs := runVoc(t, "topic", "show", itoa(after[0].ID), "--db", db, "--format", "json")
	if code != 0 {
		t.Fatal(errs)
	}
	var d topicDetail
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d.Rank != 1 || len(d.Asks) != d.Topic.Items || len(d.Accounts) == 0 || len(d.Weekly) == 0 {
		t.Fatalf("topic detail: rank %d asks %d/%d accounts %d weeks %d", d.Rank, len(d.Asks), d.Topic.Items, len(d.Accounts), len(d.Weekly))
	}
	if code, _, errs := runVoc(t, "topic", "show", "99999", "--db", db); code != 1 || !strings.Contains(errs, "not found") {
		t.Fatalf("missing topic: %d %s", code, errs)
	}

	// Filters keep the whole backlog's ranks.
	bugs := backlog("--kind", "bug", "--min-accounts", "3")
	if len(bugs) == 0 {
		t.Fatal("no bugs")
	}
	for _, e := range bugs {
		if e.Kind != voc.KindBug || e.Accounts < 3 {
			t.Fatalf("filter let through %+v", e)
		}
	}
	ent := backlog("--segment", "enterprise")
	if len(ent) == 0 || len(ent) >= len(all) {
		t.Fatalf("segment filter kept %d of %d topics", len(ent), len(all))
	}
	if recent := backlog("--since", "1h"); len(recent) != 0 {
		t.Fatalf("the example's asks are older than an hour, got %d topics", len(recent))
	}
	code, out, _ = runVoc(t, "backlog", "--db", db, "--format", "csv", "--status", "declined")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) < 2 || rows[0][0] != "rank" {
		t.Fatalf("csv: %v %q", err, out)
	}
	if code, out, _ := runVoc(t, "backlog", "--db", db, "--format", "md", "--limit", "2"); code != 0 || strings.Count(out, "\n") != 4 {
		t.Fatalf("md: %q", out)
	}
}

func TestWeeklyFaults(t *testing.T) {
	mon := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC) // ISO week 45
	rows := weeklyFaults([]store.Complaint{
		{AskedAt: mon, Fault: voc.FaultService}, {AskedAt: mon, Fault: voc.FaultUnclear},
		{AskedAt: mon.AddDate(0, 0, 7), Fault: voc.FaultCustomer}, {AskedAt: mon.AddDate(0, 0, 8), Fault: voc.FaultUnclear},
		{AskedAt: mon.AddDate(0, 0, 8), Fault: voc.FaultUnclear}, {AskedAt: mon.AddDate(0, 0, 9), Fault: voc.FaultService},
	})
	if len(rows) != 2 || rows[0].Week != "2026-W45" || rows[0].UnclearShare != 0.5 || rows[1].Complaints != 4 || rows[1].UnclearShare != 0.5 || rows[1].Customer != 1 {
		t.Fatalf("%+v", rows)
	}
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

// TestFaultsUnclearToLabel walks the loop that drives the unclear share
// down: list the unclear complaints, say whose fault one is, and see it
// leave the list and the week's unclear count.
func TestFaultsUnclearToLabel(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "voc.db")
	if code, out, errs := runVoc(t, "demo", "--dir", dir); code != 0 {
		t.Fatalf("demo: %s %s", out, errs)
	}
	list := func() []unclearComplaint {
		t.Helper()
		code, out, errs := runVoc(t, "faults", "--unclear", "--weeks", "520", "--db", db, "--format", "json")
		var cs []unclearComplaint
		if code != 0 || json.Unmarshal([]byte(out), &cs) != nil {
			t.Fatalf("faults --unclear: %d %s %s", code, out, errs)
		}
		return cs
	}
	unclear := func() int {
		t.Helper()
		_, out, _ := runVoc(t, "faults", "--weeks", "520", "--db", db, "--format", "json")
		var weeks []faultWeek
		json.Unmarshal([]byte(out), &weeks)
		n := 0
		for _, w := range weeks {
			n += w.Unclear
		}
		return n
	}
	if code, _, errs := runVoc(t, "faults", "--format", "xml", "--db", db); code != 1 || !strings.Contains(errs, `unknown format "xml"`) {
		t.Errorf("bad format: %d %q", code, errs)
	}
	if code, _, errs := runVoc(t, "faults", "--weeks", "0", "--db", db); code != 1 || !strings.Contains(errs, "--weeks 0") {
		t.Errorf("no weeks: %d %q", code, errs)
	}
	before, n := list(), unclear()
	if len(before) == 0 || len(before) != n {
		t.Fatalf("%d unclear complaints listed, %d counted", len(before), n)
	}
	first := before[0]
	if first.Quote == "" || first.Ref == "" {
		t.Fatalf("listed without quote or reference: %+v", first)
	}
	if code, out, errs := runVoc(t, "label", itoa(first.ID), string(first.Kind), "--fault", "service", "--db", db); code != 0 {
		t.Fatalf("label: %s %s", out, errs)
	}
	after := list()
	for _, c := range after {
		if c.ID == first.ID {
			t.Fatalf("item %d still listed as unclear", first.ID)
		}
	}
	if len(after) != len(before)-1 || unclear() != n-1 {
		t.Fatalf("unclear %d → %d listed, %d → %d counted", len(before), len(after), n, unclear())
	}
}
