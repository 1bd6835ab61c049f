// Package collectors defines how conversations and accounts come into voc:
// each source is a package under collectors/ that implements Collector and
// hands what it reads to a Sink in batches.
package collectors

import (
	"context"
	"fmt"

	"github.com/voc-dev/voc"
)

// Sink stores what collectors read. Saving the same record twice must
// change nothing, so a collector that is killed and re-run never duplicates.
type Sink interface {
	SaveAccounts(ctx context.Context, accounts []voc.Account) (Counts, error)
	SaveConversations(ctx context.Context, convs []voc.Conversation) (Counts, error)
	// SaveBatch stores a batch and the source's cursor after it in one
	// transaction: a run killed at any instant resumes exactly where its
	// last saved batch ended.
	SaveBatch(ctx context.Context, source string, b Batch) (accounts, convs Counts, err error)
	// Cursor returns where the source's last saved batch ended ("" before
	// the first run).
	Cursor(ctx context.Context, source string) (string, error)
}

// Batch is what an incremental collector hands over at once: the accounts
// (organisations, companies) and conversations of one page or more, and the
// cursor that follows them.
type Batch struct {
	Accounts      []voc.Account
	Conversations []voc.Conversation
	Cursor        *string // nil: leave the cursor as it is
}

// Collector reads one source. It returns rejected records in its Report and
// keeps going; it returns an error only when it cannot go on at all.
type Collector interface {
	Name() string
	Collect(ctx context.Context, sink Sink) (Report, error)
}

// Counts says what a sink did with the records it was handed.
type Counts struct {
	New       int `json:"new"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// Add accumulates o into c.
func (c *Counts) Add(o Counts) {
	c.New += o.New
	c.Updated += o.Updated
	c.Unchanged += o.Unchanged
}

// Report is what one collector run did.
type Report struct {
	Source        string   `json:"source"`
	Conversations Counts   `json:"conversations"`
	Accounts      Counts   `json:"accounts"`
	Rejected      []Reject `json:"rejected,omitempty"`
}

// Reject is a record that could not be read, named precisely enough for a
// person to open the file at that line and fix that field.
type Reject struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

func (r Reject) Error() string {
	return fmt.Sprintf("%s:%d: %s: %s", r.File, r.Line, r.Field, r.Reason)
}
