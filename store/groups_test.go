package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store/storetest"
)

func TestDB_ApplyGroups(t *testing.T) {
	city := func(slug string) *graph.Entity {
		return &graph.Entity{ID: graph.ID("city:" + slug), Kind: graph.City, Name: slug, Sources: []graph.Source{{Document: "Test fixture"}}}
	}
	locatedIn := func(from, to graph.ID) *graph.Relation {
		return &graph.Relation{Type: graph.LocatedIn, From: from, To: to, Sources: []graph.Source{{Document: "Test fixture"}}}
	}

	t.Run("OK", func(t *testing.T) {
		db := storetest.Open(t)
		country := &graph.Entity{ID: "country:ruritania", Kind: graph.Country, Name: "Ruritania", Sources: []graph.Source{{Document: "Test fixture"}}}
		// Each group may use what the groups before it wrote, and delete it.
		groups := []*graph.Batch{{Entities: []*graph.Entity{country}}}
		for i := range 3000 {
			c := city(fmt.Sprintf("c%d", i))
			groups = append(groups, &graph.Batch{Entities: []*graph.Entity{c}, Relations: []*graph.Relation{locatedIn(c.ID, country.ID)}})
		}
		first := locatedIn("city:c0", country.ID)
		first.Normalize()
		groups = append(groups, &graph.Batch{DeleteRelations: []string{first.ID}})
		before, _ := db.Version(ctx)
		var done []int
		if err := db.ApplyGroups(ctx, groups, func(n int) { done = append(done, n) }); err != nil {
			t.Fatal(err)
		}
		if len(done) < 2 || done[len(done)-1] != len(groups) || !slices.IsSorted(done) {
			t.Errorf("progress %v; want several transactions ending at %d", done, len(groups))
		}
		if after, _ := db.Version(ctx); after != before+uint64(len(done)) {
			t.Errorf("data version went from %d to %d in %d transactions", before, after, len(done))
		}
		page, err := db.Relations(ctx, graph.RelationQuery{To: country.ID, First: 1, CountTotal: true})
		if err != nil || page.Total != 2999 {
			t.Errorf("%d relations to the country, %v; want 2999", page.Total, err)
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		db := storetest.Open(t)
		groups := []*graph.Batch{
			{Entities: []*graph.Entity{city("a")}},
			{Entities: []*graph.Entity{city("b")}, Relations: []*graph.Relation{locatedIn("city:b", "country:atlantis")}},
			{Entities: []*graph.Entity{city("c")}},
		}
		err := db.ApplyGroups(ctx, groups, nil)
		if graph.ErrorCode(err) != graph.EINVALID || !strings.HasPrefix(graph.ErrorMessage(err), "write city:b: ") ||
			!strings.Contains(graph.ErrorMessage(err), "country:atlantis, which does not exist") {
			t.Errorf("got %v; want an invalid error naming the group and the problem", err)
		}
		// The groups share a transaction: none of them is written.
		for _, id := range []graph.ID{"city:a", "city:b", "city:c"} {
			if _, err := db.Entity(ctx, id); !graph.IsNotFound(err) {
				t.Errorf("%s: %v; want it not written", id, err)
			}
		}
	})
}
