package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// get fetches url and returns its status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// nextLog waits for the program's next log line for which match is true.
func (p *program) nextLog(t *testing.T, match func(map[string]any) bool) map[string]any {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case line, ok := <-p.logs:
			if !ok {
				t.Fatal("the program stopped logging before the line was found")
			}
			if match(line) {
				return line
			}
		case <-timeout:
			t.Fatal("no such log line within 5s")
		}
	}
}

// TestServeObservability checks what an operator sees of a running
// server: metrics, a log line a request, and readiness that turns to 503
// as soon as shutdown begins, while requests are still answered.
func TestServeObservability(t *testing.T) {
	p := startServe(t, nil, "--data", filepath.Join(t.TempDir(), "data"), "--drain-delay", "2s")
	if _, on := p.start["pprof"]; on {
		t.Errorf("pprof is on without --pprof: %v", p.start)
	}

	t.Run("RequestLog", func(t *testing.T) {
		body := `{"query": "query Havana { entity(id: \"city:havana\") { name } }"}`
		req, _ := http.NewRequest(http.MethodPost, p.url+"graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Request-Id", "req-0001")
		_, resp := do(t, req)
		if got := resp.Header.Get("X-Request-Id"); got != "req-0001" {
			t.Errorf("X-Request-Id %q, want req-0001", got)
		}
		line := p.nextLog(t, func(l map[string]any) bool { return l["msg"] == "request" })
		for k, want := range map[string]any{"request_id": "req-0001", "operation": "Havana", "route": "/graphql", "status": float64(200)} {
			if line[k] != want {
				t.Errorf("%s = %v, want %v; line %v", k, line[k], want, line)
			}
		}
		if d, _ := line["duration"].(float64); d <= 0 {
			t.Errorf("no duration: %v", line)
		}
	})

	t.Run("Metrics", func(t *testing.T) {
		status, body := get(t, p.url+"metrics")
		for _, want := range []string{
			`chancery_http_requests_total{operation="Havana",route="/graphql",status="200"} 1`,
			`chancery_http_request_duration_seconds_count{operation="Havana",route="/graphql"} 1`,
			`chancery_store_size_bytes{part="lsm"}`,
			`chancery_store_reads_total{method="EntitiesByID"} 1`,
			`process_start_time_seconds`,
		} {
			if status != http.StatusOK || !strings.Contains(body, want) {
				t.Errorf("/metrics (status %d) has no %s", status, want)
			}
		}
	})

	t.Run("ReadyThenDraining", func(t *testing.T) {
		if status, body := get(t, p.url+"readyz"); status != http.StatusOK || body != "ready\n" {
			t.Fatalf("/readyz before shutdown: %d %q", status, body)
		}
		p.cancel() // as SIGTERM does
		deadline := time.Now().Add(time.Second)
		for {
			status, body := get(t, p.url+"readyz")
			if status == http.StatusServiceUnavailable {
				if !strings.Contains(body, "shutting down") {
					t.Errorf("/readyz while shutting down says %q", body)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("/readyz still answers %d %q a second after shutdown began", status, body)
			}
			time.Sleep(20 * time.Millisecond)
		}
		// Still alive and answering while the load balancer catches up.
		if status, _ := get(t, p.url+"healthz"); status != http.StatusOK {
			t.Errorf("/healthz while draining: %d", status)
		}
		r, _ := p.post(t, sectionQuery, "")
		checkSection(t, r)
		if code := p.stop(t); code != 0 {
			t.Errorf("exit status %d", code)
		}
	})
}

// TestServePprof checks that the profiler is served on its own listener
// with --pprof, and never on the public one.
func TestServePprof(t *testing.T) {
	p := startServe(t, nil, "--data", filepath.Join(t.TempDir(), "data"), "--pprof", "127.0.0.1:0")
	pprofURL, _ := p.start["pprof"].(string)
	if pprofURL == "" || strings.HasPrefix(pprofURL, p.url) {
		t.Fatalf("startup line names pprof at %q; want a listener apart from %s", pprofURL, p.url)
	}
	status, body := get(t, pprofURL)
	if status != http.StatusOK || !strings.Contains(body, "goroutine") {
		t.Errorf("GET %s: %d %.200q", pprofURL, status, body)
	}
	if status, body := get(t, pprofURL+"heap?debug=1"); status != http.StatusOK || !strings.Contains(body, "heap profile") {
		t.Errorf("heap profile: %d %.200q", status, body)
	}
	for _, path := range []string{"debug/pprof/", "debug/pprof/heap", "debug/pprof/cmdline", "debug/pprof/profile?seconds=1"} {
		status, body := get(t, p.url+path)
		if status != http.StatusNotFound || bytes.Contains([]byte(body), []byte("profile")) {
			t.Errorf("public port GET /%s: %d %.100q; want 404", path, status, body)
		}
	}
}

// TestServeFlagsForObservability checks the refusals of a bad setup.
func TestServeFlagsForObservability(t *testing.T) {
	var stderr bytes.Buffer
	env := map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://localhost:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}
	code := Run(t.Context(), []string{"serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(t.TempDir(), "data")},
		io.Discard, &stderr, testEnv(env))
	if code == 0 || !strings.Contains(stderr.String(), "http/protobuf") {
		t.Errorf("OTLP over gRPC: exit %d, %s", code, stderr.String())
	}
}

// TestServeTracing checks that OTEL_EXPORTER_OTLP_ENDPOINT turns tracing
// on, and that the traces reach the collector by the time the server has
// stopped.
func TestServeTracing(t *testing.T) {
	posts := make(chan string, 100)
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		posts <- r.Method + " " + r.URL.Path + " " + r.Header.Get("Content-Type") + " " + strconv.Itoa(len(b))
	}))
	defer collector.Close()
	p := startServe(t, map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": collector.URL + "/"}, "--data", filepath.Join(t.TempDir(), "data"))
	if p.start["traces"] != collector.URL+"/v1/traces" {
		t.Errorf("startup line says traces go to %v, want %s/v1/traces", p.start["traces"], collector.URL)
	}
	r, _ := p.post(t, sectionQuery, "")
	checkSection(t, r)
	if code := p.stop(t); code != 0 {
		t.Fatalf("exit status %d", code)
	}
	select {
	case post := <-posts:
		if !strings.HasPrefix(post, "POST /v1/traces application/x-protobuf ") || strings.HasSuffix(post, " 0") {
			t.Errorf("the collector got %q, want spans posted to /v1/traces", post)
		}
	default:
		t.Error("the collector got no traces")
	}
}

// TestServeMetricsAddr checks that --metrics-addr moves /metrics to a
// listener of its own: Prometheus scrapes it there, and the public port
// no longer shows it.
func TestServeMetricsAddr(t *testing.T) {
	p := startServe(t, nil, "--data", filepath.Join(t.TempDir(), "data"), "--metrics-addr", "127.0.0.1:0")
	metricsURL, _ := p.start["metrics"].(string)
	if !strings.HasSuffix(metricsURL, "/metrics") || strings.HasPrefix(metricsURL, p.url) {
		t.Fatalf("startup line names metrics at %q; want a listener apart from %s", metricsURL, p.url)
	}
	body := `{"query": "query Havana { entity(id: \"city:havana\") { name } }"}`
	req, _ := http.NewRequest(http.MethodPost, p.url+"graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if r, _ := do(t, req); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	status, text := get(t, metricsURL)
	for _, want := range []string{
		`chancery_http_requests_total{operation="Havana",route="/graphql",status="200"} 1`,
		`chancery_store_size_bytes{part="lsm"}`,
		`process_start_time_seconds`,
	} {
		if status != http.StatusOK || !strings.Contains(text, want) {
			t.Errorf("%s (status %d) has no %s", metricsURL, status, want)
		}
	}
	if status, text := get(t, p.url+"metrics"); status != http.StatusNotFound || strings.Contains(text, "chancery_") {
		t.Errorf("the public port's /metrics: %d %.100q; want 404", status, text)
	}
}

// TestServeDrainsInFlight checks that on SIGINT or SIGTERM a request
// already being served is answered, though the server has stopped
// taking connections.
func TestServeDrainsInFlight(t *testing.T) {
	p := startServe(t, nil, "--data", filepath.Join(t.TempDir(), "data"))

	// A request whose body is still arriving when shutdown begins.
	body := `{"query": "query Late { entity(id: \"city:havana\") { name } }"}`
	pr, pw := io.Pipe()
	req, _ := http.NewRequest(http.MethodPost, p.url+"graphql", pr)
	req.Header.Set("Content-Type", "application/json")
	type answer struct {
		status int
		body   string
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- answer{err: err}
			return
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		answered <- answer{resp.StatusCode, string(b), err}
	}()
	if _, err := io.WriteString(pw, body[:20]); err != nil {
		t.Fatal(err)
	}
	// The scrape counts itself: 2 means the request is being served.
	waitUntil(t, "the request is in flight", func() bool {
		_, metrics := get(t, p.url+"metrics")
		return strings.Contains(metrics, "\nchancery_http_requests_in_flight 2\n")
	})

	p.cancel() // as SIGTERM does
	host := strings.TrimSuffix(strings.TrimPrefix(p.url, "http://"), "/")
	waitUntil(t, "the server stops taking connections", func() bool {
		c, err := net.Dial("tcp", host)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	select {
	case a := <-answered:
		t.Fatalf("the request in flight ended before its body did: %+v", a)
	default:
	}
	if _, err := io.WriteString(pw, body[20:]); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	a := <-answered
	if a.err != nil || a.status != http.StatusOK || !strings.Contains(a.body, `"name":"Havana"`) {
		t.Errorf("the request in flight at shutdown: %d %q %v; want it answered", a.status, a.body, a.err)
	}
	if code := p.stop(t); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

// waitUntil polls cond until it holds, failing after 10 seconds: long
// enough for a loaded machine, and only reached when something is wrong.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10s for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestServeTimeouts checks that the server bounds how long a client may
// take to send a request and to read an answer, and how long an idle
// connection is kept, and that the write timeout leaves a request all
// of --request-timeout to work and still send its answer.
func TestServeTimeouts(t *testing.T) {
	for _, requestTimeout := range []string{"10s", "2m"} {
		t.Run(requestTimeout, func(t *testing.T) {
			s := NewServe(io.Discard, io.Discard, testEnv(nil))
			if err := s.ParseFlags([]string{"--addr", "127.0.0.1:0", "--data", filepath.Join(t.TempDir(), "data"), "--request-timeout", requestTimeout}); err != nil {
				t.Fatal(err)
			}
			if err := s.Open(t.Context()); err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			work, _ := time.ParseDuration(requestTimeout)
			if s.srv.ReadHeaderTimeout <= 0 || s.srv.ReadTimeout <= 0 || s.srv.IdleTimeout <= 0 {
				t.Errorf("read header %s, read %s, idle %s; want each set", s.srv.ReadHeaderTimeout, s.srv.ReadTimeout, s.srv.IdleTimeout)
			}
			if s.srv.WriteTimeout <= work {
				t.Errorf("write timeout %s with --request-timeout %s: an answer that takes its full time is cut off", s.srv.WriteTimeout, work)
			}
		})
	}
}
