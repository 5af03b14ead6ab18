// Package schematest serves the API over a seeded store behind real HTTP,
// for the tests of schema and httpapi: a server, a client that posts
// GraphQL to it, and a reader that counts the calls reaching the store.
package schematest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/schema/httpapi"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

// The store is what the API reads and writes.
var (
	_ graph.Reader = (*store.DB)(nil)
	_ graph.Writer = (*store.DB)(nil)
)

// CountingReader passes every call to the real store and counts the reads
// of entities, relations and search, so tests can see that lists are
// resolved in batches and that refused queries read nothing.
type CountingReader struct {
	*store.DB
	EntityCalls    atomic.Int64
	ByIDCalls      atomic.Int64
	RelationsCalls atomic.Int64
	AdjacentCalls  atomic.Int64
	SearchCalls    atomic.Int64
}

// Search counts the call and passes it on.
func (c *CountingReader) Search(ctx context.Context, q graph.SearchQuery) ([]graph.SearchHit, error) {
	c.SearchCalls.Add(1)
	return c.DB.Search(ctx, q)
}

// Reads is how many counted calls reached the store since the last Reset.
func (c *CountingReader) Reads() int64 {
	return c.EntityCalls.Load() + c.ByIDCalls.Load() + c.RelationsCalls.Load() + c.AdjacentCalls.Load() + c.SearchCalls.Load()
}

// Relations counts the call and passes it on.
func (c *CountingReader) Relations(ctx context.Context, q graph.RelationQuery) (*graph.RelationPage, error) {
	c.RelationsCalls.Add(1)
	return c.DB.Relations(ctx, q)
}

// Adjacent counts the call and passes it on.
func (c *CountingReader) Adjacent(ctx context.Context, q graph.AdjacencyQuery) (map[graph.ID]*graph.Adjacency, error) {
	c.AdjacentCalls.Add(1)
	return c.DB.Adjacent(ctx, q)
}

// Reset zeroes the counters.
func (c *CountingReader) Reset() {
	c.SearchCalls.Store(0)
	c.EntityCalls.Store(0)
	c.ByIDCalls.Store(0)
	c.RelationsCalls.Store(0)
	c.AdjacentCalls.Store(0)
}

// Entity counts the call and passes it on.
func (c *CountingReader) Entity(ctx context.Context, id graph.ID) (*graph.Entity, error) {
	c.EntityCalls.Add(1)
	return c.DB.Entity(ctx, id)
}

// EntitiesByID counts the call and passes it on.
func (c *CountingReader) EntitiesByID(ctx context.Context, ids []graph.ID) (map[graph.ID]*graph.Entity, error) {
	c.ByIDCalls.Add(1)
	return c.DB.EntitiesByID(ctx, ids)
}

// Token is a bearer token that servers in tests accept for writes
// (httpapi.HandlerOptions.Tokens).
const Token = "test-token-0123456789abcdef"

// AddThun is a mutation that adds a city the seeds do not have.
const AddThun = `mutation { upsertEntity(input: {id: "city:thun", kind: CITY, name: "Thun", aliases: ["Thoune"],
  sources: [{document: "Test fixture", quote: "Thun is on the lake."}]}) { id name aliases } }`

// Server is the API over a seeded store, behind real HTTP. Reader, if
// set, counts the calls the API made to the store.
type Server struct {
	*httptest.Server
	Reader *CountingReader
}

// NewServer serves the API over a newly seeded store with the default
// limits and handler options, until the test ends.
func NewServer(tb testing.TB) *Server {
	tb.Helper()
	return NewServerWith(tb, httpapi.HandlerOptions{})
}

// NewServerWith is NewServer through httpapi.Handler with opts.
func NewServerWith(tb testing.TB, opts httpapi.HandlerOptions) *Server {
	tb.Helper()
	return NewServerWithLimits(tb, opts, schema.Limits{})
}

// NewServerWithLimits is NewServer with limits other than the defaults.
func NewServerWithLimits(tb testing.TB, opts httpapi.HandlerOptions, limits schema.Limits) *Server {
	tb.Helper()
	r := &CountingReader{DB: storetest.OpenSeeded(tb, tb.TempDir())}
	s, err := schema.New(r, r, nil, limits)
	if err != nil {
		tb.Fatal(err)
	}
	ts := httptest.NewServer(httpapi.Handler(s, opts))
	tb.Cleanup(ts.Close)
	return &Server{Server: ts, Reader: r}
}

// Result is a decoded GraphQL response.
type Result struct {
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message   string `json:"message"`
		Locations []struct {
			Line, Column int
		} `json:"locations"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// Code is the extensions.code of the i-th error.
func (r *Result) Code(i int) string {
	c, _ := r.Errors[i].Extensions["code"].(string)
	return c
}

// Post sends a query with variables and decodes the answer.
func (s *Server) Post(tb testing.TB, query string, vars map[string]any) (*Result, int) {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return s.Send(tb, "application/json", body)
}

// PostWith sends a query with an Authorization header (none if auth is
// "") and decodes the answer.
func (s *Server) PostWith(tb testing.TB, auth, query string, vars map[string]any) (*Result, int) {
	tb.Helper()
	return s.PostHeader(tb, map[string]string{"Authorization": auth}, query, vars)
}

// PostHeader sends a query with variables as application/json, with the
// given request headers (one whose value is "" is not sent), and decodes
// the answer.
func (s *Server) PostHeader(tb testing.TB, header map[string]string, query string, vars map[string]any) (*Result, int) {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	return Decode(tb, resp)
}

// Send posts body, of the given content type, to /graphql and decodes the
// answer.
func (s *Server) Send(tb testing.TB, contentType string, body []byte) (*Result, int) {
	tb.Helper()
	resp, err := http.Post(s.URL+"/graphql", contentType, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	return Decode(tb, resp)
}

// Decode reads a GraphQL response, failing the test if it is not JSON,
// and returns it with its status.
func Decode(tb testing.TB, resp *http.Response) (*Result, int) {
	tb.Helper()
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	var r Result
	if err := json.Unmarshal(raw, &r); err != nil {
		tb.Fatalf("response is not JSON (%v): %s", err, raw)
	}
	return &r, resp.StatusCode
}

// MustData posts a query and returns its data, failing the test if the
// response has errors.
func (s *Server) MustData(tb testing.TB, query string, vars map[string]any) map[string]any {
	tb.Helper()
	r, status := s.Post(tb, query, vars)
	if status != http.StatusOK || len(r.Errors) > 0 {
		tb.Fatalf("status %d, errors %+v", status, r.Errors)
	}
	return r.Data
}

// At walks a decoded JSON value by object keys and array indexes.
func At(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

// LogBuffer collects the JSON log lines a server writes from its
// goroutines.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write adds log output.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Find waits up to two seconds for a line for which match is true: the
// server logs a request just after its answer has gone out.
func (b *LogBuffer) Find(tb testing.TB, match func(map[string]any) bool) map[string]any {
	tb.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		b.mu.Lock()
		sc := bufio.NewScanner(bytes.NewReader(b.buf.Bytes()))
		b.mu.Unlock()
		for sc.Scan() {
			var line map[string]any
			if json.Unmarshal(sc.Bytes(), &line) == nil && match(line) {
				return line
			}
		}
		if time.Now().After(deadline) {
			b.mu.Lock()
			defer b.mu.Unlock()
			tb.Fatalf("no such log line in:\n%s", b.buf.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// NewLoggedServer is NewServer logging JSON, DEBUG and up, into a buffer.
func NewLoggedServer(tb testing.TB, opts httpapi.HandlerOptions) (*Server, *LogBuffer) {
	logs := &LogBuffer{}
	opts.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return NewServerWith(tb, opts), logs
}

// PostWithID sends a query with the given X-Request-Id (none if "") and
// returns the X-Request-Id of the answer.
func PostWithID(tb testing.TB, base, query, id string) string {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if id != "" {
		req.Header.Set("X-Request-Id", id)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.Header.Get("X-Request-Id")
}
