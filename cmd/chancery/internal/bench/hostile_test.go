package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
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
