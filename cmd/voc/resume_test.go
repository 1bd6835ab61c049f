package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/collectors"
	"github.com/voc-dev/voc/collectors/files"
	"github.com/voc-dev/voc/store"
)

// cancellingSink stops the run right after its first batch is stored, as a
// kill between two transactions would.
type cancellingSink struct {
	storeSink
	cancel context.CancelFunc
}

func (s cancellingSink) SaveConversations(ctx context.Context, cs []voc.Conversation) (collectors.Counts, error) {
	c, err := s.storeSink.SaveConversations(ctx, cs)
	s.cancel()
	return c, err
}

// TestInterruptedImportResumes stops an import after its first batch, then
// imports again: the result is exactly the whole file, nothing lost and
// nothing twice, and the re-run only adds what was missing.
func TestInterruptedImportResumes(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := 0; i < 1200; i++ {
		fmt.Fprintf(&b, `{"source":"zendesk","external_id":"%d","created_at":"2026-10-01T09:00:00Z","messages":[{"role":"customer","text":"Ask number %d: please add a Gantt chart."}]}`+"\n", i, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "c.jsonl"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), filepath.Join(dir, "voc.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	col := &files.Collector{SourceName: "files", FS: os.DirFS(dir), Conversations: []string{"c.jsonl"}, Batch: 500}

	ctx, cancel := context.WithCancel(context.Background())
	rep, err := col.Collect(ctx, cancellingSink{storeSink{st}, cancel})
	if err == nil {
		t.Fatal("interrupted import reported success")
	}
	if rep.Conversations.New != 500 {
		t.Fatalf("first batch: %+v", rep.Conversations)
	}
	rep, err = col.Collect(context.Background(), storeSink{st})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Conversations != (collectors.Counts{New: 700, Unchanged: 500}) {
		t.Fatalf("resumed import: %+v", rep.Conversations)
	}
	if c, _ := st.Counts(context.Background()); c["conversations"] != 1200 || c["messages"] != 1200 {
		t.Fatalf("after resume: %v", c)
	}
}
