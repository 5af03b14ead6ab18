// Package store keeps Chancery's graph in Badger. It is the only package that
// imports Badger: it owns key encoding, indexes and transactions, and turns
// Badger's errors into graph errors at its edge.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
)

// Options configure Open.
type Options struct {
	// Dir is the data directory, created if absent. Empty means an
	// in-memory store that vanishes on Close, for tests.
	Dir string
	// Logger receives Badger's warnings and errors; nil discards them.
	Logger *slog.Logger
	// SyncWrites makes every write reach the disk before Apply returns, so
	// an acknowledged write survives a crash of the machine, not only of
	// the process. A server sets it; a bulk import need not.
	SyncWrites bool
	// Bulk opens the store for a large import: larger memtables, at the
	// cost of memory, and an import into a store that holds no data yet
	// is a sorted load (see Import), during which nothing else may read
	// or write the store. Without it the store is opened to serve, with
	// its caches and memtables bounded so that resident memory stays near
	// servingMemory whatever the size of the data.
	Bulk bool
	// MinFree is the free space on the data directory's disk below which
	// writes, imports and restores are refused (EUNAVAILABLE); 0 means
	// DefaultMinFree.
	MinFree int64
	// Replace opens the store for a caller about to replace everything it
	// holds (Restore): a store an import or restore left part-way, which
	// Open otherwise refuses, opens for it, and its indexes are left to the
	// load to bring up to date.
	Replace bool
	// Inspect opens the store as it is, for Verify and Repair: an import
	// cut short is not refused, and indexes older than this code's are
	// not rebuilt, so that Verify can report both.
	Inspect bool
	// Follower opens the store of a replica, which holds what its
	// primary sent it and nothing else (see Follow): it is never filled
	// or reindexed, a restore of the primary's data cut short is not
	// refused but loaded again, and reads are refused until the store
	// holds a whole copy of the primary's data.
	Follower bool
}

// servingMemory is about what Badger may hold in its caches when serving:
// the block cache and the cache of table indexes and filters.
const servingMemory = 128 << 20

// badgerOptions turns opts into Badger's options.
func badgerOptions(opts Options) badger.Options {
	b := badger.DefaultOptions(opts.Dir).WithLogger(badgerLogger{opts.Logger}).WithSyncWrites(opts.SyncWrites)
	if opts.Bulk {
		// Larger memtables than a server's, but Badger's own level-0
		// limits: with more level-0 tables allowed before writes stall,
		// compaction fell behind an import of 10^7 relations and its
		// buffers grew past 13 GB. Closing compacts level 0 into the
		// levels below it, so that the server that opens the store next
		// starts on a settled tree rather than compacting the whole import
		// while it answers.
		//
		// A sorted load's StreamWriter builds up to sixteen tables of the
		// bottom level at once, each in a buffer twice the table's size:
		// with Badger's base table size those tables are 64 MiB and the
		// buffers alone took 2 GiB. A quarter of it makes tables of 16 MiB
		// and bounds the buffers at 512 MiB. Three memtables rather than
		// five bound what writes waiting on a flush hold.
		return b.WithMemTableSize(128 << 20).
			WithNumMemtables(3).
			WithBaseTableSize(512 << 10).
			WithBlockCacheSize(64 << 20).
			WithCompactL0OnClose(true)
	}
	// Writes while serving are small, so two memtables are plenty; they
	// keep Badger's default size, which bounds the largest transaction.
	// Table indexes and bloom filters go through a cache of their own
	// rather than all staying in memory, which at ten million relations
	// would be hundreds of megabytes.
	return b.WithNumMemtables(2).
		WithBlockCacheSize(servingMemory / 2).
		WithIndexCacheSize(servingMemory / 4)
}

// DB is a graph stored in Badger.
type DB struct {
	bdb    *badger.DB
	dir    string
	lock   *os.File
	counts countCache
	// entities caches decoded entities for Entity and EntitiesByID; nil
	// for a store opened for a bulk import.
	entities *entityCache
	// bulk is Options.Bulk: an import into the empty store may be a
	// sorted load, which no reader may overlap.
	bulk    bool
	writeMu sync.Mutex // see update
	// versions keeps the data version between writes; every write of
	// the version is bracketed by versions.changing.
	versions versionCache
	// freeMargin is Options.MinFree.
	freeMargin int64
	// follower is Options.Follower. A replica's reads hold gate shared,
	// and the restore that empties and loads its store holds it alone;
	// loaded says whether the store holds a whole copy of the primary's
	// data (see view).
	follower bool
	gate     sync.RWMutex
	loaded   atomic.Bool
	copying  atomic.Bool // a full copy is being emptied in and loaded (see Copying)
	// comps records which entities relations may join (components.go).
	comps components
}

var _ graph.Reader = (*DB)(nil)

// lockFileName is the file in a data directory that the process using it
// holds an exclusive lock on and describes itself in.
const lockFileName = "chancery.lock"

// Holder describes the process that has a data directory open.
type Holder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Address string    `json:"address,omitempty"`
	Since   time.Time `json:"since"`
}

// Open opens the store in opts.Dir, creating the directory if needed, or an
// in-memory store when opts.Dir is empty. If another process holds the
// directory, the error names it and says what to do.
func Open(opts Options) (*DB, error) {
	bopts := badgerOptions(opts)
	if opts.Dir == "" {
		db, err := badger.Open(bopts.WithInMemory(true))
		if err != nil {
			return nil, fmt.Errorf("open in-memory store: %w", err)
		}
		return &DB{bdb: db, entities: newEntityCacheFor(opts), follower: opts.Follower}, nil
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, graph.Errorf(graph.EINVALID, "cannot create data directory %s: %v", opts.Dir, err)
	}
	lock, err := lockDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	// A restore that was killed leaves its temporary copy of the backup,
	// and an import its sorted runs, which can be gigabytes; holding the
	// lock, nothing else can be using them. (Inspect leaves them for
	// Verify to report.)
	for _, pattern := range []string{"restore-*.partial", sortDirPattern} {
		if opts.Inspect {
			break
		}
		stale, _ := filepath.Glob(filepath.Join(opts.Dir, pattern))
		for _, f := range stale {
			os.RemoveAll(f)
		}
	}
	if err := removeEmptyLogs(opts.Dir); err != nil {
		lock.Close()
		return nil, graph.Errorf(graph.EINTERNAL, "cannot open the store in %s: %v", opts.Dir, err)
	}
	if !opts.Bulk {
		if err := replayLargeMemtables(opts.Dir, bopts.MemTableSize); err != nil {
			lock.Close()
			return nil, graph.Errorf(graph.EINTERNAL, "cannot open the store in %s: %v", opts.Dir, err)
		}
	}
	bdb, err := badger.Open(bopts)
	if err != nil {
		lock.Close()
		return nil, graph.Errorf(graph.EINTERNAL, "cannot open the store in %s: %v; if the directory is not a Chancery data directory, pass --data with another one", opts.Dir, err)
	}
	db := &DB{bdb: bdb, dir: opts.Dir, lock: lock, entities: newEntityCacheFor(opts), bulk: opts.Bulk, freeMargin: opts.MinFree, follower: opts.Follower}
	if opts.Replace || opts.Inspect {
		return db, nil
	}
	if opts.Follower {
		if err := db.checkFollowing(); err != nil {
			db.Close()
			return nil, err
		}
		return db, nil
	}
	if im, err := startOverCutShortFill(opts.Dir, bdb); err != nil {
		db.Close()
		return nil, err
	} else if im != nil && opts.Logger != nil {
		opts.Logger.Warn("the first fill of the data directory was cut short (a crash, a kill or a full disk); what it wrote is removed, and it is filled again",
			"data", opts.Dir, "fill_started", im.since())
	}
	if err := db.refuseCutShortImport(); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.upgradeIndexes(context.Background()); err != nil {
		db.Close()
		return nil, graph.Errorf(graph.EINTERNAL, "cannot bring the indexes of %s up to date: %v", opts.Dir, err)
	}
	return db, nil
}

// removeEmptyLogs removes the memtable and value logs of no bytes in dir.
// Badger creates such a log and then sizes it; a process killed between
// the two leaves an empty file, which holds nothing (not even the log's
// header), but which Badger cannot open again: it reports "while opening
// fid: N err: Create a new file" (a memtable) or "Open existing file: ...
// err: Create a new file" (a value log), and the store would never open.
// Nothing points into an empty value log, and Badger makes a new one when
// it finds none.
func removeEmptyLogs(dir string) error {
	var logs []string
	for _, pattern := range []string{"*.mem", "*.vlog"} {
		found, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return err
		}
		logs = append(logs, found...)
	}
	removed := false
	for _, path := range logs {
		info, err := os.Stat(path)
		if err != nil {
			return err
		}
		if info.Size() == 0 {
			if err := os.Remove(path); err != nil {
				return fmt.Errorf("remove the empty log %s: %w", path, err)
			}
			removed = true
		}
	}
	if removed {
		return syncDir(dir)
	}
	return nil
}

// replayLargeMemtables replays, at the size they were written with, the
// memtables that a bulk import (whose memtables are larger than a serving
// store's) left unflushed when it was cut short, and lets Badger flush
// them: opened with the smaller size, Badger would stop the process
// replaying them ("Arena too small"). A memtable's log file is twice its
// size.
func replayLargeMemtables(dir string, size int64) error {
	logs, err := filepath.Glob(filepath.Join(dir, "*.mem"))
	if err != nil {
		return err
	}
	for _, path := range logs {
		info, err := os.Stat(path)
		if err != nil {
			return err
		}
		if info.Size() > 2*size {
			b, err := badger.Open(badgerOptions(Options{Dir: dir, Bulk: true}))
			if err != nil {
				return fmt.Errorf("replay the memtables an import left: %w", err)
			}
			return b.Close()
		}
	}
	return nil
}

// refuseCutShortImport refuses a store an import (see Import) never
// finished: it holds part of an import, without all its indexes and
// counts. The importing file says so for every import; a store written
// before that file existed may say so with the key a sorted load set.
func (db *DB) refuseCutShortImport() error {
	im, err := cutShortImport(db.dir)
	if err != nil {
		return err
	}
	if im != nil {
		return graph.Errorf(graph.ECONFLICT, "%s", cutShortMessage(db.dir, im))
	}
	return db.bdb.View(func(txn *badger.Txn) error {
		since, importing, err := readMeta(txn, metaImporting)
		if err != nil {
			return graph.Errorf(graph.EINTERNAL, "cannot read %s: %v", db.dir, err)
		} else if !importing {
			return nil
		}
		return graph.Errorf(graph.ECONFLICT, "%s holds an import that started at %s and was cut short, and only part of it; the store held nothing but what it was first filled with before it, so delete the directory and import again", db.dir, since)
	})
}

// indexVersion names the set of indexes this code writes. A store written
// with an older set is reindexed when it is opened.
//
//	1: names; 2: and words and entity trigrams; 3: and counts;
//	4: the trigrams of the vocabulary in place of the entities';
//	5: and the pair index of missions by sender and host, in the counts;
//	6: and the degree of every entity, in the counts;
//	7: the counts count what is known to hold on each day (see
//	   graph.Period.KnownSpan), not every day an undated fact might.
const indexVersion = "7"

// upgradeIndexes reindexes a store whose indexes are older than this code's.
func (db *DB) upgradeIndexes(ctx context.Context) error {
	var have string
	err := db.view(ctx, func(txn *badger.Txn) error {
		v, _, err := readMeta(txn, metaIndex)
		have = string(v)
		return err
	})
	if err != nil || have == indexVersion {
		return err
	}
	if have < "4" {
		if err := db.reindex(ctx); err != nil {
			return err
		}
	}
	if have < "7" {
		if err := db.recount(ctx); err != nil {
			return err
		}
	}
	// Indexes are not data: writing them leaves the data version alone.
	return db.bdb.Update(func(txn *badger.Txn) error {
		return txn.Set(metaKey(metaIndex), []byte(indexVersion))
	})
}

// lockDir takes an exclusive lock on the directory's lock file before Badger
// is opened, so that a second process learns who holds the directory instead
// of reading Badger's own lock message.
func lockDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, lockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, graph.Errorf(graph.EINVALID, "cannot open lock file %s: %v", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, graph.Errorf(graph.ECONFLICT, "data directory %s is in use by %s; stop that process first, or pass --data with another directory",
				dir, describeHolder(path))
		}
		return nil, graph.Errorf(graph.EINTERNAL, "cannot lock %s: %v", path, err)
	}
	return f, writeHolder(f, Holder{PID: os.Getpid(), Command: "chancery", Since: time.Now().UTC()})
}

func describeHolder(path string) string {
	b, err := os.ReadFile(path)
	var h Holder
	if err != nil || json.Unmarshal(b, &h) != nil || h.PID == 0 {
		return "another process"
	}
	s := fmt.Sprintf("%s (pid %d", h.Command, h.PID)
	if h.Address != "" {
		s += ", serving on " + h.Address
	}
	return s + ", since " + h.Since.Format(time.RFC3339) + ")"
}

func writeHolder(f *os.File, h Holder) error {
	b, _ := json.Marshal(h)
	if err := f.Truncate(0); err != nil {
		return fmt.Errorf("write lock file: %w", err)
	}
	if _, err := f.WriteAt(append(b, '\n'), 0); err != nil {
		return fmt.Errorf("write lock file: %w", err)
	}
	return nil
}

// Announce records in the lock file what this process is doing with the
// directory (for example "chancery serve" and its address), so that a second
// process that finds the directory locked can say who holds it.
func (db *DB) Announce(command, address string) error {
	if db.lock == nil {
		return nil
	}
	return writeHolder(db.lock, Holder{PID: os.Getpid(), Command: command, Address: address, Since: time.Now().UTC()})
}

// Dir returns the data directory, "" for an in-memory store.
func (db *DB) Dir() string { return db.dir }

// Close flushes and closes the store and releases the directory.
func (db *DB) Close() error {
	db.comps.close()
	err := db.bdb.Close()
	db.entities.close()
	if db.lock != nil {
		db.lock.Truncate(0)
		db.lock.Close() // closing releases the flock
	}
	if err != nil {
		return fmt.Errorf("close store %s: %w", db.dir, err)
	}
	return nil
}

// view runs fn in a read transaction, checking ctx first. A replica
// turns readers away while it has no whole copy of its primary's data,
// and while it loads one (see Follow), unless ctx is the load's own.
func (db *DB) view(ctx context.Context, fn func(txn *badger.Txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if db.follower && ctx.Value(loadingKey{}) == nil {
		if !db.gate.TryRLock() {
			return graph.Errorf(graph.EUNAVAILABLE, "this replica is loading a full copy of its primary's data; try again in a few seconds, or ask another replica")
		}
		defer db.gate.RUnlock()
		if !db.loaded.Load() {
			return graph.Errorf(graph.EUNAVAILABLE, "this replica does not yet hold a copy of its primary's data; try again shortly, or ask another replica")
		}
	}
	return db.bdb.View(fn)
}

// badgerLogger passes Badger's warnings and errors to slog and drops its
// informational chatter.
type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) Errorf(f string, a ...any) {
	if b.l != nil {
		b.l.Error("badger: " + fmt.Sprintf(f, a...))
	}
}

func (b badgerLogger) Warningf(f string, a ...any) {
	if b.l != nil {
		b.l.Warn("badger: " + fmt.Sprintf(f, a...))
	}
}

func (badgerLogger) Infof(string, ...any)  {}
func (badgerLogger) Debugf(string, ...any) {}
