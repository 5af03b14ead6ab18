package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

// TestBackupOfARunningServer backs up a server while writers keep changing
// it, through chancery backup and the server's admin endpoint, and
// restores the backup: what comes back is one moment of the data (each
// writer's writes up to some point, none missing before it), and a backup
// taken once the writes stop restores to an identical graph.
func TestBackupOfARunningServer(t *testing.T) {
	const token = "backup-token-0123456789abcdef"
	env := map[string]string{"CHANCERY_TOKEN": token}
	dir := filepath.Join(t.TempDir(), "data")
	p := startServe(t, env, "--data", dir)
	run := func(args ...string) (int, string) {
		var stdout, stderr strings.Builder
		code := Run(context.Background(), args, &stdout, &stderr, testEnv(env))
		return code, stdout.String() + stderr.String()
	}

	// Writers, each upserting its own numbered cities in order.
	const writers = 3
	var mu sync.Mutex
	acked := make([]int, writers) // how many of each writer's writes were acknowledged
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := upsertCity(p.url+"graphql", token, fmt.Sprintf("city:load-%d-%d", w, i)); err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
				mu.Lock()
				acked[w] = i + 1
				mu.Unlock()
			}
		}()
	}
	waitFor := func(n int) []int {
		deadline := time.Now().Add(2 * time.Minute)
		for {
			mu.Lock()
			done := slices.Min(acked)
			snapshot := slices.Clone(acked)
			mu.Unlock()
			if done >= n {
				return snapshot
			}
			if time.Now().After(deadline) || t.Failed() {
				t.Fatalf("the writers did not reach %d writes each (they have %v)", n, snapshot)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}

	before := waitFor(20)
	file := filepath.Join(t.TempDir(), "live.backup")
	if code, out := run("backup", "--data", dir, file); code != 0 {
		t.Fatalf("backup under load: exit %d: %s", code, out)
	}
	waitFor(before[0] + 20) // the writes went on during and after it
	close(stop)
	wg.Wait()

	restored := filepath.Join(t.TempDir(), "restored")
	if code, out := run("restore", "--data", restored, file); code != 0 {
		t.Fatalf("restore: exit %d: %s", code, out)
	}
	db, err := store.Open(store.Options{Dir: restored})
	if err != nil {
		t.Fatal(err)
	}
	for w := range writers {
		// The backup holds writes 0..k-1 of each writer and none after: a
		// snapshot of one moment, not a mix.
		k := 0
		for ; ; k++ {
			if _, err := db.Entity(context.Background(), graph.ID(fmt.Sprintf("city:load-%d-%d", w, k))); err != nil {
				break
			}
		}
		if k < before[w] {
			t.Errorf("writer %d: the backup has %d writes, but %d were acknowledged before it began", w, k, before[w])
		}
		for j := k + 1; j < k+20; j++ {
			if _, err := db.Entity(context.Background(), graph.ID(fmt.Sprintf("city:load-%d-%d", w, j))); err == nil {
				t.Errorf("writer %d: the backup has write %d but not write %d", w, j, k)
			}
		}
	}
	db.Close()

	// With the writes stopped, a backup restores to the very same graph.
	quiet := filepath.Join(t.TempDir(), "quiet.backup")
	if code, out := run("backup", "--data", dir, quiet); code != 0 {
		t.Fatalf("backup: exit %d: %s", code, out)
	}
	p.stop(t)
	again := filepath.Join(t.TempDir(), "again")
	if code, out := run("restore", "--data", again, quiet); code != 0 {
		t.Fatalf("restore: exit %d: %s", code, out)
	}
	a := storetest.OpenDir(t, dir)
	b := storetest.OpenDir(t, again)
	storetest.SameGraph(t, a, b)
}
