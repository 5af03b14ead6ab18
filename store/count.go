package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
)

// Count answers a dashboard count from the counts index, which writes keep
// up to date: a few keys per bucket whatever the size of the store (see
// tally.go). The names of the buckets that make the cut are read in the
// same transaction.
//
// Answers are kept until the data changes, so the dashboards that poll the
// same counts read the index once per write, not once per request.
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
		var counts map[string]int
		if q.Possible && !q.AsOf.IsZero() {
			counts, err = scannedCount(ctx, db, txn, q)
		} else {
			counts, err = indexedCount(ctx, txn, q)
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

// indexedCount reads the counts q asks for from the counts index, by the
// keys of q's grouping.
func indexedCount(ctx context.Context, txn *badger.Txn, q graph.CountQuery) (map[string]int, error) {
	g, bucketKey := countGrouping(q)
	raw, err := readCounts(ctx, txn, g, q.AsOf)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for bucket, n := range raw {
		if n < 0 {
			return nil, fmt.Errorf("the counts index holds %d for bucket %q of grouping %c; the store's counts are damaged: stop the server and run chancery verify --repair, which recounts them from the records", n, bucket, g)
		}
		if k, ok := bucketKey([]byte(bucket)); ok {
			counts[k] += int(n)
		}
	}
	return counts, nil
}

// countGrouping returns the grouping of the counts index that answers q,
// and how a bucket of it becomes a key of q's answer (false: not wanted).
func countGrouping(q graph.CountQuery) (byte, func([]byte) (string, bool)) {
	wantType := func(b byte) bool {
		if len(q.Types) == 0 {
			return int(b) < len(graph.RelationTypes)
		}
		return slices.ContainsFunc(q.Types, func(t graph.RelationType) bool { return t.Index() == int(b) })
	}
	switch q.GroupBy {
	case graph.ByKind:
		return countKind, func(b []byte) (string, bool) { return string(b), q.Kind == "" || string(b) == string(q.Kind) }
	case graph.ByMissionType:
		return countMissionType, func(b []byte) (string, bool) { return string(b), true }
	case graph.BySender:
		return countSender, func(b []byte) (string, bool) { return string(b), true }
	case graph.ByHost:
		return countHost, func(b []byte) (string, bool) { return string(b), true }
	case graph.ByCity:
		return countCity, func(b []byte) (string, bool) { return string(b), true }
	case graph.ByRelationType:
		return countType, func(b []byte) (string, bool) {
			if len(b) != 1 || !wantType(b[0]) {
				return "", false
			}
			return string(graph.RelationTypes[b[0]]), true
		}
	}
	decade := q.GroupBy.Decades()
	g := byte(countStart)
	if q.GroupBy.Ended() {
		g = countEnd
	}
	return g, func(b []byte) (string, bool) {
		if len(b) != 3 || !wantType(b[0]) {
			return "", false
		}
		year := int(binary.BigEndian.Uint16(b[1:]))
		if decade {
			return graph.DecadeKey(year), true
		}
		return graph.YearKey(year), true
	}
}

// readCounts returns the count of each bucket of grouping g: over all of
// history without asOf, else of the items holding on asOf's first day,
// which is the sum of the changes on or before it (see tally.go).
func readCounts(ctx context.Context, txn *badger.Txn, g byte, asOf graph.Date) (map[string]int64, error) {
	counts := map[string]int64{}
	if asOf.IsZero() {
		return counts, sumCounts(ctx, txn, countLevelPrefix(g, levelTotal), nil, nil, counts)
	}
	y, m, d := graph.CivilOfDay(asOf.First())
	yb := binary.BigEndian.AppendUint16(nil, uint16(y))
	ranges := []struct {
		level  byte
		lo, hi []byte // the <when> of the first key summed, and of the first not
	}{
		{levelDecade, []byte{0, 0}, binary.BigEndian.AppendUint16(nil, decadeCode(y))},
		{levelYear, binary.BigEndian.AppendUint16(nil, uint16(y/10*10)), yb},
		{levelMonth, append(slices.Clip(yb), 1), append(slices.Clip(yb), byte(m))},
		{levelDay, append(slices.Clip(yb), byte(m), 1), append(slices.Clip(yb), byte(m), byte(d+1))},
	}
	for _, r := range ranges {
		if err := sumCounts(ctx, txn, countLevelPrefix(g, r.level), r.lo, r.hi, counts); err != nil {
			return nil, err
		}
	}
	return counts, nil
}

// sumCounts adds to counts, by bucket, the counts keys under prefix whose
// <when> lies in [lo, hi); nil bounds mean no <when>.
func sumCounts(ctx context.Context, txn *badger.Txn, prefix, lo, hi []byte, counts map[string]int64) error {
	width := len(lo)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchSize: 256})
	defer it.Close()
	steps := readSteps{ctx: ctx}
	for it.Seek(append(slices.Clip(prefix), lo...)); it.Valid(); it.Next() {
		if err := steps.step(); err != nil {
			return err
		}
		k := it.Item().Key()
		if len(k) < len(prefix)+width {
			return fmt.Errorf("counts key %q is too short", k)
		}
		if hi != nil && bytes.Compare(k[len(prefix):len(prefix)+width], hi) >= 0 {
			break
		}
		var c int64
		if err := it.Item().Value(func(v []byte) error {
			if len(v) != 8 {
				return fmt.Errorf("counts key %q holds %d bytes, not 8", k, len(v))
			}
			c = int64(binary.BigEndian.Uint64(v))
			return nil
		}); err != nil {
			return err
		}
		counts[string(k[len(prefix)+width:])] += c
	}
	return nil
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
	return fmt.Sprintf("%s|%s|%s|%s|%v|%d", q.GroupBy, q.Kind, strings.Join(types, ","), q.AsOf, q.Possible, q.Limit)
}

// checkEvery is how many keys a long read reads between looks at ctx.
const checkEvery = 256

// readSteps counts the steps of a long read, and looks at its context
// every checkEvery of them, so that a request cancelled or timed out
// stops reading soon.
type readSteps struct {
	ctx context.Context
	n   int
}

// step counts one step, and returns the context's error when it looks.
func (s *readSteps) step() error {
	if s.n++; s.n%checkEvery == 0 {
		return s.ctx.Err()
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

// scannedCount counts what q asks for by reading the records it
// concerns, admitting what graph.When admits: how count answers what may
// have held (Possible), which the counts index, counting what is known to
// hold, cannot. It reads every entity of q's kind, or every relation of
// the grouping's types, so it costs what a listing of them would.
func scannedCount(ctx context.Context, db *DB, txn *badger.Txn, q graph.CountQuery) (map[string]int, error) {
	w := graph.When{AsOf: q.AsOf, Possible: q.Possible}
	lives := newEntityLives(db, txn)
	counts := map[string]int{}
	steps := readSteps{ctx: ctx}
	check := steps.step
	g := q.GroupBy
	if g == graph.ByKind || g == graph.ByMissionType {
		kind := q.Kind
		if g == graph.ByMissionType {
			kind = graph.Mission
		}
		it := txn.NewIterator(badger.IteratorOptions{Prefix: entityKindPrefix(kind)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := check(); err != nil {
				return nil, err
			}
			var e *graph.Entity
			if err := it.Item().Value(func(v []byte) (err error) { e, err = decodeEntity(v); return err }); err != nil {
				return nil, err
			}
			if !w.Admits(e.Period) {
				continue
			}
			if g == graph.ByKind {
				counts[string(e.Kind)]++
			} else {
				counts[string(e.MissionType)]++
			}
		}
		return counts, nil
	}
	types := q.Types
	far, farEnd := g.FarEnd()
	if farEnd {
		types = []graph.RelationType{far}
	} else if len(types) == 0 {
		types = graph.RelationTypes
	}
	seen := map[[2]graph.ID]bool{} // a mission counts once for each far end
	for _, t := range slices.Compact(slices.Sorted(slices.Values(types))) {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: typePrefix(t)})
		for it.Rewind(); it.Valid(); it.Next() {
			if err := check(); err != nil {
				it.Close()
				return nil, err
			}
			var id string
			if err := it.Item().Value(func(v []byte) error { id = string(v); return nil }); err != nil {
				it.Close()
				return nil, err
			}
			r, err := getRelation(txn, id)
			if err != nil {
				it.Close()
				return nil, fmt.Errorf("relation %s in the type index: %w", id, err)
			}
			if !w.AdmitsRelation(r, lives.period) {
				continue
			}
			if key, ok := scannedBucket(g, r); ok {
				if farEnd {
					if r.From.Kind() != graph.Mission || seen[[2]graph.ID{r.From, r.To}] {
						continue
					}
					seen[[2]graph.ID{r.From, r.To}] = true
				}
				counts[key]++
			}
		}
		it.Close()
		if lives.err != nil {
			return nil, lives.err
		}
	}
	return counts, nil
}

// scannedBucket is the bucket relation r counts in for grouping g, and
// false if it counts in none (an undated relation in a time series, a
// mission's LOCATED_IN something other than a city).
func scannedBucket(g graph.GroupBy, r *graph.Relation) (string, bool) {
	switch g {
	case graph.ByRelationType:
		return string(r.Type), true
	case graph.BySender, graph.ByHost:
		return string(r.To), true
	case graph.ByCity:
		return string(r.To), r.To.Kind() == graph.City
	}
	d := r.Period.From
	if g.Ended() {
		d = r.Period.To
	}
	if d.IsZero() {
		return "", false
	}
	if g.Decades() {
		return graph.DecadeKey(d.Year()), true
	}
	return graph.YearKey(d.Year()), true
}
