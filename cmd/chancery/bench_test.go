package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/chancery/chancery/cmd/chancery/internal/bench"
	"github.com/chancery/chancery/cmd/chancery/internal/bench/measure"
	"github.com/chancery/chancery/cmd/chancery/internal/bench/mix"
	"github.com/chancery/chancery/seeds/initial"
	"github.com/chancery/chancery/store"
)

// runBench runs chancery bench with args and returns its exit status,
// standard output and standard error.
func runBench(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), append([]string{"bench"}, args...), &stdout, &stderr, testEnv(nil))
	return code, stdout.String(), stderr.String()
}

// patientCostlyQueries has the servers bench starts let a costly query
// (paths) wait a minute for its turn rather than 100 ms: on a slow or busy
// machine one paths query at concurrency 32 can outlast the default wait,
// and the others' BUSY refusals would fail checkLoads, which is not about
// refusals.
func patientCostlyQueries(t *testing.T) {
	t.Setenv("CHANCERY_EXPENSIVE_WAIT", "1m")
}

// readReport reads the JSON bench wrote, checking that it parses into
// the report and has the fields a reader relies on.
func readReport(t *testing.T, file string) *measure.Report {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatalf("the JSON report does not parse: %v", err)
	}
	for _, field := range []string{"command", "machine", "store", "settings", "bare", "queries", "server", "import", "disk", "url"} {
		if _, ok := raw[field]; !ok {
			t.Errorf("the JSON report has no %q", field)
		}
	}
	var r measure.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Machine.CPUs < 1 || r.Machine.GOMAXPROCS < 1 || r.Machine.GoVersion == "" || r.Machine.CPUModel == "" {
		t.Errorf("machine %+v", r.Machine)
	}
	if len(r.Command) < 2 || r.Command[0] != "chancery" || r.Command[1] != "bench" {
		t.Errorf("command %q", r.Command)
	}
	return &r
}

// checkLoads checks that the bare handler and every query of the mix ran
// at every concurrency, all their requests, without an error. Speed is
// not checked: machines are too noisy for that.
func checkLoads(t *testing.T, r *measure.Report, requests int, concurrency ...int) {
	t.Helper()
	check := func(name string, fs []measure.Figures, wantDone int) {
		if len(fs) != len(concurrency) {
			t.Errorf("%s: figures for %d levels of concurrency, want %d", name, len(fs), len(concurrency))
			return
		}
		for i, f := range fs {
			if f.Concurrency != concurrency[i] || f.Done != wantDone || f.CutShort || f.Errors != 0 ||
				f.RequestsPerSecond <= 0 || f.P50Ms <= 0 || f.P99Ms < f.P50Ms || f.Bytes <= 0 || f.VsBare == nil {
				t.Errorf("%s: %+v", name, f)
			}
		}
	}
	if r.Bare.Bytes <= 0 {
		t.Errorf("the bare handler's answer has %d bytes", r.Bare.Bytes)
	}
	check("bare handler", r.Bare.Results, max(requests, bench.BareMinRequests))
	var names []string
	for _, q := range r.Queries {
		names = append(names, q.Name)
		if q.Skipped != "" || q.Inputs < 1 || q.Description == "" {
			t.Errorf("%s: skipped %q, %d inputs, description %q", q.Name, q.Skipped, q.Inputs, q.Description)
		}
		check(q.Name, q.Results, requests)
	}
	want := append(mix.Names(), bench.RepeatedName, mix.Names()[0]+bench.RepeatedSuffix)
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("queries %q, want the whole mix and the repeated dashboard %q", names, want)
	}
	if r.Store.Entities < 10 || r.Store.Relations < 10 {
		t.Errorf("store %+v", r.Store)
	}
}

// buildChancery builds the real binary, which bench runs for serve and
// import.
func buildChancery(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "chancery")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestBenchStartsServer runs bench as it is meant to be run on a data
// directory: it starts the real binary's serve on the seeded data, drives
// it over HTTP, reports and stops it.
func TestBenchStartsServer(t *testing.T) {
	patientCostlyQueries(t)
	bin := buildChancery(t)
	dir := filepath.Join(t.TempDir(), "data")
	db, _, err := openData(context.Background(), store.Options{Dir: dir}, initial.Curated, cliLogger(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	jsonFile := filepath.Join(t.TempDir(), "bench.json")

	code, stdout, stderr := runBench(t, "--data", dir, "--bin", bin, "--requests", "12", "--warmup", "3",
		"--inputs", "4", "--json", jsonFile)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	r := readReport(t, jsonFile)
	checkLoads(t, r, 12, 1, 32)
	if !r.StartedServer || r.DataDir != dir || !strings.HasPrefix(r.URL, "http://127.0.0.1:") {
		t.Errorf("started %v on %q at %q", r.StartedServer, r.DataDir, r.URL)
	}
	if r.Server.FirstAnswerMs == nil || *r.Server.FirstAnswerMs <= 0 {
		t.Errorf("no time to the first answer: %+v", r.Server)
	}
	if runtime.GOOS == "linux" {
		if r.Server.RSSPeakUnderLoadBytes == nil || *r.Server.RSSPeakUnderLoadBytes <= 0 ||
			r.Server.RSSPeakSinceStartBytes == nil || r.Server.RSSIdleBytes == nil {
			t.Errorf("no resident memory: %+v", r.Server)
		} else if a, f := r.Server.RSSPeakUnderLoadAnonBytes, r.Server.RSSPeakUnderLoadFileBytes; a == nil || f == nil || *a <= 0 || *a+*f > *r.Server.RSSPeakUnderLoadBytes {
			t.Errorf("resident memory not split into the server's own and mapped files: %+v", r.Server)
		}
	}
	if r.Disk == nil || r.Disk.Bytes <= 0 || r.Disk.BytesPerRelation <= 0 {
		t.Errorf("disk %+v", r.Disk)
	}
	if r.Import != nil {
		t.Errorf("an import was reported without --import: %+v", r.Import)
	}
	for _, want := range append(mix.Names(), "bare handler", "concurrency 1", "concurrency 32", "first answer", "resident memory", "vs bare", "p99 ms") {
		if !strings.Contains(stdout, want) {
			t.Errorf("the table has no %q:\n%s", want, stdout)
		}
	}
	// The server was stopped: the directory can be opened again.
	db, err = store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatalf("the data directory is still held after bench: %v", err)
	}
	db.Close()

	t.Run("Baseline", func(t *testing.T) {
		// bench drives a server it did not start, given by URL and pid:
		// here one in this process, so its memory is this process's.
		p := startServe(t, nil, "--data", filepath.Join(t.TempDir(), "data"))
		code, stdout, stderr := runBench(t, "--url", p.url+"graphql", "--pid", strconv.Itoa(os.Getpid()),
			"--requests", "5", "--warmup", "0", "--inputs", "2", "--concurrency", "2",
			"--queries", "entity-20-relations,count-by-sender", "--baseline", jsonFile, "--format", "json")
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		var r measure.Report
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatalf("--format json printed no report: %v\n%s", err, stdout)
		}
		if r.StartedServer || r.Server.FirstAnswerMs != nil || r.Disk != nil {
			t.Errorf("figures of a server bench did not start: %+v, disk %+v", r.Server, r.Disk)
		}
		if runtime.GOOS == "linux" && r.Server.RSSPeakUnderLoadBytes == nil {
			t.Errorf("no resident memory with --pid: %+v", r.Server)
		}
		if len(r.Queries) != 4 || len(r.Queries[1].Results) != 1 || r.Queries[2].Name != bench.RepeatedName ||
			r.Queries[2].Inputs != 3 || // 2 inputs of one query and 1 of the other
			r.Queries[3].Name != "entity-20-relations"+bench.RepeatedSuffix || len(r.Queries[3].Results) != 1 {

			t.Fatalf("queries %+v", r.Queries)
		}
		// The baseline ran at concurrency 1 and 32, not 2: nothing to
		// compare with.
		if f := r.Queries[0].Results[0]; f.Errors != 0 || f.P50VsBaseline != nil {
			t.Errorf("%+v", f)
		}
		// At concurrency 1 there is: --json - prints the JSON, then the
		// table.
		code, stdout, stderr = runBench(t, "--url", p.url+"graphql", "--requests", "5", "--warmup", "0", "--inputs", "2",
			"--concurrency", "1", "--queries", "count-by-sender", "--baseline", jsonFile, "--json", "-")
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		dec := json.NewDecoder(strings.NewReader(stdout))
		r = measure.Report{}
		if err := dec.Decode(&r); err != nil {
			t.Fatal(err)
		}
		if f := r.Queries[0].Results[0]; f.P50VsBaseline == nil || *f.P50VsBaseline <= 0 {
			t.Errorf("no comparison with the baseline: %+v", f)
		}
		if rest := stdout[dec.InputOffset():]; !strings.Contains(rest, "p50/base") || !strings.Contains(rest, "baseline "+jsonFile) {
			t.Errorf("the table does not compare with the baseline:\n%s", rest)
		}
	})
}

// TestBenchImport has bench import a synthetic world into a new directory
// before serving it, and report the import.
func TestBenchImport(t *testing.T) {
	patientCostlyQueries(t)
	bin := buildChancery(t)
	world := filepath.Join(t.TempDir(), "world.jsonl")
	if code := Run(context.Background(), []string{"gen", "--relations", "1000", "--out", world}, &bytes.Buffer{}, &bytes.Buffer{}, os.Getenv); code != 0 {
		t.Fatalf("gen: exit %d", code)
	}
	dir := filepath.Join(t.TempDir(), "data")
	jsonFile := filepath.Join(t.TempDir(), "bench.json")
	code, stdout, stderr := runBench(t, "--data", dir, "--import", world, "--bin", bin, "--requests", "6", "--warmup", "2",
		"--inputs", "3", "--json", jsonFile)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	r := readReport(t, jsonFile)
	checkLoads(t, r, 6, 1, 32)
	im := r.Import
	if im == nil || im.Relations < 1000 || im.Entities < 1 || im.Seconds <= 0 || im.RelationsPerSecond <= 0 || len(im.Files) != 1 {
		t.Fatalf("import %+v", im)
	}
	if r.Store.Relations < im.Relations || r.Disk == nil || r.Disk.BytesPerRelation <= 0 {
		t.Errorf("store %+v, disk %+v", r.Store, r.Disk)
	}
	if !strings.Contains(stdout, "relations/s") {
		t.Errorf("the table does not give the import's rate:\n%s", stdout)
	}

	t.Run("NotNew", func(t *testing.T) {
		code, _, stderr := runBench(t, "--data", dir, "--import", world, "--bin", bin)
		if code != 1 || !strings.Contains(stderr, "new data directory") || !strings.Contains(stderr, dir) {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
}

// TestBenchErrors checks that what stops bench is said clearly, with what
// to do.
func TestBenchErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/graphql"
	ln.Close()
	missing := filepath.Join(t.TempDir(), "missing")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"Nothing", nil, 2, []string{"--url", "--data"}},
		{"Both", []string{"--url", closed, "--data", missing}, 2, []string{"not both"}},
		{"ImportWithoutData", []string{"--url", closed, "--import", "w.jsonl"}, 2, []string{"--import needs --data"}},
		{"BadConcurrency", []string{"--url", closed, "--concurrency", "1,x"}, 2, []string{"--concurrency"}},
		{"UnknownQuery", []string{"--url", closed, "--queries", "paths"}, 2, []string{`no query "paths"`, "paths-6"}},
		{"Unreachable", []string{"--url", closed}, 1, []string{"no server answers at " + closed, "chancery serve", "--data"}},
		{"MissingDir", []string{"--data", missing}, 1, []string{missing + " does not exist", "chancery import", "--import"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runBench(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr %q", code, tc.code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, stderr)
				}
			}
		})
	}
}
