package graph_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/chancery/chancery/graph"
)

// TestEveryQueryFollowsOneDefinition asks random graphs, whose entities
// and relations have stated, open and unknown bounds and attestations
// (randomPeriod), every query that takes a day (the entity and relation
// listings with their totals, the adjacency lists the API's
// Entity.relations and the mission fields read, neighbourhood, counts),
// with and without POSSIBLE, and checks each answer against a brute force
// built on the one definition: graph.When.Admits for an entity,
// When.AdmitsRelation for a relation and the entities it joins. Paths
// are held to the same definition in TestPathsOnRandomGraphs.
func TestEveryQueryFollowsOneDefinition(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 18))
		db, rels, periods := randomGraph(t, rng, 4+rng.IntN(8), 1+rng.IntN(3), 10+rng.IntN(30))
		life := func(id graph.ID) (graph.Period, bool) { p, ok := periods[id]; return p, ok }
		ids := slices.Sorted(maps.Keys(periods))
		for trial := range 8 {
			w := graph.When{AsOf: graph.MustDate(fmt.Sprint(1945 + rng.IntN(80))), Possible: rng.IntN(2) == 0}
			if trial == 0 {
				w = graph.When{} // all of history
			}
			name := fmt.Sprintf("seed %d, as of %s, possible %v", seed, w.AsOf, w.Possible)

			// Entities, and their total.
			var wantEntities []graph.ID
			for _, id := range ids {
				if w.Admits(periods[id]) {
					wantEntities = append(wantEntities, id)
				}
			}
			page, err := db.Entities(ctx, graph.EntityQuery{AsOf: w.AsOf, Possible: w.Possible, First: graph.MaxPageSize, CountTotal: true})
			if err != nil {
				t.Fatal(err)
			}
			var gotEntities []graph.ID
			for _, e := range page.Entities {
				gotEntities = append(gotEntities, e.ID)
			}
			if !slices.Equal(gotEntities, wantEntities) || page.Total != len(wantEntities) {
				t.Fatalf("%s: entities %v (total %d), want %v", name, gotEntities, page.Total, wantEntities)
			}

			// Relations, and their total.
			admitted := map[string]bool{}
			for _, r := range rels {
				if w.AdmitsRelation(r, life) {
					admitted[r.ID] = true
				}
			}
			rpage, err := db.Relations(ctx, graph.RelationQuery{AsOf: w.AsOf, Possible: w.Possible, First: graph.MaxPageSize, CountTotal: true})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, r := range rpage.Relations {
				got[r.ID] = true
			}
			if !maps.Equal(got, admitted) || rpage.Total != len(admitted) {
				t.Fatalf("%s: %d relations (total %d), want %d", name, len(got), rpage.Total, len(admitted))
			}

			// Each entity's relations, as a list of entities reads them.
			adj, err := db.Adjacent(ctx, graph.AdjacencyQuery{IDs: ids, AsOf: w.AsOf, Possible: w.Possible})
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range ids {
				var want, got []string
				for _, r := range rels {
					if (r.From == id || r.To == id) && admitted[r.ID] {
						want = append(want, r.ID)
					}
				}
				for _, r := range adj[id].Relations {
					got = append(got, r.ID)
				}
				slices.Sort(want)
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Fatalf("%s: relations of %s %v, want %v", name, id, got, want)
				}
			}

			// A neighbourhood of two hops: what a breadth-first walk over
			// the admitted relations reaches from an admitted root.
			root := ids[rng.IntN(len(ids))]
			sub, err := graph.Neighbourhood(ctx, db, graph.NeighbourhoodQuery{ID: root, Depth: 2, Limit: graph.MaxSubgraph, AsOf: w.AsOf, Possible: w.Possible})
			if !w.Admits(periods[root]) {
				if err == nil && len(sub.Nodes) > 0 {
					t.Fatalf("%s: the neighbourhood of %s, which the query does not admit, is %d entities", name, root, len(sub.Nodes))
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				reached := map[graph.ID]bool{root: true}
				frontier := []graph.ID{root}
				for range 2 {
					var next []graph.ID
					for _, at := range frontier {
						for _, r := range rels {
							if !admitted[r.ID] || (r.From != at && r.To != at) {
								continue
							}
							if other := r.Other(at); !reached[other] {
								reached[other] = true
								next = append(next, other)
							}
						}
					}
					frontier = next
				}
				gotNodes := map[graph.ID]bool{}
				for _, e := range sub.Nodes {
					gotNodes[e.ID] = true
				}
				if !maps.Equal(gotNodes, reached) {
					t.Fatalf("%s: the neighbourhood of %s is %v, want %v", name, root, slices.Sorted(maps.Keys(gotNodes)), slices.Sorted(maps.Keys(reached)))
				}
				for _, r := range sub.Relations {
					if !admitted[r.ID] {
						t.Fatalf("%s: the neighbourhood of %s holds %s, which the query does not admit", name, root, r.Describe())
					}
				}
			}

			// Counts answer what is known to hold by the same definition,
			// from the counts index, and with POSSIBLE what may have held,
			// by a scan.
			counted := func(g graph.GroupBy) map[string]int {
				buckets, err := db.Count(ctx, graph.CountQuery{GroupBy: g, AsOf: w.AsOf, Possible: w.Possible, Limit: graph.MaxCountBuckets})
				if err != nil {
					t.Fatal(err)
				}
				out := map[string]int{}
				for _, b := range buckets {
					if b.Count > 0 {
						out[b.Key] = b.Count
					}
				}
				return out
			}
			byType := map[string]int{}
			for _, r := range rels {
				if admitted[r.ID] {
					byType[string(r.Type)]++
				}
			}
			if gotByType := counted(graph.ByRelationType); !maps.Equal(gotByType, byType) {
				t.Fatalf("%s: relations by type %v, want %v", name, gotByType, byType)
			}
			byKind := map[string]int{}
			for _, id := range wantEntities {
				byKind[string(id.Kind())]++
			}
			if gotByKind := counted(graph.ByKind); !maps.Equal(gotByKind, byKind) {
				t.Fatalf("%s: entities by kind %v, want %v", name, gotByKind, byKind)
			}
			// Missions by host: a mission counts once for each host its
			// admitted accreditations lead to.
			byHost, pairs := map[string]int{}, map[[2]graph.ID]bool{}
			for _, r := range rels {
				if r.Type == graph.AccreditsTo && admitted[r.ID] && !pairs[[2]graph.ID{r.From, r.To}] {
					pairs[[2]graph.ID{r.From, r.To}] = true
					byHost[string(r.To)]++
				}
			}
			if gotByHost := counted(graph.ByHost); !maps.Equal(gotByHost, byHost) {
				t.Fatalf("%s: missions by host %v, want %v", name, gotByHost, byHost)
			}
		}
	}
}
