package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// runHealth runs chancery health with args through Run, as main does, in
// the environment env.
func runHealth(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errs bytes.Buffer
	code = Run(context.Background(), append([]string{"health"}, args...), &out, &errs, testEnv(env))
	return code, out.String(), errs.String()
}

// TestHealth asks a real server's health checks over HTTP, and a port
// where nothing listens: 0 for a 200, else 1 and one line saying what was
// wrong.
func TestHealth(t *testing.T) {
	p := startServe(t, nil, "--data", t.TempDir())

	for _, path := range []string{"healthz", "readyz"} {
		code, out, errs := runHealth(t, nil, "--url", p.url+path)
		if code != 0 || errs != "" {
			t.Errorf("health of /%s exits %d, printing %q; want 0 and nothing on stderr", path, code, errs)
		}
		if want := p.url + path + " answered 200 OK: "; !strings.HasPrefix(out, want) {
			t.Errorf("health of /%s prints %q; want it to start %q", path, out, want)
		}
	}

	// The URL from the environment, as a container may set it; a flag
	// wins over it.
	if code, _, errs := runHealth(t, map[string]string{"CHANCERY_HEALTH_URL": p.url + "healthz"}); code != 0 {
		t.Errorf("health with CHANCERY_HEALTH_URL set to the server exits %d: %s", code, errs)
	}

	// A path the server does not serve: the status and the body's first
	// line.
	code, _, errs := runHealth(t, nil, "--url", p.url+"no-such-check")
	if code != 1 || !strings.Contains(errs, "answered 404 Not Found") || strings.Count(errs, "\n") != 1 {
		t.Errorf("health of a path nothing serves exits %d, printing %q; want 1 and one line with the 404", code, errs)
	}

	// A port where nothing listens.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/healthz"
	ln.Close()
	code, out, errs := runHealth(t, map[string]string{"CHANCERY_HEALTH_URL": p.url + "healthz"}, "--url", closed)
	if code != 1 || out != "" {
		t.Errorf("health of a closed port exits %d, printing %q on stdout; want 1 and nothing", code, out)
	}
	if !strings.HasPrefix(errs, "chancery: "+closed+": connection refused") || strings.Count(errs, "\n") != 1 ||
		!strings.Contains(errs, "--url") {
		t.Errorf("health of a closed port says %q; want one line: the URL, connection refused, and what to do", errs)
	}

	// A server that answers 503, and one that does not answer in time.
	sick := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		http.Error(w, "unavailable: the store cannot be read\nsecond line", http.StatusServiceUnavailable)
	}))
	defer sick.Close()
	code, _, errs = runHealth(t, nil, "--url", sick.URL+"/healthz")
	if want := "chancery: " + sick.URL + "/healthz answered 503 Service Unavailable: unavailable: the store cannot be read\n"; code != 1 || errs != want {
		t.Errorf("health of a server answering 503 exits %d, printing %q; want 1 and %q", code, errs, want)
	}
	start := time.Now()
	code, _, errs = runHealth(t, nil, "--url", sick.URL+"/slow", "--timeout", "300ms")
	if code != 1 || !strings.Contains(errs, "no answer within 300ms") || time.Since(start) > 3*time.Second {
		t.Errorf("health of a server that does not answer exits %d after %s, printing %q; want 1 after 300ms, saying so",
			code, time.Since(start).Round(time.Millisecond), errs)
	}

	// Bad flags are a usage error, status 2.
	for _, args := range [][]string{{"--url", "127.0.0.1:8080/healthz"}, {"--timeout", "0s"}, {"extra"}} {
		if code, _, errs := runHealth(t, nil, args...); code != 2 || errs == "" {
			t.Errorf("health %q exits %d, printing %q; want 2 and the problem", args, code, errs)
		}
	}
}

// TestHealthDefault: with no flags and no environment, health asks what
// the container image's server answers at, port 8080 on loopback.
func TestHealthDefault(t *testing.T) {
	h := NewHealth(nil, new(bytes.Buffer), testEnv(nil))
	if err := h.ParseFlags(nil); err != nil {
		t.Fatal(err)
	}
	if h.URL != "http://127.0.0.1:8080/healthz" || h.Timeout != 5*time.Second {
		t.Errorf("health asks %s within %s by default; want http://127.0.0.1:8080/healthz within 5s", h.URL, h.Timeout)
	}
}
