package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/graph/synth"
)

// TestSortedLoadWritesWhatTheBatchWriterWrites imports one world into a
// store in memory, which takes the batch writer, and into a store on disk
// holding seeds, which takes the sorted load with runs small
// enough that there are dozens of them, and holds every key and value of
// the two to be the same, metadata aside. The seeds include entities the
// import replaces, whose old index keys must go. Then it imports more into
// the loaded store, which holds more than seeds and takes the batch
// writer, and reads it back.
func TestSortedLoadWritesWhatTheBatchWriterWrites(t *testing.T) {
	ctx := context.Background()
	world := synthWorld(t, 3000, 3)
	half := &graph.Batch{Entities: world.Entities, Relations: world.Relations[:len(world.Relations)/2]}
	// What the stores hold before, as seeds: entities the import will
	// replace, under other names.
	pre := renamedCountries(world)
	rest := &graph.Batch{Relations: world.Relations[len(world.Relations)/2:]}
	importBatch := func(db *DB, b *graph.Batch) []string {
		t.Helper()
		var passes []string
		_, err := db.Import(ctx, batchOpener(t, b), ImportOptions{Progress: func(pass string, _ ImportStats) {
			if len(passes) == 0 || passes[len(passes)-1] != pass {
				passes = append(passes, pass)
			}
		}})
		if err != nil {
			t.Fatal(err)
		}
		return passes
	}

	defer func(n int) { sortRunBytes = n }(sortRunBytes)
	sortRunBytes = 64 << 10

	mem := openForTest(t, Options{})
	if _, err := mem.Seed(ctx, pre, "pre"); err != nil {
		t.Fatal(err)
	}
	if passes := importBatch(mem, half); fmt.Sprint(passes) != "[check write]" {
		t.Errorf("an import into memory went through %v", passes)
	}
	dir := t.TempDir()
	// Runs an import stopped part-way left behind, to be cleared.
	stale := filepath.Join(dir, "import-sort-123")
	if err := os.MkdirAll(stale, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stale, "run-1"), []byte("left over"), 0o644); err != nil {
		t.Fatal(err)
	}
	disk, err := Open(Options{Dir: dir, Bulk: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { disk.Close() }()
	if _, err := disk.Seed(ctx, pre, "pre"); err != nil {
		t.Fatal(err)
	}
	if passes := importBatch(disk, half); fmt.Sprint(passes) != "[check write sort]" {
		t.Errorf("an import into a store on disk with seeds alone went through %v; want a sorted load", passes)
	}
	sameKeys(t, "after the first import", mem, disk)
	if left, _ := filepath.Glob(filepath.Join(dir, sortDirPattern)); len(left) != 0 {
		t.Errorf("the sorted load left %v in the data directory", left)
	}
	if ids, err := disk.LookupName(ctx, "Old "+pre.Entities[0].Name); err != nil || len(ids) != 0 {
		t.Errorf("the name an imported entity replaced still finds %v (%v)", ids, err)
	}
	if ids, err := disk.LookupName(ctx, pre.Entities[0].Name[4:]); err != nil || len(ids) != 1 {
		t.Errorf("the name an imported entity has finds %v (%v)", ids, err)
	}

	if passes := importBatch(mem, rest); fmt.Sprint(passes) != "[check write]" {
		t.Errorf("a second import went through %v", passes)
	}
	if passes := importBatch(disk, rest); fmt.Sprint(passes) != "[check write]" {
		t.Errorf("an import into a store with more than seeds went through %v; want the batch writer", passes)
	}
	sameKeys(t, "after the second import", mem, disk)

	// The loaded store reopens and serves.
	if err := disk.Close(); err != nil {
		t.Fatal(err)
	}
	if disk, err = Open(Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	sameKeys(t, "after reopening", mem, disk)
	assertCountsAgree(t, disk, "after reopening", world.Relations)
	assertPairsAgree(t, disk, "after reopening")
}

// sameKeys holds two stores to the same keys and values, but for metadata.
func sameKeys(t *testing.T, when string, a, b *DB) {
	t.Helper()
	read := func(db *DB) map[string]string {
		out := everyKey(t, db)
		for k := range out {
			if strings.HasPrefix(k, string(key(prefixMeta))) {
				delete(out, k)
			}
		}
		return out
	}
	ka, kb := read(a), read(b)
	if len(ka) == 0 {
		t.Fatalf("%s: the store holds nothing", when)
	}
	bad := 0
	for k, v := range ka {
		if w, ok := kb[k]; !ok || w != v {
			if bad++; bad <= 5 {
				t.Errorf("%s: key %q: %q in one store, %q (present %v) in the other", when, k, v, w, ok)
			}
		}
	}
	for k := range kb {
		if _, ok := ka[k]; !ok {
			if bad++; bad <= 5 {
				t.Errorf("%s: key %q is only in the sorted load", when, k)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d keys differ of %d", when, bad, len(ka))
	}
}

// TestSortedLoadCutShortIsRefused holds Open to refusing a store whose
// sorted load never finished, naming what happened and what to do, and an
// import that finished to leaving no such mark.
func TestSortedLoadCutShortIsRefused(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(Options{Dir: dir, Bulk: true})
	if err != nil {
		t.Fatal(err)
	}
	world := synthWorld(t, 1000, 5)
	if _, err := db.Import(ctx, batchOpener(t, world), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := db.refuseCutShortImport(); err != nil {
		t.Fatalf("a finished import left its mark: %v", err)
	}
	// What a crash between the stream and the end of the import leaves.
	if err := db.bdb.Update(func(txn *badger.Txn) error {
		return txn.Set(metaKey(metaImporting), []byte("2026-12-04T09:00:00Z"))
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = Open(Options{Dir: dir})
	if graph.ErrorCode(err) != graph.ECONFLICT {
		t.Fatalf("opening a store with an import cut short: %v; want a conflict", err)
	}
	for _, want := range []string{dir, "2026-12-04T09:00:00Z", "cut short", "delete the directory and import again"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error %q does not say %q", err, want)
		}
	}
}

// synthWorld generates a synthetic world of n relations as one batch.
func synthWorld(t testing.TB, n int, seed uint64) *graph.Batch {
	t.Helper()
	var world graph.Batch
	if err := synth.Generate(context.Background(), synth.Options{Relations: n, Seed: seed}, func(it synth.Item) error {
		if it.Entity != nil {
			world.Entities = append(world.Entities, it.Entity)
		} else {
			world.Relations = append(world.Relations, it.Relation)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return &world
}

// TestSortedLoadThatFailsPutsBackWhatTheStoreHeld makes the stream of a
// sorted load fail part-way, after Badger has dropped what the store held,
// and holds the import to saying so and to leaving the store as it was,
// every key and value, metadata included, with no runs left behind. The
// store then takes the same import.
func TestSortedLoadThatFailsPutsBackWhatTheStoreHeld(t *testing.T) {
	ctx := context.Background()
	defer func(n int) { sortRunBytes = n }(sortRunBytes)
	sortRunBytes = 64 << 10
	world := synthWorld(t, 2000, 9)
	pre := renamedCountries(world)
	dir := t.TempDir()
	db, err := Open(Options{Dir: dir, Bulk: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close() }()
	if _, err := db.Seed(ctx, pre, "pre"); err != nil {
		t.Fatal(err)
	}
	before := everyKey(t, db)
	importWorld := func() error {
		_, err := db.Import(ctx, batchOpener(t, world), ImportOptions{})
		return err
	}

	real := streamSorted
	defer func() { streamSorted = real }()
	streams := 0
	streamSorted = func(s *sortedLoad, bdb *badger.DB) error {
		streams++
		// The first run ends half-way through a pair, so the merge fails
		// when it gets there, once the stream has begun.
		if err := s.spill(); err != nil {
			return err
		}
		if len(s.runs) < 2 {
			t.Fatalf("%d runs; the test needs more than one", len(s.runs))
		}
		fi, err := os.Stat(s.runs[0])
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(s.runs[0], fi.Size()/2); err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(s.runs[0], os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.Write([]byte{1}); err != nil { // a pair's first byte, and no more
			t.Fatal(err)
		}
		return real(s, bdb)
	}
	err = importWorld()
	if streams != 1 {
		t.Fatalf("the import streamed %d times; want a sorted load", streams)
	}
	if err == nil || !strings.Contains(err.Error(), "the store holds what it held before") ||
		!strings.Contains(err.Error(), "read a sorted run of the import") {
		t.Fatalf("a failed sorted load: %v; want what failed, and that the store holds what it held", err)
	}
	after := everyKey(t, db)
	if len(after) != len(before) {
		t.Errorf("the store held %d keys and holds %d after the failed load", len(before), len(after))
	}
	for k, v := range before {
		if after[k] != v {
			t.Errorf("key %q: %q before the failed load, %q after", k, v, after[k])
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, sortDirPattern)); len(left) != 0 {
		t.Errorf("the failed load left %v in the data directory", left)
	}

	streamSorted = real
	if err := importWorld(); err != nil {
		t.Fatalf("importing again after the failed load: %v", err)
	}
	if ids, err := db.LookupName(ctx, world.Entities[len(world.Entities)-1].Name); err != nil || len(ids) == 0 {
		t.Errorf("the second import's last entity is not found by name (%v)", err)
	}
}

// everyKey reads every key of db and its value, metadata included.
func everyKey(t *testing.T, db *DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	if err := db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			out[string(it.Item().KeyCopy(nil))] = string(v)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("the store holds nothing")
	}
	return out
}

// renamedCountries returns five of world's countries under other names and
// aliases: seeds that an import of world replaces.
func renamedCountries(world *graph.Batch) *graph.Batch {
	var pre graph.Batch
	for _, e := range world.Entities {
		if e.ID.Kind() == graph.Country && len(pre.Entities) < 5 {
			c := *e
			c.Name, c.Aliases = "Old "+e.Name, []string{"Formerly " + e.Name}
			pre.Entities = append(pre.Entities, &c)
		}
	}
	return &pre
}
