package slack

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// clock is a fake time: sleeping advances it (when advance is set) and
// records the wait.
type clock struct {
	mu      sync.Mutex
	t       time.Time
	advance bool
	waits   []time.Duration
}

func newClock(advance bool) *clock {
	return &clock{t: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC), advance: advance}
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	if c.advance {
		c.t = c.t.Add(d)
	}
	return ctx.Err()
}

func (c *clock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

func testClient(f *fakeAPI, clk *clock, opts ...Option) *Client {
	return NewClient(testToken, f.URL(), append([]Option{WithSleep(clk.sleep), WithClock(clk.now)}, opts...)...)
}

func TestPostThreadReply(t *testing.T) {
	f := newFakeAPI(t)
	c := testClient(f, newClock(true))
	blocks, text := RecordedReply(Recorded{Kind: KindFeature, Topic: "Export to CSV", TopicID: 12, Rank: 3, Link: "https://voc.example/topics/12"})
	ts, err := c.Post(context.Background(), "C0FEEDBACK", "1767400000.000100", blocks, text)
	if err != nil {
		t.Fatal(err)
	}
	calls := f.seen("chat.postMessage")
	if len(calls) != 1 {
		t.Fatalf("%d calls, want 1", len(calls))
	}
	got := calls[0]
	if got.Auth != "Bearer "+testToken || got.TokenInBody {
		t.Errorf("token: Authorization %q, in body %v; want only the bearer header", got.Auth, got.TokenInBody)
	}
	if ts != "1503435956.000248" {
		t.Errorf("ts = %q, want the one the fake answered", ts)
	}
	if got.Form.Get("channel") != "C0FEEDBACK" || got.Form.Get("thread_ts") != "1767400000.000100" || got.Form.Get("text") != text {
		t.Errorf("form = %v", got.Form)
	}
	want, _ := json.Marshal(blocks)
	var sent, expected any
	json.Unmarshal([]byte(got.Form.Get("blocks")), &sent)
	json.Unmarshal(want, &expected)
	if !reflect.DeepEqual(sent, expected) {
		t.Errorf("blocks sent %s, want %s", got.Form.Get("blocks"), want)
	}
	// Without a thread the message goes to the channel itself.
	if _, err := c.Post(context.Background(), "C0SUPPORT", "", nil, "hello"); err != nil {
		t.Fatal(err)
	}
	if p := f.seen("chat.postMessage")[1].Form; p.Has("thread_ts") || p.Has("blocks") {
		t.Errorf("top-level post sent %v", p)
	}
}

func TestPostWaitsOutOne429(t *testing.T) {
	f := newFakeAPI(t)
	clk := newClock(true)
	c := testClient(f, clk)
	f.fail("chat.postMessage", fakeFault{Status: 429, RetryAfter: "3", Body: `{"ok":false,"error":"ratelimited"}`})
	if _, err := c.Post(context.Background(), "C0FEEDBACK", "", nil, "hi"); err != nil {
		t.Fatal(err)
	}
	if n, posted := len(f.seen("chat.postMessage")), f.posted; n != 2 || posted != 1 {
		t.Errorf("%d calls and %d messages posted, want 2 calls and one message", n, posted)
	}
	if w := clk.slept(); !reflect.DeepEqual(w, []time.Duration{3 * time.Second}) {
		t.Errorf("waits = %v, want the 3s Slack asked for", w)
	}
}

func TestPost429StormGivesUp(t *testing.T) {
	f := newFakeAPI(t)
	clk := newClock(true)
	c := testClient(f, clk, WithRetries(2))
	for i := 0; i < 10; i++ {
		f.fail("chat.postMessage", fakeFault{Status: 429, RetryAfter: "1", Body: `{"ok":false,"error":"ratelimited"}`})
	}
	_, err := c.Post(context.Background(), "C0FEEDBACK", "", nil, "hi")
	if err == nil {
		t.Fatal("posted through a 429 storm")
	}
	if n := len(f.seen("chat.postMessage")); n != 3 || f.posted != 0 {
		t.Errorf("%d calls, %d posted; want 3 attempts (2 retries), none posted", n, f.posted)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "slack chat.postMessage to C0FEEDBACK: rate limited") || !strings.Contains(msg, "gave up after 3 attempts") {
		t.Errorf("error = %q", msg)
	}
	if !Retryable(err) {
		t.Error("a rate limit is not Retryable")
	}
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Second {
		t.Errorf("error does not wrap slack-go's RateLimitedError: %v", err)
	}
}

func TestPostLongRetryAfterReturnsAtOnce(t *testing.T) {
	f := newFakeAPI(t)
	clk := newClock(true)
	c := testClient(f, clk)
	f.fail("chat.postMessage", fakeFault{Status: 429, RetryAfter: "600"})
	_, err := c.Post(context.Background(), "C0FEEDBACK", "", nil, "hi")
	if err == nil || !Retryable(err) || len(f.seen("chat.postMessage")) != 1 {
		t.Fatalf("err %v after %d calls; want one call and a retryable error", err, len(f.seen("chat.postMessage")))
	}
	if w := clk.slept(); len(w) != 0 {
		t.Errorf("waited %v for a Retry-After beyond the cap", w)
	}
}

func TestPostPacesPerChannel(t *testing.T) {
	f := newFakeAPI(t)
	clk := newClock(true)
	c := testClient(f, clk)
	ctx := context.Background()
	for _, ch := range []string{"C0FEEDBACK", "C0SUPPORT", "C0FEEDBACK", "C0FEEDBACK"} {
		if _, err := c.Post(ctx, ch, "", nil, "x"); err != nil {
			t.Fatal(err)
		}
	}
	// The clock stands still between posts: the second and third posts to
	// C0FEEDBACK wait a second each; C0SUPPORT never waits.
	if w := clk.slept(); !reflect.DeepEqual(w, []time.Duration{time.Second, time.Second}) {
		t.Errorf("waits = %v, want [1s 1s]", w)
	}
}

func TestPostPacesConcurrentPosts(t *testing.T) {
	f := newFakeAPI(t)
	clk := newClock(false)
	c := testClient(f, clk)
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Post(context.Background(), "C0FEEDBACK", "", nil, "x"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	w := clk.slept()
	sort.Slice(w, func(i, j int) bool { return w[i] < w[j] })
	if !reflect.DeepEqual(w, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 4 * time.Second}) {
		t.Errorf("waits = %v, want the posts queued a second apart", w)
	}
}

func TestPostErrors(t *testing.T) {
	f := newFakeAPI(t)
	ctx := context.Background()
	c := testClient(f, newClock(true))
	_, err := c.Post(ctx, "C0NOPE", "", nil, "x")
	if err == nil || err.Error() != "slack chat.postMessage to C0NOPE: channel_not_found" || Retryable(err) {
		t.Errorf("unknown channel: %v (retryable %v)", err, Retryable(err))
	}
	wrong := "xoxb-9999-WRONG-t0ken"
	_, err = NewClient(wrong, f.URL(), WithSleep(newClock(true).sleep)).Post(ctx, "C0FEEDBACK", "", nil, "x")
	if err == nil || !strings.Contains(err.Error(), "invalid_auth (check the bot token") || strings.Contains(err.Error(), wrong) {
		t.Errorf("wrong token: %v", err)
	}
	// A server that echoes the token does not get it into the error.
	f.fail("chat.postMessage", fakeFault{Status: 200, Body: `{"ok":false,"error":"invalid_auth for ` + testToken + `"}`})
	_, err = c.Post(ctx, "C0FEEDBACK", "", nil, "x")
	if err == nil || strings.Contains(err.Error(), testToken) {
		t.Errorf("echoed token: %v", err)
	}
	f.fail("chat.postMessage", fakeFault{Status: 503, Body: "<html>down</html>"})
	_, err = c.Post(ctx, "C0FEEDBACK", "", nil, "x")
	if err == nil || err.Error() != "slack chat.postMessage to C0FEEDBACK: HTTP 503" || !Retryable(err) {
		t.Errorf("503: %v", err)
	}
	before := len(f.seen(""))
	if _, err := NewClient("", f.URL()).Post(ctx, "C0FEEDBACK", "", nil, "x"); err == nil || !strings.Contains(err.Error(), "VOC_SLACK_TOKEN") {
		t.Errorf("empty token: %v", err)
	}
	if _, err := c.Post(ctx, "", "", nil, "x"); err == nil {
		t.Error("empty channel accepted")
	}
	if n := len(f.seen("")); n != before {
		t.Errorf("%d calls made without a token or a channel", n-before)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.Post(cctx, "C0FEEDBACK", "", nil, "x"); !errors.Is(err, context.Canceled) || Retryable(err) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestRespond(t *testing.T) {
	f := newFakeAPI(t)
	c := testClient(f, newClock(true))
	blocks, text := RecordedReply(Recorded{Kind: KindBug, Topic: "Export hangs", TopicID: 4, New: true})
	if err := c.Respond(context.Background(), f.ResponseURL("T1/397700885554/96rGlfmibIGlgcZRskXaIFfN"), text, blocks); err != nil {
		t.Fatal(err)
	}
	calls := f.seen("respond")
	if len(calls) != 1 {
		t.Fatalf("%d response_url calls", len(calls))
	}
	got := calls[0]
	if got.Auth != "" || got.TokenInBody {
		t.Errorf("the bot token went to the response_url: %q", got.Auth)
	}
	if got.JSON["response_type"] != "ephemeral" || got.JSON["text"] != text || got.JSON["replace_original"] != false {
		t.Errorf("body = %v", got.JSON)
	}
	if b, _ := got.JSON["blocks"].([]any); len(b) != len(blocks) {
		t.Errorf("blocks = %v", got.JSON["blocks"])
	}

	f.fail("respond/expired", fakeFault{Status: 404, Body: "expired_url"})
	err := c.Respond(context.Background(), f.ResponseURL("expired"), "x", nil)
	if err == nil || err.Error() != "slack response_url: HTTP 404" {
		t.Errorf("expired: %v", err)
	}
	for _, bad := range []string{"http://hooks.example.com/x", "ftp://127.0.0.1/x", "/relative", ""} {
		if err := c.Respond(context.Background(), bad, "x", nil); err == nil || strings.Contains(err.Error(), "example.com") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if n := len(f.seen("")); n != 2 {
		t.Errorf("%d calls, want only the two valid response URLs", n)
	}
}

func TestOpenDialogs(t *testing.T) {
	f := newFakeAPI(t)
	c := testClient(f, newClock(true))
	ctx := context.Background()
	if err := c.OpenDeclineDialog(ctx, testTrigger, 12, "Export <to> CSV"); err != nil {
		t.Fatal(err)
	}
	if err := c.OpenMergeDialog(ctx, testTrigger, 12, "Export <to> CSV"); err != nil {
		t.Fatal(err)
	}
	calls := f.seen("views.open")
	if len(calls) != 2 {
		t.Fatalf("%d views.open calls", len(calls))
	}
	for i, want := range []struct{ callback, block, input, submit string }{
		{CallbackDecline, BlockReason, InputReason, "Decline"},
		{CallbackMerge, BlockTarget, InputTarget, "Merge"},
	} {
		call := calls[i]
		if call.Auth != "Bearer "+testToken {
			t.Errorf("%s: Authorization %q", want.callback, call.Auth)
		}
		if call.JSON["trigger_id"] != testTrigger {
			t.Errorf("%s: trigger_id %v", want.callback, call.JSON["trigger_id"])
		}
		view := call.JSON["view"].(map[string]any)
		if view["type"] != "modal" || view["callback_id"] != want.callback || view["private_metadata"] != "12" {
			t.Errorf("%s: view %v", want.callback, view)
		}
		if s := view["submit"].(map[string]any)["text"]; s != want.submit {
			t.Errorf("%s: submit %v", want.callback, s)
		}
		head := view["blocks"].([]any)[0].(map[string]any)["text"].(map[string]any)["text"].(string)
		if !strings.Contains(head, "#12 'Export &lt;to&gt; CSV'") {
			t.Errorf("%s: topic title not shown escaped: %q", want.callback, head)
		}
		if title := view["title"].(map[string]any)["text"].(string); len(title) > MaxModalTitle {
			t.Errorf("%s: title %q longer than Slack allows", want.callback, title)
		}
		input := findInput(t, view, want.block)
		el := input["element"].(map[string]any)
		if el["type"] != "plain_text_input" || el["action_id"] != want.input || input["optional"] == true {
			t.Errorf("%s: input %v", want.callback, input)
		}
		if (el["multiline"] == true) != (want.block == BlockReason) {
			t.Errorf("%s: multiline = %v", want.callback, el["multiline"])
		}
		// What Slack would send back when the dialog is submitted parses
		// into the matching request: builder and decoder agree on IDs.
		value := map[string]string{BlockReason: "not our product", BlockTarget: "7"}[want.block]
		sub := map[string]any{"type": "view_submission", "team": map[string]any{"id": "T1"}, "user": map[string]any{"id": "U1"},
			"trigger_id": "1.2.3", "view": map[string]any{"callback_id": view["callback_id"], "private_metadata": view["private_metadata"],
				"state": map[string]any{"values": map[string]any{input["block_id"].(string): map[string]any{
					el["action_id"].(string): map[string]any{"type": "plain_text_input", "value": value}}}}}}
		b, _ := json.Marshal(sub)
		r, err := ParseInteraction([]byte("payload=" + url.QueryEscape(string(b))))
		if err != nil || r.TopicID != 12 || (r.Reason != "not our product" && r.Target != 7) {
			t.Errorf("%s: submission parsed as %+v, %v", want.callback, r, err)
		}
	}

	err := c.OpenDeclineDialog(ctx, "expired.trigger", 12, "x")
	if err == nil || err.Error() != "slack views.open for decline topic 12: invalid_arguments (invalid `trigger_id`)" {
		t.Errorf("expired trigger: %v", err)
	}
	f.fail("views.open", fakeFault{Status: 429, RetryAfter: "1"})
	n := len(f.seen("views.open"))
	if err := c.OpenMergeDialog(ctx, testTrigger, 12, "x"); err == nil || len(f.seen("views.open")) != n+1 {
		t.Errorf("views.open retried or succeeded through a 429: %v", err)
	}
	if err := c.OpenMergeDialog(ctx, "", 12, "x"); err == nil {
		t.Error("empty trigger accepted")
	}
}

func findInput(t *testing.T, view map[string]any, block string) map[string]any {
	t.Helper()
	for _, b := range view["blocks"].([]any) {
		if m := b.(map[string]any); m["type"] == "input" && m["block_id"] == block {
			return m
		}
	}
	t.Fatalf("no input block %q in %v", block, view["blocks"])
	return nil
}

func TestNewClientAPIURL(t *testing.T) {
	f := newFakeAPI(t)
	for _, base := range []string{f.URL(), f.URL() + "/", f.URL() + "/api", f.URL() + "/api/"} {
		c := NewClient(testToken, base, WithSleep(newClock(true).sleep))
		if _, err := c.Post(context.Background(), "C0SUPPORT", "", nil, "via "+base); err != nil {
			t.Errorf("base %q: %v", base, err)
		}
	}
}
