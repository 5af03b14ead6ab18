package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startBinary runs the built binary's serve on dir with env, and returns
// the process and the GraphQL URL from its startup line.
func startBinary(t testing.TB, bin, dir string, env ...string) (*exec.Cmd, string) {
	t.Helper()
	p := serveAt(t, bin, "127.0.0.1:0", dir, env)
	return p.cmd, p.url + "graphql"
}

// TestAcknowledgedWritesSurviveSIGKILL kills the server with SIGKILL in the
// middle of a stream of writes and checks, after a restart, that every
// write it acknowledged is there.
func TestAcknowledgedWritesSurviveSIGKILL(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "chancery")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	const token = "durability-token-0123456789"
	server, gql := startBinary(t, bin, dir, "CHANCERY_TOKEN="+token)

	writes := writeCities(gql, token, "city:durable", 4)
	// Let writes flow, then kill the server without warning.
	deadline := time.Now().Add(10 * time.Second)
	for writes.count() < 200 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := server.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	server.Wait()
	acked := writes.stop()
	if len(acked) < 50 {
		t.Fatalf("only %d writes were acknowledged before the kill; the test needs a stream", len(acked))
	}

	// The lock of the killed process is gone with it: a restart opens the
	// directory and must find every acknowledged write.
	_, gql = startBinary(t, bin, dir)
	missing := missingEntities(t, gql, acked)
	if len(missing) > 0 {
		t.Errorf("%d of %d acknowledged writes are missing after SIGKILL and restart, such as %v", len(missing), len(acked), missing[:min(5, len(missing))])
	} else {
		t.Logf("%d acknowledged writes, all found after SIGKILL and restart", len(acked))
	}
}

// cityWriters upsert numbered cities through the API, each writer its own,
// and keep the ids of the writes the server acknowledged.
type cityWriters struct {
	mu    sync.Mutex
	acked []string
	done  chan struct{}
	wg    sync.WaitGroup
}

// writeCities starts n writers upserting cities prefix-w-i through gql
// until stopped or the server stops answering.
func writeCities(gql, token, prefix string, n int) *cityWriters {
	c := &cityWriters{done: make(chan struct{})}
	for w := range n {
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			for i := 0; ; i++ {
				select {
				case <-c.done:
					return
				default:
				}
				id := fmt.Sprintf("%s-%d-%d", prefix, w, i)
				err := upsertCity(gql, token, id)
				if err == errUnreachable {
					return // the server is gone
				}
				if err == nil {
					c.mu.Lock()
					c.acked = append(c.acked, id)
					c.mu.Unlock()
				}
			}
		}()
	}
	return c
}

// count is how many writes have been acknowledged so far.
func (c *cityWriters) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.acked)
}

// stop stops the writers and returns the ids of the acknowledged writes.
func (c *cityWriters) stop() []string {
	close(c.done)
	c.wg.Wait()
	return c.acked
}

// errUnreachable is upsertCity's error when the server does not answer.
var errUnreachable = errors.New("the server does not answer")

// upsertCity writes a city with the given id through the API at gql,
// and returns nil once the server has acknowledged it.
func upsertCity(gql, token, id string) error {
	q := fmt.Sprintf(`mutation { upsertEntity(input: {id: %q, kind: CITY, name: %q, sources: [{document: "Test fixture"}]}) { id } }`, id, "City "+id)
	body, _ := json.Marshal(map[string]string{"query": q})
	req, _ := http.NewRequest(http.MethodPost, gql, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return errUnreachable
	}
	defer resp.Body.Close()
	var r gqlResult
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return fmt.Errorf("the answer is not JSON: %w", err)
	}
	if len(r.Errors) > 0 || r.Data["upsertEntity"] == nil {
		return fmt.Errorf("the write was refused: %+v", r.Errors)
	}
	return nil
}
