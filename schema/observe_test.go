package schema_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/chancery/chancery/schema"
)

// logBuffer collects JSON log lines written from the server's goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// find waits up to two seconds for a line for which match is true: the
// server logs a request just after its answer has gone out.
func (b *logBuffer) find(tb testing.TB, match func(map[string]any) bool) map[string]any {
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

// newLoggedServer is newServer logging JSON, DEBUG and up, into a buffer.
func newLoggedServer(tb testing.TB, opts schema.HandlerOptions) (*server, *logBuffer) {
	logs := &logBuffer{}
	opts.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return newServer(tb, opts), logs
}

// postWithID sends a query with the given X-Request-Id (none if "") and
// returns the X-Request-Id of the answer.
func postWithID(tb testing.TB, base, query, id string) string {
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

var generatedID = regexp.MustCompile(`^[A-Z2-7]{26}$`)

func TestRequestLog(t *testing.T) {
	s, logs := newLoggedServer(t, schema.HandlerOptions{})

	t.Run("OneLinePerRequest", func(t *testing.T) {
		const id = "lb-7f3a.42:edge/1"
		if got := postWithID(t, s.URL, `query Cuba { entity(id: "country:cuba") { name relations(first: 3) { edges { node { id } } } } }`, id); got != id {
			t.Errorf("X-Request-Id %q in the answer, want the request's %q", got, id)
		}
		line := logs.find(t, func(l map[string]any) bool { return l["request_id"] == id })
		for k, want := range map[string]any{
			"level": "INFO", "msg": "request", "method": "POST", "route": "/graphql",
			"operation": "Cuba", "status": float64(200),
		} {
			if line[k] != want {
				t.Errorf("%s = %v, want %v; line %v", k, line[k], want, line)
			}
		}
		if d, _ := line["duration"].(float64); d <= 0 {
			t.Errorf("duration = %v, want the time the request took; line %v", line["duration"], line)
		}
		if c, _ := line["cost"].(float64); c < 10 {
			t.Errorf("cost = %v, want the query's estimated cost; line %v", line["cost"], line)
		}
		if r, _ := line["reads"].(float64); r < 1 {
			t.Errorf("reads = %v, want the store reads the query made; line %v", line["reads"], line)
		}
	})

	t.Run("RefusedQuery", func(t *testing.T) {
		id := postWithID(t, s.URL, `{ entities(first: 500) { edges { node { relations(first: 500) { edges { node { to { relations(first: 500) { edges { node { id } } } } } } } } } } }`, "")
		line := logs.find(t, func(l map[string]any) bool { return l["request_id"] == id })
		if line["rejected"] != "cost" || line["operation"] != "anonymous" || line["status"] != float64(400) {
			t.Errorf("a query over its budget: %v", line)
		}
		if c, _ := line["cost"].(float64); c <= float64(schema.DefaultMaxCost) {
			t.Errorf("cost = %v, want the estimate over the budget", line["cost"])
		}
	})

	t.Run("GeneratedID", func(t *testing.T) {
		for _, given := range []string{"", "has spaces in it", strings.Repeat("x", 200), "quote\"d"} {
			got := postWithID(t, s.URL, `{ entity(id: "country:cuba") { id } }`, given)
			if !generatedID.MatchString(got) {
				t.Errorf("X-Request-Id %q given: answered %q, want a generated id", given, got)
				continue
			}
			logs.find(t, func(l map[string]any) bool { return l["request_id"] == got })
		}
	})

	t.Run("ProbesAtDebug", func(t *testing.T) {
		resp, err := http.Get(s.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		id := resp.Header.Get("X-Request-Id")
		line := logs.find(t, func(l map[string]any) bool { return l["request_id"] == id })
		if line["level"] != "DEBUG" || line["route"] != "/healthz" || line["operation"] != nil {
			t.Errorf("a health check is logged %v; want DEBUG, without an operation", line)
		}
	})
}

func TestReadyz(t *testing.T) {
	var draining atomic.Bool
	var broken atomic.Bool
	s := newServer(t, schema.HandlerOptions{
		Ready: func(*http.Request) error {
			if draining.Load() {
				return errors.New("the server is shutting down")
			}
			return nil
		},
		Health: func(*http.Request) error {
			if broken.Load() {
				return errors.New("disk on fire")
			}
			return nil
		},
	})
	get := func(path string) (int, string) {
		resp, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := get("/readyz"); status != http.StatusOK || body != "ready\n" {
		t.Errorf("ready: %d %q", status, body)
	}
	broken.Store(true)
	if status, body := get("/readyz"); status != http.StatusServiceUnavailable || !strings.Contains(body, "store cannot be read") || strings.Contains(body, "fire") {
		t.Errorf("store unreadable: %d %q; want 503 saying so, without the internal error", status, body)
	}
	broken.Store(false)
	draining.Store(true)
	if status, body := get("/readyz"); status != http.StatusServiceUnavailable || !strings.Contains(body, "shutting down") {
		t.Errorf("shutting down: %d %q", status, body)
	}
	// Liveness is not readiness: the process still answers.
	if status, _ := get("/healthz"); status != http.StatusOK {
		t.Errorf("/healthz while shutting down: %d, want 200", status)
	}
}

// collector is a fake OpenTelemetry collector: it keeps the spans posted
// to its OTLP/HTTP endpoint.
type collector struct {
	mu    sync.Mutex
	spans []*tracepb.Span
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req coltracepb.ExportTraceServiceRequest
	if r.URL.Path != "/v1/traces" || proto.Unmarshal(body, &req) != nil {
		http.Error(w, "not an OTLP trace export", http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	for _, rs := range req.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			c.spans = append(c.spans, ss.Spans...)
		}
	}
	c.mu.Unlock()
	out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.Write(out)
}

func TestTracing(t *testing.T) {
	col := &collector{}
	cs := httptest.NewServer(col)
	defer cs.Close()
	tr, err := schema.StartTracing(context.Background(), schema.TracingOptions{Endpoint: cs.URL + "/v1/traces", ServiceVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	api, err := schema.New(MustOpenSeeded(t), nil, schema.Limits{}, schema.WithTracing(tr))
	if err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	ts := httptest.NewServer(schema.Handler(api, schema.HandlerOptions{Logger: slog.New(slog.NewJSONHandler(logs, nil))}))
	defer ts.Close()

	// The caller's trace, as a proxy or client in front would send it.
	const traceID, parentID = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	body := `{"query": "query Cuba { entity(id: \"country:cuba\") { name relations(first: 2) { edges { node { id } } } } }"}`
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Traceparent", "00-"+traceID+"-"+parentID+"-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	line := logs.find(t, func(l map[string]any) bool { return l["msg"] == "request" })
	if line["trace_id"] != traceID {
		t.Errorf("the request's log line has trace_id %v, want the caller's %s", line["trace_id"], traceID)
	}

	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	col.mu.Lock()
	defer col.mu.Unlock()
	names := map[string]*tracepb.Span{}
	for _, s := range col.spans {
		names[s.Name] = s
		if got := hex.EncodeToString(s.TraceId); got != traceID {
			t.Errorf("span %q is in trace %s, want the caller's %s", s.Name, got, traceID)
		}
	}
	for _, want := range []string{"POST /graphql", "GraphQL Request", "GraphQL Validate", "Field: GraphQL field: Query.entity", "Field: GraphQL field: Entity.relations"} {
		if names[want] == nil {
			t.Errorf("no span %q among %d spans: %v", want, len(col.spans), slices.Collect(maps.Keys(names)))
		}
	}
	if s := names["POST /graphql"]; s != nil {
		if got := hex.EncodeToString(s.ParentSpanId); got != parentID {
			t.Errorf("the server span's parent is %s, want the caller's span %s", got, parentID)
		}
		if s.Kind != tracepb.Span_SPAN_KIND_SERVER {
			t.Errorf("the server span is of kind %v", s.Kind)
		}
	}
}
