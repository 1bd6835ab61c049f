package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/voc-dev/voc"
)

// TestServeBacklogPageInChromium opens the backlog page of a real voc
// serve on the example workspace in headless Chromium: it signs in with
// the token, checks the table lists the backlog in rank order, declines a
// topic through the form, and takes a screenshot of the top of it (to VOC_SCREENSHOT too,
// when set: docs/img/backlog-demo.png is one).
func TestServeBacklogPageInChromium(t *testing.T) {
	var chrome string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			chrome = p
			break
		}
	}
	if chrome == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no chromium on PATH; CI must install Debian's chromium")
		}
		t.Skip("no chromium, chromium-browser or google-chrome on PATH; skipping the browser test")
	}
	_, cfgPath := serveWorkspace(t, "serve:\n  every:\n    collect: -1s\n    sync: -1s\n    purge: -1s\n")
	t.Setenv(envWebToken, "page-token")
	t.Setenv(envSlackSigning, "")
	a := openServeApp(t, cfgPath, nil)
	base := runServe(t, a)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.Flag("headless", true),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 900))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second) // a bound on a hung browser, not a timing assertion
	defer cancelT()

	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("name"), "Product Owner"),
		chromedp.SendKeys(chromedp.ID("token"), "page-token"),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("table.backlog")),
	); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[][]string](
		`[...document.querySelectorAll("table.backlog tbody tr")].map(r => [r.cells[0].textContent.trim(), r.querySelector("th a").textContent.trim()])`))
	if err != nil {
		t.Fatalf("read the table: %v", err)
	}
	entries, err := a.backlog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(entries) {
		t.Fatalf("the page lists %d topics, the backlog has %d", len(rows), len(entries))
	}
	for i, r := range rows[:10] {
		e := entries[i]
		if r[0] != strconv.Itoa(e.Rank) || r[1] != a.redactor.Redact(e.Title) {
			t.Errorf("row %d: %q, want rank %d %q", i, r, e.Rank, e.Title)
		}
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if img, err := png.DecodeConfig(bytes.NewReader(shot)); err != nil || img.Width < 1000 {
		t.Fatalf("screenshot is no full-width PNG: %v %+v", err, img)
	}
	paths := []string{filepath.Join(t.TempDir(), "backlog.png")}
	if p := os.Getenv("VOC_SCREENSHOT"); p != "" {
		paths = append(paths, p)
	}
	for _, p := range paths {
		if err := os.WriteFile(p, shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Decline the second topic through its page's form.
	target := entries[1]
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/topics/"+strconv.FormatInt(target.ID, 10)),
		chromedp.WaitVisible(chromedp.CSS("svg")),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="reason"]`), "Not this quarter: the export service is being rewritten."),
		chromedp.Click(chromedp.CSS(`button[name="decision"][value="decline"]`)),
	); err != nil {
		t.Fatalf("decline through the page: %v", err)
	}
	var tp voc.Topic
	waitFor(t, "the decline to be recorded", func() bool {
		tp, err = a.st.Topic(context.Background(), target.ID)
		return err == nil && tp.Status == voc.StatusDeclined
	})
	if tp.Status != voc.StatusDeclined || tp.Decision == nil || !strings.Contains(tp.Decision.Reason, "export service") || tp.Decision.Who != "Product Owner" {
		t.Fatalf("topic %d after the decline: %s %+v", target.ID, tp.Status, tp.Decision)
	}
}
