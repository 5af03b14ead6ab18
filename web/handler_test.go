package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chancery/chancery/web"
)

// serve starts the pages of build behind real HTTP.
func serve(tb testing.TB, build fstest.MapFS) *httptest.Server {
	tb.Helper()
	h, err := web.Handler(build)
	if err != nil {
		tb.Fatal(err)
	}
	ts := httptest.NewServer(h)
	tb.Cleanup(ts.Close)
	return ts
}

// do sends a request and returns the response with its body read.
func do(tb testing.TB, method, url string, header http.Header) (*http.Response, string) {
	tb.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
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

// fakeBuild is a build of the pages as Vite lays one out.
func fakeBuild() fstest.MapFS {
	return fstest.MapFS{
		"index.html":                       {Data: []byte("<!doctype html><title>playground</title>")},
		"explore.html":                     {Data: []byte("<!doctype html><title>explore</title>")},
		"dashboard.html":                   {Data: []byte("<!doctype html><title>dashboard</title>")},
		"assets/playground-Ab12Cd34.js":    {Data: []byte("export {};")},
		"assets/playground-Ef56Gh78.css":   {Data: []byte("body{}")},
		"assets/codicon-Ij90Kl12.ttf":      {Data: []byte("\x00\x01\x00\x00")},
		"assets/editor.worker-Mn34Op56.js": {Data: []byte("self.onmessage=()=>{};")},
		"assets/sub/nested-Qr78St90.svg":   {Data: []byte("<svg/>")},
	}
}

func TestHandler(t *testing.T) {
	ts := serve(t, fakeBuild())

	t.Run("Pages", func(t *testing.T) {
		for path, title := range map[string]string{"/": "playground", "/explore": "explore", "/dashboard": "dashboard"} {
			resp, body := do(t, "GET", ts.URL+path, nil)
			if resp.StatusCode != http.StatusOK || body != "<!doctype html><title>"+title+"</title>" {
				t.Errorf("GET %s: status %d, body %q", path, resp.StatusCode, body)
			}
			for name, want := range map[string]string{
				"Content-Type":           "text/html; charset=utf-8",
				"Cache-Control":          "no-cache",
				"X-Content-Type-Options": "nosniff",
			} {
				if got := resp.Header.Get(name); got != want {
					t.Errorf("GET %s: %s %q, want %q", path, name, got, want)
				}
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "connect-src 'self'") {
				t.Errorf("GET %s: Content-Security-Policy %q does not keep the page on its origin", path, csp)
			}
			if resp.Header.Get("ETag") == "" {
				t.Errorf("GET %s: no ETag", path)
			}
		}
	})

	t.Run("PageRevalidates", func(t *testing.T) {
		resp, _ := do(t, "GET", ts.URL+"/", nil)
		tag := resp.Header.Get("ETag")
		resp, body := do(t, "GET", ts.URL+"/", http.Header{"If-None-Match": {tag}})
		if resp.StatusCode != http.StatusNotModified || body != "" {
			t.Errorf("If-None-Match %s: status %d, body %q, want 304", tag, resp.StatusCode, body)
		}
		other, _ := do(t, "GET", ts.URL+"/explore", nil)
		if other.Header.Get("ETag") == tag {
			t.Errorf("/ and /explore share the ETag %s", tag)
		}
	})

	t.Run("Assets", func(t *testing.T) {
		for path, ct := range map[string]string{
			"/assets/playground-Ab12Cd34.js":    "text/javascript; charset=utf-8",
			"/assets/playground-Ef56Gh78.css":   "text/css; charset=utf-8",
			"/assets/codicon-Ij90Kl12.ttf":      "font/ttf",
			"/assets/editor.worker-Mn34Op56.js": "text/javascript; charset=utf-8",
			"/assets/sub/nested-Qr78St90.svg":   "image/svg+xml",
		} {
			resp, body := do(t, "GET", ts.URL+path, nil)
			if resp.StatusCode != http.StatusOK || body != string(fakeBuild()[strings.TrimPrefix(path, "/")].Data) {
				t.Errorf("GET %s: status %d, body %q", path, resp.StatusCode, body)
				continue
			}
			if got := resp.Header.Get("Content-Type"); got != ct {
				t.Errorf("GET %s: Content-Type %q, want %q", path, got, ct)
			}
			if got := resp.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
				t.Errorf("GET %s: Cache-Control %q, want a year, immutable", path, got)
			}
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("GET %s: X-Content-Type-Options %q", path, got)
			}
		}
	})

	t.Run("Head", func(t *testing.T) {
		resp, body := do(t, "HEAD", ts.URL+"/assets/playground-Ab12Cd34.js", nil)
		if resp.StatusCode != http.StatusOK || body != "" || resp.Header.Get("Content-Length") != "10" {
			t.Errorf("HEAD: status %d, Content-Length %q, body %q", resp.StatusCode, resp.Header.Get("Content-Length"), body)
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		for _, path := range []string{
			"/assets/missing-Ab12Cd34.js",
			"/assets/",
			"/assets/sub",
			"/assets/../index.html",
			"/assets/%2e%2e/index.html",
			"/index.html",
			"/explore.html",
			"/elsewhere",
		} {
			// Send the path as it is, without the client cleaning it,
			// as a hostile client would.
			req, err := http.NewRequest("GET", ts.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.URL.Opaque = path
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: status %d, want 404", path, resp.StatusCode)
			}
		}
	})

	t.Run("MethodNotAllowed", func(t *testing.T) {
		resp, _ := do(t, "POST", ts.URL+"/", nil)
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("POST /: status %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
		}
	})
}

func TestHandlerNotBuilt(t *testing.T) {
	// What a binary serves if built from a tree without dist/app (deleted,
	// or left out of a copy): the embedded build holds only dist/README.md.
	ts := serve(t, fstest.MapFS{"README.md": {Data: []byte("# web/dist")}})
	for _, path := range []string{"/", "/explore", "/dashboard"} {
		resp, body := do(t, "GET", ts.URL+path, nil)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, resp.StatusCode)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", path, ct)
		}
		for _, want := range []string{"The pages are not built", "git checkout -- web/dist/app", "go generate ./web &amp;&amp; go run ./cmd/chancery serve", "<code>" + path + "</code>", `href="/graphql"`} {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s: the page lacks %q:\n%s", path, want, body)
			}
		}
	}
	if resp, _ := do(t, "GET", ts.URL+"/assets/playground-Ab12Cd34.js", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an asset of no build: status %d, want 404", resp.StatusCode)
	}
	if web.Built(fstest.MapFS{}) {
		t.Error("Built(empty) = true")
	}
	if !web.Built(fakeBuild()) {
		t.Error("Built(a build) = false")
	}
}

func TestHandlerPartialBuild(t *testing.T) {
	// A build without one page serves the others and explains the gap.
	build := fakeBuild()
	delete(build, "dashboard.html")
	ts := serve(t, build)
	if resp, _ := do(t, "GET", ts.URL+"/explore", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("/explore: status %d", resp.StatusCode)
	}
	if resp, body := do(t, "GET", ts.URL+"/dashboard", nil); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, web.BuildCommand) {
		t.Errorf("/dashboard: status %d, body %.200s", resp.StatusCode, body)
	}
}

func TestContentType(t *testing.T) {
	for name, want := range map[string]string{
		"index.html":      "text/html; charset=utf-8",
		"a-Ab12Cd34.JS":   "text/javascript; charset=utf-8",
		"font.woff2":      "font/woff2",
		"data.json":       "application/json",
		"no-extension":    "application/octet-stream",
		"strange.unknown": "application/octet-stream",
	} {
		if got := web.ContentType(name); got != want {
			t.Errorf("ContentType(%q) = %q, want %q", name, got, want)
		}
	}
}
