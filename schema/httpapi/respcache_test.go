package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chancery/chancery/schema/httpapi"
	"github.com/chancery/chancery/schema/schematest"
)

// cachedServer is a server with a response cache and a token to write.
func cachedServer(t *testing.T) *schematest.Server {
	return schematest.NewServerWith(t, httpapi.HandlerOptions{ResponseCacheBytes: 1 << 20, Tokens: []string{schematest.Token}})
}

// readsFor posts query with vars and returns its data and how many calls
// to the store answering it took.
func readsFor(t *testing.T, s *schematest.Server, query string, vars map[string]any) (map[string]any, int64) {
	t.Helper()
	s.Reader.Reset()
	d := s.MustData(t, query, vars)
	return d, s.Reader.Reads()
}

// untilCached asks query until it is answered without reading the store,
// which takes the cache a moment after the first answer, and returns that
// answer; it fails the test if that never happens.
func untilCached(t *testing.T, s *schematest.Server, query string, vars map[string]any) map[string]any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		d, reads := readsFor(t, s, query, vars)
		if reads == 0 {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("asked again and again for 10s, %s with %v still read the store (%d calls)", query, vars, reads)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// cacheLookups is how many times s's response cache was looked up, hits
// and misses, as /metrics counts them.
func cacheLookups(t *testing.T, s *schematest.Server) float64 {
	t.Helper()
	m := scrape(t, s.URL)
	return m.value("chancery_response_cache_lookups_total", map[string]string{"result": "hit"}) +
		m.value("chancery_response_cache_lookups_total", map[string]string{"result": "miss"})
}

const cubaQuery = `query Named($id: ID!) { entity(id: $id) { name relations(first: 5) { edges { node { type } } } } }`

func TestResponseCache(t *testing.T) {
	s := cachedServer(t)
	cuba := map[string]any{"id": "country:cuba"}
	first, reads := readsFor(t, s, cubaQuery, cuba)
	if reads == 0 {
		t.Fatalf("the first answer read nothing from the store: %v", first)
	}
	cached := untilCached(t, s, cubaQuery, cuba)
	if fmt.Sprint(cached) != fmt.Sprint(first) {
		t.Errorf("the cached answer %v differs from the first %v", cached, first)
	}

	t.Run("AnswersAskedOnceAreNotKept", func(t *testing.T) {
		france := map[string]any{"id": "country:france"}
		for i := range 2 {
			if _, reads := readsFor(t, s, cubaQuery, france); reads == 0 {
				t.Fatalf("ask %d of a new question was answered from the cache", i+1)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if d := untilCached(t, s, cubaQuery, france); schematest.At(d, "entity", "name") != "France" {
			t.Errorf("asked again and again, France's answer is %v", d)
		}
	})
	t.Run("LayoutAndCommentsDoNotMatter", func(t *testing.T) {
		respaced := "# the same question\nquery   Named( $id : ID! )\n{\n  entity(id: $id) { name\n relations(first: 5) { edges { node { type } } } }\n}"
		if d, reads := readsFor(t, s, respaced, cuba); reads != 0 || fmt.Sprint(d) != fmt.Sprint(first) {
			t.Errorf("the same operation laid out differently read %d times and answered %v", reads, d)
		}
	})
	t.Run("ABadTokenIsRefusedThoughTheAnswerIsKept", func(t *testing.T) {
		r, status := s.PostWith(t, "Bearer not-a-token-of-this-server", cubaQuery, cuba)
		if status != http.StatusUnauthorized || r.Data != nil {
			t.Errorf("a kept answer asked with a token the server does not accept: status %d, data %v; want 401 and none", status, r.Data)
		}
	})
	t.Run("EachRequestIsLookedUpOnce", func(t *testing.T) {
		before := cacheLookups(t, s)
		for range 3 {
			if _, reads := readsFor(t, s, cubaQuery, cuba); reads != 0 {
				t.Fatalf("a kept answer read the store %d times", reads)
			}
		}
		if after := cacheLookups(t, s); after-before != 3 {
			t.Errorf("three requests answered from the cache counted %v lookups", after-before)
		}
	})
	t.Run("OtherVariablesAreAskedAfresh", func(t *testing.T) {
		d, reads := readsFor(t, s, cubaQuery, map[string]any{"id": "country:united-states"})
		if reads == 0 || schematest.At(d, "entity", "name") != "United States" {
			t.Errorf("other variables: %d reads, answer %v", reads, d)
		}
	})
	t.Run("OtherOperationsAreAskedAfresh", func(t *testing.T) {
		two := cubaQuery + ` query Other($id: ID!) { entity(id: $id) { name } }`
		body := fmt.Sprintf(`{"query": %q, "operationName": "Other", "variables": {"id": "country:cuba"}}`, two)
		s.Reader.Reset()
		r, status := s.Send(t, "application/json", []byte(body))
		if status != http.StatusOK || len(r.Errors) > 0 || s.Reader.Reads() == 0 {
			t.Errorf("another operation of the document: status %d, errors %v, %d reads", status, r.Errors, s.Reader.Reads())
		}
		if rel := schematest.At(r.Data, "entity", "relations"); rel != nil {
			t.Errorf("another operation was answered with the first one's answer: %v", r.Data)
		}
	})
	t.Run("ErrorsAreNotKept", func(t *testing.T) {
		hits := func() float64 {
			return scrape(t, s.URL).value("chancery_response_cache_lookups_total", map[string]string{"result": "hit"})
		}
		before := hits()
		for range 3 {
			r, _ := s.Post(t, cubaQuery, map[string]any{"id": "not an id"})
			if len(r.Errors) == 0 {
				t.Fatalf("no error for an id that is not one: %v", r.Data)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if after := hits(); after != before {
			t.Errorf("an answer with errors was given from the cache %v times", after-before)
		}
	})
	t.Run("RefusedRequestsAreNeverLookedUp", func(t *testing.T) {
		before := cacheLookups(t, s)
		for _, q := range []string{`{ entity(id: "country:cuba") { nosuchfield } }`, `{ entity(id: `} {
			if r, _ := s.Post(t, q, nil); len(r.Errors) == 0 {
				t.Fatalf("%s was not refused", q)
			}
		}
		if after := cacheLookups(t, s); after != before {
			t.Errorf("two refused requests made %v lookups in the response cache; want none", after-before)
		}
	})
	t.Run("AWriteMakesOlderAnswersUnreachable", func(t *testing.T) {
		q := `query { entity(id: "city:thun") { name aliases } }`
		before := untilCached(t, s, q, nil)
		if before["entity"] != nil {
			t.Fatalf("Thun is in the seeds already: %v", before)
		}
		if r, _ := s.PostWith(t, "Bearer "+schematest.Token, schematest.AddThun, nil); len(r.Errors) > 0 {
			t.Fatalf("the write failed: %v", r.Errors)
		}
		d, reads := readsFor(t, s, q, nil)
		if reads == 0 || schematest.At(d, "entity", "name") != "Thun" {
			t.Errorf("after a write the query read %d times and answered %v; want Thun, read afresh", reads, d)
		}
		// Cuba's answer was kept under the old version too.
		if _, reads := readsFor(t, s, cubaQuery, cuba); reads == 0 {
			t.Error("after a write an answer kept before it was given again")
		}
	})
	t.Run("MutationsAreNeverLookedUp", func(t *testing.T) {
		before := cacheLookups(t, s)
		for range 2 {
			if r, _ := s.PostWith(t, "Bearer "+schematest.Token, schematest.AddThun, nil); len(r.Errors) > 0 {
				t.Fatalf("the write failed: %v", r.Errors)
			}
		}
		if after := cacheLookups(t, s); after != before {
			t.Errorf("two mutations made %v lookups in the response cache; want none", after-before)
		}
	})
	t.Run("Metrics", func(t *testing.T) {
		m := scrape(t, s.URL)
		hits := m.value("chancery_response_cache_lookups_total", map[string]string{"result": "hit"})
		misses := m.value("chancery_response_cache_lookups_total", map[string]string{"result": "miss"})
		if hits < 2 || misses < 3 {
			t.Errorf("/metrics counts %v hits and %v misses; this test made at least 2 and 3", hits, misses)
		}
		if b := m.value("chancery_response_cache_bytes", nil); b <= 0 || b > 1<<20 {
			t.Errorf("the cache holds %v bytes; want some, at most its bound", b)
		}
	})
}

func TestNoResponseCacheAnswersAfresh(t *testing.T) {
	s := schematest.NewServer(t)
	for i := range 3 {
		if _, reads := readsFor(t, s, cubaQuery, map[string]any{"id": "country:cuba"}); reads == 0 {
			t.Errorf("ask %d: a server without a response cache answered without reading", i+1)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if v := scrape(t, s.URL).value("chancery_response_cache_lookups_total", map[string]string{"result": "hit"}); v != 0 {
		t.Errorf("%v cache hits without a cache", v)
	}
}
