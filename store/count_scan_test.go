package store

// The counts a full scan of the records gives, as count answered before
// the counts index: the oracle the counts index is tested against.

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
)

// scanCount counts what q asks for by reading every record it concerns.
func scanCount(ctx context.Context, txn *badger.Txn, q graph.CountQuery) (map[string]int, error) {
	counts := map[string]int{}
	var err error
	switch g := q.GroupBy; {
	case g == graph.ByKind:
		err = scanEntities(ctx, txn, q.Kind, q.AsOf, false, func(id graph.ID, _ *entityFacts) {
			counts[string(id.Kind())]++
		})
	case g == graph.ByMissionType:
		err = scanEntities(ctx, txn, graph.Mission, q.AsOf, true, func(_ graph.ID, f *entityFacts) {
			counts[string(f.MissionType)]++
		})
	case g.CountsRelations():
		err = countRelations(ctx, txn, q, counts)
	default:
		err = countFarEnds(ctx, txn, q, counts)
	}
	return counts, err
}

// entityFacts is the part of an entity record a count looks at.
type entityFacts struct {
	graph.Period
	MissionType graph.MissionType `json:"missionType"`
}

// relationFacts is the part of a relation record a count looks at.
type relationFacts struct {
	graph.Period
	To graph.ID `json:"to"`
}

// decodeFacts decodes the fields of a record that v names, ignoring the
// rest.
func decodeFacts(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode record for a count: %w", err)
	}
	return nil
}

// scanEntities visits the entities of kind k ("" for every kind) that hold
// as of asOf. It reads keys alone unless asOf is set or facts are wanted;
// otherwise it passes nil facts.
func scanEntities(ctx context.Context, txn *badger.Txn, k graph.Kind, asOf graph.Date, facts bool,
	visit func(graph.ID, *entityFacts)) error {
	values := facts || !asOf.IsZero()
	prefix := entityKindPrefix(k)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: values, PrefetchSize: 64})
	defer it.Close()
	steps := readSteps{ctx: ctx}
	for it.Rewind(); it.Valid(); it.Next() {
		if err := steps.step(); err != nil {
			return err
		}
		item := it.Item()
		id := entityKeyID(item.Key())
		if !values {
			visit(id, nil)
			continue
		}
		var f entityFacts
		if err := item.Value(func(v []byte) error { return decodeFacts(v, &f) }); err != nil {
			return fmt.Errorf("entity %s: %w", id, err)
		}
		if f.Period.Holds(asOf) {
			visit(id, &f)
		}
	}
	return nil
}

// countRelations counts relations by type, or by the year or decade of
// their validFrom, from the type index. Its keys carry the validFrom day, so
// without asOf no record is read; with asOf a relation that starts after
// asOf is dropped on its key, and only the others are read for validTo.
func countRelations(ctx context.Context, txn *badger.Txn, q graph.CountQuery, counts map[string]int) error {
	types := q.Types
	if len(types) == 0 {
		types = graph.RelationTypes
	}
	types = slices.Clone(types)
	slices.Sort(types)
	types = slices.Compact(types)
	asOfDay := q.AsOf.First()
	n := 0
	for _, t := range types {
		prefix := typePrefix(t)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		for it.Rewind(); it.Valid(); it.Next() {
			if n++; n%checkEvery == 0 {
				if err := ctx.Err(); err != nil {
					it.Close()
					return err
				}
			}
			item := it.Item()
			k := item.Key()
			if len(k) < len(prefix)+4 {
				it.Close()
				return fmt.Errorf("type index key %q is too short", k)
			}
			from := ^binary.BigEndian.Uint32(k[len(prefix):])
			var bucket string
			switch q.GroupBy {
			case graph.ByYear:
				if from != 0 {
					bucket = graph.YearKey(graph.YearOfDay(from))
				}
			case graph.ByDecade:
				if from != 0 {
					bucket = graph.DecadeKey(graph.YearOfDay(from))
				}
			case graph.ByYearEnded, graph.ByDecadeEnded:
				to, err := relationEnd(txn, item)
				if err != nil {
					it.Close()
					return err
				}
				if !to.IsZero() && q.GroupBy == graph.ByYearEnded {
					bucket = graph.YearKey(to.Year())
				} else if !to.IsZero() {
					bucket = graph.DecadeKey(to.Year())
				}
			default:
				bucket = string(t)
			}
			if bucket == "" || from != 0 && asOfDay != 0 && asOfDay < from {
				continue // undated for a time series, or not yet begun as of asOf
			}
			if asOfDay != 0 {
				holds, err := relationHolds(txn, item, q.AsOf)
				if err != nil {
					it.Close()
					return err
				}
				if !holds {
					continue
				}
			}
			counts[bucket]++
		}
		it.Close()
	}
	return nil
}

// relationEnd reads the relation a type index item points at and returns
// its validTo.
func relationEnd(txn *badger.Txn, item *badger.Item) (graph.Date, error) {
	var id string
	if err := item.Value(func(v []byte) error { id = string(v); return nil }); err != nil {
		return graph.Date{}, err
	}
	rec, err := txn.Get(relationKey(id))
	if err != nil {
		return graph.Date{}, err
	}
	var f relationFacts
	err = rec.Value(func(v []byte) error { return decodeFacts(v, &f) })
	return f.Period.To, err
}

// relationHolds reads the relation a type index item points at and reports
// whether it is known to hold as of asOf, with the entities it joins
// (graph.RelationAt).
func relationHolds(txn *badger.Txn, item *badger.Item, asOf graph.Date) (bool, error) {
	var id string
	if err := item.Value(func(v []byte) error { id = string(v); return nil }); err != nil {
		return false, err
	}
	rec, err := txn.Get(relationKey(id))
	if err != nil {
		return false, fmt.Errorf("relation %s in the type index: %w", id, err)
	}
	var r *graph.Relation
	if err := rec.Value(func(v []byte) (err error) { r, err = decodeRelation(v); return err }); err != nil {
		return false, fmt.Errorf("relation %s: %w", id, err)
	}
	return graph.RelationAt(r, asOf, lifeIn(txn)) == graph.Known, nil
}

// countFarEnds counts missions by the far end of their SENT_BY,
// ACCREDITS_TO or LOCATED_IN relations. It scans the adjacency of missions
// once, in key order, which lists each mission's relations together; only
// the records of relations of the wanted type leading out are read. A
// mission counts once for each distinct far end. With asOf, the missions
// that hold are found first, from their records.
func countFarEnds(ctx context.Context, txn *badger.Txn, q graph.CountQuery, counts map[string]int) error {
	t, _ := q.GroupBy.FarEnd()
	var holding map[graph.ID]bool
	if !q.AsOf.IsZero() {
		holding = map[graph.ID]bool{}
		if err := scanEntities(ctx, txn, graph.Mission, q.AsOf, false, func(id graph.ID, _ *entityFacts) {
			holding[id] = true
		}); err != nil {
			return err
		}
	}
	prefix := adjacencyKindPrefix(graph.Mission)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	var mission graph.ID
	seen := map[graph.ID]bool{} // far ends already counted for mission
	steps := readSteps{ctx: ctx}
	for it.Rewind(); it.Valid(); it.Next() {
		if err := steps.step(); err != nil {
			return err
		}
		item := it.Item()
		id, typ, dir, ok := parseAdjacencyKey(item.Key())
		if !ok {
			return fmt.Errorf("adjacency key %q is malformed", item.Key())
		}
		if typ != byte(t.Index()) || dir != dirOut || holding != nil && !holding[graph.ID(id)] {
			continue
		}
		if string(id) != string(mission) {
			mission = graph.ID(id)
			clear(seen)
		}
		var f *graph.Relation
		if err := item.Value(func(v []byte) (err error) { f, err = decodeRelation(v); return err }); err != nil {
			return fmt.Errorf("relation of %s: %w", mission, err)
		}
		// The tie holds where it, the mission and the far end do.
		if graph.RelationAt(f, q.AsOf, lifeIn(txn)) != graph.Known || t == graph.LocatedIn && f.To.Kind() != graph.City || seen[f.To] {
			continue
		}
		seen[f.To] = true
		counts[string(f.To)]++
	}
	return nil
}
