package store_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store/storetest"
)

// TestDB_ApplyChanges checks what ApplyChanges reports: the deletions a
// batch made, a cascade's included, and the data version after it; and,
// for a batch refused, which item it was refused for, with nothing
// written.
func TestDB_ApplyChanges(t *testing.T) {
	db := storetest.Open(t)
	if err := db.Apply(ctx, cubaFixture()); err != nil {
		t.Fatal(err)
	}
	stored := func(id string) bool {
		_, err := db.Relation(ctx, id)
		return err == nil
	}

	t.Run("Refused", func(t *testing.T) {
		for _, tt := range []struct {
			name  string
			batch *graph.Batch
			part  string
			index int
			id    string
			code  string
		}{
			{"RelationToNothing", &graph.Batch{
				Entities:  []*graph.Entity{entity("city:santiago", "Santiago de Cuba")},
				Relations: []*graph.Relation{rel(graph.LocatedIn, "city:santiago", "country:cuba"), rel(graph.LocatedIn, "city:santiago", "country:atlantis")},
			}, graph.BatchRelations, 1, "", graph.EINVALID},
			{"EntityTwice", &graph.Batch{Entities: []*graph.Entity{entity("city:santiago", "A"), entity("city:santiago", "B")}},
				graph.BatchEntities, 1, "city:santiago", graph.EINVALID},
			{"EntityNotStored", &graph.Batch{DeleteEntities: []graph.ID{"city:santiago", "country:cuba"}},
				graph.BatchDeleteEntities, 0, "city:santiago", graph.ENOTFOUND},
			{"EntityStillUsed", &graph.Batch{DeleteEntities: []graph.ID{"city:havana"}},
				graph.BatchDeleteEntities, 0, "city:havana", graph.ECONFLICT},
			{"RelationNotStored", &graph.Batch{DeleteRelations: []string{"rel:aaaaaaaaaaaaaaaa"}},
				graph.BatchDeleteRelations, 0, "rel:aaaaaaaaaaaaaaaa", graph.ENOTFOUND},
			{"RelationBeforeItsEnd", &graph.Batch{
				Entities:  []*graph.Entity{{ID: "city:santiago", Kind: graph.City, Name: "Santiago", Sources: src, Period: graph.Period{From: graph.MustDate("1515")}}},
				Relations: []*graph.Relation{rel(graph.LocatedIn, "city:santiago", "country:cuba", "1500")},
			}, graph.BatchRelations, 0, "", graph.EINVALID},
		} {
			t.Run(tt.name, func(t *testing.T) {
				before := version(t, db)
				_, err := db.ApplyChanges(ctx, tt.batch)
				var ie *graph.ItemError
				if !errors.As(err, &ie) || ie.Part != tt.part || ie.Index != tt.index || graph.ErrorCode(err) != tt.code {
					t.Fatalf("err = %v (%+v); want %s at %s[%d]", err, ie, tt.code, tt.part, tt.index)
				}
				if tt.id != "" && ie.ID != tt.id {
					t.Errorf("the item's id is %s; want %s", ie.ID, tt.id)
				}
				if tt.part == graph.BatchRelations && ie.ID != tt.batch.Relations[tt.index].ID {
					t.Errorf("the item's id is %s; want the relation's, %s", ie.ID, tt.batch.Relations[tt.index].ID)
				}
				if err.Error() != ie.Err.Error() || graph.ErrorMessage(err) != graph.ErrorMessage(ie.Err) {
					t.Errorf("locating the error changed it: %q, %q", err, ie.Err)
				}
				if after := version(t, db); after != before {
					t.Errorf("a refused batch moved the data version %d -> %d", before, after)
				}
				if _, err := db.Entity(ctx, "city:santiago"); !graph.IsNotFound(err) {
					t.Errorf("a refused batch wrote: %v", err)
				}
			})
		}
	})

	t.Run("Deletions", func(t *testing.T) {
		named := rel(graph.SentBy, "mission:us-embassy-havana", "country:united-states", "2015-07-20")
		named.Normalize()
		located := rel(graph.LocatedIn, "mission:us-embassy-havana", "city:havana", "2015-07-20")
		located.Normalize()
		before := version(t, db)
		done, err := db.ApplyChanges(ctx, &graph.Batch{
			DeleteRelations: []string{named.ID, named.ID},
			DeleteEntities:  []graph.ID{"mission:us-embassy-havana"},
			Cascade:         true,
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(done.DeletedRelations, []string{named.ID, located.ID}) ||
			!slices.Equal(done.DeletedEntities, []graph.ID{"mission:us-embassy-havana"}) {
			t.Errorf("deleted %v and %v; want %s, then by cascade %s, and the mission", done.DeletedRelations, done.DeletedEntities, named.ID, located.ID)
		}
		if after := version(t, db); after != before+1 || done.Version != after {
			t.Errorf("data version %d -> %d, reported %d; want one step, reported", before, after, done.Version)
		}
		if stored(named.ID) || stored(located.ID) {
			t.Error("a deleted relation is still stored")
		}
	})
}
