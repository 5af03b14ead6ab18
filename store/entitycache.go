package store

import (
	"encoding/binary"

	"github.com/dgraph-io/ristretto/v2"

	"github.com/chancery/chancery/graph"
)

// entityCache keeps decoded entities for the readers of a serving store.
// A traversal's answer names hundreds of entities, most of them the same
// countries and organisations from one query to the next, and a point
// read of one costs a walk down Badger's levels and a decode.
//
// Entries are keyed by the data version the reading transaction sees and
// the id, so a write, which always changes the version, leaves every old
// entry unreachable and none is ever stale; they age out. The entities it
// hands out are shared between readers, which must not change them.
type entityCache struct {
	c *ristretto.Cache[string, *graph.Entity]
}

// entityCacheBytes bounds the cache, in bytes of entities as estimated by
// entitySize.
const entityCacheBytes = 32 << 20

// newEntityCacheFor returns the cache of a store opened with opts: none
// for a bulk import, which reads no entities through it.
func newEntityCacheFor(opts Options) *entityCache {
	if opts.Bulk {
		return nil
	}
	c, err := ristretto.NewCache(&ristretto.Config[string, *graph.Entity]{
		NumCounters:        10 * entityCacheBytes / 512, // ten per entity of an average size
		MaxCost:            entityCacheBytes,
		BufferItems:        64,
		IgnoreInternalCost: true, // entitySize counts the entry's overhead
	})
	if err != nil {
		// Only a config without counters, cost or buffers is refused, and
		// this one has all three.
		panic("store: entity cache: " + err.Error())
	}
	return &entityCache{c: c}
}

func entityCacheKey(version uint64, id graph.ID) string {
	return string(binary.BigEndian.AppendUint64(nil, version)) + string(id)
}

// get returns the entity cached for id at version; a nil cache has none.
func (c *entityCache) get(version uint64, id graph.ID) (*graph.Entity, bool) {
	if c == nil {
		return nil, false
	}
	return c.c.Get(entityCacheKey(version, id))
}

// put offers e to the cache, which may turn it down.
func (c *entityCache) put(version uint64, e *graph.Entity) {
	if c != nil {
		c.c.Set(entityCacheKey(version, e.ID), e, entitySize(e))
	}
}

func (c *entityCache) close() {
	if c != nil {
		c.c.Close()
	}
}

// entitySize estimates the memory a decoded entity holds.
func entitySize(e *graph.Entity) int64 {
	n := 256 + 2*len(e.ID) + len(e.Name)
	for _, a := range e.Aliases {
		n += 16 + len(a)
	}
	for _, s := range e.Sources {
		n += 64 + len(s.Document) + len(s.URL) + len(s.Quote)
	}
	for k, v := range e.Attributes {
		n += 32 + len(k) + len(v)
	}
	return int64(n)
}
