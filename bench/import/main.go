// Command import measures `voc collect` importing a large JSONL file of
// synthetic conversations into SQLite and PostgreSQL: rate and peak memory
// (maximum resident set size of the voc process), at two sizes so that the
// growth of both with the input can be read off.
//
//	go run ./bench/import [-sizes 100000,1000000] [-pg postgres://…]
//
// PostgreSQL is skipped with a message when -pg is empty or unreachable.
package main

import (
	"bufio"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/lib/pq"
)

func main() {
	sizes := flag.String("sizes", "100000,1000000", "numbers of conversations, comma-separated")
	pg := flag.String("pg", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL URL ('' to skip)")
	flag.Parse()
	if err := run(*sizes, *pg); err != nil {
		fmt.Fprintln(os.Stderr, "bench/import:", err)
		os.Exit(1)
	}
}

func run(sizes, pg string) error {
	dir, err := os.MkdirTemp("", "voc-import-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	voc := filepath.Join(dir, "voc")
	if out, err := exec.Command("go", "build", "-o", voc, "./cmd/voc").CombinedOutput(); err != nil {
		return fmt.Errorf("build voc (run from the repository root): %v\n%s", err, out)
	}
	fmt.Printf("%-10s %-9s %10s %14s %12s\n", "database", "convs", "time", "convs/s", "peak RSS")
	for _, f := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return err
		}
		file := filepath.Join(dir, fmt.Sprintf("c%d.jsonl", n))
		if err := generate(file, n); err != nil {
			return err
		}
		dbs := []struct{ name, dsn string }{{"sqlite", filepath.Join(dir, fmt.Sprintf("voc%d.db", n))}}
		if pg != "" {
			if dsn, drop, err := freshSchema(pg, n); err != nil {
				fmt.Printf("postgres skipped: %v\n", err)
			} else {
				defer drop()
				dbs = append(dbs, struct{ name, dsn string }{"postgres", dsn})
			}
		}
		for _, db := range dbs {
			cmd := exec.Command(voc, "collect", "--db", db.dsn, "--conversations", file)
			start := time.Now()
			if out, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("collect into %s: %v\n%s", db.name, err, out)
			}
			d := time.Since(start)
			rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
			fmt.Printf("%-10s %-9d %9.1fs %14.0f %9.1f MiB\n", db.name, n, d.Seconds(), float64(n)/d.Seconds(), float64(rss)/1024)
		}
		os.Remove(file)
	}
	return nil
}

// generate writes n realistic-length synthetic conversations, streaming.
func generate(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	asks := []string{"The CSV export of the time report spins forever and then fails with a 504.", "Please add a Gantt chart view with dependencies.",
		"How do I invite a guest to one board only?", "SSO login keeps redirecting me back to the login page.", "ガントチャートで表示できるようにしてほしいです。"}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		at := t0.Add(time.Duration(i) * time.Second).Format(time.RFC3339)
		fmt.Fprintf(w, `{"source":"bench","external_id":"%d","account_id":"a%d","channel":"email","created_at":"%s","messages":[{"role":"customer","author":"user%d@customer%d.example","text":"Hi team,\n\n%s\n\nThanks,\nSam"},{"role":"agent","author":"Acme Support","text":"Thanks for reaching out, we are looking into it."}]}`+"\n",
			i, i%5000, at, i, i%5000, asks[i%len(asks)])
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// freshSchema creates an empty schema and returns its URL and a function
// that drops it.
func freshSchema(base string, n int) (string, func(), error) {
	db, err := sql.Open("postgres", base)
	if err != nil {
		return "", nil, err
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return "", nil, err
	}
	schema := fmt.Sprintf("voc_bench_%d_%d", n, time.Now().UnixNano()%1e6)
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		db.Close()
		return "", nil, err
	}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	drop := func() {
		db.Exec("DROP SCHEMA " + schema + " CASCADE")
		db.Close()
	}
	return base + sep + "search_path=" + schema, drop, nil
}
