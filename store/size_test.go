package store_test

import (
	"testing"

	"github.com/chancery/chancery/seeds"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

func TestSize(t *testing.T) {
	t.Run("OnDisk", func(t *testing.T) {
		dir := t.TempDir()
		db, err := store.Open(store.Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		set, err := seeds.Embedded()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Seed(ctx, set.Batch(), set.Label); err != nil {
			t.Fatal(err)
		}
		// Closing writes the seeds into the LSM tree; Badger measures
		// the files when it opens them again.
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		db = storetest.OpenDir(t, dir)
		lsm, vlog := db.Size()
		if lsm <= 0 || vlog < 0 {
			t.Errorf("Size() = %d, %d; want the seeds' bytes in the LSM tree", lsm, vlog)
		}
	})

	t.Run("InMemory", func(t *testing.T) {
		if lsm, vlog := mustOpenMemory(t).Size(); lsm != 0 || vlog != 0 {
			t.Errorf("Size() of an in-memory store = %d, %d; want 0, 0", lsm, vlog)
		}
	})
}
