package server

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/voc-dev/voc/store"
	"github.com/voc-dev/voc/store/storetest"
)

// TestTwoServersNeverRunAJobTwice runs two servers on one PostgreSQL
// database with many jobs falling due every 100ms for two seconds.
func TestTwoServersNeverRunAJobTwice(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	var mu sync.Mutex
	runs := map[string][]string{} // job@due -> servers
	const jobs = 12
	var servers []*Server
	for i := range 2 {
		st, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		s := newServer(t, st, func(c *Config) { c.ID = fmt.Sprint("server-", i); c.Tick = 10 * time.Millisecond })
		for j := range jobs {
			name := fmt.Sprint("job-", j)
			s.Schedule(Job{Name: name, Every: 100 * time.Millisecond, AtMostOnce: j%2 == 0, Run: func(ctx context.Context, due time.Time) error {
				mu.Lock()
				k := name + "@" + due.Format(time.RFC3339Nano)
				runs[k] = append(runs[k], s.ID())
				mu.Unlock()
				time.Sleep(5 * time.Millisecond)
				return nil
			}})
		}
		servers = append(servers, s)
	}
	var cancels []context.CancelFunc
	for _, s := range servers {
		_, cancel := start(t, s)
		cancels = append(cancels, cancel)
	}
	time.Sleep(2 * time.Second)
	for _, c := range cancels {
		c()
	}
	time.Sleep(100 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	byServer := map[string]int{}
	for k, who := range runs {
		if len(who) != 1 {
			t.Errorf("%s ran %d times: %v", k, len(who), who)
		}
		byServer[who[0]]++
	}
	if len(runs) < jobs*10 {
		t.Fatalf("only %d job runs in 2s of %d jobs due every 100ms", len(runs), jobs)
	}
	if len(byServer) != 2 {
		t.Errorf("one server did all the work: %v", byServer)
	}
}

func TestCrashedJobIsTakenOverAfterItsLease(t *testing.T) {
	st := sqliteStore(t)
	ctx := context.Background()
	due := time.Now().UTC().Truncate(time.Hour)
	// A server that died mid-run left these behind.
	st.ClaimJob(ctx, "sync", due, "dead", 10*time.Millisecond, true)
	st.ClaimJob(ctx, "digest", due, "dead", 10*time.Millisecond, false)
	time.Sleep(30 * time.Millisecond)
	s := newServer(t, st, nil)
	var mu sync.Mutex
	ran := map[string]int{}
	for _, j := range []Job{{Name: "sync"}, {Name: "digest", AtMostOnce: true}} {
		s.Schedule(Job{Name: j.Name, Every: time.Hour, AtMostOnce: j.AtMostOnce, Lease: time.Minute, Run: func(ctx context.Context, d time.Time) error {
			mu.Lock()
			defer mu.Unlock()
			if d.Equal(due) {
				ran[j.Name]++
			}
			return nil
		}})
	}
	start(t, s)
	eventually(t, "sync taken over", func() bool { mu.Lock(); defer mu.Unlock(); return ran["sync"] == 1 })
	time.Sleep(100 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if ran["digest"] != 0 {
		t.Fatal("an at-most-once digest ran again after its server died")
	}
	r, err := st.LastJobRun(ctx, "sync", "")
	if err != nil || r.State != "done" || r.Attempts != 2 {
		t.Fatalf("sync run %+v %v", r, err)
	}
}
