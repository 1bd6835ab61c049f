package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/voc-dev/voc/store"
)

// startServe starts `voc serve` as a real process on a free port.
func startServe(t *testing.T, cfgPath string) (*exec.Cmd, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(os.Args[0], "serve", "--config", cfgPath, "--addr", addr)
	cmd.Env = append(os.Environ(), "VOC_TEST_BE_VOC=1", envSlackSigning+"="+slackSecret, envSlackBot+"=")
	if testing.Verbose() {
		cmd.Stderr = os.Stderr
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// A failing test must not leave a server running.
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	base := "http://" + addr
	waitFor(t, "voc serve to listen", func() bool {
		r, err := http.Get(base + "/healthz")
		if err == nil {
			r.Body.Close()
		}
		return err == nil && r.StatusCode == 200
	})
	return cmd, base
}

// TestServeKill9LosesAndRepeatsNothing sends slash commands to a real
// `voc serve`, kills it with SIGKILL while events are queued and being
// worked on, restarts it, and checks that every acknowledged command was
// recorded exactly once: one conversation, one item, one done event.
func TestServeKill9LosesAndRepeatsNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	// Nothing scheduled but the work the events bring.
	dir, cfgPath := serveWorkspace(t, "serve:\n  lease: 2s\n  every:\n    collect: 1000h\n    sync: 1000h\n    purge: 1000h\n")
	const n = 60
	asks := []string{"bug the CSV export times out for large projects", "feature please add a dark mode to the mobile app",
		"feature SSO with Okta for our whole team", "no can you build us a custom CRM integration"}
	var mu sync.Mutex
	acked := map[string]bool{}
	fire := func(base string, from, to int) {
		var wg sync.WaitGroup
		sem := make(chan struct{}, 4)
		for i := from; i < to; i++ {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				trigger := fmt.Sprintf("%d.47445629121.kill%04d", 398738663015+i, i)
				body, h := slackCommand(trigger, fmt.Sprintf("%s (ticket %d)", asks[i%len(asks)], i))
				req, _ := http.NewRequest("POST", base+"/slack/commands", strings.NewReader(body))
				req.Header = h
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return // the server died before answering: not acknowledged
				}
				resp.Body.Close()
				if resp.StatusCode == 200 {
					mu.Lock()
					acked[trigger] = true
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
	}

	cmd, base := startServe(t, cfgPath)
	killed := make(chan struct{})
	go func() {
		// Kill once some commands are acknowledged and still being worked off.
		waitFor(t, "acknowledgements", func() bool { mu.Lock(); defer mu.Unlock(); return len(acked) >= 20 })
		cmd.Process.Signal(syscall.SIGKILL)
		close(killed)
	}()
	fire(base, 0, 45)
	<-killed
	cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("voc serve was not killed: %v", cmd.ProcessState)
	}
	mu.Lock()
	before := len(acked)
	mu.Unlock()
	// The kill must have caught acknowledged events not yet worked off.
	func() {
		st, err := store.Open(context.Background(), filepath.Join(dir, "voc.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		q, _ := st.QueueStats(context.Background())
		t.Logf("at the kill: %+v", q)
		if q.Pending == 0 {
			t.Fatal("nothing was in flight when the server was killed; the test proves nothing")
		}
	}()

	cmd, base = startServe(t, cfgPath)
	// The senders retry what was not acknowledged, and some of what was:
	// duplicates are acknowledged again and not redone.
	fire(base, 0, n)
	// Each command is classified and ranked in turn: slow under -race on a
	// busy machine, so the wait is generous.
	waitUntil(t, "the queue to drain", 6*time.Minute, func() bool {
		r, err := http.Get(base + "/metrics")
		if err != nil {
			return false
		}
		defer r.Body.Close()
		var b strings.Builder
		buf := make([]byte, 1<<16)
		for {
			k, err := r.Body.Read(buf)
			b.Write(buf[:k])
			if err != nil {
				break
			}
		}
		return strings.Contains(b.String(), "\nvoc_queue_depth 0\n")
	})
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}

	st, err := store.Open(context.Background(), filepath.Join(dir, "voc.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	t.Logf("%d commands acknowledged before the kill, %d in all", before, len(acked))
	if len(acked) != n {
		t.Fatalf("only %d of %d commands acknowledged", len(acked), n)
	}
	for trigger := range acked {
		items, err := st.ConversationItems(ctx, "slack", "command:"+trigger)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 1 {
			t.Errorf("acknowledged command %s left %d items, want exactly 1", trigger, len(items))
		}
	}
	q, err := st.QueueStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if q.Pending != 0 || q.Dead != 0 || q.Done < int64(len(acked)) {
		t.Fatalf("queue after restart: %+v for %d acknowledged commands", q, len(acked))
	}
}
