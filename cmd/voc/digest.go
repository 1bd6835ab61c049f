package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/integrations/slack"
	"github.com/voc-dev/voc/store"
)

// digestJob names a channel's digest in the job-run records; the last
// done run is when the previous digest went out.
func digestJob(channel string) string { return "digest:" + channel }

// buildDigest assembles the digest: the top of the backlog with why each
// ranks there, topics new, rising, declined and shipped since the last
// digest (since; zero means the past week), the customers to tell about
// each shipped topic, and the share of complaints whose fault is unclear.
func (a *app) buildDigest(ctx context.Context, since time.Time) (slack.Digest, error) {
	now := time.Now().UTC()
	window := since
	if window.IsZero() {
		window = now.AddDate(0, 0, -7)
	}
	entries, err := a.backlog(ctx)
	if err != nil {
		return slack.Digest{}, err
	}
	// The unclear share covers what came in since the last digest; the
	// first digest reports all of it.
	stats, err := a.st.Stats(ctx, since)
	if err != nil {
		return slack.Digest{}, err
	}
	w, err := a.weeklyCounts(ctx)
	if err != nil {
		return slack.Digest{}, err
	}
	d := slack.Digest{Product: "voc", Date: now.Format(time.DateOnly), MoreURL: a.cfg.Digest.URL,
		Complaints: stats.ByFault[voc.FaultService] + stats.ByFault[voc.FaultCustomer] + stats.ByFault[voc.FaultUnclear],
		Unclear:    stats.ByFault[voc.FaultUnclear], TotalTopics: len(entries)}
	if !since.IsZero() {
		d.Since = since.Format("2006-01-02 15:04 UTC")
	}
	if a.strategy != nil && a.strategy.Product != "" {
		d.Product = a.strategy.Product
	}
	if d.MoreURL == "" && a.cfg.Serve.PublicURL != "" {
		d.MoreURL = strings.TrimRight(a.cfg.Serve.PublicURL, "/") + "/"
	}
	for _, e := range entries {
		se := slack.Entry{Rank: e.Rank, TopicID: e.ID, Title: a.redactor.Redact(e.Title), Kind: string(e.Kind), Area: e.Area, Score: e.Score,
			Why: breakdownLine(e.Breakdown), Accounts: e.Accounts, MRR: voc.FormatMoney(e.MRR, e.Currency), FirstSeen: e.FirstSeen.Format(time.DateOnly)}
		this, last, g := w.growth(e.ID)
		se.Trend, se.Growth = trendWords(this, last, g), g
		decidedSince := e.Decision != nil && e.Decision.At.After(window)
		switch e.Status {
		case voc.StatusDeclined:
			d.TotalDeclined++
			if decidedSince {
				se.NonGoal, se.Rationale = e.Decision.NonGoal, e.Decision.Reason
				if se.Rationale == "" {
					se.Rationale = e.Decision.Rationale
				}
				d.Declined = append(d.Declined, se)
			}
			continue
		case voc.StatusShipped:
			if decidedSince {
				sh, err := a.shipped(ctx, se)
				if err != nil {
					return d, err
				}
				d.Shipped = append(d.Shipped, sh)
			}
			continue
		}
		d.TotalOpen++
		if len(d.Top) < a.cfg.Digest.Top {
			d.Top = append(d.Top, se)
		}
		if e.FirstSeen.After(window) {
			d.New = append(d.New, se)
		}
		if this >= 2 && g > 0 {
			d.Rising = append(d.Rising, se)
		}
	}
	sort.SliceStable(d.Rising, func(i, j int) bool { return d.Rising[i].Growth > d.Rising[j].Growth })
	return d, nil
}

// shipped lists the customers to tell that a topic shipped: one per
// conversation, with its link, account, account owner and language.
func (a *app) shipped(ctx context.Context, se slack.Entry) (slack.Shipped, error) {
	sh := slack.Shipped{Entry: se}
	items, err := a.st.TopicItems(ctx, se.TopicID)
	if err != nil {
		return sh, err
	}
	accounts, err := a.st.Accounts(ctx)
	if err != nil {
		return sh, err
	}
	byID := map[string]voc.Account{}
	for _, acc := range accounts {
		byID[acc.ID] = acc
	}
	seen := map[string]bool{}
	for _, it := range items {
		key := it.Source + "/" + it.ExternalID
		if seen[key] {
			continue
		}
		seen[key] = true
		t := slack.Tell{Lang: it.Language, ConversationURL: it.URL, Customer: it.Source + " " + it.ExternalID}
		if conv, err := a.st.Conversation(ctx, it.Source, it.ExternalID); err == nil {
			for _, m := range conv.Messages {
				if m.Role == voc.RoleCustomer && m.Author != "" {
					t.Customer = displayName(a.redactor.Redact(m.Author))
					break
				}
			}
		} else if !errors.Is(err, store.ErrNotFound) {
			return sh, err
		}
		if acc, ok := byID[it.AccountID]; ok {
			t.Account, t.Owner = acc.Name, acc.Owner
		}
		sh.Tell = append(sh.Tell, t)
	}
	return sh, nil
}

// displayName keeps the name part of "Dana Scully <[email]>".
func displayName(author string) string {
	if i := strings.IndexByte(author, '<'); i > 0 {
		return strings.TrimSpace(author[:i])
	}
	return strings.TrimSpace(author)
}

// digest writes the Slack digest to files in dir (the dry run), for the
// configured channel.
func (a *app) digest(ctx context.Context, w io.Writer, dir string) error {
	return a.postDigest(ctx, w, dir, a.cfg.Digest.Channel, nil, time.Time{})
}

// digestPoster posts a message to Slack.
type digestPoster interface {
	Post(ctx context.Context, channel, threadTS string, blocks []slackgo.Block, text string) (string, error)
}

// postDigest builds the digest of what changed since and posts it to
// channel, or writes it to dir when p is nil.
func (a *app) postDigest(ctx context.Context, w io.Writer, dir, channel string, p digestPoster, since time.Time) error {
	d, err := a.buildDigest(ctx, since)
	if err != nil {
		return err
	}
	blocks, text := slack.Build(d)
	if p == nil {
		jp, tp, err := slack.WriteDryRun(dir, channel, blocks, text)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "digest (dry run): %d blocks for %s; wrote %s and %s\n", len(blocks), channel, jp, tp)
		return nil
	}
	ts, err := p.Post(ctx, channel, "", blocks, text)
	if err != nil {
		return fmt.Errorf("digest to %s: %w", channel, err)
	}
	fmt.Fprintf(w, "digest: posted %d blocks to %s (ts %s): %d top, %d new, %d rising, %d declined, %d shipped\n",
		len(blocks), channel, ts, len(d.Top), len(d.New), len(d.Rising), len(d.Declined), len(d.Shipped))
	return nil
}

// slackPoster is the Slack Web API client when a bot token is set.
func (a *app) slackPoster() *slack.Client {
	tok := os.Getenv(envSlackBot)
	if tok == "" {
		return nil
	}
	return slack.NewClient(tok, a.cfg.Serve.Slack.APIURL)
}

// postDigestNow posts the channel's digest at once (voc digest with a bot
// token), covering what changed since its last digest, and records the
// post as that channel's latest so the next one starts from here.
func (a *app) postDigestNow(ctx context.Context, w io.Writer, channel string, p digestPoster) error {
	job := digestJob(channel)
	var since time.Time
	if prev, err := a.st.LastJobRun(ctx, job, "done"); err == nil {
		since = prev.DueAt
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	now := time.Now().UTC()
	if _, err := a.st.ClaimJob(ctx, job, now, "cli", time.Hour, false); err != nil {
		return err
	}
	err := a.postDigest(ctx, w, "", channel, p, since)
	if ferr := a.st.FinishJob(ctx, job, now, "cli", err); ferr != nil && err == nil {
		err = ferr
	}
	return err
}
