package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/prioritizer"
	"github.com/voc-dev/voc/store"
)

// leadingArgs takes up to n positional arguments before the flags, so that
// "voc decide 12 decline --reason …" reads naturally.
func leadingArgs(args []string, n int) (pos, rest []string) {
	for len(args) > 0 && len(pos) < n && args[0] != "" && args[0][0] != '-' {
		pos, args = append(pos, args[0]), args[1:]
	}
	return pos, args
}

func cmdDecide(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
	reason := fs.String("reason", "", "why (required to decline)")
	by := fs.String("by", "", "who decides (default: $USER)")
	pos, err := e.positional(fs, args, 2)
	if err != nil {
		return err
	}
	if len(pos) != 2 || (pos[1] != "accept" && pos[1] != "decline") {
		return errors.New("say 'voc decide TOPIC accept|decline --reason TEXT'")
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return fmt.Errorf("topic %q is not a topic id (a number)", pos[0])
	}
	status := voc.StatusAccepted
	if pos[1] == "decline" {
		status = voc.StatusDeclined
		if strings.TrimSpace(*reason) == "" {
			return errors.New("a decline needs --reason: it is what customers and engineers will read")
		}
	}
	who := whoOr(*by)
	a, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	t, err := a.st.Topic(ctx, id)
	if err != nil {
		return err
	}
	if err := a.st.SetDecision(ctx, store.Decision{TopicKey: t.Key, Status: status, Reason: *reason, By: who, At: time.Now()}); err != nil {
		return err
	}
	if err := a.rank(ctx, io.Discard); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "topic %d %q is %s (by %s); the call sticks when more asks arrive.\n", t.ID, prioritizer.Shorten(t.Title, 60), status, who)
	return nil
}

// topicDetail is `voc topic show --format json`.
type topicDetail struct {
	Topic    voc.Topic      `json:"topic"`
	Rank     int            `json:"rank"`
	Accounts []topicAccount `json:"accounts"`
	Asks     []topicAsk     `json:"asks"`
	Weekly   []weeklyCount  `json:"weekly"`
}

type topicAccount struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Plan    string `json:"plan,omitempty"`
	Segment string `json:"segment,omitempty"`
	MRR     string `json:"mrr"`
	Asks    int    `json:"asks"`
}

type topicAsk struct {
	Item      int64     `json:"item"`
	Quote     string    `json:"quote"`
	Kind      voc.Kind  `json:"kind"`
	DecidedBy string    `json:"decided_by"`
	Source    string    `json:"source"`
	ID        string    `json:"conversation"`
	URL       string    `json:"url,omitempty"`
	Account   string    `json:"account,omitempty"`
	AskedAt   time.Time `json:"asked_at"`
}

type weeklyCount struct {
	Week string `json:"week"`
	Asks int    `json:"asks"`
}

func cmdTopic(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
	format := fs.String("format", "text", "output (show): text or json")
	items := fs.String("items", "", "split: comma-separated item ids to take out into a topic of their own")
	by := fs.String("by", "", "who corrects the grouping (default: $USER)")
	pos, err := e.positional(fs, args, 3)
	if err != nil {
		return err
	}
	usage := errors.New("say 'voc topic show ID', 'voc topic merge INTO FROM' or 'voc topic split ID --items I,J'")
	if len(pos) < 2 {
		return usage
	}
	var ids []int64
	for _, p := range pos[1:] {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return fmt.Errorf("topic %q is not a topic id (a number)", p)
		}
		ids = append(ids, id)
	}
	a, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	who := whoOr(*by)
	switch {
	case pos[0] == "merge" && len(ids) == 2:
		return a.mergeTopics(ctx, e.stdout, ids[0], ids[1], who)
	case pos[0] == "split" && len(ids) == 1:
		return a.splitTopic(ctx, e.stdout, ids[0], *items, who)
	case pos[0] != "show" || len(ids) != 1:
		return usage
	}
	id := ids[0]
	d, err := a.topicDetail(ctx, id)
	if err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(d)
	}
	printTopic(e.stdout, d)
	return nil
}

func (a *app) topicDetail(ctx context.Context, id int64) (*topicDetail, error) {
	t, err := a.st.Topic(ctx, id)
	if err != nil {
		return nil, err
	}
	entries, err := a.backlog(ctx)
	if err != nil {
		return nil, err
	}
	d := &topicDetail{Topic: t}
	for _, e := range entries {
		if e.ID == id {
			d.Rank = e.Rank
		}
	}
	items, err := a.st.TopicItems(ctx, id)
	if err != nil {
		return nil, err
	}
	accounts, err := a.st.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	index := prioritizer.NewAccountIndex(accounts)
	byAccount := map[string]*topicAccount{}
	weeks := map[string]int{}
	for _, it := range items {
		ask := topicAsk{Item: it.ID, Quote: a.redactor.Redact(it.Quote), Kind: it.Kind, DecidedBy: string(it.DecidedBy),
			Source: it.Source, ID: it.ExternalID, URL: it.URL, AskedAt: it.AskedAt}
		if acc, ok := index.Resolve(it.AccountID, it.CustomerDomain); ok {
			ask.Account = acc.Name
			ta := byAccount[acc.ID]
			if ta == nil {
				ta = &topicAccount{ID: acc.ID, Name: acc.Name, Plan: acc.Plan, Segment: acc.Segment, MRR: voc.FormatMoney(acc.MRR, acc.Currency)}
				byAccount[acc.ID] = ta
			}
			ta.Asks++
		}
		y, w := it.AskedAt.ISOWeek()
		weeks[fmt.Sprintf("%d-W%02d", y, w)]++
		d.Asks = append(d.Asks, ask)
	}
	for _, ta := range byAccount {
		d.Accounts = append(d.Accounts, *ta)
	}
	sort.Slice(d.Accounts, func(i, j int) bool { return d.Accounts[i].Name < d.Accounts[j].Name })
	for w, n := range weeks {
		d.Weekly = append(d.Weekly, weeklyCount{Week: w, Asks: n})
	}
	sort.Slice(d.Weekly, func(i, j int) bool { return d.Weekly[i].Week < d.Weekly[j].Week })
	return d, nil
}

func printTopic(w io.Writer, d *topicDetail) {
	t := d.Topic
	fmt.Fprintf(w, "Topic %d (rank %d): %s\n", t.ID, d.Rank, t.Title)
	fmt.Fprintf(w, "%s · area %s · %s · %d asks from %d accounts · %s MRR\n", t.Kind, dash(t.Area), t.Status, t.Items, t.Accounts, voc.FormatMoney(t.MRR, t.Currency))
	fmt.Fprintf(w, "score %.2f = %s\n", t.Score, breakdownLine(t.Breakdown))
	fmt.Fprintf(w, "first seen %s, last seen %s\n", t.FirstSeen.Format(time.DateOnly), t.LastSeen.Format(time.DateOnly))
	if dd := t.Decision; dd != nil {
		fmt.Fprintf(w, "decision: %s", dd.Status)
		if dd.NonGoal != "" {
			fmt.Fprintf(w, " under non-goal %s", dd.NonGoal)
		}
		if dd.Who != "" {
			fmt.Fprintf(w, " by %s", dd.Who)
		}
		if dd.Reason != "" {
			fmt.Fprintf(w, ": %s", dd.Reason)
		}
		fmt.Fprintln(w)
		for lang, r := range dd.Replies {
			fmt.Fprintf(w, "  reply (%s): %s\n", lang, prioritizer.Shorten(r, 160))
		}
	}
	fmt.Fprintf(w, "\nAccounts:\n")
	for _, a := range d.Accounts {
		fmt.Fprintf(w, "  %s %-12s %-11s %12s  %d asks\n", padRight(a.Name, 32), dash(a.Plan), dash(a.Segment), a.MRR, a.Asks)
	}
	fmt.Fprintf(w, "\nTimeline (asks per week):\n")
	for _, wk := range d.Weekly {
		fmt.Fprintf(w, "  %s %s %d\n", wk.Week, strings.Repeat("#", wk.Asks), wk.Asks)
	}
	fmt.Fprintf(w, "\nWhat customers said:\n")
	for _, a := range d.Asks {
		fmt.Fprintf(w, "  [%s] %s/%s %s: %s\n", a.AskedAt.Format(time.DateOnly), a.Source, a.ID, dash(a.Account), prioritizer.Shorten(a.Quote, 140))
	}
}

func breakdownLine(b voc.Breakdown) string {
	keys := make([]string, 0, len(b))
	for k := range b {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %.2f", k, b[k])
	}
	return strings.Join(parts, " + ")
}

// mergeTopics records that topic from asks for the same thing as topic
// into, and re-ranks; the merge is applied on every later re-ranking.
func (a *app) mergeTopics(ctx context.Context, w io.Writer, into, from int64, who string) error {
	if into == from {
		return errors.New("a topic cannot be merged into itself")
	}
	ti, err := a.st.Topic(ctx, into)
	if err != nil {
		return err
	}
	tf, err := a.st.Topic(ctx, from)
	if err != nil {
		return err
	}
	if err := a.st.SetOverrides(ctx, []store.Override{{Kind: store.OverrideMerge, Subject: tf.Key, Target: ti.Key, By: who, At: time.Now()}}); err != nil {
		return err
	}
	if err := a.rank(ctx, io.Discard); err != nil {
		return err
	}
	fmt.Fprintf(w, "topic %d merged into topic %d %q; kept on every re-run.\n", from, into, prioritizer.Shorten(ti.Title, 60))
	return nil
}

// splitTopic takes the given items out of a topic into a topic of their
// own, kept on every later re-ranking.
func (a *app) splitTopic(ctx context.Context, w io.Writer, topic int64, items, who string) error {
	if strings.TrimSpace(items) == "" {
		return errors.New("say which asks to split out: --items I,J (item ids from 'voc topic show')")
	}
	var refs []string
	for _, f := range strings.Split(items, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil {
			return fmt.Errorf("item %q is not an item id (a number)", f)
		}
		ref, tid, err := a.st.ItemRef(ctx, id)
		if err != nil {
			return err
		}
		if tid == nil || *tid != topic {
			return fmt.Errorf("item %d is not in topic %d", id, topic)
		}
		refs = append(refs, ref)
	}
	sort.Strings(refs)
	group := fmt.Sprintf("%x", sha256.Sum256([]byte(strings.Join(refs, "\n"))))[:12]
	var overrides []store.Override
	for _, r := range refs {
		overrides = append(overrides, store.Override{Kind: store.OverrideSplit, Subject: r, Target: group, By: who, At: time.Now()})
	}
	if err := a.st.SetOverrides(ctx, overrides); err != nil {
		return err
	}
	if err := a.rank(ctx, io.Discard); err != nil {
		return err
	}
	fmt.Fprintf(w, "%d asks split out of topic %d into a topic of their own; kept on every re-run.\n", len(refs), topic)
	return nil
}
