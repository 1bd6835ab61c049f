package files

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/collectors"
)

type discardSink struct{ n int }

func (d *discardSink) SaveConversations(_ context.Context, cs []voc.Conversation) (collectors.Counts, error) {
	d.n += len(cs)
	return collectors.Counts{New: len(cs)}, nil
}
func (d *discardSink) SaveAccounts(_ context.Context, as []voc.Account) (collectors.Counts, error) {
	return collectors.Counts{New: len(as)}, nil
}

// BenchmarkParseJSONL measures reading and validating conversations
// without storing them (the floor under an import into a database).
func BenchmarkParseJSONL(b *testing.B) {
	var buf bytes.Buffer
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&buf, `{"source":"zendesk","external_id":"%d","account_id":"a%d","created_at":"2026-10-01T09:00:00Z","messages":[{"role":"customer","author":"x@y.example","text":"The CSV export of the time report spins forever and then fails with a 504."},{"role":"agent","text":"Thanks, we are looking into it."}]}`+"\n", i, i%100)
	}
	fsys := fstest.MapFS{"c.jsonl": {Data: buf.Bytes()}}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sink := &discardSink{}
		c := &Collector{SourceName: "files", FS: fsys, Conversations: []string{"c.jsonl"}}
		if _, err := c.Collect(context.Background(), sink); err != nil || sink.n != 10000 {
			b.Fatal(err, sink.n)
		}
	}
	b.ReportMetric(float64(10000*b.N)/b.Elapsed().Seconds(), "conversations/s")
}

func (d *discardSink) SaveBatch(_ context.Context, _ string, b collectors.Batch) (collectors.Counts, collectors.Counts, error) {
	d.n += len(b.Conversations)
	return collectors.Counts{}, collectors.Counts{New: len(b.Conversations)}, nil
}

func (d *discardSink) Cursor(context.Context, string) (string, error) { return "", nil }
