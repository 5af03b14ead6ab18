package store

import (
	"context"
	"fmt"
	"math"
	"runtime/debug"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// TestSortedLoadIsTheSameWhateverTheRunSize imports one world into two
// stores on disk, each holding nothing but the sorted load: one with runs
// so small that there are dozens, merged in the stream, the other with
// runs as large as an import's, where the world fits in the one run
// still in memory. The two hold the same keys and values.
func TestSortedLoadIsTheSameWhateverTheRunSize(t *testing.T) {
	ctx := context.Background()
	world := synthWorld(t, 3000, 11)
	load := func(runBytes int) (*DB, int) {
		t.Helper()
		defer func(n int) { sortRunBytes = n }(sortRunBytes)
		sortRunBytes = runBytes
		db, err := Open(Options{Dir: t.TempDir(), Bulk: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		runs := 0
		real := streamSorted
		defer func() { streamSorted = real }()
		streamSorted = func(s *sortedLoad, bdb *badger.DB) error {
			if err := s.spill(); err != nil {
				return err
			}
			runs = len(s.runs)
			return real(s, bdb)
		}
		if _, err := db.Import(ctx, batchOpener(t, world), ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		return db, runs
	}
	small, smallRuns := load(16 << 10)
	large, largeRuns := load(64 << 20)
	if smallRuns < 10 || largeRuns != 1 {
		t.Fatalf("the loads made %d and %d runs; the test needs dozens and one", smallRuns, largeRuns)
	}
	sameKeys(t, "after loads with small and large runs", small, large)
	assertCountsAgree(t, small, "after the load with small runs", world.Relations)
}

// TestImportLimitsMemoryWhileItRuns holds an import to setting the
// runtime's soft memory limit while it runs, when the process has none,
// and to putting it back once it is done; and to leaving a limit the
// process has alone.
func TestImportLimitsMemoryWhileItRuns(t *testing.T) {
	ctx := context.Background()
	world := synthWorld(t, 1000, 13)
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	for _, before := range []int64{math.MaxInt64, 3 << 30} {
		t.Run(fmt.Sprint(before), func(t *testing.T) {
			debug.SetMemoryLimit(before)
			want := int64(importMemoryLimit)
			if before != math.MaxInt64 {
				want = before
			}
			db, err := Open(Options{Dir: t.TempDir(), Bulk: true})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var during []int64
			_, err = db.Import(ctx, batchOpener(t, world), ImportOptions{Progress: func(string, ImportStats) {
				during = append(during, debug.SetMemoryLimit(-1))
			}})
			if err != nil {
				t.Fatal(err)
			}
			if len(during) == 0 {
				t.Fatal("the import reported no progress")
			}
			for _, got := range during {
				if got != want {
					t.Fatalf("the limit during the import was %d; want %d", got, want)
				}
			}
			if after := debug.SetMemoryLimit(-1); after != before {
				t.Errorf("the limit after the import is %d; want %d as before it", after, before)
			}
		})
	}
}
