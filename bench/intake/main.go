// Command intake measures voc serve's webhook intake: signed GitHub
// deliveries sent open-loop at a fixed rate over loopback to a real
// server (signature check, durable enqueue, workers draining the queue
// at the same time), against a baseline handler on the same server that
// answers without doing anything. It prints latency percentiles of each,
// median of the runs, and their ratio.
//
//	go run ./bench/intake                       # SQLite, 500 req/s, 10 s, 3 runs
//	go run ./bench/intake -db postgres://postgres@127.0.0.1:5432/test?sslmode=disable
package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/lib/pq" // PostgreSQL driver, for the fresh schema

	"github.com/voc-dev/voc/server"
	"github.com/voc-dev/voc/store"
)

const secret = "bench-secret"

func main() {
	rate := flag.Int("rate", 500, "requests per second")
	dur := flag.Duration("duration", 10*time.Second, "length of each run")
	runs := flag.Int("runs", 3, "runs of each endpoint")
	dsn := flag.String("db", "", "database (default: a SQLite file in a temp dir)")
	workers := flag.Int("workers", 2, "queue workers draining while the intake is measured")
	flag.Parse()
	if *dsn == "" {
		dir, err := os.MkdirTemp("", "voc-intake")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(dir)
		*dsn = filepath.Join(dir, "voc.db")
	}
	ctx, cancel := context.WithCancel(context.Background())
	if store.IsPostgres(*dsn) {
		// A fresh schema, dropped afterwards: every run starts from an empty
		// queue and leaves the database as it was.
		fresh, drop, err := freshSchema(*dsn)
		if err != nil {
			log.Fatal(err)
		}
		defer drop()
		*dsn = fresh
	}
	st, err := store.Open(ctx, *dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	srv, err := server.New(server.Config{Addr: "127.0.0.1:0", Queue: st, Jobs: st, Workers: *workers, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		log.Fatal(err)
	}
	var processed atomic.Int64
	srv.HandleEvents("github.issues", func(context.Context, store.Event) error { processed.Add(1); return nil })
	srv.Handle("POST /hooks/github", srv.Webhook(server.GitHubWebhook(secret)))
	srv.Handle("POST /baseline", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write([]byte(`{"queued":true}` + "\n"))
	}))
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	addr, err := srv.Addr(ctx)
	if err != nil {
		log.Fatal(err)
	}
	payload := bytes.Repeat([]byte(`{"action":"closed","issue":{"number":1347,"state":"closed","state_reason":"completed","labels":[{"name":"voc-t-0001"}]},"repository":{"full_name":"octo/voc"}}`), 1)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}, Timeout: 10 * time.Second}
	var seq atomic.Int64
	fmt.Printf("webhook intake, %d req/s for %s, %d runs each, %s store, GOMAXPROCS default\n", *rate, *dur, *runs, st.Dialect())
	var p50s, p99s [2][]float64
	for r := 0; r < *runs; r++ {
		for i, path := range []string{"/baseline", "/hooks/github"} {
			res := load(client, "http://"+addr+path, payload, *rate, *dur, &seq)
			fmt.Printf("run %d %-14s sent %5d  errors %d  p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  max %6.2f ms\n",
				r+1, path, res.n, res.errors, res.p(50), res.p(90), res.p(99), res.p(100))
			p50s[i] = append(p50s[i], res.p(50))
			p99s[i] = append(p99s[i], res.p(99))
		}
	}
	// Let the workers finish, then check every delivery was queued once.
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		q, _ := st.QueueStats(ctx)
		if q.Pending == 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	q, _ := st.QueueStats(ctx)
	fmt.Printf("queue after the runs: %d done, %d pending, %d processed by workers\n", q.Done, q.Pending, processed.Load())
	b50, w50, b99, w99 := median(p50s[0]), median(p50s[1]), median(p99s[0]), median(p99s[1])
	fmt.Printf("median p50: intake %.2f ms vs baseline %.2f ms (%.1fx)\n", w50, b50, w50/b50)
	fmt.Printf("median p99: intake %.2f ms vs baseline %.2f ms (%.1fx)\n", w99, b99, w99/b99)
	cancel()
	<-done
}

type result struct {
	lat    []float64 // ms, sorted
	n      int
	errors int
}

func (r result) p(q float64) float64 {
	if len(r.lat) == 0 {
		return 0
	}
	i := int(q / 100 * float64(len(r.lat)-1))
	return r.lat[i]
}

// load sends requests open-loop: one every 1/rate seconds whatever the
// answers, so a slow server shows as latency, not as a lower rate.
func load(c *http.Client, url string, body []byte, rate int, dur time.Duration, seq *atomic.Int64) result {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	sig := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	var mu sync.Mutex
	var res result
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	end := time.Now().Add(dur)
	for time.Now().Before(end) {
		<-tick.C
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-GitHub-Event", "issues")
			req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("bench-%d", seq.Add(1)))
			req.Header.Set("X-Hub-Signature-256", sig)
			start := time.Now()
			resp, err := c.Do(req)
			ms := float64(time.Since(start).Microseconds()) / 1000
			ok := err == nil && resp.StatusCode == 200
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			mu.Lock()
			res.n++
			if ok {
				res.lat = append(res.lat, ms)
			} else {
				res.errors++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Float64s(res.lat)
	return res
}

func freshSchema(dsn string) (string, func(), error) {
	admin, err := sql.Open("postgres", dsn)
	if err != nil {
		return "", nil, err
	}
	schema := fmt.Sprintf("voc_bench_%d", time.Now().UnixNano())
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		return "", nil, err
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE"); admin.Close() }, nil
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}
