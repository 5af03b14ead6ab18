package httpapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/schema/schematest"
)

// TestSchemaSDL fetches the schema as a file, as tools that read a schema
// from a URL do, and again with its ETag.
func TestSchemaSDL(t *testing.T) {
	s := schematest.NewServer(t)
	get := func(header map[string]string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, s.URL+"/graphql/schema.graphql", nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, string(b)
	}
	resp, body := get(nil)
	if resp.StatusCode != http.StatusOK || body != schema.SDL {
		t.Fatalf("status %d, %d bytes; want 200 and the SDL's %d", resp.StatusCode, len(body), len(schema.SDL))
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q", ct)
	}
	tag := resp.Header.Get("ETag")
	if !strings.HasPrefix(tag, `"sdl-`) {
		t.Fatalf("ETag %q", tag)
	}
	if resp, body := get(map[string]string{"If-None-Match": tag}); resp.StatusCode != http.StatusNotModified || body != "" {
		t.Errorf("with its ETag: status %d and %d bytes; want 304 and none", resp.StatusCode, len(body))
	}
	if resp, _ := get(map[string]string{"If-None-Match": `"sdl-other"`}); resp.StatusCode != http.StatusOK {
		t.Errorf("with another ETag: status %d; want 200", resp.StatusCode)
	}
	req, err := http.NewRequest(http.MethodPost, s.URL+"/graphql/schema.graphql", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	post, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	post.Body.Close()
	if post.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d; want 405", post.StatusCode)
	}
}
