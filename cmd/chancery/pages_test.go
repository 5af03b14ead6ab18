package main

import (
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// pageScript finds the module script a built page loads from its assets.
var pageScript = regexp.MustCompile(`<script type="module"[^>]* src="(/assets/[^"]+\.js)"`)

// TestServePages: chancery serve, as go build or go run makes it from a
// checkout, serves the playground, /explore and /dashboard from the build
// committed in web/dist/app, with no Node on the machine and no build step.
func TestServePages(t *testing.T) {
	p := startServe(t, nil, "--data", filepath.Join(t.TempDir(), "data"))
	if p.start["pages"] != true {
		t.Fatalf("the startup line says pages=%v: this binary holds no pages (is web/dist/app missing?)", p.start["pages"])
	}
	for _, page := range []string{"", "explore", "dashboard"} {
		resp, body := fetch(t, p.url+page)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET /%s: status %d, want 200:\n%.300s", page, resp.StatusCode, body)
			continue
		}
		if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("GET /%s: Content-Type %q", page, ct)
		}
		m := pageScript.FindStringSubmatch(body)
		if m == nil {
			t.Errorf("GET /%s: the page loads no script from /assets/:\n%.600s", page, body)
			continue
		}
		resp, script := fetch(t, strings.TrimSuffix(p.url, "/")+m[1])
		if resp.StatusCode != http.StatusOK || len(script) == 0 {
			t.Errorf("GET %s, the script of /%s: status %d, %d bytes", m[1], page, resp.StatusCode, len(script))
		}
		if ct := resp.Header.Get("Content-Type"); ct != "text/javascript; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", m[1], ct)
		}
	}
}

func fetch(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp, string(b)
}
