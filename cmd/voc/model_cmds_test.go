package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voc-dev/voc/classifier"
)

// writeSplit writes every third row of the project's own corpus as a test
// file and the rest as a training file.
func writeSplit(t *testing.T, dir string) (train, test string, n int) {
	t.Helper()
	ds, err := classifier.ReadDatasetFile(filepath.Join("..", "..", "testdata", "corpus", "train.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var tr, te strings.Builder
	trw, tew := csv.NewWriter(&tr), csv.NewWriter(&te)
	trw.Write([]string{"id", "text", "label"})
	tew.Write([]string{"id", "text", "label"})
	for i, e := range ds.Examples {
		row := []string{e.ID, e.Text, strings.Join(e.Labels, "|")}
		if i%3 == 0 {
			tew.Write(row)
			n++
		} else {
			trw.Write(row)
		}
	}
	trw.Flush()
	tew.Flush()
	train, test = filepath.Join(dir, "train.csv"), filepath.Join(dir, "test.csv")
	os.WriteFile(train, []byte(tr.String()), 0o644)
	os.WriteFile(test, []byte(te.String()), 0o644)
	return train, test, n
}

func TestTrainEvalPredict(t *testing.T) {
	dir := t.TempDir()
	train, test, n := writeSplit(t, dir)
	model := filepath.Join(dir, "m.model")
	if code, out, errs := runVoc(t, "train", "--data", train, "--out", model); code != 0 || !strings.Contains(out, "classes bug, feature, other, question") {
		t.Fatalf("train: %d %s %s", code, out, errs)
	}
	code, out, errs := runVoc(t, "eval", "--data", test, "--model", model, "--format", "json")
	if code != 0 {
		t.Fatalf("eval: %d %s", code, errs)
	}
	var rep struct {
		MacroF1  float64                       `json:"macro_f1"`
		Accuracy float64                       `json:"accuracy"`
		Classes  map[string]map[string]float64 `json:"classes"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.MacroF1 < 0.5 || rep.Accuracy < 0.5 || len(rep.Classes) != 4 {
		t.Fatalf("held-out third of the corpus: %+v", rep)
	}
	for _, f := range []string{"precision", "recall", "f1"} {
		if _, ok := rep.Classes["feature"][f]; !ok {
			t.Errorf("class lacks %s", f)
		}
	}
	code, out, _ = runVoc(t, "predict", "--data", test, "--model", model)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != n {
		t.Fatalf("predict printed %d lines for %d rows", len(lines), n)
	}
	for _, l := range lines {
		if l != "bug" && l != "feature" && l != "question" && l != "other" {
			t.Fatalf("predict printed %q", l)
		}
	}
	code, out, _ = runVoc(t, "eval", "--data", test, "--cv", "3")
	if code != 0 || !strings.Contains(out, "macro-F1") || !strings.Contains(out, "confusion") {
		t.Fatalf("eval --cv: %d %s", code, out)
	}
	// A file whose labels lack "question" gets no "question" from predict.
	noq := filepath.Join(dir, "noq.csv")
	os.WriteFile(noq, []byte("id,text,label\n1,How do I export my data?,other\n2,It crashes,bug\n3,Please add SSO,feature\n"), 0o644)
	_, out, _ = runVoc(t, "predict", "--data", noq)
	if strings.Contains(out, "question") || len(strings.Fields(out)) != 3 {
		t.Fatalf("predict on a file without question: %q", out)
	}
	if code, _, errs := runVoc(t, "eval", "--data", test, "--model", filepath.Join(dir, "missing.model")); code != 1 || !strings.Contains(errs, "missing.model") {
		t.Fatalf("missing model: %d %s", code, errs)
	}
}

func TestLabelOverridesAndTrainsFromStore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "voc.db")
	if code, out, errs := runVoc(t, "demo", "--dir", dir); code != 0 {
		t.Fatalf("demo: %s %s", out, errs)
	}
	code, out, _ := runVoc(t, "backlog", "--db", db, "--format", "json")
	var entries []backlogEntry
	json.Unmarshal([]byte(out), &entries)
	if code != 0 || len(entries) == 0 {
		t.Fatal("no backlog")
	}
	if code, _, errs := runVoc(t, "train", "--from-store", "--db", db, "--out", filepath.Join(dir, "x.model")); code != 1 || !strings.Contains(errs, "human labels") {
		t.Fatalf("train from an unlabelled store: %d %s", code, errs)
	}
	if code, _, errs := runVoc(t, "label", "1", "wish", "--db", db); code != 1 || !strings.Contains(errs, `kind "wish"`) {
		t.Fatalf("bad kind: %d %s", code, errs)
	}
	if code, _, errs := runVoc(t, "label", "999999", "bug", "--db", db); code != 1 || !strings.Contains(errs, "not found") {
		t.Fatalf("missing item: %d %s", code, errs)
	}
	code, out, errs := runVoc(t, "label", "1", "other", "--db", db, "--by", "maya")
	if code != 0 || !strings.Contains(out, "item 1 is now other") {
		t.Fatalf("label: %d %s %s", code, out, errs)
	}
}

// TestEvalPerGroupReportsClasses checks the NLBSE protocol's JSON: with a
// group column, "classes" still holds each class's scores (means over the
// groups), beside the per-group reports.
func TestEvalPerGroupReportsClasses(t *testing.T) {
	dir := t.TempDir()
	ds, err := classifier.ReadDatasetFile(filepath.Join("..", "..", "testdata", "corpus", "train.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"id", "text", "label", "group"})
	for i, e := range ds.Examples {
		if i >= 600 {
			break
		}
		w.Write([]string{e.ID, e.Text, strings.Join(e.Labels, "|"), []string{"repo/a", "repo/b"}[i%2]})
	}
	w.Flush()
	file := filepath.Join(dir, "grouped.csv")
	os.WriteFile(file, []byte(b.String()), 0o644)
	code, out, errs := runVoc(t, "eval", "--data", file, "--cv", "3", "--format", "json")
	if code != 0 {
		t.Fatalf("eval: %d %s", code, errs)
	}
	var rep struct {
		MacroF1 float64                       `json:"macro_f1"`
		Classes map[string]map[string]float64 `json:"classes"`
		Groups  map[string]struct {
			MacroF1 float64                       `json:"macro_f1"`
			Classes map[string]map[string]float64 `json:"classes"`
		} `json:"groups"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	a, bb := rep.Groups["repo/a"], rep.Groups["repo/b"]
	if len(rep.Groups) != 2 || len(rep.Classes) == 0 {
		t.Fatalf("groups %d, classes %v", len(rep.Groups), rep.Classes)
	}
	want := (a.Classes["feature"]["recall"] + bb.Classes["feature"]["recall"]) / 2
	if got := rep.Classes["feature"]["recall"]; got != want || got == 0 {
		t.Errorf("feature recall %v, want the groups' mean %v", got, want)
	}
	if d := rep.MacroF1 - (a.MacroF1+bb.MacroF1)/2; d > 1e-9 || d < -1e-9 {
		t.Errorf("macro-F1 %v is not the groups' mean", rep.MacroF1)
	}
}
