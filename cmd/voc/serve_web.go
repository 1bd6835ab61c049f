package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/server/web"
	"github.com/voc-dev/voc/store"
)

// webBackend is the backlog page's view of the store.
type webBackend struct{ a *app }

// weekly counts each topic's items per week (weeks start on Monday, UTC).
type weekly struct {
	counts map[int64]map[time.Time]int
	latest time.Time // the latest ask: "now" for trends, as in scoring
}

func weekStart(t time.Time) time.Time {
	t = t.UTC().Truncate(24 * time.Hour)
	return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
}

func (a *app) weeklyCounts(ctx context.Context) (weekly, error) {
	items, err := a.st.BacklogItems(ctx)
	if err != nil {
		return weekly{}, err
	}
	w := weekly{counts: map[int64]map[time.Time]int{}}
	for _, it := range items {
		if it.AskedAt.After(w.latest) {
			w.latest = it.AskedAt
		}
		if it.TopicID == nil {
			continue
		}
		m := w.counts[*it.TopicID]
		if m == nil {
			m = map[time.Time]int{}
			w.counts[*it.TopicID] = m
		}
		m[weekStart(it.AskedAt)]++
	}
	return w, nil
}

// growth compares the week of the latest ask with the one before it.
func (w weekly) growth(id int64) (this, last int, g float64) {
	cur := weekStart(w.latest)
	this, last = w.counts[id][cur], w.counts[id][cur.AddDate(0, 0, -7)]
	if last > 0 {
		g = float64(this-last) / float64(last)
	} else if this > 0 {
		g = float64(this)
	}
	return this, last, g
}

func trendWords(this, last int, g float64) string {
	switch {
	case this == 0 && last == 0:
		return "quiet"
	case last == 0:
		return fmt.Sprintf("new: %d this week", this)
	default:
		return fmt.Sprintf("%+.0f%% w/w (%d→%d)", 100*g, last, this)
	}
}

func (b webBackend) row(e backlogEntry, w weekly, links map[string]store.Link, now time.Time) web.Row {
	r := web.Row{Rank: e.Rank, ID: e.ID, Title: b.a.redactor.Redact(e.Title), Kind: string(e.Kind), Area: e.Area, Status: string(e.Status),
		Score: e.Score, Accounts: e.Accounts, MRR: voc.FormatMoney(e.MRR, e.Currency), FirstSeen: e.FirstSeen, LastSeen: e.LastSeen,
		Trend: trendWords(w.growth(e.ID))}
	for k, v := range e.Breakdown {
		r.Breakdown = append(r.Breakdown, web.Part{Name: k, Value: v})
	}
	sort.Slice(r.Breakdown, func(i, j int) bool { return r.Breakdown[i].Value > r.Breakdown[j].Value })
	if l, ok := links[e.Key]; ok {
		r.IssueURL = l.URL
	}
	return r
}

// Backlog implements web.Backend.
func (b webBackend) Backlog(ctx context.Context, f web.Filter) ([]web.Row, error) {
	entries, err := b.a.backlog(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	flt := backlogFilter{kind: f.Kind, area: f.Area, status: f.Status, minAccounts: f.MinAccounts}
	if !f.Since.IsZero() {
		flt.since = now.Sub(f.Since)
	}
	entries = flt.apply(entries, now)
	if f.Segment != "" {
		if entries, err = b.a.withSegment(ctx, entries, f.Segment); err != nil {
			return nil, err
		}
	}
	w, err := b.a.weeklyCounts(ctx)
	if err != nil {
		return nil, err
	}
	links, err := b.a.st.Links(ctx)
	if err != nil {
		return nil, err
	}
	q := strings.ToLower(strings.TrimSpace(f.Query))
	var rows []web.Row
	for _, e := range entries {
		if q != "" && !strings.Contains(strings.ToLower(e.Title), q) && !strings.Contains(strings.ToLower(e.Area), q) {
			continue
		}
		rows = append(rows, b.row(e, w, links, now))
	}
	return rows, nil
}

// Topic implements web.Backend.
func (b webBackend) Topic(ctx context.Context, id int64) (web.Detail, error) {
	d, err := b.a.topicDetail(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return web.Detail{}, fmt.Errorf("topic %d: %w", id, web.ErrNotFound)
	}
	if err != nil {
		return web.Detail{}, err
	}
	w, err := b.a.weeklyCounts(ctx)
	if err != nil {
		return web.Detail{}, err
	}
	links, err := b.a.st.Links(ctx)
	if err != nil {
		return web.Detail{}, err
	}
	t := d.Topic
	e := backlogEntry{ID: t.ID, Key: t.Key, Rank: d.Rank, Title: t.Title, Kind: t.Kind, Area: t.Area, Status: t.Status, Accounts: t.Accounts,
		MRR: t.MRR, Currency: t.Currency, Items: t.Items, Score: t.Score, Breakdown: t.Breakdown, FirstSeen: t.FirstSeen, LastSeen: t.LastSeen}
	out := web.Detail{Row: b.row(e, w, links, time.Now())}
	for _, ask := range d.Asks {
		out.Quotes = append(out.Quotes, web.Quote{Text: ask.Quote, Source: ask.Source + " " + ask.ID, URL: ask.URL, Account: ask.Account, At: ask.AskedAt})
	}
	for _, acc := range d.Accounts {
		out.Customers = append(out.Customers, web.Customer{Name: acc.Name, Plan: acc.Plan, Segment: acc.Segment, MRR: acc.MRR})
	}
	// Every week from the first ask to now, empty ones included, so the
	// chart's gaps are real.
	if len(w.counts[id]) > 0 {
		for wk := weekStart(t.FirstSeen); !wk.After(time.Now()); wk = wk.AddDate(0, 0, 7) {
			out.Weekly = append(out.Weekly, web.Week{Start: wk, Items: w.counts[id][wk]})
		}
		if n := len(out.Weekly); n > 52 {
			out.Weekly = out.Weekly[n-52:]
		}
	}
	if dd := t.Decision; dd != nil {
		out.Decision = &web.Decision{Status: string(dd.Status), Who: dd.Who, Reason: dd.Reason, NonGoal: dd.NonGoal, Rationale: dd.Rationale, At: dd.At}
		if dd.Who == "" {
			out.Decision.Who = string(dd.By)
		}
	}
	return out, nil
}

// Decide implements web.Backend: the same call as `voc decide`.
func (b webBackend) Decide(ctx context.Context, id int64, accept bool, reason, who string) error {
	return b.a.decide(ctx, id, accept, reason, who)
}

// decide records a person's accept or decline of a topic and re-ranks.
func (a *app) decide(ctx context.Context, id int64, accept bool, reason, who string) error {
	status := voc.StatusAccepted
	if !accept {
		status = voc.StatusDeclined
		if strings.TrimSpace(reason) == "" {
			return errors.New("a decline needs a reason: it is what customers and engineers will read")
		}
	}
	t, err := a.st.Topic(ctx, id)
	if err != nil {
		return err
	}
	return a.locked(ctx, func() error {
		if err := a.st.SetDecision(ctx, store.Decision{TopicKey: t.Key, Status: status, Reason: reason, By: who, At: time.Now()}); err != nil {
			return err
		}
		return a.rank(ctx, io.Discard)
	})
}
