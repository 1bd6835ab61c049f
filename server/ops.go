package server

import (
	"context"
	"net/http"
	"time"
)

// mountOps mounts /healthz (the process answers), /readyz (it can work:
// the database answers) and /metrics (Prometheus).
func (s *Server) mountOps() {
	s.Handle("GET /healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	}))
	s.Handle("GET /readyz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if s.cfg.Ready != nil {
			if err := s.cfg.Ready(ctx); err != nil {
				s.log.Warn("not ready", "err", err)
				w.WriteHeader(http.StatusServiceUnavailable)
				w.Write([]byte("not ready: the database does not answer\n"))
				return
			}
		}
		if _, err := s.cfg.Queue.QueueStats(ctx); err != nil {
			s.log.Warn("not ready", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("not ready: the queue does not answer\n"))
			return
		}
		w.Write([]byte("ready\n"))
	}))
	s.Handle("GET /metrics", s.metrics.handler())
}
