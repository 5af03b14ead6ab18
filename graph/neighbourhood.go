package graph

import (
	"context"
	"slices"
)

// Subgraph is a set of entities and the relations among them, ready to
// draw.
type Subgraph struct {
	Nodes     []*Entity
	Relations []*Relation
	// Truncated is true when the limit left out relations (and the
	// entities only they reached).
	Truncated bool
}

// NeighbourhoodQuery asks for everything within Depth hops of ID.
type NeighbourhoodQuery struct {
	ID        ID
	Depth     int            // 1..MaxDepth
	Types     []RelationType // empty: every type
	Direction Direction      // OUT follows from -> to at each hop, IN to -> from, BOTH either
	AsOf      Date
	Limit     int // relations, 1..MaxSubgraph
}

// Neighbourhood returns the entities and relations within q.Depth hops of
// q.ID, breadth first, so that when the limit cuts the answer what is left
// out is what lies furthest. The entity itself comes first. As of a date,
// entities and relations outside their periods are left out, and so is
// what lies only beyond them.
func Neighbourhood(ctx context.Context, r Reader, q NeighbourhoodQuery) (*Subgraph, error) {
	if q.Depth < 1 || q.Depth > MaxDepth {
		return nil, Errorf(EINVALID, "depth is %d; it must be between 1 and %d", q.Depth, MaxDepth)
	}
	if q.Limit < 1 || q.Limit > MaxSubgraph {
		return nil, Errorf(EINVALID, "limit is %d; it must be between 1 and %d", q.Limit, MaxSubgraph)
	}
	if q.Direction == "" {
		q.Direction = Both
	}
	root, err := r.Entity(ctx, q.ID)
	if err != nil {
		return nil, err
	}
	sub := &Subgraph{}
	if !root.Period.Holds(q.AsOf) {
		return sub, nil
	}
	sub.Nodes = append(sub.Nodes, root)
	inSub := map[ID]bool{root.ID: true}
	haveRel := map[string]bool{}
	frontier := []ID{root.ID}
	for depth := 1; depth <= q.Depth && len(frontier) > 0; depth++ {
		var next []ID
		var found []*Relation
		for _, id := range frontier {
			rels, more, err := adjacent(ctx, r, id, q.Types, q.Direction, q.AsOf)
			if err != nil {
				return nil, err
			}
			sub.Truncated = sub.Truncated || more
			for _, rel := range rels {
				if haveRel[rel.ID] {
					continue
				}
				haveRel[rel.ID] = true
				found = append(found, rel)
				for _, end := range []ID{rel.From, rel.To} {
					if !inSub[end] && !slices.Contains(next, end) {
						next = append(next, end)
					}
				}
			}
		}
		alive, err := living(ctx, r, next, q.AsOf)
		if err != nil {
			return nil, err
		}
		var reached []ID
		for _, rel := range found {
			if (!inSub[rel.From] && alive[rel.From] == nil) || (!inSub[rel.To] && alive[rel.To] == nil) {
				continue // an end does not exist as of the date
			}
			if len(sub.Relations) == q.Limit {
				sub.Truncated = true
				break
			}
			sub.Relations = append(sub.Relations, rel)
			for _, end := range []ID{rel.From, rel.To} {
				if !inSub[end] {
					inSub[end] = true
					sub.Nodes = append(sub.Nodes, alive[end])
					reached = append(reached, end)
				}
			}
		}
		if sub.Truncated {
			break
		}
		frontier = reached
	}
	return sub, nil
}
