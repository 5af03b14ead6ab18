package schema

import (
	"context"
	"fmt"

	"github.com/graph-gophers/graphql-go"

	"github.com/chancery/chancery/graph"
)

// relationResolver resolves Relation. Its ends are read when the list it
// belongs to is made, all of the list's at once, so that from, to and
// context resolve without a store read of their own: graphql-go runs a
// field that needs a context or may fail in a goroutine of its own, and a
// list of 500 relations would start a thousand of them.
type relationResolver struct {
	// ID, Type, From and To resolve Relation.id, type, from and to, read
	// as fields, as entityResolver's are.
	ID       outID
	Type     string
	From, To *entityResolver

	rel     *graph.Relation
	context *entityResolver // nil when there is none
	at      graph.When      // what the query that returned it asked about
}

// newRelations resolves the relations of one list, reading the entities at
// their ends that the request's loader does not hold yet in one batch. The
// from ends of the list are siblings, and so are the to and the context
// ones.
func newRelations(ctx context.Context, ld *loader, rels []*graph.Relation, at graph.When) ([]*relationResolver, error) {
	ld.wantRelations(rels)
	ids := make([]graph.ID, 0, 3*len(rels))
	for _, rel := range rels {
		ids = append(ids, rel.From, rel.To)
		if rel.Context != "" {
			ids = append(ids, rel.Context)
		}
	}
	found, err := ld.entities(ctx, ids)
	if err != nil {
		return nil, toAPI(ctx, ld.log, err)
	}
	from, to, context := newSiblings(), newSiblings(), newSiblings()
	end := func(rel *graph.Relation, which string, id graph.ID, sib *siblings) (*entityResolver, error) {
		e := found[id]
		if e == nil {
			// The store refuses relations to missing entities, so this is damage.
			return nil, toAPI(ctx, ld.log, fmt.Errorf("relation %s: %s entity %s is missing", rel.ID, which, id))
		}
		sib.ids = append(sib.ids, id)
		return resolveEntity(ld, sib, e, at), nil
	}
	out := make([]*relationResolver, len(rels))
	for i, rel := range rels {
		r := &relationResolver{ID: outID(rel.ID), Type: string(rel.Type), rel: rel, at: at}
		if r.From, err = end(rel, "from", rel.From, from); err != nil {
			return nil, err
		}
		if r.To, err = end(rel, "to", rel.To, to); err != nil {
			return nil, err
		}
		if rel.Context != "" {
			if r.context, err = end(rel, "context", rel.Context, context); err != nil {
				return nil, err
			}
		}
		out[i] = r
	}
	return out, nil
}

// Context resolves Relation.context.
func (r *relationResolver) Context() *entityResolver { return r.context }

// ValidFrom resolves Relation.validFrom.
func (r *relationResolver) ValidFrom() *outDate { return dateOrNil(r.rel.Period.From) }

// ValidTo resolves Relation.validTo.
func (r *relationResolver) ValidTo() *outDate { return dateOrNil(r.rel.Period.To) }

// Role resolves Relation.role.
func (r *relationResolver) Role() *string { return optional(r.rel.Role) }

// Note resolves Relation.note.
func (r *relationResolver) Note() *string { return optional(r.rel.Note) }

// Sources resolves Relation.sources.
func (r *relationResolver) Sources() []source { return sources(r.rel.Sources) }

// wholeRelations reports whether the relations listed at path, in the
// selection below the field being resolved, must be read whole: when it
// shows their sources or note, which a slim read (graph.AdjacencyQuery.Slim)
// leaves out to skip most of each record. A selection that does not show
// the relations at all reads them whole, as one graphql-go gives no
// selection for would.
func wholeRelations(ctx context.Context, path string) bool {
	return !graphql.HasSelectedField(ctx, path) ||
		graphql.HasSelectedField(ctx, path+".sources") || graphql.HasSelectedField(ctx, path+".note")
}

// relationConnection resolves RelationConnection.
type relationConnection struct {
	page *graph.RelationPage
	ld   *loader
	at   graph.When // what the query asked about
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
	return &relationConnection{page: page, ld: ld, at: graph.When{AsOf: q.AsOf, Possible: q.Possible}}, nil
}

// Edges resolves RelationConnection.edges.
func (c *relationConnection) Edges(ctx context.Context) ([]relationEdge, error) {
	rels, err := newRelations(ctx, c.ld, c.page.Relations, c.at)
	if err != nil {
		return nil, err
	}
	out := make([]relationEdge, len(rels))
	for i, rel := range rels {
		out[i] = relationEdge{cursor: c.page.Cursors[i], node: rel}
	}
	return out, nil
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
