package httpapi

import (
	"cmp"
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	otelattr "go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	oteltrace "go.opentelemetry.io/otel/trace"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/schema"
)

// observer watches every request a Handler serves: it gives each a
// request id, counts and times it for /metrics, logs one line about it,
// and, when tracing is on, opens its server span.
type observer struct {
	m      *Metrics
	log    *slog.Logger
	mux    *http.ServeMux // to name a request's route
	health func(*http.Request) error
	ready  func(*http.Request) error
	trace  *Tracing
}

func newObserver(mux *http.ServeMux, opts HandlerOptions, log *slog.Logger) *observer {
	m := opts.Metrics
	if m == nil {
		m = NewMetrics(opts.StoreSize)
	}
	if opts.Replica != nil {
		m.reg.MustRegister(replicaCollector(opts.Replica))
	}
	return &observer{m: m, log: log, mux: mux,
		health: opts.Health, ready: opts.Ready, trace: opts.Tracing}
}

// observation is what one request's work tells the observer: the handler
// and the schema fill it in (it is the request's schema.Observer) and the
// observer reads it when the answer is sent.
type observation struct {
	m       *Metrics
	id      string // the request's X-Request-Id, which every line logged about it carries
	traceID string // the request's trace, if it is traced

	req       *schema.Request // the request as the handler read it; nil if it could not
	executed  bool            // the schema checked it (Prepare ran)
	operation string          // the operation's name, opAnonymous, or "" while unknown
	cost      float64         // the estimated cost, if estimated
	estimated bool
	rejected  string // a reasons value, "" if not refused
	reads     atomic.Int64
	cache     string // "hit" or "miss" if the response cache was asked
}

type observationKey struct{}

// withObservation returns ctx carrying o, for the handler and, as the
// request's schema.Observer, for the schema.
func withObservation(ctx context.Context, o *observation) context.Context {
	return schema.WithObserver(context.WithValue(ctx, observationKey{}, o), o)
}

// observationFrom returns the request's observation, or nil when nothing
// observes it; every method of a nil observation does nothing.
func observationFrom(ctx context.Context) *observation {
	o, _ := ctx.Value(observationKey{}).(*observation)
	return o
}

var _ schema.Observer = (*observation)(nil)

// Checked records what the limits check learned of a request.
func (o *observation) Checked(req schema.Request, c schema.Check) {
	if o == nil {
		return
	}
	o.executed = true
	o.operation = c.Operation
	if o.operation == "" && isName(req.OperationName) {
		// The query did not parse, or names no operation; the name the
		// client gave is the best there is.
		o.operation = req.OperationName
	}
	o.cost, o.estimated = c.Cost, c.Estimated
	o.rejected = c.Refused
	if c.Estimated {
		o.m.cost.Observe(c.Cost)
	}
}

// received notes the request as the handler read it, before anything
// runs, so that one answered without running (304 Not Modified, a mutation
// by GET, a persisted query the server does not know) is still labelled
// with its operation. The handler may go on to fill in req.Query from a
// persisted query; the observation sees it.
func (o *observation) received(req *schema.Request) {
	if o != nil {
		o.req = req
	}
}

// Answered records why a request was refused, if it was: one that ran, or
// one the handler answered itself with a GraphQL error.
func (o *observation) Answered(resp *schema.Response) {
	if o == nil || o.rejected != "" {
		return
	}
	for _, e := range resp.Errors {
		switch e.Extensions["code"] {
		case schema.CodeParseFailed:
			o.rejected = schema.ReasonParse
		case schema.CodeValidationFailed:
			o.rejected = schema.ReasonValidation
		case schema.CodeTimeout:
			o.rejected = schema.ReasonTimeout
		case schema.CodeBusy:
			o.rejected = schema.ReasonBusy
		case schema.CodeUnauthorized:
			o.rejected = schema.ReasonUnauthorized
		case CodePersistedQueryNotFound:
			o.rejected = reasonPersistedNotFound
		default:
			continue
		}
		return
	}
}

// Reader returns r counting every call into the observation and
// chancery_store_reads_total.
func (o *observation) Reader(r graph.Reader) graph.Reader {
	if o == nil {
		return r
	}
	return countedReader{r: r, o: o}
}

// LogAttrs are the request's id and, when it is traced, its trace's.
func (o *observation) LogAttrs() []slog.Attr {
	if o == nil || o.id == "" {
		return nil
	}
	if o.traceID == "" {
		return []slog.Attr{slog.String("request_id", o.id)}
	}
	return []slog.Attr{slog.String("request_id", o.id), slog.String("trace_id", o.traceID)}
}

// cacheLookup records that the response cache was asked for the answer,
// and whether it had it.
func (o *observation) cacheLookup(hit bool) {
	if o == nil {
		return
	}
	if hit {
		o.cache = "hit"
		o.m.cacheHits.Inc()
	} else {
		o.cache = "miss"
		o.m.cacheMisses.Inc()
	}
}

// refused records why the handler refused a request itself, for the
// metrics and the log line.
func (o *observation) refused(reason string) {
	if o != nil {
		o.rejected = reason
	}
}

// read counts one call to the store.
func (o *observation) read(m readMethod) {
	o.m.reads[m].Inc()
	o.reads.Add(1)
}

// routes that are probed or scraped every few seconds: their successful
// requests are logged at DEBUG so they do not drown the others.
var quietRoutes = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// wrap returns next observed.
func (ob *observer) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := requestID(r.Header.Get("X-Request-Id"))
		w.Header().Set("X-Request-Id", id)
		route := ob.route(r)
		obs := &observation{m: ob.m, id: id}
		ctx := withObservation(r.Context(), obs)
		var span oteltrace.Span
		if ob.trace != nil {
			ctx = ob.trace.propagator.Extract(ctx, propagation.HeaderCarrier(r.Header))
			ctx, span = ob.trace.tracer.Start(ctx, r.Method+" "+route,
				oteltrace.WithSpanKind(oteltrace.SpanKindServer),
				oteltrace.WithAttributes(
					otelattr.String("http.request.method", r.Method),
					otelattr.String("http.route", route),
					otelattr.String("url.path", r.URL.Path),
					otelattr.String("chancery.request_id", id)))
			if sc := span.SpanContext(); sc.IsValid() {
				obs.traceID = sc.TraceID().String()
			}
		}
		rec := &recorder{ResponseWriter: w}
		ob.m.inFlight.Inc()
		defer func() {
			ob.m.inFlight.Dec()
			p := recover()
			status := rec.status
			if status == 0 {
				status = http.StatusOK
				if p != nil {
					status = http.StatusInternalServerError
				}
			}
			if p != nil && p != http.ErrAbortHandler {
				// Logged here, with the request's id, rather than by
				// net/http, which does not know it.
				ob.log.ErrorContext(ctx, "handler panic", "panic", p, "stack", string(debug.Stack()))
			}
			ob.finish(ctx, r, id, route, status, time.Since(start), rec.bytes, obs, span)
			if p != nil {
				panic(http.ErrAbortHandler) // net/http drops the connection, quietly
			}
		}()
		next.ServeHTTP(rec, r.WithContext(ctx))
	})
}

// finish records a request that has been answered: its metrics, its log
// line and the end of its span.
func (ob *observer) finish(ctx context.Context, r *http.Request, id, route string, status int,
	took time.Duration, bytes int64, obs *observation, span oteltrace.Span) {
	if obs.rejected == "" && status == http.StatusUnauthorized {
		obs.rejected = schema.ReasonUnauthorized
	}
	operation := ""
	if route == "/graphql" {
		operation = obs.operation
		if operation == "" && !obs.executed && obs.req != nil && isName(obs.req.OperationName) {
			// Answered before its query was read (an unknown persisted
			// query, an empty query): the name the client gave.
			operation = obs.req.OperationName
		}
		if operation == "" && obs.req == nil && r.Method == http.MethodGet {
			// The URL did not make a request, but may name one.
			if name := r.URL.Query().Get("operationName"); isName(name) {
				operation = name
			}
		}
		if len(operation) > 100 {
			operation = operation[:100]
		}
	}
	label := operation
	if route == "/graphql" {
		label = ob.m.operationLabel(operation)
	}
	ob.m.requests.WithLabelValues(route, label, strconv.Itoa(status)).Inc()
	ob.m.duration.WithLabelValues(route, label).Observe(took.Seconds())
	if obs.rejected != "" {
		ob.m.rejected.WithLabelValues(obs.rejected).Inc()
	}

	attrs := make([]slog.Attr, 0, 12)
	attrs = append(attrs,
		slog.String("request_id", id),
		slog.String("method", r.Method),
		slog.String("route", route),
		slog.String("path", r.URL.Path))
	if route == "/graphql" {
		attrs = append(attrs, slog.String("operation", cmp.Or(operation, opUnknown)))
	}
	attrs = append(attrs,
		slog.Int("status", status),
		slog.Duration("duration", took),
		slog.Int64("bytes", bytes))
	if obs.estimated {
		attrs = append(attrs, slog.Any("cost", costValue(obs.cost)))
	}
	if obs.cache != "" {
		attrs = append(attrs, slog.String("cache", obs.cache))
	}
	if obs.executed {
		attrs = append(attrs, slog.Int64("reads", obs.reads.Load()))
	}
	if obs.rejected != "" {
		attrs = append(attrs, slog.String("rejected", obs.rejected))
	}
	if span != nil {
		attrs = append(attrs, slog.String("trace_id", span.SpanContext().TraceID().String()))
		span.SetAttributes(otelattr.Int("http.response.status_code", status))
		if operation != "" && operation != opAnonymous {
			span.SetAttributes(otelattr.String("graphql.operation.name", operation))
		}
		if status >= 500 {
			span.SetStatus(codes.Error, http.StatusText(status))
		}
		span.End()
	}
	level := slog.LevelInfo
	if quietRoutes[route] && status < 300 {
		level = slog.LevelDebug
	}
	ob.log.LogAttrs(ctx, level, "request", attrs...)
}

// route names the pattern that serves r, without its method, for metrics
// and logs: /graphql, /, /healthz. A path nothing serves is "unmatched",
// so that scanners cannot make up labels.
func (ob *observer) route(r *http.Request) string {
	_, pattern := ob.mux.Handler(r)
	if _, path, ok := strings.Cut(pattern, " "); ok {
		pattern = path
	}
	pattern = strings.TrimSuffix(pattern, "{$}")
	if pattern == "" {
		return "unmatched"
	}
	return pattern
}

// maxRequestID is the longest X-Request-Id taken from a client.
const maxRequestID = 128

// requestID returns the client's request id if it looks like one (up to
// 128 letters, digits and - _ . : /), so that a request can be followed
// through the proxies in front of this server; otherwise a new one.
func requestID(given string) string {
	if given != "" && len(given) <= maxRequestID && strings.Trim(given,
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/") == "" {
		return given
	}
	return rand.Text()
}

// isName reports whether s is a GraphQL name, as an operation's name is.
func isName(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// costValue logs a cost as an integer while it is one; a hostile query's
// saturated estimate stays a float.
func costValue(c float64) slog.Value {
	if c < 1<<53 {
		return slog.Int64Value(int64(c))
	}
	return slog.Float64Value(c)
}

// recorder notes the status and size of an answer on its way out. Unwrap
// lets http.ResponseController reach the connection underneath (the
// backup lifts its write deadline through it).
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// ReadFrom keeps io.Copy onto the connection as fast as it was.
func (r *recorder) ReadFrom(src io.Reader) (int64, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := io.Copy(r.ResponseWriter, src)
	r.bytes += n
	return n, err
}

// Flush sends what is buffered, for answers that stream.
func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// readyz answers 200 while the service should be sent requests: the store
// can be read and the server is not shutting down. Otherwise 503, with the
// reason.
func (ob *observer) readyz(w http.ResponseWriter, r *http.Request) {
	if ob.ready != nil {
		if err := ob.ready(r); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
	}
	if ob.health != nil {
		if err := ob.health(r); err != nil {
			ob.log.ErrorContext(r.Context(), "readiness check failed", "err", err)
			http.Error(w, "not ready: the store cannot be read", http.StatusServiceUnavailable)
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ready\n")
}
