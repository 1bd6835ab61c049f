package server

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/voc-dev/voc/store"
)

// EventFunc does the work of one queued event. It must be idempotent: an
// event whose worker dies before recording success is run again.
type EventFunc func(ctx context.Context, ev store.Event) error

// Permanent marks an error that retrying cannot fix (a payload that does
// not parse); the event is set aside at once instead of retried.
func Permanent(err error) error { return permanent{err} }

type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

// HandleEvents registers fn for events whose kind is kind or starts with
// kind + "." ("github" covers "github.issues"); the longest match wins.
// Events no function claims are recorded as done without work, as GitHub's
// pings and other kinds voc does not act on are.
func (s *Server) HandleEvents(kind string, fn EventFunc) { s.handlers[kind] = fn }

func (s *Server) handlerFor(kind string) EventFunc {
	for k := kind; k != ""; {
		if fn, ok := s.handlers[k]; ok {
			return fn
		}
		i := strings.LastIndexByte(k, '.')
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return nil
}

// work claims and processes events until stop is done. Processing runs
// under workCtx, which outlives stop by the shutdown grace.
func (s *Server) work(stop, workCtx context.Context, n int) {
	owner := s.cfg.ID
	for {
		if stop.Err() != nil {
			return
		}
		evs, err := s.cfg.Queue.ClaimEvents(workCtx, owner, s.cfg.Batch, s.cfg.Lease)
		if err != nil {
			s.log.Error("queue claim failed", "worker", n, "err", err)
		}
		for i, ev := range evs {
			if stop.Err() != nil {
				// Shutting down: hand the rest back untouched (release
				// does this for every event we hold).
				s.log.Info("shutdown: leaving claimed events to the next server", "events", len(evs)-i)
				return
			}
			s.process(workCtx, ev)
		}
		if len(evs) > 0 {
			continue
		}
		select {
		case <-stop.Done():
			return
		case <-s.wake:
		case <-time.After(s.cfg.Poll):
		}
	}
}

func (s *Server) process(ctx context.Context, ev store.Event) {
	start := time.Now()
	fn := s.handlerFor(ev.Kind)
	var err error
	if fn != nil {
		err = safely(func() error { return fn(ctx, ev) })
	}
	log := s.log.With("event", ev.ID, "source", ev.Source, "kind", ev.Kind, "delivery", ev.DeliveryID, "attempt", ev.Attempts)
	switch {
	case err == nil:
		if cerr := s.cfg.Queue.CompleteEvent(ctx, ev.ID, s.cfg.ID); cerr != nil {
			log.Warn("event processed but not marked done; it will run again", "err", cerr)
			s.metrics.events.WithLabelValues(ev.Source, "unrecorded").Inc()
			return
		}
		result := "done"
		if fn == nil {
			result = "ignored"
		}
		s.metrics.events.WithLabelValues(ev.Source, result).Inc()
		s.metrics.eventAge.Observe(time.Since(ev.ReceivedAt).Seconds())
		log.Debug("event "+result, "took", time.Since(start))
	case ctx.Err() != nil:
		// Cancelled by shutdown: release hands it back without counting.
		log.Warn("event interrupted by shutdown; it will run again", "err", err)
	default:
		max, backoff := s.cfg.MaxAttempts, retryBackoff(ev.Attempts)
		var p permanent
		if errors.As(err, &p) {
			max = ev.Attempts
		}
		if ferr := s.cfg.Queue.FailEvent(ctx, ev.ID, s.cfg.ID, err.Error(), backoff, max); ferr != nil {
			log.Error("event failed and could not be recorded", "err", err, "record_err", ferr)
			return
		}
		if ev.Attempts >= max {
			s.metrics.events.WithLabelValues(ev.Source, "dead").Inc()
			log.Error("event set aside after its last attempt", "err", err)
			return
		}
		s.metrics.events.WithLabelValues(ev.Source, "retry").Inc()
		log.Warn("event failed; will retry", "err", err, "in", backoff)
	}
}

// retryBackoff doubles from 2s per attempt up to ten minutes.
func retryBackoff(attempt int) time.Duration {
	d := 2 * time.Second << min(attempt-1, 9)
	return min(d, 10*time.Minute)
}

func safely(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return fn()
}
