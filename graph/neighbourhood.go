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
	Possible  bool // with AsOf, what may have held too; see When
	Limit     int  // relations, 1..MaxSubgraph
	// Slim asks for relations that hold only what a traversal follows
	// (AdjacencyQuery.Slim), for a caller that shows neither their
	// sources nor their note: most of each record is left unread.
	Slim bool
}

// when is the moment the query asks about.
func (q NeighbourhoodQuery) when() When { return When{AsOf: q.AsOf, Possible: q.Possible} }

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
	if !q.when().Admits(root.Period) {
		return sub, nil
	}
	sub.Nodes = append(sub.Nodes, root)
	n := &neighbourhood{r: r, q: q, sub: sub, inSub: map[ID]bool{root.ID: true}, haveRel: map[string]bool{}}
	frontier := []ID{root.ID}
	for depth := 1; depth <= q.Depth && len(frontier) > 0 && !sub.Truncated; depth++ {
		var reached []ID
		for chunk := range slices.Chunk(frontier, frontierChunk) {
			r, err := n.expand(ctx, chunk)
			if err != nil {
				return nil, err
			}
			reached = append(reached, r...)
			if sub.Truncated {
				break
			}
		}
		frontier = reached
	}
	return sub, nil
}

// frontierChunk is how many entities of a frontier one store read expands,
// so that a limit reached early stops the reading early.
const frontierChunk = 64

// neighbourhood is the state of one Neighbourhood search.
type neighbourhood struct {
	r       Reader
	q       NeighbourhoodQuery
	sub     *Subgraph
	inSub   map[ID]bool
	haveRel map[string]bool
}

// expand adds the relations of the entities in ids, in order, up to the
// limit, and returns the entities they reach for the first time. It reads
// the entities' relations in one batch, at most as many of them in all as
// could still enter the answer past the ones already found (which recur,
// as the relation back to the parent does), so that hubs of millions of
// relations cost what the limit allows and no more.
func (n *neighbourhood) expand(ctx context.Context, ids []ID) ([]ID, error) {
	q := n.q
	room := min(MaxAdjacency, q.Limit-len(n.sub.Relations)+len(n.haveRel)+1)
	adj, err := n.r.Adjacent(ctx, AdjacencyQuery{
		IDs: ids, Direction: q.Direction, Types: q.Types, AsOf: q.AsOf, Possible: q.Possible,
		Limit: room, Total: room, Slim: q.Slim,
	})
	if err != nil {
		return nil, err
	}
	var found []*Relation
	var ends []ID
	for _, id := range ids {
		a := adj[id]
		if a == nil {
			// Not read: the batch filled up before it, so what it has
			// already fills the answer.
			n.sub.Truncated = true
			continue
		}
		n.sub.Truncated = n.sub.Truncated || a.More
		for _, rel := range a.Relations {
			if n.haveRel[rel.ID] {
				continue
			}
			n.haveRel[rel.ID] = true
			found = append(found, rel)
			for _, end := range []ID{rel.From, rel.To} {
				if !n.inSub[end] {
					ends = append(ends, end)
				}
			}
		}
	}
	alive, err := living(ctx, n.r, ends, q.when())
	if err != nil {
		return nil, err
	}
	var reached []ID
	for _, rel := range found {
		if (!n.inSub[rel.From] && alive[rel.From] == nil) || (!n.inSub[rel.To] && alive[rel.To] == nil) {
			continue // an end does not exist as of the date
		}
		if len(n.sub.Relations) == q.Limit {
			n.sub.Truncated = true
			break
		}
		n.sub.Relations = append(n.sub.Relations, rel)
		for _, end := range []ID{rel.From, rel.To} {
			if !n.inSub[end] {
				n.inSub[end] = true
				n.sub.Nodes = append(n.sub.Nodes, alive[end])
				reached = append(reached, end)
			}
		}
	}
	return reached, nil
}
