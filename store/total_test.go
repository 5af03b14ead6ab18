package store_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store/storetest"
)

// TestDB_TotalAgreesWithItsPage lists relations and entities with their
// totals while a stream of writes adds and deletes them. A page and its
// total are read in one transaction, so a page that holds every match
// always has as many as its total says, whichever way the store answers
// the total: from the counts index, or by reading the matches.
func TestDB_TotalAgreesWithItsPage(t *testing.T) {
	const writes, live = 120, 10
	db := storetest.Open(t)
	if err := db.Apply(ctx, cubaFixture()); err != nil {
		t.Fatal(err)
	}
	town := func(i int) graph.ID { return graph.ID(fmt.Sprintf("city:churn-%d", i)) }
	done, stop := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		// Each write adds a town and the relation that places it in Cuba,
		// or deletes the oldest town and, by cascade, its relation.
		for i := range writes {
			select {
			case <-stop:
				return
			default:
			}
			b := &graph.Batch{Entities: []*graph.Entity{entity(string(town(i)), fmt.Sprintf("Churn %d", i))},
				Relations: []*graph.Relation{rel(graph.LocatedIn, string(town(i)), "country:cuba")}}
			if err := db.Apply(ctx, b); err != nil {
				t.Error(err)
				return
			}
			if i >= live {
				if err := db.Apply(ctx, &graph.Batch{DeleteEntities: []graph.ID{town(i - live)}, Cascade: true}); err != nil {
					t.Error(err)
					return
				}
			}
		}
	}()

	day := graph.MustDate("2020")
	relations := []graph.RelationQuery{
		{Types: []graph.RelationType{graph.LocatedIn}},                     // the counts index
		{Types: []graph.RelationType{graph.LocatedIn}, To: "country:cuba"}, // Cuba's adjacency, keys alone
		{Types: []graph.RelationType{graph.LocatedIn}, AsOf: day},          // the matches, read
		{To: "country:cuba", AsOf: day, Possible: true},                    // Cuba's, read
	}
	entities := []graph.EntityQuery{
		{Kind: graph.City},                            // the counts index
		{Kind: graph.City, AsOf: day},                 // the counts index as of a day
		{Kind: graph.City, AsOf: day, Possible: true}, // the matches, read
	}
	var checked atomic.Int64
	var wg sync.WaitGroup
	for r := range 4 {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-done:
					return
				default:
				}
				if r%2 == 0 {
					q := relations[n%len(relations)]
					q.First, q.CountTotal = graph.MaxPageSize, true
					page, err := db.Relations(ctx, q)
					if err != nil {
						t.Error(err)
						return
					}
					if !page.HasNext && page.Total != len(page.Relations) {
						t.Errorf("%+v: a page of all %d relations, with a total of %d", q, len(page.Relations), page.Total)
						return
					}
				} else {
					q := entities[n%len(entities)]
					q.First, q.CountTotal = graph.MaxPageSize, true
					page, err := db.Entities(ctx, q)
					if err != nil {
						t.Error(err)
						return
					}
					if !page.HasNext && page.Total != len(page.Entities) {
						t.Errorf("%+v: a page of all %d entities, with a total of %d", q, len(page.Entities), page.Total)
						return
					}
				}
				checked.Add(1)
			}
		})
	}
	wg.Wait()
	close(stop)
	<-done
	if checked.Load() < 10 {
		t.Errorf("only %d pages were read during the writes; the test needs more to mean anything", checked.Load())
	}
	t.Logf("%d pages checked during %d writes", checked.Load(), 2*writes-live)
}
