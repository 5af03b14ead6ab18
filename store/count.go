package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
)

// Count answers a dashboard count in one read transaction, from the
// indexes. Entities by kind and relations by type, year or decade are
// counted from keys alone (the kind is in the id, the validFrom day in the
// type index key); records are read only where the answer is not in a key:
// a period to test against asOf, a mission's type, the far end of a
// mission's relation. The names of the buckets that make the cut are read
// in the same transaction.
//
// Answers are kept until the data changes, so the dashboards that poll the
// same counts cost one scan per write, not one per request.
func (db *DB) Count(ctx context.Context, q graph.CountQuery) ([]graph.Bucket, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	var buckets []graph.Bucket
	key := countKey(q)
	err := db.view(ctx, func(txn *badger.Txn) error {
		version, err := readVersion(txn)
		if err != nil {
			return err
		}
		if b, ok := db.counts.get(version, key); ok {
			buckets = b
			return nil
		}
		counts := map[string]int{}
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
		if err != nil {
			return err
		}
		buckets = graph.RankBuckets(counts, q.GroupBy, q.Limit)
		if _, named := q.GroupBy.FarEnd(); named {
			if err := labelBuckets(txn, buckets); err != nil {
				return err
			}
		}
		db.counts.put(version, key, buckets)
		return nil
	})
	if err != nil {
		return nil, db.translate(err)
	}
	return buckets, nil
}

// countCache keeps count answers for one version of the data.
type countCache struct {
	mu      sync.Mutex
	version uint64
	answers map[string][]graph.Bucket
}

// maxCachedCounts bounds the answers kept: past it the cache starts again.
const maxCachedCounts = 1024

func (c *countCache) get(version uint64, key string) ([]graph.Bucket, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return nil, false
	}
	b, ok := c.answers[key]
	return slices.Clone(b), ok
}

func (c *countCache) put(version uint64, key string, b []graph.Bucket) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version || len(c.answers) >= maxCachedCounts {
		c.version, c.answers = version, map[string][]graph.Bucket{}
	}
	c.answers[key] = slices.Clone(b)
}

// countKey identifies a count query, its types in a fixed order.
func countKey(q graph.CountQuery) string {
	types := make([]string, len(q.Types))
	for i, t := range q.Types {
		types[i] = string(t)
	}
	slices.Sort(types)
	return fmt.Sprintf("%s|%s|%s|%s|%d", q.GroupBy, q.Kind, strings.Join(types, ","), q.AsOf, q.Limit)
}

// checkEvery is how many keys a count reads between looks at ctx.
const checkEvery = 256

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
	n := 0
	for it.Rewind(); it.Valid(); it.Next() {
		if n++; n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
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

// relationHolds reads the relation a type index item points at and reports
// whether it holds as of asOf.
func relationHolds(txn *badger.Txn, item *badger.Item, asOf graph.Date) (bool, error) {
	var id string
	if err := item.Value(func(v []byte) error { id = string(v); return nil }); err != nil {
		return false, err
	}
	rec, err := txn.Get(relationKey(id))
	if err != nil {
		return false, fmt.Errorf("relation %s in the type index: %w", id, err)
	}
	var f relationFacts
	if err := rec.Value(func(v []byte) error { return decodeFacts(v, &f) }); err != nil {
		return false, fmt.Errorf("relation %s: %w", id, err)
	}
	return f.Period.Holds(asOf), nil
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
	n := 0
	for it.Rewind(); it.Valid(); it.Next() {
		if n++; n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
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
		var f relationFacts
		if err := item.Value(func(v []byte) error { return decodeFacts(v, &f) }); err != nil {
			return fmt.Errorf("relation of %s: %w", mission, err)
		}
		if !f.Period.Holds(q.AsOf) || t == graph.LocatedIn && f.To.Kind() != graph.City || seen[f.To] {
			continue
		}
		seen[f.To] = true
		counts[string(f.To)]++
	}
	return nil
}

// labelBuckets names the entity each bucket's key is the id of. A bucket
// whose entity has gone keeps an empty label.
func labelBuckets(txn *badger.Txn, buckets []graph.Bucket) error {
	for i := range buckets {
		e, err := getEntity(txn, graph.ID(buckets[i].Key))
		switch {
		case err == nil:
			buckets[i].Label = e.Name
		case !graph.IsNotFound(err):
			return err
		}
	}
	return nil
}
