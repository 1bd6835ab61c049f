package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/collectors"
)

// progressSink reports a long collection's progress on stderr, at most
// every interval, so a person watching a first pull of a big helpdesk sees
// it move.
type progressSink struct {
	collectors.Sink
	w        io.Writer
	source   string
	interval time.Duration

	mu    sync.Mutex
	convs int
	last  time.Time
	start time.Time
}

func newProgress(s collectors.Sink, w io.Writer, source string) *progressSink {
	now := time.Now()
	return &progressSink{Sink: s, w: w, source: source, interval: 2 * time.Second, last: now, start: now}
}

func (p *progressSink) add(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.convs += n
	if time.Since(p.last) >= p.interval {
		p.last = time.Now()
		fmt.Fprintf(p.w, "collect %s: %d conversations so far (%.0f/s)\n", p.source, p.convs, float64(p.convs)/time.Since(p.start).Seconds())
	}
}

func (p *progressSink) SaveConversations(ctx context.Context, cs []voc.Conversation) (collectors.Counts, error) {
	c, err := p.Sink.SaveConversations(ctx, cs)
	if err == nil {
		p.add(len(cs))
	}
	return c, err
}

func (p *progressSink) SaveBatch(ctx context.Context, source string, b collectors.Batch) (collectors.Counts, collectors.Counts, error) {
	a, c, err := p.Sink.SaveBatch(ctx, source, b)
	if err == nil {
		p.add(len(b.Conversations))
	}
	return a, c, err
}
