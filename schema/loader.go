package schema

import (
	"context"
	"log/slog"
	"slices"
	"sync"

	"github.com/chancery/chancery/graph"
)

// loader serves the entities one request needs, reading the store in
// batches. A resolver that is about to hand out relations announces the ids
// at their ends with want; the first entity asked for afterwards loads every
// wanted id in one EntitiesByID call. graphql-go resolves fields
// concurrently, so the loader is guarded by a mutex.
type loader struct {
	r   graph.Reader
	log *slog.Logger

	mu      sync.Mutex
	cache   map[graph.ID]*graph.Entity // nil value: known not to exist
	pending map[graph.ID]struct{}
}

func newLoader(r graph.Reader, log *slog.Logger) *loader {
	return &loader{r: r, log: log, cache: map[graph.ID]*graph.Entity{}, pending: map[graph.ID]struct{}{}}
}

type loaderKey struct{}

// withLoader returns ctx carrying l, so that every resolver of one request
// shares it.
func withLoader(ctx context.Context, l *loader) context.Context {
	return context.WithValue(ctx, loaderKey{}, l)
}

// loaderFrom returns the request's loader, which Run installs.
func loaderFrom(ctx context.Context) *loader {
	return ctx.Value(loaderKey{}).(*loader)
}

// want notes ids that are likely to be resolved soon.
func (l *loader) want(ids ...graph.ID) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.wantLocked(ids...)
}

func (l *loader) wantLocked(ids ...graph.ID) {
	for _, id := range ids {
		if id == "" {
			continue
		}
		if _, ok := l.cache[id]; !ok {
			l.pending[id] = struct{}{}
		}
	}
}

// prime adds entities a traversal has already read to the cache, so that
// resolving them again, as the ends of the relations it returns, reads
// nothing.
func (l *loader) prime(es ...*graph.Entity) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range es {
		if e != nil {
			l.cache[e.ID] = e
			delete(l.pending, e.ID)
		}
	}
}

// forget drops every entity read so far, after a write, so that what the
// request resolves next reads the store as the write left it.
func (l *loader) forget() {
	l.mu.Lock()
	defer l.mu.Unlock()
	clear(l.cache)
}

// wantRelations notes the ends and contexts of rels.
func (l *loader) wantRelations(rels []*graph.Relation) {
	ids := make([]graph.ID, 0, 3*len(rels))
	for _, r := range rels {
		ids = append(ids, r.From, r.To, r.Context)
	}
	l.want(ids...)
}

// entity returns the entity with the given id, or nil if there is none.
func (l *loader) entity(ctx context.Context, id graph.ID) (*graph.Entity, error) {
	m, err := l.entities(ctx, []graph.ID{id})
	if err != nil {
		return nil, err
	}
	return m[id], nil
}

// entities returns the entities with the given ids that exist, loading the
// missing ones together with everything pending in one read.
func (l *loader) entities(ctx context.Context, ids []graph.ID) (map[graph.ID]*graph.Entity, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range ids {
		if _, ok := l.cache[id]; !ok {
			l.pending[id] = struct{}{}
		}
	}
	if len(l.pending) > 0 {
		batch := make([]graph.ID, 0, len(l.pending))
		for id := range l.pending {
			batch = append(batch, id)
		}
		slices.Sort(batch)
		found, err := l.r.EntitiesByID(ctx, batch)
		if err != nil {
			return nil, err
		}
		for _, id := range batch {
			l.cache[id] = found[id]
		}
		clear(l.pending)
	}
	out := make(map[graph.ID]*graph.Entity, len(ids))
	for _, id := range ids {
		if e := l.cache[id]; e != nil {
			out[id] = e
		}
	}
	return out, nil
}

// siblings are the entities that one list field resolved: the items of a
// page or of search hits, the nodes of a subgraph or a path, the from ends
// of a page of relations. GraphQL resolves the same selection on each of
// them, so what the first asks of the store the loader asks for the whole
// group at once: a page of missions that each show their sender costs one
// read of relations, not one per mission.
type siblings struct {
	ids []graph.ID
	// have holds what was read for the group, by question, then by id.
	have map[adjacencyKey]map[graph.ID]*graph.Adjacency
	// far holds, by question, the entities at the far ends of what was
	// read: siblings too, one group for the same field of every member.
	far map[adjacencyKey]*siblings
}

func newSiblings(ids ...graph.ID) *siblings {
	return &siblings{ids: ids, have: map[adjacencyKey]map[graph.ID]*graph.Adjacency{}, far: map[adjacencyKey]*siblings{}}
}

// adjacencyKey identifies one question asked of a group's relations.
type adjacencyKey struct {
	types string
	dir   graph.Direction
	asOf  graph.Date
	poss  bool
	limit int
	slim  bool
}

func keyOf(q graph.AdjacencyQuery) adjacencyKey {
	var types []byte
	for _, t := range q.Types {
		types = append(types, byte(t.Index()))
	}
	return adjacencyKey{types: string(types), dir: q.Direction, asOf: q.AsOf, poss: q.Possible, limit: q.Limit, slim: q.Slim}
}

// adjacent answers q (whose IDs it ignores) for id, reading the same for
// every sibling of id not read yet in one store call, and primes the
// entity cache with the ends of what it read. It also returns the group of
// the far ends, so that entities resolved from them are siblings in turn.
func (l *loader) adjacent(ctx context.Context, sib *siblings, id graph.ID, q graph.AdjacencyQuery) (*graph.Adjacency, *siblings, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	have, far := sib.answers(keyOf(q))
	if a, ok := have[id]; ok {
		return a, far, nil
	}
	q.IDs = sib.unanswered(have, id)
	found, err := l.r.Adjacent(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	l.keepLocked(q.IDs, found, have, far)
	return have[id], far, nil
}

// answers returns what the group has read for the question k, by id, and
// the group of the far ends of those answers, each empty until the
// question is first asked.
func (sib *siblings) answers(k adjacencyKey) (map[graph.ID]*graph.Adjacency, *siblings) {
	if sib.have[k] == nil {
		sib.have[k] = map[graph.ID]*graph.Adjacency{}
		sib.far[k] = newSiblings()
	}
	return sib.have[k], sib.far[k]
}

// unanswered lists id, then the members of the group that have no answer
// in have: those one store call reads for.
func (sib *siblings) unanswered(have map[graph.ID]*graph.Adjacency, id graph.ID) []graph.ID {
	ids := []graph.ID{id}
	for _, s := range sib.ids {
		if _, ok := have[s]; !ok && s != id {
			ids = append(ids, s)
		}
	}
	return ids
}

// keepLocked records in have the answer found for each of ids (an empty
// one where the store had none), wants the ends of every relation read,
// and adds their far ends to the group far. l.mu must be held.
func (l *loader) keepLocked(ids []graph.ID, found, have map[graph.ID]*graph.Adjacency, far *siblings) {
	for _, id := range ids {
		a := found[id]
		if a == nil {
			a = &graph.Adjacency{}
		}
		have[id] = a
		for _, r := range a.Relations {
			l.wantLocked(r.From, r.To, r.Context)
			far.ids = append(far.ids, r.Other(id))
		}
	}
}
