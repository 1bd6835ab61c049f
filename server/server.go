// Package server is voc serve's HTTP side and its background work: it
// mounts handlers (webhooks, the backlog page, health and metrics) on one
// listener, hands webhook deliveries to a durable queue, drains that queue
// with workers, and runs scheduled jobs once per due time however many
// servers share the database. It knows nothing of voc's stages: cmd/voc
// registers what each event kind and job does.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/voc-dev/voc/store"
)

// Queue is the durable event queue the intake writes to and workers drain.
type Queue interface {
	Enqueue(ctx context.Context, source, deliveryID, kind string, payload []byte) (duplicate bool, err error)
	ClaimEvents(ctx context.Context, owner string, n int, lease time.Duration) ([]store.Event, error)
	CompleteEvents(ctx context.Context, owner string, ids []int64) (done []int64, err error)
	FailEvent(ctx context.Context, id int64, owner, reason string, backoff time.Duration, maxAttempts int) error
	ReleaseEvents(ctx context.Context, owner string) (int, error)
	QueueStats(ctx context.Context) (store.QueueStats, error)
}

// JobStore records scheduled job runs so each due run happens once.
type JobStore interface {
	ClaimJob(ctx context.Context, job string, due time.Time, owner string, lease time.Duration, retake bool) (bool, error)
	ExtendJob(ctx context.Context, job string, due time.Time, owner string, lease time.Duration) error
	FinishJob(ctx context.Context, job string, due time.Time, owner string, runErr error) error
}

// Config sets up a Server. Queue and Jobs are required; the rest default.
type Config struct {
	Addr  string // listen address, e.g. ":8080"
	ID    string // this server's name in leases; default host-pid-random
	Queue Queue
	Jobs  JobStore
	Log   *slog.Logger
	// Registry receives the server's metrics and is served on /metrics.
	Registry *prometheus.Registry
	// Ready reports whether the server can do its work (database
	// reachable); /readyz answers 503 while it fails.
	Ready func(context.Context) error

	Workers     int           // event workers (default 2)
	Batch       int           // events claimed at a time (default 8)
	Poll        time.Duration // queue poll interval when idle (default 500ms)
	Gather      time.Duration // wait after a wake-up before claiming, to batch a burst (default 5ms)
	Lease       time.Duration // event lease (default 2m)
	MaxAttempts int           // tries before an event is set aside as dead (default 8)
	Tick        time.Duration // scheduler tick (default 1s)
	// Grace bounds a graceful shutdown: in-flight work gets this long to
	// finish before it is cancelled and its events handed back (default 20s).
	Grace time.Duration
}

// Server is one voc serve process.
type Server struct {
	cfg      Config
	log      *slog.Logger
	mux      *http.ServeMux
	handlers map[string]handler
	jobs     []Job
	metrics  *metrics
	wake     chan struct{}
	addr     chan string

	mu     sync.Mutex
	routes []string
}

// New makes a Server; register handlers, event kinds and jobs, then Run it.
func New(cfg Config) (*Server, error) {
	if cfg.Queue == nil || cfg.Jobs == nil {
		return nil, errors.New("server: a queue and a job store are required")
	}
	if cfg.ID == "" {
		host, _ := os.Hostname()
		b := make([]byte, 3)
		rand.Read(b)
		cfg.ID = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.Poll, 500*time.Millisecond)
	def(&cfg.Gather, 5*time.Millisecond)
	def(&cfg.Lease, 2*time.Minute)
	def(&cfg.Tick, time.Second)
	def(&cfg.Grace, 20*time.Second)
	if cfg.Workers <= 0 {
		cfg.Workers = 2
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 8
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	s := &Server{cfg: cfg, log: cfg.Log, mux: http.NewServeMux(), handlers: map[string]handler{},
		wake: make(chan struct{}, 1), addr: make(chan string, 1)}
	m, err := newMetrics(cfg.Registry, cfg.Queue)
	if err != nil {
		return nil, err
	}
	s.metrics = m
	s.mountOps()
	return s, nil
}

// ID is the name this server holds leases under.
func (s *Server) ID() string { return s.cfg.ID }

// Handle mounts h at pattern (http.ServeMux syntax), measured under route.
func (s *Server) Handle(pattern string, h http.Handler) {
	s.mu.Lock()
	s.routes = append(s.routes, pattern)
	s.mu.Unlock()
	s.mux.Handle(pattern, s.metrics.instrument(pattern, h))
}

// Handler is the server's whole HTTP handler, for tests and embedding.
func (s *Server) Handler() http.Handler { return s.mux }

// Addr returns the address the listener is bound to, once Run has bound it.
func (s *Server) Addr(ctx context.Context) (string, error) {
	select {
	case a := <-s.addr:
		s.addr <- a
		return a, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// notify wakes an idle worker: an event has just been queued.
func (s *Server) notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run listens on Config.Addr and runs the workers and the scheduler until
// ctx is done, then shuts down gracefully: the listener stops taking
// requests, in-flight requests and work get Config.Grace to finish, and
// events still held are handed back to the queue for the next server.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("server: listen on %s: %w", s.cfg.Addr, err)
	}
	s.addr <- ln.Addr().String()
	srv := &http.Server{Handler: s.mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	// Work runs under its own context: cancelling ctx stops new work at
	// once, but in-flight work is only cancelled when the grace runs out.
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	var wg sync.WaitGroup
	for i := range s.cfg.Workers {
		wg.Add(1)
		go func() { defer wg.Done(); s.work(ctx, workCtx, i) }()
	}
	wg.Add(1)
	go func() { defer wg.Done(); s.schedule(ctx, workCtx) }()
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	s.log.Info("voc serve listening", "addr", ln.Addr().String(), "server", s.cfg.ID, "routes", len(s.routes))

	select {
	case err := <-serveErr:
		cancelWork()
		wg.Wait()
		s.release()
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("voc serve shutting down", "grace", s.cfg.Grace)
	graceCtx, cancel := context.WithTimeout(context.Background(), s.cfg.Grace)
	defer cancel()
	shutErr := srv.Shutdown(graceCtx)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-graceCtx.Done():
		s.log.Warn("grace period over: cancelling in-flight work")
		cancelWork()
		<-done
	}
	s.release()
	if shutErr != nil && !errors.Is(shutErr, context.DeadlineExceeded) {
		return fmt.Errorf("server: shutdown: %w", shutErr)
	}
	return nil
}

// release hands back any event this server still holds.
func (s *Server) release() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n, err := s.cfg.Queue.ReleaseEvents(ctx, s.cfg.ID)
	if err != nil {
		s.log.Error("could not hand back in-flight events; their leases will lapse", "err", err)
	} else if n > 0 {
		s.log.Info("handed back in-flight events", "events", n)
	}
}
