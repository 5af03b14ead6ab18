package schema

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/graph-gophers/graphql-go"

	"github.com/chancery/chancery/graph"
)

// Access is what a request may write, as the transport decided from its
// method and credentials. The zero value refuses, and so does a request
// whose context carries no Access.
type Access struct {
	// Allowed lets the request's mutations write.
	Allowed bool
	// Refusal says why writes are refused, for the error a mutation
	// answers with; "" gives a general one.
	Refusal string
}

type accessKey struct{}

// WithAccess returns ctx carrying the request's write access, which Run
// and Exec hold its mutations to.
func WithAccess(ctx context.Context, a Access) context.Context {
	return context.WithValue(ctx, accessKey{}, a)
}

type writerKey struct{}

// withWriter returns ctx carrying the store the schema writes to; nil
// leaves the API read-only.
func withWriter(ctx context.Context, w graph.Writer) context.Context {
	return context.WithValue(ctx, writerKey{}, w)
}

// writer returns the store to write to, or the error that says why this
// request may not write.
func writer(ctx context.Context) (graph.Writer, *loader, error) {
	ld := loaderFrom(ctx)
	if p, ok := ctx.Value(writerKey{}).(ReplicaOf); ok {
		return nil, nil, &apiError{code: CodeReadOnly, message: fmt.Sprintf("this server is a read-only replica; send writes to its primary, %s (POST %s)", p, strings.TrimRight(string(p), "/")+"/graphql")}
	}
	a, _ := ctx.Value(accessKey{}).(Access)
	if !a.Allowed {
		msg := a.Refusal
		if msg == "" {
			msg = "writes are not allowed on this connection"
		}
		return nil, nil, &apiError{code: CodeUnauthorized, message: msg}
	}
	w, _ := ctx.Value(writerKey{}).(graph.Writer)
	if w == nil {
		return nil, nil, &apiError{code: CodeInternal, message: "this server's store cannot be written to"}
	}
	return w, ld, nil
}

// ReplicaOf is the writer of a replica of the primary at the URL it
// holds: it writes nothing, and a mutation is told to send its writes to
// the primary (CodeReadOnly), whatever token it carries.
type ReplicaOf string

// Apply refuses the write.
func (p ReplicaOf) Apply(context.Context, *graph.Batch) error { return p.refuse() }

// ApplyChanges refuses the write.
func (p ReplicaOf) ApplyChanges(context.Context, *graph.Batch) (graph.Applied, error) {
	return graph.Applied{}, p.refuse()
}

func (p ReplicaOf) refuse() error {
	return graph.Errorf(graph.EINVALID, "this server is a read-only replica; send writes to its primary, %s", string(p))
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
// cannot: the id, that the kind agrees with it, the mission type. where
// names the input in errors: "input", or an item of a change set.
func (in entityInput) toEntity(where string) (*graph.Entity, error) {
	id, err := parseID(where+".id", in.ID)
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
			return nil, invalid("%s.missionType: %s", where, graph.ErrorMessage(err))
		}
		e.MissionType, e.Official = mt, mt.OfficialByDefault()
	}
	if in.Official != nil {
		if e.Kind != graph.Mission {
			return nil, invalid("%s.official applies to missions only; %s is a %s", where, id, e.Kind)
		}
		e.Official = *in.Official
	}
	return e, nil
}

// toRelation builds the relation an input describes, checking the ids of
// its ends and context. where names the input in errors.
func (in relationInput) toRelation(where string) (*graph.Relation, error) {
	r := &graph.Relation{Type: graph.RelationType(in.Type), Role: deref(in.Role), Note: deref(in.Note),
		Sources: toSources(in.Sources), Period: graph.Period{From: asOf(in.ValidFrom), To: asOf(in.ValidTo)}}
	var err error
	if r.From, err = parseID(where+".from", in.From); err != nil {
		return nil, err
	}
	if r.To, err = parseID(where+".to", in.To); err != nil {
		return nil, err
	}
	if in.Context != nil {
		if r.Context, err = parseID(where+".context", *in.Context); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Every mutation field is resolved on its own: it is one transaction, and
// its result is nullable, so that when one field of a request fails the
// others' answers stand beside its error (see the Mutation type). After a
// write the request's loader forgets what it read, so that the fields
// after it read the store as the write left it.

// UpsertEntity resolves Mutation.upsertEntity.
func (query) UpsertEntity(ctx context.Context, args struct{ Input entityInput }) (*entityResolver, error) {
	w, ld, err := writer(ctx)
	if err != nil {
		return nil, err
	}
	e, err := args.Input.toEntity("input")
	if err != nil {
		return nil, err
	}
	if err := w.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{e}}); err != nil {
		return nil, toAPI(ctx, ld.log, err)
	}
	ld.forget()
	return newEntity(ld, e), nil
}

// DeleteEntity resolves Mutation.deleteEntity.
func (query) DeleteEntity(ctx context.Context, args struct {
	ID      graphql.ID
	Cascade bool
}) (*bool, error) {
	w, ld, err := writer(ctx)
	if err != nil {
		return nil, err
	}
	id, err := parseID("id", args.ID)
	if err != nil {
		return nil, err
	}
	return deleted(ctx, ld, w.Apply(ctx, &graph.Batch{DeleteEntities: []graph.ID{id}, Cascade: args.Cascade}))
}

// deleted is the answer of a deletion that ended with err: true if it
// deleted, false if there was nothing to delete, or the error.
func deleted(ctx context.Context, ld *loader, err error) (*bool, error) {
	found := err == nil
	switch {
	case found:
		ld.forget()
	case !graph.IsNotFound(err):
		return nil, toAPI(ctx, ld.log, err)
	}
	return &found, nil
}

// AddRelation resolves Mutation.addRelation.
func (query) AddRelation(ctx context.Context, args struct{ Input relationInput }) (*relationResolver, error) {
	w, ld, err := writer(ctx)
	if err != nil {
		return nil, err
	}
	r, err := args.Input.toRelation("input")
	if err != nil {
		return nil, err
	}
	if err := w.Apply(ctx, &graph.Batch{Relations: []*graph.Relation{r}}); err != nil {
		return nil, toAPI(ctx, ld.log, err)
	}
	ld.forget()
	rels, err := newRelations(ctx, ld, []*graph.Relation{r}, graph.When{})
	if err != nil {
		return nil, err
	}
	return rels[0], nil
}

// DeleteRelation resolves Mutation.deleteRelation.
func (query) DeleteRelation(ctx context.Context, args idArgs) (*bool, error) {
	w, ld, err := writer(ctx)
	if err != nil {
		return nil, err
	}
	if !graph.IsRelationID(string(args.ID)) {
		return nil, invalid("id %q is not a relation id; relation ids are rel: and 16 letters and digits", args.ID)
	}
	return deleted(ctx, ld, w.Apply(ctx, &graph.Batch{DeleteRelations: []string{string(args.ID)}}))
}

type changeSetInput struct {
	UpsertEntities  *[]entityInput
	AddRelations    *[]relationInput
	DeleteRelations *[]graphql.ID
	DeleteEntities  *[]graphql.ID
	Cascade         bool
}

// changeSetLists names the lists of ChangeSetInput after the parts of a
// graph.Batch they fill.
var changeSetLists = map[string]string{
	graph.BatchEntities:        "upsertEntities",
	graph.BatchRelations:       "addRelations",
	graph.BatchDeleteRelations: "deleteRelations",
	graph.BatchDeleteEntities:  "deleteEntities",
}

// itemWhere names item i of a change set's list in errors.
func itemWhere(list string, i int) string { return fmt.Sprintf("changes.%s[%d]", list, i) }

// changeItemError is the error of a change set refused because of item i
// of list, whose id is id ("" if it has none yet): err's code, a message
// that names the item and says that nothing was written, and
// extensions.item with the list, index and id for programs.
func changeItemError(ctx context.Context, ld *loader, list string, i int, id string, err error) error {
	var ae *apiError
	errors.As(toAPI(ctx, ld.log, err), &ae)
	where := itemWhere(list, i)
	msg := ae.message
	switch {
	case id != "":
		msg = fmt.Sprintf("%s (%s): %s", where, id, msg)
	case !strings.HasPrefix(msg, where):
		msg = where + ": " + msg
	}
	item := map[string]any{"list": list, "index": i}
	if id != "" {
		item["id"] = id
	}
	return &apiError{code: ae.code, message: msg + "; nothing in the change set was written", item: item}
}

// toBatch builds the batch a change set describes, checking each item as
// the single mutations do.
func (in changeSetInput) toBatch(ctx context.Context, ld *loader) (*graph.Batch, error) {
	b := &graph.Batch{Cascade: in.Cascade}
	if in.UpsertEntities != nil {
		for i, ei := range *in.UpsertEntities {
			e, err := ei.toEntity(itemWhere("upsertEntities", i))
			if err != nil {
				return nil, changeItemError(ctx, ld, "upsertEntities", i, "", err)
			}
			b.Entities = append(b.Entities, e)
		}
	}
	if in.AddRelations != nil {
		for i, ri := range *in.AddRelations {
			r, err := ri.toRelation(itemWhere("addRelations", i))
			if err != nil {
				return nil, changeItemError(ctx, ld, "addRelations", i, "", err)
			}
			b.Relations = append(b.Relations, r)
		}
	}
	if in.DeleteRelations != nil {
		for i, id := range *in.DeleteRelations {
			if !graph.IsRelationID(string(id)) {
				return nil, changeItemError(ctx, ld, "deleteRelations", i, "",
					invalid("%s: %q is not a relation id; relation ids are rel: and 16 letters and digits", itemWhere("deleteRelations", i), id))
			}
			b.DeleteRelations = append(b.DeleteRelations, string(id))
		}
	}
	if in.DeleteEntities != nil {
		for i, raw := range *in.DeleteEntities {
			id, err := parseID(itemWhere("deleteEntities", i), raw)
			if err != nil {
				return nil, changeItemError(ctx, ld, "deleteEntities", i, "", err)
			}
			b.DeleteEntities = append(b.DeleteEntities, id)
		}
	}
	if len(b.Entities)+len(b.Relations)+len(b.DeleteRelations)+len(b.DeleteEntities) == 0 {
		return nil, invalid("the change set is empty; give at least one of upsertEntities, addRelations, deleteRelations and deleteEntities")
	}
	return b, nil
}

// ApplyChanges resolves Mutation.applyChanges: one batch, one transaction.
func (query) ApplyChanges(ctx context.Context, args struct{ Changes changeSetInput }) (*changeSetResult, error) {
	w, ld, err := writer(ctx)
	if err != nil {
		return nil, err
	}
	b, err := args.Changes.toBatch(ctx, ld)
	if err != nil {
		return nil, err
	}
	done, err := w.ApplyChanges(ctx, b)
	if err != nil {
		var ie *graph.ItemError
		if errors.As(err, &ie) {
			return nil, changeItemError(ctx, ld, changeSetLists[ie.Part], ie.Index, ie.ID, err)
		}
		return nil, toAPI(ctx, ld.log, err)
	}
	ld.forget()
	res := &changeSetResult{entities: newEntities(ld, b.Entities, graph.When{}), version: done.Version}
	if res.relations, err = newRelations(ctx, ld, b.Relations, graph.When{}); err != nil {
		return nil, err
	}
	for _, id := range done.DeletedRelations {
		res.deletedRelations = append(res.deletedRelations, graphql.ID(id))
	}
	for _, id := range done.DeletedEntities {
		res.deletedEntities = append(res.deletedEntities, graphql.ID(id))
	}
	return res, nil
}

// changeSetResult resolves ChangeSetResult.
type changeSetResult struct {
	entities                          []*entityResolver
	relations                         []*relationResolver
	deletedRelations, deletedEntities []graphql.ID
	version                           uint64
}

// Entities resolves ChangeSetResult.entities.
func (r *changeSetResult) Entities() []*entityResolver { return r.entities }

// Relations resolves ChangeSetResult.relations.
func (r *changeSetResult) Relations() []*relationResolver { return r.relations }

// DeletedRelations resolves ChangeSetResult.deletedRelations.
func (r *changeSetResult) DeletedRelations() []graphql.ID { return nonNil(r.deletedRelations) }

// DeletedEntities resolves ChangeSetResult.deletedEntities.
func (r *changeSetResult) DeletedEntities() []graphql.ID { return nonNil(r.deletedEntities) }

// DataVersion resolves ChangeSetResult.dataVersion.
func (r *changeSetResult) DataVersion() string { return strconv.FormatUint(r.version, 10) }

// nonNil returns ids, or an empty list for none, as [ID!]! wants.
func nonNil(ids []graphql.ID) []graphql.ID {
	if ids == nil {
		return []graphql.ID{}
	}
	return ids
}
