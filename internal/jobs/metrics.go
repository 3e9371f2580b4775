package jobs

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// metrics are what this node's workers did; the queue's depth is read from the
// database at each scrape (see depthCollector), so every node reports the same.
type metrics struct {
	attempts *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics() *metrics {
	return &metrics{
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lyo_jobs_attempts_total",
			Help: "Job attempts worked on this node, by kind and outcome (ok, error, panic)."}, []string{"kind", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "lyo_jobs_attempt_duration_seconds",
			Help:    "Time one job attempt took on this node, by kind.",
			Buckets: []float64{.005, .025, .1, .5, 1, 5, 15, 60, 300}}, []string{"kind"}),
	}
}

// observer is River middleware around every attempt this node works.
type observer struct {
	river.MiddlewareDefaults
	m *metrics
}

func (o *observer) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) (err error) {
	start := time.Now()
	outcome := "panic" // unless doInner returns
	defer func() {
		o.m.attempts.WithLabelValues(job.Kind, outcome).Inc()
		o.m.duration.WithLabelValues(job.Kind).Observe(time.Since(start).Seconds())
	}()
	err = doInner(ctx)
	outcome = "ok"
	if err != nil {
		outcome = "error"
	}
	return err
}

// depthTimeout bounds the scrape-time count, so a slow database slows /metrics
// by at most this much.
const depthTimeout = 2 * time.Second

var (
	depthDesc = prometheus.NewDesc("lyo_jobs", "Jobs in the queue by queue and state, read from the database at scrape time.",
		[]string{"queue", "state"}, nil)
	depthUpDesc = prometheus.NewDesc("lyo_jobs_state_up", "1 when the last scrape could read the queue's state, 0 when it could not.", nil, nil)
)

type depthCollector struct{ state stateReader }

func (c depthCollector) Describe(ch chan<- *prometheus.Desc) { ch <- depthDesc; ch <- depthUpDesc }

func (c depthCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), depthTimeout)
	defer cancel()
	counts, err := c.state.counts(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(depthUpDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(depthUpDesc, prometheus.GaugeValue, 1)
	for _, n := range counts {
		ch <- prometheus.MustNewConstMetric(depthDesc, prometheus.GaugeValue, float64(n.Jobs), n.Queue, n.State)
	}
}

// RegisterMetrics adds the queue's metrics to reg: lyo_jobs{queue,state} (depth,
// failures show as retryable and discarded), lyo_jobs_attempts_total{kind,outcome}
// and lyo_jobs_attempt_duration_seconds{kind}.
func (q *Queue) RegisterMetrics(reg prometheus.Registerer) error {
	for _, c := range []prometheus.Collector{q.metrics.attempts, q.metrics.duration, depthCollector{q.state}} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}
