package schema

import (
	"context"

	"github.com/graph-gophers/graphql-go"

	"github.com/chancery/chancery/graph"
)

// Writer is what the mutations need of a store: a batch written whole or
// not at all, checked as chancery check checks seeds.
type Writer interface {
	Apply(ctx context.Context, b *graph.Batch) error
}

// access is what the request may write, as the HTTP layer decided from its
// method and credentials. The zero value refuses, saying why.
type access struct {
	allowed bool
	refusal string // why writes are refused, for the error
}

type accessKey struct{}

// withAccess returns ctx carrying the request's write access.
func withAccess(ctx context.Context, a access) context.Context {
	return context.WithValue(ctx, accessKey{}, a)
}

// writer returns the store to write to, or the error that says why this
// request may not write.
func writer(ctx context.Context) (Writer, *loader, error) {
	ld := loaderFrom(ctx)
	a, _ := ctx.Value(accessKey{}).(access)
	if !a.allowed {
		msg := a.refusal
		if msg == "" {
			msg = "writes are not allowed on this connection"
		}
		return nil, nil, &apiError{code: CodeUnauthorized, message: msg}
	}
	w, ok := ld.r.(Writer)
	if !ok {
		return nil, nil, &apiError{code: CodeInternal, message: "this server's store cannot be written to"}
	}
	return w, ld, nil
}

type sourceInput struct {
	Document string
	URL      *string
	Quote    *string
}

type attributeInput struct {
	Key   string
	Value string
}

type entityInput struct {
	ID          graphql.ID
	Kind        string
	Name        string
	Aliases     *[]string
	ValidFrom   *Date
	ValidTo     *Date
	MissionType *string
	Official    *bool
	Attributes  *[]attributeInput
	Sources     []sourceInput
}

type relationInput struct {
	Type      string
	From      graphql.ID
	To        graphql.ID
	Context   *graphql.ID
	ValidFrom *Date
	ValidTo   *Date
	Role      *string
	Note      *string
	Sources   []sourceInput
}

func toSources(in []sourceInput) []graph.Source {
	out := make([]graph.Source, len(in))
	for i, s := range in {
		out[i] = graph.Source{Document: s.Document, URL: deref(s.URL), Quote: deref(s.Quote)}
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// toEntity builds the entity an input describes, checking what the schema
// cannot: the id, that the kind agrees with it, the mission type.
func (in entityInput) toEntity() (*graph.Entity, error) {
	id, err := parseID("input.id", in.ID)
	if err != nil {
		return nil, err
	}
	e := &graph.Entity{ID: id, Kind: graph.Kind(in.Kind), Name: in.Name, Sources: toSources(in.Sources),
		Period: graph.Period{From: asOf(in.ValidFrom), To: asOf(in.ValidTo)}}
	if in.Aliases != nil {
		e.Aliases = *in.Aliases
	}
	if in.Attributes != nil {
		e.Attributes = map[string]string{}
		for _, a := range *in.Attributes {
			e.Attributes[a.Key] = a.Value
		}
	}
	if in.MissionType != nil {
		mt, err := graph.ParseMissionType(*in.MissionType)
		if err != nil {
			return nil, invalid("input.missionType: %s", graph.ErrorMessage(err))
		}
		e.MissionType, e.Official = mt, mt.OfficialByDefault()
	}
	if in.Official != nil {
		if e.Kind != graph.Mission {
			return nil, invalid("input.official applies to missions only; %s is a %s", id, e.Kind)
		}
		e.Official = *in.Official
	}
	return e, nil
}

// UpsertEntity resolves Mutation.upsertEntity.
func (query) UpsertEntity(ctx context.Context, args struct{ Input entityInput }) (*entityResolver, error) {
	w, ld, err := writer(ctx)
	if err != nil {
		return nil, err
	}
	e, err := args.Input.toEntity()
	if err != nil {
		return nil, err
	}
	if err := w.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{e}}); err != nil {
		return nil, toAPI(ctx, ld.log, err)
	}
	return newEntity(ld, e), nil
}

// DeleteEntity resolves Mutation.deleteEntity.
func (query) DeleteEntity(ctx context.Context, args struct {
	ID      graphql.ID
	Cascade bool
}) (bool, error) {
	w, ld, err := writer(ctx)
	if err != nil {
		return false, err
	}
	id, err := parseID("id", args.ID)
	if err != nil {
		return false, err
	}
	err = w.Apply(ctx, &graph.Batch{DeleteEntities: []graph.ID{id}, Cascade: args.Cascade})
	if graph.IsNotFound(err) {
		return false, nil
	}
	return err == nil, toAPI(ctx, ld.log, err)
}

// AddRelation resolves Mutation.addRelation.
func (query) AddRelation(ctx context.Context, args struct{ Input relationInput }) (*relationResolver, error) {
	w, ld, err := writer(ctx)
	if err != nil {
		return nil, err
	}
	in := args.Input
	r := &graph.Relation{Type: graph.RelationType(in.Type), Role: deref(in.Role), Note: deref(in.Note),
		Sources: toSources(in.Sources), Period: graph.Period{From: asOf(in.ValidFrom), To: asOf(in.ValidTo)}}
	if r.From, err = parseID("input.from", in.From); err != nil {
		return nil, err
	}
	if r.To, err = parseID("input.to", in.To); err != nil {
		return nil, err
	}
	if in.Context != nil {
		if r.Context, err = parseID("input.context", *in.Context); err != nil {
			return nil, err
		}
	}
	if err := w.Apply(ctx, &graph.Batch{Relations: []*graph.Relation{r}}); err != nil {
		return nil, toAPI(ctx, ld.log, err)
	}
	rels, err := newRelations(ctx, ld, []*graph.Relation{r}, graph.When{})
	if err != nil {
		return nil, err
	}
	return rels[0], nil
}

// DeleteRelation resolves Mutation.deleteRelation.
func (query) DeleteRelation(ctx context.Context, args idArgs) (bool, error) {
	w, ld, err := writer(ctx)
	if err != nil {
		return false, err
	}
	if !graph.IsRelationID(string(args.ID)) {
		return false, invalid("id %q is not a relation id; relation ids are rel: and 16 letters and digits", args.ID)
	}
	err = w.Apply(ctx, &graph.Batch{DeleteRelations: []string{string(args.ID)}})
	if graph.IsNotFound(err) {
		return false, nil
	}
	return err == nil, toAPI(ctx, ld.log, err)
}
