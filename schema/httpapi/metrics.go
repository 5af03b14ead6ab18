package httpapi

import (
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/chancery/chancery/schema"
)

// reasonPersistedNotFound is a persisted query's hash the server does not
// know: the client is expected to send the query once with it.
const reasonPersistedNotFound = "persisted_query_not_found"

// reasonStale is a request for data at least as new as a version this
// server did not reach in time (see consistency.go).
const reasonStale = "stale"

// reasons are the values of the reason label of
// chancery_requests_rejected_total: the reasons the schema refuses a
// request for, and those this transport adds.
var reasons = append(slices.Clip(schema.Reasons), reasonPersistedNotFound, reasonStale)

// readMethod names a method of graph.Reader, the values of the method
// label of chancery_store_reads_total.
type readMethod int

const (
	readEntity readMethod = iota
	readEntitiesByID
	readRelation
	readRelations
	readRelationsByID
	readAdjacent
	readEntities
	readDegrees
	readMissionsOf
	readLookupName
	readSearch
	readCount
	numReadMethods
)

var readMethodNames = [numReadMethods]string{"Entity", "EntitiesByID", "Relation", "Relations", "RelationsByID",
	"Adjacent", "Entities", "Degrees", "MissionsOf", "LookupName", "Search", "Count"}

// maxOperationLabels bounds the distinct operation names the metrics keep
// apart. Clients choose operation names, so past this many every new one
// is counted as "other" rather than growing the metrics without end.
const maxOperationLabels = 200

// Operation labels that are not an operation's name: an operation without
// one, a request whose operation cannot be told (its body is not JSON, its
// query does not parse, its persisted query is unknown), and any name past
// maxOperationLabels.
const (
	opAnonymous = schema.AnonymousOperation
	opUnknown   = "unknown"
	opOther     = "other"
)

// Metrics are the Prometheus collectors of the Handlers that count into
// them. They live in a registry of their own, not the process-wide
// default, so that several handlers in one process (tests build many)
// never collide. A Handler makes its own and serves them at /metrics
// unless HandlerOptions.Metrics gives it these, to be served elsewhere.
type Metrics struct {
	reg *prometheus.Registry

	requests *prometheus.CounterVec   // route, operation, status
	duration *prometheus.HistogramVec // route, operation
	inFlight prometheus.Gauge
	rejected *prometheus.CounterVec // reason
	cost     prometheus.Histogram
	reads    [numReadMethods]prometheus.Counter

	cacheHits, cacheMisses prometheus.Counter
	cacheBytes             prometheus.Gauge

	mu         sync.Mutex
	operations map[string]bool // operation names given a label of their own
}

// NewMetrics returns the collectors, the Go runtime's and the process's
// among them, for HandlerOptions.Metrics. storeSize, if not nil, reports
// the store's size on disk and is read at every scrape.
func NewMetrics(storeSize func() (lsm, vlog int64)) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chancery_http_requests_total",
			Help: "HTTP requests answered, by route, GraphQL operation name (anonymous if it has none, unknown if the request does not say, other past 200 names; empty off /graphql) and status.",
		}, []string{"route", "operation", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "chancery_http_request_duration_seconds",
			Help:    "Time from a request's arrival to the end of its answer, by route and GraphQL operation name.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "operation"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "chancery_http_requests_in_flight",
			Help: "Requests being served now.",
		}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chancery_requests_rejected_total",
			Help: "Requests refused, by reason: a limit (length, depth, aliases, root_fields, cost), a query that does not parse or validate, missing or wrong credentials, a timeout, a costly query while the server ran as many as it allows (busy), or a persisted query's hash the server does not know.",
		}, []string{"reason"}),
		cost: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "chancery_graphql_estimated_cost",
			Help:    "The estimated cost of each query that could be estimated, refused or not; compare with --max-cost.",
			Buckets: prometheus.ExponentialBuckets(10, 4, 10),
		}),
		operations: map[string]bool{},
	}
	reads := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "chancery_store_reads_total",
		Help: "Calls the GraphQL resolvers made to the store, by method of graph.Reader.",
	}, []string{"method"})
	for i, name := range readMethodNames {
		m.reads[i] = reads.WithLabelValues(name)
	}
	for _, r := range reasons {
		m.rejected.WithLabelValues(r) // present at zero from the start
	}
	lookups := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "chancery_response_cache_lookups_total",
		Help: "Queries looked up in the response cache (chancery serve --response-cache), by result: hit (answered from the cache without running) or miss (run, and kept if the answer has no errors). Mutations and refused requests are never looked up.",
	}, []string{"result"})
	m.cacheHits, m.cacheMisses = lookups.WithLabelValues("hit"), lookups.WithLabelValues("miss")
	m.cacheBytes = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "chancery_response_cache_bytes",
		Help: "Bytes of answers the response cache holds, about; at most --response-cache.",
	})
	m.reg.MustRegister(m.requests, m.duration, m.inFlight, m.rejected, m.cost, reads, lookups, m.cacheBytes,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if storeSize != nil {
		m.reg.MustRegister(storeSizeCollector(storeSize))
	}
	return m
}

// Handler serves the metrics in Prometheus's text format (or OpenMetrics,
// if the scraper asks for it); what cannot be gathered is logged to log
// (nil: slog.Default()).
func (m *Metrics) Handler(log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.Default()
	}
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelError),
		Registry:          m.reg,
		EnableOpenMetrics: true,
	})
}

// operationLabel is the operation label for a request: its operation's
// name, "anonymous", "unknown" for "", or "other" once maxOperationLabels
// names are known.
func (m *Metrics) operationLabel(name string) string {
	switch name {
	case "":
		return opUnknown
	case opAnonymous, opUnknown, opOther:
		return name
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.operations[name] {
		return name
	}
	if len(m.operations) >= maxOperationLabels {
		return opOther
	}
	m.operations[name] = true
	return name
}

// storeSizeCollector reports the store's size on disk when scraped.
type storeSizeCollector func() (lsm, vlog int64)

var storeSizeDesc = prometheus.NewDesc("chancery_store_size_bytes",
	"Bytes the store takes on disk, by part: lsm (keys and small values) and vlog (the value log). Badger measures them once a minute.",
	[]string{"part"}, nil)

func (c storeSizeCollector) Describe(ch chan<- *prometheus.Desc) { ch <- storeSizeDesc }

func (c storeSizeCollector) Collect(ch chan<- prometheus.Metric) {
	lsm, vlog := c()
	ch <- prometheus.MustNewConstMetric(storeSizeDesc, prometheus.GaugeValue, float64(lsm), "lsm")
	ch <- prometheus.MustNewConstMetric(storeSizeDesc, prometheus.GaugeValue, float64(vlog), "vlog")
}

// ReplicaStatus is what a replica knows of following its primary, at one
// moment.
type ReplicaStatus struct {
	// Lag is how far behind its primary the replica may be; LagKnown is
	// false until it has caught up once since it started.
	Lag      time.Duration
	LagKnown bool
	// Version is the data version of its copy.
	Version uint64
	// Ready is what /readyz says.
	Ready bool
	// Changes, Full and Failed count the attempts to bring the copy up to
	// date: changes applied, full copies loaded, and failures.
	Changes, Full, Failed int
}

var (
	replicaLagDesc = prometheus.NewDesc("chancery_replica_lag_seconds",
		"How far behind its primary this replica may be: it holds every write the primary committed this long ago. Absent until it first catches up.", nil, nil)
	replicaVersionDesc = prometheus.NewDesc("chancery_replica_data_version",
		"The data version this replica last brought its copy to.", nil, nil)
	replicaReadyDesc = prometheus.NewDesc("chancery_replica_ready",
		"1 while this replica holds a copy of its primary's data and lags by no more than --max-lag (what /readyz says), else 0.", nil, nil)
	replicaUpdatesDesc = prometheus.NewDesc("chancery_replica_updates_total",
		"Attempts to bring this replica up to date, by result: changes (applied in one transaction), full (a full copy loaded), failed.", []string{"result"}, nil)
)

// replicaCollector reports a replica's status when scraped.
type replicaCollector func() ReplicaStatus

func (replicaCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- replicaLagDesc
	ch <- replicaVersionDesc
	ch <- replicaReadyDesc
	ch <- replicaUpdatesDesc
}

func (c replicaCollector) Collect(ch chan<- prometheus.Metric) {
	st := c()
	if st.LagKnown {
		ch <- prometheus.MustNewConstMetric(replicaLagDesc, prometheus.GaugeValue, st.Lag.Seconds())
	}
	ch <- prometheus.MustNewConstMetric(replicaVersionDesc, prometheus.GaugeValue, float64(st.Version))
	ready := 0.0
	if st.Ready {
		ready = 1
	}
	ch <- prometheus.MustNewConstMetric(replicaReadyDesc, prometheus.GaugeValue, ready)
	ch <- prometheus.MustNewConstMetric(replicaUpdatesDesc, prometheus.CounterValue, float64(st.Changes), "changes")
	ch <- prometheus.MustNewConstMetric(replicaUpdatesDesc, prometheus.CounterValue, float64(st.Full), "full")
	ch <- prometheus.MustNewConstMetric(replicaUpdatesDesc, prometheus.CounterValue, float64(st.Failed), "failed")
}
