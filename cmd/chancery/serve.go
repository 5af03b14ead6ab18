package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/schema/httpapi"
	"github.com/chancery/chancery/seeds"
	"github.com/chancery/chancery/seeds/initial"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/web"
)

// Defaults of chancery serve.
const (
	DefaultAddr    = "localhost:8080"
	DefaultDataDir = "chancery-data"
	// shutdownGrace is how long requests in flight get to finish on
	// SIGINT or SIGTERM before the store is closed under them.
	shutdownGrace = 10 * time.Second
)

// Serve is the serve command: it opens (and on first start, seeds) the data
// directory and serves the API until its context ends.
type Serve struct {
	// Settings, from flags or the environment.
	Addr    string
	DataDir string
	// InitialData is what a new data directory is filled with.
	InitialData initial.Data
	CORSOrigins string
	LogFormat   string
	TokenFile   string
	// PprofAddr, if set, is where net/http/pprof is served, on a listener
	// of its own and never on Addr.
	PprofAddr string
	// MetricsAddr, if set, is where /metrics is served, on a listener of
	// its own, instead of on Addr.
	MetricsAddr string
	// DrainDelay is how long /readyz answers 503 on shutdown before the
	// server stops taking connections, so that a load balancer polling it
	// stops sending requests first.
	DrainDelay time.Duration
	// MinVersionWait bounds the wait for a request's
	// Chancery-Min-Data-Version (httpapi.HandlerOptions.MinVersionWait).
	MinVersionWait time.Duration
	// MemoryLimit is the Go runtime's soft memory limit, such as "384MiB";
	// "off" leaves the runtime's own (GOMEMLIMIT, else none).
	MemoryLimit string
	// ResponseCache bounds the cache of query answers, such as "64MiB";
	// "off" caches none.
	ResponseCache string
	// Follow, if set, is the base URL of the primary this server is a
	// read-only replica of; FollowTokenFile holds the token it sends
	// there (or CHANCERY_FOLLOW_TOKEN). It asks for changes every
	// FollowInterval, and /readyz says 503 while it lags by more than
	// MaxLag.
	Follow          string
	FollowTokenFile string
	FollowInterval  time.Duration
	MaxLag          time.Duration
	// JournalRetention is how long a primary keeps the record of what it
	// deleted, which replicas follow on with; a replica further behind
	// loads a full copy. 0 keeps it for ever.
	JournalRetention time.Duration

	limits schema.Limits

	stdout, stderr io.Writer
	getenv         func(string) string
	flags          *flag.FlagSet

	log    *slog.Logger
	db     *store.DB
	ln     net.Listener
	srv    *http.Server
	served chan error

	follower   *follower          // nil unless --follow
	stopFollow context.CancelFunc // stops the follower, or the journal's pruning
	followDone chan struct{}      // closed when either has stopped
	draining   atomic.Bool        // set when shutdown begins; /readyz then answers 503
	pprofLn    net.Listener       // nil unless --pprof
	pprofSrv   *http.Server       // nil unless --pprof
	metricsLn  net.Listener       // nil unless --metrics-addr
	metricsSrv *http.Server       // nil unless --metrics-addr
	tracing    *httpapi.Tracing   // nil unless an OTLP endpoint is configured
}

// NewServe returns the serve command writing to the given streams and
// reading defaults from getenv.
func NewServe(stdout, stderr io.Writer, getenv func(string) string) *Serve {
	return &Serve{stdout: stdout, stderr: stderr, getenv: getenv}
}

// ParseFlags reads the flags; each has an environment variable that sets
// its default.
func (s *Serve) ParseFlags(args []string) error {
	fs := flag.NewFlagSet("chancery serve", flag.ContinueOnError)
	fs.SetOutput(s.stderr)
	env := func(name, def string) string {
		if v := s.getenv(name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&s.Addr, "addr", env("CHANCERY_ADDR", DefaultAddr),
		"`host:port` to listen on; \":8080\" listens on every interface, port 0 picks a free port (env CHANCERY_ADDR)")
	fs.StringVar(&s.DataDir, "data", env("CHANCERY_DATA", DefaultDataDir),
		"data `directory`, created and filled with the --initial-data on first start (env CHANCERY_DATA)")
	if err := initialDataFlag(fs, s.getenv, &s.InitialData); err != nil {
		return err
	}
	fs.StringVar(&s.CORSOrigins, "cors-origins", env("CHANCERY_CORS_ORIGINS", "*"),
		"comma-separated `origins` browsers may call the API from, or * for any; credentials are never allowed (env CHANCERY_CORS_ORIGINS)")
	fs.StringVar(&s.LogFormat, "log-format", env("CHANCERY_LOG_FORMAT", "text"),
		"log `format`, text or json (env CHANCERY_LOG_FORMAT)")
	envInt := func(name string, def int) int {
		if v, err := strconv.Atoi(s.getenv(name)); err == nil {
			return v
		}
		return def
	}
	fs.IntVar(&s.limits.MaxCost, "max-cost", envInt("CHANCERY_MAX_COST", schema.DefaultMaxCost),
		"the `budget` of a query's estimated cost; costlier queries are refused before they run (env CHANCERY_MAX_COST)")
	fs.IntVar(&s.limits.MaxDepth, "max-depth", envInt("CHANCERY_MAX_DEPTH", schema.DefaultMaxDepth),
		"how deeply a query's fields may `nest` (env CHANCERY_MAX_DEPTH)")
	fs.IntVar(&s.limits.MaxAliases, "max-aliases", envInt("CHANCERY_MAX_ALIASES", schema.DefaultMaxAliases),
		"how many aliased `fields` a query may have (env CHANCERY_MAX_ALIASES)")
	fs.IntVar(&s.limits.MaxRootFields, "max-root-fields", envInt("CHANCERY_MAX_ROOT_FIELDS", schema.DefaultMaxRootFields),
		"how many `fields` a query may ask for at its top (env CHANCERY_MAX_ROOT_FIELDS)")
	fs.IntVar(&s.limits.MaxQueryBytes, "max-query-bytes", envInt("CHANCERY_MAX_QUERY_BYTES", schema.DefaultMaxQueryBytes),
		"the longest query text, in `bytes` (env CHANCERY_MAX_QUERY_BYTES)")
	fs.IntVar(&s.limits.ExpensiveCost, "expensive-cost", envInt("CHANCERY_EXPENSIVE_COST", 0),
		"the estimated `cost` above which a query is costly: costly queries run at most --max-expensive at a time (env CHANCERY_EXPENSIVE_COST; default a quarter of --max-cost)")
	fs.IntVar(&s.limits.MaxExpensive, "max-expensive", envInt("CHANCERY_MAX_EXPENSIVE", 0),
		fmt.Sprintf("how many costly `queries` run at once; cheap ones never wait for them (env CHANCERY_MAX_EXPENSIVE; default half the cores, here %d)", schema.DefaultMaxExpensive()))
	expensiveWait := schema.DefaultExpensiveWait
	if d, err := time.ParseDuration(s.getenv("CHANCERY_EXPENSIVE_WAIT")); err == nil {
		expensiveWait = d
	}
	fs.DurationVar(&s.limits.ExpensiveWait, "expensive-wait", expensiveWait,
		"how long a costly query waits for its turn before it is refused as BUSY, such as `100ms` (env CHANCERY_EXPENSIVE_WAIT)")
	timeout := schema.DefaultTimeout
	if d, err := time.ParseDuration(s.getenv("CHANCERY_REQUEST_TIMEOUT")); err == nil {
		timeout = d
	}
	fs.DurationVar(&s.limits.Timeout, "request-timeout", timeout,
		"how long one request may work before it is cancelled, such as `10s` (env CHANCERY_REQUEST_TIMEOUT)")
	fs.StringVar(&s.PprofAddr, "pprof", env("CHANCERY_PPROF", ""),
		"serve net/http/pprof at `host:port`, a listener of its own apart from --addr; keep it private, such as localhost:6060 (env CHANCERY_PPROF; default off)")
	fs.StringVar(&s.MetricsAddr, "metrics-addr", env("CHANCERY_METRICS_ADDR", ""),
		"serve /metrics at `host:port`, a listener of its own, instead of on --addr, for Prometheus to scrape from inside the network (env CHANCERY_METRICS_ADDR; default on --addr)")
	drain := time.Duration(0)
	if d, err := time.ParseDuration(s.getenv("CHANCERY_DRAIN_DELAY")); err == nil {
		drain = d
	}
	minWait := httpapi.DefaultMinVersionWait
	if d, err := time.ParseDuration(s.getenv("CHANCERY_MIN_VERSION_WAIT")); err == nil {
		minWait = d
	}
	fs.DurationVar(&s.MinVersionWait, "min-version-wait", minWait,
		"how long a request whose Chancery-Min-Data-Version header names a newer version than the data waits for it before it is refused as STALE, such as `5s` (env CHANCERY_MIN_VERSION_WAIT)")
	fs.DurationVar(&s.DrainDelay, "drain-delay", drain,
		"on SIGINT or SIGTERM, answer /readyz with 503 for this `long`, such as 5s, before no longer taking connections (env CHANCERY_DRAIN_DELAY)")
	fs.StringVar(&s.MemoryLimit, "memory-limit", env("CHANCERY_MEMORY_LIMIT", defaultMemoryLimit),
		"the Go runtime's soft memory `limit`, such as 256MiB or 1GiB, past which it collects garbage harder; off for none (env CHANCERY_MEMORY_LIMIT; GOMEMLIMIT, if set, is the default)")
	fs.StringVar(&s.ResponseCache, "response-cache", env("CHANCERY_RESPONSE_CACHE", "64MiB"),
		"the `size` of the cache of query answers, such as 64MiB: a query asked again with the same variables, before any write, is answered from it without running; off for none (env CHANCERY_RESPONSE_CACHE)")
	fs.StringVar(&s.TokenFile, "token-file", env("CHANCERY_TOKEN_FILE", ""),
		"`file` of bearer tokens that may write, one a line (# comments); with CHANCERY_TOKEN, a token given in the environment (env CHANCERY_TOKEN_FILE)")
	envDuration := func(name string, def time.Duration) time.Duration {
		if d, err := time.ParseDuration(s.getenv(name)); err == nil {
			return d
		}
		return def
	}
	fs.StringVar(&s.Follow, "follow", env("CHANCERY_FOLLOW", ""),
		"serve a read-only replica of the primary at this base `URL`, such as http://primary:8080, kept up to date from its /admin/changes (env CHANCERY_FOLLOW; default: serve as a primary)")
	fs.StringVar(&s.FollowTokenFile, "follow-token-file", env("CHANCERY_FOLLOW_TOKEN_FILE", ""),
		"`file` holding the token a replica sends its primary, one the primary's --token-file lists (env CHANCERY_FOLLOW_TOKEN_FILE, or the token itself in CHANCERY_FOLLOW_TOKEN)")
	fs.DurationVar(&s.FollowInterval, "follow-interval", envDuration("CHANCERY_FOLLOW_INTERVAL", time.Second),
		"how often a replica asks its primary for changes, such as `1s` (env CHANCERY_FOLLOW_INTERVAL)")
	fs.DurationVar(&s.MaxLag, "max-lag", envDuration("CHANCERY_MAX_LAG", 10*time.Second),
		"a replica's /readyz answers 503 while it may lag its primary by more than this `duration` (env CHANCERY_MAX_LAG)")
	fs.DurationVar(&s.JournalRetention, "journal-retention", envDuration("CHANCERY_JOURNAL_RETENTION", 7*24*time.Hour),
		"how long a primary keeps the record of its deletions that replicas follow on with; a replica further behind loads a full copy; 0 keeps it for ever, such as `168h` (env CHANCERY_JOURNAL_RETENTION)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: chancery serve [flags]

Serves the GraphQL API at /graphql, the GraphiQL playground at /, the
graph explorer at /explore, the dashboard at /dashboard, health checks at
/healthz (alive) and /readyz (ready for requests) and Prometheus metrics at
/metrics. On first start the data directory is created and filled with
the curated seeds and the world's missions from Wikidata (or, with
--initial-data curated, the curated seeds alone), which takes some seconds;
later starts reuse what is there.

Traces of requests and resolvers go to an OpenTelemetry collector over
OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT (or
OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set.

Flags:
`)
		fs.PrintDefaults()
	}
	s.flags = fs
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(s.stderr, "chancery serve takes no arguments, but was given %q\n", fs.Args())
		fs.Usage()
		return errors.New("unexpected arguments")
	}
	if _, err := parseBytes(s.MemoryLimit); err != nil {
		fmt.Fprintf(s.stderr, "invalid value %q for -memory-limit: %v\n", s.MemoryLimit, err)
		return errors.New("bad memory limit")
	}
	if _, err := parseBytes(s.ResponseCache); err != nil {
		fmt.Fprintf(s.stderr, "invalid value %q for -response-cache: %v\n", s.ResponseCache, err)
		return errors.New("bad response cache size")
	}
	if s.Follow != "" {
		u, err := url.Parse(s.Follow)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			fmt.Fprintf(s.stderr, "invalid value %q for -follow: give the primary's base URL, such as http://primary:8080\n", s.Follow)
			return errors.New("bad primary URL")
		}
		if s.FollowInterval <= 0 || s.MaxLag <= 0 {
			fmt.Fprintln(s.stderr, "-follow-interval and -max-lag must be above zero")
			return errors.New("bad follow settings")
		}
	}
	switch s.LogFormat {
	case "text", "json":
	default:
		fmt.Fprintf(s.stderr, "invalid value %q for -log-format: use text or json\n", s.LogFormat)
		return errors.New("bad log format")
	}
	return nil
}

// Open opens the data directory, seeds it if it is new, and starts serving
// in the background.
func (s *Serve) Open(ctx context.Context) error {
	if s.LogFormat == "json" {
		s.log = slog.New(slog.NewJSONHandler(s.stderr, nil))
	} else {
		s.log = slog.New(slog.NewTextHandler(s.stderr, nil))
	}
	if strings.TrimSpace(s.DataDir) == "" {
		return errors.New("the data directory is empty; give one with --data or CHANCERY_DATA")
	}
	tokens, err := httpapi.ReadTokens(s.getenv("CHANCERY_TOKEN"), s.TokenFile)
	if err != nil {
		return err
	}
	if limit, _ := parseBytes(s.MemoryLimit); limit > 0 {
		debug.SetMemoryLimit(limit)
	}
	var db *store.DB
	seeded := false
	var writer graph.Writer
	if s.Follow != "" {
		// A replica holds its primary's data and nothing else: it is
		// never filled, and it writes only what the primary sends.
		token, err := s.followToken()
		if err != nil {
			return err
		}
		if db, err = store.Open(store.Options{Dir: s.DataDir, Logger: s.log, SyncWrites: true, Follower: true}); err != nil {
			return describe(err)
		}
		s.follower = newFollower(db, s.Follow, token, s.FollowInterval, s.MaxLag, s.log)
		writer = schema.ReplicaOf(s.follower.primary)
	} else {
		if db, seeded, err = openData(ctx, store.Options{Dir: s.DataDir, Logger: s.log, SyncWrites: true}, s.InitialData, s.log); err != nil {
			return err
		}
		writer = db
	}
	s.db = db

	endpoint, err := s.traceEndpoint()
	if err != nil {
		return err
	}
	if endpoint != "" {
		s.tracing, err = httpapi.StartTracing(ctx, httpapi.TracingOptions{Endpoint: endpoint, ServiceVersion: thisBuild.version()})
		if err != nil {
			return err
		}
	}
	api, err := schema.New(db, writer, s.log, s.limits, httpapi.WithTracing(s.tracing))
	if err != nil {
		return err
	}
	pages := web.App()
	ui, err := web.Handler(pages)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return listenError(s.Addr, err)
	}
	s.ln = ln
	if s.PprofAddr != "" {
		if err := s.servePprof(); err != nil {
			return err
		}
	}
	var metrics *httpapi.Metrics // nil: the API serves them on Addr
	if s.MetricsAddr != "" {
		metrics = httpapi.NewMetrics(db.Size)
		if err := s.serveMetrics(metrics); err != nil {
			return err
		}
	}
	if err := db.Announce("chancery serve", s.URL()); err != nil {
		s.log.Warn("could not describe this server in the lock file", "err", err)
	}

	cacheBytes, _ := parseBytes(s.ResponseCache) // checked by ParseFlags
	health := func(r *http.Request) error {
		_, err := db.Version(r.Context())
		return err
	}
	ready := func(*http.Request) error { return nil }
	var replica func() httpapi.ReplicaStatus
	var changes func(context.Context, io.Writer, httpapi.ChangesPoint) error
	if f := s.follower; f != nil {
		health = func(r *http.Request) error { return f.healthy(r.Context()) }
		ready = func(*http.Request) error { return f.ready() }
		replica = f.metrics
	} else {
		changes = func(ctx context.Context, w io.Writer, from httpapi.ChangesPoint) error {
			_, err := db.Changes(ctx, w, store.FollowPoint{History: from.History, Since: from.Since, Version: from.Version})
			return err
		}
	}
	s.srv = &http.Server{
		Handler: s.withLag(httpapi.Handler(api, httpapi.HandlerOptions{
			CORSOrigins:        splitList(s.CORSOrigins),
			ResponseCacheBytes: cacheBytes,
			MinVersionWait:     s.MinVersionWait,
			Logger:             s.log,
			Health:             health,
			Replica:            replica,
			Changes:            changes,
			Ready: func(r *http.Request) error {
				if s.draining.Load() {
					return errors.New("the server is shutting down")
				}
				if err := ready(r); err != nil {
					return err
				}
				// With the disk nearly full the server still answers
				// queries, but refuses writes: it is not ready for all of
				// what it offers, and says why.
				return describe(db.SpaceProblem())
			},
			StoreSize: db.Size,
			Metrics:   metrics,
			Tracing:   s.tracing,
			Tokens:    tokens,
			UI:        ui,
			Backup: func(ctx context.Context, w io.Writer) error {
				_, err := db.Backup(ctx, w)
				return err
			},
		})),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// Longer than a request may work, so that its answer is sent.
		WriteTimeout: max(60*time.Second, s.limits.Timeout+30*time.Second),
		IdleTimeout:  2 * time.Minute,
		ErrorLog:     slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.served = make(chan error, 1)
	go func() { s.served <- s.srv.Serve(ln) }()
	s.startBackground()

	label, _ := db.SeededWith(ctx)
	dir, err := filepath.Abs(s.DataDir)
	if err != nil {
		dir = s.DataDir
	}
	entities, relations := s.counts(ctx)
	metricsURL := s.URL() + "metrics"
	if s.metricsLn != nil {
		metricsURL = "http://" + s.metricsLn.Addr().String() + "/metrics"
	}
	attrs := []any{"url", s.URL(), "graphql", s.URL() + "graphql", "metrics", metricsURL,
		"data", dir, "fresh", seeded, "seeds", label, "writes", len(tokens) > 0,
		"entities", entities, "relations", relations}
	if s.pprofLn != nil {
		attrs = append(attrs, "pprof", s.PprofURL())
	}
	if endpoint != "" {
		attrs = append(attrs, "traces", endpoint)
	}
	attrs = append(attrs, "pages", web.Built(pages))
	if s.follower != nil {
		attrs = append(attrs, "follows", s.follower.primary, "max_lag", s.MaxLag.String())
	}
	attrs = append(attrs, thisBuild.logAttrs()...)
	s.log.Info("chancery serving", attrs...)
	if set, err := seeds.Embedded(); err == nil && label != "" && initial.SeedsOf(label) != set.Label {
		// Seeds are written once, into a new directory: one seeded by
		// other seed files keeps what they said, dates and attestations
		// included.
		s.log.Warn("the data directory holds the facts of other seed files than this binary's: answers follow those, and facts they gave no dates or attestations are known on no day",
			"seeds", label, "built_in", set.Label, "to_use_the_built_in_seeds", "serve a new --data directory, and import into it what else this one holds (chancery export, then chancery import)")
	}
	if !web.Built(pages) {
		s.log.Warn("this binary was built from a tree without web/dist/app, its pages: / only says how to get them back; the API works",
			"restore", "git checkout -- web/dist/app && go build ./cmd/chancery", "rebuild", web.BuildCommand+" && go build ./cmd/chancery")
	}
	return nil
}

// traceEndpoint is the URL to send traces to, from the standard
// OpenTelemetry variables, or "" when tracing is not configured (or
// OTEL_SDK_DISABLED is true).
func (s *Serve) traceEndpoint() (string, error) {
	if strings.EqualFold(s.getenv("OTEL_SDK_DISABLED"), "true") {
		return "", nil
	}
	endpoint := strings.TrimSpace(s.getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
	if endpoint == "" {
		if base := strings.TrimSpace(s.getenv("OTEL_EXPORTER_OTLP_ENDPOINT")); base != "" {
			// The general endpoint is a base URL; traces go to its
			// /v1/traces, as the OpenTelemetry specification says.
			endpoint = strings.TrimRight(base, "/") + "/v1/traces"
		}
	}
	if endpoint == "" {
		return "", nil
	}
	for _, name := range []string{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"} {
		if p := s.getenv(name); p != "" {
			if p != "http/protobuf" {
				return "", fmt.Errorf("%s is %q, but chancery sends traces only as http/protobuf; unset it, or set it to http/protobuf and point the endpoint at the collector's OTLP/HTTP port (usually 4318)", name, p)
			}
			break // the traces' own setting wins over the general one
		}
	}
	return endpoint, nil
}

// servePprof serves the Go profiler on its own listener, apart from the
// API, so that it is never public by accident.
func (s *Serve) servePprof() error {
	ln, err := net.Listen("tcp", s.PprofAddr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s for --pprof: %v; choose another host:port, such as localhost:6060", s.PprofAddr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	s.pprofLn = ln
	// No write timeout: a CPU profile or trace takes as long as asked.
	s.pprofSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	go func() {
		if err := s.pprofSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("the pprof server stopped", "err", err)
		}
	}()
	return nil
}

// serveMetrics serves m at /metrics on a listener of its own, so that
// Prometheus scrapes a port the public cannot reach and the API's port
// shows nothing of the server's insides.
func (s *Serve) serveMetrics(m *httpapi.Metrics) error {
	ln, err := net.Listen("tcp", s.MetricsAddr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s for --metrics-addr: %v; choose another host:port, such as localhost:9090", s.MetricsAddr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler(s.log))
	s.metricsLn = ln
	s.metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: time.Minute,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	go func() {
		if err := s.metricsSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("the metrics server stopped", "err", err)
		}
	}()
	return nil
}

// PprofURL is where the profiler listens, once Open has succeeded with
// --pprof.
func (s *Serve) PprofURL() string {
	return "http://" + s.pprofLn.Addr().String() + "/debug/pprof/"
}

// Run serves until ctx ends (SIGINT or SIGTERM) or the server fails.
func (s *Serve) Run(ctx context.Context) error {
	if err := s.Open(ctx); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		s.log.Info("shutting down", "reason", "signal")
		return nil
	case err := <-s.served:
		return fmt.Errorf("the server stopped: %w", err)
	}
}

// URL is where the server listens, once Open has succeeded.
func (s *Serve) URL() string {
	addr := s.ln.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(addr.Port)) + "/"
}

// Close says it is not ready (for --drain-delay), lets requests in flight
// finish, sends the last traces, then closes the store cleanly.
func (s *Serve) Close() error {
	var errs []error
	s.draining.Store(true)
	if s.srv != nil {
		if s.DrainDelay > 0 {
			s.log.Info("draining: /readyz answers 503", "for", s.DrainDelay)
			time.Sleep(s.DrainDelay)
		}
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop the server: %w", err))
		}
	} else if s.ln != nil {
		s.ln.Close()
	}
	if s.pprofSrv != nil {
		s.pprofSrv.Close() // a profile in progress is cut short
	} else if s.pprofLn != nil {
		s.pprofLn.Close()
	}
	if s.metricsSrv != nil {
		s.metricsSrv.Close()
	} else if s.metricsLn != nil {
		s.metricsLn.Close()
	}
	if s.stopFollow != nil {
		s.stopFollow()
		<-s.followDone
	}
	if s.tracing != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.tracing.Shutdown(ctx); err != nil {
			s.log.Warn("could not send the last traces", "err", err)
		}
	}
	if s.db != nil {
		if err := s.db.Close(); err != nil {
			errs = append(errs, err)
		} else if s.log != nil {
			s.log.Info("data closed", "data", s.DataDir)
		}
	}
	return errors.Join(errs...)
}

func (s *Serve) counts(ctx context.Context) (entities, relations int) {
	if p, err := s.db.Entities(ctx, graph.EntityQuery{CountTotal: true}); err == nil {
		entities = p.Total
	}
	if p, err := s.db.Relations(ctx, graph.RelationQuery{CountTotal: true}); err == nil {
		relations = p.Total
	}
	return entities, relations
}

// openData opens a data directory, creating it and filling it with the
// initial data if it is new, and reports whether it filled it. log gets a
// line when the fill starts, saying what it loads, and one when it is done.
func openData(ctx context.Context, opts store.Options, data initial.Data, log *slog.Logger) (*store.DB, bool, error) {
	dir := opts.Dir
	if opts.Logger == nil {
		opts.Logger = log
	}
	db, err := store.Open(opts)
	if err != nil {
		return nil, false, describe(err)
	}
	filled, err := initial.Fill(ctx, db, data, log.With("data", dir))
	if err != nil {
		db.Close()
		return nil, false, fmt.Errorf("fill %s: %s", dir, describe(err))
	}
	return db, filled, nil
}

// cliLogger logs, for a command run by hand, what it does beside its
// output: level and message, no time.
func cliLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
}

// describe turns a domain error into its message for people.
func describe(err error) error {
	var ge *graph.Error
	if errors.As(err, &ge) {
		return errors.New(ge.Message)
	}
	return err
}

func listenError(addr string, err error) error {
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("cannot listen on %s: the address is in use by another program; choose another with --addr or CHANCERY_ADDR", addr)
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("cannot listen on %s: permission denied (ports below 1024 need privileges); choose another with --addr", addr)
	default:
		return fmt.Errorf("cannot listen on %s: %v; set --addr to host:port, for example localhost:8080", addr, err)
	}
}

// splitList splits a comma-separated flag value, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// defaultMemoryLimit keeps a server's heap near what its caches need plus
// room for a few heavy queries, instead of letting it grow to twice its
// live size between collections. GOMEMLIMIT, if set, takes its place.
//
// The caches (Badger's blocks and table indexes, decoded entities) hold
// about 220 MB of live heap on a store of 10^6 relations; at a limit of
// 256 MiB the collector ran 16 times a second and took a quarter of the
// CPU, and every query waited on it.
var defaultMemoryLimit = func() string {
	if v := os.Getenv("GOMEMLIMIT"); v != "" {
		return "off" // the runtime has applied it already
	}
	return "384MiB"
}()

// parseBytes reads a size such as 384MiB, 1GiB, 512KiB or 1000000 (bytes);
// "off" and "0" are 0.
func parseBytes(s string) (int64, error) {
	if s == "off" || s == "0" {
		return 0, nil
	}
	units := []struct {
		suffix string
		n      int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}, {"", 1}}
	for _, u := range units {
		num, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("give a whole number of bytes with KiB, MiB or GiB, such as 384MiB, or off")
		}
		return n * u.n, nil
	}
	return 0, fmt.Errorf("give a whole number of bytes with KiB, MiB or GiB, such as 384MiB, or off")
}

// followToken reads the token a replica sends its primary.
func (s *Serve) followToken() (string, error) {
	if t := strings.TrimSpace(s.getenv("CHANCERY_FOLLOW_TOKEN")); t != "" {
		return t, nil
	}
	if s.FollowTokenFile == "" {
		return "", errors.New("a replica needs a token that its primary accepts: give it in a file with --follow-token-file (or CHANCERY_FOLLOW_TOKEN_FILE), or in CHANCERY_FOLLOW_TOKEN")
	}
	b, err := os.ReadFile(s.FollowTokenFile)
	if err != nil {
		return "", fmt.Errorf("cannot read the token to follow the primary with: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
			return t, nil
		}
	}
	return "", fmt.Errorf("%s holds no token (only blank lines and # comments); put in it a token that the primary's --token-file lists", s.FollowTokenFile)
}

// startBackground starts a replica's follower, or a primary's pruning of
// its journal of deletions: once now, then every hour.
func (s *Serve) startBackground() {
	ctx, cancel := context.WithCancel(context.Background())
	s.stopFollow, s.followDone = cancel, make(chan struct{})
	if f := s.follower; f != nil {
		go func() {
			defer close(s.followDone)
			f.run(ctx)
		}()
		return
	}
	go func() {
		defer close(s.followDone)
		if s.JournalRetention <= 0 {
			return
		}
		for {
			rep, err := s.db.PruneDeletions(ctx, time.Now().Add(-s.JournalRetention))
			if err != nil && ctx.Err() == nil {
				s.log.Warn("cannot prune the journal of deletions; replicas still follow, and it is tried again in an hour", "err", err)
			} else if rep.Removed > 0 {
				s.log.Info("pruned the journal of deletions", "removed", rep.Removed, "older_than", s.JournalRetention.String(),
					"replicas_behind_version_load_a_full_copy", rep.Through)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Hour):
			}
		}
	}()
}

// withLag adds to a replica's answers how far behind its primary it may
// be (Chancery-Replica-Lag, in seconds; "unknown" before it first caught
// up), so that a client sees how stale what it read may be.
func (s *Serve) withLag(next http.Handler) http.Handler {
	f := s.follower
	if f == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lag, known := f.status().lag()
		v := "unknown"
		if known {
			v = strconv.FormatFloat(lag.Seconds(), 'f', 3, 64)
		}
		w.Header().Set(httpapi.HeaderReplicaLag, v)
		next.ServeHTTP(w, r)
	})
}
