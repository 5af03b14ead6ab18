package measure

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestCostlyClientsCountWhatBecameOfTheirQueries(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/graphql-response+json")
		switch n.Add(1) % 3 {
		case 0:
			w.Write([]byte(`{"data":{"entities":{"totalCount":1}}}`))
		case 1:
			w.Write([]byte(`{"errors":[{"message":"too many costly queries","extensions":{"code":"BUSY"}}]}`))
		default:
			w.Write([]byte(`{"errors":[{"message":"over the budget","extensions":{"code":"QUERY_TOO_COMPLEX"}}]}`))
		}
	}))
	defer srv.Close()
	h := StartCostly(context.Background(), srv.Client(), srv.URL, []Costly{{Name: "a", Query: "{a}"}, {Name: "b", Query: "{b}"}}, 2)
	h.Reset()
	time.Sleep(100 * time.Millisecond)
	o := h.Stop()
	if o.Sent < 3 || o.Answered+o.Busy+o.Refused+o.Failed != o.Sent {
		t.Fatalf("outcome %+v: want at least 3 sent, each counted once", o)
	}
	if o.Answered == 0 || o.Busy == 0 || o.Refused == 0 || o.Failed != 0 {
		t.Errorf("outcome %+v: want answered, busy and refused, none failed", o)
	}
	if o.FirstError == "" || o.AnsweredP50Ms <= 0 || o.AnsweredMaxMs < o.AnsweredP50Ms {
		t.Errorf("outcome %+v: want the refusal as first error and the answered times", o)
	}
}

func TestHostileTableComparesBesideWithAlone(t *testing.T) {
	r := &HostileReport{
		Header:            Header{Command: []string{"chancery", "bench", "--hostile"}, URL: "http://x/graphql", Store: Store{Entities: 1200, Relations: 34000}},
		Budget:            100000,
		NormalConcurrency: 2, HostileConcurrency: 8,
		Normal:   []string{"entity-20-relations", "lineage"},
		Excluded: []string{"paths-6: costly"},
		Costly:   []Costly{{Name: "paths (size 9)", Cost: 98000}},
		Alone:    Figures{Done: 600, RequestsPerSecond: 2000, P50Ms: 1, P99Ms: 4},
		Beside:   Figures{Done: 600, RequestsPerSecond: 500, P50Ms: 3, P99Ms: 20, Errors: 2, FirstError: "BUSY"},
		Costs:    CostlyOutcome{Sent: 40, Answered: 30, Busy: 10, FirstError: ""},
		Ratios:   HostileRatios{P50: 3, P99: 5, Throughput: 4},
	}
	var b strings.Builder
	if err := r.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"chancery bench --hostile", "server   http://x/graphql", "1,200 entities, 34,000 relations",
		"the mix (entity-20-relations, lineage) in turn, 2 at a time", "left out: paths-6: costly", "8 clients at once",
		"paths (size 9), estimated cost 98,000", "0.2x", "3.0x", "5.0x", "40 sent, 30 answered", "10 refused as BUSY",
		"normal traffic beside: 2 errors; the first: BUSY"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}
