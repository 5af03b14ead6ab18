package graph

import (
	"context"
)

// Limits on traversals, so that every query does bounded work. Transport
// layers report requests beyond them as invalid.
const (
	MaxDepth       = 4    // neighbourhood depth
	MaxPathLength  = 6    // relations in one path
	MaxPaths       = 20   // paths in one answer
	MaxSubgraph    = 2000 // entities plus relations in one neighbourhood
	MaxLineage     = 200  // members of one lineage
	maxPathVisits  = 20000
	adjacencyPages = 20 // pages of MaxPageSize read for one entity at most
)

// adjacent returns every relation touching id in dir, of the given types,
// that holds as of asOf, reading the store page by page. It reads at most
// adjacencyPages pages and reports whether there were more.
func adjacent(ctx context.Context, r Reader, id ID, types []RelationType, dir Direction, asOf Date) ([]*Relation, bool, error) {
	q := RelationQuery{Of: id, Direction: dir, Types: types, AsOf: asOf, First: MaxPageSize}
	var out []*Relation
	for range adjacencyPages {
		page, err := r.Relations(ctx, q)
		if err != nil {
			return nil, false, err
		}
		out = append(out, page.Relations...)
		if !page.HasNext {
			return out, false, nil
		}
		q.After = page.Cursors[len(page.Cursors)-1]
	}
	return out, true, nil
}

// living loads the entities with the given ids and keeps those that exist
// as of asOf, so that a traversal never passes through an entity outside
// its period.
func living(ctx context.Context, r Reader, ids []ID, asOf Date) (map[ID]*Entity, error) {
	found, err := r.EntitiesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	for id, e := range found {
		if !e.Period.Holds(asOf) {
			delete(found, id)
		}
	}
	return found, nil
}
