package schema

import (
	"context"

	"github.com/graph-gophers/graphql-go"

	"github.com/chancery/chancery/graph"
)

type pathsArgs struct {
	From      graphql.ID
	To        graphql.ID
	MaxLength graphql.NullInt
	Types     *[]string
	AsOf      *Date
	Include   string
	First     graphql.NullInt
}

// Paths resolves Query.paths.
func (query) Paths(ctx context.Context, args pathsArgs) ([]*pathResolver, error) {
	ld := loaderFrom(ctx)
	w := when(args.AsOf, args.Include)
	q := graph.PathQuery{MaxLength: intArg(args.MaxLength, 4), First: intArg(args.First, 3), AsOf: w.AsOf, Possible: w.Possible}
	var err error
	if q.From, err = parseID("from", args.From); err != nil {
		return nil, err
	}
	if q.To, err = parseID("to", args.To); err != nil {
		return nil, err
	}
	if q.Types, err = relationTypes(args.Types); err != nil {
		return nil, err
	}
	paths, err := graph.Paths(ctx, ld.r, q)
	if err != nil {
		return nil, toAPI(ctx, ld.log, err)
	}
	out := make([]*pathResolver, len(paths))
	for i, p := range paths {
		ld.want(p.Nodes...)
		out[i] = &pathResolver{p: p, ld: ld, at: w}
	}
	return out, nil
}

// pathResolver resolves Path.
type pathResolver struct {
	p  graph.Path
	ld *loader
	at graph.When
}

// Length resolves Path.length.
func (r *pathResolver) Length() int32 { return int32(r.p.Len()) }

// Nodes resolves Path.nodes.
func (r *pathResolver) Nodes(ctx context.Context) ([]*entityResolver, error) {
	found, err := r.ld.entities(ctx, r.p.Nodes)
	if err != nil {
		return nil, toAPI(ctx, r.ld.log, err)
	}
	es := make([]*graph.Entity, 0, len(r.p.Nodes))
	for _, id := range r.p.Nodes {
		if e := found[id]; e != nil {
			es = append(es, e)
		}
	}
	return newEntities(r.ld, es, r.at), nil
}

// Relations resolves Path.relations.
func (r *pathResolver) Relations(ctx context.Context) ([]*relationResolver, error) {
	return newRelations(ctx, r.ld, r.p.Relations, r.at)
}

// Lineage resolves Query.lineage.
func (query) Lineage(ctx context.Context, args idArgs) ([]*lineageEntry, error) {
	ld := loaderFrom(ctx)
	id, err := parseID("id", args.ID)
	if err != nil {
		return nil, err
	}
	steps, err := graph.Lineage(ctx, ld.r, id)
	if err != nil {
		return nil, toAPI(ctx, ld.log, err)
	}
	es := make([]*graph.Entity, len(steps))
	var rels []*graph.Relation
	for i, s := range steps {
		es[i] = s.Entity
		if s.Relation != nil {
			rels = append(rels, s.Relation)
			rels = append(rels, s.Conflicts...)
		}
	}
	relResolvers, err := newRelations(ctx, ld, rels, graph.When{})
	if err != nil {
		return nil, err
	}
	out := make([]*lineageEntry, len(steps))
	for i, e := range newEntities(ld, es, graph.When{}) {
		out[i] = &lineageEntry{s: steps[i], entity: e}
		if steps[i].Relation != nil {
			out[i].relation, relResolvers = relResolvers[0], relResolvers[1:]
			n := len(steps[i].Conflicts)
			out[i].conflicts, relResolvers = relResolvers[:n:n], relResolvers[n:]
		}
	}
	return out, nil
}

// lineageEntry resolves LineageEntry.
type lineageEntry struct {
	s         graph.LineageStep
	entity    *entityResolver
	relation  *relationResolver
	conflicts []*relationResolver
}

// Entity resolves LineageEntry.entity.
func (e *lineageEntry) Entity() *entityResolver { return e.entity }

// Change resolves LineageEntry.change.
func (e *lineageEntry) Change() *string { return optional(string(e.s.Change)) }

// Date resolves LineageEntry.date.
func (e *lineageEntry) Date() *outDate { return dateOrNil(e.s.Date) }

// Relation resolves LineageEntry.relation.
func (e *lineageEntry) Relation() *relationResolver { return e.relation }

// Conflicts resolves LineageEntry.conflicts.
func (e *lineageEntry) Conflicts() []*relationResolver {
	if e.conflicts == nil {
		return []*relationResolver{}
	}
	return e.conflicts
}

// Conflicting resolves LineageEntry.conflicting.
func (e *lineageEntry) Conflicting() bool { return len(e.conflicts) > 0 }

type neighbourhoodArgs struct {
	ID        graphql.ID
	Depth     graphql.NullInt
	Types     *[]string
	Direction nullDirection
	AsOf      *Date
	Include   string
	Limit     graphql.NullInt
}

// Neighbourhood resolves Query.neighbourhood.
func (query) Neighbourhood(ctx context.Context, args neighbourhoodArgs) (*subgraphResolver, error) {
	ld := loaderFrom(ctx)
	q := graph.NeighbourhoodQuery{Depth: intArg(args.Depth, 1), Limit: intArg(args.Limit, 500),
		Direction: args.Direction.value, Slim: !wholeRelations(ctx, "relations")}
	w := when(args.AsOf, args.Include)
	q.AsOf, q.Possible = w.AsOf, w.Possible
	var err error
	if q.ID, err = parseID("id", args.ID); err != nil {
		return nil, err
	}
	if q.Types, err = relationTypes(args.Types); err != nil {
		return nil, err
	}
	sub, err := graph.Neighbourhood(ctx, ld.r, q)
	if err != nil {
		return nil, toAPI(ctx, ld.log, err)
	}
	ld.prime(sub.Nodes...)
	return &subgraphResolver{sub: sub, ld: ld, at: w}, nil
}

// subgraphResolver resolves Subgraph.
type subgraphResolver struct {
	sub *graph.Subgraph
	ld  *loader
	at  graph.When
}

// Nodes resolves Subgraph.nodes.
func (r *subgraphResolver) Nodes() []*entityResolver {
	return newEntities(r.ld, r.sub.Nodes, r.at)
}

// Relations resolves Subgraph.relations. Their ends are the nodes, which
// the loader holds already; their contexts may not be.
func (r *subgraphResolver) Relations(ctx context.Context) ([]*relationResolver, error) {
	return newRelations(ctx, r.ld, r.sub.Relations, r.at)
}

// Truncated resolves Subgraph.truncated.
func (r *subgraphResolver) Truncated() bool { return r.sub.Truncated }

type representationArgs struct {
	Of      graphql.ID
	In      graphql.ID
	AsOf    *Date
	Include string
}

// Representation resolves Query.representation.
func (query) Representation(ctx context.Context, args representationArgs) ([]*representationResolver, error) {
	ld := loaderFrom(ctx)
	of, err := parseID("of", args.Of)
	if err != nil {
		return nil, err
	}
	in, err := parseID("in", args.In)
	if err != nil {
		return nil, err
	}
	w := when(args.AsOf, args.Include)
	reps, err := graph.Represent(ctx, ld.r, of, in, w)
	if err != nil {
		return nil, toAPI(ctx, ld.log, err)
	}
	missions := make([]*graph.Entity, len(reps))
	vias := make([]*graph.Entity, len(reps))
	for i, rep := range reps {
		missions[i], vias[i] = rep.Mission, rep.Via
		ld.prime(rep.Mission, rep.Via)
		ld.wantRelations(rep.Relations)
	}
	missionResolvers, viaResolvers := newEntities(ld, missions, w), newEntities(ld, vias, w)
	out := make([]*representationResolver, len(reps))
	for i, rep := range reps {
		out[i] = &representationResolver{rep: rep, ld: ld, mission: missionResolvers[i], via: viaResolvers[i], at: w}
	}
	return out, nil
}

// representationResolver resolves Representation.
type representationResolver struct {
	rep          graph.Representation
	ld           *loader
	mission, via *entityResolver
	at           graph.When
}

// Kind resolves Representation.kind.
func (r *representationResolver) Kind() string { return string(r.rep.Kind) }

// Mission resolves Representation.mission.
func (r *representationResolver) Mission() *entityResolver { return r.mission }

// Via resolves Representation.via.
func (r *representationResolver) Via() *entityResolver { return r.via }

// Relations resolves Representation.relations.
func (r *representationResolver) Relations(ctx context.Context) ([]*relationResolver, error) {
	return newRelations(ctx, r.ld, r.rep.Relations, r.at)
}
