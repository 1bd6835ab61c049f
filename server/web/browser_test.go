package web

import (
	"bytes"
	"context"
	"image/png"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// findChromium returns a Chromium-family browser, or skips the test (fails
// it under CI, where the browser must be installed).
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium, chromium-browser or google-chrome on PATH; CI must install Debian's chromium")
	}
	t.Skip("no chromium, chromium-browser or google-chrome on PATH (apt-get install chromium); skipping the browser test")
	return ""
}

// browserTitles are the ~8 topics of the browser test, in rank order.
var browserTitles = []string{
	"Export the backlog to CSV",
	"請求書をPDFで一括ダウンロードしたい",
	"Login fails on Safari 17 after SSO redirect",
	"Slack通知が二重に届く",
	"Dark mode for the dashboard",
	"Bulk-edit tags on conversations",
	"モバイルアプリでオフライン閲覧",
	"Webhook retries give up too early",
}

func TestBrowserSignInBrowseDecline(t *testing.T) {
	chrome := findChromium(t)
	f := newFake(browserTitles...)
	h, _ := newTestHandler(t, f, Auth{Token: testToken})
	srv := httptest.NewServer(h)
	defer srv.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome), chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "en-US"))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second) // a bound on a hung browser, not a timing assertion
	defer cancelT()

	// Sign in through the form the redirect leads to.
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("token")),
	)
	if err != nil {
		t.Fatalf("open the page: %v", err)
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || !strings.Contains(loc, "/login?next=") {
		t.Errorf("unauthenticated visit landed on %q (%v), not the login form", loc, err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("name"), "Mika Sato"),
		chromedp.SendKeys(chromedp.ID("token"), testToken),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("table.backlog")),
	)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}

	// The table shows every topic in rank order.
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[][]string](
		`[...document.querySelectorAll("table.backlog tbody tr")].map(r => [r.cells[0].textContent.trim(), r.querySelector("th a").textContent.trim()])`))
	if err != nil {
		t.Fatalf("read table: %v", err)
	}
	if len(rows) != len(browserTitles) {
		t.Fatalf("%d rows, want %d", len(rows), len(browserTitles))
	}
	for i, r := range rows {
		if want := []string{strconv.Itoa(i + 1), browserTitles[i]}; r[0] != want[0] || r[1] != want[1] {
			t.Errorf("row %d: %q, want %q", i, r, want)
		}
	}

	// A detail page carries the server-rendered chart.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a[href="/topics/2"]`)),
		chromedp.WaitVisible(chromedp.CSS(`svg[role="img"]`)),
	)
	if err != nil {
		t.Fatalf("detail page: %v", err)
	}
	chartTitle, err1 := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#chart-title").textContent`))
	bars, err2 := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg rect.bar").length`))
	if err1 != nil || err2 != nil {
		t.Fatalf("read chart: %v, %v", err1, err2)
	}
	if !strings.Contains(chartTitle, browserTitles[1]) || bars != len(f.details[2].Weekly) {
		t.Errorf("chart title %q with %d bars, want the topic's title and %d bars", chartTitle, bars, len(f.details[2].Weekly))
	}

	// Decline topic 3 through the form.
	const reason = "Outside our strategy: SSO is handled by the identity provider"
	err = chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/topics/3"),
		chromedp.WaitVisible(chromedp.ID("reason")),
		chromedp.SendKeys(chromedp.ID("reason"), reason),
		chromedp.Click(chromedp.CSS(`button[value="decline"]`)),
		chromedp.WaitVisible(chromedp.CSS(".decision .current")),
	)
	if err != nil {
		t.Fatalf("decline: %v", err)
	}
	current, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".decision .current")))
	if err != nil {
		t.Fatalf("read decision: %v", err)
	}
	got := f.recorded()
	if len(got) != 1 || got[0] != (decision{ID: 3, Accept: false, Reason: reason, Who: "Mika Sato"}) {
		t.Errorf("backend recorded %+v, want the decline of topic 3 by Mika Sato", got)
	}
	if !strings.Contains(current, "declined") || !strings.Contains(current, "Mika Sato") {
		t.Errorf("decision shown as %q", current)
	}

	// A full-page screenshot of the backlog, for the docs.
	err = chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("table.backlog")),
		chromedp.Click(chromedp.CSS("table.backlog tbody tr:first-child details summary")),
	)
	if err != nil {
		t.Fatalf("back to the backlog: %v", err)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	img, err := png.DecodeConfig(bytes.NewReader(shot))
	if err != nil || img.Width < 1000 {
		t.Fatalf("screenshot is no full-width PNG: %v, %+v", err, img)
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
}
