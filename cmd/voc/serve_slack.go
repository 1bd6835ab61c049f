package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/voc-dev/voc"
	slackcollector "github.com/voc-dev/voc/collectors/slack"
	"github.com/voc-dev/voc/integrations/slack"
	"github.com/voc-dev/voc/server"
	"github.com/voc-dev/voc/store"
)

// slackIn is voc serve's Slack side: the Events API (reactions), the
// /voc command and the interactivity endpoint (digest buttons, dialogs).
type slackIn struct {
	a         *app
	secret    string
	source    string              // the conversations' source name
	reactions map[string]voc.Kind // reaction -> the kind it tags
	client    *slack.Client       // nil without a bot token
	thread    *slackcollector.Collector
	publicURL string
	now       func() time.Time
}

// defaultReactions tag a message when nothing is configured.
var defaultReactions = map[string]voc.Kind{"bug": voc.KindBug, "beetle": voc.KindBug, "bulb": voc.KindFeature,
	"feature": voc.KindFeature, "no_entry": voc.KindOutOfScope, "no_entry_sign": voc.KindOutOfScope}

func (a *app) newSlackIn(secret string, sc ServeConfig) *slackIn {
	sl := &slackIn{a: a, secret: secret, source: "slack", reactions: map[string]voc.Kind{}, publicURL: strings.TrimRight(sc.PublicURL, "/"), now: time.Now}
	token := os.Getenv(envSlackBot)
	var src *SourceConfig
	for i, s := range a.cfg.Sources {
		if s.Type == "slack" {
			src = &a.cfg.Sources[i]
			break
		}
	}
	reactions := sc.Slack.Reactions
	if src != nil {
		sl.source = src.Name
		if len(reactions) == 0 {
			reactions = src.Reactions
		}
		if token == "" {
			token = os.Getenv(src.tokenEnv())
		}
	}
	for name, kind := range reactions {
		sl.reactions[slack.ReactionName(name)] = voc.Kind(kind)
	}
	if len(sl.reactions) == 0 {
		sl.reactions = defaultReactions
	}
	if token != "" {
		sl.client = slack.NewClient(token, sc.Slack.APIURL)
		kinds := map[string]voc.Kind{}
		for k, v := range sl.reactions {
			kinds[k] = v
		}
		cfg := slackcollector.Config{Name: sl.source, Token: token, BaseURL: strings.TrimSuffix(strings.TrimRight(sc.Slack.APIURL, "/"), "/api") + "/api", Reactions: kinds, ThreadsOnly: true}
		if sc.Slack.APIURL == "" {
			cfg.BaseURL = ""
		}
		if src != nil {
			cfg.Workspace, cfg.AgentEmailDomains, cfg.UserAccounts = src.Workspace, src.AgentDomains, src.UserAccounts
		}
		if c, err := slackcollector.New(cfg); err != nil {
			a.log.Error("slack: cannot read tagged threads", "err", err)
		} else {
			sl.thread = c
		}
	} else {
		a.log.Warn("slack: no bot token (" + envSlackBot + "): requests are verified and queued, but voc cannot read threads or answer")
	}
	return sl
}

func (sl *slackIn) verify(h http.Header, body []byte) error {
	return slack.Verify(sl.secret, h, body, sl.now())
}

func (sl *slackIn) events() server.Webhook {
	return server.Webhook{Source: "slack", Verify: sl.verify, Classify: func(r *http.Request, body []byte) (server.Delivery, error) {
		req, err := slack.ParseEvent(body)
		if err != nil {
			return server.Delivery{}, err
		}
		switch {
		case req.Type == slack.URLVerification:
			ans, _ := json.Marshal(map[string]string{"challenge": req.Challenge})
			return server.Delivery{Skip: true, Answer: ans}, nil
		case (req.Type == slack.Reaction || req.Type == slack.Unreaction) && sl.reactions[req.Reaction] != "":
			return server.Delivery{ID: req.EventID, Kind: "slack.event"}, nil
		}
		return server.Delivery{Skip: true, Answer: []byte(`{"ok":true}`)}, nil
	}}
}

func (sl *slackIn) commands() server.Webhook {
	return server.Webhook{Source: "slack", Verify: sl.verify, Classify: func(r *http.Request, body []byte) (server.Delivery, error) {
		req, err := slack.ParseCommand(body)
		if errors.Is(err, slack.ErrUsage) {
			// The person typed it wrong: tell them, privately, at once.
			return server.Delivery{Skip: true, Answer: ephemeral("Usage: /voc bug|feature|no <what the customer asked>")}, nil
		}
		if err != nil {
			return server.Delivery{}, err
		}
		return server.Delivery{ID: req.EventID, Kind: "slack.command", Answer: ephemeral("Recording your " + kindWord(req.Kind) + "…")}, nil
	}}
}

func (sl *slackIn) interactions() server.Webhook {
	return server.Webhook{Source: "slack", Verify: sl.verify, Classify: func(r *http.Request, body []byte) (server.Delivery, error) {
		req, err := slack.ParseInteraction(body)
		var bad *slack.InputError
		if errors.As(err, &bad) {
			// A typo in a dialog: say so under the field, keep it open.
			return server.Delivery{Skip: true, Answer: viewError(bad.Block, bad.Message)}, nil
		}
		if err != nil {
			return server.Delivery{}, err
		}
		switch req.Type {
		case slack.DeclineOpen, slack.MergeOpen:
			// A trigger ID lives three seconds: open the dialog now.
			return server.Delivery{Skip: true, Answer: []byte{}}, sl.openDialog(r.Context(), req)
		case slack.Accept, slack.Shortcut:
			return server.Delivery{ID: req.EventID, Kind: "slack.interaction", Answer: []byte{}}, nil
		case slack.DeclineSubmit, slack.MergeSubmit:
			if req.Type == slack.MergeSubmit {
				if _, err := sl.a.st.Topic(r.Context(), req.Target); err != nil {
					return server.Delivery{Skip: true, Answer: viewError(slack.BlockTarget, fmt.Sprintf("There is no topic %d.", req.Target))}, nil
				}
			}
			// An empty answer closes the dialog; the work is queued.
			return server.Delivery{ID: req.EventID, Kind: "slack.interaction", Answer: []byte{}}, nil
		}
		return server.Delivery{Skip: true, Answer: []byte{}}, nil
	}}
}

func (sl *slackIn) openDialog(ctx context.Context, req slack.Request) error {
	if sl.client == nil {
		return fmt.Errorf("slack: no bot token to open the dialog (set %s)", envSlackBot)
	}
	t, err := sl.a.st.Topic(ctx, req.TopicID)
	if err != nil {
		return fmt.Errorf("slack interaction: topic %d: %w", req.TopicID, err)
	}
	title := sl.a.redactor.Redact(t.Title)
	if req.Type == slack.DeclineOpen {
		return sl.client.OpenDeclineDialog(ctx, req.TriggerID, t.ID, title)
	}
	return sl.client.OpenMergeDialog(ctx, req.TriggerID, t.ID, title)
}

func ephemeral(text string) []byte {
	b, _ := json.Marshal(map[string]string{"response_type": "ephemeral", "text": text})
	return b
}

func viewError(block, msg string) []byte {
	b, _ := json.Marshal(map[string]any{"response_action": "errors", "errors": map[string]string{block: msg}})
	return b
}

func kindWord(k string) string {
	switch k {
	case slack.KindBug:
		return "bug report"
	case slack.KindFeature:
		return "feature request"
	case slack.KindOutOfScope:
		return "out-of-scope ask"
	}
	return "ask"
}

// register says what the queued Slack requests do.
func (sl *slackIn) register(srv *server.Server) {
	srv.HandleEventBatches("slack.event", sl.onEvents)
	srv.HandleEvents("slack.command", sl.onCommand)
	srv.HandleEvents("slack.interaction", sl.onInteraction)
}

func (sl *slackIn) decode(ev store.Event) (slack.Request, error) {
	var req slack.Request
	var err error
	switch ev.Kind {
	case "slack.event":
		req, err = slack.ParseEvent(ev.Payload)
	case "slack.command":
		req, err = slack.ParseCommand(ev.Payload)
	default:
		req, err = slack.ParseInteraction(ev.Payload)
	}
	if err != nil {
		return req, server.Permanent(err)
	}
	return req, nil
}

// onEvents handles the reactions added or removed that a worker claimed
// together: each thread is read again (its labels follow its reactions),
// all are stored, classified and ranked once, however many there are, and
// voc says in each thread what it recorded. A thread that cannot be read
// fails only its own event.
func (sl *slackIn) onEvents(ctx context.Context, evs []store.Event) []error {
	errs := make([]error, len(evs))
	if sl.thread == nil {
		for i := range errs {
			errs[i] = server.Permanent(fmt.Errorf("slack: cannot read the tagged message's thread (is %s set?)", envSlackBot))
		}
		return errs
	}
	type tagged struct {
		i    int
		req  slack.Request
		conv voc.Conversation
	}
	var work []tagged
	var convs []voc.Conversation
	at := map[string]int{} // conversation -> its index in convs
	for i, ev := range evs {
		req, err := sl.decode(ev)
		if err != nil {
			errs[i] = err
			continue
		}
		conv, err := sl.thread.Thread(ctx, req.Channel, req.MessageTS)
		if errors.Is(err, slackcollector.ErrNoThread) {
			continue // deleted since
		}
		if err != nil {
			errs[i] = err
			continue
		}
		// Two reactions on one thread store it once, as last read.
		if j, ok := at[conv.ExternalID]; ok {
			convs[j] = conv
		} else {
			at[conv.ExternalID] = len(convs)
			convs = append(convs, conv)
		}
		work = append(work, tagged{i: i, req: req, conv: conv})
	}
	if len(work) == 0 {
		return errs
	}
	if err := sl.store(ctx, convs); err != nil {
		for _, w := range work {
			errs[w.i] = err
		}
		return errs
	}
	ranks := sl.ranks(ctx)
	for _, w := range work {
		errs[w.i] = sl.replyReaction(ctx, evs[w.i], w.req, w.conv, ranks)
	}
	return errs
}

// replyReaction says in the thread what a reaction recorded, or that a
// removed one no longer holds.
func (sl *slackIn) replyReaction(ctx context.Context, ev store.Event, req slack.Request, conv voc.Conversation, ranks map[int64]int) error {
	rec, err := sl.recorded(ctx, conv, sl.reactions[req.Reaction], ranks)
	if err != nil {
		return err
	}
	root := req.ThreadTS
	if root == "" {
		root = req.MessageTS
	}
	if req.Type == slack.Unreaction {
		rec.Kind = string(sl.reactions[req.Reaction])
		blocks, text := slack.UnrecordedReply(rec)
		return sl.once(ctx, ev, func() error { _, err := sl.client.Post(ctx, req.Channel, root, blocks, text); return err })
	}
	if rec.TopicID == 0 {
		return nil
	}
	blocks, text := slack.RecordedReply(rec)
	return sl.once(ctx, ev, func() error { _, err := sl.client.Post(ctx, req.Channel, root, blocks, text); return err })
}

// onCommand records "/voc bug|feature|no TEXT" as an ask with a person's
// label, and answers through the command's response URL.
func (sl *slackIn) onCommand(ctx context.Context, ev store.Event) error {
	req, err := sl.decode(ev)
	if err != nil {
		return err
	}
	kind := voc.Kind(req.Kind)
	conv := voc.Conversation{Source: sl.source, ExternalID: "command:" + req.EventID, Channel: req.Channel, CreatedAt: ev.ReceivedAt,
		Messages: []voc.Message{{ExternalID: req.EventID, Role: voc.RoleCustomer, Author: "slack:" + req.User, At: ev.ReceivedAt, Text: req.Text, Label: kind}}}
	rec, err := sl.record(ctx, conv, kind)
	if err != nil {
		return err
	}
	blocks, text := slack.RecordedReply(rec)
	if rec.TopicID == 0 {
		blocks, text = nil, "Recorded, but voc found no ask in that text to put in a topic."
	}
	if sl.client == nil || req.ResponseURL == "" {
		return nil
	}
	return sl.once(ctx, ev, func() error { return sl.client.Respond(ctx, req.ResponseURL, text, blocks) })
}

// onInteraction applies a digest button or dialog.
func (sl *slackIn) onInteraction(ctx context.Context, ev store.Event) error {
	req, err := sl.decode(ev)
	if err != nil {
		return err
	}
	who := "slack:" + req.User
	var msg string
	switch req.Type {
	case slack.Accept:
		err, msg = sl.a.decide(ctx, req.TopicID, true, "accepted in Slack", who), fmt.Sprintf("Topic %d accepted by <@%s>.", req.TopicID, req.User)
	case slack.DeclineSubmit:
		err, msg = sl.a.decide(ctx, req.TopicID, false, req.Reason, who), fmt.Sprintf("Topic %d declined by <@%s>.", req.TopicID, req.User)
	case slack.MergeSubmit:
		err = sl.a.locked(ctx, func() error { return sl.a.mergeTopics(ctx, io.Discard, req.Target, req.TopicID, who) })
		msg = fmt.Sprintf("Topic %d merged into topic %d by <@%s>.", req.TopicID, req.Target, req.User)
	case slack.Shortcut:
		if sl.thread == nil {
			return server.Permanent(fmt.Errorf("slack: cannot read the message's thread (is %s set?)", envSlackBot))
		}
		conv, terr := sl.thread.Thread(ctx, req.Channel, req.MessageTS)
		if terr != nil {
			return terr
		}
		rec, rerr := sl.record(ctx, conv, "")
		if rerr != nil || rec.TopicID == 0 {
			return rerr
		}
		blocks, text := slack.RecordedReply(rec)
		root := req.ThreadTS
		if root == "" {
			root = req.MessageTS
		}
		return sl.once(ctx, ev, func() error { _, err := sl.client.Post(ctx, req.Channel, root, blocks, text); return err })
	default:
		return nil
	}
	if errors.Is(err, store.ErrNotFound) {
		return server.Permanent(err)
	}
	if err != nil || sl.client == nil || req.ResponseURL == "" {
		return err
	}
	return sl.once(ctx, ev, func() error { return sl.client.Respond(ctx, req.ResponseURL, msg, nil) })
}

// store stores conversations, then classifies and ranks once for all.
func (sl *slackIn) store(ctx context.Context, convs []voc.Conversation) error {
	return sl.a.locked(ctx, func() error {
		if _, err := sl.a.st.UpsertConversations(ctx, convs); err != nil {
			return err
		}
		if err := sl.a.classify(ctx, io.Discard); err != nil {
			return err
		}
		return sl.a.rank(ctx, io.Discard)
	})
}

// record stores a conversation, classifies and ranks, and says which topic
// the ask of kind (any backlog ask when empty) landed in.
func (sl *slackIn) record(ctx context.Context, conv voc.Conversation, kind voc.Kind) (slack.Recorded, error) {
	if err := sl.store(ctx, []voc.Conversation{conv}); err != nil {
		return slack.Recorded{Kind: string(kind)}, err
	}
	return sl.recorded(ctx, conv, kind, sl.ranks(ctx))
}

// ranks maps each open topic to its place in the backlog (none when the
// backlog cannot be read: the reply then goes without a rank).
func (sl *slackIn) ranks(ctx context.Context) map[int64]int {
	out := map[int64]int{}
	entries, err := sl.a.backlog(ctx)
	if err != nil {
		sl.a.log.Warn("slack: backlog ranks not read", "err", err)
		return out
	}
	for _, e := range entries {
		if e.Status != voc.StatusDeclined {
			out[e.ID] = e.Rank
		}
	}
	return out
}

// recorded says which topic the stored conversation's ask of kind (any
// backlog ask when empty) is in, and its rank.
func (sl *slackIn) recorded(ctx context.Context, conv voc.Conversation, kind voc.Kind, ranks map[int64]int) (slack.Recorded, error) {
	rec := slack.Recorded{Kind: string(kind)}
	items, err := sl.a.st.ConversationItems(ctx, conv.Source, conv.ExternalID)
	if err != nil {
		return rec, err
	}
	var pick *store.ItemRow
	for i := range items {
		if items[i].TopicID != nil && (kind == "" || items[i].Kind == kind) && (pick == nil || items[i].DecidedBy == voc.ByHuman) {
			pick = &items[i]
		}
	}
	if pick == nil {
		return rec, nil
	}
	t, err := sl.a.st.Topic(ctx, *pick.TopicID)
	if err != nil {
		return rec, err
	}
	rec.Kind, rec.TopicID, rec.Topic, rec.New = string(pick.Kind), t.ID, sl.a.redactor.Redact(t.Title), t.Items == 1
	rec.Rank = ranks[t.ID]
	if sl.publicURL != "" {
		rec.Link = fmt.Sprintf("%s/topics/%d", sl.publicURL, t.ID)
	}
	return rec, nil
}

// once sends a reply at most once per event, even when the event runs
// again after a crash: the claim is recorded before the reply is sent.
func (sl *slackIn) once(ctx context.Context, ev store.Event, send func() error) error {
	if sl.client == nil {
		return nil
	}
	won, err := sl.a.st.ClaimJob(ctx, "slack-reply:"+ev.Source+":"+ev.DeliveryID, ev.ReceivedAt, "event", time.Hour, false)
	if err != nil || !won {
		return err
	}
	err = send()
	if err != nil {
		sl.a.log.Warn("slack reply not sent", "delivery", ev.DeliveryID, "err", err)
	}
	return sl.a.st.FinishJob(ctx, "slack-reply:"+ev.Source+":"+ev.DeliveryID, ev.ReceivedAt, "event", err)
}
