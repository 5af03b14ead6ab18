package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

var faultRounds = flag.Int("fault-rounds", 8, "kills of each kind BenchmarkFaults makes")

// BenchmarkFaults is the fault benchmark. In one run it
//
//   - kills the server (SIGKILL) in the middle of a stream of acknowledged
//     writes, again and again, restarting it each time: every write it
//     acknowledged must be there after the restart (lost counts those that
//     are not), and chancery verify must find the directory sound
//     (inconsistent counts those it does not);
//   - kills chancery import (SIGKILL) at random moments, in turn into a new
//     directory (a sorted load) and into one with data (the batch writer),
//     and runs chancery verify on what is left: a store whole and sound, or
//     one that says its import was cut short (refused), are right;
//     anything else is inconsistent. A store an import with data left
//     part-way is then repaired (verify --repair) and imported into again,
//     and must then be whole and sound;
//   - runs chancery bench --hostile on the server's directory: the normal
//     traffic's p50 and p99 alone, and beside clients sending costly
//     queries.
//
// It reports each figure as a metric. Run it with
//
//	go test ./cmd/chancery -run '^$' -bench Faults -benchtime 1x
//
// (-fault-rounds sets the kills of each kind; it takes a few minutes).
func BenchmarkFaults(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "chancery")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	for b.Loop() {
		rng := rand.New(rand.NewPCG(19, 7))
		f := faults{}
		dir := filepath.Join(b.TempDir(), "served")
		for range *faultRounds {
			f.killServer(b, bin, dir, rng)
		}
		world, err := storetest.WorldJSONL(context.Background(), 30000)
		if err != nil {
			b.Fatal(err)
		}
		for round := range *faultRounds {
			f.killImport(b, bin, world, round%2 == 0, rng)
		}
		f.hostile(b, bin, dir)
		b.ReportMetric(float64(f.serverKills), "server-kills")
		b.ReportMetric(float64(f.acked), "acked-writes")
		b.ReportMetric(float64(f.lost), "lost-writes")
		b.ReportMetric(float64(f.importKills), "import-kills")
		b.ReportMetric(float64(f.whole), "imports-whole")
		b.ReportMetric(float64(f.refused), "imports-refused")
		b.ReportMetric(float64(f.repaired), "imports-repaired")
		b.ReportMetric(float64(f.inconsistent), "inconsistent")
		b.ReportMetric(f.p50Alone, "p50-alone-ms")
		b.ReportMetric(f.p99Alone, "p99-alone-ms")
		b.ReportMetric(f.p50Beside, "p50-beside-ms")
		b.ReportMetric(f.p99Beside, "p99-beside-ms")
		b.Logf("server kills %d: %d writes acknowledged, %d lost; import kills %d: %d whole, %d refused (%d of them repaired and imported again); inconsistent %d; normal p50/p99 %.2f/%.1f ms alone, %.2f/%.1f ms beside costly queries",
			f.serverKills, f.acked, f.lost, f.importKills, f.whole, f.refused, f.repaired, f.inconsistent, f.p50Alone, f.p99Alone, f.p50Beside, f.p99Beside)
		if f.lost > 0 || f.inconsistent > 0 {
			b.Errorf("%d acknowledged writes lost, %d stores inconsistent", f.lost, f.inconsistent)
		}
	}
}

// faults is what BenchmarkFaults counted.
type faults struct {
	serverKills, acked, lost                 int
	importKills, whole, refused, repaired    int
	inconsistent                             int
	p50Alone, p99Alone, p50Beside, p99Beside float64
}

// killServer starts the server on dir, kills it in the middle of a stream
// of writes, restarts it, counts the acknowledged writes missing, stops it
// and verifies the directory.
func (f *faults) killServer(b *testing.B, bin, dir string, rng *rand.Rand) {
	const token = "fault-token-0123456789abcdef"
	server, gql := startBinary(b, bin, dir, "CHANCERY_TOKEN="+token)
	writes := writeCities(gql, token, fmt.Sprintf("city:fault-%d", f.serverKills), 4)
	time.Sleep(time.Duration(200+rng.IntN(800)) * time.Millisecond)
	server.Process.Signal(syscall.SIGKILL)
	server.Wait()
	acked := writes.stop()
	f.serverKills++
	f.acked += len(acked)

	server, gql = startBinary(b, bin, dir)
	f.lost += len(missingEntities(b, gql, acked))
	server.Process.Signal(syscall.SIGTERM)
	server.Wait()
	if code, out := verifyDir(b, dir); code != 0 {
		b.Logf("after server kill %d, verify: %s", f.serverKills, out)
		f.inconsistent++
	}
}

// killImport imports world with chancery import into a new directory
// (sorted) or into one holding its first half (the batch writer), kills it
// at a random moment, and checks what is left.
func (f *faults) killImport(b *testing.B, bin string, world []byte, sorted bool, rng *rand.Rand) {
	tmp := b.TempDir()
	dir := filepath.Join(tmp, "data")
	file := filepath.Join(tmp, "world.jsonl")
	if err := os.WriteFile(file, world, 0o644); err != nil {
		b.Fatal(err)
	}
	if !sorted {
		lines := bytes.SplitAfter(world, []byte("\n"))
		half := filepath.Join(tmp, "half.jsonl")
		if err := os.WriteFile(half, bytes.Join(lines[:len(lines)/2], nil), 0o644); err != nil {
			b.Fatal(err)
		}
		if out, err := exec.Command(bin, "import", "--data", dir, half).CombinedOutput(); err != nil {
			b.Fatalf("import the first half: %v\n%s", err, out)
		}
	}
	cmd := exec.Command(bin, "import", "--data", dir, file)
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	time.Sleep(time.Duration(100+rng.IntN(2500)) * time.Millisecond)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	f.importKills++

	// Opened as a server opens it first, which removes what a killed
	// import left outside the store (its sorted runs), then verified.
	if db, err := store.Open(store.Options{Dir: dir}); err == nil {
		db.Close()
	}
	code, out := verifyDir(b, dir)
	switch {
	case code == 0:
		f.whole++
	case strings.Contains(out, "cut short"):
		f.refused++
		if sorted {
			return // delete the directory and import again: nothing to check
		}
		// Do what the refusal says: repair, import again, verify.
		if code, out := verifyDir(b, dir, "--repair"); code != 0 {
			b.Logf("import kill %d, repair: %s", f.importKills, out)
			f.inconsistent++
			return
		}
		if out, err := exec.Command(bin, "import", "--data", dir, file).CombinedOutput(); err != nil {
			b.Logf("import kill %d, the import again: %v\n%s", f.importKills, err, out)
			f.inconsistent++
			return
		}
		if code, out := verifyDir(b, dir); code != 0 {
			b.Logf("import kill %d, verify after repair and import: %s", f.importKills, out)
			f.inconsistent++
			return
		}
		f.repaired++
	default:
		b.Logf("import kill %d (sorted %v), verify: %s", f.importKills, sorted, out)
		f.inconsistent++
	}
}

// hostile runs chancery bench --hostile on dir and keeps its p50 and p99.
func (f *faults) hostile(b *testing.B, bin, dir string) {
	report := filepath.Join(b.TempDir(), "hostile.json")
	if out, err := exec.Command(bin, "bench", "--data", dir, "--hostile", "--requests", "600", "--json", report).CombinedOutput(); err != nil {
		b.Fatalf("chancery bench --hostile: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(report)
	if err != nil {
		b.Fatal(err)
	}
	var r struct {
		Alone, Beside struct {
			P50 float64 `json:"p50_ms"`
			P99 float64 `json:"p99_ms"`
		}
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		b.Fatalf("the hostile report: %v", err)
	}
	f.p50Alone, f.p99Alone, f.p50Beside, f.p99Beside = r.Alone.P50, r.Alone.P99, r.Beside.P50, r.Beside.P99
}

// verifyDir runs chancery verify on dir, with more arguments, and returns
// its exit status and all it printed.
func verifyDir(tb testing.TB, dir string, args ...string) (int, string) {
	code, stdout, stderr := runVerify(tb, append([]string{"--data", dir}, args...)...)
	return code, stdout + stderr
}

// missingEntities returns the ids among ids that the server at gql does not
// hold.
func missingEntities(tb testing.TB, gql string, ids []string) []string {
	tb.Helper()
	var missing []string
	for chunk := range slices.Chunk(ids, schema.DefaultMaxRootFields) {
		var q strings.Builder
		q.WriteString("{")
		for i, id := range chunk {
			fmt.Fprintf(&q, " e%d: entity(id: %q) { id }", i, id)
		}
		q.WriteString(" }")
		body, _ := json.Marshal(map[string]string{"query": q.String()})
		resp, err := http.Post(gql, "application/json", bytes.NewReader(body))
		if err != nil {
			tb.Fatal(err)
		}
		var r struct{ Data map[string]any }
		json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		for i, id := range chunk {
			if r.Data[fmt.Sprintf("e%d", i)] == nil {
				missing = append(missing, id)
			}
		}
	}
	return missing
}
