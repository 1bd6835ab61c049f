package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/store"
)

// TestLLMBackendWired runs classify with the LLM backend enabled in the
// config against a local fake of the chat-completions API: the fake's
// answers become the items' kinds (decided by "llm"), the key comes from the
// environment, and no customer e-mail address reaches the endpoint.
func TestLLMBackendWired(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b)+" AUTH="+r.Header.Get("Authorization"))
		mu.Unlock()
		if r.URL.Path != "/v1/chat/completions" {
			http.NotFound(w, r)
			return
		}
		content, _ := json.Marshal(map[string]any{"kind": "feature", "confidence": 0.93, "reason": "asks for something new"})
		json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "created": 1730000000, "model": "test-model",
			"choices": []map[string]any{{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": string(content)}}},
			"usage":   map[string]int{"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
		})
	}))
	defer fake.Close()
	t.Setenv("VOC_LLM_API_KEY", "sk-test-secret-key")

	dir := t.TempDir()
	conv := `{"source":"zendesk","external_id":"1","created_at":"2026-10-01T09:00:00Z","messages":[{"role":"customer","text":"Our managers would love a timeline of all projects, write to dana@globex.example"}]}`
	os.WriteFile(filepath.Join(dir, "c.jsonl"), []byte(conv+"\n"), 0o644)
	cfg := fmt.Sprintf("db: voc.db\nsources:\n  - name: files\n    type: files\n    conversations: [c.jsonl]\nclassifier:\n  llm:\n    enabled: true\n    base_url: %s/v1\n    model: test-model\n    rps: 100\n", fake.URL)
	cfgPath := filepath.Join(dir, "voc.yaml")
	os.WriteFile(cfgPath, []byte(cfg), 0o644)

	for _, cmd := range []string{"collect", "classify"} {
		if code, out, errs := runVoc(t, cmd, "--config", cfgPath); code != 0 {
			t.Fatalf("%s: %d %s %s", cmd, code, out, errs)
		}
	}
	st, err := store.Open(context.Background(), filepath.Join(dir, "voc.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	items, err := st.BacklogItems(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].Kind != voc.KindFeature || items[0].DecidedBy != voc.ByLLM || !strings.HasPrefix(items[0].Reason, "llm:") {
		t.Fatalf("items: %+v", items)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) == 0 {
		t.Fatal("the LLM endpoint was never called")
	}
	for _, b := range bodies {
		if strings.Contains(b, "dana@globex.example") {
			t.Errorf("customer e-mail sent to the LLM: %s", b)
		}
		if !strings.Contains(b, "AUTH=Bearer sk-test-secret-key") {
			t.Errorf("key from the environment not sent: %s", b)
		}
	}
}
