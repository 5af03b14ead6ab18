package store_test

import (
	"bytes"
	"encoding/base64"
	"slices"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

// mustOpenMemory opens an in-memory store holding the Cuba fixture.
func mustOpenMemory(tb testing.TB) *store.DB {
	tb.Helper()
	db := storetest.OpenMemory(tb)
	if err := db.Apply(ctx, cubaFixture()); err != nil {
		tb.Fatal(err)
	}
	return db
}

// listSeeds are real cursors of the fixture, for the fuzzer to start from.
func listSeeds(tb testing.TB, db *store.DB) []string {
	rp, err := db.Relations(ctx, graph.RelationQuery{First: graph.MaxPageSize})
	if err != nil {
		tb.Fatal(err)
	}
	ep, err := db.Entities(ctx, graph.EntityQuery{First: graph.MaxPageSize})
	if err != nil {
		tb.Fatal(err)
	}
	return append(append([]string{"", "A", "AAAA", "not a cursor", "Y2l0eTpoYXZhbmE\n"}, rp.Cursors...), ep.Cursors...)
}

// relationQueries are the plans Relations can pick, each with a filter the
// fuzzer chooses by number.
var relationQueries = []graph.RelationQuery{
	{},
	{Types: []graph.RelationType{graph.SentBy, graph.LocatedIn}},
	{Of: "country:united-states"},
	{Of: "mission:us-interests-section-havana", Direction: graph.Out},
	{Of: "country:cuba", Direction: graph.In},
	{From: "country:switzerland"},
	{To: "city:havana", AsOf: graph.MustDate("2016")},
	{Context: "country:cuba"},
	{Of: "country:nowhere"},
}

// FuzzRelationsAfter checks that Relations, given any After, never panics
// and either answers or says the cursor is invalid; and that a page after
// an accepted cursor is exactly the relations of the whole listing whose
// cursors sort after it.
func FuzzRelationsAfter(f *testing.F) {
	db := mustOpenMemory(f)
	for i, s := range listSeeds(f, db) {
		f.Add(s, uint8(i), uint8(i%4))
	}
	f.Fuzz(func(t *testing.T, after string, which, first uint8) {
		q := relationQueries[int(which)%len(relationQueries)]
		q.First, q.CountTotal = graph.MaxPageSize, true
		all, err := db.Relations(ctx, q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		q.After, q.First = after, int(first%8)
		page, err := db.Relations(ctx, q)
		if err != nil {
			if graph.ErrorCode(err) != graph.EINVALID || graph.ErrorMessage(err) == "" {
				t.Fatalf("After %q: %v, want an EINVALID error", after, err)
			}
			return
		}
		if page.Total != all.Total || page.Total < len(all.Relations) {
			t.Fatalf("After %q: Total %d, but %d without it and %d listed", after, page.Total, all.Total, len(all.Relations))
		}
		var want []string
		pos := mustDecode(t, after)
		for i, c := range all.Cursors {
			if after == "" || bytes.Compare(mustDecode(t, c), pos) > 0 {
				want = append(want, all.Relations[i].ID)
			}
		}
		hasNext := len(want) > q.First
		want = want[:min(len(want), q.First)]
		got := make([]string, len(page.Relations))
		for i, r := range page.Relations {
			got[i] = r.ID
		}
		if !slices.Equal(got, want) || page.HasNext != hasNext || len(page.Cursors) != len(got) {
			t.Fatalf("%+v: %v (next %v), want %v (next %v)", q, got, page.HasNext, want, hasNext)
		}
	})
}

// FuzzEntitiesAfter checks Entities as FuzzRelationsAfter checks Relations.
func FuzzEntitiesAfter(f *testing.F) {
	db := mustOpenMemory(f)
	for i, s := range listSeeds(f, db) {
		f.Add(s, uint8(i), uint8(i%4))
	}
	kinds := append([]graph.Kind{""}, graph.Kinds...)
	f.Fuzz(func(t *testing.T, after string, which, first uint8) {
		q := graph.EntityQuery{Kind: kinds[int(which)%len(kinds)], First: graph.MaxPageSize, CountTotal: true}
		if which >= 128 {
			q.AsOf = graph.MustDate("2016")
		}
		all, err := db.Entities(ctx, q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		q.After, q.First = after, int(first%8)
		page, err := db.Entities(ctx, q)
		if err != nil {
			if graph.ErrorCode(err) != graph.EINVALID || graph.ErrorMessage(err) == "" {
				t.Fatalf("After %q: %v, want an EINVALID error", after, err)
			}
			return
		}
		if page.Total != all.Total {
			t.Fatalf("After %q: Total %d, but %d without it", after, page.Total, all.Total)
		}
		var want []graph.ID
		for _, e := range all.Entities {
			if after == "" || string(e.ID) > string(mustDecode(t, after)) {
				want = append(want, e.ID)
			}
		}
		hasNext := len(want) > q.First
		want = want[:min(len(want), q.First)]
		got := make([]graph.ID, len(page.Entities))
		for i, e := range page.Entities {
			got[i] = e.ID
		}
		if !slices.Equal(got, want) || page.HasNext != hasNext || len(page.Cursors) != len(got) {
			t.Fatalf("%+v: %v (next %v), want %v (next %v)", q, got, page.HasNext, want, hasNext)
		}
	})
}

// mustDecode reads a cursor the store accepted; cursors are base64url.
func mustDecode(t *testing.T, c string) []byte {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		t.Fatalf("the store accepted cursor %q, which is not base64url: %v", c, err)
	}
	return b
}
