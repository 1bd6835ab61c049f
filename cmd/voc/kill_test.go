package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets this test binary act as the voc command when asked, so a
// test can start voc as a real process and kill it with SIGKILL.
func TestMain(m *testing.M) {
	if os.Getenv("VOC_TEST_BE_VOC") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// TestKill9DuringCollect kills `voc collect` with SIGKILL at several
// moments of a large import, runs it again, and checks the database holds
// exactly what an uninterrupted import stores: nothing lost, nothing twice.
func TestKill9DuringCollect(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	dir := t.TempDir()
	const n = 20000
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `{"source":"zendesk","external_id":"%d","account_id":"a%d","created_at":"2026-10-01T09:00:00Z","messages":[{"role":"customer","text":"Ask %d: the CSV export times out."},{"role":"agent","text":"Looking into it."}]}`+"\n", i, i%50, i)
	}
	file := filepath.Join(dir, "big.jsonl")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	reference := filepath.Join(dir, "reference.db")
	if code, _, errs := runVoc(t, "collect", "--db", reference, "--conversations", file); code != 0 {
		t.Fatalf("reference import: %s", errs)
	}
	want := counts(t, reference)
	killed := 0
	for i, delay := range []time.Duration{30 * time.Millisecond, 150 * time.Millisecond, 400 * time.Millisecond} {
		db := filepath.Join(dir, fmt.Sprintf("killed%d.db", i))
		cmd := exec.Command(os.Args[0], "collect", "--db", db, "--conversations", file)
		cmd.Env = append(os.Environ(), "VOC_TEST_BE_VOC=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		cmd.Process.Kill()
		cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			killed++
			if _, err := os.Stat(db); err == nil {
				t.Logf("killed at %v with %d of %d conversations stored", delay, counts(t, db)["conversations"], n)
			}
		}
		if code, _, errs := runVoc(t, "collect", "--db", db, "--conversations", file); code != 0 {
			t.Fatalf("re-run after kill at %v: %s", delay, errs)
		}
		got := counts(t, db)
		for _, table := range []string{"conversations", "messages", "accounts"} {
			if got[table] != want[table] {
				t.Errorf("killed at %v: %s has %d rows, an uninterrupted import has %d", delay, table, got[table], want[table])
			}
		}
	}
	if killed == 0 {
		t.Fatal("no run was still going when killed; the test proved nothing")
	}
}

// TestKill9DuringClassify kills `voc classify` mid-run and checks that the
// re-run ends with the same items as an uninterrupted one.
func TestKill9DuringClassify(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	dir := t.TempDir()
	var b strings.Builder
	for i := 0; i < 6000; i++ {
		fmt.Fprintf(&b, `{"source":"zendesk","external_id":"%d","created_at":"2026-10-01T09:00:00Z","messages":[{"role":"customer","text":"The CSV export times out again. Please add an Excel export too. Case %d."}]}`+"\n", i, i)
	}
	file := filepath.Join(dir, "c.jsonl")
	os.WriteFile(file, []byte(b.String()), 0o644)
	var dbs []string
	for _, name := range []string{"reference.db", "killed.db"} {
		db := filepath.Join(dir, name)
		if code, _, errs := runVoc(t, "collect", "--db", db, "--conversations", file); code != 0 {
			t.Fatal(errs)
		}
		dbs = append(dbs, db)
	}
	if code, _, errs := runVoc(t, "classify", "--db", dbs[0]); code != 0 {
		t.Fatal(errs)
	}
	want := counts(t, dbs[0])
	cmd := exec.Command(os.Args[0], "classify", "--db", dbs[1])
	cmd.Env = append(os.Environ(), "VOC_TEST_BE_VOC=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond)
	cmd.Process.Kill()
	cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Skip("classify finished before it could be killed; nothing to test on this machine")
	}
	t.Logf("killed with %d items stored (%d when complete)", counts(t, dbs[1])["items"], want["items"])
	if code, _, errs := runVoc(t, "classify", "--db", dbs[1]); code != 0 {
		t.Fatal(errs)
	}
	if got := counts(t, dbs[1]); got["items"] != want["items"] {
		t.Fatalf("after kill and re-run: %d items, uninterrupted: %d", got["items"], want["items"])
	}
}
