package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/graph/jsonl"
	"github.com/chancery/chancery/store/storetest/jsonltest"
)

// importPasses imports text into db and returns the passes it reported,
// each once, in order.
func importPasses(t *testing.T, db *DB, name string, text []byte) ([]string, ImportStats, error) {
	t.Helper()
	var passes []string
	s, err := db.Import(context.Background(), func() (ItemReader, error) {
		return jsonl.NewReader(bytes.NewReader(text), name), nil
	}, ImportOptions{Progress: func(pass string, _ ImportStats) {
		if len(passes) == 0 || passes[len(passes)-1] != pass {
			passes = append(passes, pass)
		}
	}})
	return passes, s, err
}

// TestSortedLoadOfABadFileWritesNothing imports, into a store on disk
// that holds seeds alone, a file whose last line is wrong: the sorted load
// checks as it gathers, so the problem is found after every other line
// has gone into the runs. The error names the line, and the store holds
// exactly what it held, with no runs or mark left behind.
func TestSortedLoadOfABadFileWritesNothing(t *testing.T) {
	ctx := context.Background()
	world := synthWorld(t, 2000, 5)
	defer func(n int) { sortRunBytes = n }(sortRunBytes)
	sortRunBytes = 64 << 10 // runs are spilled to disk before the bad line

	dir := t.TempDir()
	db, err := Open(Options{Dir: dir, Bulk: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close() }()
	if _, err := db.Seed(ctx, renamedCountries(world), "pre"); err != nil {
		t.Fatal(err)
	}
	before := everyKey(t, db)
	version, err := db.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}

	text := jsonltest.Batch(t, world)
	lines := bytes.Count(text, []byte("\n"))
	last := world.Relations[len(world.Relations)-1]
	bad := fmt.Sprintf(`{"relation": {"type": %q, "from": %q, "to": "country:nowhere", "sources": [{"document": "D"}]}}`+"\n", last.Type, last.From)
	passes, _, err := importPasses(t, db, "world.jsonl", append(text, bad...))
	want := fmt.Sprintf("world.jsonl:%d: ", lines+1)
	if err == nil || graph.ErrorCode(err) != graph.EINVALID || !strings.HasPrefix(graph.ErrorMessage(err), want) {
		t.Fatalf("import of a file with a bad last line: %v; want an EINVALID error starting %q", err, want)
	}
	if p := strings.Join(passes, " "); strings.Contains(p, "write") || strings.Contains(p, "sort") {
		t.Errorf("the failed import went through %v; want the check alone", passes)
	}
	if after := everyKey(t, db); !maps.Equal(before, after) {
		t.Errorf("the store held %d keys before the import and %d after it failed", len(before), len(after))
	}
	if v, err := db.Version(ctx); err != nil || v != version {
		t.Errorf("version %d, %v after the failed import; want %d", v, err, version)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, sortDirPattern)); len(left) != 0 {
		t.Errorf("the failed import left %v in the data directory", left)
	}
	if _, err := os.Stat(filepath.Join(dir, importingFileName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the failed import left the importing file: %v", err)
	}

	// The same file without the bad line loads, as it would have before.
	if _, s, err := importPasses(t, db, "world.jsonl", text); err != nil || s.Relations != len(world.Relations) {
		t.Fatalf("import of the good file: %+v, %v", s, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if db, err = Open(Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	assertCountsAgree(t, db, "after the good file", world.Relations)
}

// TestSmallImportIntoSeedsTakesTheBatchWriter imports a few relations
// into a store on disk that holds seeds alone but many more keys than the
// import brings: the input is checked in one reading, found too small for
// a sorted load, and written with the batch writer, leaving what an
// import into memory leaves.
func TestSmallImportIntoSeedsTakesTheBatchWriter(t *testing.T) {
	ctx := context.Background()
	world := synthWorld(t, 3000, 7)
	seeds := &graph.Batch{Entities: world.Entities, Relations: world.Relations[10:]}
	small := &graph.Batch{Relations: world.Relations[:10]}

	mem, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	disk, err := Open(Options{Dir: t.TempDir(), Bulk: true})
	if err != nil {
		t.Fatal(err)
	}
	defer disk.Close()
	for _, db := range []*DB{mem, disk} {
		if _, err := db.Seed(ctx, seeds, "seeds"); err != nil {
			t.Fatal(err)
		}
	}
	text := jsonltest.Batch(t, small)
	if passes, _, err := importPasses(t, mem, "small.jsonl", text); err != nil || strings.Join(passes, " ") != "check write" {
		t.Fatalf("import into memory: %v, %v", passes, err)
	}
	passes, s, err := importPasses(t, disk, "small.jsonl", text)
	if err != nil || s.Relations != len(small.Relations) {
		t.Fatalf("import into the store on disk: %+v, %v", s, err)
	}
	if strings.Join(passes, " ") != "check write" {
		t.Errorf("a small import into a store holding seeds went through %v; want the batch writer", passes)
	}
	sameKeys(t, "after the small import", mem, disk)
	assertCountsAgree(t, disk, "after the small import", world.Relations)
}
