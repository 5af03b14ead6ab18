package schema_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/schema/httpapi"
	"github.com/chancery/chancery/schema/schematest"
	"github.com/chancery/chancery/store/storetest"
)

// gatedReader holds every read of the relations of one entity until the
// test lets it go, so that a query about that entity stays in flight for
// as long as the test needs, however fast or slow the machine.
type gatedReader struct {
	*schematest.CountingReader
	id      graph.ID
	entered chan struct{} // receives once for each read held
	release chan struct{} // closed to let the held reads go
}

func (g *gatedReader) Adjacent(ctx context.Context, q graph.AdjacencyQuery) (map[graph.ID]*graph.Adjacency, error) {
	if slices.Contains(q.IDs, g.id) {
		g.entered <- struct{}{}
		select {
		case <-g.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return g.CountingReader.Adjacent(ctx, q)
}

// admissionServer serves the seeded store with one slot for costly
// queries; reads of Cuba's relations wait for the gate.
func admissionServer(t *testing.T, wait time.Duration) (*schematest.Server, *gatedReader) {
	t.Helper()
	g := &gatedReader{CountingReader: &schematest.CountingReader{DB: storetest.OpenSeeded(t, t.TempDir())}, id: "country:cuba",
		entered: make(chan struct{}, 16), release: make(chan struct{})}
	s, err := schema.New(g, g, nil, schema.Limits{MaxExpensive: 1, ExpensiveWait: wait})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(httpapi.Handler(s, httpapi.HandlerOptions{}))
	t.Cleanup(ts.Close)
	t.Cleanup(func() {
		select {
		case <-g.release:
		default:
			close(g.release)
		}
	})
	return &schematest.Server{Server: ts, Reader: g.CountingReader}, g
}

// Costly and cheap queries under the default budget: the neighbourhoods
// cost more than a quarter of it, the entity far less.
const (
	costlyCuba  = `{ neighbourhood(id: "country:cuba", depth: 2, limit: 2000) { nodes { id name } relations { id type from { id } to { id } } } }`
	costlySpain = `{ neighbourhood(id: "country:spain", depth: 2, limit: 2000) { nodes { id name } relations { id type from { id } to { id } } } }`
	cheapQuery  = `{ entity(id: "country:spain") { name } }`
)

// postAsync sends a query in the background; the answer and status come
// on the channel.
func postAsync(t *testing.T, s *schematest.Server, query string) <-chan admissionAnswer {
	out := make(chan admissionAnswer, 1)
	body, _ := json.Marshal(map[string]any{"query": query})
	go func() {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/graphql-response+json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			out <- admissionAnswer{err: err}
			return
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		a := admissionAnswer{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"), err: err}
		if err == nil {
			a.err = json.Unmarshal(raw, &a.r)
		}
		out <- a
	}()
	return out
}

type admissionAnswer struct {
	r          schematest.Result
	status     int
	retryAfter string
	err        error
}

// TestCostlyQueriesTakeTurns checks the admission of costly queries over
// real HTTP: while the one slot is held, another costly query is refused
// as BUSY after its short wait (and counted in the metrics), or waits and
// then runs when the slot frees within its wait, and cheap queries are
// answered meanwhile without waiting.
func TestCostlyQueriesTakeTurns(t *testing.T) {
	for _, q := range []string{costlyCuba, costlySpain} {
		cost, err := schema.EstimateCost(schema.Request{Query: q})
		if err != nil || cost <= schema.DefaultMaxCost/4 || cost > schema.DefaultMaxCost {
			t.Fatalf("%s: cost %v, %v; the test needs a query between a quarter of the budget %d and the budget", q, cost, err, schema.DefaultMaxCost)
		}
	}
	if cost, _ := schema.EstimateCost(schema.Request{Query: cheapQuery}); cost > schema.DefaultMaxCost/4 {
		t.Fatalf("the cheap query costs %v", cost)
	}

	t.Run("RefusedWhenTheSlotStaysFull", func(t *testing.T) {
		s, g := admissionServer(t, time.Millisecond)
		first := postAsync(t, s, costlyCuba)
		<-g.entered // the first holds the only slot, inside its read

		second := <-postAsync(t, s, costlySpain)
		if second.err != nil {
			t.Fatal(second.err)
		}
		if len(second.r.Errors) != 1 || second.r.Code(0) != schema.CodeBusy || second.r.Data != nil {
			t.Fatalf("a costly query while the slot is held: %+v; want one %s error and no data", second.r, schema.CodeBusy)
		}
		msg := second.r.Errors[0].Message
		for _, want := range []string{"at most 1 costly query at a time", "Send it again in a moment", "ask for less"} {
			if !strings.Contains(msg, want) {
				t.Errorf("the message %q does not say %q", msg, want)
			}
		}
		if second.status != http.StatusServiceUnavailable || second.retryAfter == "" {
			t.Errorf("status %d, Retry-After %q; want 503 and a Retry-After", second.status, second.retryAfter)
		}

		// A cheap query is answered while the costly one still holds
		// its slot.
		cheap := <-postAsync(t, s, cheapQuery)
		if cheap.err != nil || cheap.status != http.StatusOK || len(cheap.r.Errors) != 0 || cheap.r.Data["entity"] == nil {
			t.Fatalf("a cheap query while the slot is held: status %d, %+v, %v", cheap.status, cheap.r, cheap.err)
		}
		select {
		case a := <-first:
			t.Fatalf("the first costly query was answered before its read was let go: %+v", a)
		default:
		}

		close(g.release)
		a := <-first
		if a.err != nil || len(a.r.Errors) != 0 || a.r.Data["neighbourhood"] == nil {
			t.Fatalf("the first costly query: %+v, %v", a.r, a.err)
		}
		// The slot is free again.
		if r, _ := s.Post(t, costlySpain, nil); len(r.Errors) != 0 {
			t.Errorf("a costly query once the slot is free: %+v", r.Errors)
		}
		if got := metric(t, s, `chancery_requests_rejected_total{reason="busy"}`); got != "1" {
			t.Errorf("busy refusals counted %q, want 1", got)
		}
	})

	t.Run("WaitsForTheSlot", func(t *testing.T) {
		s, g := admissionServer(t, time.Minute)
		first := postAsync(t, s, costlyCuba)
		<-g.entered
		second := postAsync(t, s, costlySpain)
		// The cheap query goes past the costly one waiting for the slot.
		if r, _ := s.Post(t, cheapQuery, nil); len(r.Errors) != 0 || r.Data["entity"] == nil {
			t.Fatalf("a cheap query while a costly one waits: %+v", r)
		}
		select {
		case a := <-second:
			t.Fatalf("the second costly query was answered while the first held the only slot: %+v", a)
		default:
		}
		close(g.release)
		for _, ch := range []<-chan admissionAnswer{first, second} {
			a := <-ch
			if a.err != nil || len(a.r.Errors) != 0 || a.r.Data["neighbourhood"] == nil {
				t.Fatalf("a costly query after the slot freed: %+v, %v", a.r, a.err)
			}
		}
		if got := metric(t, s, `chancery_requests_rejected_total{reason="busy"}`); got != "0" {
			t.Errorf("busy refusals counted %q, want 0", got)
		}
	})
}

// metric reads one sample of the server's /metrics.
func metric(t *testing.T, s *schematest.Server, name string) string {
	t.Helper()
	resp, err := http.Get(s.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return v
		}
	}
	t.Fatalf("/metrics has no %s", name)
	return ""
}
