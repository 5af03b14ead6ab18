// Package export writes the graph, or a part of it, in the formats other
// tools read:
//
//   - JSON Lines (package jsonl), Chancery's own interchange format, which
//     chancery import reads back into an identical graph;
//   - CSV, a nodes file and a relationships file, in a dialect for Neo4j's
//     neo4j-admin database import or one for Gephi's spreadsheet import;
//   - GraphML, which Gephi, yEd and NetworkX open.
//
// Export selects what to write (the whole graph, streamed a page at a time,
// or the subgraph around some entities) and hands it to a Writer, entities
// first, then relations. The tabular formats serialise what has no column
// type of its own the same way: aliases as a JSON array of strings, sources
// as a JSON array of {"document", "url", "quote"} objects, and a period as
// validFrom and validTo exactly as stored ("1977", "1994-09") beside
// firstDay and lastDay, the ISO days the period starts and ends on, for
// tools that compare full dates.
package export

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/chancery/chancery/graph"
)

// Writer takes a graph one item at a time: every entity first, then every
// relation. Close finishes the document and flushes what is buffered; it
// does not close the files underneath.
type Writer interface {
	Entity(e *graph.Entity) error
	Relation(r *graph.Relation) error
	Close() error
}

// Format is an export format.
type Format string

// The export formats.
const (
	JSONL   Format = "jsonl"
	CSV     Format = "csv"
	GraphML Format = "graphml"
)

// Formats lists every format.
var Formats = []Format{JSONL, CSV, GraphML}

// ParseFormat accepts a format name in any case.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if !slices.Contains(Formats, f) {
		return "", graph.Errorf(graph.EINVALID, "unknown export format %q; use jsonl, csv or graphml", s)
	}
	return f, nil
}

// Scope says what part of the graph to export. With no IDs it is the whole
// graph; with IDs it is everything within Depth hops of them.
type Scope struct {
	IDs   []graph.ID
	Depth int // hops from IDs; 0 exports the entities alone
	// Direction is the way relations are followed from IDs: OUT, IN or
	// BOTH ("" is BOTH).
	Direction graph.Direction
	// Types keeps only relations of these types (empty: every type). The
	// whole graph still has every entity; a subgraph follows only these.
	Types []graph.RelationType
	// AsOf leaves out entities and relations outside their periods, and a
	// relation that names an entity left out; the zero Date is all of
	// history.
	AsOf graph.Date
	// Limit is the most relations a subgraph may hold, 1..MaxLimit; 0 is
	// DefaultLimit. The whole graph has no limit: it is streamed.
	Limit int
}

// Limits on a subgraph, which is gathered in memory before it is written.
const (
	DefaultLimit = 100000
	MaxLimit     = 1000000
)

// ErrLimit is returned, wrapped, when a subgraph holds more relations than
// its scope's limit allows.
var ErrLimit = errors.New("the subgraph is larger than the limit")

// Stats counts what an export has written.
type Stats struct {
	Entities, Relations int
}

// Options configure Export.
type Options struct {
	// Progress, if set, is called now and then while a whole graph is
	// written.
	Progress func(Stats)
	// SkipAttributeKeys spares a whole-graph export the pass over the
	// entities that finds their attribute keys, for a format that does not
	// need them (JSON Lines); open is then called with none.
	SkipAttributeKeys bool
}

// pageSize is how many entities or relations one read of a whole-graph
// export asks for.
const pageSize = graph.MaxPageSize

// progressEvery is how many items pass between calls of Options.Progress.
const progressEvery = 50000

// Export writes what scope selects from r. Since a CSV header or GraphML
// keys must name every entity attribute before the first row, open is
// called once the attribute keys of the exported entities are known
// (sorted), to make the Writer; Export closes the Writer when everything
// is written.
//
// The whole graph is read a page at a time, entities in id order and then
// relations in listing order, so its size does not matter; finding its
// attribute keys costs one more pass over the entities. A subgraph is
// gathered first, up to its limit, as Subgraph describes.
func Export(ctx context.Context, r graph.Reader, scope Scope, open func(attributes []string) (Writer, error), opts Options) (Stats, error) {
	if len(scope.IDs) > 0 {
		sub, err := Subgraph(ctx, r, scope)
		if err != nil {
			return Stats{}, err
		}
		w, err := open(AttributeKeys(sub.Nodes))
		if err != nil {
			return Stats{}, err
		}
		return writeSubgraph(w, sub)
	}
	var keys []string
	if !opts.SkipAttributeKeys {
		var err error
		if keys, err = storeAttributeKeys(ctx, r, scope.AsOf); err != nil {
			return Stats{}, err
		}
	}
	w, err := open(keys)
	if err != nil {
		return Stats{}, err
	}
	return writeAll(ctx, r, w, scope, opts.Progress)
}

func writeSubgraph(w Writer, sub *graph.Subgraph) (Stats, error) {
	var s Stats
	for _, e := range sub.Nodes {
		if err := w.Entity(e); err != nil {
			return s, err
		}
		s.Entities++
	}
	for _, rel := range sub.Relations {
		if err := w.Relation(rel); err != nil {
			return s, err
		}
		s.Relations++
	}
	return s, w.Close()
}

// AttributeKeys returns the attribute keys the entities use, sorted.
func AttributeKeys(entities []*graph.Entity) []string {
	seen := map[string]bool{}
	for _, e := range entities {
		for k := range e.Attributes {
			seen[k] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// storeAttributeKeys reads every entity as of asOf for the attribute keys
// they use.
func storeAttributeKeys(ctx context.Context, r graph.Reader, asOf graph.Date) ([]string, error) {
	seen := map[string]bool{}
	err := eachEntityPage(ctx, r, asOf, func(es []*graph.Entity) error {
		for _, e := range es {
			for k := range e.Attributes {
				seen[k] = true
			}
		}
		return nil
	})
	return slices.Sorted(maps.Keys(seen)), err
}

// eachEntityPage calls fn with every page of entities as of asOf.
func eachEntityPage(ctx context.Context, r graph.Reader, asOf graph.Date, fn func([]*graph.Entity) error) error {
	after := ""
	for {
		page, err := r.Entities(ctx, graph.EntityQuery{AsOf: asOf, First: pageSize, After: after})
		if err != nil {
			return fmt.Errorf("read entities: %w", err)
		}
		if err := fn(page.Entities); err != nil {
			return err
		}
		if !page.HasNext || len(page.Cursors) == 0 {
			return nil
		}
		after = page.Cursors[len(page.Cursors)-1]
	}
}

// writeAll streams the whole graph into w.
func writeAll(ctx context.Context, r graph.Reader, w Writer, scope Scope, progress func(Stats)) (Stats, error) {
	var s Stats
	count := func() {
		if progress != nil && (s.Entities+s.Relations)%progressEvery == 0 {
			progress(s)
		}
	}
	err := eachEntityPage(ctx, r, scope.AsOf, func(es []*graph.Entity) error {
		for _, e := range es {
			if err := w.Entity(e); err != nil {
				return err
			}
			s.Entities++
			count()
		}
		return nil
	})
	if err != nil {
		return s, err
	}
	after := ""
	for {
		page, err := r.Relations(ctx, graph.RelationQuery{Types: scope.Types, AsOf: scope.AsOf, First: pageSize, After: after})
		if err != nil {
			return s, fmt.Errorf("read relations: %w", err)
		}
		rels := page.Relations
		if !scope.AsOf.IsZero() {
			if rels, err = namingLiving(ctx, r, rels, scope.AsOf); err != nil {
				return s, err
			}
		}
		for _, rel := range rels {
			if err := w.Relation(rel); err != nil {
				return s, err
			}
			s.Relations++
			count()
		}
		if !page.HasNext || len(page.Cursors) == 0 {
			break
		}
		after = page.Cursors[len(page.Cursors)-1]
	}
	if progress != nil {
		progress(s)
	}
	return s, w.Close()
}

// namingLiving keeps the relations whose ends and context all exist as of
// asOf: an export as of a date leaves the others out with their entities,
// so that no relation names an entity the export does not hold.
func namingLiving(ctx context.Context, r graph.Reader, rels []*graph.Relation, asOf graph.Date) ([]*graph.Relation, error) {
	var ids []graph.ID
	for _, rel := range rels {
		ids = append(ids, named(rel)...)
	}
	alive, err := living(ctx, r, ids, asOf)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(rels, func(rel *graph.Relation) bool {
		for _, id := range named(rel) {
			if alive[id] == nil {
				return true
			}
		}
		return false
	}), nil
}

// named returns the entities a relation names: its ends and its context.
func named(rel *graph.Relation) []graph.ID {
	if rel.Context == "" {
		return []graph.ID{rel.From, rel.To}
	}
	return []graph.ID{rel.From, rel.To, rel.Context}
}

// living loads the entities with the given ids and keeps those that exist
// as of asOf.
func living(ctx context.Context, r graph.Reader, ids []graph.ID, asOf graph.Date) (map[graph.ID]*graph.Entity, error) {
	if len(ids) == 0 {
		return map[graph.ID]*graph.Entity{}, nil
	}
	found, err := r.EntitiesByID(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("read entities: %w", err)
	}
	for id, e := range found {
		if !e.Period.Holds(asOf) {
			delete(found, id)
		}
	}
	return found, nil
}
