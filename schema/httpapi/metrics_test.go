package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/schema/httpapi"
	"github.com/chancery/chancery/schema/schematest"
)

// metricFamilies is one scrape of /metrics, parsed.
type metricFamilies map[string]*dto.MetricFamily

// scrape reads /metrics as Prometheus does and parses the text format.
func scrape(tb testing.TB, base string) metricFamilies {
	tb.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET /metrics: status %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		tb.Errorf("GET /metrics: Content-Type %q, want the text format", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		tb.Fatalf("/metrics is not in the text format: %v", err)
	}
	return fams
}

// value is the value of the series of name with exactly these labels: a
// counter's or gauge's value, a histogram's count of observations. -1
// means there is no such series.
func (f metricFamilies) value(name string, labels map[string]string) float64 {
	fam := f[name]
	if fam == nil {
		return -1
	}
	for _, m := range fam.Metric {
		if len(m.Label) != len(labels) {
			continue
		}
		match := true
		for _, l := range m.Label {
			if labels[l.GetName()] != l.GetValue() {
				match = false
			}
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return -1
}

// labelValues lists the values label takes in the series of name.
func (f metricFamilies) labelValues(name, label string) map[string]bool {
	out := map[string]bool{}
	if fam := f[name]; fam != nil {
		for _, m := range fam.Metric {
			for _, l := range m.Label {
				if l.GetName() == label {
					out[l.GetValue()] = true
				}
			}
		}
	}
	return out
}

// getGraphQL sends a GraphQL query by GET and returns the status.
func getGraphQL(tb testing.TB, base string, params url.Values) int {
	tb.Helper()
	resp, err := http.Get(base + "/graphql?" + params.Encode())
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestMetrics(t *testing.T) {
	s := schematest.NewServerWith(t, httpapi.HandlerOptions{StoreSize: func() (int64, int64) { return 1234, 5678 }})

	t.Run("RequestsByOperationRouteAndStatus", func(t *testing.T) {
		for range 2 {
			s.MustData(t, `query Cuba { entity(id: "country:cuba") { name } }`, nil)
		}
		s.MustData(t, `{ entity(id: "country:cuba") { name } }`, nil)
		getGraphQL(t, s.URL, url.Values{"query": {`query Havana { entity(id: "city:havana") { name } }`}, "operationName": {"Havana"}})
		if _, status := s.Send(t, "application/json", []byte(`{"query": `)); status != http.StatusBadRequest {
			t.Fatalf("malformed body: status %d", status)
		}
		resp, err := http.Get(s.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()

		m := scrape(t, s.URL)
		for _, tt := range []struct {
			route, operation, status string
			want                     float64
		}{
			{"/graphql", "Cuba", "200", 2},
			{"/graphql", "anonymous", "200", 1},
			{"/graphql", "Havana", "200", 1},
			{"/graphql", "unknown", "400", 1}, // the body is not JSON
			{"/healthz", "", "200", 1},
		} {
			labels := map[string]string{"route": tt.route, "operation": tt.operation, "status": tt.status}
			if got := m.value("chancery_http_requests_total", labels); got != tt.want {
				t.Errorf("chancery_http_requests_total%v = %v, want %v", labels, got, tt.want)
			}
		}
		for _, tt := range []struct {
			route, operation string
			want             float64
		}{
			{"/graphql", "Cuba", 2},
			{"/graphql", "anonymous", 1},
			{"/graphql", "unknown", 1},
			{"/healthz", "", 1},
		} {
			labels := map[string]string{"route": tt.route, "operation": tt.operation}
			if got := m.value("chancery_http_request_duration_seconds", labels); got != tt.want {
				t.Errorf("chancery_http_request_duration_seconds%v has %v observations, want %v", labels, got, tt.want)
			}
		}
		if got := m.value("chancery_graphql_estimated_cost", map[string]string{}); got < 4 {
			t.Errorf("chancery_graphql_estimated_cost has %v observations, want one per query (4)", got)
		}
		if fam := m["chancery_http_request_duration_seconds"]; fam.GetType() != dto.MetricType_HISTOGRAM {
			t.Errorf("chancery_http_request_duration_seconds is a %v, want a histogram", fam.GetType())
		}
	})

	t.Run("StoreReadsAreCountedByMethod", func(t *testing.T) {
		before := scrape(t, s.URL)
		s.Reader.Reset()
		s.MustData(t, `{ entity(id: "country:cuba") { name relations(first: 5) { edges { node { to { name } } } } } }`, nil)
		s.MustData(t, `{ entities(kind: COUNTRY, first: 3) { edges { node { name } } } }`, nil)
		s.MustData(t, `{ search(text: "Switzerlnd", first: 1) { entity { id } } }`, nil)
		s.MustData(t, `{ neighbourhood(id: "country:cuba", depth: 1, limit: 5) { nodes { id } } }`, nil)
		s.MustData(t, `{ count(groupBy: KIND) { key count } }`, nil)
		s.MustData(t, `{ relations(types: [PROTECTS], first: 2) { edges { node { id } } } }`, nil)
		after := scrape(t, s.URL)
		delta := func(method string) float64 {
			l := map[string]string{"method": method}
			return after.value("chancery_store_reads_total", l) - before.value("chancery_store_reads_total", l)
		}
		// The counting reader behind the server saw the same calls.
		for method, want := range map[string]int64{
			"Entity":       s.Reader.EntityCalls.Load(),
			"EntitiesByID": s.Reader.ByIDCalls.Load(),
			"Relations":    s.Reader.RelationsCalls.Load(),
			"Adjacent":     s.Reader.AdjacentCalls.Load(),
			"Search":       s.Reader.SearchCalls.Load(),
		} {
			if got := delta(method); got != float64(want) {
				t.Errorf("chancery_store_reads_total{method=%q} grew by %v; the store saw %d calls", method, got, want)
			}
		}
		for _, method := range []string{"EntitiesByID", "Relations", "Entities", "Search", "Adjacent", "Count"} {
			if delta(method) < 1 {
				t.Errorf("chancery_store_reads_total{method=%q} did not grow", method)
			}
		}
	})

	t.Run("StoreSize", func(t *testing.T) {
		m := scrape(t, s.URL)
		if lsm, vlog := m.value("chancery_store_size_bytes", map[string]string{"part": "lsm"}),
			m.value("chancery_store_size_bytes", map[string]string{"part": "vlog"}); lsm != 1234 || vlog != 5678 {
			t.Errorf("chancery_store_size_bytes: lsm %v, vlog %v; want 1234 and 5678", lsm, vlog)
		}
	})

	t.Run("RuntimeAndProcess", func(t *testing.T) {
		m := scrape(t, s.URL)
		for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes", "chancery_http_requests_in_flight"} {
			if m[name] == nil {
				t.Errorf("/metrics has no %s", name)
			}
		}
	})

	t.Run("OperationNamesAreBounded", func(t *testing.T) {
		for i := range 210 {
			s.MustData(t, fmt.Sprintf(`query Op%d { entity(id: "country:cuba") { id } }`, i), nil)
		}
		ops := scrape(t, s.URL).labelValues("chancery_http_requests_total", "operation")
		if !ops["other"] {
			t.Errorf("past 200 operation names, no operation=\"other\"")
		}
		if len(ops) > 200+4 { // the names, other, anonymous, unknown and ""
			t.Errorf("%d operation labels; clients must not grow the metrics without end", len(ops))
		}
	})
}

// TestRejectedByReason sends one query that breaks each limit, and the
// other ways a query is refused, and checks that each is counted under
// its reason.
func TestRejectedByReason(t *testing.T) {
	s := schematest.NewServerWithLimits(t, httpapi.HandlerOptions{Tokens: []string{"observability-token-0123"}},
		schema.Limits{MaxQueryBytes: 400, MaxDepth: 5, MaxAliases: 2, MaxRootFields: 3, MaxCost: 1000})
	for _, tt := range []struct {
		reason, query string
	}{
		{"length", `{ entity(id: "country:cuba") { name } }` + strings.Repeat(" ", 400)},
		{"depth", `{ entity(id: "country:cuba") { relations { edges { node { to { name } } } } } }`},
		{"aliases", `{ entity(id: "country:cuba") { a: name b: name c: name } }`},
		{"root_fields", `{ a: entity(id: "country:cuba") { id } b: entity(id: "country:cuba") { id } c: entity(id: "country:cuba") { id } d: entity(id: "country:cuba") { id } }`},
		{"cost", `{ entities(first: 500) { edges { node { id name kind } } } }`},
		{"parse", `{ entity(id: "country:cuba") { name }`},
		{"validation", `{ entity(id: "country:cuba") { colour } }`},
		{"unauthorized", `mutation { deleteRelation(id: "rel:0000000000000000") }`},
	} {
		t.Run(tt.reason, func(t *testing.T) {
			before := scrape(t, s.URL).value("chancery_requests_rejected_total", map[string]string{"reason": tt.reason})
			if before != 0 {
				t.Fatalf("chancery_requests_rejected_total{reason=%q} = %v before any such query; want it present at 0", tt.reason, before)
			}
			r, _ := s.Post(t, tt.query, nil)
			if len(r.Errors) == 0 {
				t.Fatalf("the query was not refused: %v", r.Data)
			}
			if got := scrape(t, s.URL).value("chancery_requests_rejected_total", map[string]string{"reason": tt.reason}); got != 1 {
				t.Errorf("chancery_requests_rejected_total{reason=%q} = %v after one such query (%s), want 1", tt.reason, got, r.Errors[0].Message)
			}
		})
	}

	t.Run("WrongToken", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", strings.NewReader(`{"query": "{ entity(id: \"country:cuba\") { id } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer wrong-token-0123456789")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", resp.StatusCode)
		}
		if got := scrape(t, s.URL).value("chancery_requests_rejected_total", map[string]string{"reason": "unauthorized"}); got != 2 {
			t.Errorf("chancery_requests_rejected_total{reason=\"unauthorized\"} = %v after a mutation without a token and a wrong token, want 2", got)
		}
	})

	t.Run("timeout", func(t *testing.T) {
		s := schematest.NewServerWithLimits(t, httpapi.HandlerOptions{}, schema.Limits{Timeout: time.Nanosecond})
		r, _ := s.Post(t, `{ neighbourhood(id: "country:cuba", depth: 2) { nodes { id } } }`, nil)
		if len(r.Errors) == 0 || r.Code(0) != schema.CodeTimeout {
			t.Fatalf("errors %+v, want a timeout", r.Errors)
		}
		if got := scrape(t, s.URL).value("chancery_requests_rejected_total", map[string]string{"reason": "timeout"}); got != 1 {
			t.Errorf("chancery_requests_rejected_total{reason=\"timeout\"} = %v, want 1", got)
		}
	})
}

// TestOperationOfRequestsThatDoNotRun checks that a request answered
// without running its query is counted and logged under its operation:
// the name in its text or the one it gives, and "unknown" only when the
// request does not say.
func TestOperationOfRequestsThatDoNotRun(t *testing.T) {
	s, logs := schematest.NewLoggedServer(t, httpapi.HandlerOptions{})
	requests := func(m metricFamilies, operation, status string) float64 {
		return m.value("chancery_http_requests_total", map[string]string{"route": "/graphql", "operation": operation, "status": status})
	}
	logged := func(t *testing.T, resp *http.Response) map[string]any {
		id := resp.Header.Get("X-Request-Id")
		return logs.Find(t, func(l map[string]any) bool { return l["request_id"] == id && l["msg"] == "request" })
	}

	t.Run("NotModified", func(t *testing.T) {
		// The name is in the query's text only, not in operationName.
		q := url.Values{"query": {`query Census { count(groupBy: KIND) { key count } }`}}
		_, first := get(t, s, q, nil)
		_, again := get(t, s, q, map[string]string{"If-None-Match": first.Header.Get("ETag")})
		if again.StatusCode != http.StatusNotModified {
			t.Fatalf("status %d, want 304", again.StatusCode)
		}
		m := scrape(t, s.URL)
		if got := requests(m, "Census", "304"); got != 1 {
			t.Errorf("chancery_http_requests_total{operation=\"Census\",status=\"304\"} = %v, want 1", got)
		}
		if line := logged(t, again); line["operation"] != "Census" || line["status"] != float64(304) {
			t.Errorf("a 304 is logged %v", line)
		}
	})

	t.Run("PersistedQueryNotFound", func(t *testing.T) {
		ext := json.RawMessage(`{"persistedQuery": {"version": 1, "sha256Hash": "` + strings.Repeat("0f", 32) + `"}}`)
		for _, tt := range []struct {
			body      map[string]any
			operation string
		}{
			{map[string]any{"extensions": ext, "operationName": "Dashboard"}, "Dashboard"},
			{map[string]any{"extensions": ext}, "unknown"},
		} {
			before := scrape(t, s.URL)
			body, _ := json.Marshal(tt.body)
			req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			r, status := schematest.Decode(t, resp)
			if len(r.Errors) != 1 || r.Code(0) != httpapi.CodePersistedQueryNotFound {
				t.Fatalf("%v: %+v", tt.body, r.Errors)
			}
			after := scrape(t, s.URL)
			st := strconv.Itoa(status)
			if got := requests(after, tt.operation, st) - max(requests(before, tt.operation, st), 0); got != 1 {
				t.Errorf("%s: chancery_http_requests_total{operation=%q,status=%q} grew by %v, want 1", body, tt.operation, st, got)
			}
			reason := map[string]string{"reason": "persisted_query_not_found"}
			if got := after.value("chancery_requests_rejected_total", reason) - before.value("chancery_requests_rejected_total", reason); got != 1 {
				t.Errorf("%s: chancery_requests_rejected_total%v grew by %v, want 1", body, reason, got)
			}
			if line := logged(t, resp); line["operation"] != tt.operation || line["rejected"] != "persisted_query_not_found" {
				t.Errorf("%s is logged %v", body, line)
			}
		}
	})

	t.Run("MutationByGET", func(t *testing.T) {
		_, resp := get(t, s, url.Values{"query": {`mutation Wipe { deleteRelation(id: "rel:0000000000000000") }`}}, nil)
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Fatalf("status %d, want 405", resp.StatusCode)
		}
		if got := requests(scrape(t, s.URL), "Wipe", "405"); got != 1 {
			t.Errorf("chancery_http_requests_total{operation=\"Wipe\",status=\"405\"} = %v, want 1", got)
		}
	})

	t.Run("DoesNotValidate", func(t *testing.T) {
		if r, _ := s.Post(t, `query Colours { entity(id: "country:cuba") { colour } }`, nil); len(r.Errors) == 0 {
			t.Fatal("the query ran")
		}
		if got := requests(scrape(t, s.URL), "Colours", "400"); got != 1 {
			t.Errorf("chancery_http_requests_total{operation=\"Colours\",status=\"400\"} = %v, want 1", got)
		}
	})
}

// TestMetricsElsewhere checks that a Handler given Metrics counts into
// them and does not serve /metrics itself, so that they can be served on
// a private listener.
func TestMetricsElsewhere(t *testing.T) {
	m := httpapi.NewMetrics(func() (int64, int64) { return 1, 2 })
	s := schematest.NewServerWith(t, httpapi.HandlerOptions{Metrics: m})
	private := httptest.NewServer(m.Handler(nil))
	defer private.Close()

	s.MustData(t, `query Cuba { entity(id: "country:cuba") { name } }`, nil)
	resp, err := http.Get(s.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || strings.Contains(string(body), "chancery_") {
		t.Errorf("the public /metrics answered %d %.100q; want 404", resp.StatusCode, body)
	}
	got := scrape(t, private.URL)
	if v := got.value("chancery_http_requests_total", map[string]string{"route": "/graphql", "operation": "Cuba", "status": "200"}); v != 1 {
		t.Errorf("the private /metrics counts the public request %v times, want 1", v)
	}
	if v := got.value("chancery_store_size_bytes", map[string]string{"part": "vlog"}); v != 2 {
		t.Errorf("chancery_store_size_bytes{part=\"vlog\"} = %v, want 2", v)
	}
	// The public 404 is counted as such, under a route no one can invent.
	if v := got.value("chancery_http_requests_total", map[string]string{"route": "unmatched", "operation": "", "status": "404"}); v != 1 {
		t.Errorf("the public /metrics is counted %v times as unmatched 404, want 1", v)
	}
}
