package main

import (
	"bytes"
	"io"
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
		io.Discard, &stderr, func(k string) string { return env[k] })
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
