package storetest

import (
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest/jsonltest"
)

// Open opens a store in a new temporary directory of the test, and closes
// it when the test ends.
func Open(tb testing.TB) *store.DB {
	tb.Helper()
	return OpenWith(tb, store.Options{Dir: tb.TempDir()})
}

// OpenMemory opens a store in memory, and closes it when the test ends.
func OpenMemory(tb testing.TB) *store.DB {
	tb.Helper()
	return OpenWith(tb, store.Options{})
}

// OpenDir opens a store in dir, in memory if dir is "", and closes it when
// the test ends. A test that closes the store itself, to open dir again,
// opens it with store.Open instead.
func OpenDir(tb testing.TB, dir string) *store.DB {
	tb.Helper()
	return OpenWith(tb, store.Options{Dir: dir})
}

// OpenWith opens a store with opts, failing the test if it cannot, and
// closes it when the test ends.
func OpenWith(tb testing.TB, opts store.Options) *store.DB {
	tb.Helper()
	db, err := store.Open(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// JSONL returns b as JSON Lines, the input of chancery import: entities
// first, then relations.
func JSONL(tb testing.TB, b *graph.Batch) []byte {
	tb.Helper()
	return jsonltest.Batch(tb, b)
}

// BatchOpener is an Import's open for b as JSON Lines (JSONL), read from
// the start at each pass.
func BatchOpener(tb testing.TB, b *graph.Batch) func() (store.ItemReader, error) {
	tb.Helper()
	return JSONLOpener(JSONL(tb, b))
}
