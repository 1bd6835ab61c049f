package main

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/voc-dev/voc/store"
)

// callMetrics counts the HTTP calls voc makes to trackers, by host, method
// and status, and the ones that failed.
type callMetrics struct {
	calls  *prometheus.CounterVec
	errors *prometheus.CounterVec
}

func newCallMetrics(reg *prometheus.Registry) *callMetrics {
	m := &callMetrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "voc_sync_calls_total",
			Help: "HTTP calls to trackers (every attempt), by tracker host, method and status code."}, []string{"host", "method", "code"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "voc_sync_errors_total",
			Help: "Tracker calls that failed: no answer, or a 4xx/5xx status."}, []string{"host"}),
	}
	reg.MustRegister(m.calls, m.errors)
	return m
}

// newRankTimer is the histogram of how long each ranking of the whole
// backlog takes: its count says how many rankings a burst of events cost.
func newRankTimer(reg *prometheus.Registry) prometheus.Histogram {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: "voc_rank_seconds",
		Help: "Time to cluster and score the whole backlog, per ranking.", Buckets: prometheus.ExponentialBuckets(0.01, 4, 8)})
	reg.MustRegister(h)
	return h
}

type countingTransport struct {
	base http.RoundTripper
	m    *callMetrics
}

func (m *callMetrics) wrap(base http.RoundTripper) http.RoundTripper {
	return &countingTransport{base: base, m: m}
}

// RoundTrip implements http.RoundTripper.
func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	code := "error"
	if err == nil {
		code = strconv.Itoa(resp.StatusCode)
	}
	t.m.calls.WithLabelValues(r.URL.Host, r.Method, code).Inc()
	if err != nil || resp.StatusCode >= 400 {
		t.m.errors.WithLabelValues(r.URL.Host).Inc()
	}
	return resp, err
}

// trackerTransport is the transport trackers get by default: a bounded
// wait for response headers, so a hung tracker cannot stall a sync.
func trackerTransport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = 30 * time.Second
	return t
}

// storeCollector reports the store's row counts (items, topics, ...) at
// each scrape.
type storeCollector struct {
	st   *store.Store
	desc *prometheus.Desc
}

func registerStoreMetrics(reg *prometheus.Registry, st *store.Store) error {
	return reg.Register(&storeCollector{st: st, desc: prometheus.NewDesc("voc_records",
		"Records in the store, by table (conversations, items, topics, ...).", []string{"table"}, nil)})
}

// Describe implements prometheus.Collector.
func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect implements prometheus.Collector.
func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	counts, err := c.st.Counts(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	for table, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), strings.ToLower(table))
	}
}
