package schema_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chancery/chancery/schema"
)

// TestHostileQueriesAreRefusedBeforeTheyRun sends queries built to cost
// the server dearly and checks each is refused, with a message that says
// what limit it broke, without a single store read, while a stream of
// ordinary queries goes on being answered.
func TestHostileQueriesAreRefusedBeforeTheyRun(t *testing.T) {
	s := newServer(t, schema.HandlerOptions{})

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
	for _, tt := range []struct {
		name, query string
		want        string
	}{
		{"DeepNesting", `{ entity(id: "country:cuba") { ` + nested(6) + ` } }`, "deep; the limit is 15"},
		{"ThousandsOfAliases", `{ ` + aliases(3000) + ` }`, "bytes long; the limit is 32768"},
		{"HundredsOfAliases", `{ ` + aliases(500) + ` }`, "fields at its top; the limit is 20"},
		{"ManyAliasesBelowTheTop", `{ entity(id: "country:cuba") { ` + strings.ReplaceAll(strings.ReplaceAll(aliases(40), `entity(id: "country:cuba")`, "relations(first: 1)"), "{ name }", "{ totalCount }") + ` } }`, "aliased fields; the limit is 30"},
		{"HugeFirstUnderNestedLists", `{ entities(first: 500) { edges { node { relations(first: 500) { edges { node { to { relations(first: 500) { edges { node { id } } } } } } } } } } }`, "the budget is 200000"},
		{"HugeNeighbourhoods", `{ a: neighbourhood(id: "country:cuba", depth: 4, limit: 2000) { nodes { relations(first: 500) { edges { node { id } } } } } }`, "the budget is 200000"},
		{"HugeFirstThroughVariables", `query($n: Int) { entities(first: $n) { edges { node { relations(first: $n) { edges { node { to { relations(first: $n) { edges { node { id } } } } } } } } } } }`, "the budget is 200000"},
		{"LongQuery", `{ entity(id: "country:cuba") { name } }` + strings.Repeat(" ", 40<<10), "bytes long; the limit is 32768"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s.reader.reset()
			start := time.Now()
			var vars map[string]any
			if strings.Contains(tt.query, "$n") {
				vars = map[string]any{"n": 500}
			}
			r, _ := s.post(t, tt.query, vars)
			if len(r.Errors) != 1 || r.code(0) != schema.CodeTooComplex || !strings.Contains(r.Errors[0].Message, tt.want) {
				t.Fatalf("errors %+v; want one %s saying %q", r.Errors, schema.CodeTooComplex, tt.want)
			}
			if r.Data != nil {
				t.Errorf("a refused query answered data: %v", r.Data)
			}
			if n := s.reader.reads(); n != 0 {
				t.Errorf("the refused query read the store %d times", n)
			}
			t.Logf("refused in %s", time.Since(start).Round(time.Microsecond))
		})
	}

	t.Run("HostileBodies", func(t *testing.T) {
		for _, tt := range []struct {
			name   string
			body   []byte
			status int
		}{
			{"TenMegabytes", []byte(`{"query": "{ entity(id: \"country:cuba\") { name } }", "pad": "` + strings.Repeat("x", 10<<20) + `"}`), http.StatusRequestEntityTooLarge},
			{"MalformedJSON", []byte(`{"query": "{ entity(id: `), http.StatusBadRequest},
			{"InvalidUTF8", []byte("{\"query\": \"{ entity(id: \\\"country:\xff\xfe\\\") { name } }\"}"), http.StatusBadRequest},
		} {
			s.reader.reset()
			r, status := s.send(t, "application/json", tt.body)
			if status != tt.status || len(r.Errors) == 0 {
				t.Errorf("%s: status %d, errors %+v; want %d and an error", tt.name, status, r.Errors, tt.status)
			}
			if n := s.reader.reads(); n != 0 {
				t.Errorf("%s: the refused request read the store %d times", tt.name, n)
			}
		}
	})

	t.Run("FragmentCycle", func(t *testing.T) {
		r, _ := s.post(t, `{ entity(id: "country:cuba") { ...A } } fragment A on Country { ...B } fragment B on Country { ...A }`, nil)
		if len(r.Errors) == 0 || r.code(0) != schema.CodeValidationFailed {
			t.Errorf("a fragment cycle: %+v; want a validation error", r.Errors)
		}
	})

	t.Run("OrdinaryQueriesGoOn", func(t *testing.T) {
		var answered, failed atomic.Int64
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				r, _ := s.post(t, `{ representation(of: "country:united-states", in: "country:cuba", asOf: 1990) { kind } }`, nil)
				if len(r.Errors) == 0 && r.Data["representation"] != nil {
					answered.Add(1)
				} else {
					failed.Add(1)
				}
			}
		}()
		hostile := `{ ` + aliases(500) + ` }`
		for range 20 {
			if r, _ := s.post(t, hostile, nil); len(r.Errors) != 1 || r.code(0) != schema.CodeTooComplex {
				t.Errorf("hostile query: %+v", r.Errors)
				break
			}
		}
		for answered.Load() < 5 {
			time.Sleep(time.Millisecond)
		}
		close(stop)
		wg.Wait()
		if failed.Load() > 0 {
			t.Errorf("%d ordinary queries failed while hostile ones were refused", failed.Load())
		}
	})

	t.Run("OrdinaryHeavyQueryFits", func(t *testing.T) {
		// A full page of entities, each with a page of relations and
		// their ends, is what a graph view asks; it stays within budget.
		s.mustData(t, `{ entities(first: 500) { edges { node { id relations(first: 50) { edges { node { type to { name } } } } } } } }`, nil)
	})
}

func TestRequestTimeout(t *testing.T) {
	s := newServerWithLimits(t, schema.HandlerOptions{}, schema.Limits{Timeout: time.Nanosecond})
	r, _ := s.post(t, `{ neighbourhood(id: "country:cuba", depth: 2) { nodes { id } } }`, nil)
	if len(r.Errors) == 0 || r.code(0) != schema.CodeTimeout || !strings.Contains(r.Errors[0].Message, "--request-timeout") {
		t.Errorf("a request past its timeout: %+v", r.Errors)
	}
}
