package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/voc-dev/voc"
)

const slackSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// slackCommand is a /voc command body shaped like Slack's own (see the
// signing vector in integrations/slack/testdata), signed with slackSecret.
func slackCommand(trigger, text string) (string, http.Header) {
	v := url.Values{"token": {"xyzz0WbapA4vBCDEFasx0q6G"}, "team_id": {"T1DC2JH3J"}, "team_domain": {"testteamnow"},
		"channel_id": {"G8PSS9T3V"}, "channel_name": {"foobar"}, "user_id": {"U2CERLKJA"}, "user_name": {"roadrunner"},
		"command": {"/voc"}, "text": {text}, "trigger_id": {trigger},
		"response_url": {"https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN"}}
	body := v.Encode()
	return body, slackHeaders(body)
}

func slackHeaders(body string) http.Header {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	m := hmac.New(sha256.New, []byte(slackSecret))
	fmt.Fprintf(m, "v0:%s:%s", ts, body)
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(m.Sum(nil)))
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	return h
}

func send(t *testing.T, method, u, body string, h http.Header) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	for k, v := range h {
		req.Header[k] = v
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitUntil(t, what, 20*time.Second, cond)
}

// waitUntil polls cond until it holds, failing the test after d.
func waitUntil(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// TestServeEndToEnd runs voc serve in-process on the example workspace
// synced to a fake GitHub, and drives it as GitHub, Slack and a product
// owner would.
func TestServeEndToEnd(t *testing.T) {
	f := newFakeGitHub(t)
	_, cfgPath := githubWorkspace(t, f, "  min_score: 600\n")
	if code, out, errs := runVoc(t, "sync", "--config", cfgPath); code != 0 {
		t.Fatalf("sync: %s %s", out, errs)
	}
	t.Setenv(envGitHubWebhook, "whsec")
	t.Setenv(envSlackSigning, slackSecret)
	t.Setenv(envWebToken, "page-token")
	t.Setenv(envSlackBot, "")
	a := openServeApp(t, cfgPath, nil)
	base := runServe(t, a)

	// GitHub closes one of voc's issues as not planned.
	payload := closeFirstIssue(f)
	gh := http.Header{}
	gh.Set("X-GitHub-Event", "issues")
	gh.Set("X-GitHub-Delivery", "d-1")
	forged := gh.Clone()
	forged.Set("X-Hub-Signature-256", sign256("guess", payload))
	if code, _ := send(t, "POST", base+"/hooks/github", string(payload), forged); code != 401 {
		t.Fatalf("forged GitHub delivery: %d", code)
	}
	gh.Set("X-Hub-Signature-256", sign256("whsec", payload))
	for range 2 { // a redelivery is acknowledged and does nothing more
		if code, body := send(t, "POST", base+"/hooks/github", string(payload), gh); code != 200 {
			t.Fatalf("GitHub delivery: %d %s", code, body)
		}
	}
	declinedByGitHub := func() int {
		entries, _ := a.backlog(context.Background())
		n := 0
		for _, en := range entries {
			if en.Status == voc.StatusDeclined && en.Decision != nil && en.Decision.Who == "github" {
				n++
			}
		}
		return n
	}
	waitFor(t, "the GitHub decline to apply", func() bool { return declinedByGitHub() == 1 })

	// Slack: the URL handshake, then a /voc command.
	hs := `{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`
	hh := slackHeaders(hs)
	hh.Set("Content-Type", "application/json")
	if code, body := send(t, "POST", base+"/slack/events", hs, hh); code != 200 || !strings.Contains(body, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P") {
		t.Fatalf("url_verification: %d %s", code, body)
	}
	body, h := slackCommand("398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c", "feature please let us export invoices to Xero every night")
	stale := h.Clone()
	stale.Set("X-Slack-Request-Timestamp", strconv.FormatInt(time.Now().Add(-10*time.Minute).Unix(), 10))
	if code, _ := send(t, "POST", base+"/slack/commands", body, stale); code != 401 {
		t.Fatalf("stale Slack request: %d", code)
	}
	if code, ans := send(t, "POST", base+"/slack/commands", body, h); code != 200 || !strings.Contains(ans, "ephemeral") {
		t.Fatalf("slash command: %d %s", code, ans)
	}
	waitFor(t, "the command's ask in a topic", func() bool {
		items, _ := a.st.ConversationItems(context.Background(), "slack", "command:398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
		return len(items) == 1 && items[0].TopicID != nil && items[0].Kind == voc.KindFeature && items[0].DecidedBy == voc.ByHuman
	})
	if code, ans := send(t, "POST", base+"/slack/commands", "", slackHeaders("")); code != 400 {
		t.Fatalf("empty command body: %d %s", code, ans)
	}

	// The backlog page: closed without sign-in, open with the token.
	if code, _ := send(t, "GET", base+"/", "", nil); code != http.StatusSeeOther {
		t.Fatalf("page without sign-in: %d", code)
	}
	bearer := http.Header{"Authorization": {"Bearer page-token"}}
	code, page := send(t, "GET", base+"/", "", bearer)
	entries, _ := a.backlog(context.Background())
	if code != 200 || !strings.Contains(page, "<table") || !strings.Contains(page, htmlEscape(entries[0].Title)) {
		t.Fatalf("backlog page: %d, top topic %q missing", code, entries[0].Title)
	}
	if code, page := send(t, "GET", fmt.Sprintf("%s/topics/%d", base, entries[0].ID), "", bearer); code != 200 || !strings.Contains(page, "<svg") {
		t.Fatalf("topic page: %d", code)
	}
	code, metrics := send(t, "GET", base+"/metrics", "", nil)
	for _, want := range []string{`voc_records{table="topics"}`, `voc_webhook_deliveries_total{outcome="duplicate",source="github"} 1`, `voc_webhook_deliveries_total{outcome="rejected",source="slack"} 2`, "voc_queue_depth 0"} {
		if code != 200 || !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func sign256(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// serveWorkspace makes the example workspace (voc demo) with a voc.yaml
// holding its database, its strategy and extra YAML.
func serveWorkspace(t *testing.T, extra string) (dir, cfgPath string) {
	t.Helper()
	dir = t.TempDir()
	if code, _, errs := runVoc(t, "demo", "--dir", dir); code != 0 {
		t.Fatal(errs)
	}
	strategy, err := os.ReadFile(filepath.Join("..", "..", "examples", "acme", "strategy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfgPath = filepath.Join(dir, "voc.yaml")
	for p, b := range map[string][]byte{filepath.Join(dir, "strategy.yaml"): strategy, cfgPath: []byte("db: voc.db\nstrategy: strategy.yaml\n" + extra)} {
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, cfgPath
}

// openServeApp opens the app of the workspace at cfgPath, closed when the
// test ends; its log goes to logw (nil: nowhere).
func openServeApp(t *testing.T, cfgPath string, logw io.Writer) *app {
	t.Helper()
	if logw == nil {
		logw = io.Discard
	}
	cfg, err := loadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	a, err := openApp(context.Background(), &env{stdout: io.Discard, stderr: io.Discard, log: slog.New(slog.NewTextHandler(logw, nil))}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// runServe runs voc serve on a until the test ends (then checks it stopped
// cleanly) and returns its base URL.
func runServe(t *testing.T, a *app) string {
	t.Helper()
	srv, err := a.newServer("127.0.0.1:0", "test")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	addr, err := srv.Addr(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return "http://" + addr
}
