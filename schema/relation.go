package schema

import (
	"context"
	"fmt"

	"github.com/graph-gophers/graphql-go"

	"github.com/chancery/chancery/graph"
)

// relationResolver resolves Relation. Its ends come from the request's
// loader, which the connection that produced it has primed.
type relationResolver struct {
	rel  *graph.Relation
	ld   *loader
	ends *relationEnds
}

// relationEnds groups the ends of one list of relations: the from entities
// of every relation are siblings, and so are the to and the context ones.
type relationEnds struct{ from, to, context *siblings }

// newRelations resolves the relations of one list.
func newRelations(ld *loader, rels []*graph.Relation) []*relationResolver {
	ends := &relationEnds{newSiblings(), newSiblings(), newSiblings()}
	out := make([]*relationResolver, len(rels))
	for i, rel := range rels {
		ends.from.ids = append(ends.from.ids, rel.From)
		ends.to.ids = append(ends.to.ids, rel.To)
		if rel.Context != "" {
			ends.context.ids = append(ends.context.ids, rel.Context)
		}
		out[i] = &relationResolver{rel: rel, ld: ld, ends: ends}
	}
	return out
}

// ID resolves Relation.id.
func (r *relationResolver) ID() graphql.ID { return graphql.ID(r.rel.ID) }

// Type resolves Relation.type.
func (r *relationResolver) Type() string { return string(r.rel.Type) }

// From resolves Relation.from.
func (r *relationResolver) From(ctx context.Context) (*entityResolver, error) {
	return r.end(ctx, "from", r.rel.From, r.ends.from)
}

// To resolves Relation.to.
func (r *relationResolver) To(ctx context.Context) (*entityResolver, error) {
	return r.end(ctx, "to", r.rel.To, r.ends.to)
}

// Context resolves Relation.context.
func (r *relationResolver) Context(ctx context.Context) (*entityResolver, error) {
	if r.rel.Context == "" {
		return nil, nil
	}
	return r.end(ctx, "context", r.rel.Context, r.ends.context)
}

func (r *relationResolver) end(ctx context.Context, which string, id graph.ID, sib *siblings) (*entityResolver, error) {
	e, err := r.ld.entity(ctx, id)
	if err != nil {
		return nil, toAPI(ctx, r.ld.log, err)
	}
	if e == nil {
		// The store refuses relations to missing entities, so this is damage.
		return nil, toAPI(ctx, r.ld.log, fmt.Errorf("relation %s: %s entity %s is missing", r.rel.ID, which, id))
	}
	return &entityResolver{e: e, ld: r.ld, sib: sib}, nil
}

// ValidFrom resolves Relation.validFrom.
func (r *relationResolver) ValidFrom() *Date { return dateOrNil(r.rel.Period.From) }

// ValidTo resolves Relation.validTo.
func (r *relationResolver) ValidTo() *Date { return dateOrNil(r.rel.Period.To) }

// Role resolves Relation.role.
func (r *relationResolver) Role() *string { return optional(r.rel.Role) }

// Note resolves Relation.note.
func (r *relationResolver) Note() *string { return optional(r.rel.Note) }

// Sources resolves Relation.sources.
func (r *relationResolver) Sources() []source { return sources(r.rel.Sources) }

// relationConnection resolves RelationConnection.
type relationConnection struct {
	page *graph.RelationPage
	ld   *loader
}

// relations runs q and primes the loader with the ends of the page, so that
// resolving from, to and context reads the store once for the whole page.
// It counts the total only when the query selects totalCount.
func relations(ctx context.Context, ld *loader, q graph.RelationQuery) (*relationConnection, error) {
	q.CountTotal = graphql.HasSelectedField(ctx, "totalCount")
	page, err := ld.r.Relations(ctx, q)
	if err != nil {
		return nil, toAPI(ctx, ld.log, err)
	}
	ld.wantRelations(page.Relations)
	return &relationConnection{page: page, ld: ld}, nil
}

// Edges resolves RelationConnection.edges.
func (c *relationConnection) Edges() []relationEdge {
	out := make([]relationEdge, len(c.page.Relations))
	for i, rel := range newRelations(c.ld, c.page.Relations) {
		out[i] = relationEdge{cursor: c.page.Cursors[i], node: rel}
	}
	return out
}

// PageInfo resolves RelationConnection.pageInfo.
func (c *relationConnection) PageInfo() pageInfo { return newPageInfo(c.page.Cursors, c.page.HasNext) }

// TotalCount resolves RelationConnection.totalCount.
func (c *relationConnection) TotalCount() int32 { return int32(c.page.Total) }

// relationEdge resolves RelationEdge.
type relationEdge struct {
	cursor string
	node   *relationResolver
}

// Cursor resolves RelationEdge.cursor.
func (e relationEdge) Cursor() string { return e.cursor }

// Node resolves RelationEdge.node.
func (e relationEdge) Node() *relationResolver { return e.node }

// pageInfo resolves PageInfo.
type pageInfo struct {
	start, end *string
	next       bool
}

func newPageInfo(cursors []string, next bool) pageInfo {
	if len(cursors) == 0 {
		return pageInfo{next: next}
	}
	return pageInfo{start: &cursors[0], end: &cursors[len(cursors)-1], next: next}
}

// HasNextPage resolves PageInfo.hasNextPage.
func (p pageInfo) HasNextPage() bool { return p.next }

// HasPreviousPage resolves PageInfo.hasPreviousPage. Pages are read
// forwards only, which the Relay specification allows to report as false.
func (p pageInfo) HasPreviousPage() bool { return false }

// StartCursor resolves PageInfo.startCursor.
func (p pageInfo) StartCursor() *string { return p.start }

// EndCursor resolves PageInfo.endCursor.
func (p pageInfo) EndCursor() *string { return p.end }

// pageArgs checks first and after and copies them into a query. A first
// that is null (an unset variable) means the default page size.
func pageArgs(first graphql.NullInt, after *string, qFirst *int, qAfter *string) error {
	n := intArg(first, graph.DefaultPageSize)
	if n < 0 || n > graph.MaxPageSize {
		return invalid("first is %d; ask for between 0 and %d items a page and follow pageInfo.endCursor for more", n, graph.MaxPageSize)
	}
	*qFirst = n
	if after != nil {
		*qAfter = *after
	}
	return nil
}

// intArg returns an optional Int argument, or def when it is null. The
// schema gives defaults too, but a variable that the request leaves unset
// arrives as null.
func intArg(v graphql.NullInt, def int) int {
	if v.Value == nil {
		return def
	}
	return int(*v.Value)
}

// relationTypes converts the types argument.
func relationTypes(types *[]string) ([]graph.RelationType, error) {
	if types == nil {
		return nil, nil
	}
	out := make([]graph.RelationType, len(*types))
	for i, t := range *types {
		rt, err := graph.ParseRelationType(t)
		if err != nil {
			return nil, invalid("%s", graph.ErrorMessage(err))
		}
		out[i] = rt
	}
	return out, nil
}

// id checks an ID argument.
func parseID(arg string, s graphql.ID) (graph.ID, error) {
	id, err := graph.ParseID(string(s))
	if err != nil {
		return "", invalid("%s: %s", arg, graph.ErrorMessage(err))
	}
	return id, nil
}
