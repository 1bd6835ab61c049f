package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	ghtracker "github.com/voc-dev/voc/integrations/github"
	jiratracker "github.com/voc-dev/voc/integrations/jira"
	"github.com/voc-dev/voc/integrations/tracker"
	"github.com/voc-dev/voc/server"
	"github.com/voc-dev/voc/store"
)

// registerEvents says what each queued event kind does. Every handler is
// idempotent, since an event whose worker died is run again: tracker
// status is applied only when it differs from what is recorded, and a
// collect reads from the source's cursor.
func (a *app) registerEvents(srv *server.Server) {
	srv.HandleEvents("github.issues", func(ctx context.Context, ev store.Event) error {
		ie, err := ghtracker.DecodeIssueEvent(ev.Payload)
		if err != nil {
			return server.Permanent(fmt.Errorf("github delivery %s: %w", ev.DeliveryID, err))
		}
		return a.applyTrackerEvent(ctx, "github", ie.TopicKey, ie.Remote)
	})
	srv.HandleEvents("jira", func(ctx context.Context, ev store.Event) error {
		ie, ok, err := jiratracker.DecodeIssueEvent(ev.Payload, a.cfg.Trackers.Jira.BaseURL)
		if err != nil {
			return server.Permanent(fmt.Errorf("jira delivery %s: %w", ev.DeliveryID, err))
		}
		if !ok {
			return nil
		}
		return a.applyTrackerEvent(ctx, "jira", ie.TopicKey, ie.Remote)
	})
	c := &collectOnChange{a: a, last: map[string]time.Time{}}
	srv.HandleEvents("zendesk", func(ctx context.Context, ev store.Event) error { return c.run(ctx, "zendesk", ev) })
	srv.HandleEvents("intercom", func(ctx context.Context, ev store.Event) error { return c.run(ctx, "intercom", ev) })
}

func (a *app) applyTrackerEvent(ctx context.Context, kind, key string, r tracker.Remote) error {
	if key == "" {
		return nil // not one of voc's issues
	}
	return a.locked(ctx, func() error {
		did, err := a.trackerEvent(ctx, kind, key, r)
		if did {
			a.log.Info("tracker status applied", "tracker", kind, "topic", key, "state", r.State)
		}
		return err
	})
}

// collectOnChange collects a source when it says something changed, then
// classifies and ranks. A burst of deliveries costs one collect: an event
// received before the latest collect of its source began is covered by it.
type collectOnChange struct {
	a    *app
	mu   sync.Mutex
	last map[string]time.Time // source type -> start of the latest good collect
}

func (c *collectOnChange) run(ctx context.Context, typ string, ev store.Event) error {
	var names []string
	for _, s := range c.a.cfg.Sources {
		if s.Type == typ {
			names = append(names, s.Name)
		}
	}
	if len(names) == 0 {
		return server.Permanent(fmt.Errorf("%s webhook: no %s source in the config to collect", typ, typ))
	}
	return c.a.locked(ctx, func() error {
		// Checked under the lock: a collect that began after this event
		// arrived, on another worker, has read what it announced.
		c.mu.Lock()
		covered := ev.ReceivedAt.Before(c.last[typ])
		c.mu.Unlock()
		if covered {
			return nil
		}
		started := time.Now()
		for _, name := range names {
			cs, err := c.a.collectorsFor(name, time.Time{})
			if err != nil {
				return err
			}
			if err := c.a.collect(ctx, io.Discard, io.Discard, cs); err != nil && !errors.Is(err, errRejected) {
				return err
			}
		}
		if err := c.a.classify(ctx, io.Discard); err != nil {
			return err
		}
		if err := c.a.rank(ctx, io.Discard); err != nil {
			return err
		}
		c.mu.Lock()
		c.last[typ] = started
		c.mu.Unlock()
		return nil
	})
}
