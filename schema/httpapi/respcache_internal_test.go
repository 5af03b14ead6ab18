package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/store/storetest"
)

// TestSeenRequestsSkipDecoding holds the way a body sent before is
// answered: from what the cache remembers of those bytes, without
// decoding them or reading their query, and only from an answer read at
// the current data version.
func TestSeenRequestsSkipDecoding(t *testing.T) {
	db := storetest.OpenSeeded(t, t.TempDir())
	s, err := schema.New(db, db, nil, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := newResponseCache(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	h := &handler{s: s, log: slog.New(slog.DiscardHandler), tokens: newTokens(nil), persisted: newPersistedQueries(),
		cache: rc, m: NewMetrics(nil)}
	srv := httptest.NewServer(http.HandlerFunc(h.graphql))
	t.Cleanup(srv.Close)

	const query = `query Name($id: ID!) { entity(id: $id) { name } }`
	body := func(id string) []byte {
		b, err := json.Marshal(map[string]any{"query": query, "variables": map[string]any{"id": id}})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	name := func(b []byte) string {
		t.Helper()
		resp, err := http.Post(srv.URL, "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		got, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if n := resp.Header.Get("Content-Length"); n != strconv.Itoa(len(got)) {
			t.Errorf("Content-Length %q for an answer of %d bytes", n, len(got))
		}
		var r struct {
			Data struct {
				Entity struct{ Name string }
			}
		}
		if err := json.Unmarshal(got, &r); err != nil {
			t.Fatalf("%s: %v", got, err)
		}
		return r.Data.Entity.Name
	}
	// seen asks b until the cache remembers it, as it does once its answer
	// is kept (from the second asking), and returns what it remembers.
	seen := func(b []byte) seenRequest {
		t.Helper()
		for range 5 {
			name(b)
			rc.c.Wait()
			rc.seen.Wait()
			if s, ok := rc.request(b); ok {
				return s
			}
		}
		t.Fatalf("asked five times, %s is not remembered", b)
		return seenRequest{}
	}
	cuba, france := body("country:cuba"), body("country:france")
	seenCuba, seenFrance := seen(cuba), seen(france)
	if seenCuba.q == seenFrance.q {
		t.Fatal("two requests with other variables stand for the same question")
	}
	if seenCuba.check.Operation != "Name" || !seenCuba.check.Estimated {
		t.Errorf("what the check said is not remembered: %+v", seenCuba.check)
	}
	if got := name(cuba); got != "Cuba" {
		t.Fatalf("Cuba's request answered %q", got)
	}

	// Made to stand for France's question, Cuba's bytes get France's
	// answer: they were not decoded.
	rc.remember(cuba, seenFrance)
	rc.seen.Wait()
	if got := name(cuba); got != "France" {
		t.Fatalf("Cuba's bytes, remembered as France's question, answered %q: they were read again", got)
	}

	// After a write the answer kept at the old version is not given:
	// the request runs, and its own answer comes back.
	if err := db.Apply(context.Background(), &graph.Batch{Entities: []*graph.Entity{{ID: "city:thun", Kind: graph.City, Name: "Thun",
		Sources: []graph.Source{{Document: "Test fixture", Quote: "Thun is on the lake."}}}}}); err != nil {
		t.Fatal(err)
	}
	if got := name(cuba); got != "Cuba" {
		t.Fatalf("after a write Cuba's request answered %q", got)
	}

	// A body is remembered only as a POST's.
	rc.remember(nil, seenCuba)
	rc.seen.Wait()
	if _, ok := rc.request(nil); ok {
		t.Error("an empty body is remembered")
	}
}
