// Package jsonltest writes batches as JSON Lines, the input of an import,
// for tests. It does not import the store, so the store's own internal
// tests can use it as well as package storetest, which wraps it.
package jsonltest

import (
	"bytes"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/graph/jsonl"
)

// Batch returns b as JSON Lines written by graph/jsonl's Writer: its
// entities first, then its relations, each in the batch's order.
func Batch(tb testing.TB, b *graph.Batch) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w := jsonl.NewWriter(&buf)
	for _, e := range b.Entities {
		if err := w.Entity(e); err != nil {
			tb.Fatal(err)
		}
	}
	for _, r := range b.Relations {
		if err := w.Relation(r); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
