package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestMergeAndSplitSurviveReruns corrects the grouping by hand and checks
// that a full re-run keeps the corrections.
func TestMergeAndSplitSurviveReruns(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "voc.db")
	if code, _, errs := runVoc(t, "demo", "--dir", dir); code != 0 {
		t.Fatal(errs)
	}
	show := func(id int64) topicDetail {
		t.Helper()
		code, out, errs := runVoc(t, "topic", "show", itoa(id), "--db", db, "--format", "json")
		if code != 0 {
			t.Fatalf("show %d: %s", id, errs)
		}
		var d topicDetail
		json.Unmarshal([]byte(out), &d)
		return d
	}
	before2, before3 := show(2), show(3)
	if code, out, errs := runVoc(t, "topic", "merge", "2", "3", "--db", db); code != 0 || !strings.Contains(out, "merged") {
		t.Fatalf("merge: %d %s %s", code, out, errs)
	}
	if code, _, errs := runVoc(t, "demo", "--dir", dir); code != 0 {
		t.Fatal(errs)
	}
	merged := show(2)
	if merged.Topic.Items != before2.Topic.Items+before3.Topic.Items {
		t.Fatalf("after merge and re-run: %d asks, want %d + %d", merged.Topic.Items, before2.Topic.Items, before3.Topic.Items)
	}
	if code, _, errs := runVoc(t, "topic", "show", "3", "--db", db); code != 1 || !strings.Contains(errs, "not found") {
		t.Fatalf("merged-away topic still shown: %d %s", code, errs)
	}
	// Split two asks back out.
	items := itoa(merged.Asks[0].Item) + "," + itoa(merged.Asks[1].Item)
	if code, out, errs := runVoc(t, "topic", "split", "2", "--items", items, "--db", db); code != 0 || !strings.Contains(out, "2 asks split out") {
		t.Fatalf("split: %d %s %s", code, out, errs)
	}
	if code, _, errs := runVoc(t, "demo", "--dir", dir); code != 0 {
		t.Fatal(errs)
	}
	if after := show(2); after.Topic.Items != merged.Topic.Items-2 {
		t.Fatalf("after split and re-run: %d asks, want %d", after.Topic.Items, merged.Topic.Items-2)
	}
	if code, _, errs := runVoc(t, "topic", "split", "2", "--items", items, "--db", db); code != 1 || !strings.Contains(errs, "is not in topic 2") {
		t.Fatalf("split of asks no longer in the topic: %d %s", code, errs)
	}
	if code, _, errs := runVoc(t, "topic", "merge", "2", "2", "--db", db); code != 1 || !strings.Contains(errs, "itself") {
		t.Fatalf("self merge: %d %s", code, errs)
	}
}
