package graph

import (
	"context"
)

// Page-size limits shared by every listing. Transport layers report requests
// beyond MaxPageSize as invalid rather than silently cutting them.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// RelationQuery selects a page of relations. With Of set it lists the
// relations touching that entity in Direction; From, To and Context filter
// further. Results are ordered by type (in RelationTypes order), then newest
// first by validFrom (undated last), then by id.
type RelationQuery struct {
	Of        ID
	Direction Direction
	From      ID
	To        ID
	Context   ID
	Types     []RelationType // empty: every type
	AsOf      Date           // zero: all of history
	// Possible, with AsOf, lists too what may have held then; see When.
	// A relation is listed only where the entities it joins are too.
	Possible bool
	First    int
	After    string // a cursor from an earlier page; "" starts at the beginning
	// CountTotal asks for RelationPage.Total. A store may answer it from
	// counts it keeps, but in general it costs a read of every match;
	// leave it false when the total is not shown.
	CountTotal bool
	// Slim asks for relations that hold only what a traversal follows, as
	// AdjacencyQuery.Slim does.
	Slim bool
}

// RelationPage is one page of relations with the cursor of each.
type RelationPage struct {
	Relations []*Relation
	Cursors   []string
	HasNext   bool
	Total     int // how many relations match the query in all, if counted
}

// AdjacencyQuery selects the relations touching each of several entities,
// so that a traversal reads a whole frontier, or a list of entities its
// relations, in one go rather than one store read per entity.
type AdjacencyQuery struct {
	IDs       []ID
	Direction Direction      // OUT, IN or BOTH; "" is BOTH
	Types     []RelationType // empty: every type
	AsOf      Date           // zero: all of history
	Possible  bool           // with AsOf, what may have held too; see When
	// Limit caps the relations returned for each entity: 1..MaxAdjacency,
	// and 0 means MaxAdjacency.
	Limit int
	// Total, when positive, caps the relations returned for all the
	// entities together, read in the order of IDs: the entity being read
	// when it is reached is cut there (More is set), and the ids after it
	// have no entry.
	Total int
	// Slim asks only for what a traversal follows: each relation's ID,
	// Type, From, To, Context, Period and Role. Sources and Note are left
	// empty, which makes reading a hub's thousands of relations cheaper; a
	// traversal reads the few relations it returns again in full.
	Slim bool
}

// MaxAdjacency is the most relations of one entity that one AdjacencyQuery
// returns, so that a traversal through a hub of millions of relations
// still does bounded work; Adjacency.More says when it cut.
const MaxAdjacency = 10000

// Adjacency is what an AdjacencyQuery found for one entity: its relations
// in listing order (as RelationPage orders them), the cursor of each, and
// whether the limit left more out.
type Adjacency struct {
	Relations []*Relation
	Cursors   []string
	More      bool
}

// EntityQuery selects a page of entities ordered by id.
type EntityQuery struct {
	Kind       Kind // "": every kind
	AsOf       Date
	Possible   bool // with AsOf, what may have held too; see When
	First      int
	After      string
	CountTotal bool // see RelationQuery.CountTotal
}

// EntityPage is one page of entities with the cursor of each.
type EntityPage struct {
	Entities []*Entity
	Cursors  []string
	HasNext  bool
	Total    int
}

// Reader is what the traversal and the API need from a store.
type Reader interface {
	// Entity returns the entity with the given id, or an ENOTFOUND error.
	Entity(ctx context.Context, id ID) (*Entity, error)
	// EntitiesByID loads many entities at once; ids not found are absent
	// from the map.
	EntitiesByID(ctx context.Context, ids []ID) (map[ID]*Entity, error)
	// Relation returns the relation with the given id, or an ENOTFOUND error.
	Relation(ctx context.Context, id string) (*Relation, error)
	// RelationsByID loads many relations at once; ids not found are
	// absent from the map.
	RelationsByID(ctx context.Context, ids []string) (map[string]*Relation, error)
	// Relations returns a page of relations.
	Relations(ctx context.Context, q RelationQuery) (*RelationPage, error)
	// Adjacent returns the relations of many entities at once, in one read
	// of the store: what traversals and lists of entities need.
	Adjacent(ctx context.Context, q AdjacencyQuery) (map[ID]*Adjacency, error)
	// Entities returns a page of entities.
	Entities(ctx context.Context, q EntityQuery) (*EntityPage, error)
	// Degrees returns how many relations each of ids has, of every type
	// and over all history, without reading them: what loading each
	// one's adjacency would cost. Every id has an entry, 0 if not stored.
	Degrees(ctx context.Context, ids []ID) (map[ID]int, error)
	// MissionsOf returns the missions that have at any time been both
	// SENT_BY sender and ACCREDITS_TO host, in id order, whether or not
	// those relations hold today: the candidates of representation, at a
	// cost of their number alone.
	MissionsOf(ctx context.Context, sender, host ID) ([]ID, error)
	// LookupName returns the ids of entities whose name or an alias matches
	// name after case, accent and punctuation folding.
	LookupName(ctx context.Context, name string) ([]ID, error)
	// Search finds entities by name, alias, former name or code; see
	// SearchQuery.
	Search(ctx context.Context, q SearchQuery) ([]SearchHit, error)
	// Count groups entities or relations and counts each group, for
	// dashboards; see CountQuery and GroupBy.
	Count(ctx context.Context, q CountQuery) ([]Bucket, error)
}

// Writer is what the API's mutations need of a store: a batch written
// whole or not at all, checked as chancery check checks seeds. An error
// about one item of the batch is a *ItemError that says which.
type Writer interface {
	// Apply writes b in one transaction.
	Apply(ctx context.Context, b *Batch) error
	// ApplyChanges is Apply, saying too what the batch deleted and the
	// data version just after the write.
	ApplyChanges(ctx context.Context, b *Batch) (Applied, error)
}

// Batch is a set of changes to write together: all of them or none.
// Deletions happen first, then the entities and relations are written.
type Batch struct {
	Entities  []*Entity
	Relations []*Relation
	// DeleteRelations are ids of relations to remove; an id that is not
	// stored is an ENOTFOUND error.
	DeleteRelations []string
	// DeleteEntities are entities to remove. One that relations still use
	// is refused with ECONFLICT, unless Cascade is set, which removes those
	// relations too. An id that is not stored is an ENOTFOUND error.
	DeleteEntities []ID
	Cascade        bool
}

// Applied is what a Batch did, once written.
type Applied struct {
	// DeletedRelations are the ids of the relations removed: those the
	// batch named, in its order, then those a cascade removed with the
	// entities that used them.
	DeletedRelations []string
	// DeletedEntities are the ids of the entities removed, in the batch's
	// order.
	DeletedEntities []ID
	// Version is the store's data version just after the write.
	Version uint64
}
