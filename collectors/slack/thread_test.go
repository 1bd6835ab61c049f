package slack

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/collectors/collectortest"
)

// replyAnswer is how a server answers conversations.replies for the ts of
// a reply. Slack documents ts as a thread's parent; given a reply it
// answers with that reply alone or with the whole thread, depending on
// who you ask, so Thread is tested against both. The shared fake answers
// thread_not_found; threadServer wraps it to answer like Slack.
type replyAnswer int

const (
	replyAlone  replyAnswer = iota // just the reply, with its thread_ts
	wholeThread                    // the thread of its root
)

// threadServer serves the fake's workspace through f, except that
// conversations.replies for a reply's ts is answered as mode says. It
// returns the base URL to configure.
func threadServer(t *testing.T, f *fakeSlack, mode replyAnswer) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/conversations.replies" {
			if err := r.ParseForm(); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			f.mu.Lock()
			var reply map[string]any
			for _, m := range f.channels[r.Form.Get("channel")] {
				if str(m, "ts") == r.Form.Get("ts") && !isTopLevel(m) {
					reply = m
				}
			}
			f.mu.Unlock()
			switch {
			case reply != nil && mode == wholeThread:
				form := url.Values{}
				for k, v := range r.Form {
					form[k] = v
				}
				form.Set("ts", str(reply, "thread_ts"))
				r.Form, r.PostForm = form, form
			case reply != nil && r.Header.Get("Authorization") == "Bearer "+f.token:
				f.mu.Lock()
				f.log = append(f.log, fakeRequest{Method: "conversations.replies", Params: r.Form, Bearer: true})
				f.mu.Unlock()
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "messages": []any{reply}, "has_more": false,
					"response_metadata": map[string]any{"next_cursor": ""}})
				return
			}
		}
		f.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/api"
}

// TestThreadMatchesCollect: every conversation Collect stores comes back
// identical from Thread, asked with its root or with any message in it
// (whichever way Slack answers for replies).
func TestThreadMatchesCollect(t *testing.T) {
	for _, mode := range []replyAnswer{replyAlone, wholeThread} {
		f := newFake(t)
		cfg := testConfig(f, nil, supportCh, feedbackCh)
		cfg.BaseURL = threadServer(t, f, mode)
		c := mustNew(t, cfg)
		sink := collectortest.New()
		collect(t, c, sink)
		convs := byID(sink)
		if len(convs) == 0 {
			t.Fatal("Collect stored nothing")
		}
		for id, want := range convs {
			ch, _, _ := strings.Cut(id, ":")
			for _, m := range want.Messages {
				got, err := c.Thread(context.Background(), ch, m.ExternalID)
				if err != nil {
					t.Errorf("mode %d: Thread(%s, %s): %v", mode, ch, m.ExternalID, err)
					continue
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("mode %d: Thread(%s, %s) differs from Collect's %s:\ngot  %+v\nwant %+v", mode, ch, m.ExternalID, id, got, want)
				}
			}
		}
	}
}

func TestThreadOfReply(t *testing.T) {
	f := newFake(t)
	cfg := testConfig(f, nil, supportCh)
	cfg.BaseURL = threadServer(t, f, replyAlone)
	c := mustNew(t, cfg)
	// The customer's reply carrying the :bug: reaction.
	conv, err := c.Thread(context.Background(), supportCh, "1767259000.000300")
	if err != nil {
		t.Fatal(err)
	}
	if conv.ExternalID != supportCh+":1767258000.000100" || conv.Source != "slack" {
		t.Errorf("conversation %s from %s, want the thread of root 1767258000.000100", conv.ExternalID, conv.Source)
	}
	if got, want := roles(conv), []voc.Role{voc.RoleCustomer, voc.RoleAgent, voc.RoleCustomer}; !reflect.DeepEqual(got, want) {
		t.Errorf("roles = %v, want %v", got, want)
	}
	if got, want := labels(conv), []voc.Kind{"", "", voc.KindBug}; !reflect.DeepEqual(got, want) {
		t.Errorf("labels = %v, want %v", got, want)
	}
	if conv.URL != "https://acme.slack.com/archives/C0SUPPORT/p1767258000000100" {
		t.Errorf("URL = %q", conv.URL)
	}
	// The reply was asked first, then its root's thread.
	var asked []string
	for _, r := range f.requests("conversations.replies") {
		asked = append(asked, r.Params.Get("ts"))
	}
	if !reflect.DeepEqual(asked, []string{"1767259000.000300", "1767258000.000100"}) {
		t.Errorf("conversations.replies asked for %v, want the reply, then its root", asked)
	}
}

func TestThreadFollowsReactions(t *testing.T) {
	f := newFake(t)
	c := mustNew(t, testConfig(f, nil, supportCh))
	ctx := context.Background()
	f.setReactions(supportCh, "1767258000.000100", []map[string]any{{"name": "bulb::skin-tone-2", "users": []any{"U0AGENT1"}, "count": 1}})
	conv, err := c.Thread(ctx, supportCh, "1767258000.000100")
	if err != nil {
		t.Fatal(err)
	}
	if got := labels(conv); len(got) != 3 || got[0] != voc.KindFeature || got[2] != voc.KindBug {
		t.Errorf("after adding :bulb: labels = %v", got)
	}
	f.setReactions(supportCh, "1767259000.000300", nil)
	if conv, err = c.Thread(ctx, supportCh, "1767258000.000100"); err != nil {
		t.Fatal(err)
	}
	if got := labels(conv); got[2] != "" {
		t.Errorf("after removing :bug: labels = %v", got)
	}
}

func TestThreadErrors(t *testing.T) {
	f := newFake(t)
	c := mustNew(t, testConfig(f, nil, supportCh))
	ctx := context.Background()
	for _, ts := range []string{"1767999999.000100", "1767261600.000400"} { // no such message; a channel_join
		if _, err := c.Thread(ctx, supportCh, ts); !errors.Is(err, ErrNoThread) {
			t.Errorf("Thread(%s) = %v, want ErrNoThread", ts, err)
		}
	}
	f.resetLog()
	for _, bad := range [][2]string{{"", "1767258000.000100"}, {"#support", "1767258000.000100"}, {supportCh, "yesterday"}, {supportCh, "1767258000"}} {
		if _, err := c.Thread(ctx, bad[0], bad[1]); err == nil {
			t.Errorf("Thread(%q, %q) accepted", bad[0], bad[1])
		}
	}
	if n := len(f.requests("")); n != 0 {
		t.Errorf("%d requests for bad arguments", n)
	}
	_, err := c.Thread(ctx, "C0NOPE", "1767258000.000100")
	if err == nil || !strings.Contains(err.Error(), "conversations.replies channel C0NOPE") || !strings.Contains(err.Error(), "channel_not_found") {
		t.Errorf("unknown channel: %v", err)
	}
	f.fail("users.info", fault{Body: `{"ok":false,"error":"invalid_auth"}`})
	_, err = c.Thread(ctx, supportCh, "1767258000.000100")
	if err == nil || !strings.Contains(err.Error(), "users.info") || strings.Contains(err.Error(), fakeToken) {
		t.Errorf("failed user lookup: %v", err)
	}
}
