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
		var done []finished
		claimed := time.Now()
		for i, ev := range evs {
			if stop.Err() != nil {
				// Shutting down: hand the rest back untouched (release
				// does this for every event we hold).
				s.log.Info("shutdown: leaving claimed events to the next server", "events", len(evs)-i)
				break
			}
			if time.Since(claimed) > s.cfg.Lease/2 {
				// Slow work: leave the rest to be claimed again when their
				// leases lapse rather than run them after another worker
				// may have taken them.
				s.log.Warn("batch slower than half its lease; leaving the rest", "events", len(evs)-i)
				break
			}
			if f, ok := s.process(workCtx, ev); ok {
				done = append(done, f)
			}
			if time.Since(claimed) > s.cfg.Lease/4 {
				// Record what is done while the leases still hold.
				s.complete(workCtx, done)
				done = nil
			}
		}
		s.complete(workCtx, done)
		if stop.Err() != nil {
			return
		}
		if len(evs) > 0 {
			continue
		}
		select {
		case <-stop.Done():
			return
		case <-s.wake:
			// Let a burst gather so that one claim takes several events:
			// far fewer transactions under load, a few ms more delay.
			select {
			case <-stop.Done():
				return
			case <-time.After(s.cfg.Gather):
			}
		case <-time.After(s.cfg.Poll):
		}
	}
}

// finished is an event whose work succeeded, to be marked done.
type finished struct {
	ev      store.Event
	ignored bool
	took    time.Duration
}

// complete marks a batch's succeeded events done in one statement.
func (s *Server) complete(ctx context.Context, done []finished) {
	if len(done) == 0 {
		return
	}
	ids := make([]int64, len(done))
	for i, f := range done {
		ids[i] = f.ev.ID
	}
	marked, err := s.cfg.Queue.CompleteEvents(context.WithoutCancel(ctx), s.cfg.ID, ids)
	if err != nil {
		s.log.Warn("events processed but not marked done; they will run again", "events", len(ids), "err", err)
	}
	ok := map[int64]bool{}
	for _, id := range marked {
		ok[id] = true
	}
	for _, f := range done {
		if !ok[f.ev.ID] {
			if err == nil {
				s.log.Warn("event processed but its lease had passed; it will run again", "event", f.ev.ID, "delivery", f.ev.DeliveryID)
			}
			s.metrics.events.WithLabelValues(f.ev.Source, "unrecorded").Inc()
			continue
		}
		result := "done"
		if f.ignored {
			result = "ignored"
		}
		s.metrics.events.WithLabelValues(f.ev.Source, result).Inc()
		s.metrics.eventAge.Observe(time.Since(f.ev.ReceivedAt).Seconds())
		s.log.Debug("event "+result, "event", f.ev.ID, "kind", f.ev.Kind, "took", f.took)
	}
}

// process runs one event's work; a success is returned for complete.
func (s *Server) process(ctx context.Context, ev store.Event) (finished, bool) {
	start := time.Now()
	fn := s.handlerFor(ev.Kind)
	var err error
	if fn != nil {
		err = safely(func() error { return fn(ctx, ev) })
	}
	log := s.log.With("event", ev.ID, "source", ev.Source, "kind", ev.Kind, "delivery", ev.DeliveryID, "attempt", ev.Attempts)
	switch {
	case err == nil:
		return finished{ev: ev, ignored: fn == nil, took: time.Since(start)}, true
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
			return finished{}, false
		}
		if ev.Attempts >= max {
			s.metrics.events.WithLabelValues(ev.Source, "dead").Inc()
			log.Error("event set aside after its last attempt", "err", err)
			return finished{}, false
		}
		s.metrics.events.WithLabelValues(ev.Source, "retry").Inc()
		log.Warn("event failed; will retry", "err", err, "in", backoff)
	}
	return finished{}, false
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
