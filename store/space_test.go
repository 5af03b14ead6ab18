package store_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

// TestDiskFull fills the disk of a data directory until less is free than
// the store needs to write safely, and checks that writes, imports and
// restores are refused with a message that says so, that reads go on,
// that the store closes and opens again without a crash and is not
// seeded again, and that writes resume once space is freed. Badger writes
// through memory-mapped files, so a write into a full disk would kill the
// process (SIGBUS): that the test finishes is part of what it checks.
func TestDiskFull(t *testing.T) {
	disk := storetest.SmallDisk(t, "900m")
	dir := filepath.Join(disk, "data")
	db, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close() }()
	if _, err := db.Seed(ctx, cubaFixture(), "fixture"); err != nil {
		t.Fatal(err)
	}
	backup, _ := mustBackup(t, db)
	before := version(t, db)
	if err := db.SpaceProblem(); err != nil {
		t.Fatalf("with the disk nearly empty: %v", err)
	}

	unfill := storetest.Fill(t, disk, store.DefaultMinFree-100<<20)
	refused := func(what string, err error) {
		t.Helper()
		if graph.ErrorCode(err) != graph.EUNAVAILABLE || !strings.Contains(graph.ErrorMessage(err), "MiB free") ||
			!strings.Contains(graph.ErrorMessage(err), "free some space") {
			t.Errorf("%s with the disk nearly full: %v; want an EUNAVAILABLE refusal that says how much is free and what to do", what, err)
		}
	}
	refused("SpaceProblem", db.SpaceProblem())
	refused("Apply", db.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{entity("country:atlantis", "Atlantis")}}))
	file := storetest.BatchOpener(t, &graph.Batch{Entities: []*graph.Entity{entity("country:lemuria", "Lemuria")}})
	_, err = db.Import(ctx, file, store.ImportOptions{})
	refused("Import", err)
	_, err = db.Restore(ctx, bytes.NewReader(backup), true)
	refused("Restore", err)
	if v := version(t, db); v != before {
		t.Errorf("the data version moved from %d to %d while every write was refused", before, v)
	}
	// Reads go on.
	if e, err := db.Entity(ctx, "country:cuba"); err != nil || e.Name != "Cuba" {
		t.Errorf("a read with the disk nearly full: %v, %v", e, err)
	}
	// The store closes and opens again, and is not seeded again.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if db, err = store.Open(store.Options{Dir: dir}); err != nil {
		t.Fatalf("open with the disk nearly full: %v", err)
	}
	if label, _ := db.SeededWith(ctx); label != "fixture" {
		t.Errorf("seeded with %q after reopening, want fixture", label)
	}
	if _, err := db.Entity(ctx, "country:atlantis"); !graph.IsNotFound(err) {
		t.Errorf("the refused write is there: %v", err)
	}

	// Freed, it writes again.
	unfill()
	if err := db.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{entity("country:atlantis", "Atlantis")}}); err != nil {
		t.Fatalf("a write once space is freed: %v", err)
	}
}

// TestSeedOnlyANewStore: a store that holds facts but no mark of its
// seeding (as one a cut-short write might leave) is not seeded again.
func TestSeedOnlyANewStore(t *testing.T) {
	db := storetest.Open(t)
	if err := db.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{entity("country:atlantis", "Atlantis")}}); err != nil {
		t.Fatal(err)
	}
	seeded, err := db.Seed(ctx, cubaFixture(), "fixture")
	if seeded || graph.ErrorCode(err) != graph.ECONFLICT || !strings.Contains(graph.ErrorMessage(err), "not seeded") {
		t.Fatalf("seeding a store with facts: seeded %v, %v; want a refusal", seeded, err)
	}
	if _, err := db.Entity(ctx, "country:cuba"); !graph.IsNotFound(err) {
		t.Errorf("the seeds were written anyway: %v", err)
	}
}
