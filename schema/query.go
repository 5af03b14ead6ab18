package schema

import (
	"context"

	"github.com/graph-gophers/graphql-go"

	"github.com/chancery/chancery/graph"
)

// query resolves the Query type. It holds nothing per request: the
// request's loader travels in the context.
type query struct{}

type idArgs struct{ ID graphql.ID }

// Node resolves Query.node: an entity or a relation, or null when no such
// id is stored.
func (query) Node(ctx context.Context, args idArgs) (*nodeResolver, error) {
	ld := loaderFrom(ctx)
	if graph.IsRelationID(string(args.ID)) {
		rel, err := ld.r.Relation(ctx, string(args.ID))
		if graph.IsNotFound(err) {
			return nil, nil
		}
		if err != nil {
			return nil, toAPI(ctx, ld.log, err)
		}
		rels, err := newRelations(ctx, ld, []*graph.Relation{rel}, graph.When{})
		if err != nil {
			return nil, err
		}
		return &nodeResolver{rel: rels[0]}, nil
	}
	e, err := entityArg(ctx, ld, "id", args.ID)
	if e == nil || err != nil {
		return nil, err
	}
	return &nodeResolver{entity: e}, nil
}

// Entity resolves Query.entity: null when no entity has the id.
func (query) Entity(ctx context.Context, args idArgs) (*entityResolver, error) {
	return entityArg(ctx, loaderFrom(ctx), "id", args.ID)
}

func entityArg(ctx context.Context, ld *loader, arg string, s graphql.ID) (*entityResolver, error) {
	id, err := parseID(arg, s)
	if err != nil {
		return nil, err
	}
	e, err := ld.entity(ctx, id)
	if err != nil {
		return nil, toAPI(ctx, ld.log, err)
	}
	return newEntity(ld, e), nil
}

type entitiesArgs struct {
	Kind    *string
	AsOf    *Date
	Include string
	First   graphql.NullInt
	After   *string
}

// Entities resolves Query.entities.
func (query) Entities(ctx context.Context, args entitiesArgs) (*entityConnection, error) {
	ld := loaderFrom(ctx)
	w := when(args.AsOf, args.Include)
	q := graph.EntityQuery{AsOf: w.AsOf, Possible: w.Possible, CountTotal: graphql.HasSelectedField(ctx, "totalCount")}
	if args.Kind != nil {
		q.Kind = graph.Kind(*args.Kind)
	}
	if err := pageArgs(args.First, args.After, &q.First, &q.After); err != nil {
		return nil, err
	}
	page, err := ld.r.Entities(ctx, q)
	if err != nil {
		return nil, toAPI(ctx, ld.log, err)
	}
	return &entityConnection{page: page, ld: ld, at: w}, nil
}

type queryRelationsArgs struct {
	Types   *[]string
	From    *graphql.ID
	To      *graphql.ID
	Context *graphql.ID
	AsOf    *Date
	Include string
	First   graphql.NullInt
	After   *string
}

// Relations resolves Query.relations.
func (query) Relations(ctx context.Context, args queryRelationsArgs) (*relationConnection, error) {
	w := when(args.AsOf, args.Include)
	q := graph.RelationQuery{AsOf: w.AsOf, Possible: w.Possible}
	if err := pageArgs(args.First, args.After, &q.First, &q.After); err != nil {
		return nil, err
	}
	var err error
	if q.Types, err = relationTypes(args.Types); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name string
		arg  *graphql.ID
		dst  *graph.ID
	}{{"from", args.From, &q.From}, {"to", args.To, &q.To}, {"context", args.Context, &q.Context}} {
		if f.arg == nil {
			continue
		}
		if *f.dst, err = parseID(f.name, *f.arg); err != nil {
			return nil, err
		}
	}
	q.Slim = !wholeRelations(ctx, "edges.node")
	return relations(ctx, loaderFrom(ctx), q)
}

// nodeResolver resolves the Node interface: one of an entity or a relation.
type nodeResolver struct {
	entity *entityResolver
	rel    *relationResolver
}

// ID resolves Node.id.
func (n *nodeResolver) ID() outID {
	if n.rel != nil {
		return n.rel.ID
	}
	return n.entity.ID
}

// ToRelation converts to Relation.
func (n *nodeResolver) ToRelation() (*relationResolver, bool) { return n.rel, n.rel != nil }

// ToCountry converts to Country.
func (n *nodeResolver) ToCountry() (*countryResolver, bool) {
	if n.entity == nil {
		return nil, false
	}
	return n.entity.ToCountry()
}

// ToTerritory converts to Territory.
func (n *nodeResolver) ToTerritory() (*territoryResolver, bool) {
	if n.entity == nil {
		return nil, false
	}
	return n.entity.ToTerritory()
}

// ToOrganisation converts to Organisation.
func (n *nodeResolver) ToOrganisation() (*organisationResolver, bool) {
	if n.entity == nil {
		return nil, false
	}
	return n.entity.ToOrganisation()
}

// ToMission converts to Mission.
func (n *nodeResolver) ToMission() (*missionResolver, bool) {
	if n.entity == nil {
		return nil, false
	}
	return n.entity.ToMission()
}

// ToCity converts to City.
func (n *nodeResolver) ToCity() (*cityResolver, bool) {
	if n.entity == nil {
		return nil, false
	}
	return n.entity.ToCity()
}

// ToPerson converts to Person.
func (n *nodeResolver) ToPerson() (*personResolver, bool) {
	if n.entity == nil {
		return nil, false
	}
	return n.entity.ToPerson()
}

// ToAgreement converts to Agreement.
func (n *nodeResolver) ToAgreement() (*agreementResolver, bool) {
	if n.entity == nil {
		return nil, false
	}
	return n.entity.ToAgreement()
}

// entityConnection resolves EntityConnection.
type entityConnection struct {
	page *graph.EntityPage
	ld   *loader
	at   graph.When // what the query asked about
}

// Edges resolves EntityConnection.edges.
func (c *entityConnection) Edges() []entityEdge {
	out := make([]entityEdge, len(c.page.Entities))
	for i, e := range newEntities(c.ld, c.page.Entities, c.at) {
		out[i] = entityEdge{cursor: c.page.Cursors[i], node: e}
	}
	return out
}

// PageInfo resolves EntityConnection.pageInfo.
func (c *entityConnection) PageInfo() pageInfo { return newPageInfo(c.page.Cursors, c.page.HasNext) }

// TotalCount resolves EntityConnection.totalCount.
func (c *entityConnection) TotalCount() int32 { return int32(c.page.Total) }

// entityEdge resolves EntityEdge.
type entityEdge struct {
	cursor string
	node   *entityResolver
}

// Cursor resolves EntityEdge.cursor.
func (e entityEdge) Cursor() string { return e.cursor }

// Node resolves EntityEdge.node.
func (e entityEdge) Node() *entityResolver { return e.node }
