package store

import (
	"sync"
	"sync/atomic"
)

// versionCache keeps the data version in memory, so that a request that
// needs only to know it (for the response cache's key or an ETag) does
// not read the store. Every write that may change the version is
// bracketed by changing: the count of writes moves on when one begins and
// again when it ends, and a kept value holds only while the count is the
// one it was read at. A version read while a write is under way may be
// kept until the write ends; either value is right for that moment. A
// value read across the start or end of a write is not kept at all. A new
// way of writing the version (a replica applying another store's backup,
// say) must be bracketed too; TestVersionMovesOnWithEveryWrite holds
// each of them to it.
type versionCache struct {
	writes atomic.Uint64 // how many writes of the version have begun or ended
	kept   atomic.Pointer[keptVersion]

	mu    sync.Mutex
	ended chan struct{} // closed when the next write ends; see waitEnded
}

type keptVersion struct {
	writes  uint64 // versionCache.writes when version was read
	version uint64
}

// changing is called before a write that may change the data version;
// call the function it returns once the write has ended, whether or not
// it committed.
func (c *versionCache) changing() (ended func()) {
	c.writes.Add(1)
	return func() {
		c.writes.Add(1)
		c.mu.Lock()
		if c.ended != nil {
			close(c.ended)
			c.ended = nil
		}
		c.mu.Unlock()
	}
}

// nextEnd returns a channel closed when the next write of the version
// ends. Take it before reading the version, so that a write ending in
// between is not missed.
func (c *versionCache) nextEnd() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ended == nil {
		c.ended = make(chan struct{})
	}
	return c.ended
}

// get returns the kept version, if it still holds.
func (c *versionCache) get() (uint64, bool) {
	k := c.kept.Load()
	if k == nil || k.writes != c.writes.Load() {
		return 0, false
	}
	return k.version, true
}

// reading returns the count of writes to give keep with what is read
// next.
func (c *versionCache) reading() uint64 { return c.writes.Load() }

// keep keeps version, read after reading returned writes, unless a write
// began or ended since.
func (c *versionCache) keep(writes, version uint64) {
	if c.writes.Load() == writes {
		c.kept.Store(&keptVersion{writes: writes, version: version})
	}
}
