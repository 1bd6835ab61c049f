package main

import (
	"context"
	"encoding/csv"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voc-dev/voc/examples"
	"github.com/voc-dev/voc/store"
)

// TestExampleTopics runs the pipeline on the bundled example and scores the
// topics against the labelled asks (items of conversations labelled with
// exactly one catalogue topic) with B-cubed precision, recall and F1. The
// figures are logged; the floor catches a change that breaks grouping.
func TestExampleTopics(t *testing.T) {
	dir := t.TempDir()
	if code, out, errs := runVoc(t, "demo", "--dir", dir); code != 0 {
		t.Fatalf("demo: %d\n%s\n%s", code, out, errs)
	}
	gold := map[string]string{}
	for _, f := range []string{"labels-en.csv", "labels-ja.csv"} {
		file, err := examples.Acme().Open(f)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(file).ReadAll()
		file.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows[1:] {
			if ts := strings.Split(r[2], "|"); r[2] != "" && len(ts) == 1 {
				gold[r[0]] = ts[0]
			}
		}
	}
	st, err := store.Open(context.Background(), filepath.Join(dir, "voc.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.BacklogItems(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	truth, pred := map[int64]string{}, map[int64]int64{}
	for _, r := range rows {
		if g, ok := gold[r.ExternalID]; ok && r.TopicID != nil {
			truth[r.ID], pred[r.ID] = g, *r.TopicID
		}
	}
	p, r, f := bcubed(truth, pred)
	topics := map[int64]bool{}
	for _, v := range pred {
		topics[v] = true
	}
	t.Logf("B-cubed precision %.3f recall %.3f F1 %.3f over %d labelled items; %d topics made", p, r, f, len(truth), len(topics))
	if len(truth) < 150 {
		t.Fatalf("only %d labelled backlog items", len(truth))
	}
	if f < 0.93 || p < 0.97 {
		t.Errorf("topic grouping below its floor: precision %.3f (floor 0.97), F1 %.3f (floor 0.93)", p, f)
	}
}

// bcubed scores a clustering against gold classes item by item.
func bcubed(truth map[int64]string, pred map[int64]int64) (p, r, f float64) {
	byPred, byGold := map[int64][]int64{}, map[string][]int64{}
	for id := range truth {
		byPred[pred[id]] = append(byPred[pred[id]], id)
		byGold[truth[id]] = append(byGold[truth[id]], id)
	}
	for id := range truth {
		same := 0
		for _, o := range byPred[pred[id]] {
			if truth[o] == truth[id] {
				same++
			}
		}
		p += float64(same) / float64(len(byPred[pred[id]]))
		r += float64(same) / float64(len(byGold[truth[id]]))
	}
	n := float64(len(truth))
	p, r = p/n, r/n
	return p, r, 2 * p * r / (p + r)
}
