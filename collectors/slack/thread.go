package slack

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/collectors"
)

// ErrNoThread is returned by Thread when Slack has no such message, or the
// thread holds nothing to store (only system messages, all deleted).
var ErrNoThread = errors.New("slack: no conversation at that message")

// Thread reads the conversation that holds message ts of channel: the
// thread it starts, or, when ts is a reply, the thread of its root
// (thread_ts). The conversation is built exactly as Collect builds it (same
// ExternalID "<channel>:<root ts>", roles, authors, reaction labels and
// text), so storing it upserts the one Collect stores. voc serve calls it
// when a message is tagged (a reaction or a shortcut), in any channel the
// bot can read, configured or not. Users are looked up afresh on every
// call.
func (c *Collector) Thread(ctx context.Context, channel, ts string) (voc.Conversation, error) {
	channel = strings.TrimSpace(channel)
	if channel == "" || strings.ContainsAny(channel, " /:#") {
		return voc.Conversation{}, fmt.Errorf("slack: thread: channel %q is not a channel ID", channel)
	}
	if _, _, ok := parseTS(ts); !ok || !strings.Contains(ts, ".") {
		return voc.Conversation{}, fmt.Errorf("slack: thread: %q is not a Slack timestamp", ts)
	}
	msgs, err := c.replies(ctx, channel, ts)
	if err != nil {
		if slackCode(err) == "thread_not_found" || slackCode(err) == "message_not_found" {
			return voc.Conversation{}, fmt.Errorf("%w: %s in %s", ErrNoThread, ts, channel)
		}
		return voc.Conversation{}, err
	}
	root := ts
	for _, m := range msgs {
		if m.Timestamp == ts && m.ThreadTimestamp != "" {
			root = m.ThreadTimestamp
		}
	}
	// Slack answers a reply's ts with the reply alone, or with its whole
	// thread; either way the thread is read again from its root unless the
	// answer already starts there.
	if root != ts && (len(msgs) == 0 || msgs[0].Timestamp != root) {
		if msgs, err = c.replies(ctx, channel, root); err != nil {
			if slackCode(err) == "thread_not_found" {
				return voc.Conversation{}, fmt.Errorf("%w: root %s of %s in %s", ErrNoThread, root, ts, channel)
			}
			return voc.Conversation{}, err
		}
	}
	rep := collectors.Report{Source: c.name}
	r := &run{c: c, rep: &rep, users: map[string]person{}, now: c.now()}
	conv, ok, err := r.build(ctx, channel, root, msgs)
	if err != nil {
		return voc.Conversation{}, err
	}
	if !ok {
		if len(rep.Rejected) > 0 {
			rj := rep.Rejected[0]
			return voc.Conversation{}, fmt.Errorf("slack: thread %s:%s: %s: %s", channel, root, rj.Field, rj.Reason)
		}
		return voc.Conversation{}, fmt.Errorf("%w: %s in %s has no messages to store", ErrNoThread, ts, channel)
	}
	return conv, nil
}
