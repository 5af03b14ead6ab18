package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// process is a chancery serve started by a test, on a port of its own.
type process struct {
	cmd *exec.Cmd
	url string // base URL, ending in /
}

// freePort returns a loopback address no one listens on, so that a server
// can be restarted where its replicas look for it.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serveAt starts bin serve on addr and dir with more arguments and env,
// and returns once it has printed its startup line.
func serveAt(t testing.TB, bin, addr, dir string, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr, "--data", dir}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := bufio.NewScanner(stderr)
	var log []string
	for lines.Scan() {
		log = append(log, lines.Text())
		if m := regexp.MustCompile(`graphql=(\S+)`).FindStringSubmatch(lines.Text()); m != nil {
			go func() { // keep draining so the server never blocks on its log
				for lines.Scan() {
				}
			}()
			return &process{cmd: cmd, url: strings.TrimSuffix(m[1], "graphql")}
		}
	}
	t.Fatalf("chancery serve %v printed no startup line:\n%s", args, strings.Join(log, "\n"))
	return nil
}

// answer is one /graphql answer: its data version and its body.
type answer struct {
	status  int
	version uint64
	lag     string
	body    map[string]any
}

func ask(url, query, token string, minVersion uint64) (answer, error) {
	body, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest(http.MethodPost, url+"graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if minVersion > 0 {
		req.Header.Set("Chancery-Min-Data-Version", strconv.FormatUint(minVersion, 10))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode, lag: resp.Header.Get("Chancery-Replica-Lag")}
	a.version, _ = strconv.ParseUint(resp.Header.Get("Chancery-Data-Version"), 10, 64)
	err = json.NewDecoder(resp.Body).Decode(&a.body)
	return a, err
}

func readyz(url string) (int, string) {
	resp, err := http.Get(url + "readyz")
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// waitFor polls cond every 50ms until it holds or within passes.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestReplicasFollowAPrimary runs a primary and two replicas as real
// processes on loopback: it writes through the primary while reading from
// the replicas, kills a replica and the primary with SIGKILL and starts
// them again, then restores the primary from an older backup, and checks
// that the replicas serve throughout, refuse writes, answer reads of what
// a client wrote once they hold it, lag no more than --max-lag while the
// primary is up, start over from the restored primary rather than keep
// what it no longer has, and end with the primary's exact data (chancery verify passes on each, and their exports
// are the primary's byte for byte). It logs the lag it saw and the read
// rate of a replica beside the primary's.
func TestReplicasFollowAPrimary(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "chancery")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	const token = "replica-test-token-0123456789"
	const maxLag = 4 * time.Second
	pAddr, pDir := freePort(t), t.TempDir()
	primary := serveAt(t, bin, pAddr, pDir, []string{"CHANCERY_TOKEN=" + token})
	replicaArgs := []string{"--follow", primary.url, "--follow-interval", "200ms", "--max-lag", maxLag.String()}
	replicaEnv := []string{"CHANCERY_FOLLOW_TOKEN=" + token}
	rAddrs, rDirs := []string{freePort(t), freePort(t)}, []string{t.TempDir(), t.TempDir()}
	replicas := make([]*process, 2)
	for i := range replicas {
		replicas[i] = serveAt(t, bin, rAddrs[i], rDirs[i], replicaEnv, replicaArgs...)
	}
	for i, r := range replicas {
		waitFor(t, 30*time.Second, fmt.Sprintf("replica %d ready", i), func() bool { s, _ := readyz(r.url); return s == 200 })
	}

	// A replica refuses writes, naming its primary.
	w, err := ask(replicas[0].url, `mutation { upsertEntity(input: {id: "city:nowhere", kind: CITY, name: "Nowhere", sources: [{document: "Test fixture"}]}) { id } }`, token, 0)
	if err != nil {
		t.Fatal(err)
	}
	if msg := fmt.Sprint(w.body["errors"]); !strings.Contains(msg, "READ_ONLY") || !strings.Contains(msg, primary.url) {
		t.Errorf("a write sent to a replica: %v; want READ_ONLY naming %s", w.body, primary.url)
	}

	// Read your writes: a client that wrote at version N and asks a
	// replica for at least N reads what it wrote.
	wrote, err := ask(primary.url, `mutation { upsertEntity(input: {id: "city:written", kind: CITY, name: "Written", sources: [{document: "Test fixture"}]}) { id } }`, token, 0)
	if err != nil || wrote.version == 0 {
		t.Fatalf("write: %+v, %v", wrote, err)
	}
	read, err := ask(replicas[1].url, `{ entity(id: "city:written") { name } }`, "", wrote.version)
	if err != nil || read.version < wrote.version || !strings.Contains(fmt.Sprint(read.body), "Written") {
		t.Errorf("reading version %d from a replica: %+v, %v", wrote.version, read, err)
	}

	// A backup of the primary as it is now, to restore it from later.
	old := filepath.Join(t.TempDir(), "old.backup")
	backup := exec.Command(bin, "backup", "--data", pDir, old)
	backup.Env = append(os.Environ(), "CHANCERY_TOKEN="+token)
	if out, err := backup.CombinedOutput(); err != nil {
		t.Fatalf("chancery backup of the running primary: %v\n%s", err, out)
	}

	// A steady stream of writes, reads from both replicas, and their
	// readiness sampled all along.
	writes := writeCities(primary.url+"graphql", token, "city:replicated", 2)
	writing := time.Now()
	var readErrs, reads atomic.Int64
	var lags []float64
	var mu sync.Mutex
	var notReady []string
	// Lag and readiness are sampled from the start of the writes until
	// the primary is killed.
	primaryUp := atomic.Bool{}
	primaryUp.Store(true)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, r := range replicas {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				a, err := ask(r.url, `{ entities(kind: CITY, first: 5) { totalCount } }`, "", 0)
				if err != nil {
					continue // a replica being restarted
				}
				reads.Add(1)
				switch msg := fmt.Sprint(a.body["errors"]); {
				case a.body["errors"] == nil && a.status == 200:
				case strings.Contains(msg, "UNAVAILABLE") && strings.Contains(msg, "loading a full copy"):
					// turned away for the moment a full copy loads
				default:
					readErrs.Add(1)
					t.Logf("a read from a replica failed: %d %v", a.status, a.body)
				}
				if l, err := strconv.ParseFloat(a.lag, 64); err == nil && primaryUp.Load() {
					mu.Lock()
					lags = append(lags, l)
					mu.Unlock()
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
	sampleReady := func(r *process) {
		if s, body := readyz(r.url); s != 200 && primaryUp.Load() {
			mu.Lock()
			notReady = append(notReady, body)
			mu.Unlock()
		}
	}
	for range 40 {
		sampleReady(replicas[0])
		time.Sleep(50 * time.Millisecond)
	}

	// A replica killed in the middle of it starts again on its store.
	replicas[1].cmd.Process.Signal(syscall.SIGKILL)
	replicas[1].cmd.Wait()
	replicas[1] = serveAt(t, bin, rAddrs[1], rDirs[1], replicaEnv, replicaArgs...)
	for range 20 {
		sampleReady(replicas[0])
		time.Sleep(50 * time.Millisecond)
	}

	// The primary killed: the replicas keep answering, say how stale
	// they may be, and stop saying they are ready once past --max-lag.
	primaryUp.Store(false)
	primary.cmd.Process.Signal(syscall.SIGKILL)
	primary.cmd.Wait()
	acked := writes.stop()
	writeTime := time.Since(writing)
	beforeDown := reads.Load()
	waitFor(t, maxLag+10*time.Second, "a replica of a dead primary says it lags", func() bool {
		s, body := readyz(replicas[0].url)
		return s == 503 && strings.Contains(body, "lagging")
	})
	if reads.Load() == beforeDown {
		t.Error("the replicas answered no reads while the primary was down")
	}
	if a, err := ask(replicas[0].url, `{ entity(id: "city:written") { name } }`, "", 0); err != nil || a.status != 200 || !strings.Contains(fmt.Sprint(a.body), "Written") {
		t.Errorf("a replica of a dead primary does not answer from what it holds: %+v, %v", a, err)
	}

	// The primary back: the replicas catch up with everything it
	// acknowledged, and more writes.
	primary = serveAt(t, bin, pAddr, pDir, []string{"CHANCERY_TOKEN=" + token})
	if err := upsertCity(primary.url+"graphql", token, "city:after-restart"); err != nil {
		t.Fatal(err)
	}
	last, err := ask(primary.url, `{ __typename }`, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range replicas {
		waitFor(t, 30*time.Second, fmt.Sprintf("replica %d caught up with version %d", i, last.version), func() bool {
			a, err := ask(r.url, `{ __typename }`, "", 0)
			return err == nil && a.version == last.version
		})
		waitFor(t, 10*time.Second, fmt.Sprintf("replica %d ready again", i), func() bool { s, _ := readyz(r.url); return s == 200 })
		if missing := missingEntities(t, r.url+"graphql", append(acked, "city:after-restart")); len(missing) > 0 {
			t.Errorf("replica %d lacks %d of the %d acknowledged writes, such as %v", i, len(missing), len(acked)+1, missing[:min(3, len(missing))])
		}
	}

	// The primary restored from the older backup: the replicas start
	// over from a full copy of it, rather than keep what it no longer
	// has.
	primary.cmd.Process.Signal(syscall.SIGTERM)
	primary.cmd.Wait()
	if out, err := exec.Command(bin, "restore", "--data", pDir, "--force", old).CombinedOutput(); err != nil {
		t.Fatalf("chancery restore of the older backup: %v\n%s", err, out)
	}
	primary = serveAt(t, bin, pAddr, pDir, []string{"CHANCERY_TOKEN=" + token})
	restored, err := ask(primary.url, `{ __typename }`, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range replicas {
		waitFor(t, 30*time.Second, fmt.Sprintf("replica %d at the restored primary's version %d", i, restored.version), func() bool {
			a, err := ask(r.url, `{ __typename }`, "", 0)
			return err == nil && a.version == restored.version
		})
		if kept := len(acked) - len(missingEntities(t, r.url+"graphql", acked)); kept > 0 {
			t.Errorf("replica %d still holds %d cities the restored primary does not", i, kept)
		}
	}
	close(stop)
	wg.Wait()
	if n := readErrs.Load(); n > 0 {
		t.Errorf("%d of %d reads from the replicas failed", n, reads.Load())
	}
	if len(notReady) > 0 {
		t.Errorf("a replica said it was not ready %d times while the primary was up, such as: %s", len(notReady), notReady[0])
	}
	slices.Sort(lags)
	if len(lags) > 0 {
		p := func(q float64) float64 { return lags[int(q*float64(len(lags)-1))] }
		t.Logf("lag under a steady stream of writes (%d acknowledged in %.1fs), --follow-interval 200ms: median %.3fs, p99 %.3fs, max %.3fs over %d answers",
			len(acked), writeTime.Seconds(), p(0.5), p(0.99), lags[len(lags)-1], len(lags))
		if lags[len(lags)-1] > maxLag.Seconds() {
			t.Errorf("a replica lagged %.3fs while the primary was up, more than --max-lag %s", lags[len(lags)-1], maxLag)
		}
	}

	// The read rate of one replica beside the primary's.
	rate := func(url string) float64 {
		var n atomic.Int64
		end := time.Now().Add(2 * time.Second)
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for time.Now().Before(end) {
					if a, err := ask(url, `{ entity(id: "country:switzerland") { name relations(first: 20) { edges { node { type } } } } }`, "", 0); err == nil && a.status == 200 {
						n.Add(1)
					}
				}
			})
		}
		wg.Wait()
		return float64(n.Load()) / 2
	}
	pr, rr := rate(primary.url), rate(replicas[0].url)
	t.Logf("reads, concurrency 4, 2 s each: primary %.0f/s, replica %.0f/s (%.2fx)", pr, rr, rr/pr)

	// Stopped, each holds a sound store, and the replicas the primary's
	// exact data.
	for _, p := range append([]*process{primary}, replicas...) {
		p.cmd.Process.Signal(syscall.SIGTERM)
		p.cmd.Wait()
	}
	exports := map[string][]byte{}
	for _, dir := range append([]string{pDir}, rDirs...) {
		if code, out := verifyDir(t, dir); code != 0 {
			t.Errorf("chancery verify --data %s: exit %d\n%s", dir, code, out)
		}
		out, err := exec.Command(bin, "export", "--data", dir, "--format", "jsonl").Output()
		if err != nil {
			t.Fatalf("chancery export --data %s: %v", dir, err)
		}
		exports[dir] = out
	}
	for i, dir := range rDirs {
		if !bytes.Equal(exports[dir], exports[pDir]) {
			t.Errorf("replica %d's export (%d bytes) differs from the primary's (%d bytes)", i, len(exports[dir]), len(exports[pDir]))
		}
	}
}

// TestReplicaSaysWhyItCannotFollow starts a replica whose token its primary
// does not accept: it is not ready, says why, and answers reads with
// UNAVAILABLE rather than from an empty store.
func TestReplicaSaysWhyItCannotFollow(t *testing.T) {
	p := startServe(t, map[string]string{"CHANCERY_TOKEN": "the-primary-token-0123456789"}, "--data", t.TempDir())
	r := startServe(t, map[string]string{"CHANCERY_FOLLOW_TOKEN": "not-the-primary-token-0123"}, "--data", t.TempDir(),
		"--follow", p.url, "--follow-interval", "50ms")
	var body string
	waitFor(t, 10*time.Second, "the replica says why it is not ready", func() bool {
		var status int
		status, body = readyz(r.url)
		return status == http.StatusServiceUnavailable && strings.Contains(body, "401")
	})
	if !strings.Contains(body, "not yet caught up") || !strings.Contains(body, p.url) {
		t.Errorf("/readyz says %q; want it to say it has not caught up with %s, and why", body, p.url)
	}
	a, err := ask(r.url, `{ entity(id: "country:switzerland") { name } }`, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if msg := fmt.Sprint(a.body["errors"]); !strings.Contains(msg, "UNAVAILABLE") || !strings.Contains(msg, "does not yet hold a copy") {
		t.Errorf("a read from a replica with no copy: %v; want UNAVAILABLE saying it holds no copy yet", a.body)
	}
	if s, _ := readyz(p.url); s != http.StatusOK {
		t.Errorf("the primary is not ready: %d", s)
	}
}

// TestReplicaKilledWhileCopying kills a replica again and again while it
// loads its first full copy of a primary holding the default data (the
// curated seeds and the Wikidata missions), at moments spread over the
// load: each time it starts again, it serves nothing it does not hold
// whole, and in the end it holds the primary's exact data.
func TestReplicaKilledWhileCopying(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "chancery")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	const token = "replica-kill-token-0123456789"
	pDir := t.TempDir()
	primary := serveAt(t, bin, freePort(t), pDir, []string{"CHANCERY_TOKEN=" + token, "CHANCERY_INITIAL_DATA=world"})
	rAddr, rDir := freePort(t), t.TempDir()
	env := []string{"CHANCERY_FOLLOW_TOKEN=" + token}
	args := []string{"--follow", primary.url, "--follow-interval", "100ms"}

	// How long one whole copy takes, to spread the kills over it.
	began := time.Now()
	r := serveAt(t, bin, rAddr, t.TempDir(), env, args...)
	waitFor(t, time.Minute, "a first copy", func() bool { s, _ := readyz(r.url); return s == 200 })
	whole := time.Since(began)
	r.cmd.Process.Signal(syscall.SIGKILL)
	r.cmd.Wait()

	const countries = `{ entities(kind: COUNTRY, first: 1) { totalCount } }`
	want, err := ask(primary.url, countries, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		r = serveAt(t, bin, rAddr, rDir, env, args...)
		time.Sleep(whole * time.Duration(i+1) / 6)
		// Whatever it answers is the whole copy or a refusal, never part.
		if a, err := ask(r.url, countries, "", 0); err == nil && a.body["errors"] == nil {
			if fmt.Sprint(a.body) != fmt.Sprint(want.body) {
				t.Errorf("kill %d: a read answered %v; the primary %v", i, a.body, want.body)
			}
		}
		r.cmd.Process.Signal(syscall.SIGKILL)
		r.cmd.Wait()
	}
	r = serveAt(t, bin, rAddr, rDir, env, args...)
	waitFor(t, time.Minute, "the copy after the kills", func() bool { s, _ := readyz(r.url); return s == 200 })
	got, err := ask(r.url, countries, "", 0)
	if err != nil || fmt.Sprint(got.body) != fmt.Sprint(want.body) || got.version != want.version {
		t.Errorf("after the kills the replica answers %v at version %d; the primary %v at %d (%v)", got.body, got.version, want.body, want.version, err)
	}
	for _, p := range []*process{primary, r} {
		p.cmd.Process.Signal(syscall.SIGTERM)
		p.cmd.Wait()
	}
	if code, out := verifyDir(t, rDir); code != 0 {
		t.Errorf("chancery verify on the replica killed while copying: exit %d\n%s", code, out)
	}
	pe, _ := exec.Command(bin, "export", "--data", pDir).Output()
	re, _ := exec.Command(bin, "export", "--data", rDir).Output()
	if len(pe) == 0 || !bytes.Equal(pe, re) {
		t.Errorf("the replica's export (%d bytes) is not the primary's (%d bytes)", len(re), len(pe))
	}
	t.Logf("a whole first copy of the default data took %s", whole.Round(time.Millisecond))
}
