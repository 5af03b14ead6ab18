package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

const (
	testRevision = "3cf303b1a8d27c1e5f0b6a9d4e2c7f8a1b3d5e6f"
	testTime     = "2026-12-07T14:55:00Z"
)

// built is the build info of a binary of this module with the given
// version and settings, as the go command records it.
func built(version string, settings ...string) *debug.BuildInfo {
	info := &debug.BuildInfo{GoVersion: "go1.26.8", Path: "github.com/chancery/chancery/cmd/chancery",
		Main: debug.Module{Path: "github.com/chancery/chancery", Version: version}}
	info.Settings = append(info.Settings, debug.BuildSetting{Key: "-buildmode", Value: "exe"})
	for i := 0; i+1 < len(settings); i += 2 {
		info.Settings = append(info.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
	}
	return info
}

func TestReadBuildInfo(t *testing.T) {
	for _, tc := range []struct {
		name    string
		info    *debug.BuildInfo
		ok      bool
		want    string
		version string
		attrs   []any
	}{{
		name: "TaggedCheckout",
		info: built("v0.3.1", "vcs", "git", "vcs.revision", testRevision, "vcs.time", testTime, "vcs.modified", "false"),
		ok:   true,
		want: "v0.3.1 (revision " + testRevision + ", " + testTime + ")", version: "v0.3.1",
		attrs: []any{"version", "v0.3.1", "revision", testRevision, "revision_time", testTime, "modified", false},
	}, {
		name:    "ModifiedCheckout",
		info:    built("v0.0.0-20261207145500-3cf303b1a8d2+dirty", "vcs", "git", "vcs.revision", testRevision, "vcs.time", testTime, "vcs.modified", "true"),
		ok:      true,
		want:    "v0.0.0-20261207145500-3cf303b1a8d2+dirty (revision " + testRevision + ", " + testTime + ", with uncommitted changes)",
		version: "v0.0.0-20261207145500-3cf303b1a8d2+dirty",
		attrs:   []any{"version", "v0.0.0-20261207145500-3cf303b1a8d2+dirty", "revision", testRevision, "revision_time", testTime, "modified", true},
	}, {
		// go install github.com/chancery/chancery/cmd/chancery@v0.3.1
		name: "ModuleDownload",
		info: built("v0.3.1"),
		ok:   true,
		want: "v0.3.1 (revision and date unknown: built from the module's download, which holds no version control information)", version: "v0.3.1",
		attrs: []any{"version", "v0.3.1", "revision", "unknown", "revision_time", "unknown"},
	}, {
		// go run, go test, or go build -buildvcs=false
		name: "NoVCS",
		info: built("(devel)"),
		ok:   true,
		want: "version unknown (built without version control information: go build or go install in a git clone " +
			"records the version, revision and date; go run and -buildvcs=false do not)",
		version: "unknown",
		attrs:   []any{"version", "unknown", "revision", "unknown", "revision_time", "unknown"},
	}, {
		name: "NoBuildInfo",
		info: nil, ok: false,
		want: "version unknown (built without version control information: go build or go install in a git clone " +
			"records the version, revision and date; go run and -buildvcs=false do not)",
		version: "unknown",
		attrs:   []any{"version", "unknown", "revision", "unknown", "revision_time", "unknown"},
	}, {
		// A commit without a version, as go run -buildvcs=true stamps when
		// the tree is not at the root of its repository.
		name: "RevisionWithoutVersion",
		info: built("(devel)", "vcs", "git", "vcs.revision", testRevision, "vcs.time", testTime, "vcs.modified", "false"),
		ok:   true,
		want: "version unknown (revision " + testRevision + ", " + testTime + ")", version: "unknown",
		attrs: []any{"version", "unknown", "revision", testRevision, "revision_time", testTime, "modified", false},
	}, {
		name: "RevisionWithoutTime",
		info: built("v0.3.1", "vcs", "hg", "vcs.revision", "a1b2c3d4e5f6", "vcs.modified", "true"),
		ok:   true,
		want: "v0.3.1 (revision a1b2c3d4e5f6, date unknown, with uncommitted changes)", version: "v0.3.1",
		attrs: []any{"version", "v0.3.1", "revision", "a1b2c3d4e5f6", "revision_time", "unknown", "modified", true},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			b := readBuildInfo(tc.info, tc.ok)
			if got := b.String(); got != tc.want {
				t.Errorf("String() =\n  %s\nwant\n  %s", got, tc.want)
			}
			if got := b.version(); got != tc.version {
				t.Errorf("version() = %q, want %q", got, tc.version)
			}
			if got := b.logAttrs(); !reflect.DeepEqual(got, tc.attrs) {
				t.Errorf("logAttrs() = %v, want %v", got, tc.attrs)
			}
		})
	}
}

// TestLinkedBuildInfo: what the linker was given (deploy/Dockerfile's
// build arguments) fills in what the go command did not record, and never
// replaces what it did.
func TestLinkedBuildInfo(t *testing.T) {
	b := readBuildInfo(built("(devel)"), true).orLinked("v0.3.1", testRevision, testTime)
	if want := "v0.3.1 (revision " + testRevision + ", " + testTime + ")"; b.String() != want {
		t.Errorf("built without version control information, linked with a version and revision: %s; want %s", b, want)
	}
	b = readBuildInfo(built("(devel)"), true).orLinked("", "", "")
	if !strings.HasPrefix(b.String(), "version unknown (built without version control information") {
		t.Errorf("built without version control information, linked with nothing: %s", b)
	}
	recorded := built("v0.3.2", "vcs", "git", "vcs.revision", "a1b2c3d4e5f6", "vcs.time", testTime)
	b = readBuildInfo(recorded, true).orLinked("v0.3.1", testRevision, "2020-01-01T00:00:00Z")
	if want := "v0.3.2 (revision a1b2c3d4e5f6, " + testTime + ")"; b.String() != want {
		t.Errorf("built in a git clone, and linked with another version and revision: %s; want what go recorded, %s", b, want)
	}
}

// TestVersionOfBuiltBinary builds chancery with go build in a git checkout
// of this module's sources made for the test, with a known commit, and
// checks what the binary says of itself: chancery version, the startup log
// line and the service.version of its traces; then in the same checkout
// modified, and built with -buildvcs=false.
func TestVersionOfBuiltBinary(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("this test builds chancery in a git checkout, and needs git: %v", err)
	}
	src := t.TempDir()
	copyModule(t, src)
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", "-c", "core.hooksPath=/dev/null"}, args...)...)
		cmd.Dir = src
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=Chancery", "GIT_AUTHOR_EMAIL=chancery@example.org", "GIT_AUTHOR_DATE="+testTime,
			"GIT_COMMITTER_NAME=Chancery", "GIT_COMMITTER_EMAIL=chancery@example.org", "GIT_COMMITTER_DATE="+testTime)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "a release")
	git("tag", "v0.3.1")
	revision := git("rev-parse", "HEAD")

	// The flags given override GOFLAGS, which may say -buildvcs=false.
	build := func(flags ...string) string {
		t.Helper()
		bin := filepath.Join(t.TempDir(), "chancery")
		cmd := exec.Command("go", append(append([]string{"build"}, flags...), "-o", bin, "./cmd/chancery")...)
		cmd.Dir = src
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", strings.Join(flags, " "), err, out)
		}
		return bin
	}
	versionOf := func(bin string) string {
		t.Helper()
		out, err := exec.Command(bin, "version").CombinedOutput()
		if err != nil {
			t.Fatalf("%s version: %v\n%s", bin, err, out)
		}
		return string(out)
	}

	bin := build("-buildvcs=true")
	want := "chancery v0.3.1 (revision " + revision + ", " + testTime + ")\n"
	if got := versionOf(bin); got != want {
		t.Errorf("chancery version, built at the tag v0.3.1:\n  %s\nwant\n  %s", got, want)
	}
	start, service := serveOnce(t, bin)
	for k, v := range map[string]string{"version": "v0.3.1", "revision": revision, "revision_time": testTime, "modified": "false"} {
		if start[k] != v {
			t.Errorf("the startup line has %s=%q, want %q; the line: %v", k, start[k], v, start)
		}
	}
	if service != "v0.3.1" {
		t.Errorf("the traces' service.version is %q, want v0.3.1", service)
	}

	if err := os.WriteFile(filepath.Join(src, "NOTES"), []byte("not committed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want = "chancery v0.3.1+dirty (revision " + revision + ", " + testTime + ", with uncommitted changes)\n"
	if got := versionOf(build("-buildvcs=true")); got != want {
		t.Errorf("chancery version, built with a file not committed:\n  %s\nwant\n  %s", got, want)
	}

	got := versionOf(build("-buildvcs=false"))
	if !strings.HasPrefix(got, "chancery version unknown (built without version control information") || strings.Contains(got, "(devel)") {
		t.Errorf("chancery version, built with -buildvcs=false: %s", got)
	}
}

// copyModule copies into dir what go build ./cmd/chancery reads of this
// module, as the working tree has it: go.mod, go.sum, and the Go and
// embedded files of each of the module's packages that it builds.
func copyModule(t *testing.T, dir string) {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	root := strings.TrimSpace(string(out))
	out, err = exec.Command("go", "list", "-deps", "-f",
		`{{if .Module}}{{if .Module.Main}}{{$d := .Dir}}{{range .GoFiles}}{{$d}}/{{.}}{{"\n"}}{{end}}{{range .EmbedFiles}}{{$d}}/{{.}}{{"\n"}}{{end}}{{end}}{{end}}`,
		".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	files := []string{filepath.Join(root, "go.mod"), filepath.Join(root, "go.sum")}
	files = append(files, strings.Fields(string(out))...)
	for _, from := range files {
		rel, err := filepath.Rel(root, from)
		if err != nil || strings.HasPrefix(rel, "..") {
			t.Fatalf("%s is outside the module at %s", from, root)
		}
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		to := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// serveOnce runs bin serve on a fresh data directory with traces sent to
// a collector of the test's, sends it a query, stops it, and returns its
// startup log line's attributes and the service.version its traces gave.
func serveOnce(t *testing.T, bin string) (map[string]string, string) {
	t.Helper()
	var mu sync.Mutex
	service := ""
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req coltracepb.ExportTraceServiceRequest
		if err := proto.Unmarshal(body, &req); err != nil {
			http.Error(w, "not an OTLP trace export", http.StatusBadRequest)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		for _, rs := range req.ResourceSpans {
			for _, a := range rs.GetResource().GetAttributes() {
				if a.Key == "service.version" {
					service = a.GetValue().GetStringValue()
				}
			}
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
		out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
		w.Write(out)
	}))
	defer collector.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(t.TempDir(), "data"), "--log-format", "text")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CHANCERY_") && !strings.HasPrefix(kv, "OTEL_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "OTEL_EXPORTER_OTLP_ENDPOINT="+collector.URL+"/")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill() // if the test stops before the server does
	lines := bufio.NewScanner(stderr)
	start := map[string]string{}
	var logged []string
	for lines.Scan() {
		logged = append(logged, lines.Text())
		if strings.Contains(lines.Text(), `msg="chancery serving"`) {
			start = logfmt(lines.Text())
			break
		}
	}
	if start["url"] == "" {
		t.Fatalf("no startup line; stderr:\n%s", strings.Join(logged, "\n"))
	}
	drained := make(chan struct{})
	go func() { io.Copy(io.Discard, stderr); close(drained) }()
	resp, err := http.Post(start["url"]+"graphql", "application/json", strings.NewReader(`{"query": "{ entity(id: \"country:cuba\") { name } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-drained
	if err := cmd.Wait(); err != nil {
		t.Errorf("after SIGTERM: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	return start, service
}

// logfmt reads the key=value pairs of a text log line; quoted values are
// not unquoted, which these attributes do not need.
func logfmt(line string) map[string]string {
	m := map[string]string{}
	for _, f := range strings.Fields(line) {
		if k, v, ok := strings.Cut(f, "="); ok {
			m[k] = v
		}
	}
	return m
}
