package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/store"
)

// fakeGitHub keeps issues in memory and counts write calls; it answers in
// the shapes of GitHub's REST API (issues with labels, html_url, state,
// state_reason) that the integrations/github tests check in detail.
type fakeGitHub struct {
	mu       sync.Mutex
	srv      *httptest.Server
	issues   map[string][]map[string]any // repo → issues
	writes   int
	comments []string
}

var repoPath = regexp.MustCompile(`^/api/v3/repos/([^/]+/[^/]+)/issues(?:/(\d+))?(/comments)?$`)

func newFakeGitHub(t *testing.T) *fakeGitHub {
	f := &fakeGitHub{issues: map[string][]map[string]any{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer ghp_testtoken" {
			http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
			return
		}
		m := repoPath.FindStringSubmatch(r.URL.Path)
		if m == nil {
			http.NotFound(w, r)
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		repo := m[1]
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == "POST" && m[3] != "":
			f.writes++
			var body struct {
				Body string `json:"body"`
			}
			json.NewDecoder(r.Body).Decode(&body)
			f.comments = append(f.comments, body.Body)
			w.WriteHeader(http.StatusCreated)
			json.NewEncoder(w).Encode(map[string]any{"id": len(f.comments), "body": body.Body})
		case r.Method == "GET" && m[2] == "":
			want := r.URL.Query().Get("labels")
			out := []map[string]any{}
			for _, is := range f.issues[repo] {
				for _, l := range is["labels"].([]map[string]any) {
					if l["name"] == want {
						out = append(out, is)
					}
				}
			}
			json.NewEncoder(w).Encode(out)
		case r.Method == "POST" && m[2] == "":
			f.writes++
			var body struct {
				Title  string   `json:"title"`
				Body   string   `json:"body"`
				Labels []string `json:"labels"`
			}
			json.NewDecoder(r.Body).Decode(&body)
			n := len(f.issues[repo]) + 1
			is := map[string]any{"id": n, "number": n, "title": body.Title, "body": body.Body, "state": "open", "state_reason": nil,
				"html_url": fmt.Sprintf("https://github.example/%s/issues/%d", repo, n), "labels": labelObjs(body.Labels)}
			f.issues[repo] = append(f.issues[repo], is)
			w.WriteHeader(http.StatusCreated)
			json.NewEncoder(w).Encode(is)
		case r.Method == "PATCH" && m[2] != "":
			f.writes++
			var body map[string]any
			json.NewDecoder(r.Body).Decode(&body)
			for _, is := range f.issues[repo] {
				if fmt.Sprint(is["number"]) == m[2] {
					for k, v := range body {
						if k == "labels" {
							var ls []string
							for _, x := range v.([]any) {
								ls = append(ls, x.(string))
							}
							is[k] = labelObjs(ls)
							continue
						}
						is[k] = v
					}
					json.NewEncoder(w).Encode(is)
					return
				}
			}
			http.NotFound(w, r)
		default:
			http.Error(w, "unexpected", http.StatusMethodNotAllowed)
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func labelObjs(names []string) []map[string]any {
	out := []map[string]any{}
	for i, n := range names {
		out = append(out, map[string]any{"id": i + 1, "name": n, "color": "ededed"})
	}
	return out
}

// githubWorkspace runs the demo into a new folder and writes a config
// there that syncs its store to the fake GitHub f, with syncYAML (indented
// lines of the sync: section) added. It returns the folder and the config.
func githubWorkspace(t *testing.T, f *fakeGitHub, syncYAML string) (dir, cfgPath string) {
	t.Helper()
	t.Setenv("VOC_GITHUB_TOKEN", "ghp_testtoken")
	dir = t.TempDir()
	if code, _, errs := runVoc(t, "demo", "--dir", dir); code != 0 {
		t.Fatal(errs)
	}
	strategy, err := os.ReadFile(filepath.Join("..", "..", "examples", "acme", "strategy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf("db: voc.db\nstrategy: strategy.yaml\nsync:\n  tracker: github\n%strackers:\n  github:\n    base_url: %s/api/v3/\n", syncYAML, f.srv.URL)
	cfgPath = filepath.Join(dir, "voc.yaml")
	for path, b := range map[string][]byte{filepath.Join(dir, "strategy.yaml"): strategy, cfgPath: []byte(cfg)} {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, cfgPath
}

// TestSyncToGitHub syncs the example's backlog to a fake GitHub: issues are
// created once, a re-run writes nothing, and closing an issue ships its
// topic.
func TestSyncToGitHub(t *testing.T) {
	f := newFakeGitHub(t)
	dir, cfgPath := githubWorkspace(t, f, "  min_score: 300\n")

	code, out, errs := runVoc(t, "sync", "--config", cfgPath, "--limit", "2")
	if code != 0 || f.writes != 2 || !strings.Contains(out, "beyond --limit") {
		t.Fatalf("sync --limit 2: %d writes %s %s", f.writes, out, errs)
	}
	code, out, errs = runVoc(t, "sync", "--config", cfgPath)
	if code != 0 {
		t.Fatalf("sync: %d %s %s", code, out, errs)
	}
	created := f.writes
	if !strings.Contains(out, fmt.Sprintf("%d created", created-2)) {
		t.Fatalf("second sync should create the rest: %d writes\n%s", created, out)
	}
	code, out, _ = runVoc(t, "sync", "--config", cfgPath)
	if code != 0 || f.writes != created || !strings.Contains(out, "(0 write calls)") {
		t.Fatalf("re-run made %d more write calls\n%s", f.writes-created, out)
	}
	// The evidence of one topic changes materially (here: the record of
	// what the issue last said is made older): one comment, not one per ask.
	st, err := store.Open(context.Background(), filepath.Join(dir, "voc.db"))
	if err != nil {
		t.Fatal(err)
	}
	links, _ := st.Links(context.Background())
	for _, l := range links {
		l.Evidence = "accounts=1;mrr_step=0;trend=steady"
		st.SaveLink(context.Background(), l)
		break
	}
	st.Close()
	before := f.writes
	if code, out, errs := runVoc(t, "sync", "--config", cfgPath); code != 0 || f.writes != before+1 || len(f.comments) != 1 || !strings.Contains(f.comments[0], "evidence behind this topic changed") {
		t.Fatalf("material change: %d writes, comments %q\n%s%s", f.writes-before, f.comments, out, errs)
	}
	if _, out, _ := runVoc(t, "sync", "--config", cfgPath); !strings.Contains(out, "(0 write calls)") || len(f.comments) != 1 {
		t.Fatalf("comment repeated on an unchanged re-run\n%s", out)
	}
	// Engineering closes the first issue of the first repo as completed.
	f.mu.Lock()
	var closed map[string]any
	for _, issues := range f.issues {
		closed = issues[0]
		break
	}
	closed["state"], closed["state_reason"] = "closed", "completed"
	f.mu.Unlock()
	code, out, errs = runVoc(t, "sync", "--config", cfgPath)
	if code != 0 || !strings.Contains(out, "1 topics changed status in github") {
		t.Fatalf("status pull: %d %s %s", code, out, errs)
	}
	_, out, _ = runVoc(t, "backlog", "--config", cfgPath, "--format", "json", "--status", "shipped")
	var shipped []backlogEntry
	json.Unmarshal([]byte(out), &shipped)
	if len(shipped) != 1 || shipped[0].Status != voc.StatusShipped {
		t.Fatalf("shipped topics: %+v", shipped)
	}
}

// TestSyncRecordsDeclines: with sync.record_declines, every declined topic
// gets one issue closed as not planned that cites its non-goal; re-runs
// write nothing, and voc's own close does not echo back as a change.
func TestSyncRecordsDeclines(t *testing.T) {
	f := newFakeGitHub(t)
	// A threshold no open topic reaches: only the declines are synced.
	_, cfgPath := githubWorkspace(t, f, "  min_score: 1e9\n  record_declines: true\n")
	_, out, _ := runVoc(t, "backlog", "--config", cfgPath, "--format", "json", "--status", "declined")
	var declined []backlogEntry
	json.Unmarshal([]byte(out), &declined)
	if len(declined) == 0 {
		t.Fatal("the example has no declined topic")
	}

	code, out, errs := runVoc(t, "sync", "--config", cfgPath)
	if code != 0 {
		t.Fatalf("sync: %s %s", out, errs)
	}
	f.mu.Lock()
	var n int
	for _, issues := range f.issues {
		for _, is := range issues {
			n++
			body, _ := is["body"].(string)
			if is["state"] != "closed" || is["state_reason"] != "not_planned" || !strings.Contains(body, "## Decision: declined") || !strings.Contains(body, "non-goal") {
				t.Errorf("issue %v %v: state %v/%v, body:\n%s", is["number"], is["title"], is["state"], is["state_reason"], body)
			}
		}
	}
	f.mu.Unlock()
	if n != len(declined) {
		t.Fatalf("%d issues for %d declined topics\n%s", n, len(declined), out)
	}
	writes := f.writes
	code, out, _ = runVoc(t, "sync", "--config", cfgPath)
	if code != 0 || f.writes != writes || strings.Contains(out, "changed status") {
		t.Fatalf("re-run: %d more writes\n%s", f.writes-writes, out)
	}
	_, out, _ = runVoc(t, "backlog", "--config", cfgPath, "--format", "json", "--status", "declined")
	var still []backlogEntry
	json.Unmarshal([]byte(out), &still)
	if len(still) != len(declined) {
		t.Fatalf("declined topics %d, was %d", len(still), len(declined))
	}
}

// closeFirstIssue closes the fake's first created issue as not planned and
// returns the "issues" webhook payload GitHub would send for it.
func closeFirstIssue(f *fakeGitHub) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	var issue map[string]any
	var repo string
	for r, issues := range f.issues {
		repo, issue = r, issues[0]
		break
	}
	issue["state"], issue["state_reason"] = "closed", "not_planned"
	payload, _ := json.Marshal(map[string]any{"action": "closed", "issue": issue, "repository": map[string]any{"full_name": repo, "name": repo}})
	return payload
}
