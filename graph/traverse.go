package graph

import (
	"context"
)

// Limits on traversals, so that every query does bounded work. Transport
// layers report requests beyond them as invalid.
const (
	MaxDepth      = 4      // neighbourhood depth
	MaxPathLength = 6      // relations in one path
	MaxPaths      = 20     // paths in one answer
	MaxSubgraph   = 2000   // entities plus relations in one neighbourhood
	MaxLineage    = 200    // members of one lineage
	maxPathVisits = 20000  // entities whose relations one paths query reads
	maxPathReads  = 500000 // relations one paths query reads
)

// adjacent returns every relation touching id in dir, of the given types,
// that w admits, up to MaxAdjacency of them, and whether there were more.
func adjacent(ctx context.Context, r Reader, id ID, types []RelationType, dir Direction, w When) ([]*Relation, bool, error) {
	adj, err := adjacency(ctx, r, []ID{id}, types, dir, w)
	if err != nil {
		return nil, false, err
	}
	return adj[id].Relations, adj[id].More, nil
}

// adjacency returns the relations of every entity in ids, as adjacent does
// for one, in a single read of the store. Every id has an entry.
func adjacency(ctx context.Context, r Reader, ids []ID, types []RelationType, dir Direction, w When) (map[ID]*Adjacency, error) {
	return readAdjacency(ctx, r, AdjacencyQuery{IDs: ids, Direction: dir, Types: types, AsOf: w.AsOf, Possible: w.Possible})
}

// slimAdjacency is adjacency with relations that hold only what a
// traversal follows (AdjacencyQuery.Slim).
func slimAdjacency(ctx context.Context, r Reader, ids []ID, types []RelationType, dir Direction, w When) (map[ID]*Adjacency, error) {
	return readAdjacency(ctx, r, AdjacencyQuery{IDs: ids, Direction: dir, Types: types, AsOf: w.AsOf, Possible: w.Possible, Slim: true})
}

func readAdjacency(ctx context.Context, r Reader, q AdjacencyQuery) (map[ID]*Adjacency, error) {
	ids := q.IDs
	out := make(map[ID]*Adjacency, len(ids))
	if len(ids) > 0 {
		var err error
		out, err = r.Adjacent(ctx, q)
		if err != nil {
			return nil, err
		}
	}
	for _, id := range ids {
		if out[id] == nil {
			out[id] = &Adjacency{}
		}
	}
	return out, nil
}

// completeRelations replaces, in place, each slim relation in lists with
// the whole relation as the store holds it, all read at once: a traversal
// that followed slim relations (AdjacencyQuery.Slim) returns whole ones.
// A relation with sources is whole already, since every stored relation
// cites at least one.
func completeRelations(ctx context.Context, r Reader, lists ...[]*Relation) error {
	var ids []string
	for _, list := range lists {
		for _, rel := range list {
			if len(rel.Sources) == 0 {
				ids = append(ids, rel.ID)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	whole, err := r.RelationsByID(ctx, ids)
	if err != nil {
		return err
	}
	for _, list := range lists {
		for i, rel := range list {
			if len(rel.Sources) > 0 {
				continue
			}
			if whole[rel.ID] == nil {
				return Errorf(ENOTFOUND, "no relation with id %s", rel.ID)
			}
			list[i] = whole[rel.ID]
		}
	}
	return nil
}

// living loads the entities with the given ids and keeps those that w
// admits, so that a traversal never passes through an entity outside its
// period.
func living(ctx context.Context, r Reader, ids []ID, w When) (map[ID]*Entity, error) {
	found, err := r.EntitiesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	for id, e := range found {
		if !w.Admits(e.Period) {
			delete(found, id)
		}
	}
	return found, nil
}
