package main

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/voc-dev/voc/server"
	"github.com/voc-dev/voc/store"
)

// eventRetention is how long processed events are kept, so a late
// redelivery is still recognised as one.
const eventRetention = 7 * 24 * time.Hour

// scheduleJobs registers voc serve's recurring work. Pipeline, sync and
// pull are safe to repeat, so a run whose server died is taken over; a
// digest is posted at most once per due time.
func (a *app) scheduleJobs(srv *server.Server, sc ServeConfig) error {
	log := func(job string) io.Writer { return logWriter{a: a, job: job} }
	schedule := func(j server.Job) {
		if j.Every > 0 {
			srv.Schedule(j)
		}
	}
	schedule(server.Job{Name: "pipeline", Every: sc.Every.Collect, Lease: 5 * time.Minute, Run: func(ctx context.Context, _ time.Time) error {
		return a.locked(ctx, func() error {
			cs, err := a.collectorsFor("", time.Time{})
			if err != nil {
				return err
			}
			if err := a.collect(ctx, log("collect"), log("collect"), cs); err != nil && !errors.Is(err, errRejected) {
				return err
			}
			if err := a.classify(ctx, log("classify")); err != nil {
				return err
			}
			return a.rank(ctx, log("rank"))
		})
	}})
	schedule(server.Job{Name: "sync", Every: sc.Every.Sync, Lease: 5 * time.Minute, Run: func(ctx context.Context, _ time.Time) error {
		real, kind, err := a.tracker()
		if err != nil {
			return err
		}
		return a.locked(ctx, func() error { return a.syncIssues(ctx, log("sync"), a.cfg.path(a.cfg.Sync.Out), real, kind) })
	}})
	if a.cfg.Sync.Tracker != "" {
		schedule(server.Job{Name: "pull", Every: sc.Every.Pull, Lease: 5 * time.Minute, Run: func(ctx context.Context, _ time.Time) error {
			real, kind, err := a.tracker()
			if err != nil {
				return err
			}
			return a.locked(ctx, func() error { return a.pullStatus(ctx, log("pull"), real, kind) })
		}})
	}
	schedule(server.Job{Name: "purge", Every: sc.Every.Purge, Run: func(ctx context.Context, _ time.Time) error {
		n, err := a.st.PurgeEvents(ctx, time.Now().Add(-eventRetention))
		if n > 0 {
			a.log.Info("purged processed events", "events", n)
		}
		if err != nil {
			return err
		}
		// The records of Slack replies sent go with their events.
		_, err = a.st.PurgeJobRuns(ctx, "slack-reply:", time.Now().Add(-eventRetention))
		return err
	}})
	for _, ds := range sc.Digests {
		every, offset, err := ds.interval()
		if err != nil {
			return err
		}
		channel, job := ds.Channel, digestJob(ds.Channel)
		srv.Schedule(server.Job{Name: job, Every: every, Offset: offset, AtMostOnce: true, Run: func(ctx context.Context, due time.Time) error {
			var since time.Time
			if prev, err := a.st.LastJobRun(ctx, job, "done"); err == nil {
				since = prev.DueAt
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			var p digestPoster
			if c := a.slackPoster(); c != nil {
				p = c
			}
			return a.postDigest(ctx, log(job), a.cfg.path(a.cfg.Digest.Out), channel, p, since)
		}})
	}
	return nil
}

// logWriter turns a stage's report lines into structured log records.
type logWriter struct {
	a   *app
	job string
}

func (w logWriter) Write(p []byte) (int, error) {
	for _, line := range splitLines(string(p)) {
		w.a.log.Info(line, "job", w.job)
	}
	return len(p), nil
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}
