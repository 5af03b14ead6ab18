package graph_test

import (
	"context"
	"slices"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store/storetest"
)

func TestNeighbourhood(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenMemory(t)
	// Every fact holds from 1900 on, but for the relation of b and c,
	// from 1970 to 1980, and that of d and e, which nothing dates.
	country := func(id string) *graph.Entity {
		return &graph.Entity{ID: graph.ID(id), Kind: graph.Country, Name: id, Period: always, Sources: src}
	}
	dr := func(a, b, from, to string) *graph.Relation {
		r := &graph.Relation{Type: graph.DiplomaticRelations, From: graph.ID(a), To: graph.ID(b), Period: always, Sources: src}
		if from != "" {
			r.Period = graph.Period{From: graph.MustDate(from), To: graph.MustDate(to)}
		}
		return r
	}
	undated := dr("country:d", "country:e", "", "")
	undated.Period = graph.Period{}
	b := &graph.Batch{
		Entities: []*graph.Entity{country("country:a"), country("country:b"), country("country:c"), country("country:d"), country("country:e"),
			{ID: "org:o", Kind: graph.Organisation, Name: "O", Period: always, Sources: src}},
		Relations: []*graph.Relation{
			dr("country:a", "country:b", "", ""),
			dr("country:b", "country:c", "1970", "1980"),
			dr("country:c", "country:d", "", ""),
			undated,
			{Type: graph.MemberOf, From: "country:b", To: "org:o", Period: always, Sources: src},
		},
	}
	if err := db.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		q         graph.NeighbourhoodQuery
		nodes     []graph.ID
		rels      int
		truncated bool
	}{
		{"Depth1", graph.NeighbourhoodQuery{ID: "country:a", Depth: 1, Limit: 100}, []graph.ID{"country:a", "country:b"}, 1, false},
		{"Depth2", graph.NeighbourhoodQuery{ID: "country:a", Depth: 2, Limit: 100}, []graph.ID{"country:a", "country:b", "country:c", "org:o"}, 3, false},
		{"Depth3", graph.NeighbourhoodQuery{ID: "country:a", Depth: 3, Limit: 100}, []graph.ID{"country:a", "country:b", "country:c", "org:o", "country:d"}, 4, false},
		{"UndatedIsNotKnown", graph.NeighbourhoodQuery{ID: "country:c", Depth: 2, Limit: 100, AsOf: graph.MustDate("1975")}, []graph.ID{"country:c", "country:b", "country:d", "org:o", "country:a"}, 4, false},
		{"UndatedIsPossible", graph.NeighbourhoodQuery{ID: "country:c", Depth: 2, Limit: 100, AsOf: graph.MustDate("1975"), Possible: true}, []graph.ID{"country:c", "country:b", "country:d", "org:o", "country:a", "country:e"}, 5, false},
		{"LimitCutsTheFarthest", graph.NeighbourhoodQuery{ID: "country:a", Depth: 3, Limit: 2}, []graph.ID{"country:a", "country:b", "org:o"}, 2, true},
		{"AsOfHidesWhatLiesBeyond", graph.NeighbourhoodQuery{ID: "country:a", Depth: 3, Limit: 100, AsOf: graph.MustDate("1990")}, []graph.ID{"country:a", "country:b", "org:o"}, 2, false},
		{"AsOfInsidePeriod", graph.NeighbourhoodQuery{ID: "country:a", Depth: 3, Limit: 100, AsOf: graph.MustDate("1975")}, []graph.ID{"country:a", "country:b", "country:c", "org:o", "country:d"}, 4, false},
		{"TypesFilter", graph.NeighbourhoodQuery{ID: "country:b", Depth: 2, Limit: 100, Types: []graph.RelationType{graph.MemberOf}}, []graph.ID{"country:b", "org:o"}, 1, false},
		{"DirectionIn", graph.NeighbourhoodQuery{ID: "org:o", Depth: 1, Limit: 100, Direction: graph.In}, []graph.ID{"org:o", "country:b"}, 1, false},
		{"DirectionOut", graph.NeighbourhoodQuery{ID: "org:o", Depth: 1, Limit: 100, Direction: graph.Out}, []graph.ID{"org:o"}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sub, err := graph.Neighbourhood(ctx, db, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var ids []graph.ID
			for _, e := range sub.Nodes {
				ids = append(ids, e.ID)
			}
			if ids[0] != tc.q.ID {
				t.Errorf("first node %s, want the entity asked about", ids[0])
			}
			slices.Sort(ids)
			want := slices.Clone(tc.nodes)
			slices.Sort(want)
			if !slices.Equal(ids, want) || len(sub.Relations) != tc.rels || sub.Truncated != tc.truncated {
				t.Errorf("nodes %v, %d relations, truncated %v; want %v, %d, %v", ids, len(sub.Relations), sub.Truncated, want, tc.rels, tc.truncated)
			}
			for _, r := range sub.Relations {
				if !slices.Contains(ids, r.From) || !slices.Contains(ids, r.To) {
					t.Errorf("relation %s has an end outside the subgraph", r.Describe())
				}
			}
		})
	}
	for _, q := range []graph.NeighbourhoodQuery{
		{ID: "country:a", Depth: 0, Limit: 10}, {ID: "country:a", Depth: graph.MaxDepth + 1, Limit: 10},
		{ID: "country:a", Depth: 1, Limit: 0}, {ID: "country:a", Depth: 1, Limit: graph.MaxSubgraph + 1},
	} {
		if _, err := graph.Neighbourhood(ctx, db, q); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("%+v: %v, want invalid", q, err)
		}
	}
}
