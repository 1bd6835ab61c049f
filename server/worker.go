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
func (s *Server) HandleEvents(kind string, fn EventFunc) { s.handlers[kind] = handler{one: fn} }

// BatchFunc does the work of several queued events of one kind at once and
// returns one error per event, in their order (nil: that event is done).
// Like EventFunc it must be idempotent: an event whose worker dies before
// recording success is run again, with or without the others.
type BatchFunc func(ctx context.Context, evs []store.Event) []error

// HandleEventBatches registers fn for kind as HandleEvents does, but hands
// it every event of that kind a worker claims at once, in one call: work
// that serves all of them alike (ranking the backlog after a burst of
// Slack reactions) is then done once per batch, not once per event.
func (s *Server) HandleEventBatches(kind string, fn BatchFunc) { s.handlers[kind] = handler{batch: fn} }

// handler is what an event kind was registered with: one of the two.
type handler struct {
	one   EventFunc
	batch BatchFunc
}

// handlerFor returns the handler of kind and the kind it was registered
// under ("" when none claims it).
func (s *Server) handlerFor(kind string) (handler, string) {
	for k := kind; k != ""; {
		if h, ok := s.handlers[k]; ok {
			return h, k
		}
		i := strings.LastIndexByte(k, '.')
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return handler{}, ""
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
		rest, batches := s.splitBatches(evs)
		for _, b := range batches {
			if stop.Err() != nil {
				break // release hands them back
			}
			done = append(done, s.processBatch(workCtx, b)...)
		}
		for i, ev := range rest {
			if stop.Err() != nil {
				// Shutting down: hand the rest back untouched (release
				// does this for every event we hold).
				s.log.Info("shutdown: leaving claimed events to the next server", "events", len(rest)-i)
				break
			}
			if time.Since(claimed) > s.cfg.Lease/2 {
				// Slow work: leave the rest to be claimed again when their
				// leases lapse rather than run them after another worker
				// may have taken them.
				s.log.Warn("batch slower than half its lease; leaving the rest", "events", len(rest)-i)
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

// batch is the claimed events of one kind registered with
// HandleEventBatches.
type batch struct {
	fn  BatchFunc
	evs []store.Event
}

// splitBatches takes out of evs the events whose handler takes batches,
// grouped by the kind it was registered under in order of first claim, and
// returns the rest in their order.
func (s *Server) splitBatches(evs []store.Event) ([]store.Event, []*batch) {
	var rest []store.Event
	var batches []*batch
	byKind := map[string]*batch{}
	for _, ev := range evs {
		h, k := s.handlerFor(ev.Kind)
		if h.batch == nil {
			rest = append(rest, ev)
			continue
		}
		b := byKind[k]
		if b == nil {
			b = &batch{fn: h.batch}
			byKind[k] = b
			batches = append(batches, b)
		}
		b.evs = append(b.evs, ev)
	}
	return rest, batches
}

// process runs one event's work; a success is returned for complete.
func (s *Server) process(ctx context.Context, ev store.Event) (finished, bool) {
	start := time.Now()
	h, _ := s.handlerFor(ev.Kind)
	var err error
	if h.one != nil {
		err = safely(func() error { return h.one(ctx, ev) })
	}
	return s.settle(ctx, ev, h.one == nil, err, time.Since(start))
}

// processBatch runs the work of a batch in one call and settles each of
// its events by its own result; the successes are returned for complete.
// A panic, or a result count that does not match, fails them all.
func (s *Server) processBatch(ctx context.Context, b *batch) []finished {
	start := time.Now()
	var errs []error
	err := safely(func() error {
		errs = b.fn(ctx, b.evs)
		if len(errs) != len(b.evs) {
			return fmt.Errorf("batch handler returned %d results for %d events", len(errs), len(b.evs))
		}
		return nil
	})
	took := time.Since(start)
	var done []finished
	for i, ev := range b.evs {
		evErr := err
		if evErr == nil {
			evErr = errs[i]
		}
		if f, ok := s.settle(ctx, ev, false, evErr, took); ok {
			done = append(done, f)
		}
	}
	return done
}

// settle records the outcome of one event's work: a success is returned
// for complete, a failure is retried later or set aside.
func (s *Server) settle(ctx context.Context, ev store.Event, ignored bool, err error, took time.Duration) (finished, bool) {
	log := s.log.With("event", ev.ID, "source", ev.Source, "kind", ev.Kind, "delivery", ev.DeliveryID, "attempt", ev.Attempts)
	switch {
	case err == nil:
		return finished{ev: ev, ignored: ignored, took: took}, true
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
