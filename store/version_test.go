package store_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/chancery/chancery/graph"
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
}
