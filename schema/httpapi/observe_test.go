package httpapi_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	stdlog "log"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/schema/httpapi"
	"github.com/chancery/chancery/schema/schematest"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

var generatedID = regexp.MustCompile(`^[A-Z2-7]{26}$`)

func TestRequestLog(t *testing.T) {
	s, logs := schematest.NewLoggedServer(t, httpapi.HandlerOptions{})

	t.Run("OneLinePerRequest", func(t *testing.T) {
		const id = "lb-7f3a.42:edge/1"
		if got := schematest.PostWithID(t, s.URL, `query Cuba { entity(id: "country:cuba") { name relations(first: 3) { edges { node { id } } } } }`, id); got != id {
			t.Errorf("X-Request-Id %q in the answer, want the request's %q", got, id)
		}
		line := logs.Find(t, func(l map[string]any) bool { return l["request_id"] == id })
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
		id := schematest.PostWithID(t, s.URL, `{ entities(first: 500) { edges { node { relations(first: 500) { edges { node { to { relations(first: 500) { edges { node { id } } } } } } } } } } }`, "")
		line := logs.Find(t, func(l map[string]any) bool { return l["request_id"] == id })
		if line["rejected"] != "cost" || line["operation"] != "anonymous" || line["status"] != float64(400) {
			t.Errorf("a query over its budget: %v", line)
		}
		if c, _ := line["cost"].(float64); c <= float64(schema.DefaultMaxCost) {
			t.Errorf("cost = %v, want the estimate over the budget", line["cost"])
		}
	})

	t.Run("GeneratedID", func(t *testing.T) {
		for _, given := range []string{"", "has spaces in it", strings.Repeat("x", 200), "quote\"d"} {
			got := schematest.PostWithID(t, s.URL, `{ entity(id: "country:cuba") { id } }`, given)
			if !generatedID.MatchString(got) {
				t.Errorf("X-Request-Id %q given: answered %q, want a generated id", given, got)
				continue
			}
			logs.Find(t, func(l map[string]any) bool { return l["request_id"] == got })
		}
	})

	t.Run("ProbesAtDebug", func(t *testing.T) {
		resp, err := http.Get(s.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		id := resp.Header.Get("X-Request-Id")
		line := logs.Find(t, func(l map[string]any) bool { return l["request_id"] == id })
		if line["level"] != "DEBUG" || line["route"] != "/healthz" || line["operation"] != nil {
			t.Errorf("a health check is logged %v; want DEBUG, without an operation", line)
		}
	})
}

func TestReadyz(t *testing.T) {
	var draining atomic.Bool
	var broken atomic.Bool
	s := schematest.NewServerWith(t, httpapi.HandlerOptions{
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
	tr, err := httpapi.StartTracing(context.Background(), httpapi.TracingOptions{Endpoint: cs.URL + "/v1/traces", ServiceVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.OpenSeeded(t, t.TempDir())
	api, err := schema.New(db, db, nil, schema.Limits{}, httpapi.WithTracing(tr))
	if err != nil {
		t.Fatal(err)
	}
	logs := &schematest.LogBuffer{}
	ts := httptest.NewServer(httpapi.Handler(api, httpapi.HandlerOptions{Tracing: tr, Logger: slog.New(slog.NewJSONHandler(logs, nil))}))
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
	line := logs.Find(t, func(l map[string]any) bool { return l["msg"] == "request" })
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

// faultyReader is the seeded store with two faults injected: counting
// panics, as a bug in a resolver's path would, and searching fails with
// an error the client must not see.
type faultyReader struct{ *store.DB }

func (faultyReader) Count(context.Context, graph.CountQuery) ([]graph.Bucket, error) {
	panic("the count index is corrupt")
}

func (faultyReader) Search(context.Context, graph.SearchQuery) ([]graph.SearchHit, error) {
	return nil, errors.New("read block 42: input/output error")
}

// TestRequestIDInEveryLogLine checks that what is logged while a request
// is served, not only its own line, carries the id its answer gives in
// X-Request-Id, so that one search of the logs finds all of it.
func TestRequestIDInEveryLogLine(t *testing.T) {
	logs := &schematest.LogBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r := faultyReader{storetest.OpenSeeded(t, t.TempDir())}
	api, err := schema.New(r, r, log, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var healthPanics atomic.Bool
	ts := httptest.NewServer(httpapi.Handler(api, httpapi.HandlerOptions{
		Logger: log,
		Health: func(*http.Request) error {
			if healthPanics.Load() {
				panic("health check bug")
			}
			return errors.New("disk on fire")
		},
	}))
	defer ts.Close()
	s := &schematest.Server{Server: ts}
	withID := func(id string) func(map[string]any) bool {
		return func(l map[string]any) bool { return l["request_id"] == id && l["msg"] != "request" }
	}

	t.Run("ResolverPanic", func(t *testing.T) {
		// Nothing about the panic may go to the standard logger, which
		// knows no request id (graphql-go's default).
		var std bytes.Buffer
		stdlog.SetOutput(&std)
		defer stdlog.SetOutput(os.Stderr)
		body, _ := json.Marshal(map[string]any{"query": `query Census { count(groupBy: KIND) { key count } }`})
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r, status := schematest.Decode(t, resp)
		if status != http.StatusOK || len(r.Errors) != 1 || r.Code(0) != schema.CodeInternal || strings.Contains(r.Errors[0].Message, "corrupt") {
			t.Fatalf("a resolver panic answered %d %+v; want one INTERNAL error that hides the panic", status, r.Errors)
		}
		id := resp.Header.Get("X-Request-Id")
		if id == "" {
			t.Fatal("no X-Request-Id")
		}
		line := logs.Find(t, withID(id))
		if line["msg"] != "resolver panic" || line["level"] != "ERROR" || line["panic"] != "the count index is corrupt" ||
			!strings.Contains(fmt.Sprint(line["stack"]), "faultyReader.Count") {
			t.Errorf("the panic's line: %v", line)
		}
		reqLine := logs.Find(t, func(l map[string]any) bool { return l["request_id"] == id && l["msg"] == "request" })
		if reqLine["operation"] != "Census" {
			t.Errorf("the request's line: %v", reqLine)
		}
		if std.Len() > 0 {
			t.Errorf("the panic was also logged without its request id:\n%.300s", std.String())
		}
	})

	t.Run("StoreFailure", func(t *testing.T) {
		r, _ := s.Post(t, `{ search(text: "Cuba") { entity { id } } }`, nil)
		if len(r.Errors) == 0 || r.Code(0) != schema.CodeInternal || strings.Contains(r.Errors[0].Message, "block 42") {
			t.Fatalf("a store failure: %+v; want INTERNAL, without the store's error", r.Errors)
		}
		line := logs.Find(t, func(l map[string]any) bool { return l["msg"] == "query failed" })
		id, _ := line["request_id"].(string)
		if !strings.Contains(fmt.Sprint(line["err"]), "block 42") || id == "" {
			t.Fatalf("the failure's line: %v", line)
		}
		logs.Find(t, func(l map[string]any) bool {
			return l["request_id"] == id && l["msg"] == "request" && l["route"] == "/graphql"
		})
	})

	t.Run("HealthCheckFailure", func(t *testing.T) {
		resp, err := http.Get(ts.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		id := resp.Header.Get("X-Request-Id")
		if line := logs.Find(t, withID(id)); line["msg"] != "health check failed" {
			t.Errorf("the failure's line: %v", line)
		}
	})

	t.Run("HandlerPanic", func(t *testing.T) {
		healthPanics.Store(true)
		defer healthPanics.Store(false)
		const id = "probe-7"
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/healthz", nil)
		req.Header.Set("X-Request-Id", id)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			t.Errorf("a handler panic answered %d; want the connection dropped", resp.StatusCode)
		}
		line := logs.Find(t, withID(id))
		if line["msg"] != "handler panic" || line["panic"] != "health check bug" || !strings.Contains(fmt.Sprint(line["stack"]), "TestRequestIDInEveryLogLine") {
			t.Errorf("the panic's line: %v", line)
		}
		if line := logs.Find(t, func(l map[string]any) bool { return l["request_id"] == id && l["msg"] == "request" }); line["status"] != float64(500) {
			t.Errorf("the request's line: %v", line)
		}
	})

	t.Run("OutsideARequest", func(t *testing.T) {
		// A line not about a request has no request_id.
		log.Info("between requests")
		if line := logs.Find(t, func(l map[string]any) bool { return l["msg"] == "between requests" }); line["request_id"] != nil {
			t.Errorf("%v", line)
		}
	})
}

// TestCORSExposesHeaders checks that a page on another origin can read
// the headers it needs: the request id to quote, and the ETag to send
// back.
func TestCORSExposesHeaders(t *testing.T) {
	s := schematest.NewServerWith(t, httpapi.HandlerOptions{CORSOrigins: []string{"https://dashboard.example"}})
	exposed := func(resp *http.Response) map[string]bool {
		out := map[string]bool{}
		for _, v := range resp.Header.Values("Access-Control-Expose-Headers") {
			for h := range strings.SplitSeq(v, ",") {
				out[http.CanonicalHeaderKey(strings.TrimSpace(h))] = true
			}
		}
		return out
	}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		t.Run(method, func(t *testing.T) {
			var req *http.Request
			if method == http.MethodGet {
				req, _ = http.NewRequest(method, s.URL+"/graphql?query="+url.QueryEscape(`{ entity(id: "country:cuba") { name } }`), nil)
			} else {
				req, _ = http.NewRequest(method, s.URL+"/graphql", strings.NewReader(`{"query": "{ entity(id: \"country:cuba\") { name } }"}`))
				req.Header.Set("Content-Type", "application/json")
			}
			req.Header.Set("Origin", "https://dashboard.example")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "https://dashboard.example" {
				t.Fatalf("Access-Control-Allow-Origin %q", got)
			}
			got := exposed(resp)
			want := []string{"X-Request-Id"}
			if method == http.MethodGet {
				want = append(want, "Etag")
			}
			for _, h := range want {
				if !got[h] || resp.Header.Get(h) == "" {
					t.Errorf("%s is sent (%q) but not in Access-Control-Expose-Headers %q", h, resp.Header.Get(h), resp.Header.Values("Access-Control-Expose-Headers"))
				}
			}
		})
	}

	t.Run("PreflightAllowsARequestID", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodOptions, s.URL+"/graphql", nil)
		req.Header.Set("Origin", "https://dashboard.example")
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type,x-request-id")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if allowed := strings.ToLower(strings.Join(resp.Header.Values("Access-Control-Allow-Headers"), ",")); !strings.Contains(allowed, "x-request-id") {
			t.Errorf("a preflight asking to send X-Request-Id: Access-Control-Allow-Headers %q", allowed)
		}
	})
}
