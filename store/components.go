package store

// The components record which entities a chain of relations may join at
// all: a union-find over every relation ever stored, of any type, at any
// time. paths asks it first (Joined): two entities in different components
// have no path between them, whatever the query's types, date and length,
// which otherwise takes a search that reads all it reaches from one end.
//
// The record only ever merges. A deletion leaves it as it was, so it may
// join entities that no longer are (the search then finds no path, as
// without the record), but it never parts entities that are joined: it
// answers "not joined" only when that is true.
//
// It is built in the background from the relation records the first time
// it is asked (until then paths searches as before), and kept up to date
// by every write that goes through update (wrote) and every set of changes
// a replica applies. Anything else that writes the store (a restore, a
// full copy, an import, a repair) drops it, to be built again. It answers
// only at the data version it holds; at any other it does not know.

import (
	"context"
	"errors"
	"hash/maphash"
	"slices"
	"sync"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
)

// components is the record; the zero value holds nothing and knows
// nothing.
type components struct {
	mu      sync.Mutex
	ok      bool   // parent holds every relation at version
	version uint64 // the data version parent holds
	sets    *disjointSets
	// building is set while a build runs; writes that end meanwhile are
	// kept in pending, and dropped marks a drop that the build's
	// snapshot may predate.
	building bool
	pending  []wroteEnds
	dropped  bool
	// closed is set when the store closes, which waits for a build to
	// stop (builds).
	closed bool
	builds sync.WaitGroup
}

// close stops a build under way and waits for it: the store is closing.
func (c *components) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.builds.Wait()
}

func (c *components) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// wroteEnds is what one write joined: the ends of the relations it
// stored, as the data version moved on from from to to.
type wroteEnds struct {
	from, to uint64
	ends     [][2]graph.ID
}

// disjointSets is a union-find over entities, each known by a hash of its
// id: two ids of one hash are one entity to it, which can only join more
// (see the file's comment). The entities stored when it was built are a
// sorted list of hashes, 12 bytes an entity with their parents; those
// written since are in a map beside it.
type disjointSets struct {
	seed   maphash.Seed
	sorted []uint64         // the hashes of the entities it was built with
	extra  map[uint64]int32 // and of those written since, by node
	parent []int32          // by node: the sorted hashes' first, then extra's
}

// newDisjointSets returns sets of the entities of the given hashes, each
// alone, which it sorts.
func newDisjointSets(seed maphash.Seed, hashes []uint64) *disjointSets {
	slices.Sort(hashes)
	hashes = slices.Compact(hashes)
	d := &disjointSets{seed: seed, sorted: slices.Clip(hashes), extra: map[uint64]int32{}, parent: make([]int32, len(hashes))}
	for i := range d.parent {
		d.parent[i] = int32(i)
	}
	return d
}

func (d *disjointSets) node(id graph.ID, add bool) (int32, bool) {
	h := maphash.String(d.seed, string(id))
	if i, ok := slices.BinarySearch(d.sorted, h); ok {
		return int32(i), true
	}
	n, ok := d.extra[h]
	if !ok && add {
		n = int32(len(d.parent))
		d.parent = append(d.parent, n)
		d.extra[h] = n
		ok = true
	}
	return n, ok
}

func (d *disjointSets) find(n int32) int32 {
	for d.parent[n] != n {
		d.parent[n] = d.parent[d.parent[n]]
		n = d.parent[n]
	}
	return n
}

func (d *disjointSets) union(a, b graph.ID) {
	x, _ := d.node(a, true)
	y, _ := d.node(b, true)
	if x, y = d.find(x), d.find(y); x != y {
		d.parent[max(x, y)] = min(x, y)
	}
}

// joined reports whether a and b are in one set.
func (d *disjointSets) joined(a, b graph.ID) bool {
	x, okx := d.node(a, false)
	y, oky := d.node(b, false)
	return okx && oky && d.find(x) == d.find(y)
}

// wrote records that the write taking the data version from from to to
// stored relations with these ends. Writes take turns, and call it in
// their turn.
func (c *components) wrote(from, to uint64, ends [][2]graph.ID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.building:
		c.pending = append(c.pending, wroteEnds{from, to, ends})
	case c.ok && c.version == from:
		for _, e := range ends {
			c.sets.union(e[0], e[1])
		}
		c.version = to
	default:
		c.ok = false
	}
}

// drop forgets the record, after a write that does not say what it
// joined.
func (c *components) drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ok, c.sets, c.dropped = false, nil, c.building
}

// Joined reports whether a chain of relations may join a and b: false only
// when none does, at the data version it is asked at, whatever its types
// and dates. known is false when the record cannot say now (it is being
// built, or it is behind the data); the caller then searches.
func (db *DB) Joined(ctx context.Context, a, b graph.ID) (joined, known bool) {
	if db.bulk {
		return false, false
	}
	v, err := db.Version(ctx)
	if err != nil {
		return false, false
	}
	c := &db.comps
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok && c.version == v {
		return c.sets.joined(a, b), true
	}
	if !c.building && !c.closed {
		c.building, c.pending, c.dropped = true, nil, false
		c.builds.Add(1)
		go db.buildComponents()
	}
	return false, false
}

// errClosing stops a build when the store closes.
var errClosing = errors.New("the store is closing")

// buildComponents builds the record from the relation records, in one
// transaction, then brings it up to date with the writes that ended
// meanwhile.
func (db *DB) buildComponents() {
	defer db.comps.builds.Done()
	var sets *disjointSets
	var version uint64
	err := db.view(context.Background(), func(txn *badger.Txn) error {
		var err error
		if version, err = readVersion(txn); err != nil {
			return err
		}
		// Every entity stored, from its key alone; then every relation
		// joins its two ends.
		seed := maphash.MakeSeed()
		var hashes []uint64
		prefix := entityRecordsPrefix()
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		n := 0
		for it.Rewind(); it.Valid(); it.Next() {
			if n++; n%4096 == 0 && db.comps.isClosed() {
				it.Close()
				return errClosing
			}
			hashes = append(hashes, maphash.Bytes(seed, it.Item().Key()[len(prefix):]))
		}
		it.Close()
		sets = newDisjointSets(seed, hashes)
		prefix = relationRecordsPrefix()
		it = txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 256})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if n++; n%4096 == 0 && db.comps.isClosed() {
				return errClosing
			}
			if err := it.Item().Value(func(v []byte) error {
				from, to, err := relationEnds(v)
				if err == nil {
					sets.union(from, to)
				}
				return err
			}); err != nil {
				return err
			}
		}
		return nil
	})
	c := &db.comps
	c.mu.Lock()
	defer c.mu.Unlock()
	c.building = false
	pending := c.pending
	c.pending = nil
	if err != nil || c.dropped {
		c.ok = false
		return
	}
	c.sets, c.version, c.ok = sets, version, true
	for _, w := range pending {
		switch {
		case w.to <= c.version:
			// in the build's snapshot already: a write is whole in it or
			// not in it at all
		case w.from == c.version:
			for _, e := range w.ends {
				c.sets.union(e[0], e[1])
			}
			c.version = w.to
		default:
			c.ok = false
			return
		}
	}
}
