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
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/seeds"
	"github.com/chancery/chancery/store"
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
	Addr        string
	DataDir     string
	CORSOrigins string
	LogFormat   string
	TokenFile   string

	limits schema.Limits

	stdout, stderr io.Writer
	getenv         func(string) string
	flags          *flag.FlagSet

	log    *slog.Logger
	db     *store.DB
	ln     net.Listener
	srv    *http.Server
	served chan error
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
		"data `directory`, created and filled from the built-in seeds on first start (env CHANCERY_DATA)")
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
	timeout := schema.DefaultTimeout
	if d, err := time.ParseDuration(s.getenv("CHANCERY_REQUEST_TIMEOUT")); err == nil {
		timeout = d
	}
	fs.DurationVar(&s.limits.Timeout, "request-timeout", timeout,
		"how long one request may work before it is cancelled, such as `10s` (env CHANCERY_REQUEST_TIMEOUT)")
	fs.StringVar(&s.TokenFile, "token-file", env("CHANCERY_TOKEN_FILE", ""),
		"`file` of bearer tokens that may write, one a line (# comments); with CHANCERY_TOKEN, a token given in the environment (env CHANCERY_TOKEN_FILE)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: chancery serve [flags]

Serves the GraphQL API at /graphql, a GraphiQL playground at / and a health
check at /healthz. On first start the data directory is created and filled
from the built-in seeds; later starts reuse what is there.

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
	tokens, err := readTokens(s.getenv("CHANCERY_TOKEN"), s.TokenFile)
	if err != nil {
		return err
	}
	db, seeded, err := openData(ctx, store.Options{Dir: s.DataDir, Logger: s.log, SyncWrites: true})
	if err != nil {
		return err
	}
	s.db = db

	api, err := schema.New(db, s.log, s.limits)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return listenError(s.Addr, err)
	}
	s.ln = ln
	if err := db.Announce("chancery serve", s.URL()); err != nil {
		s.log.Warn("could not describe this server in the lock file", "err", err)
	}

	s.srv = &http.Server{
		Handler: schema.Handler(api, schema.HandlerOptions{
			CORSOrigins: splitList(s.CORSOrigins),
			Logger:      s.log,
			Health: func(r *http.Request) error {
				_, err := db.Version(r.Context())
				return err
			},
			Tokens: tokens,
			Backup: func(ctx context.Context, w io.Writer) error {
				_, err := db.Backup(ctx, w)
				return err
			},
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.served = make(chan error, 1)
	go func() { s.served <- s.srv.Serve(ln) }()

	label, _ := db.SeededWith(ctx)
	dir, err := filepath.Abs(s.DataDir)
	if err != nil {
		dir = s.DataDir
	}
	entities, relations := s.counts(ctx)
	s.log.Info("chancery serving",
		"url", s.URL(), "graphql", s.URL()+"graphql",
		"data", dir, "fresh", seeded, "seeds", label, "writes", len(tokens) > 0,
		"entities", entities, "relations", relations)
	return nil
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

// Close lets requests in flight finish, then closes the store cleanly.
func (s *Serve) Close() error {
	var errs []error
	if s.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop the server: %w", err))
		}
	} else if s.ln != nil {
		s.ln.Close()
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

// describe turns a domain error into its message for people.
// openData opens a data directory, creating it and filling it from the
// built-in seeds if it was never seeded, and reports whether it did.
func openData(ctx context.Context, opts store.Options) (*store.DB, bool, error) {
	dir := opts.Dir
	db, err := store.Open(opts)
	if err != nil {
		return nil, false, describe(err)
	}
	set, err := seeds.Embedded()
	if err != nil {
		db.Close()
		return nil, false, err
	}
	seeded, err := db.Seed(ctx, set.Batch(), set.Label)
	if err != nil {
		db.Close()
		return nil, false, fmt.Errorf("seed %s: %s", dir, describe(err))
	}
	return db, seeded, nil
}

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

// readTokens gathers the tokens that may write: one from the environment,
// and those of a file, one a line, blank lines and # comments skipped.
func readTokens(fromEnv, file string) ([]string, error) {
	var tokens []string
	if t := strings.TrimSpace(fromEnv); t != "" {
		if err := schema.CheckToken(t); err != nil {
			return nil, fmt.Errorf("CHANCERY_TOKEN: %v", err)
		}
		tokens = append(tokens, t)
	}
	if file == "" {
		return tokens, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("cannot read the token file: %w", err)
	}
	n := len(tokens)
	for i, line := range strings.Split(string(b), "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if err := schema.CheckToken(t); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", file, i+1, err)
		}
		tokens = append(tokens, t)
	}
	if len(tokens) == n {
		return nil, fmt.Errorf("the token file %s has no tokens; put one a line", file)
	}
	return tokens, nil
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
