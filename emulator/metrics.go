package emulator

import (
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ferry-emulator/ferry/iot"
	"github.com/ferry-emulator/ferry/sns"
	"github.com/ferry-emulator/ferry/sqs"
)

// metrics are ferry's Prometheus metrics, served at /_ferry/metrics from a
// registry the server owns.
type metrics struct {
	registry  *prometheus.Registry
	requests  *prometheus.CounterVec   // service, action, code ("" when it succeeded)
	latency   *prometheus.HistogramVec // service, action
	decisions *prometheus.CounterVec   // decision, enforced
	decided   [4]prometheus.Counter    // Allow/Deny x not enforced/enforced, resolved once

	// perAction caches the success counter and latency observer of each
	// (service, action), so the hot path does no label lookups.
	perAction sync.Map // actionKey -> *actionMetrics
}

type actionKey struct{ service, action string }

type actionMetrics struct {
	ok      prometheus.Counter
	latency prometheus.Observer
}

func newMetrics(sqsService *sqs.Service, snsService *sns.Service, iotService *iot.Service) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ferry_requests_total",
			Help: "AWS API requests by service, action and error code (empty when the request succeeded).",
		}, []string{"service", "action", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "ferry_request_duration_seconds",
			Help:    "Time to serve an AWS API request, by service and action.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 20},
		}, []string{"service", "action"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ferry_authorization_decisions_total",
			Help: "Authorization decisions by outcome (Allow or Deny) and whether they were enforced.",
		}, []string{"decision", "enforced"}),
	}
	for i, d := range []string{"Allow", "Deny"} {
		for j, e := range []string{"false", "true"} {
			m.decided[2*i+j] = m.decisions.WithLabelValues(d, e)
		}
	}
	m.registry.MustRegister(m.requests, m.latency, m.decisions,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		queueCollector{sqsService}, topicCollector{snsService}, ruleCollector{iotService})
	return m
}

// observe records one request; code is the error code, "" on success.
func (m *metrics) observe(service, action, code string, took time.Duration) {
	if service == "" {
		service = "unknown"
	}
	if code != "" {
		m.requests.WithLabelValues(service, action, code).Inc()
		m.latency.WithLabelValues(service, action).Observe(took.Seconds())
		return
	}
	k := actionKey{service, action}
	am, ok := m.perAction.Load(k)
	if !ok {
		am, _ = m.perAction.LoadOrStore(k, &actionMetrics{
			ok:      m.requests.WithLabelValues(service, action, ""),
			latency: m.latency.WithLabelValues(service, action),
		})
	}
	a := am.(*actionMetrics)
	a.ok.Inc()
	a.latency.Observe(took.Seconds())
}

// decision counts one authorization decision.
func (m *metrics) decision(decision string, enforced bool) {
	i := 0
	if decision == "Deny" {
		i = 2
	}
	if enforced {
		i++
	}
	m.decided[i].Inc()
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// queueCollector reports every queue's depth when scraped, so sending and
// receiving pay nothing for it.
type queueCollector struct{ sqs *sqs.Service }

var queueDepth = prometheus.NewDesc("ferry_sqs_queue_messages",
	"Messages in each SQS queue by state (visible, in_flight, delayed).",
	[]string{"account", "region", "queue", "state"}, nil)

func (c queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- queueDepth }

func (c queueCollector) Collect(ch chan<- prometheus.Metric) {
	for _, q := range c.sqs.Depths() {
		for _, s := range []struct {
			state string
			n     int
		}{{"visible", q.Visible}, {"in_flight", q.InFlight}, {"delayed", q.Delayed}} {
			ch <- prometheus.MustNewConstMetric(queueDepth, prometheus.GaugeValue, float64(s.n), q.Account, q.Region, q.Name, s.state)
		}
	}
}

// topicCollector reports what became of each topic's messages when scraped.
type topicCollector struct{ sns *sns.Service }

var topicMessages = prometheus.NewDesc("ferry_sns_messages_total",
	"SNS messages by topic and outcome: published, and per subscriber delivered, failed (every failed HTTP/S attempt) or filtered_out.",
	[]string{"account", "region", "topic", "outcome"}, nil)

func (c topicCollector) Describe(ch chan<- *prometheus.Desc) { ch <- topicMessages }

func (c topicCollector) Collect(ch chan<- prometheus.Metric) {
	for _, t := range c.sns.Topics() {
		for _, o := range []struct {
			outcome string
			n       int64
		}{{"published", t.Published}, {"delivered", t.Delivered}, {"failed", t.Failed}, {"filtered_out", t.FilteredOut}} {
			ch <- prometheus.MustNewConstMetric(topicMessages, prometheus.CounterValue, float64(o.n), t.Account, t.Region, t.Name, o.outcome)
		}
	}
}

// ruleCollector reports what each IoT rule did when scraped.
type ruleCollector struct{ iot *iot.Service }

var ruleMessages = prometheus.NewDesc("ferry_iot_rule_messages_total",
	"IoT rule outcomes by rule: matched (messages whose WHERE held), action_succeeded, action_failed, error_action.",
	[]string{"account", "region", "rule", "outcome"}, nil)

func (c ruleCollector) Describe(ch chan<- *prometheus.Desc) { ch <- ruleMessages }

func (c ruleCollector) Collect(ch chan<- prometheus.Metric) {
	for _, r := range c.iot.RuleViews() {
		for _, o := range []struct {
			outcome string
			n       int64
		}{{"matched", r.Matched}, {"action_succeeded", r.Succeeded}, {"action_failed", r.Failed}, {"error_action", r.ErrorActions}} {
			ch <- prometheus.MustNewConstMetric(ruleMessages, prometheus.CounterValue, float64(o.n), r.Account, r.Region, r.Name, o.outcome)
		}
	}
}
