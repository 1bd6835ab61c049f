package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/collectors"
	"github.com/voc-dev/voc/prioritizer"
	"github.com/voc-dev/voc/store"
)

// collect runs the collectors and prints one line per source and every
// rejected record. It returns errRejected when records were rejected.
func (a *app) collect(ctx context.Context, w, ew io.Writer, cs []collectors.Collector) error {
	rejected := 0
	for _, c := range cs {
		rep, err := c.Collect(ctx, newProgress(storeSink{a.st}, ew, c.Name()))
		for _, r := range rep.Rejected {
			fmt.Fprintf(ew, "%s\n", r.Error())
		}
		rejected += len(rep.Rejected)
		fmt.Fprintf(w, "collect %-8s conversations: %d new, %d updated, %d unchanged; accounts: %d new, %d updated, %d unchanged; rejected: %d\n",
			c.Name(), rep.Conversations.New, rep.Conversations.Updated, rep.Conversations.Unchanged,
			rep.Accounts.New, rep.Accounts.Updated, rep.Accounts.Unchanged, len(rep.Rejected))
		if err != nil {
			return fmt.Errorf("source %s: %w", c.Name(), err)
		}
	}
	if rejected > 0 {
		return errRejected
	}
	return nil
}

// classifyBatch is how many conversations are classified per transaction.
const classifyBatch = 200

// classify labels every conversation whose content changed since it was
// last classified. Each batch commits with its conversations marked, so a
// killed run resumes where it stopped.
func (a *app) classify(ctx context.Context, w io.Writer) error {
	cl, err := a.classifier()
	if err != nil {
		return err
	}
	var convs, items int
	kinds := map[voc.Kind]int{}
	var after int64
	for {
		pending, err := a.st.PendingConversations(ctx, after, classifyBatch)
		if err != nil {
			return err
		}
		if len(pending) == 0 {
			break
		}
		batch := make([]store.Classified, 0, len(pending))
		for _, p := range pending {
			its := cl.Classify(p.Conversation)
			for _, it := range its {
				kinds[it.Kind]++
			}
			items += len(its)
			batch = append(batch, store.Classified{ConversationID: p.ID, Hash: p.Hash, Items: its})
			after = p.ID
		}
		if err := a.st.SaveClassifications(ctx, batch); err != nil {
			return err
		}
		convs += len(pending)
		a.log.Info("classified batch", "conversations", len(pending), "last_id", after)
	}
	var parts []string
	for _, k := range voc.Kinds {
		parts = append(parts, fmt.Sprintf("%s %d", k, kinds[k]))
	}
	fmt.Fprintf(w, "classify: %d conversations, %d items (%s)\n", convs, items, strings.Join(parts, ", "))
	return nil
}

// rank recomputes the topics from every backlog item and stores them.
func (a *app) rank(ctx context.Context, w io.Writer) error {
	if a.rankTime != nil {
		start := time.Now()
		defer func() { a.rankTime.Observe(time.Since(start).Seconds()) }()
	}
	rows, err := a.st.BacklogItems(ctx)
	if err != nil {
		return err
	}
	accounts, err := a.st.Accounts(ctx)
	if err != nil {
		return err
	}
	// Asks ranked before keep their topic; only new ones are clustered.
	keys := map[int64]string{}
	if !a.recluster {
		topics, err := a.st.Topics(ctx)
		if err != nil {
			return err
		}
		for _, t := range topics {
			keys[t.ID] = t.Key
		}
	}
	asks := make([]prioritizer.Ask, len(rows))
	for i, r := range rows {
		asks[i] = prioritizer.Ask{Item: r.Item, Ref: fmt.Sprintf("%s/%s#%d", r.Source, r.ExternalID, r.Seq),
			AccountID: r.AccountID, CustomerDomain: r.CustomerDomain, Context: r.Subject}
		if r.TopicID != nil {
			asks[i].Topic = keys[*r.TopicID]
		}
	}
	// Only bugs and feature requests are grouped by similarity; an
	// out-of-scope ask joins its non-goal's topic, so it is not sent.
	var texts []string
	var grouped []int
	for i, ask := range asks {
		if ask.Kind == voc.KindBug || ask.Kind == voc.KindFeature {
			texts = append(texts, ask.Quote+"\n"+ask.Context)
			grouped = append(grouped, i)
		}
	}
	vecs, err := a.embed(ctx, texts)
	if err != nil {
		return err
	}
	for j, v := range vecs {
		asks[grouped[j]].Vector = v
	}
	overrides, err := a.st.Overrides(ctx)
	if err != nil {
		return err
	}
	pc := a.cfg.Cluster.rankConfig(a.cfg.Scoring)
	for _, o := range overrides {
		switch o.Kind {
		case store.OverrideMerge:
			pc.Merge[o.Subject] = o.Target
		case store.OverrideSplit:
			pc.Split[o.Subject] = o.Target
		}
	}
	res := prioritizer.Rank(asks, accounts, a.strategy, pc)
	for _, c := range res.UnknownCurrencies {
		a.log.Warn("no exchange rate; revenue in this currency counts as zero", "currency", c, "fix", "add it to scoring.fx")
	}
	// A product owner's call sticks: it is applied to the topic on every
	// re-ranking, and asks that join the topic later inherit it.
	decisions, err := a.st.Decisions(ctx)
	if err != nil {
		return err
	}
	for i := range res.Topics {
		t := &res.Topics[i]
		d, ok := decisions[t.Key]
		if !ok {
			continue
		}
		t.Status = d.Status
		nd := &voc.Decision{Status: d.Status, Reason: d.Reason, By: voc.ByHuman, Who: d.By, At: d.At}
		if t.Decision != nil && d.Status == voc.StatusDeclined {
			nd.NonGoal, nd.Rationale, nd.Replies = t.Decision.NonGoal, t.Decision.Rationale, t.Decision.Replies
		}
		t.Decision = nd
	}
	prioritizer.SortTopics(res.Topics)
	h := sha256.New()
	open, declined := 0, 0
	for _, t := range res.Topics {
		fmt.Fprintf(h, "%s %v %d %v\n", t.Key, t.Score, t.Items, res.Members[t.Key])
		if t.Status == voc.StatusDeclined {
			declined++
		} else {
			open++
		}
	}
	set := store.TopicSet{Topics: res.Topics, Members: res.Members, Marker: hex.EncodeToString(h.Sum(nil))[:16]}
	if err := a.st.SaveTopics(ctx, set); err != nil {
		return err
	}
	by := ""
	if vecs != nil {
		by = ", grouped by embeddings"
	}
	fmt.Fprintf(w, "rank: %d asks in %d topics (%d open, %d declined%s)\n", len(asks), len(res.Topics), open, declined, by)
	return nil
}
