package obs

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/lyolearn/lyo/internal/store/poolstat"
)

// Metrics is the process's Prometheus registry and the HTTP measurements.
// It implements httpx.Observer.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
	errors   *prometheus.CounterVec
	refused  prometheus.Counter
	series   sync.Map // seriesKey → *requestSeries: label lookups once per series, not per request
}

type seriesKey struct {
	route, method string
	class         int
}

type requestSeries struct {
	count    prometheus.Counter
	duration prometheus.Observer
}

// NewMetrics registers the HTTP, Go runtime and process collectors.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lyo_http_requests_total", Help: "HTTP requests answered, by route pattern, method and status class.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "lyo_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route pattern, method and status class.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method", "status"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "lyo_http_requests_in_flight", Help: "HTTP requests being served now.",
		}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lyo_http_errors_total", Help: "Error responses by category (validation, auth, forbidden, not_found, conflict, rate_limited, dependency, internal) and problem code.",
		}, []string{"category", "code"}),
		refused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lyo_http_connections_refused_total", Help: "Connections closed on accept because their address held LYO_MAX_CONNS_PER_CLIENT already.",
		}),
	}
	reg.MustRegister(m.requests, m.duration, m.inFlight, m.errors, m.refused,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// RequestStarted counts a request in flight.
func (m *Metrics) RequestStarted() { m.inFlight.Inc() }

// RequestDone records an answered request.
func (m *Metrics) RequestDone(route, method string, status int, d time.Duration) {
	m.inFlight.Dec()
	key := seriesKey{route, normMethod(method), status / 100}
	v, ok := m.series.Load(key)
	if !ok {
		class := strconv.Itoa(key.class) + "xx"
		v, _ = m.series.LoadOrStore(key, &requestSeries{
			count:    m.requests.WithLabelValues(key.route, key.method, class),
			duration: m.duration.WithLabelValues(key.route, key.method, class),
		})
	}
	s := v.(*requestSeries)
	s.count.Inc()
	s.duration.Observe(d.Seconds())
}

// ErrorAnswered counts an error response.
func (m *Metrics) ErrorAnswered(category, code string) {
	if code == "" {
		code = "unknown"
	}
	m.errors.WithLabelValues(category, code).Inc()
}

// ConnectionRefused counts a connection closed for its address's cap.
func (m *Metrics) ConnectionRefused() { m.refused.Inc() }

// normMethod keeps label cardinality bounded whatever methods clients invent.
func normMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "OTHER"
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// RegisterPool exports a database pool's state, read at scrape time.
func (m *Metrics) RegisterPool(engine string, stats func() poolstat.Stats) {
	labels := prometheus.Labels{"engine": engine}
	gauge := func(name, help string, f func(poolstat.Stats) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help, ConstLabels: labels},
			func() float64 { return f(stats()) })
	}
	m.Registry.MustRegister(
		gauge("lyo_db_connections_open", "Database connections open.", func(s poolstat.Stats) float64 { return float64(s.Open) }),
		gauge("lyo_db_connections_in_use", "Database connections in use.", func(s poolstat.Stats) float64 { return float64(s.InUse) }),
		gauge("lyo_db_connections_idle", "Database connections idle.", func(s poolstat.Stats) float64 { return float64(s.Idle) }),
		gauge("lyo_db_connections_max", "Database pool size limit.", func(s poolstat.Stats) float64 { return float64(s.MaxOpen) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "lyo_db_connection_waits_total", Help: "Times a caller waited for a database connection.", ConstLabels: labels},
			func() float64 { return float64(stats().WaitCount) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "lyo_db_connection_wait_seconds_total", Help: "Time callers spent waiting for a database connection.", ConstLabels: labels},
			func() float64 { return stats().WaitDuration.Seconds() }),
	)
}
