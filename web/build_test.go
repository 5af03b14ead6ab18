package web_test

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/chancery/chancery/web"
)

var (
	// htmlRef finds the URLs a page's tags load or link to.
	htmlRef = regexp.MustCompile(`(?i)\b(?:src|href)\s*=\s*["']([^"']*)["']`)
	// cssURL finds the URLs a style sheet loads: url(...) and @import.
	cssURL = regexp.MustCompile(`(?i)(?:url\(\s*["']?|@import\s+["'])([^"')\s]+)`)
	// scheme is the start of an absolute URL.
	scheme = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
	// hashed is how Vite names what it emits: name-HASH.ext.
	hashed = regexp.MustCompile(`^[^/]+-[A-Za-z0-9_-]{8}\.[a-z0-9]+$`)
)

// cdnHosts are where front-end code is commonly fetched from at run time.
// A build that names one of them would not work without the internet.
var cdnHosts = []string{
	"cdn.jsdelivr.net", "unpkg.com", "esm.sh", "cdnjs.cloudflare.com", "cdn.skypack.dev",
	"ga.jspm.io", "fonts.googleapis.com", "fonts.gstatic.com", "googletagmanager.com",
}

// TestEmbeddedBuild checks the pages this binary embeds, the committed
// build in dist/app: every page is served and loads only files of its own
// origin, each present and cached as a hashed file may be. A tree without
// the build fails here, as its binary would serve no pages.
func TestEmbeddedBuild(t *testing.T) {
	app := web.App()
	if !web.Built(app) {
		t.Fatalf("web/dist/app holds no build of the pages, so a binary built from this tree serves none: "+
			"git checkout -- web/dist/app restores the committed build, %s rebuilds it (Node 20.19 or later)", web.BuildCommand)
	}
	h, err := web.Handler(app)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)

	loaded := map[string]bool{}
	for _, page := range []string{"/", "/explore", "/dashboard"} {
		resp, body := do(t, "GET", ts.URL+page, nil)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d", page, resp.StatusCode)
			continue
		}
		refs := htmlRef.FindAllStringSubmatch(body, -1)
		if !strings.Contains(body, `<script type="module"`) || len(refs) == 0 {
			t.Errorf("GET %s: the page loads no script:\n%s", page, body)
		}
		for _, m := range refs {
			ref := m[1]
			if strings.HasPrefix(ref, "#") || strings.HasPrefix(ref, "data:") {
				continue // a place on the page itself, or data in the page
			}
			if !strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "//") {
				t.Errorf("GET %s: %q is not a path on this server", page, ref)
				continue
			}
			if strings.HasPrefix(ref, web.AssetsPrefix) {
				loaded[ref] = true
			}
		}
	}
	for ref := range loaded {
		resp, _ := do(t, "GET", ts.URL+ref, nil)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s, which a page loads: status %d", ref, resp.StatusCode)
		}
		if got, want := resp.Header.Get("Content-Type"), web.ContentType(ref); got != want {
			t.Errorf("GET %s: Content-Type %q, want %q", ref, got, want)
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("GET %s: Cache-Control %q, want immutable", ref, cc)
		}
	}

	assets := 0
	err = fs.WalkDir(app, "assets", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		assets++
		if !hashed.MatchString(path.Base(name)) {
			t.Errorf("%s is not named by its hash, so it must not be cached for good", name)
		}
		b, err := fs.ReadFile(app, name)
		if err != nil {
			return err
		}
		text := string(b)
		switch path.Ext(name) {
		case ".css":
			for _, m := range cssURL.FindAllStringSubmatch(text, -1) {
				u := m[1]
				if strings.HasPrefix(u, "//") || (scheme.MatchString(u) && !strings.HasPrefix(u, "data:")) {
					t.Errorf("%s loads %q, from outside this server", name, u)
				}
			}
		case ".js", ".html":
			for _, host := range cdnHosts {
				if strings.Contains(text, "//"+host) {
					t.Errorf("%s names %s: the pages must load nothing from outside this server", name, host)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if assets == 0 {
		t.Error("the build has no assets")
	}
}
