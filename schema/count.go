package schema

import (
	"context"

	"github.com/graph-gophers/graphql-go"

	"github.com/chancery/chancery/graph"
)

type countArgs struct {
	Kind    *string
	Types   *[]string
	GroupBy string
	AsOf    *Date
	Include string
	Limit   graphql.NullInt
}

// Count resolves Query.count. The store does the counting and names the
// buckets, so resolving them reads nothing more.
func (query) Count(ctx context.Context, args countArgs) ([]*bucketResolver, error) {
	ld := loaderFrom(ctx)
	w := when(args.AsOf, args.Include)
	q := graph.CountQuery{
		GroupBy:  graph.GroupBy(args.GroupBy),
		AsOf:     w.AsOf,
		Possible: w.Possible,
		Limit:    intArg(args.Limit, graph.DefaultCountBuckets),
	}
	if args.Kind != nil {
		q.Kind = graph.Kind(*args.Kind)
	}
	var err error
	if q.Types, err = relationTypes(args.Types); err != nil {
		return nil, err
	}
	buckets, err := ld.r.Count(ctx, q)
	if err != nil {
		return nil, toAPI(ctx, ld.log, err)
	}
	out := make([]*bucketResolver, len(buckets))
	for i := range buckets {
		out[i] = &bucketResolver{b: buckets[i]}
	}
	return out, nil
}

// bucketResolver resolves Bucket.
type bucketResolver struct{ b graph.Bucket }

// Key resolves Bucket.key.
func (r *bucketResolver) Key() string { return r.b.Key }

// Label resolves Bucket.label.
func (r *bucketResolver) Label() *string { return optional(r.b.Label) }

// Count resolves Bucket.count.
func (r *bucketResolver) Count() int32 { return int32(r.b.Count) }
