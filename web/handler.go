package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// pages maps the path of each page to its file in the build.
var pages = map[string]string{
	"/":          "index.html",
	"/explore":   "explore.html",
	"/dashboard": "dashboard.html",
}

// AssetsPrefix is the path under which the pages' scripts, styles, fonts
// and workers are served. Vite names every file there by a hash of its
// content, so a browser may keep one for good: a new build has new names.
const AssetsPrefix = "/assets/"

// Cache-Control values. A page is checked again on every load (its ETag
// makes that a 304 when nothing changed), so a new binary's pages, and
// with them its new assets, are seen at once.
const (
	cachePage  = "no-cache"
	cacheAsset = "public, max-age=31536000, immutable"
)

// contentSecurityPolicy lets a page load only from its own origin: the
// pages must work with no network beyond the server, and a browser that
// enforces this refuses anything that would reach further. Styles may be
// inline because GraphiQL's editor and the graph views set them from
// script; workers and images may come from blob: and data: URLs, which
// never leave the browser.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; " +
	"style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
	"worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"

// contentTypes are the media types of the files a build holds, fixed here
// rather than read from the system's MIME table, which differs between
// machines and has no entry for some of them.
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".json":  "application/json",
	".map":   "application/json",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".jpg":   "image/jpeg",
	".webp":  "image/webp",
	".ico":   "image/x-icon",
	".ttf":   "font/ttf",
	".otf":   "font/otf",
	".woff":  "font/woff",
	".woff2": "font/woff2",
	".wasm":  "application/wasm",
	".txt":   "text/plain; charset=utf-8",
}

// ContentType is the media type a file is served with, by its extension.
func ContentType(name string) string {
	if t, ok := contentTypes[strings.ToLower(path.Ext(name))]; ok {
		return t
	}
	return "application/octet-stream"
}

// Built reports whether app holds a build of the pages.
func Built(app fs.FS) bool {
	_, err := fs.Stat(app, pages["/"])
	return err == nil
}

// page is one HTML page, read once.
type page struct {
	body []byte
	etag string
}

type handler struct {
	app   fs.FS
	pages map[string]*page // by path; nil for a page the build lacks
}

// Handler serves the pages of app, a build such as App() returns: the
// playground at /, /explore and /dashboard, and the files under assets/ at AssetsPrefix.
// Pages are sent with Cache-Control: no-cache and an ETag, assets with a
// year's immutable caching, and both with their media type, nosniff and a
// Content-Security-Policy that keeps the browser on this origin. A page
// the build does not hold (every page, in a binary built from a tree that
// lacks web/dist/app) is answered 404 with a page that says how to get it
// back.
// Anything else is 404.
func Handler(app fs.FS) (http.Handler, error) {
	h := &handler{app: app, pages: make(map[string]*page, len(pages))}
	for p, name := range pages {
		body, err := fs.ReadFile(app, name)
		if errors.Is(err, fs.ErrNotExist) {
			h.pages[p] = nil
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read the page %s from the build: %w", name, err)
		}
		sum := sha256.Sum256(body)
		h.pages[p] = &page{body: body, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`}
	}
	return h, nil
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed: the pages are read with GET", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if pg, ok := h.pages[r.URL.Path]; ok {
		h.servePage(w, r, pg)
		return
	}
	if name, ok := strings.CutPrefix(r.URL.Path, AssetsPrefix); ok {
		h.serveAsset(w, r, name)
		return
	}
	http.NotFound(w, r)
}

func (h *handler) servePage(w http.ResponseWriter, r *http.Request, pg *page) {
	w.Header().Set("Content-Type", contentTypes[".html"])
	w.Header().Set("Cache-Control", cachePage)
	w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
	if pg == nil {
		w.WriteHeader(http.StatusNotFound)
		if r.Method == http.MethodGet {
			notBuilt.Execute(w, notBuiltData{Path: r.URL.Path, Command: BuildCommand})
		}
		return
	}
	w.Header().Set("ETag", pg.etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(pg.body))
}

func (h *handler) serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	name = "assets/" + name
	if !fs.ValidPath(name) {
		http.NotFound(w, r)
		return
	}
	f, err := h.app.Open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || info.IsDir() {
		http.NotFound(w, r)
		return
	}
	content, ok := f.(io.ReadSeeker)
	if !ok {
		b, err := io.ReadAll(f)
		if err != nil {
			http.Error(w, "internal error: the file could not be read", http.StatusInternalServerError)
			return
		}
		content = bytes.NewReader(b)
	}
	w.Header().Set("Content-Type", ContentType(name))
	w.Header().Set("Cache-Control", cacheAsset)
	// The name carries a hash of the content, so it serves as the ETag.
	w.Header().Set("ETag", `"`+path.Base(name)+`"`)
	http.ServeContent(w, r, "", time.Time{}, content)
}

type notBuiltData struct {
	Path    string
	Command string
}

// notBuilt is the page served in place of one the build lacks.
var notBuilt = template.Must(template.New("not-built").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Chancery: the pages are missing from this binary</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #1f2328; }
code, pre { font-family: ui-monospace, monospace; }
pre { background: #f3f4f6; padding: 0.75rem 1rem; border-radius: 6px; }
</style>
</head>
<body>
<h1>The pages are not built into this binary</h1>
<p>This Chancery binary was built from a source tree that lacks the built
web pages, <code>web/dist/app</code>, so there is nothing to show at
<code>{{.Path}}</code>. The GraphQL API works: send queries to
<a href="/graphql"><code>/graphql</code></a>.</p>
<p>The repository holds the built pages (the GraphiQL playground,
<code>/explore</code> and <code>/dashboard</code>). In a checkout,
<code>git checkout -- web/dist/app</code> brings them back, and the next
<code>go build</code> or <code>go run</code> includes them. To build them
from their sources instead, run this from the repository's root, with
Node.js 20.19 or later, then start the server again:</p>
<pre>{{.Command}} &amp;&amp; go run ./cmd/chancery serve</pre>
</body>
</html>
`))
