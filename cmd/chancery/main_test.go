package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/seeds/initial"
	"github.com/chancery/chancery/store"
)

// program is one run of chancery in this process, as main runs it.
type program struct {
	logs   chan map[string]any
	exit   chan int
	cancel context.CancelFunc
	url    string
	start  map[string]any   // the startup log line
	early  []map[string]any // the lines logged before it
}

// before returns the line with the message msg that the program logged
// before it served, or nil.
func (p *program) before(msg string) map[string]any {
	for _, line := range p.early {
		if line["msg"] == msg {
			return line
		}
	}
	return nil
}

// decode turns the data of an answer into v.
func decode(t *testing.T, data map[string]any, v any) {
	t.Helper()
	b, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// startServe runs "chancery serve" with args on a free port and waits for
// its startup line. Logs are JSON so the test can read them.
func startServe(t *testing.T, env map[string]string, args ...string) *program {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	p := &program{logs: make(chan map[string]any, 100), exit: make(chan int, 1), cancel: cancel}
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var line map[string]any
			if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
				line = map[string]any{"msg": sc.Text()}
			}
			// The server logs a line a request; a test that sends many
			// and reads none must not block the server on its log, so
			// lines past the buffer are dropped.
			select {
			case p.logs <- line:
			default:
			}
		}
		close(p.logs)
	}()
	args = append([]string{"serve", "--addr", "127.0.0.1:0", "--log-format", "json"}, args...)
	go func() {
		p.exit <- Run(ctx, args, io.Discard, pw, testEnv(env))
		pw.Close()
	}()
	t.Cleanup(func() { p.stop(t) })
	for line := range p.logs {
		if line["msg"] == "chancery serving" {
			p.url = line["url"].(string)
			p.start = line
			return p
		}
		p.early = append(p.early, line)
	}
	t.Fatalf("chancery serve stopped before serving; exit status %d", <-p.exit)
	return nil
}

// stop cancels the program's context, as SIGINT does, and returns its exit
// status.
func (p *program) stop(t *testing.T) int {
	t.Helper()
	p.cancel()
	select {
	case code, ok := <-p.exit:
		if ok {
			close(p.exit)
			for range p.logs {
			}
			return code
		}
		return -1
	case <-time.After(30 * time.Second):
		t.Fatal("chancery serve did not stop within 30s of its context ending")
		return -1
	}
}

type gqlResult struct {
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (p *program) post(t *testing.T, query, origin string) (*gqlResult, *http.Response) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, p.url+"graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (*gqlResult, *http.Response) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r gqlResult
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("%s %s: response is not JSON: %v", req.Method, req.URL, err)
	}
	return &r, resp
}

const sectionQuery = `{ entity(id: "mission:us-interests-section-havana") {
  name validFrom validTo ... on Mission { sectionOf { name } sender { name } } } }`

func checkSection(t *testing.T, r *gqlResult) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	e, _ := r.Data["entity"].(map[string]any)
	sectionOf, _ := e["sectionOf"].(map[string]any)
	if e["name"] != "United States Interests Section in Havana" || e["validFrom"] != "1977" ||
		e["validTo"] != "2015" || sectionOf["name"] != "Embassy of Switzerland in Cuba" {
		t.Errorf("entity = %v", e)
	}
}

func TestServe(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	env := map[string]string{"CHANCERY_CORS_ORIGINS": "https://allowed.example, https://other.example"}

	p := startServe(t, env, "--data", dir)
	if p.start["fresh"] != true || p.start["entities"].(float64) < 10 {
		t.Errorf("first start: %v; want a fresh, seeded store", p.start)
	}
	if p.start["data"] != dir {
		t.Errorf("startup line names data %v, want %s", p.start["data"], dir)
	}

	t.Run("POST", func(t *testing.T) {
		r, resp := p.post(t, sectionQuery, "")
		if resp.StatusCode != http.StatusOK {
			t.Errorf("status %d", resp.StatusCode)
		}
		checkSection(t, r)
	})

	t.Run("GET", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, p.url+"graphql?"+url.Values{"query": {sectionQuery}}.Encode(), nil)
		r, _ := do(t, req)
		checkSection(t, r)
	})

	t.Run("CORS", func(t *testing.T) {
		_, resp := p.post(t, sectionQuery, "https://allowed.example")
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "https://allowed.example" {
			t.Errorf("allowed origin: Access-Control-Allow-Origin %q", got)
		}
		_, resp = p.post(t, sectionQuery, "https://refused.example")
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("refused origin: Access-Control-Allow-Origin %q, want none", got)
		}
	})

	t.Run("BadInputKeepsServing", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, p.url+"graphql", strings.NewReader(`{"query": `))
		req.Header.Set("Content-Type", "application/json")
		r, resp := do(t, req)
		if resp.StatusCode != http.StatusBadRequest || len(r.Errors) != 1 {
			t.Errorf("malformed JSON: status %d, errors %+v", resp.StatusCode, r.Errors)
		}
		r, _ = p.post(t, `{ entity(id: "country:cuba") { name } `, "")
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "GRAPHQL_PARSE_FAILED" {
			t.Errorf("syntax error: %+v", r.Errors)
		}
		r, _ = p.post(t, sectionQuery, "")
		checkSection(t, r)
	})

	if code := p.stop(t); code != 0 {
		t.Fatalf("exit status %d after a graceful stop", code)
	}

	// Between runs, add a fact directly: a restart must keep it, and must
	// not seed again over what is there.
	db, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatalf("the data directory is still locked after the server stopped: %v", err)
	}
	added := &graph.Entity{ID: "city:bern", Kind: graph.City, Name: "Bern",
		Sources: []graph.Source{{Document: "Test fixture", Quote: "added between runs"}}}
	if err := db.Apply(context.Background(), &graph.Batch{Entities: []*graph.Entity{added}}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	p = startServe(t, env, "--data", dir)
	if p.start["fresh"] != false {
		t.Errorf("second start: %v; want the existing store, not a fresh one", p.start)
	}
	r, _ := p.post(t, sectionQuery, "")
	checkSection(t, r)
	r, _ = p.post(t, `{ entity(id: "city:bern") { name } }`, "")
	if e, _ := r.Data["entity"].(map[string]any); e["name"] != "Bern" {
		t.Errorf("the entity added between runs is gone: %+v", r)
	}
}

func TestServeFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		says string
	}{
		{"Help", []string{"serve", "-h"}, 0, "CHANCERY_DATA"},
		{"UnknownFlag", []string{"serve", "--port", "80"}, 2, "flag provided but not defined: -port"},
		{"BadLogFormat", []string{"serve", "--log-format", "xml"}, 2, "use text or json"},
		{"StrayArgument", []string{"serve", "now"}, 2, "takes no arguments"},
		{"BadAddress", []string{"serve", "--addr", "nowhere", "--data", t.TempDir()}, 1, "cannot listen on nowhere"},
		{"UnknownCommand", []string{"serv"}, 2, `unknown command "serv"`},
		{"BadPrimary", []string{"serve", "--follow", "primary:8080"}, 2, "give the primary's base URL"},
		{"NoFollowToken", []string{"serve", "--follow", "http://127.0.0.1:1", "--data", t.TempDir()}, 1, "a replica needs a token"},
		{"EmptyFollowToken", []string{"serve", "--follow", "http://127.0.0.1:1", "--data", t.TempDir(), "--follow-token-file", os.DevNull}, 1, "holds no token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := Run(context.Background(), tc.args, io.Discard, &stderr, testEnv(nil))
			if code != tc.code || !strings.Contains(stderr.String(), tc.says) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d saying %q", code, stderr.String(), tc.code, tc.says)
			}
			if strings.Contains(stderr.String(), "goroutine ") {
				t.Errorf("stderr has a stack trace:\n%s", stderr.String())
			}
		})
	}
}

func TestCheck(t *testing.T) {
	t.Run("BuiltIn", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		if code := Run(context.Background(), []string{"check"}, &stdout, &stderr, os.Getenv); code != 0 {
			t.Fatalf("exit %d: %s%s", code, stdout.String(), stderr.String())
		}
		if !strings.Contains(stdout.String(), "no problems") {
			t.Errorf("stdout %q", stdout.String())
		}
	})
	t.Run("Problems", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.yaml")
		os.WriteFile(bad, []byte("entities:\n  - id: country:ruritania\n    name: Ruritania\n    validFrom: 1990-13\n"), 0o644)
		var stdout, stderr bytes.Buffer
		code := Run(context.Background(), []string{"check", bad}, &stdout, &stderr, os.Getenv)
		if code != 1 || !strings.Contains(stdout.String(), bad+":4:") || !strings.Contains(stdout.String(), "month 13") {
			t.Errorf("exit %d, stdout:\n%s", code, stdout.String())
		}
	})
	t.Run("Report", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		if code := Run(context.Background(), []string{"seeds", "report"}, &stdout, &stderr, os.Getenv); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		for _, want := range []string{"ENTITIES BY KIND", "RELATIONS BY TYPE", "SECTION_OF", "De facto embassy"} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("report lacks %q:\n%s", want, stdout.String())
			}
		}
		if code := Run(context.Background(), []string{"seeds"}, io.Discard, io.Discard, os.Getenv); code != 2 {
			t.Errorf("seeds without report: exit %d, want 2", code)
		}
	})
	t.Run("MissingFile", func(t *testing.T) {
		var stderr bytes.Buffer
		code := Run(context.Background(), []string{"check", "no-such.yaml"}, io.Discard, &stderr, os.Getenv)
		if code != 1 || !strings.Contains(stderr.String(), "no-such.yaml") {
			t.Errorf("exit %d, stderr %q", code, stderr.String())
		}
	})
}

// TestBinary builds the real binary and runs it as a user would: a second
// server on the same directory is refused with a clear message, and
// SIGTERM stops the first cleanly.
func TestBinary(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "chancery")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	first := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	stderr, _ := first.StderrPipe()
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { first.Process.Kill(); first.Wait() })
	lines := bufio.NewScanner(stderr)
	var logged []string
	for lines.Scan() {
		logged = append(logged, lines.Text())
		if strings.Contains(lines.Text(), "chancery serving") {
			break
		}
	}
	if len(logged) == 0 || !strings.Contains(logged[len(logged)-1], "chancery serving") {
		t.Fatalf("no startup line; stderr:\n%s", strings.Join(logged, "\n"))
	}

	out, err := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", dir).CombinedOutput()
	msg := string(out)
	if err == nil {
		t.Fatal("a second server opened a directory that the first holds")
	}
	for _, want := range []string{dir, "chancery serve", "pid " + strconv.Itoa(first.Process.Pid), "--data"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the refusal does not say %q:\n%s", want, msg)
		}
	}
	if strings.Contains(strings.ToLower(msg), "badger") {
		t.Errorf("the refusal shows Badger's message:\n%s", msg)
	}

	if err := first.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(stderr)
	if err := first.Wait(); err != nil {
		t.Errorf("after SIGTERM: %v\n%s", err, rest)
	}
	if !strings.Contains(string(rest), "data closed") {
		t.Errorf("no sign of a clean close after SIGTERM:\n%s", rest)
	}
}

// TestServeWarnsOfOtherSeeds: a directory seeded by other seed files than
// the binary's keeps what they said; serve says so, and what to do.
func TestServeWarnsOfOtherSeeds(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	old := &graph.Batch{Entities: []*graph.Entity{{ID: "country:cuba", Kind: graph.Country, Name: "Cuba",
		Sources: []graph.Source{{Document: "Older seeds"}}}}}
	if _, err := db.Seed(context.Background(), old, "seeds-older"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	p := startServe(t, nil, "--data", dir)
	deadline := time.After(10 * time.Second)
	for {
		select {
		case line, ok := <-p.logs:
			if !ok {
				t.Fatal("the log ended without a warning about the seeds")
			}
			if line["level"] == "WARN" && line["seeds"] == "seeds-older" {
				if s, _ := line["to_use_the_built_in_seeds"].(string); !strings.Contains(s, "new --data directory") {
					t.Errorf("the warning says %v; want what to do", line)
				}
				return
			}
		case <-deadline:
			t.Fatal("no warning that the directory holds other seeds")
		}
	}
}

// testEnv is the environment a test runs chancery in: env, and nothing
// from the test's own environment. A new data directory is filled with the
// curated seeds alone, unless env says otherwise: most tests need only a
// few facts, and the world's missions take some seconds to load (the
// tests that are about them ask for them).
func testEnv(env map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		if k == "CHANCERY_INITIAL_DATA" {
			return string(initial.Curated)
		}
		return ""
	}
}

// TestMain makes the programs the tests start (the binary, and commands
// run with os.Getenv) fill new data directories with the curated seeds
// alone, as testEnv does, unless the environment already chose.
func TestMain(m *testing.M) {
	if os.Getenv("CHANCERY_INITIAL_DATA") == "" {
		os.Setenv("CHANCERY_INITIAL_DATA", string(initial.Curated))
	}
	os.Exit(m.Run())
}
