package schema

import (
	"context"

	"github.com/graph-gophers/graphql-go"

	"github.com/chancery/chancery/graph"
)

type searchArgs struct {
	Text  string
	Kinds *[]string
	First graphql.NullInt
}

// Search resolves Query.search.
func (query) Search(ctx context.Context, args searchArgs) ([]*searchHit, error) {
	ld := loaderFrom(ctx)
	q := graph.SearchQuery{Text: args.Text, First: intArg(args.First, graph.DefaultSearchResults)}
	if args.Kinds != nil {
		for _, k := range *args.Kinds {
			q.Kinds = append(q.Kinds, graph.Kind(k))
		}
	}
	hits, err := ld.r.Search(ctx, q)
	if err != nil {
		return nil, toAPI(ctx, ld.log, err)
	}
	es := make([]*graph.Entity, len(hits))
	for i, h := range hits {
		es[i] = h.Entity
	}
	out := make([]*searchHit, len(hits))
	for i, e := range newEntities(ld, es, graph.When{}) {
		out[i] = &searchHit{h: hits[i], entity: e}
	}
	return out, nil
}

// searchHit resolves SearchHit.
type searchHit struct {
	h      graph.SearchHit
	entity *entityResolver
}

// Entity resolves SearchHit.entity.
func (s *searchHit) Entity() *entityResolver { return s.entity }

// Matched resolves SearchHit.matched.
func (s *searchHit) Matched() string { return s.h.Matched }

// Score resolves SearchHit.score.
func (s *searchHit) Score() float64 { return s.h.Score }
