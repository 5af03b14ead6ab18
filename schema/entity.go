package schema

import (
	"context"
	"slices"

	"github.com/graph-gophers/graphql-go"

	"github.com/chancery/chancery/graph"
)

// entityResolver resolves the fields every entity has. The concrete types
// (countryResolver and the rest) embed it and add their own fields; it also
// resolves the Entity interface by converting to them.
type entityResolver struct {
	// ID, Kind and Name resolve Entity.id, kind and name, which graphql-go
	// reads as fields (graphql.UseFieldResolvers): reading a field costs
	// a fraction of calling a method through reflection, and an answer of
	// a neighbourhood holds thousands of them.
	ID   outID
	Kind string
	Name string

	e   *graph.Entity
	ld  *loader
	sib *siblings // the entities resolved beside it, for batched reads
	// at is what the query that returned the entity asked about: its
	// holding is as of that day.
	at graph.When
}

// resolveEntity resolves e, one of the group sib, returned by a query
// that asked about at.
func resolveEntity(ld *loader, sib *siblings, e *graph.Entity, at graph.When) *entityResolver {
	return &entityResolver{ID: outID(e.ID), Kind: string(e.Kind), Name: e.Name, e: e, ld: ld, sib: sib, at: at}
}

// newEntity resolves an entity that stands alone, such as the answer to
// Query.entity.
func newEntity(ld *loader, e *graph.Entity) *entityResolver {
	if e == nil {
		return nil
	}
	return resolveEntity(ld, newSiblings(e.ID), e, graph.When{})
}

// newEntities resolves the entities of one list as siblings, returned by a
// query that asked about at. A nil entity stays nil.
func newEntities(ld *loader, es []*graph.Entity, at graph.When) []*entityResolver {
	sib := newSiblings()
	for _, e := range es {
		if e != nil {
			sib.ids = append(sib.ids, e.ID)
		}
	}
	return entitiesIn(ld, sib, es, at)
}

// entitiesIn resolves entities that belong to the group sib.
func entitiesIn(ld *loader, sib *siblings, es []*graph.Entity, at graph.When) []*entityResolver {
	out := make([]*entityResolver, len(es))
	for i, e := range es {
		if e != nil {
			out[i] = resolveEntity(ld, sib, e, at)
		}
	}
	return out
}

// Aliases resolves Entity.aliases.
func (r *entityResolver) Aliases() []string {
	if r.e.Aliases == nil {
		return []string{}
	}
	return r.e.Aliases
}

// ValidFrom resolves Entity.validFrom.
func (r *entityResolver) ValidFrom() *outDate { return dateOrNil(r.e.From) }

// ValidTo resolves Entity.validTo.
func (r *entityResolver) ValidTo() *outDate { return dateOrNil(r.e.To) }

// Start resolves Entity.start.
func (r *entityResolver) Start() bound { return startOf(r.e.Period) }

// End resolves Entity.end.
func (r *entityResolver) End() bound { return endOf(r.e.Period) }

// AttestedFrom resolves Entity.attestedFrom.
func (r *entityResolver) AttestedFrom() *outDate { return dateOrNil(r.e.AttestedFrom) }

// AttestedTo resolves Entity.attestedTo: the latest attested date, which
// is attestedFrom when there is one.
func (r *entityResolver) AttestedTo() *outDate { return attestedTo(r.e.Period) }

// Holding resolves Entity.holding.
func (r *entityResolver) Holding(args holdingArgs) string {
	return r.e.Period.At(args.day(r.at)).String()
}

// Attributes resolves Entity.attributes, sorted by key.
func (r *entityResolver) Attributes() []attribute {
	keys := make([]string, 0, len(r.e.Attributes))
	for k := range r.e.Attributes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]attribute, len(keys))
	for i, k := range keys {
		out[i] = attribute{k, r.e.Attributes[k]}
	}
	return out
}

// Sources resolves Entity.sources.
func (r *entityResolver) Sources() []source { return sources(r.e.Sources) }

type relationsArgs struct {
	Types     *[]string
	Direction nullDirection
	AsOf      *Date
	Include   string
	First     graphql.NullInt
	After     *string
}

// Relations resolves Entity.relations.
func (r *entityResolver) Relations(ctx context.Context, args relationsArgs) (*relationConnection, error) {
	w := when(args.AsOf, args.Include)
	q := graph.RelationQuery{Of: r.e.ID, Direction: graph.Both, AsOf: w.AsOf, Possible: w.Possible}
	if args.Direction.value != "" {
		q.Direction = args.Direction.value
	}
	if err := pageArgs(args.First, args.After, &q.First, &q.After); err != nil {
		return nil, err
	}
	types, err := relationTypes(args.Types)
	if err != nil {
		return nil, err
	}
	q.Types = types
	q.Slim = !wholeRelations(ctx, "edges.node")
	// A page with its total is read in one transaction, so that the two
	// agree whatever is written meanwhile: one store call for this entity,
	// as the total alone would cost.
	if q.After != "" || q.First == 0 || graphql.HasSelectedField(ctx, "totalCount") {
		return relations(ctx, r.ld, q)
	}
	// A first page without its total is read for every sibling at once.
	adj, _, err := r.ld.adjacent(ctx, r.sib, r.e.ID, graph.AdjacencyQuery{
		Direction: q.Direction, Types: q.Types, AsOf: q.AsOf, Possible: q.Possible, Limit: q.First + 1, Slim: q.Slim,
	})
	if err != nil {
		return nil, toAPI(ctx, r.ld.log, err)
	}
	page := &graph.RelationPage{Relations: adj.Relations, Cursors: adj.Cursors, HasNext: adj.More}
	if len(page.Relations) > q.First {
		page.Relations, page.Cursors, page.HasNext = page.Relations[:q.First], page.Cursors[:q.First], true
	}
	return &relationConnection{page: page, ld: r.ld, at: w}, nil
}

// nullDirection is a Direction argument that may arrive as null (from an
// unset variable), which means the default.
type nullDirection struct{ value graph.Direction }

// ImplementsGraphQLType binds nullDirection to the Direction enum.
func (nullDirection) ImplementsGraphQLType(name string) bool { return name == "Direction" }

// UnmarshalGraphQL reads the enum value, or null.
func (d *nullDirection) UnmarshalGraphQL(input any) error {
	switch v := input.(type) {
	case nil:
		return nil
	case string:
		d.value = graph.Direction(v)
		return nil
	default:
		return invalid("direction is a %T; use OUT, IN or BOTH", input)
	}
}

// Nullable tells graphql-go that null is a valid input.
func (nullDirection) Nullable() {}

// attr returns the attribute with the given key, or nil.
func (r *entityResolver) attr(key string) *string {
	if v, ok := r.e.Attributes[key]; ok {
		return &v
	}
	return nil
}

// The conversions graphql-go uses to resolve the Entity and Node interfaces.

// ToCountry converts to Country.
func (r *entityResolver) ToCountry() (*countryResolver, bool) {
	return &countryResolver{*r}, r.e.Kind == graph.Country
}

// ToTerritory converts to Territory.
func (r *entityResolver) ToTerritory() (*territoryResolver, bool) {
	return &territoryResolver{*r}, r.e.Kind == graph.Territory
}

// ToOrganisation converts to Organisation.
func (r *entityResolver) ToOrganisation() (*organisationResolver, bool) {
	return &organisationResolver{*r}, r.e.Kind == graph.Organisation
}

// ToMission converts to Mission.
func (r *entityResolver) ToMission() (*missionResolver, bool) {
	return &missionResolver{*r}, r.e.Kind == graph.Mission
}

// ToCity converts to City.
func (r *entityResolver) ToCity() (*cityResolver, bool) {
	return &cityResolver{*r}, r.e.Kind == graph.City
}

// ToPerson converts to Person.
func (r *entityResolver) ToPerson() (*personResolver, bool) {
	return &personResolver{*r}, r.e.Kind == graph.Person
}

// ToAgreement converts to Agreement.
func (r *entityResolver) ToAgreement() (*agreementResolver, bool) {
	return &agreementResolver{*r}, r.e.Kind == graph.Agreement
}

// countryResolver resolves Country.
type countryResolver struct{ entityResolver }

// Iso2 resolves Country.iso2.
func (r *countryResolver) Iso2() *string { return r.attr(graph.AttrISO2) }

// Iso3 resolves Country.iso3.
func (r *countryResolver) Iso3() *string { return r.attr(graph.AttrISO3) }

// territoryResolver resolves Territory.
type territoryResolver struct{ entityResolver }

// Iso2 resolves Territory.iso2.
func (r *territoryResolver) Iso2() *string { return r.attr(graph.AttrISO2) }

// Iso3 resolves Territory.iso3.
func (r *territoryResolver) Iso3() *string { return r.attr(graph.AttrISO3) }

// organisationResolver resolves Organisation.
type organisationResolver struct{ entityResolver }

// cityResolver resolves City.
type cityResolver struct{ entityResolver }

// personResolver resolves Person.
type personResolver struct{ entityResolver }

// agreementResolver resolves Agreement.
type agreementResolver struct{ entityResolver }

// attribute resolves Attribute.
type attribute struct{ key, value string }

// Key resolves Attribute.key.
func (a attribute) Key() string { return a.key }

// Value resolves Attribute.value.
func (a attribute) Value() string { return a.value }

// source resolves Source.
type source struct{ s graph.Source }

func sources(ss []graph.Source) []source {
	out := make([]source, len(ss))
	for i, s := range ss {
		out[i] = source{s}
	}
	return out
}

// Document resolves Source.document.
func (s source) Document() string { return s.s.Document }

// URL resolves Source.url.
func (s source) URL() *string { return optional(s.s.URL) }

// Quote resolves Source.quote.
func (s source) Quote() *string { return optional(s.s.Quote) }

// optional returns a nullable string field for s.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
