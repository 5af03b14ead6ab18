package export

import (
	"context"
	"fmt"
	"slices"

	"github.com/chancery/chancery/graph"
)

// Subgraph returns everything within scope.Depth hops of scope.IDs, breadth
// first from all of them at once, with graph.Neighbourhood's semantics: the
// entities themselves come first; a relation is followed in
// scope.Direction if it is of one of scope.Types; as of scope.AsOf, an
// entity or relation outside its period is left out, and so is what lies
// only beyond it. Unlike a neighbourhood it reads every relation of a hub
// (a page at a time past graph.MaxAdjacency), has no depth cap, and a
// relation's context entity comes too (as a node, not as a step of the
// walk), so that everything a relation names is in the export. An id that
// does not exist is an ENOTFOUND error; a subgraph of more than scope.Limit
// relations is an error wrapping ErrLimit rather than a silently partial
// export.
func Subgraph(ctx context.Context, r graph.Reader, scope Scope) (*graph.Subgraph, error) {
	switch {
	case len(scope.IDs) == 0:
		return nil, graph.Errorf(graph.EINVALID, "a subgraph needs at least one entity id to start from")
	case scope.Depth < 0:
		return nil, graph.Errorf(graph.EINVALID, "depth is %d; it must be 0 or more", scope.Depth)
	case scope.Limit < 0 || scope.Limit > MaxLimit:
		return nil, graph.Errorf(graph.EINVALID, "limit is %d; it must be between 1 and %d", scope.Limit, MaxLimit)
	}
	if scope.Limit == 0 {
		scope.Limit = DefaultLimit
	}
	if scope.Direction == "" {
		scope.Direction = graph.Both
	}
	roots, err := r.EntitiesByID(ctx, scope.IDs)
	if err != nil {
		return nil, fmt.Errorf("read entities: %w", err)
	}
	t := &traversal{r: r, scope: scope, sub: &graph.Subgraph{},
		nodes: map[graph.ID]bool{}, reached: map[graph.ID]bool{}, haveRel: map[string]bool{}}
	var frontier []graph.ID
	for _, id := range scope.IDs {
		e := roots[id]
		switch {
		case e == nil:
			return nil, graph.Errorf(graph.ENOTFOUND, "no entity with id %s", id)
		case t.reached[id] || !e.Period.Holds(scope.AsOf):
			continue
		}
		t.reached[id] = true
		t.add(e)
		frontier = append(frontier, id)
	}
	for depth := 1; depth <= scope.Depth && len(frontier) > 0; depth++ {
		var next []graph.ID
		for chunk := range slices.Chunk(frontier, frontierChunk) {
			reached, err := t.expand(ctx, chunk)
			if err != nil {
				return nil, err
			}
			next = append(next, reached...)
		}
		frontier = next
	}
	return t.sub, nil
}

// frontierChunk is how many entities of a frontier one store read expands.
const frontierChunk = 64

// traversal is the state of one Subgraph walk.
type traversal struct {
	r     graph.Reader
	scope Scope
	sub   *graph.Subgraph
	// nodes are the entities in sub.Nodes; reached are those the walk has
	// stepped on, which a context entity is not until a relation leads to it.
	nodes, reached map[graph.ID]bool
	haveRel        map[string]bool
}

func (t *traversal) add(e *graph.Entity) {
	t.nodes[e.ID] = true
	t.sub.Nodes = append(t.sub.Nodes, e)
}

// expand adds the relations of the entities in ids and returns the entities
// they reach for the first time. A hub's relations past the first
// graph.MaxAdjacency are read a page at a time from where Adjacent stopped.
func (t *traversal) expand(ctx context.Context, ids []graph.ID) ([]graph.ID, error) {
	s := t.scope
	adj, err := t.r.Adjacent(ctx, graph.AdjacencyQuery{IDs: ids, Direction: s.Direction, Types: s.Types, AsOf: s.AsOf})
	if err != nil {
		return nil, fmt.Errorf("read relations: %w", err)
	}
	var batch []*graph.Relation
	type hub struct {
		id    graph.ID
		after string
	}
	var hubs []hub
	for _, id := range ids {
		a := adj[id]
		if a == nil {
			continue
		}
		batch = append(batch, a.Relations...)
		if a.More && len(a.Cursors) > 0 {
			hubs = append(hubs, hub{id, a.Cursors[len(a.Cursors)-1]})
		}
	}
	reached, err := t.accept(ctx, batch)
	if err != nil {
		return nil, err
	}
	for _, h := range hubs {
		for after := h.after; ; {
			page, err := t.r.Relations(ctx, graph.RelationQuery{Of: h.id, Direction: s.Direction, Types: s.Types,
				AsOf: s.AsOf, First: graph.MaxPageSize, After: after})
			if err != nil {
				return nil, fmt.Errorf("read the relations of %s: %w", h.id, err)
			}
			more, err := t.accept(ctx, page.Relations)
			if err != nil {
				return nil, err
			}
			reached = append(reached, more...)
			if !page.HasNext || len(page.Cursors) == 0 {
				break
			}
			after = page.Cursors[len(page.Cursors)-1]
		}
	}
	return reached, nil
}

// accept adds the relations not seen before whose ends and context exist as
// of the date, and returns the ends they reach for the first time.
func (t *traversal) accept(ctx context.Context, rels []*graph.Relation) ([]graph.ID, error) {
	var fresh []*graph.Relation
	var unknown []graph.ID
	for _, rel := range rels {
		if t.haveRel[rel.ID] {
			continue
		}
		t.haveRel[rel.ID] = true
		fresh = append(fresh, rel)
		for _, id := range named(rel) {
			if !t.nodes[id] {
				unknown = append(unknown, id)
			}
		}
	}
	alive, err := living(ctx, t.r, unknown, t.scope.AsOf)
	if err != nil {
		return nil, err
	}
	var reached []graph.ID
	for _, rel := range fresh {
		if slices.ContainsFunc(named(rel), func(id graph.ID) bool { return !t.nodes[id] && alive[id] == nil }) {
			continue // it names an entity that does not exist as of the date
		}
		if len(t.sub.Relations) == t.scope.Limit {
			return nil, fmt.Errorf("%w: more than %d relations", ErrLimit, t.scope.Limit)
		}
		t.sub.Relations = append(t.sub.Relations, rel)
		for _, id := range named(rel) {
			if !t.nodes[id] {
				t.add(alive[id])
			}
		}
		for _, id := range []graph.ID{rel.From, rel.To} {
			if !t.reached[id] {
				t.reached[id] = true
				reached = append(reached, id)
			}
		}
	}
	return reached, nil
}
