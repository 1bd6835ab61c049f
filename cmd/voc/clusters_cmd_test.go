package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voc-dev/voc/prioritizer/embed/embedtest"
)

func TestEvalClusters(t *testing.T) {
	dir := t.TempDir()
	data := "id,text,cluster\n1,How do I cancel a transfer?,cancel\n2,cancel my transfer please,cancel\n3,I want to cancel the transfer,cancel\n" +
		"4,My card has not arrived,card\n5,When will my new card arrive?,card\n6,card not arrived yet,card\n"
	in := filepath.Join(dir, "c.csv")
	os.WriteFile(in, []byte(data), 0o644)
	out := filepath.Join(dir, "out.csv")
	code, stdout, errs := runVoc(t, "eval-clusters", "--data", in, "--format", "json", "--out", out)
	if code != 0 {
		t.Fatalf("%d %s", code, errs)
	}
	var s map[string]float64
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"pairwise_precision", "pairwise_recall", "pairwise_f1", "bcubed_f1", "ari", "clusters"} {
		if _, ok := s[k]; !ok {
			t.Errorf("json lacks %s", k)
		}
	}
	if s["threshold"] != 0.2 || s["merge_threshold"] != 0.5 {
		t.Errorf("thresholds used, with no config: %v/%v, want the defaults 0.2/0.5", s["threshold"], s["merge_threshold"])
	}
	if s["bcubed_f1"] != 1 || s["clusters"] != 2 {
		t.Errorf("two obvious clusters: %v", s)
	}
	b, _ := os.ReadFile(out)
	if lines := strings.Split(strings.TrimSpace(string(b)), "\n"); len(lines) != 7 || lines[0] != "id,cluster" {
		t.Errorf("--out file: %q", b)
	}
	code, stdout, errs = runVoc(t, "eval-clusters", "--data", in, "--format", "json", "--baseline")
	var withBase struct {
		BCubedF1 float64 `json:"bcubed_f1"`
		Baseline *struct {
			Threshold float64 `json:"threshold"`
			BCubedF1  float64 `json:"bcubed_f1"`
			Clusters  int     `json:"clusters"`
		} `json:"baseline"`
	}
	if err := json.Unmarshal([]byte(stdout), &withBase); code != 0 || err != nil || withBase.Baseline == nil {
		t.Fatalf("--baseline: %d %v %s %s", code, err, stdout, errs)
	}
	if withBase.Baseline.Threshold <= 0 || withBase.Baseline.Clusters < 1 || withBase.BCubedF1 != 1 {
		t.Errorf("--baseline: %+v", withBase)
	}
	os.WriteFile(out, nil, 0o644)
	code, stdout, errs = runVoc(t, "eval-clusters", "--data", in, "--format", "json", "--sweep", "--out", out)
	var swept struct {
		BCubedF1       float64 `json:"bcubed_f1"`
		Threshold      float64 `json:"threshold"`
		MergeThreshold float64 `json:"merge_threshold"`
		Sweep          []struct {
			Threshold      float64 `json:"threshold"`
			MergeThreshold float64 `json:"merge_threshold"`
			BCubedF1       float64 `json:"bcubed_f1"`
		} `json:"sweep"`
	}
	if err := json.Unmarshal([]byte(stdout), &swept); code != 0 || err != nil || len(swept.Sweep) < 10 {
		t.Fatalf("--sweep: %d %v %s %s", code, err, stdout, errs)
	}
	found := false
	for _, p := range swept.Sweep {
		if p.BCubedF1 > swept.BCubedF1 {
			t.Errorf("--sweep reported %.3f, but %+v is better", swept.BCubedF1, p)
		}
		found = found || (p.Threshold == swept.Threshold && p.MergeThreshold == swept.MergeThreshold && p.BCubedF1 == swept.BCubedF1)
	}
	if !found {
		t.Errorf("--sweep: chosen %.2f/%.2f is not a point of the grid", swept.Threshold, swept.MergeThreshold)
	}
	if b, _ := os.ReadFile(out); len(strings.Split(strings.TrimSpace(string(b)), "\n")) != 7 {
		t.Errorf("--sweep --out file: %q", b)
	}
	if code, stdout, _ := runVoc(t, "eval-clusters", "--data", in, "--sweep"); code != 0 || !strings.Contains(stdout, "best (*): cluster.threshold") || !strings.Contains(stdout, "*") {
		t.Errorf("--sweep text: %d %s", code, stdout)
	}
	if code, _, errs := runVoc(t, "eval-clusters", "--data", in, "--sweep", "--threshold", "0.3"); code != 1 || !strings.Contains(errs, "--sweep chooses the thresholds") {
		t.Errorf("--sweep with --threshold: %d %s", code, errs)
	}
	os.WriteFile(in, []byte("id,text,cluster\n1,a,\n"), 0o644)
	if code, _, errs := runVoc(t, "eval-clusters", "--data", in); code != 1 || !strings.Contains(errs, "c.csv:2: cluster: required") {
		t.Errorf("missing cluster: %d %s", code, errs)
	}
}

// TestEvalClustersWithEmbeddings: with cluster.embeddings enabled,
// eval-clusters scores the clustering production makes from the vectors,
// and --words the one by words.
func TestEvalClustersWithEmbeddings(t *testing.T) {
	srv := embedtest.New()
	defer srv.Close()
	dir := t.TempDir()
	data := "id,text,cluster\n1,Please add a dark theme,dark\n2,ダークモードがほしい,dark\n3,Could we get a night mode,dark\n" +
		"4,Invoices are slow to load,slow\n5,請求書の表示が遅い,slow\n"
	in := filepath.Join(dir, "c.csv")
	os.WriteFile(in, []byte(data), 0o644)
	cfg := filepath.Join(dir, "voc.yaml")
	os.WriteFile(cfg, []byte("db: voc.db\ncluster:\n  embeddings:\n    enabled: true\n    base_url: "+srv.URL+"/v1\n    model: test-embed\n    rps: 100\n"), 0o644)
	score := func(args ...string) map[string]float64 {
		t.Helper()
		code, stdout, errs := runVoc(t, append([]string{"eval-clusters", "--config", cfg, "--data", in, "--format", "json"}, args...)...)
		if code != 0 {
			t.Fatalf("%d %s", code, errs)
		}
		var s map[string]float64
		if err := json.Unmarshal([]byte(stdout), &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if s := score(); s["bcubed_f1"] != 1 || s["clusters"] != 2 {
		t.Errorf("with embeddings: %v, want the two asks exactly", s)
	}
	if srv.Requests() == 0 {
		t.Fatal("the endpoint was not called")
	}
	if s := score("--words"); s["bcubed_f1"] >= 1 {
		t.Errorf("by words: %v, want below the embeddings' 1", s)
	}
}
