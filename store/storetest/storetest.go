// Package storetest is the shared harness of the tests that use a store:
// of the store itself, of the graph's traversals and exports, of the seeds
// and of the commands. It opens stores that close when the test ends
// (Open, OpenMemory, OpenDir, OpenWith, OpenSeeded), writes batches and
// synthetic worlds as JSON Lines for Import (JSONL, BatchOpener,
// WorldJSONL, ImportWorld), opens the world the benchmarks share
// (OpenWorld), compares and counts what stores hold (SameGraph, Totals),
// reads the built-in Wikidata snapshots (Snapshot), and makes a disk run
// short of space (SmallDisk, Fill).
package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/seeds"
	"github.com/chancery/chancery/store"
)

// Pages is every page of entities and of relations, 500 at a time, as
// JSON with their cursors: two stores with the same pages hold the same
// graph in the same index order.
func Pages(tb testing.TB, db *store.DB) []string {
	tb.Helper()
	ctx := context.Background()
	var pages []string
	add := func(v any) {
		b, err := json.Marshal(v)
		if err != nil {
			tb.Fatal(err)
		}
		pages = append(pages, string(b))
	}
	for after := ""; ; {
		p, err := db.Entities(ctx, graph.EntityQuery{First: graph.MaxPageSize, After: after})
		if err != nil {
			tb.Fatal(err)
		}
		add(p)
		if !p.HasNext {
			break
		}
		after = p.Cursors[len(p.Cursors)-1]
	}
	for after := ""; ; {
		p, err := db.Relations(ctx, graph.RelationQuery{First: graph.MaxPageSize, After: after})
		if err != nil {
			tb.Fatal(err)
		}
		add(p)
		if !p.HasNext {
			break
		}
		after = p.Cursors[len(p.Cursors)-1]
	}
	return pages
}

// SameGraph fails the test unless a and b hold the same entities and
// relations, page for page.
func SameGraph(tb testing.TB, a, b *store.DB) {
	tb.Helper()
	pa, pb := Pages(tb, a), Pages(tb, b)
	if len(pa) != len(pb) {
		tb.Fatalf("%d pages of entities and relations, then %d", len(pa), len(pb))
	}
	for i := range pa {
		if pa[i] != pb[i] {
			tb.Fatalf("page %d differs:\n%.300s\n%.300s", i, pa[i], pb[i])
		}
	}
}

// OpenSeeded opens a store in dir (in memory if dir is "") filled from the
// seeds built into the binary, and closes it when the test ends.
func OpenSeeded(tb testing.TB, dir string) *store.DB {
	tb.Helper()
	db := OpenDir(tb, dir)
	set, err := seeds.Embedded()
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Seed(context.Background(), set.Batch(), set.Label); err != nil {
		tb.Fatal(err)
	}
	return db
}

// Totals counts every entity and every relation in db.
func Totals(tb testing.TB, db *store.DB) (entities, relations int) {
	tb.Helper()
	ctx := context.Background()
	e, err := db.Entities(ctx, graph.EntityQuery{CountTotal: true})
	if err != nil {
		tb.Fatal(err)
	}
	r, err := db.Relations(ctx, graph.RelationQuery{CountTotal: true})
	if err != nil {
		tb.Fatal(err)
	}
	return e.Total, r.Total
}

// SmallDisk mounts a tmpfs of the given size for the test and returns it.
// Mounting needs root and a kernel that lets the process mount: CI runs
// as root and can; where it cannot, the test says why it does not run.
func SmallDisk(t testing.TB, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs of %s at %s for a small disk (%v: %s); this test needs root and a kernel that allows mounting", size, dir, err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

// Fill writes a file that leaves about leave bytes free on dir's disk,
// and returns a function that removes it.
func Fill(t testing.TB, dir string, leave uint64) func() {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	free := st.Bavail * uint64(st.Bsize)
	if free <= leave {
		t.Fatalf("the disk has %d bytes free, less than the %d to leave", free, leave)
	}
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for n := free - leave; n > 0; {
		w := min(n, uint64(len(chunk)))
		if _, err := f.Write(chunk[:w]); err != nil {
			t.Fatal(err)
		}
		n -= w
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return func() { os.Remove(path) }
}
