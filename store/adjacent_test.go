package store_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store/storetest"
)

// TestDB_Adjacent checks the batched read against Relations, entity by
// entity: the same relations in the same order with the same cursors, cut
// at the limit with More set.
func TestDB_Adjacent(t *testing.T) {
	db := storetest.Open(t)
	if err := db.Apply(ctx, cubaFixture()); err != nil {
		t.Fatal(err)
	}
	ids := []graph.ID{"country:united-states", "country:cuba", "mission:us-interests-section-havana", "city:havana", "country:atlantis"}
	for _, q := range []graph.AdjacencyQuery{
		{IDs: ids},
		{IDs: ids, Direction: graph.Out},
		{IDs: ids, Direction: graph.In, Types: []graph.RelationType{graph.SentBy, graph.LocatedIn}},
		{IDs: ids, AsOf: graph.MustDate("1990")},
		{IDs: ids, Limit: 1},
		{IDs: append(ids, ids...), Limit: 2}, // repeated ids are read once
	} {
		got, err := db.Adjacent(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(ids) {
			t.Errorf("%+v: %d entries, want one per distinct id (%d)", q, len(got), len(ids))
		}
		for _, id := range ids {
			dir := q.Direction
			if dir == "" {
				dir = graph.Both
			}
			limit := q.Limit
			if limit == 0 {
				limit = graph.MaxPageSize
			}
			page, err := db.Relations(ctx, graph.RelationQuery{Of: id, Direction: dir, Types: q.Types, AsOf: q.AsOf, First: limit})
			if err != nil {
				t.Fatal(err)
			}
			a := got[id]
			if a == nil {
				t.Errorf("%+v: no entry for %s", q, id)
				continue
			}
			if !slices.Equal(relationIDs(a.Relations), relationIDs(page.Relations)) || !slices.Equal(a.Cursors, page.Cursors) || a.More != page.HasNext {
				t.Errorf("%+v, %s:\n got %v more=%v\nwant %v more=%v", q, id, relationIDs(a.Relations), a.More, relationIDs(page.Relations), page.HasNext)
			}
		}
	}
	if got, _ := db.Adjacent(ctx, graph.AdjacencyQuery{IDs: ids, Limit: 1}); !got["country:united-states"].More {
		t.Error("a limit of 1 on an entity with several relations does not say there are more")
	}
	for _, limit := range []int{-1, graph.MaxAdjacency + 1} {
		if _, err := db.Adjacent(ctx, graph.AdjacencyQuery{IDs: ids, Limit: limit}); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("limit %d: %v, want an invalid-argument error", limit, err)
		}
	}
}

// TestDB_AdjacentSlim checks that a slim read gives the same relations as
// a whole one with what a traversal follows, and without the sources.
func TestDB_AdjacentSlim(t *testing.T) {
	db := storetest.Open(t)
	if err := db.Apply(ctx, cubaFixture()); err != nil {
		t.Fatal(err)
	}
	ids := []graph.ID{"country:united-states", "country:cuba", "mission:us-interests-section-havana"}
	whole, err := db.Adjacent(ctx, graph.AdjacencyQuery{IDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	slim, err := db.Adjacent(ctx, graph.AdjacencyQuery{IDs: ids, Slim: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		w, s := whole[id].Relations, slim[id].Relations
		if len(w) == 0 || len(w) != len(s) {
			t.Fatalf("%s: %d relations whole, %d slim", id, len(w), len(s))
		}
		for i := range w {
			want := *w[i]
			want.Sources, want.Note = nil, ""
			if got := *s[i]; !reflect.DeepEqual(got, want) {
				t.Errorf("%s: slim relation %d = %+v, want %+v", id, i, got, want)
			}
			if len(w[i].Sources) == 0 {
				t.Errorf("%s: whole relation %s has no sources", id, w[i].ID)
			}
		}
	}
}

// TestDB_AdjacentTotal checks the cap on all the entities together: the
// relations come in the order of the ids, as without the cap, and stop at
// it, with More on the entity cut and no entry for those after it.
func TestDB_AdjacentTotal(t *testing.T) {
	db := storetest.Open(t)
	if err := db.Apply(ctx, cubaFixture()); err != nil {
		t.Fatal(err)
	}
	ids := []graph.ID{"country:united-states", "country:cuba", "mission:us-interests-section-havana", "city:havana"}
	all, err := db.Adjacent(ctx, graph.AdjacencyQuery{IDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	var want []string // every relation id, in the order of ids
	for _, id := range ids {
		want = append(want, relationIDs(all[id].Relations)...)
	}
	for total := 1; total <= len(want)+1; total++ {
		got, err := db.Adjacent(ctx, graph.AdjacencyQuery{IDs: ids, Total: total})
		if err != nil {
			t.Fatal(err)
		}
		var flat []string
		cut := false
		for _, id := range ids {
			a := got[id]
			if a == nil {
				cut = true
				continue
			}
			if cut {
				t.Errorf("total %d: %s has an entry after an entity that was not read", total, id)
			}
			flat = append(flat, relationIDs(a.Relations)...)
			if a.More != (len(a.Relations) < len(all[id].Relations)) {
				t.Errorf("total %d: %s has %d of %d relations, more=%v", total, id, len(a.Relations), len(all[id].Relations), a.More)
			}
		}
		if n := min(total, len(want)); !slices.Equal(flat, want[:n]) {
			t.Errorf("total %d: got %v, want the first %d of %v", total, flat, n, want)
		}
	}
}
