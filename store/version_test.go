package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

func cityBatch(i int) *graph.Batch {
	return &graph.Batch{Entities: []*graph.Entity{{ID: graph.ID(fmt.Sprintf("city:version-test-%d", i)), Kind: graph.City,
		Name: fmt.Sprintf("Version Test %d", i), Sources: []graph.Source{{Document: "Test fixture", Quote: "A city for the test."}}}}}
}

// TestVersionMovesOnWithEveryWrite holds the data version, which is kept
// in memory between writes, to the store: after every kind of write
// returns, the version read is a new one, even while other readers keep
// asking for it as the write runs.
func TestVersionMovesOnWithEveryWrite(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenSeeded(t, t.TempDir())
	version := func() uint64 {
		t.Helper()
		v, err := db.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	last := version()
	if again := version(); again != last {
		t.Fatalf("with no write between them, the version was %d and then %d", last, again)
	}
	movedOn := func(what string) {
		t.Helper()
		v := version()
		if v <= last {
			t.Fatalf("after %s the version is %d; it was %d before", what, v, last)
		}
		last = v
	}

	// Readers ask for the version all the while, so that one is kept at
	// every moment a write may give it.
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 4 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
					db.Version(ctx)
				}
			}
		}()
	}
	for i := range 40 {
		if err := db.Apply(ctx, cityBatch(i)); err != nil {
			t.Fatal(err)
		}
		movedOn(fmt.Sprintf("write %d", i+1))
	}
	if err := db.ApplyGroups(ctx, []*graph.Batch{cityBatch(100), cityBatch(101)}, nil); err != nil {
		t.Fatal(err)
	}
	movedOn("a write of groups")
	close(stop)
	readers.Wait()

	var backup bytes.Buffer
	if _, err := db.Backup(ctx, &backup); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Restore(ctx, &backup, true); err != nil {
		t.Fatal(err)
	}
	movedOn("a restore")

	// A replica's version moves on with the full copy it loads and each
	// set of changes it applies, as its primary's did.
	replica := storetest.OpenWith(t, store.Options{Dir: t.TempDir(), Follower: true})
	replicaAt := func() uint64 {
		t.Helper()
		v, err := replica.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	follow(t, db, replica)
	if got := replicaAt(); got != last {
		t.Fatalf("after a full copy the replica is at version %d, its primary at %d", got, last)
	}
	if err := db.Apply(ctx, cityBatch(200)); err != nil {
		t.Fatal(err)
	}
	movedOn("a write after the copy")
	follow(t, db, replica)
	if got := replicaAt(); got != last {
		t.Fatalf("after a set of changes the replica is at version %d, its primary at %d", got, last)
	}
}

// TestWaitForVersion holds WaitForVersion to the version: it answers at
// once for one reached, waits for a write that reaches it, and gives up
// with the version it has when its context ends.
func TestWaitForVersion(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenSeeded(t, t.TempDir())
	now, err := db.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := db.WaitForVersion(ctx, now); err != nil || v != now {
		t.Fatalf("waiting for the version it has: %d, %v", v, err)
	}

	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if v, err := db.WaitForVersion(short, now+1); !errors.Is(err, context.DeadlineExceeded) || v != now {
		t.Fatalf("waiting for a version no write reaches: %d, %v; want %d and the deadline", v, err, now)
	}

	got := make(chan uint64, 1)
	go func() {
		v, err := db.WaitForVersion(ctx, now+2)
		if err != nil {
			t.Error(err)
		}
		got <- v
	}()
	for i := range 2 {
		time.Sleep(20 * time.Millisecond)
		select {
		case v := <-got:
			t.Fatalf("the wait for version %d ended at %d, after %d writes", now+2, v, i)
		default:
		}
		if err := db.Apply(ctx, cityBatch(200+i)); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case v := <-got:
		if v < now+2 {
			t.Errorf("the wait ended at version %d; want at least %d", v, now+2)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("two writes later, the wait has not ended")
	}
}
