package schema_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/schema/httpapi"
	"github.com/chancery/chancery/schema/schematest"
)

// hostileQuery is a query built to cost the server dearly, and what its
// refusal says under the default limits.
type hostileQuery struct {
	name, query string
	vars        map[string]any
	want        string
}

// hostileQueries are the queries the limits are there to refuse.
func hostileQueries() []hostileQuery {
	nested := func(depth int) string {
		return strings.Repeat(`relations(first: 2) { edges { node { to { `, depth) + "id" + strings.Repeat(" } } } }", depth)
	}
	aliases := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "a%d: entity(id: \"country:cuba\") { name } ", i)
		}
		return b.String()
	}
	// fragments spread each fragment twice in the one before it, n deep:
	// a short query that expands to 2^n fields.
	fragments := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "fragment F%d on Entity { ...F%d ...F%d } ", i, i+1, i+1)
		}
		fmt.Fprintf(&b, "fragment F%d on Entity { id }", n)
		return b.String()
	}
	return []hostileQuery{
		{name: "DeepNesting", query: `{ entity(id: "country:cuba") { ` + nested(6) + ` } }`, want: "deep; the limit is 15"},
		{name: "ThousandsOfAliases", query: `{ ` + aliases(3000) + ` }`, want: "bytes long; the limit is 32768"},
		{name: "HundredsOfAliases", query: `{ ` + aliases(500) + ` }`, want: "fields at its top; the limit is 20"},
		{name: "ManyAliasesBelowTheTop", query: `{ entity(id: "country:cuba") { ` + strings.ReplaceAll(strings.ReplaceAll(aliases(40), `entity(id: "country:cuba")`, "relations(first: 1)"), "{ name }", "{ totalCount }") + ` } }`, want: "aliased fields; the limit is 30"},
		{name: "HugeFirstUnderNestedLists", query: `{ entities(first: 500) { edges { node { relations(first: 500) { edges { node { to { relations(first: 500) { edges { node { id } } } } } } } } } } }`, want: "the budget is 100000"},
		{name: "HugeNeighbourhoods", query: `{ a: neighbourhood(id: "country:cuba", depth: 4, limit: 2000) { nodes { relations(first: 500) { edges { node { id } } } } } }`, want: "the budget is 100000"},
		{name: "HugeFirstThroughVariables", query: `query($n: Int) { entities(first: $n) { edges { node { relations(first: $n) { edges { node { to { relations(first: $n) { edges { node { id } } } } } } } } } } }`, vars: map[string]any{"n": 500}, want: "the budget is 100000"},
		{name: "LongQuery", query: `{ entity(id: "country:cuba") { name } }` + strings.Repeat(" ", 40<<10), want: "bytes long; the limit is 32768"},
		{name: "FragmentBomb", query: `{ entity(id: "country:cuba") { ...F0 } } ` + fragments(40), want: "expands to 1.1e+12 fields (fragments spread within fragments multiply)"},
		{name: "NegativeLimitPaysForTheRest", query: `{ a: neighbourhood(id: "country:cuba", limit: -2000000000) { nodes { id } } b: entities(first: 20) { edges { node { relations(first: 100) { edges { node { to { relations(first: 100) { edges { node { id } } } } } } } } } } }`, want: "the budget is 100000"},
	}
}

// hostileBody is a request body built to cost the server dearly, and the
// status of its refusal.
type hostileBody struct {
	name   string
	body   []byte
	status int
}

// hostileBodies are the bodies the HTTP layer refuses before any GraphQL.
func hostileBodies() []hostileBody {
	return []hostileBody{
		{"TenMegabytes", []byte(`{"query": "{ entity(id: \"country:cuba\") { name } }", "pad": "` + strings.Repeat("x", 10<<20) + `"}`), http.StatusRequestEntityTooLarge},
		{"MalformedJSON", []byte(`{"query": "{ entity(id: `), http.StatusBadRequest},
		{"InvalidUTF8", []byte("{\"query\": \"{ entity(id: \\\"country:\xff\xfe\\\") { name } }\"}"), http.StatusBadRequest},
	}
}

// refused checks that a hostile query was refused as it should be.
func (h hostileQuery) refused(r *schematest.Result) error {
	if len(r.Errors) != 1 || r.Code(0) != schema.CodeTooComplex || !strings.Contains(r.Errors[0].Message, h.want) {
		return fmt.Errorf("errors %+v; want one %s saying %q", r.Errors, schema.CodeTooComplex, h.want)
	}
	if r.Data != nil {
		return fmt.Errorf("a refused query answered data: %v", r.Data)
	}
	return nil
}

// ordinaryQuery is what the stream of normal traffic asks, over and over,
// while hostile queries arrive: a representation, which reads the store.
const ordinaryQuery = `{ representation(of: "country:united-states", in: "country:cuba", asOf: 1990) { kind } }`

// stream sends ordinaryQuery to a server without pause, on connections of
// its own, until stopped, counting the answers and the failures.
type stream struct {
	answered, failed atomic.Int64
	stop             chan struct{}
	stopOnce         sync.Once
	done             sync.WaitGroup
}

func startStream(base string) *stream {
	st := &stream{stop: make(chan struct{})}
	client := &http.Client{Transport: &http.Transport{}}
	body, _ := json.Marshal(map[string]any{"query": ordinaryQuery})
	st.done.Add(1)
	go func() {
		defer st.done.Done()
		defer client.CloseIdleConnections()
		for {
			select {
			case <-st.stop:
				return
			default:
			}
			resp, err := client.Post(base+"/graphql", "application/json", bytes.NewReader(body))
			if err != nil {
				st.failed.Add(1)
				continue
			}
			var r schematest.Result
			err = json.NewDecoder(resp.Body).Decode(&r)
			resp.Body.Close()
			if err == nil && resp.StatusCode == http.StatusOK && len(r.Errors) == 0 && r.Data["representation"] != nil {
				st.answered.Add(1)
			} else {
				st.failed.Add(1)
			}
		}
	}()
	return st
}

// waitAnswered waits until the stream has answered n more queries than
// it had when called, or fails.
func (st *stream) waitAnswered(tb testing.TB, n int64) {
	tb.Helper()
	target := st.answered.Load() + n
	for st.answered.Load() < target {
		if st.failed.Load() > 0 {
			tb.Fatalf("%d ordinary queries failed", st.failed.Load())
		}
		time.Sleep(time.Millisecond)
	}
}

// close stops the stream and waits for its last query; it may be called
// again.
func (st *stream) close() {
	st.stopOnce.Do(func() { close(st.stop) })
	st.done.Wait()
}

// TestHostileQueriesAreRefusedBeforeTheyRun sends queries built to cost
// the server dearly and checks each is refused, with a message that says
// what limit it broke, without a single store read, while a stream of
// ordinary queries goes on being answered.
func TestHostileQueriesAreRefusedBeforeTheyRun(t *testing.T) {
	s := schematest.NewServer(t)

	for _, tt := range hostileQueries() {
		t.Run(tt.name, func(t *testing.T) {
			s.Reader.Reset()
			start := time.Now()
			r, _ := s.Post(t, tt.query, tt.vars)
			if err := tt.refused(r); err != nil {
				t.Fatal(err)
			}
			if n := s.Reader.Reads(); n != 0 {
				t.Errorf("the refused query read the store %d times", n)
			}
			t.Logf("refused in %s", time.Since(start).Round(time.Microsecond))
		})
	}

	t.Run("HostileBodies", func(t *testing.T) {
		for _, tt := range hostileBodies() {
			s.Reader.Reset()
			r, status := s.Send(t, "application/json", tt.body)
			if status != tt.status || len(r.Errors) == 0 {
				t.Errorf("%s: status %d, errors %+v; want %d and an error", tt.name, status, r.Errors, tt.status)
			}
			if n := s.Reader.Reads(); n != 0 {
				t.Errorf("%s: the refused request read the store %d times", tt.name, n)
			}
		}
	})

	t.Run("LiteralsTheCheckCannotRead", func(t *testing.T) {
		// Once, a field the check could not parse let the rest of the
		// query run unchecked: an escape graphql-go takes and GraphQL
		// does not, beside a neighbourhood far over the budget.
		huge := `n: neighbourhood(id: "country:cuba", depth: 4, limit: 2000) { nodes { relations(first: 500) { edges { node { id } } } } }`
		for _, field := range []string{`e: entity(id: "\a") { name }`, `e: entity(id: "\x41") { name }`,
			`e: count(groupBy: HOST, limit: 1_0) { key }`, `e: entities(first: 0x10) { totalCount }`} {
			s.Reader.Reset()
			r, status := s.Post(t, `{ `+field+` `+huge+` }`, nil)
			if status != http.StatusBadRequest || len(r.Errors) != 1 || r.Code(0) != schema.CodeParseFailed || r.Data != nil {
				t.Errorf("%s: status %d, errors %+v, data %v; want 400, one %s and no data", field, status, r.Errors, r.Data, schema.CodeParseFailed)
			}
			if n := s.Reader.Reads(); n != 0 {
				t.Errorf("%s: the refused query read the store %d times", field, n)
			}
		}
	})

	t.Run("FragmentCycle", func(t *testing.T) {
		r, _ := s.Post(t, `{ entity(id: "country:cuba") { ...A } } fragment A on Country { ...B } fragment B on Country { ...A }`, nil)
		if len(r.Errors) == 0 || r.Code(0) != schema.CodeValidationFailed {
			t.Errorf("a fragment cycle: %+v; want a validation error", r.Errors)
		}
	})

	t.Run("OrdinaryQueriesGoOn", func(t *testing.T) {
		// Every hostile input, a few times each, while the stream runs;
		// the stream must go on being answered, without a failure.
		st := startStream(s.URL)
		defer st.close()
		st.waitAnswered(t, 1)
		for range 3 {
			for _, h := range hostileQueries() {
				if r, _ := s.Post(t, h.query, h.vars); h.refused(r) != nil {
					t.Fatalf("%s: %v", h.name, h.refused(r))
				}
			}
			for _, h := range hostileBodies() {
				if _, status := s.Send(t, "application/json", h.body); status != h.status {
					t.Fatalf("%s: status %d, want %d", h.name, status, h.status)
				}
			}
		}
		st.waitAnswered(t, 5)
		if n := st.failed.Load(); n > 0 {
			t.Errorf("%d ordinary queries failed while hostile ones were refused", n)
		}
	})

	t.Run("OrdinaryHeavyQueryFits", func(t *testing.T) {
		// A page of entities, each with a page of relations and their
		// ends, is what a graph view asks; it stays within budget.
		s.MustData(t, `{ entities(first: 100) { edges { node { id relations(first: 20) { edges { node { type to { name } } } } } } } }`, nil)
	})
}

// BenchmarkHostileRefusal measures how long the server takes to refuse
// each hostile input while a stream of ordinary queries runs against it,
// over real HTTP. Besides ns/op (the mean) it reports the median and
// slowest refusal (p50-ns, max-ns) and how many ordinary queries the
// stream had answered meanwhile (stream-answered, stream-answers/s); a
// failed ordinary query fails the benchmark. Run it with
//
//	go test ./schema -run '^$' -bench HostileRefusal -benchtime 200x -count 5
func BenchmarkHostileRefusal(b *testing.B) {
	// Request lines are formatted as in production, and thrown away.
	s := schematest.NewServerWith(b, httpapi.HandlerOptions{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	run := func(b *testing.B, refuse func() error) {
		st := startStream(s.URL)
		defer st.close()
		st.waitAnswered(b, 1)
		took := make([]time.Duration, 0, 1024)
		var before int64
		first := true
		for b.Loop() {
			if first {
				before, first = st.answered.Load(), false
			}
			start := time.Now()
			if err := refuse(); err != nil {
				b.Fatal(err)
			}
			took = append(took, time.Since(start))
		}
		answered := st.answered.Load() - before
		elapsed := b.Elapsed()
		st.close()
		if n := st.failed.Load(); n > 0 {
			b.Fatalf("%d ordinary queries failed while hostile ones were refused", n)
		}
		slices.Sort(took)
		b.ReportMetric(float64(took[len(took)/2].Nanoseconds()), "p50-ns")
		b.ReportMetric(float64(took[len(took)-1].Nanoseconds()), "max-ns")
		b.ReportMetric(float64(answered), "stream-answered")
		b.ReportMetric(float64(answered)/elapsed.Seconds(), "stream-answers/s")
	}
	b.Run("NoHostileInput", func(b *testing.B) {
		// The stream's pace alone, and an ordinary query's latency
		// beside it, to compare with.
		body, _ := json.Marshal(map[string]any{"query": ordinaryQuery})
		run(b, func() error {
			resp, err := http.Post(s.URL+"/graphql", "application/json", bytes.NewReader(body))
			if err != nil {
				return err
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("an ordinary query answered %d", resp.StatusCode)
			}
			return nil
		})
	})
	for _, h := range hostileQueries() {
		body, _ := json.Marshal(map[string]any{"query": h.query, "variables": h.vars})
		b.Run(h.name, func(b *testing.B) {
			run(b, func() error {
				r, _ := s.Send(b, "application/json", body)
				return h.refused(r)
			})
		})
	}
	for _, h := range hostileBodies() {
		b.Run(h.name, func(b *testing.B) {
			run(b, func() error {
				if _, status := s.Send(b, "application/json", h.body); status != h.status {
					return fmt.Errorf("status %d, want %d", status, h.status)
				}
				return nil
			})
		})
	}
}

func TestRequestTimeout(t *testing.T) {
	s := schematest.NewServerWithLimits(t, httpapi.HandlerOptions{}, schema.Limits{Timeout: time.Nanosecond})
	r, _ := s.Post(t, `{ neighbourhood(id: "country:cuba", depth: 2) { nodes { id } } }`, nil)
	if len(r.Errors) == 0 || r.Code(0) != schema.CodeTimeout || !strings.Contains(r.Errors[0].Message, "--request-timeout") {
		t.Errorf("a request past its timeout: %+v", r.Errors)
	}
}

// TestCostOfAPath checks the estimate the request log gives for a path:
// its nodes are as many as its longest path allows (maxLength + 1), not
// as many as there are paths.
func TestCostOfAPath(t *testing.T) {
	s, logs := schematest.NewLoggedServer(t, httpapi.HandlerOptions{})
	id := schematest.PostWithID(t, s.URL, `{ paths(from: "country:cuba", to: "country:spain", maxLength: 6, first: 1) { nodes { id } } }`, "")
	line := logs.Find(t, func(l map[string]any) bool { return l["request_id"] == id && l["msg"] == "request" })
	// paths: a search and 6 steps of work, then 1 path (an object) of 7
	// nodes, objects of 1 leaf each (see costWeights).
	if want := float64(30_000 + 6*500 + 1*(2+7*(2+1))); line["cost"] != want {
		t.Errorf("cost %v, want %v", line["cost"], want)
	}
}
