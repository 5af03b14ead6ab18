package httpapi_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/schema/httpapi"
	"github.com/chancery/chancery/schema/schematest"
	"github.com/chancery/chancery/store/storetest"
	"github.com/chancery/chancery/web"
)

// getPage fetches path from s and returns the response with its body read.
func getPage(tb testing.TB, s *schematest.Server, path string) (*http.Response, string) {
	tb.Helper()
	resp, err := http.Get(s.URL + path)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp, string(body)
}

// newUIServers serves one seeded store through one Handler for each of the
// given UIs, so that tests of the pages seed the store only once.
func newUIServers(tb testing.TB, uis ...http.Handler) []*schematest.Server {
	tb.Helper()
	r := &schematest.CountingReader{DB: storetest.OpenSeeded(tb, tb.TempDir())}
	s, err := schema.New(r, r, nil, schema.Limits{})
	if err != nil {
		tb.Fatal(err)
	}
	var servers []*schematest.Server
	for _, ui := range uis {
		ts := httptest.NewServer(httpapi.Handler(s, httpapi.HandlerOptions{UI: ui}))
		tb.Cleanup(ts.Close)
		servers = append(servers, &schematest.Server{Server: ts, Reader: r})
	}
	return servers
}

func TestHandlerUI(t *testing.T) {
	build := fstest.MapFS{
		"index.html":                    {Data: []byte(`<!doctype html><title>playground</title><script type="module" src="/assets/playground-Ab12Cd34.js"></script>`)},
		"explore.html":                  {Data: []byte(`<!doctype html><title>explore</title>`)},
		"dashboard.html":                {Data: []byte(`<!doctype html><title>dashboard</title>`)},
		"assets/playground-Ab12Cd34.js": {Data: []byte(`console.log("playground")`)},
	}
	ui, err := web.Handler(build)
	if err != nil {
		t.Fatal(err)
	}
	// A binary built before the pages were: the embedded build is empty.
	unbuilt, err := web.Handler(fstest.MapFS{})
	if err != nil {
		t.Fatal(err)
	}
	servers := newUIServers(t, ui, unbuilt)
	s, bare := servers[0], servers[1]

	t.Run("Pages", func(t *testing.T) {
		for path, title := range map[string]string{"/": "playground", "/explore": "explore", "/dashboard": "dashboard"} {
			resp, body := getPage(t, s, path)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, "<title>"+title+"</title>") {
				t.Errorf("GET %s: status %d, body %.200s", path, resp.StatusCode, body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("GET %s: Content-Type %q", path, ct)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "no-cache" {
				t.Errorf("GET %s: Cache-Control %q, want no-cache", path, cc)
			}
		}
	})

	t.Run("Assets", func(t *testing.T) {
		resp, body := getPage(t, s, "/assets/playground-Ab12Cd34.js")
		if resp.StatusCode != http.StatusOK || body != `console.log("playground")` {
			t.Fatalf("status %d, body %.200s", resp.StatusCode, body)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "text/javascript; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("Cache-Control %q, want immutable", cc)
		}
	})

	t.Run("OtherPathsNotFound", func(t *testing.T) {
		for _, path := range []string{"/assets/missing-Ab12Cd34.js", "/index.html", "/explore/more", "/nothing-here"} {
			if resp, _ := getPage(t, s, path); resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: status %d, want 404", path, resp.StatusCode)
			}
		}
	})

	t.Run("APIStillServed", func(t *testing.T) {
		d := s.MustData(t, `{ entity(id: "country:cuba") { name } }`, nil)
		if schematest.At(d, "entity", "name") != "Cuba" {
			t.Errorf("entity = %v", d)
		}
		if resp, body := getPage(t, s, "/healthz"); resp.StatusCode != http.StatusOK || body != "ok\n" {
			t.Errorf("/healthz: status %d, body %q", resp.StatusCode, body)
		}
	})
	t.Run("NotBuilt", func(t *testing.T) {
		for _, path := range []string{"/", "/explore", "/dashboard"} {
			resp, body := getPage(t, bare, path)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: status %d, want 404", path, resp.StatusCode)
			}
			if !strings.Contains(body, "The pages are not built") || !strings.Contains(body, web.BuildCommand) {
				t.Errorf("GET %s: the page does not say how to build the pages: %.300s", path, body)
			}
		}
		d := bare.MustData(t, `{ entity(id: "country:cuba") { name } }`, nil)
		if schematest.At(d, "entity", "name") != "Cuba" {
			t.Errorf("without pages, the API answers entity = %v", d)
		}
	})
}
