package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	events   *prometheus.CounterVec
	eventAge prometheus.Histogram
	intake   *prometheus.CounterVec
	jobs     *prometheus.CounterVec
	jobTime  *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry, q Queue) (*metrics, error) {
	m := &metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "voc_http_requests_total",
			Help: "HTTP requests served, by route and status code."}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "voc_http_request_duration_seconds",
			Help: "HTTP request latency, by route.", Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}}, []string{"route"}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "voc_events_processed_total",
			Help: "Queued events processed, by source and result (done, ignored, retry, dead, unrecorded)."}, []string{"source", "result"}),
		eventAge: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "voc_event_delay_seconds",
			Help: "Time from a webhook's receipt to the end of its processing.", Buckets: prometheus.ExponentialBuckets(0.01, 4, 10)}),
		intake: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "voc_webhook_deliveries_total",
			Help: "Webhook deliveries received, by source and outcome (queued, duplicate, rejected, too_large, error)."}, []string{"source", "outcome"}),
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "voc_job_runs_total",
			Help: "Scheduled job runs by this server, by job and result."}, []string{"job", "result"}),
		jobTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "voc_job_duration_seconds",
			Help: "Scheduled job run time.", Buckets: prometheus.ExponentialBuckets(0.01, 4, 10)}, []string{"job"}),
	}
	depth := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "voc_queue_depth",
		Help: "Events waiting in the durable queue (all servers)."}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		st, err := q.QueueStats(ctx)
		if err != nil {
			return -1
		}
		return float64(st.Pending)
	})
	for _, c := range []prometheus.Collector{m.requests, m.latency, m.events, m.eventAge, m.intake, m.jobs, m.jobTime, depth,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		if err := reg.Register(c); err != nil {
			if _, dup := err.(prometheus.AlreadyRegisteredError); !dup {
				return nil, err
			}
		}
	}
	return m, nil
}

func (m *metrics) observeJob(job string, err error, took time.Duration) {
	result := "done"
	if err != nil {
		result = "failed"
	}
	m.jobs.WithLabelValues(job, result).Inc()
	m.jobTime.WithLabelValues(job).Observe(took.Seconds())
}

// instrument counts and times requests to one route.
func (m *metrics) instrument(route string, h http.Handler) http.Handler {
	lat := m.latency.WithLabelValues(route)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		h.ServeHTTP(sw, r)
		lat.Observe(time.Since(start).Seconds())
		m.requests.WithLabelValues(route, strconv.Itoa(sw.code)).Inc()
	})
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

type statusWriter struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.code, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
