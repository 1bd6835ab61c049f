package server

import (
	"context"
	"time"
)

// Job is work done on a schedule, such as collecting, ranking, syncing or
// posting a digest. Due times are the multiples of Every (in UTC, from
// the zero time), so every server computes the same ones and the store
// lets exactly one of them run each.
type Job struct {
	Name  string
	Every time.Duration
	// Offset shifts the due times: Every 24h with Offset 9h is 09:00 UTC.
	Offset time.Duration
	Run    func(ctx context.Context, due time.Time) error
	// AtMostOnce jobs are never repeated for a due time, even when the
	// server that took them died mid-run (a digest must not post twice);
	// the others are taken over once the dead server's lease lapses.
	AtMostOnce bool
	// Lease is how long a run is held between heartbeats (default 2m).
	Lease time.Duration
}

// Schedule registers a job. Call before Run.
func (s *Server) Schedule(j Job) {
	if j.Lease <= 0 {
		j.Lease = 2 * time.Minute
	}
	s.jobs = append(s.jobs, j)
}

type jobState struct {
	due     time.Time // the due time last settled (won or finished elsewhere)
	retryAt time.Time // when to try an unsettled due time again
	running bool
}

// schedule ticks until stop is done, claiming and running due jobs.
func (s *Server) schedule(stop, workCtx context.Context) {
	if len(s.jobs) == 0 {
		return
	}
	states := make([]jobState, len(s.jobs))
	done := make(chan int, len(s.jobs))
	tick := time.NewTicker(s.cfg.Tick)
	defer tick.Stop()
	running := 0
	for {
		now := time.Now().UTC()
		for i, j := range s.jobs {
			st := &states[i]
			due := now.Add(-j.Offset).Truncate(j.Every).Add(j.Offset)
			if st.running || !due.After(st.due) || now.Before(st.retryAt) {
				continue
			}
			won, err := s.cfg.Jobs.ClaimJob(workCtx, j.Name, due, s.cfg.ID, j.Lease, !j.AtMostOnce)
			switch {
			case err != nil:
				s.log.Error("job claim failed", "job", j.Name, "due", due, "err", err)
				st.retryAt = now.Add(s.cfg.Tick * 5)
				continue
			case !won && j.AtMostOnce:
				st.due = due // another server has it, for good
				continue
			case !won:
				// Another server runs it; look again after a lease in
				// case it dies holding it.
				st.retryAt = now.Add(j.Lease)
				continue
			}
			st.due, st.running = due, true
			running++
			go func() {
				s.runJob(workCtx, j, due)
				done <- i
			}()
		}
		select {
		case i := <-done:
			states[i].running = false
			running--
		case <-tick.C:
		case <-stop.Done():
			for ; running > 0; running-- {
				<-done
			}
			return
		}
	}
}

func (s *Server) runJob(ctx context.Context, j Job, due time.Time) {
	log := s.log.With("job", j.Name, "due", due.Format(time.RFC3339))
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	beat := time.NewTicker(j.Lease / 3)
	defer beat.Stop()
	result := make(chan error, 1)
	start := time.Now()
	go func() { result <- safely(func() error { return j.Run(runCtx, due) }) }()
	for {
		select {
		case err := <-result:
			s.metrics.observeJob(j.Name, err, time.Since(start))
			if err != nil {
				log.Error("job failed", "err", err, "took", time.Since(start))
			} else {
				log.Info("job done", "took", time.Since(start))
			}
			if ferr := s.cfg.Jobs.FinishJob(context.WithoutCancel(ctx), j.Name, due, s.cfg.ID, err); ferr != nil {
				log.Warn("job run not recorded", "err", ferr)
			}
			return
		case <-beat.C:
			if err := s.cfg.Jobs.ExtendJob(ctx, j.Name, due, s.cfg.ID, j.Lease); err != nil {
				log.Warn("job lease lost; stopping the run", "err", err)
				cancel()
			}
		}
	}
}
