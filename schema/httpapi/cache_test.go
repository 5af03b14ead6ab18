package httpapi_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chancery/chancery/schema/httpapi"
	"github.com/chancery/chancery/schema/schematest"
)

// get sends a GET with the given URL parameters and headers.
func get(tb testing.TB, s *schematest.Server, params url.Values, header map[string]string) (*schematest.Result, *http.Response) {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/graphql?"+params.Encode(), nil)
	req.Header.Set("Accept", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	if resp.StatusCode == http.StatusNotModified {
		resp.Body.Close()
		return nil, resp
	}
	r, _ := schematest.Decode(tb, resp)
	return r, resp
}

func TestETag(t *testing.T) {
	s := schematest.NewServerWith(t, httpapi.HandlerOptions{Tokens: []string{schematest.Token}})
	q := url.Values{"query": {`{ count(groupBy: KIND) { key count } }`}}

	_, first := get(t, s, q, nil)
	tag := first.Header.Get("ETag")
	if first.StatusCode != http.StatusOK || !strings.HasPrefix(tag, `"v`) {
		t.Fatalf("status %d, ETag %q", first.StatusCode, tag)
	}
	s.Reader.Reset()
	if _, again := get(t, s, q, map[string]string{"If-None-Match": tag}); again.StatusCode != http.StatusNotModified || again.Header.Get("ETag") != tag {
		t.Errorf("If-None-Match with the current ETag: status %d, ETag %q; want 304 and the same ETag", again.StatusCode, again.Header.Get("ETag"))
	}
	if n := s.Reader.Reads(); n != 0 {
		t.Errorf("a 304 ran the query: %d store reads", n)
	}
	if _, other := get(t, s, url.Values{"query": {`{ entity(id: "country:cuba") { name } }`}}, map[string]string{"If-None-Match": tag}); other.StatusCode != http.StatusOK || other.Header.Get("ETag") == tag {
		t.Errorf("another query with the first's ETag: status %d, ETag %q", other.StatusCode, other.Header.Get("ETag"))
	}

	// Any write changes the data version, and so every ETag.
	if r, _ := s.PostWith(t, "Bearer "+schematest.Token, schematest.AddThun, nil); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	r, after := get(t, s, q, map[string]string{"If-None-Match": tag})
	if after.StatusCode != http.StatusOK || after.Header.Get("ETag") == tag || r == nil || r.Data["count"] == nil {
		t.Errorf("after a write: status %d, ETag %q (was %q)", after.StatusCode, after.Header.Get("ETag"), tag)
	}
}

func TestPersistedQueries(t *testing.T) {
	s := schematest.NewServer(t)
	query := `{ entity(id: "country:cuba") { name } }`
	sum := sha256.Sum256([]byte(query))
	hash := hex.EncodeToString(sum[:])
	ext := func(h string, version int) string {
		b, _ := json.Marshal(map[string]any{"persistedQuery": map[string]any{"version": version, "sha256Hash": h}})
		return string(b)
	}

	// The hash alone, before the query was registered.
	r, _ := get(t, s, url.Values{"extensions": {ext(hash, 1)}}, nil)
	if len(r.Errors) != 1 || r.Code(0) != httpapi.CodePersistedQueryNotFound {
		t.Fatalf("an unknown hash: %+v; want %s", r.Errors, httpapi.CodePersistedQueryNotFound)
	}
	// Registered by sending both, then answered by the hash alone, by GET.
	body, _ := json.Marshal(map[string]any{"query": query, "extensions": json.RawMessage(ext(hash, 1))})
	if r, _ := s.Send(t, "application/json", body); len(r.Errors) > 0 || schematest.At(r.Data, "entity", "name") != "Cuba" {
		t.Fatalf("registering: %+v %v", r.Errors, r.Data)
	}
	r, resp := get(t, s, url.Values{"extensions": {ext(hash, 1)}}, nil)
	if len(r.Errors) > 0 || schematest.At(r.Data, "entity", "name") != "Cuba" || resp.Header.Get("ETag") == "" {
		t.Errorf("by hash: %+v %v, ETag %q", r.Errors, r.Data, resp.Header.Get("ETag"))
	}

	for _, tt := range []struct{ name, query, ext, want string }{
		{"WrongHash", query, ext(strings.Repeat("ab", 32), 1), "not the SHA-256"},
		{"NotAHash", "", ext("xyz", 1), "64 hexadecimal digits"},
		{"WrongVersion", "", ext(hash, 2), "version must be 1"},
	} {
		p := url.Values{"extensions": {tt.ext}}
		if tt.query != "" {
			p.Set("query", tt.query)
		}
		if r, _ := get(t, s, p, nil); len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Message, tt.want) {
			t.Errorf("%s: %+v; want an error saying %q", tt.name, r.Errors, tt.want)
		}
	}
}
