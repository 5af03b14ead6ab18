package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
)

// Entity returns the entity with the given id. Callers share it with
// others (see entityCache) and must not change it.
func (db *DB) Entity(ctx context.Context, id graph.ID) (*graph.Entity, error) {
	var e *graph.Entity
	err := db.view(ctx, func(txn *badger.Txn) (err error) {
		e, err = (&entityReader{db: db}).get(txn, id)
		return err
	})
	return e, db.translate(err)
}

// EntitiesByID loads many entities in one transaction. Callers share them
// with others (see entityCache) and must not change them.
func (db *DB) EntitiesByID(ctx context.Context, ids []graph.ID) (map[graph.ID]*graph.Entity, error) {
	return readByID(ctx, db, ids, (&entityReader{db: db}).get)
}

// entityReader is getEntity through the entity cache, at the data
// version its transaction reads, read once: one reader for one transaction.
type entityReader struct {
	db      *DB
	version uint64
	known   bool // version has been read
}

func (r *entityReader) get(txn *badger.Txn, id graph.ID) (*graph.Entity, error) {
	c := r.db.entities
	if c == nil {
		return getEntity(txn, id)
	}
	if !r.known {
		v, err := readVersion(txn)
		if err != nil {
			return nil, err
		}
		r.version, r.known = v, true
	}
	if e, ok := c.get(r.version, id); ok {
		return e, nil
	}
	e, err := getEntity(txn, id)
	if err == nil {
		c.put(r.version, e)
	}
	return e, err
}

// readByID reads the record of each of ids with get in one transaction,
// leaving out those not found.
func readByID[K comparable, V any](ctx context.Context, db *DB, ids []K, get func(*badger.Txn, K) (V, error)) (map[K]V, error) {
	out := make(map[K]V, len(ids))
	err := db.view(ctx, func(txn *badger.Txn) error {
		for _, id := range ids {
			if _, done := out[id]; done {
				continue
			}
			v, err := get(txn, id)
			switch {
			case err == nil:
				out[id] = v
			case !graph.IsNotFound(err):
				return err
			}
		}
		return nil
	})
	return out, db.translate(err)
}

func getEntity(txn *badger.Txn, id graph.ID) (*graph.Entity, error) {
	return getRecord(txn, entityKey(id), decodeEntity, "entity", string(id))
}

// getRecord reads and decodes the record at key; a record not stored is
// ENOTFOUND, naming what and id.
func getRecord[T any](txn *badger.Txn, key []byte, decode func([]byte) (T, error), what, id string) (T, error) {
	var rec T
	item, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return rec, graph.Errorf(graph.ENOTFOUND, "no %s with id %s", what, id)
	} else if err != nil {
		return rec, err
	}
	err = item.Value(func(v []byte) (err error) {
		rec, err = decode(v)
		return err
	})
	return rec, err
}

// Relation returns the relation with the given id.
func (db *DB) Relation(ctx context.Context, id string) (*graph.Relation, error) {
	var r *graph.Relation
	err := db.view(ctx, func(txn *badger.Txn) (err error) {
		r, err = getRelation(txn, id)
		return err
	})
	return r, db.translate(err)
}

// RelationsByID loads many relations in one read of the store; ids not
// found are absent from the map.
func (db *DB) RelationsByID(ctx context.Context, ids []string) (map[string]*graph.Relation, error) {
	return readByID(ctx, db, ids, getRelation)
}

func getRelation(txn *badger.Txn, id string) (*graph.Relation, error) {
	return getRecord(txn, relationKey(id), decodeRelation, "relation", id)
}

// Version returns a number that changes whenever the stored data does.
// It is kept in memory between writes (see versionCache).
func (db *DB) Version(ctx context.Context) (uint64, error) {
	if v, ok := db.versions.get(); ok {
		return v, nil
	}
	writes := db.versions.reading()
	var v uint64
	err := db.view(ctx, func(txn *badger.Txn) (err error) {
		v, err = readVersion(txn)
		return err
	})
	if err != nil {
		return 0, db.translate(err)
	}
	db.versions.keep(writes, v)
	return v, nil
}

// WaitForVersion returns the data version once it is at least n, or,
// when ctx ends first, the version then and ctx's error. Every write
// that ends wakes it to look again.
func (db *DB) WaitForVersion(ctx context.Context, n uint64) (uint64, error) {
	for {
		ended := db.versions.nextEnd()
		v, err := db.Version(ctx)
		if err != nil || v >= n {
			return v, err
		}
		select {
		case <-ended:
		case <-ctx.Done():
			return v, ctx.Err()
		}
	}
}

func readVersion(txn *badger.Txn) (uint64, error) {
	b, _, err := readMeta(txn, metaVersion)
	if err != nil || len(b) != 8 {
		return 0, err
	}
	return binary.BigEndian.Uint64(b), nil
}

// readMeta reads the store metadata value of the given name (see
// metaKey), and whether it is there at all.
func readMeta(txn *badger.Txn, name string) (value []byte, found bool, err error) {
	item, err := txn.Get(metaKey(name))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, false, nil
	} else if err != nil {
		return nil, false, err
	}
	value, err = item.ValueCopy(nil)
	return value, err == nil, err
}

// Degrees returns how many relations each of ids has, of every type and
// over all history, from the counts index: what reading its adjacency
// would cost, without reading it. An entity not stored has 0.
func (db *DB) Degrees(ctx context.Context, ids []graph.ID) (map[graph.ID]int, error) {
	return readByID(ctx, db, ids, func(txn *badger.Txn, id graph.ID) (int, error) {
		n, err := readCount(txn, degreeKey(id))
		return int(n), err
	})
}

// MissionsOf returns the missions that have at any time been both SENT_BY
// sender and ACCREDITS_TO host, in id order, from the pair index: the
// cost is the number of such missions, not the number either side has.
func (db *DB) MissionsOf(ctx context.Context, sender, host graph.ID) ([]graph.ID, error) {
	var ids []graph.ID
	prefix := pairPrefix(sender, host)
	err := db.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if len(ids)%checkEvery == checkEvery-1 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			ids = append(ids, graph.ID(it.Item().Key()[len(prefix):]))
		}
		return nil
	})
	if err != nil {
		return nil, db.translate(err)
	}
	return ids, nil
}

// LookupName returns the ids of entities whose name, alias or ISO code folds
// to the same form as name.
func (db *DB) LookupName(ctx context.Context, name string) ([]graph.ID, error) {
	folded := Fold(name)
	if folded == "" {
		return nil, nil
	}
	var ids []graph.ID
	err := db.view(ctx, func(txn *badger.Txn) error {
		prefix := namePrefix(folded)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			ids = append(ids, nameKeyID(it.Item().Key()))
		}
		return nil
	})
	return ids, db.translate(err)
}

// checkFirst validates a page size: 0 asks for the count alone.
func checkFirst(first int) error {
	if first < 0 || first > graph.MaxPageSize {
		return graph.Errorf(graph.EINVALID, "first is %d; it must be between 0 and %d", first, graph.MaxPageSize)
	}
	return nil
}

// Entities lists entities in id order, optionally of one kind and existing
// as of a date.
func (db *DB) Entities(ctx context.Context, q graph.EntityQuery) (*graph.EntityPage, error) {
	if err := checkFirst(q.First); err != nil {
		return nil, err
	}
	var after graph.ID
	if q.After != "" {
		var err error
		if after, err = decodeEntityCursor(q.After); err != nil {
			return nil, err
		}
	}
	page := &graph.EntityPage{}
	err := db.view(ctx, func(txn *badger.Txn) error {
		prefix := entityKindPrefix(q.Kind)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		// A cursor of another kind sorts outside the prefix: before it, so
		// the page starts at the prefix, or after it, so it is empty.
		start := prefix
		if k := entityKey(after); after != "" && bytes.Compare(k, prefix) > 0 {
			start = k
		}
		for it.Seek(start); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			item := it.Item()
			if after != "" && bytes.Equal(item.Key(), start) {
				continue
			}
			full := len(page.Entities) >= q.First
			if full && q.AsOf.IsZero() {
				page.HasNext = true
				break
			}
			var e *graph.Entity
			if err := item.Value(func(v []byte) (err error) {
				e, err = decodeEntity(v)
				return err
			}); err != nil {
				return err
			}
			if !e.Period.Admits(q.AsOf, q.Possible) {
				continue
			}
			if full {
				page.HasNext = true
				break
			}
			page.Entities = append(page.Entities, e)
			page.Cursors = append(page.Cursors, encodeCursor([]byte(e.ID)))
		}
		if !q.CountTotal {
			return nil
		}
		// In the same transaction as the page, so that the two agree
		// whatever is written meanwhile.
		var err error
		page.Total, err = countEntities(ctx, txn, q)
		return err
	})
	return page, db.translate(err)
}

// countEntitiesByScan counts the entities of q's kind that q admits by
// reading them: the counts index keeps what is known to hold, not what
// may have.
func countEntitiesByScan(ctx context.Context, txn *badger.Txn, q graph.EntityQuery) (int, error) {
	n := 0
	it := txn.NewIterator(badger.IteratorOptions{Prefix: entityKindPrefix(q.Kind)})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		if n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		var e *graph.Entity
		if err := it.Item().Value(func(v []byte) (err error) {
			e, err = decodeEntity(v)
			return err
		}); err != nil {
			return 0, err
		}
		if e.Period.Admits(q.AsOf, q.Possible) {
			n++
		}
	}
	return n, nil
}

// countEntities counts, in txn, the entities of q's kind holding as of
// q.AsOf from the counts index, without reading them.
func countEntities(ctx context.Context, txn *badger.Txn, q graph.EntityQuery) (int, error) {
	if q.Possible && !q.AsOf.IsZero() {
		return countEntitiesByScan(ctx, txn, q)
	}
	n := 0
	counts, err := readCounts(ctx, txn, countKind, q.AsOf)
	for kind, c := range counts {
		if q.Kind == "" || kind == string(q.Kind) {
			n += int(c)
		}
	}
	return n, err
}

// Relations lists a page of relations. It picks the index that narrows the
// query most: the adjacency of Of, From or To, then the context index, then
// the type index. Every index orders by the same sort key, so the cursor of
// one page works with the next whatever index answers it.
func (db *DB) Relations(ctx context.Context, q graph.RelationQuery) (*graph.RelationPage, error) {
	if err := checkFirst(q.First); err != nil {
		return nil, err
	}
	var after []byte
	if q.After != "" {
		var err error
		if after, err = decodeRelationCursor(q.After); err != nil {
			return nil, err
		}
	}
	plan := planRelations(q)
	page := &graph.RelationPage{}
	err := db.view(ctx, func(txn *badger.Txn) error {
		plan.readLives(db, txn)
		defer plan.forgetLives()
		err := plan.scanAdmitted(ctx, txn, after, func(r *graph.Relation, sk []byte) bool {
			if !plan.matches(r) {
				return true
			}
			if len(page.Relations) == q.First {
				page.HasNext = true
				return false
			}
			page.Relations = append(page.Relations, r)
			page.Cursors = append(page.Cursors, encodeCursor(sk))
			return true
		})
		if err != nil || !q.CountTotal {
			return err
		}
		// In the same transaction as the page, so that the two agree
		// whatever is written meanwhile.
		page.Total, err = plan.count(ctx, txn)
		return err
	})
	return page, db.translate(err)
}

// count counts, in txn, the relations that match the plan's query.
func (p *relationPlan) count(ctx context.Context, txn *badger.Txn) (int, error) {
	q, n := p.q, 0
	if q.Of == "" && q.From == "" && q.To == "" && q.Context == "" && q.AsOf.IsZero() {
		// Relations by type alone, over all history: the counts index
		// has the total. As of a day, a relation counts only where the
		// entities it joins hold too, which the index does not know, so
		// the matches are read.
		counts, err := readCounts(ctx, txn, countType, q.AsOf)
		for _, t := range p.types {
			n += int(counts[string([]byte{byte(t.Index())})])
		}
		return n, err
	}
	tally := func(*graph.Relation, []byte) bool {
		n++
		return true
	}
	if !p.filtered() {
		return n, p.scan(ctx, txn, nil, false, tally)
	}
	return n, p.scanAdmitted(ctx, txn, nil, tally)
}

// Adjacent lists the relations of every entity in q.IDs in one read
// transaction, each entity's in listing order and cut at q.Limit.
func (db *DB) Adjacent(ctx context.Context, q graph.AdjacencyQuery) (map[graph.ID]*graph.Adjacency, error) {
	limit := q.Limit
	if limit == 0 {
		limit = graph.MaxAdjacency
	}
	if limit < 0 || limit > graph.MaxAdjacency {
		return nil, graph.Errorf(graph.EINVALID, "the adjacency limit is %d; it must be between 1 and %d", q.Limit, graph.MaxAdjacency)
	}
	dir := q.Direction
	if dir == "" {
		dir = graph.Both
	}
	out := make(map[graph.ID]*graph.Adjacency, len(q.IDs))
	total := 0
	err := db.view(ctx, func(txn *badger.Txn) error {
		// One reader of the ends' periods for every entity's relations:
		// a frontier's relations share many ends.
		var lives *entityLives
		if !q.AsOf.IsZero() {
			lives = newEntityLives(db, txn)
		}
		for _, id := range q.IDs {
			if _, done := out[id]; done {
				continue
			}
			if q.Total > 0 && total >= q.Total {
				return nil
			}
			adj := &graph.Adjacency{}
			out[id] = adj
			plan := planRelations(graph.RelationQuery{Of: id, Direction: dir, Types: q.Types, AsOf: q.AsOf, Possible: q.Possible, Slim: q.Slim})
			plan.lives = lives
			err := plan.scanAdmitted(ctx, txn, nil, func(r *graph.Relation, sk []byte) bool {
				if len(adj.Relations) == limit || q.Total > 0 && total == q.Total {
					adj.More = true
					return false
				}
				adj.Relations = append(adj.Relations, r)
				adj.Cursors = append(adj.Cursors, encodeCursor(sk))
				total++
				return true
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, db.translate(err)
	}
	return out, nil
}

// relationPlan is the index scans that answer a RelationQuery.
type relationPlan struct {
	q     graph.RelationQuery
	types []graph.RelationType
	// prefixes returns, for one type, the key prefixes to merge, and whether
	// their values are relation ids rather than relation records.
	prefixes func(t graph.RelationType) [][]byte
	byID     bool
	// slim reads only what a traversal follows (graph.RelationQuery.Slim).
	slim bool
	// common is what every prefix of every type starts with: the key up
	// to the type byte, which follows it.
	common []byte
	// lives reads the periods of the entities a relation joins, when the
	// query is as of a day: see scanAdmitted.
	lives *entityLives
}

// readLives makes the plan read the periods of relations' ends in txn, if
// the query is as of a day.
func (p *relationPlan) readLives(db *DB, txn *badger.Txn) {
	if !p.q.AsOf.IsZero() {
		p.lives = newEntityLives(db, txn)
	}
}

// forgetLives drops the reader readLives made with its transaction.
func (p *relationPlan) forgetLives() { p.lives = nil }

// scanAdmitted visits, as scan does with values, the relations that match
// the query and that it admits as of its day: those whose own period and
// whose ends' periods let them hold (graph.When.AdmitsRelation). An end
// that cannot be read fails the scan.
func (p *relationPlan) scanAdmitted(ctx context.Context, txn *badger.Txn, after []byte, visit func(*graph.Relation, []byte) bool) error {
	when := graph.When{AsOf: p.q.AsOf, Possible: p.q.Possible}
	err := p.scan(ctx, txn, after, true, func(r *graph.Relation, sk []byte) bool {
		if !p.matches(r) {
			return true
		}
		if p.lives != nil && !when.AdmitsRelation(r, p.lives.period) {
			return p.lives.err == nil
		}
		return visit(r, sk)
	})
	if err == nil && p.lives != nil {
		err = p.lives.err
	}
	return err
}

// entityLives reads the periods of entities for one transaction, each
// once, through the entity cache.
type entityLives struct {
	txn  *badger.Txn
	read *entityReader
	seen map[graph.ID]*graph.Period
	err  error // the first read that failed
}

func newEntityLives(db *DB, txn *badger.Txn) *entityLives {
	return &entityLives{txn: txn, read: &entityReader{db: db}, seen: map[graph.ID]*graph.Period{}}
}

// period returns the period of entity id, and false if it is not stored
// or cannot be read (then err says why).
func (l *entityLives) period(id graph.ID) (graph.Period, bool) {
	if p, ok := l.seen[id]; ok {
		if p == nil {
			return graph.Period{}, false
		}
		return *p, true
	}
	e, err := l.read.get(l.txn, id)
	if err != nil {
		if !graph.IsNotFound(err) && l.err == nil {
			l.err = err
		}
		l.seen[id] = nil
		return graph.Period{}, false
	}
	l.seen[id] = &e.Period
	return e.Period, true
}

func planRelations(q graph.RelationQuery) *relationPlan {
	p := &relationPlan{q: q, types: q.Types, slim: q.Slim}
	if len(p.types) == 0 {
		p.types = graph.RelationTypes
	}
	p.types = slices.Clone(p.types)
	slices.SortFunc(p.types, func(a, b graph.RelationType) int { return a.Index() - b.Index() })
	p.types = slices.Compact(p.types)

	adjacency := func(id graph.ID, dirs ...byte) func(graph.RelationType) [][]byte {
		return func(t graph.RelationType) [][]byte {
			out := make([][]byte, len(dirs))
			for i, d := range dirs {
				out[i] = adjacencyTypePrefix(id, t, d)
			}
			return out
		}
	}
	switch {
	case q.Of != "":
		p.common = adjacencyPrefix(q.Of)
		switch q.Direction {
		case graph.Out:
			p.prefixes = adjacency(q.Of, dirOut)
		case graph.In:
			p.prefixes = adjacency(q.Of, dirIn)
		default:
			p.prefixes = adjacency(q.Of, dirOut, dirIn)
		}
	case q.From != "":
		p.common = adjacencyPrefix(q.From)
		p.prefixes = adjacency(q.From, dirOut)
	case q.To != "":
		p.common = adjacencyPrefix(q.To)
		p.prefixes = adjacency(q.To, dirIn)
	case q.Context != "":
		p.byID = true
		p.common = contextPrefix(q.Context)
		p.prefixes = func(t graph.RelationType) [][]byte { return [][]byte{contextTypePrefix(q.Context, t)} }
	default:
		p.byID = true
		p.common = typeIndexPrefix()
		p.prefixes = func(t graph.RelationType) [][]byte { return [][]byte{typePrefix(t)} }
	}
	return p
}

// filtered reports whether matches looks at more than the index already
// guarantees, so that counting must read every record.
func (p *relationPlan) filtered() bool {
	q, named := p.q, 0
	for _, id := range []graph.ID{q.Of, q.From, q.To, q.Context} {
		if id != "" {
			named++
		}
	}
	// The plan scans the index of one named entity; any other is a filter.
	return !q.AsOf.IsZero() || named > 1
}

func (p *relationPlan) matches(r *graph.Relation) bool {
	q := p.q
	if !r.Period.Admits(q.AsOf, q.Possible) || q.Context != "" && r.Context != q.Context {
		return false
	}
	if r.Type.Symmetric() {
		has := func(id graph.ID) bool { return id == "" || id == r.From || id == r.To }
		return has(q.From) && has(q.To)
	}
	return (q.From == "" || r.From == q.From) && (q.To == "" || r.To == q.To)
}

// scan visits the relations of every planned type in sort-key order,
// starting after the sort key `after` (nil: from the start), merging the
// type's prefixes and visiting a relation found under two of them once. With
// values false it visits nil relations, reading keys alone. visit returns
// false to stop.
//
// It opens one iterator for each prefix it merges, not one for each type
// and prefix, and seeks it from type to type; where the iterators stand
// after a type tells the next type that has keys at all, so the types an
// entity has no relations of cost nothing.
func (p *relationPlan) scan(ctx context.Context, txn *badger.Txn, after []byte, values bool,
	visit func(r *graph.Relation, sortKey []byte) bool) error {
	if len(p.types) == 0 {
		return nil
	}
	iters := p.openIterators(txn)
	defer closeIterators(iters)
	next := byte(0) // the lowest type index that may still have keys
	for _, t := range p.types {
		ti := byte(t.Index())
		if ti < next || after != nil && after[0] > ti {
			continue
		}
		more, err := p.scanType(ctx, txn, iters, t, restOfTypeAfter(after, ti), values, visit)
		if err != nil || !more {
			return err
		}
		var ok bool
		if next, ok = p.nextType(iters, ti); !ok {
			return nil
		}
	}
	return nil
}

// openIterators opens one iterator over p.common for each prefix the
// plan merges. Values are read in place rather than prefetched: they are
// held in the tree beside their keys, and prefetching would copy each one
// in a goroutine of its own.
func (p *relationPlan) openIterators(txn *badger.Txn) []*badger.Iterator {
	iters := make([]*badger.Iterator, len(p.prefixes(p.types[0])))
	for i := range iters {
		iters[i] = txn.NewIterator(badger.IteratorOptions{Prefix: p.common})
	}
	return iters
}

// closeIterators closes iters, the last first.
func closeIterators(iters []*badger.Iterator) {
	for i := len(iters) - 1; i >= 0; i-- {
		iters[i].Close()
	}
}

// restOfTypeAfter is the sort key after without its type byte, to start
// a scan of type index ti after, if after is of that type; else nil.
func restOfTypeAfter(after []byte, ti byte) []byte {
	if after != nil && after[0] == ti {
		return after[1:]
	}
	return nil
}

// nextType returns the lowest type index after ti that may have keys,
// once a scan of type ti is done, or false if no type after it has any.
// Each iterator stands at the first key past its prefix of type ti. The
// last prefix of a type ends its keys, so the furthest iterator stands
// on the next type that has any; an iterator at the end means there is
// none.
func (p *relationPlan) nextType(iters []*badger.Iterator, ti byte) (byte, bool) {
	next := ti + 1
	for _, it := range iters {
		if !it.Valid() {
			return 0, false
		}
		next = max(next, it.Item().Key()[len(p.common)])
	}
	return next, true
}

// scanType visits the relations of type t, as scan does, after rest (the
// sort key without its type byte; nil: from the start). It returns false
// if visit stopped it.
func (p *relationPlan) scanType(ctx context.Context, txn *badger.Txn, iters []*badger.Iterator, t graph.RelationType, rest []byte, values bool,
	visit func(*graph.Relation, []byte) bool) (bool, error) {
	prefixes := p.prefixes(t)
	seekPast(iters, prefixes, rest)
	for n := 0; ; n++ {
		if n%256 == 255 {
			if err := ctx.Err(); err != nil {
				return false, err
			}
		}
		best, bestIt := smallestSuffix(iters, prefixes)
		if bestIt == nil {
			return true, nil
		}
		sk := typeSortKey(t, best)
		var r *graph.Relation
		if values {
			var err error
			if r, err = p.load(txn, bestIt.Item()); err != nil {
				return false, err
			}
		}
		skipSuffix(iters, prefixes, bestIt, best)
		bestIt.Next()
		if !visit(r, sk) {
			return false, nil
		}
	}
}

// seekPast moves each iterator of iters to the first key under its
// prefix of prefixes that comes after rest.
func seekPast(iters []*badger.Iterator, prefixes [][]byte, rest []byte) {
	for i, prefix := range prefixes {
		it := iters[i]
		it.Seek(append(slices.Clip(prefix), rest...))
		if rest != nil && it.ValidForPrefix(prefix) && bytes.Equal(it.Item().Key()[len(prefix):], rest) {
			it.Next()
		}
	}
}

// smallestSuffix returns the smallest suffix, past their prefixes, of
// the keys the iterators stand on, and the first iterator that stands on
// it; a nil iterator if every one is past its prefix.
func smallestSuffix(iters []*badger.Iterator, prefixes [][]byte) ([]byte, *badger.Iterator) {
	var best []byte
	var bestIt *badger.Iterator
	for i, it := range iters {
		if !it.ValidForPrefix(prefixes[i]) {
			continue
		}
		suffix := it.Item().Key()[len(prefixes[i]):]
		if best == nil || bytes.Compare(suffix, best) < 0 {
			best, bestIt = suffix, it
		}
	}
	return best, bestIt
}

// skipSuffix advances every iterator but bestIt that stands on suffix,
// so that a relation found under two prefixes is visited once.
func skipSuffix(iters []*badger.Iterator, prefixes [][]byte, bestIt *badger.Iterator, suffix []byte) {
	for i, it := range iters {
		if it != bestIt && it.ValidForPrefix(prefixes[i]) && bytes.Equal(it.Item().Key()[len(prefixes[i]):], suffix) {
			it.Next()
		}
	}
}

func (p *relationPlan) load(txn *badger.Txn, item *badger.Item) (*graph.Relation, error) {
	if !p.byID {
		decode := decodeRelation
		if p.slim {
			decode = decodeRelationSlim
		}
		var r *graph.Relation
		err := item.Value(func(v []byte) (err error) {
			r, err = decode(v)
			return err
		})
		return r, err
	}
	id, err := item.ValueCopy(nil)
	if err != nil {
		return nil, err
	}
	return getRelation(txn, string(id))
}
