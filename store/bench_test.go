package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/store/storetest"
)

// BenchmarkUpsertConversations stores new conversations in batches of 500,
// as the files collector does, on both databases.
func BenchmarkUpsertConversations(b *testing.B) {
	for _, db := range []struct {
		name string
		dsn  func(b *testing.B) string
	}{
		{"sqlite", func(b *testing.B) string { return filepath.Join(b.TempDir(), "voc.db") }},
		{"postgres", func(b *testing.B) string { return storetest.PostgresDSN(b) }},
	} {
		b.Run(db.name, func(b *testing.B) {
			s, err := Open(context.Background(), db.dsn(b))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			batch := make([]voc.Conversation, 500)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for j := range batch {
					batch[j] = voc.Conversation{Source: "zendesk", ExternalID: fmt.Sprint(i, "-", j), AccountID: "a1", CreatedAt: time.Unix(1790000000, 0),
						Messages: []voc.Message{
							{Role: voc.RoleCustomer, Author: "x@y.example", Text: "The CSV export of the time report spins forever and then fails with a 504."},
							{Role: voc.RoleAgent, Text: "Thanks, we are looking into it."}}}
				}
				if _, err := s.UpsertConversations(context.Background(), batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(500*b.N)/b.Elapsed().Seconds(), "conversations/s")
		})
	}
}
