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

// loaderFrom returns the request's loader. Exec always installs one.
func loaderFrom(ctx context.Context) *loader {
	return ctx.Value(loaderKey{}).(*loader)
}

// want notes ids that are likely to be resolved soon.
func (l *loader) want(ids ...graph.ID) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range ids {
		if id == "" {
			continue
		}
		if _, ok := l.cache[id]; !ok {
			l.pending[id] = struct{}{}
		}
	}
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
