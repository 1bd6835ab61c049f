// Package files imports conversations (JSONL or CSV) and accounts (CSV)
// from files, in the formats documented in docs/formats.md.
package files

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/collectors"
)

// DefaultBatch is how many records go to the sink in one transaction.
const DefaultBatch = 500

// DefaultMaxRecord caps one JSONL line or CSV field so a runaway record is
// rejected instead of exhausting memory.
const DefaultMaxRecord = 8 << 20

// Collector imports files. Paths are resolved in FS, so the same code reads
// the user's folder (os.DirFS) and the example bundled in the binary.
type Collector struct {
	// SourceName names the collector in reports and is the conversations'
	// source when a record does not give one.
	SourceName    string
	FS            fs.FS
	Conversations []string // .jsonl or .csv files
	Accounts      []string // .csv files
	Batch         int
	MaxRecord     int // bytes; DefaultMaxRecord when zero
	// Prefix is put before file names in rejects, so that they name the
	// file as the user knows it (e.g. the folder of the config file).
	Prefix string
}

func (c *Collector) maxRecord() int {
	if c.MaxRecord > 0 {
		return c.MaxRecord
	}
	return DefaultMaxRecord
}

// Name implements collectors.Collector.
func (c *Collector) Name() string { return c.SourceName }

// Collect imports the accounts first, then the conversations, so that a
// conversation can be matched to an account imported in the same run.
func (c *Collector) Collect(ctx context.Context, sink collectors.Sink) (collectors.Report, error) {
	rep := collectors.Report{Source: c.SourceName}
	for _, p := range c.Accounts {
		if err := c.importAccounts(ctx, p, sink, &rep); err != nil {
			return rep, err
		}
	}
	for _, p := range c.Conversations {
		var err error
		switch strings.ToLower(path.Ext(p)) {
		case ".jsonl", ".ndjson":
			err = c.importJSONL(ctx, p, sink, &rep)
		case ".csv":
			err = c.importConversationsCSV(ctx, p, sink, &rep)
		default:
			err = fmt.Errorf("files: %s%s: unknown conversation format %q (want .jsonl or .csv)", c.Prefix, p, path.Ext(p))
		}
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}

func (c *Collector) batchSize() int {
	if c.Batch > 0 {
		return c.Batch
	}
	return DefaultBatch
}

// convBatch buffers conversations and flushes them to the sink in batches.
type convBatch struct {
	c    *Collector
	sink collectors.Sink
	rep  *collectors.Report
	buf  []voc.Conversation
}

func (b *convBatch) add(ctx context.Context, conv voc.Conversation) error {
	if conv.Source == "" {
		conv.Source = b.c.SourceName
	}
	b.buf = append(b.buf, conv)
	if len(b.buf) >= b.c.batchSize() {
		return b.flush(ctx)
	}
	return nil
}

func (b *convBatch) flush(ctx context.Context) error {
	if len(b.buf) == 0 {
		return nil
	}
	n, err := b.sink.SaveConversations(ctx, b.buf)
	if err != nil {
		return fmt.Errorf("files: save conversations: %w", err)
	}
	b.rep.Conversations.Add(n)
	b.buf = b.buf[:0]
	return nil
}
