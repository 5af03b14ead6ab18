package store

import (
	"bytes"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/graph/jsonl"
	"github.com/chancery/chancery/store/storetest/jsonltest"
)

// The store's internal tests cannot import storetest, which imports the
// store; this file gives them what they need of it.

// openForTest opens a store with opts and closes it when the test ends,
// as storetest.OpenWith does for the other packages' tests.
func openForTest(tb testing.TB, opts Options) *DB {
	tb.Helper()
	db, err := Open(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// batchOpener is an Import's open for b as JSON Lines, as
// storetest.BatchOpener is for the other packages' tests.
func batchOpener(tb testing.TB, b *graph.Batch) func() (ItemReader, error) {
	tb.Helper()
	data := jsonltest.Batch(tb, b)
	return func() (ItemReader, error) { return jsonl.NewReader(bytes.NewReader(data), "world.jsonl"), nil }
}
