package main

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chancery/chancery/seeds/initial"
)

// world is the environment of a first start that fills the default data.
var world = map[string]string{"CHANCERY_INITIAL_DATA": string(initial.World)}

// TestFirstStartServesTheWorld starts a server on a new directory with the
// default initial data: it logs what it loads, serves the world's missions
// with their sources, and a second start reuses the directory.
func TestFirstStartServesTheWorld(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	start := time.Now()
	p := startServe(t, world, "--data", dir)
	t.Logf("first start served after %s", time.Since(start).Round(time.Millisecond))
	loading := p.before("filling a new data directory")
	if loading == nil || !strings.Contains(loading["loading"].(string), "Wikidata's diplomatic missions as of 2020-10-22 and 2022-11-16") {
		t.Errorf("no log line says what the first start loads: %v", loading)
	}
	if p.before("filled the new data directory") == nil {
		t.Error("no log line says the fill is done")
	}
	if p.start["fresh"] != true || !strings.Contains(p.start["seeds"].(string), "wikidata-embassies 2020-10-22,2022-11-16") {
		t.Errorf("the startup line: %v", p.start)
	}
	r, _ := p.post(t, `{
		missions: entities(kind: MISSION) { totalCount }
		kenya: relations(to: "country:kenya", types: [ACCREDITS_TO], asOf: "2022-11-16", first: 1) {
			totalCount
			edges { node { from { name sources { document url } } } }
		}
	}`, "")
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	var got struct {
		Missions struct{ TotalCount int }
		Kenya    struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					From struct {
						Name    string
						Sources []struct{ Document, URL string }
					}
				}
			}
		}
	}
	decode(t, r.Data, &got)
	if got.Missions.TotalCount < 10000 {
		t.Errorf("%d missions; the world's data has over 10,000", got.Missions.TotalCount)
	}
	if got.Kenya.TotalCount < 40 || len(got.Kenya.Edges) != 1 {
		t.Fatalf("%d missions accredited to Kenya as of 2022-11-16; the world's data has dozens", got.Kenya.TotalCount)
	}
	if src := got.Kenya.Edges[0].Node.From.Sources; len(src) == 0 || !strings.HasPrefix(src[0].Document, "Wikidata diplomatic missions") || !strings.HasPrefix(src[0].URL, "https://www.wikidata.org/wiki/Q") {
		t.Errorf("a mission in Kenya cites %+v", src)
	}
	p.stop(t)

	again := startServe(t, world, "--data", dir)
	if again.start["fresh"] != false || again.before("filling a new data directory") != nil {
		t.Errorf("a second start filled the directory again: %v", again.start)
	}
}

// TestFirstFillKilledStartsOver kills the server with SIGKILL at random
// moments of its first fill; the next start must fill the directory again
// from scratch, say so, and end with the same data as a fill that was
// never interrupted, verified.
func TestFirstFillKilledStartsOver(t *testing.T) {
	bin := buildChancery(t)
	env := []string{"CHANCERY_INITIAL_DATA=world"}
	exportOf := func(dir string) []string {
		t.Helper()
		cmd := exec.Command(bin, "export", "--data", dir, "--format", "jsonl")
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("export %s: %v", dir, err)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		slices.Sort(lines)
		return lines
	}
	// The fill, uninterrupted, to compare with.
	ref := filepath.Join(t.TempDir(), "ref")
	began := time.Now()
	server, _ := startBinary(t, bin, ref, env...)
	fill := time.Since(began)
	server.Process.Signal(syscall.SIGTERM)
	server.Wait()
	want := exportOf(ref)

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	for round := range 2 {
		// Inside the fill: between a tenth and four fifths of the time
		// the uninterrupted one took. On a busy machine a fill may end
		// before the kill: that round starts again, killing sooner.
		wait := fill/10 + time.Duration(rng.Int64N(int64(fill*7/10)))
		var dir string
		for try := 0; ; try++ {
			var finished bool
			dir, finished = killInsideFill(t, bin, env, wait)
			if !finished {
				break
			}
			if try == 5 {
				t.Fatalf("round %d: six fills each ended before the kill, the last %s after the fill began", round, wait)
			}
			t.Logf("round %d: the fill ended before the kill %s into it; again, sooner", round, wait.Round(time.Millisecond))
			wait /= 2
		}
		_, statErr := os.Stat(filepath.Join(dir, "chancery.importing"))
		if statErr != nil {
			t.Errorf("round %d: killed %s into a fill that takes %s, but the directory is not marked as being filled: %v", round, wait, fill, statErr)
		}
		t.Logf("round %d: killed %s into the fill; marked as being filled: %v", round, wait.Round(time.Millisecond), statErr == nil)

		var logs bytes.Buffer
		again := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", dir)
		again.Env = append(os.Environ(), env...)
		again.Stderr = &logs
		if err := again.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(2 * time.Minute)
		for !strings.Contains(logs.String(), "chancery serving") && time.Now().Before(deadline) && again.ProcessState == nil {
			time.Sleep(50 * time.Millisecond)
		}
		again.Process.Signal(syscall.SIGTERM)
		again.Wait()
		if !strings.Contains(logs.String(), "chancery serving") {
			t.Fatalf("round %d: the restart did not serve:\n%s", round, logs.String())
		}
		if statErr == nil && !strings.Contains(logs.String(), "first fill of the data directory was cut short") {
			t.Errorf("round %d: the restart did not say the fill started over:\n%s", round, logs.String())
		}
		if got := exportOf(dir); !slices.Equal(got, want) {
			t.Errorf("round %d: after the restart the directory holds %d lines of export, a fill never interrupted %d; they differ", round, len(got), len(want))
		}
		out, err := exec.Command(bin, "verify", "--data", dir).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "no problems") {
			t.Errorf("round %d: verify: %v\n%s", round, err, out)
		}
	}
}

// killInsideFill starts serve on a new data directory and kills it with
// SIGKILL wait after it says it began filling the directory. It returns
// the directory, and whether the fill had ended before the kill.
func killInsideFill(t *testing.T, bin string, env []string, wait time.Duration) (dir string, finished bool) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "data")
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stderr)
	for lines.Scan() && !strings.Contains(lines.Text(), "filling a new data directory") {
	}
	filled := make(chan bool, 1)
	go func() {
		seen := false
		for lines.Scan() {
			seen = seen || strings.Contains(lines.Text(), "filled the new data directory")
		}
		filled <- seen
	}()
	time.Sleep(wait)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	return dir, <-filled
}
