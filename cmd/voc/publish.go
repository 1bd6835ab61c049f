package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/integrations/tracker"
	"github.com/voc-dev/voc/prioritizer"
	"github.com/voc-dev/voc/store"
)

// syncIssues keeps the issue of every open topic whose score reaches
// sync.min_score in step: in the configured tracker, or as Markdown files in
// dir for the dry run (real is nil). It says what it did and skipped, and
// why, then reads the tracker's status back.
func (a *app) syncIssues(ctx context.Context, w io.Writer, dir string, real issueTracker, kind string) error {
	entries, err := a.backlog(ctx)
	if err != nil {
		return err
	}
	accounts, err := a.st.Accounts(ctx)
	if err != nil {
		return err
	}
	index := prioritizer.NewAccountIndex(accounts)
	dry := &tracker.DryRun{Dir: dir}
	counts := map[tracker.Action]int{}
	skippedDeclined, skippedLow, skippedNoTarget, writes := 0, 0, 0, 0
	links, err := a.st.Links(ctx)
	if err != nil {
		return err
	}
	weights := fmt.Sprintf("reach = %.4g per affected customer, revenue = %.4g × Σ √(customer MRR in %s); churn, severity, fit, trend and staleness as in voc's docs/scoring.md", a.cfg.Scoring.Account, a.cfg.Scoring.Revenue, a.cfg.Scoring.BaseCurrency)
	handled, skippedLimit := 0, 0
	for _, e := range entries {
		declined := e.Status == voc.StatusDeclined
		switch {
		case declined && !a.cfg.Sync.RecordDeclines:
			skippedDeclined++
			continue
		case !declined && e.Status != voc.StatusAccepted && e.Score < a.cfg.Sync.MinScore:
			// A product owner's accept gets an issue whatever the score.
			skippedLow++
			continue
		case a.syncLimit > 0 && handled >= a.syncLimit:
			skippedLimit++
			continue
		}
		t, err := a.st.Topic(ctx, e.ID)
		if err != nil {
			return err
		}
		if declined && t.Decision != nil && (t.Decision.Who == "github" || t.Decision.Who == "jira") {
			// Engineering declined it in the tracker: the issue says so
			// already, and re-closing it would undo a reopen there.
			skippedDeclined++
			continue
		}
		handled++
		items, err := a.st.TopicItems(ctx, t.ID)
		if err != nil {
			return err
		}
		in := tracker.Input{Topic: t, ShowAccountNames: a.cfg.Sync.ShowAccountNames, Weights: weights, Rank: e.Rank}
		if a.strategy != nil {
			in.Area, _ = a.strategy.Area(t.Area)
		}
		seen := map[string]bool{}
		for _, it := range items {
			in.Evidence = append(in.Evidence, tracker.Evidence{Quote: it.Quote, Source: it.Source, ID: it.ExternalID, URL: it.URL, AskedAt: it.AskedAt, AccountID: it.AccountID})
			acc, ok := index.Resolve(it.AccountID, it.CustomerDomain)
			if ok && !seen[acc.ID] {
				seen[acc.ID] = true
				mrr, _ := a.cfg.Scoring.ToBaseMinor(acc.MRR, acc.Currency)
				in.Accounts = append(in.Accounts, tracker.Account{ID: acc.ID, Name: acc.Name, Plan: acc.Plan, Segment: acc.Segment, MRR: mrr})
			}
		}
		is := tracker.Render(in, a.redactor)
		if real == nil {
			act, err := dry.Apply(ctx, is)
			if err != nil {
				return fmt.Errorf("topic %d: %w", t.ID, err)
			}
			counts[act]++
			a.log.Info("sync", "topic", t.ID, "action", act, "file", dry.Path(is.Key))
			continue
		}
		is.Target = targetOf(kind, in.Area)
		if is.Target == "" {
			skippedNoTarget++
			a.log.Warn("sync: topic's area names no target", "topic", t.ID, "area", t.Area, "tracker", kind)
			continue
		}
		res, err := real.Sync(ctx, is)
		if err != nil {
			return fmt.Errorf("topic %d: %w", t.ID, err)
		}
		counts[res.Action]++
		writes += res.Writes
		ev := evidence(t)
		// The link keeps the state voc last acted on; pullStatus compares
		// the tracker's state with it, so a change is acted on once.
		link := store.Link{TopicKey: t.Key, Tracker: kind, RemoteID: res.Remote.ID, URL: res.Remote.URL, State: string(tracker.StateOpen), SyncedAt: time.Now(), Evidence: ev}
		old, linked := links[t.Key]
		if linked && old.Tracker == kind {
			link.State, link.Resolution = old.State, old.Resolution
		}
		if is.WontDo {
			// voc closed it (or found it closed): that is no news from
			// the tracker, so the status pull must not act on it.
			link.State, link.Resolution = string(res.Remote.State), res.Remote.Resolution
		}
		if linked && old.Tracker == kind && !is.WontDo {
			// A comment only when the evidence changed materially, never
			// once per ask.
			if old.Evidence != "" && old.Evidence != ev {
				if err := real.Comment(ctx, res.Remote, evidenceComment(t, old.Evidence)); err != nil {
					return fmt.Errorf("topic %d: comment: %w", t.ID, err)
				}
				writes++
			}
		}
		if err := a.st.SaveLink(ctx, link); err != nil {
			return err
		}
		fmt.Fprintf(w, "sync %s: topic %d %s %s\n", kind, t.ID, res.Action, res.Remote.URL)
	}
	if real == nil {
		fmt.Fprintf(w, "sync (dry run): %d created, %d updated, %d unchanged; skipped %d declined and %d below min_score %.4g; issues in %s\n",
			counts[tracker.Created], counts[tracker.Updated], counts[tracker.Unchanged], skippedDeclined, skippedLow, a.cfg.Sync.MinScore, dir)
		return nil
	}
	fmt.Fprintf(w, "sync %s: %d created, %d updated, %d unchanged (%d write calls); skipped %d declined, %d below min_score %.4g, %d whose area names no %s target, %d beyond --limit\n",
		kind, counts[tracker.Created], counts[tracker.Updated], counts[tracker.Unchanged], writes, skippedDeclined, skippedLow, a.cfg.Sync.MinScore, skippedNoTarget, kind, skippedLimit)
	return a.pullStatus(ctx, w, real, kind)
}
