package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/voc-dev/voc/store/storetest"
)

func TestQueueDedupAndLifecycle(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		dup, err := s.Enqueue(ctx, "github", "d-1", "github.issues", []byte(`{"a":1}`))
		if err != nil || dup {
			t.Fatalf("first enqueue: dup=%v err=%v", dup, err)
		}
		dup, err = s.Enqueue(ctx, "github", "d-1", "github.issues", []byte(`{"a":2}`))
		if err != nil || !dup {
			t.Fatalf("redelivery: dup=%v err=%v, want duplicate", dup, err)
		}
		if dup, _ := s.Enqueue(ctx, "jira", "d-1", "jira.issue", []byte(`{}`)); dup {
			t.Fatal("same delivery ID from another source counted as duplicate")
		}
		if _, err := s.Enqueue(ctx, "github", "", "x", nil); err == nil {
			t.Fatal("empty delivery ID accepted")
		}
		evs, err := s.ClaimEvents(ctx, "w1", 10, time.Minute)
		if err != nil || len(evs) != 2 {
			t.Fatalf("claim: %d events, err %v", len(evs), err)
		}
		if evs[0].DeliveryID != "d-1" || string(evs[0].Payload) != `{"a":1}` || evs[0].Attempts != 1 {
			t.Fatalf("first event %+v: want the first delivery's payload, attempt 1", evs[0])
		}
		if again, _ := s.ClaimEvents(ctx, "w2", 10, time.Minute); len(again) != 0 {
			t.Fatalf("leased events claimed twice: %+v", again)
		}
		if err := s.CompleteEvent(ctx, evs[0].ID, "w2"); !errors.Is(err, ErrLeaseLost) {
			t.Fatalf("complete by a non-owner: %v, want ErrLeaseLost", err)
		}
		if err := s.CompleteEvent(ctx, evs[0].ID, "w1"); err != nil {
			t.Fatal(err)
		}
		if err := s.FailEvent(ctx, evs[1].ID, "w1", "boom", 0, 2); err != nil {
			t.Fatal(err)
		}
		retry, _ := s.ClaimEvents(ctx, "w1", 10, time.Minute)
		if len(retry) != 1 || retry[0].Attempts != 2 {
			t.Fatalf("failed event not retried once: %+v", retry)
		}
		if err := s.FailEvent(ctx, retry[0].ID, "w1", "boom again", 0, 2); err != nil {
			t.Fatal(err)
		}
		st, err := s.QueueStats(ctx)
		if err != nil || st != (QueueStats{Done: 1, Dead: 1}) {
			t.Fatalf("stats %+v err %v, want 1 done 1 dead", st, err)
		}
		if dup, _ := s.Enqueue(ctx, "github", "d-1", "github.issues", nil); !dup {
			t.Fatal("a done event's redelivery was queued again")
		}
		if n, err := s.PurgeEvents(ctx, time.Now().Add(time.Hour)); err != nil || n != 1 {
			t.Fatalf("purge: %d %v, want the one done event", n, err)
		}
	})
}

func TestQueueLeaseExpiryAndRelease(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for i := range 3 {
			s.Enqueue(ctx, "zendesk", fmt.Sprint(i), "zendesk.ticket", nil)
		}
		// A worker that dies holding a lease: its events come back when
		// the lease runs out.
		evs, _ := s.ClaimEvents(ctx, "dead-worker", 2, 50*time.Millisecond)
		if len(evs) != 2 {
			t.Fatalf("claimed %d", len(evs))
		}
		time.Sleep(120 * time.Millisecond)
		back, _ := s.ClaimEvents(ctx, "w2", 10, time.Minute)
		if len(back) != 3 {
			t.Fatalf("after lease expiry claimed %d, want all 3", len(back))
		}
		if err := s.CompleteEvent(ctx, evs[0].ID, "dead-worker"); !errors.Is(err, ErrLeaseLost) {
			t.Fatalf("expired owner completed: %v", err)
		}
		n, err := s.ReleaseEvents(ctx, "w2")
		if err != nil || n != 3 {
			t.Fatalf("release: %d %v", n, err)
		}
		again, _ := s.ClaimEvents(ctx, "w3", 10, time.Minute)
		if len(again) != 3 || again[2].Attempts != 1 {
			t.Fatalf("released events: %+v, want 3 claimable without the released attempt counted", again)
		}
	})
}

// twoStores opens the same database twice, as two servers would.
func twoStores(t *testing.T, pg bool) (*Store, *Store) {
	dsn := filepath.Join(t.TempDir(), "voc.db")
	if pg {
		dsn = storetest.PostgresDSN(t)
	}
	var out [2]*Store
	for i := range out {
		s, err := Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		out[i] = s
	}
	return out[0], out[1]
}

func TestConcurrentClaimersNeverShareAnEvent(t *testing.T) {
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			a, b := twoStores(t, pg)
			ctx := context.Background()
			const n = 300
			for i := range n {
				a.Enqueue(ctx, "github", fmt.Sprint(i), "github.issues", nil)
			}
			var mu sync.Mutex
			seen := map[int64]string{}
			var wg sync.WaitGroup
			for w := range 6 {
				s := []*Store{a, b}[w%2]
				wg.Add(1)
				go func() {
					defer wg.Done()
					owner := fmt.Sprint("w", w)
					for {
						evs, err := s.ClaimEvents(ctx, owner, 7, time.Minute)
						if err != nil {
							t.Error(err)
							return
						}
						if len(evs) == 0 {
							return
						}
						for _, e := range evs {
							mu.Lock()
							if prev, ok := seen[e.ID]; ok {
								t.Errorf("event %d claimed by %s and %s", e.ID, prev, owner)
							}
							seen[e.ID] = owner
							mu.Unlock()
							if err := s.CompleteEvent(ctx, e.ID, owner); err != nil {
								t.Error(err)
							}
						}
					}
				}()
			}
			wg.Wait()
			if len(seen) != n {
				t.Fatalf("%d of %d events processed", len(seen), n)
			}
		})
	}
}

func TestTwoServersRunEachDueJobOnce(t *testing.T) {
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			a, b := twoStores(t, pg)
			ctx := context.Background()
			base := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
			const jobs, dues = 5, 40
			var mu sync.Mutex
			won := map[string]int{}
			var wg sync.WaitGroup
			for w := range 4 {
				s := []*Store{a, b}[w%2]
				wg.Add(1)
				go func() {
					defer wg.Done()
					for d := range dues {
						for j := range jobs {
							job, due := fmt.Sprint("job", j), base.Add(time.Duration(d)*time.Minute)
							ok, err := s.ClaimJob(ctx, job, due, fmt.Sprint("server", w), time.Minute, true)
							if err != nil {
								t.Error(err)
								return
							}
							if ok {
								mu.Lock()
								won[job+due.String()]++
								mu.Unlock()
								if err := s.FinishJob(ctx, job, due, fmt.Sprint("server", w), nil); err != nil {
									t.Error(err)
								}
							}
						}
					}
				}()
			}
			wg.Wait()
			if len(won) != jobs*dues {
				t.Fatalf("%d of %d due jobs ran", len(won), jobs*dues)
			}
			for k, n := range won {
				if n != 1 {
					t.Errorf("%s ran %d times", k, n)
				}
			}
			runs, _ := a.JobRuns(ctx, "job0")
			if len(runs) != dues || runs[0].State != "done" || !runs[0].DueAt.Equal(base) {
				t.Fatalf("job0 runs: %d, first %+v", len(runs), runs[0])
			}
		})
	}
}

func TestJobRetakeAfterCrash(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		due := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		if ok, _ := s.ClaimJob(ctx, "sync", due, "a", 50*time.Millisecond, true); !ok {
			t.Fatal("first claim lost")
		}
		if ok, _ := s.ClaimJob(ctx, "sync", due, "b", time.Minute, true); ok {
			t.Fatal("live lease taken over")
		}
		if ok, _ := s.ClaimJob(ctx, "digest", due, "a", 50*time.Millisecond, false); !ok {
			t.Fatal("digest claim lost")
		}
		time.Sleep(120 * time.Millisecond)
		if ok, _ := s.ClaimJob(ctx, "sync", due, "b", time.Minute, true); !ok {
			t.Fatal("crashed owner's lapsed run not retaken")
		}
		if ok, _ := s.ClaimJob(ctx, "digest", due, "b", time.Minute, false); ok {
			t.Fatal("an at-most-once job was run again")
		}
		if err := s.FinishJob(ctx, "sync", due, "a", nil); !errors.Is(err, ErrLeaseLost) {
			t.Fatalf("old owner finished a retaken run: %v", err)
		}
		if err := s.FinishJob(ctx, "sync", due, "b", errors.New("tracker down")); err != nil {
			t.Fatal(err)
		}
		r, err := s.LastJobRun(ctx, "sync", "")
		if err != nil || r.State != "failed" || r.Error != "tracker down" || r.Attempts != 2 || r.Owner != "b" {
			t.Fatalf("last run %+v err %v", r, err)
		}
		if _, err := s.LastJobRun(ctx, "sync", "done"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("no done run: %v", err)
		}
	})
}

func TestWithLockExcludesOtherServers(t *testing.T) {
	a, b := twoStores(t, true)
	ctx := context.Background()
	var mu sync.Mutex
	inside, maxInside := 0, 0
	var wg sync.WaitGroup
	for i := range 6 {
		s := []*Store{a, b}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.WithLock(ctx, "rank", func() error {
				mu.Lock()
				inside++
				maxInside = max(maxInside, inside)
				mu.Unlock()
				time.Sleep(20 * time.Millisecond)
				mu.Lock()
				inside--
				mu.Unlock()
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if maxInside != 1 {
		t.Fatalf("%d holders of the lock at once", maxInside)
	}
}

func TestPurgeJobRunsByPrefix(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		old := time.Now().Add(-30 * 24 * time.Hour)
		for _, job := range []string{"slack-reply:slack:T1", "slack-reply:slack:T2", "digest:C1", "slack_replyX", "slack-reply_x:1"} {
			s.ClaimJob(ctx, job, old, "w", time.Minute, false)
			s.FinishJob(ctx, job, old, "w", nil)
		}
		s.ClaimJob(ctx, "slack-reply:slack:T3", old, "w", time.Minute, false) // still running: kept
		n, err := s.PurgeJobRuns(ctx, "slack-reply:", time.Now().Add(-7*24*time.Hour))
		if err != nil || n != 2 {
			t.Fatalf("purged %d (%v), want the two finished replies", n, err)
		}
		// An underscore in the prefix is a letter, not a wildcard.
		if n, err := s.PurgeJobRuns(ctx, "slack_reply", time.Now()); err != nil || n != 1 {
			t.Fatalf("purged %d (%v) for prefix slack_reply, want only slack_replyX", n, err)
		}
		for _, job := range []string{"digest:C1", "slack-reply_x:1", "slack-reply:slack:T3"} {
			if _, err := s.LastJobRun(ctx, job, ""); err != nil {
				t.Errorf("%s purged: %v", job, err)
			}
		}
	})
}

func TestCompleteEventsInOneStatement(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for i := range 4 {
			s.Enqueue(ctx, "github", fmt.Sprint("c", i), "github.issues", nil)
		}
		mine, _ := s.ClaimEvents(ctx, "w1", 3, time.Minute)
		other, _ := s.ClaimEvents(ctx, "w2", 3, time.Minute)
		if len(mine) != 3 || len(other) != 1 {
			t.Fatalf("claims %d and %d", len(mine), len(other))
		}
		done, err := s.CompleteEvents(ctx, "w1", []int64{mine[0].ID, mine[2].ID, other[0].ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(done) != 2 || (done[0] != mine[0].ID && done[1] != mine[0].ID) {
			t.Fatalf("marked %v, want only w1's two", done)
		}
		if q, _ := s.QueueStats(ctx); q.Done != 2 || q.Pending != 2 {
			t.Fatalf("queue %+v", q)
		}
		if done, err := s.CompleteEvents(ctx, "w1", nil); err != nil || done != nil {
			t.Fatalf("empty batch: %v %v", done, err)
		}
	})
}
