package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/voc-dev/voc"
	ghtracker "github.com/voc-dev/voc/integrations/github"
)

// TestGitHubWebhookDeclinesOnce syncs to a fake GitHub, then delivers a
// signed "closed as not planned" issues event twice: the topic is declined
// with GitHub's resolution once, and the redelivery changes nothing.
func TestGitHubWebhookDeclinesOnce(t *testing.T) {
	f := newFakeGitHub(t)
	_, cfgPath := githubWorkspace(t, f, "  min_score: 600\n")
	if code, out, errs := runVoc(t, "sync", "--config", cfgPath); code != 0 {
		t.Fatalf("sync: %s %s", out, errs)
	}
	// Take the first created issue and close it as not planned.
	payload := closeFirstIssue(f)

	cfg, err := loadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{stdout: io.Discard, stderr: io.Discard, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	a, err := openApp(context.Background(), e, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	deliver := func() bool {
		mac := hmac.New(sha256.New, []byte("whsec"))
		mac.Write(payload)
		r := httptest.NewRequest("POST", "/webhooks/github", bytes.NewReader(payload))
		r.Header.Set("X-GitHub-Event", "issues")
		r.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
		ev, ok, err := ghtracker.ParseIssueEvent("whsec", r)
		if err != nil || !ok || ev.TopicKey == "" {
			t.Fatalf("parse: %+v %v %v", ev, ok, err)
		}
		did, err := a.trackerEvent(context.Background(), "github", ev.TopicKey, ev.Remote)
		if err != nil {
			t.Fatal(err)
		}
		return did
	}
	if !deliver() {
		t.Fatal("the first delivery changed nothing")
	}
	if deliver() {
		t.Fatal("the redelivery did work twice")
	}
	entries, _ := a.backlog(context.Background())
	declined := 0
	for _, en := range entries {
		if en.Status == voc.StatusDeclined && en.Decision != nil && en.Decision.Who == "github" {
			declined++
			if en.Decision.Reason == "" {
				t.Errorf("decline without GitHub's resolution: %+v", en.Decision)
			}
		}
	}
	if declined != 1 {
		t.Fatalf("%d topics declined by GitHub, want 1", declined)
	}
}
