package store

import (
	"fmt"
	"syscall"

	"github.com/chancery/chancery/graph"
)

// DefaultMinFree is the free space on the disk of a data directory below
// which the store refuses to write. Badger writes through memory-mapped
// files (its write-ahead log and value log) that it sizes ahead of the
// data: a write into one of them when the disk cannot hold it kills the
// process (SIGBUS) rather than failing, and so does the next start, which
// replays the log. The margin holds a serving store's memtables (two of 64
// MiB, whose logs are mapped at twice that) and the level-0 tables a flush
// writes, with room to spare.
const DefaultMinFree = 512 << 20

// minFree is the margin this store keeps.
func (db *DB) minFree() uint64 {
	if db.freeMargin > 0 {
		return uint64(db.freeMargin)
	}
	return DefaultMinFree
}

// freeBytes returns the space free to an unprivileged writer on the disk
// that holds dir.
func freeBytes(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return st.Bavail * uint64(st.Bsize), nil
}

// SpaceProblem reports whether the disk holding the store has too little
// free space to write safely: nil when it has enough (or the store is in
// memory), else an EUNAVAILABLE error that says how much is free, what the
// store needs and what to do. Reads go on regardless.
func (db *DB) SpaceProblem() error { return db.needSpace(0) }

// needSpace is SpaceProblem for a write that adds about extra bytes
// beyond the margin, such as a restore or a sorted load of known size.
func (db *DB) needSpace(extra uint64) error {
	if db.dir == "" {
		return nil
	}
	free, err := freeBytes(db.dir)
	if err != nil {
		return graph.Errorf(graph.EINTERNAL, "cannot tell how much space is free for %s: %v", db.dir, err)
	}
	if need := db.minFree() + extra; free < need {
		return graph.Errorf(graph.EUNAVAILABLE, "the disk that holds %s has %s free, and the store needs %s to write safely; writes are refused and reads go on: free some space (or move the data directory to a larger disk), then try again",
			db.dir, mib(free), mib(need))
	}
	return nil
}

// mib writes a size in MiB.
func mib(n uint64) string { return fmt.Sprintf("%d MiB", n>>20) }
