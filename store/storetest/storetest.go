// Package storetest has helpers for tests that compare stores: of the
// store itself, and of the commands that import, back up and restore.
package storetest

import (
	"context"
	"encoding/json"
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
	db, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
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
