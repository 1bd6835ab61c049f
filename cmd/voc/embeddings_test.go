package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voc-dev/voc/prioritizer/embed/embedtest"
	"github.com/voc-dev/voc/store"
)

// embedConvs are feature requests the words alone do not group: the same
// ask in English and Japanese (which the glossary bridges), and an English
// one worded with none of the glossary's words for it.
var embedConvs = []string{
	`{"source":"zendesk","external_id":"1","created_at":"2026-10-01T09:00:00Z","messages":[{"role":"customer","text":"Please add a dark theme to the app, write to dana@globex.example"}]}`,
	`{"source":"zendesk","external_id":"2","created_at":"2026-10-02T09:00:00Z","language":"ja","messages":[{"role":"customer","text":"ダークモードを追加してほしいです。"}]}`,
	`{"source":"zendesk","external_id":"3","created_at":"2026-10-03T09:00:00Z","messages":[{"role":"customer","text":"Could you add an option for white text on a black background for late shifts?"}]}`,
}

func embedSetup(t *testing.T, url string) (dir, cfgPath string) {
	t.Helper()
	dir = t.TempDir()
	os.WriteFile(filepath.Join(dir, "c.jsonl"), []byte(strings.Join(embedConvs, "\n")+"\n"), 0o644)
	cfg := fmt.Sprintf("db: voc.db\nsources:\n  - name: files\n    type: files\n    conversations: [c.jsonl]\n"+
		"cluster:\n  embeddings:\n    enabled: true\n    base_url: %s/v1\n    model: test-embed\n    rps: 100\n", url)
	cfgPath = filepath.Join(dir, "voc.yaml")
	os.WriteFile(cfgPath, []byte(cfg), 0o644)
	return dir, cfgPath
}

// TestEmbeddingsWired ranks with cluster.embeddings enabled against a
// local fake of the /embeddings API: the three wordings of one ask share a
// topic, no e-mail address reaches the endpoint, the key comes from the
// environment, and a second ranking is answered from the store's cache.
func TestEmbeddingsWired(t *testing.T) {
	srv := embedtest.New()
	defer srv.Close()
	t.Setenv("VOC_EMBEDDINGS_API_KEY", "sk-embed-test")
	dir, cfgPath := embedSetup(t, srv.URL)
	for _, cmd := range []string{"collect", "classify", "rank"} {
		code, out, errs := runVoc(t, cmd, "--config", cfgPath)
		if code != 0 {
			t.Fatalf("%s: %d %s %s", cmd, code, out, errs)
		}
		if cmd == "rank" && !strings.Contains(out, "grouped by embeddings") {
			t.Errorf("rank does not say it grouped by embeddings: %s", out)
		}
	}
	st, err := store.Open(context.Background(), filepath.Join(dir, "voc.db"))
	if err != nil {
		t.Fatal(err)
	}
	items, err := st.BacklogItems(context.Background())
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 {
		t.Fatalf("%d items, want 3: %+v", len(items), items)
	}
	for _, it := range items {
		if it.TopicID == nil || *it.TopicID != *items[0].TopicID {
			t.Errorf("item %s (%q) is not in the one dark mode topic", it.ExternalID, it.Quote)
		}
	}
	if len(srv.Inputs) != 3 {
		t.Errorf("texts sent: %q, want 3", srv.Inputs)
	}
	for _, in := range srv.Inputs {
		if strings.Contains(in, "dana@globex.example") {
			t.Errorf("customer e-mail sent to the embeddings endpoint: %q", in)
		}
	}
	for _, a := range srv.Auth {
		if a != "Bearer sk-embed-test" {
			t.Errorf("Authorization = %q, want the key from the environment", a)
		}
	}
	if n := counts(t, filepath.Join(dir, "voc.db"))["embeddings"]; n != 3 {
		t.Errorf("embeddings cached = %d, want 3", n)
	}
	before := srv.Requests()
	if code, out, errs := runVoc(t, "rank", "--config", cfgPath); code != 0 {
		t.Fatalf("second rank: %d %s %s", code, out, errs)
	}
	if srv.Requests() != before {
		t.Errorf("second rank made %d requests, want 0 (all cached)", srv.Requests()-before)
	}
	// By words alone the three do not make one topic.
	os.Remove(filepath.Join(dir, "voc.db"))
	cfg, _ := os.ReadFile(cfgPath)
	os.WriteFile(cfgPath, []byte(strings.Replace(string(cfg), "enabled: true", "enabled: false", 1)), 0o644)
	for _, cmd := range []string{"collect", "classify", "rank"} {
		if code, out, errs := runVoc(t, cmd, "--config", cfgPath); code != 0 {
			t.Fatalf("%s by words: %d %s %s", cmd, code, out, errs)
		}
	}
	if n := counts(t, filepath.Join(dir, "voc.db"))["topics"]; n < 2 {
		t.Errorf("by words the asks made %d topic, want more: the test texts no longer need embeddings", n)
	}
}

// TestEmbeddingsDown: when the endpoint fails, ranking still runs, by
// words, and says so.
func TestEmbeddingsDown(t *testing.T) {
	srv := embedtest.New()
	defer srv.Close()
	srv.Fail = 400
	_, cfgPath := embedSetup(t, srv.URL)
	for _, cmd := range []string{"collect", "classify"} {
		if code, out, errs := runVoc(t, cmd, "--config", cfgPath); code != 0 {
			t.Fatalf("%s: %d %s %s", cmd, code, out, errs)
		}
	}
	code, out, errs := runVoc(t, "rank", "--config", cfgPath)
	if code != 0 {
		t.Fatalf("rank with the endpoint down: %d %s %s", code, out, errs)
	}
	if strings.Contains(out, "embeddings") {
		t.Errorf("rank claims embeddings it did not use: %s", out)
	}
	if !strings.Contains(errs, "clustering by words") || !strings.Contains(errs, "http 400") {
		t.Errorf("no warning naming the failure: %s", errs)
	}
	if strings.Contains(errs, "dark theme") {
		t.Errorf("the warning echoes customer text: %s", errs)
	}
}

// TestEmbeddingsConfigChecked: a bad cluster.embeddings block is refused
// when the config is read, naming the setting, before anything runs.
func TestEmbeddingsConfigChecked(t *testing.T) {
	for _, c := range []struct{ block, want string }{
		{"    enabled: true\n    base_url: http://127.0.0.1:1/v1\n", "cluster.embeddings: embed: model must be set"},
		{"    enabled: true\n    base_url: ftp://host/v1\n    model: m\n", `base_url must be an http or https URL, got scheme "ftp"`},
		{"    enabled: true\n    base_url: http://127.0.0.1:1/v1\n    model: m\n    threshold: 1.5\n", "cluster.embeddings.threshold: must be between 0 and 1, got 1.5"},
		{"    enabled: false\n    threshold: -1\n", "cluster.embeddings.threshold: must be between 0 and 1, got -1"},
	} {
		dir := t.TempDir()
		cfgPath := filepath.Join(dir, "voc.yaml")
		os.WriteFile(cfgPath, []byte("db: voc.db\ncluster:\n  embeddings:\n"+c.block), 0o644)
		code, _, errs := runVoc(t, "rank", "--config", cfgPath)
		if code == 0 || !strings.Contains(errs, c.want) {
			t.Errorf("config\n%s: exit %d, stderr %q; want an error with %q", c.block, code, errs, c.want)
		}
		if _, err := os.Stat(filepath.Join(dir, "voc.db")); err == nil {
			t.Errorf("config\n%s: a database was created before the config was refused", c.block)
		}
	}
}
