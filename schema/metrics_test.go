package schema_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/chancery/chancery/schema"
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
	s := newServer(t, schema.HandlerOptions{StoreSize: func() (int64, int64) { return 1234, 5678 }})

	t.Run("RequestsByOperationRouteAndStatus", func(t *testing.T) {
		for range 2 {
			s.mustData(t, `query Cuba { entity(id: "country:cuba") { name } }`, nil)
		}
		s.mustData(t, `{ entity(id: "country:cuba") { name } }`, nil)
		getGraphQL(t, s.URL, url.Values{"query": {`query Havana { entity(id: "city:havana") { name } }`}, "operationName": {"Havana"}})
		if _, status := s.send(t, "application/json", []byte(`{"query": `)); status != http.StatusBadRequest {
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
			{"/graphql", "anonymous", "400", 1},
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
			{"/graphql", "anonymous", 2},
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
		s.reader.reset()
		s.mustData(t, `{ entity(id: "country:cuba") { name relations(first: 5) { edges { node { to { name } } } } } }`, nil)
		s.mustData(t, `{ entities(kind: COUNTRY, first: 3) { edges { node { name } } } }`, nil)
		s.mustData(t, `{ search(text: "Switzerlnd", first: 1) { entity { id } } }`, nil)
		s.mustData(t, `{ neighbourhood(id: "country:cuba", depth: 1, limit: 5) { nodes { id } } }`, nil)
		s.mustData(t, `{ count(groupBy: KIND) { key count } }`, nil)
		s.mustData(t, `{ relations(types: [PROTECTS], first: 2) { edges { node { id } } } }`, nil)
		after := scrape(t, s.URL)
		delta := func(method string) float64 {
			l := map[string]string{"method": method}
			return after.value("chancery_store_reads_total", l) - before.value("chancery_store_reads_total", l)
		}
		// The counting reader behind the server saw the same calls.
		for method, want := range map[string]int64{
			"Entity":       s.reader.entityCalls.Load(),
			"EntitiesByID": s.reader.byIDCalls.Load(),
			"Relations":    s.reader.relationsCalls.Load(),
			"Adjacent":     s.reader.adjacentCalls.Load(),
			"Search":       s.reader.searchCalls.Load(),
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
			s.mustData(t, fmt.Sprintf(`query Op%d { entity(id: "country:cuba") { id } }`, i), nil)
		}
		ops := scrape(t, s.URL).labelValues("chancery_http_requests_total", "operation")
		if !ops["other"] {
			t.Errorf("past 200 operation names, no operation=\"other\"")
		}
		if len(ops) > 200+3 { // the names, other, anonymous and ""
			t.Errorf("%d operation labels; clients must not grow the metrics without end", len(ops))
		}
	})
}

// TestRejectedByReason sends one query that breaks each limit, and the
// other ways a query is refused, and checks that each is counted under
// its reason.
func TestRejectedByReason(t *testing.T) {
	s := newServerWithLimits(t, schema.HandlerOptions{Tokens: []string{"observability-token-0123"}},
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
			r, _ := s.post(t, tt.query, nil)
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
		s := newServerWithLimits(t, schema.HandlerOptions{}, schema.Limits{Timeout: time.Nanosecond})
		r, _ := s.post(t, `{ neighbourhood(id: "country:cuba", depth: 2) { nodes { id } } }`, nil)
		if len(r.Errors) == 0 || r.code(0) != schema.CodeTimeout {
			t.Fatalf("errors %+v, want a timeout", r.Errors)
		}
		if got := scrape(t, s.URL).value("chancery_requests_rejected_total", map[string]string{"reason": "timeout"}); got != 1 {
			t.Errorf("chancery_requests_rejected_total{reason=\"timeout\"} = %v, want 1", got)
		}
	})
}
