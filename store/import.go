package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime/debug"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
)

// ItemReader yields the entities and relations of an import one at a time,
// exactly one of the two per call, and io.EOF at the end. Errorf makes an
// error that says where in the input the item read last stands (a file and
// line). jsonl.Reader is one.
type ItemReader interface {
	Next() (*graph.Entity, *graph.Relation, error)
	Errorf(format string, args ...any) error
}

// ImportStats counts what an import has read or written so far.
type ImportStats struct {
	Entities, Relations int
}

// ImportOptions configure Import.
type ImportOptions struct {
	// Progress, if set, is called now and then during each pass ("check",
	// then "write") and once at the end of each; a sorted load checks and
	// gathers its keys in the pass "check", reports "write" once when it is
	// done, and a pass "sort" once, when it starts loading the sorted keys.
	Progress func(pass string, s ImportStats)
}

// progressEvery is how many items pass between calls of Progress.
const progressEvery = 50000

// Import loads a large input. It checks every item as Apply would (each
// entity and relation on its own, the kinds each relation joins, that
// every entity a relation names is defined before it in the input or
// already stored, that no relation starts outside the life of its ends,
// and that nothing is defined twice; loops of renamings are Apply's alone)
// and stops at the first problem, naming its place: a malformed input
// writes nothing.
//
// Into a store on disk opened with Options.Bulk that is empty or holds
// the seeds alone, next to fewer keys than the import brings, it reads
// the input once: it checks each item and puts its keys, with those the
// store holds, in sorted runs on disk, then streams them into the store in
// order, which is faster than Badger's write path and takes the same
// memory at any size (sortload.go). It reports the pass "check" as it
// reads, "write" once the input is read, and "sort" when it starts the
// stream. Otherwise it reads the input twice: a pass "check" first, then
// a pass "write" with Badger's batch writer, many items to a transaction
// committed in the background, rather than one transaction per item. open
// is called once for each pass and must give the same items each time.
//
// An entity already stored is replaced; a relation already stored is
// written again unchanged (its id comes from what it states). Import is
// meant for a data directory no server is reading, which the directory's
// lock ensures: readers of the same DB could see a part of the load.
func (db *DB) Import(ctx context.Context, open func() (ItemReader, error), opts ImportOptions) (ImportStats, error) {
	progress := opts.Progress
	if progress == nil {
		progress = func(string, ImportStats) {}
	}
	defer limitImportMemory()()
	// The relations an import writes are not told to the record of
	// components: it is built again.
	defer db.comps.drop()
	held, sorted, err := db.keysToCarry(maxCarriedKeys)
	if err != nil {
		return ImportStats{}, err
	}
	if sorted {
		s, loaded, err := db.sortImport(ctx, open, held, progress)
		if err != nil || loaded {
			return s, err
		}
		// Checked, but too small for a sorted load next to what the
		// store holds: written with the batch writer.
		return db.writeImport(ctx, open, s, progress)
	}
	want, err := db.checkImport(ctx, open, progress)
	if err != nil {
		return ImportStats{}, err
	}
	return db.writeImport(ctx, open, want, progress)
}

// importMemoryLimit is the Go runtime's soft memory limit during an
// import, unless the process has one (GOMEMLIMIT, or one its caller
// set). Without it the collector lets the heap grow to twice
// what is live between collections, and an import's live heap (the runs
// being filled and written, what the check remembers of every entity and
// relation, the tables the stream builds) is large: at 10^6 relations the
// heap reached 3.3 GiB with 1.3 GiB live. Past the limit the collector
// works harder, never with more than half the CPU, so an import whose
// live heap outgrows it still finishes, more slowly: at 10^7 relations
// what the check remembers comes near 2 GiB, and under a limit of 1.75
// GiB the collector ran all but continuously and the import slowed
// tenfold.
const importMemoryLimit = 2560 << 20

// limitImportMemory sets importMemoryLimit, if the process has no limit,
// and returns what puts the limit back.
func limitImportMemory() (restore func()) {
	if debug.SetMemoryLimit(-1) != math.MaxInt64 {
		return func() {}
	}
	debug.SetMemoryLimit(importMemoryLimit)
	return func() { debug.SetMemoryLimit(math.MaxInt64) }
}

// importCheck checks the items of an import as Import says, remembering
// what it needs of those it has seen.
type importCheck struct {
	ctx context.Context
	db  *DB
	// What the input defines, and the lives of the entities relations
	// name, for CheckLife. Relations are kept by the 16 characters of
	// their id after "rel:", which keeps ten million of them within a few
	// hundred megabytes.
	entities  map[graph.ID]graph.Period
	relations map[[16]byte]struct{}
	stored    map[graph.ID]*graph.Period // entities outside the input; nil: none
}

func newImportCheck(ctx context.Context, db *DB) *importCheck {
	return &importCheck{ctx: ctx, db: db, entities: map[graph.ID]graph.Period{},
		relations: map[[16]byte]struct{}{}, stored: map[graph.ID]*graph.Period{}}
}

// life reads the period of an entity the input defines so far, or else
// the store holds.
func (c *importCheck) life(id graph.ID) (graph.Period, bool) {
	if p, ok := c.entities[id]; ok {
		return p, true
	}
	p, cached := c.stored[id]
	if !cached {
		if e, err := c.db.Entity(c.ctx, id); err == nil {
			p = &e.Period
		}
		c.stored[id] = p
	}
	if p == nil {
		return graph.Period{}, false
	}
	return *p, true
}

func (c *importCheck) exists(id graph.ID) (graph.Kind, bool) {
	_, ok := c.life(id)
	return id.Kind(), ok
}

// item checks one entity or relation of the input and remembers it; the
// error names its place in the input (r.Errorf).
func (c *importCheck) item(r ItemReader, e *graph.Entity, rel *graph.Relation) error {
	if e != nil {
		if err := e.Validate(); err != nil {
			return r.Errorf("%s", graph.ErrorMessage(err))
		}
		if _, dup := c.entities[e.ID]; dup {
			return r.Errorf("entity %s is defined a second time; give each entity one line", e.ID)
		}
		c.entities[e.ID] = e.Period
		return nil
	}
	given := rel.ID
	rel.Normalize()
	if given != "" && given != rel.ID {
		return r.Errorf("relation id %s does not match what the relation states (%s has id %s); leave the id out to have it derived", given, rel.Describe(), rel.ID)
	}
	if err := rel.Validate(c.exists); err != nil {
		return r.Errorf("%s", graph.ErrorMessage(err))
	}
	for _, end := range []graph.ID{rel.From, rel.To} {
		p, _ := c.life(end)
		if err := rel.CheckLife(&graph.Entity{ID: end, Period: p}); err != nil {
			return r.Errorf("%s", graph.ErrorMessage(err))
		}
	}
	key := [16]byte([]byte(rel.ID[len(graph.RelationIDPrefix):]))
	if _, dup := c.relations[key]; dup {
		return r.Errorf("%s is stated a second time; list all its sources on one line", rel.Describe())
	}
	c.relations[key] = struct{}{}
	return nil
}

// checkImport is the first pass of Import with the batch writer. It
// returns what it counted, for the second pass to compare with.
func (db *DB) checkImport(ctx context.Context, open func() (ItemReader, error), progress func(string, ImportStats)) (ImportStats, error) {
	return eachItem(ctx, open, "check", progress, newImportCheck(ctx, db).item)
}

// sortImport is Import into a store on disk opened for a bulk import
// that holds what it was first filled with alone, held. Nothing reaches
// the store before the whole input is checked, so it reads the input
// once: each item is checked, then its keys are gathered in the sorted
// load, reported as the pass "check" as it goes and "write" once at its
// end. If the input is too small for a sorted load next to held, it
// returns with loaded false once the input is checked, having written
// nothing, for the batch writer to write it.
func (db *DB) sortImport(ctx context.Context, open func() (ItemReader, error), held []keyValue, progress func(string, ImportStats)) (s ImportStats, loaded bool, err error) {
	if err := db.SpaceProblem(); err != nil {
		return ImportStats{}, false, err
	}
	snap := db.bdb.NewTransaction(false)
	defer snap.Discard()
	sl, err := startSortedLoad(db.dir, held)
	if err != nil {
		return ImportStats{}, false, err
	}
	defer sl.close()
	check := newImportCheck(ctx, db)
	// The entities written so far are those checked so far.
	iw := &importWriter{db: db, sl: sl, w: sl, snap: snap, v: vocabulary{}, written: check.entities}
	iw.t = newImportTally(iw.life(lifeIn(snap)))
	s, err = eachItem(ctx, open, "check", progress, func(r ItemReader, e *graph.Entity, rel *graph.Relation) error {
		if err := check.item(r, e, rel); err != nil {
			return err
		}
		return iw.item(r, e, rel)
	})
	if err != nil {
		return s, false, err
	}
	if len(held) > 10*(s.Entities+s.Relations) {
		return s, false, nil
	}
	progress("write", s)
	return s, true, db.completeImport(ctx, iw, snap, held, s, progress)
}

// eachItem reads the items open gives and hands each to fn, counting them
// and reporting progress now and then, until the input ends or fn fails;
// then it closes the reader if it is an io.Closer.
func eachItem(ctx context.Context, open func() (ItemReader, error), pass string, progress func(string, ImportStats),
	fn func(r ItemReader, e *graph.Entity, rel *graph.Relation) error) (ImportStats, error) {
	var s ImportStats
	r, err := open()
	if err != nil {
		return s, err
	}
	// A reader that works ahead, as jsonl.Reader does, stops when the
	// pass does.
	if c, ok := r.(io.Closer); ok {
		defer c.Close()
	}
	for n := 1; ; n++ {
		if n%progressEvery == 0 {
			if err := ctx.Err(); err != nil {
				return s, err
			}
			progress(pass, s)
		}
		e, rel, err := r.Next()
		if errors.Is(err, io.EOF) {
			progress(pass, s)
			return s, nil
		} else if err != nil {
			return s, err
		}
		if err := fn(r, e, rel); err != nil {
			return s, err
		}
		if e != nil {
			s.Entities++
		} else {
			s.Relations++
		}
	}
}

// writeImport is the second pass of Import. Into a store on disk opened
// for a bulk import that is empty or holds the seeds alone it makes a
// sorted load (sortload.go); otherwise it writes with Badger's batch
// writer.
func (db *DB) writeImport(ctx context.Context, open func() (ItemReader, error), want ImportStats, progress func(string, ImportStats)) (ImportStats, error) {
	if err := db.SpaceProblem(); err != nil {
		return ImportStats{}, err
	}
	held, sorted, err := db.keysToCarry(min(maxCarriedKeys, 10*(want.Entities+want.Relations)))
	if err != nil {
		return ImportStats{}, err
	}
	// Entities being replaced need their old index keys removed, read from
	// a snapshot taken before the first write.
	snap := db.bdb.NewTransaction(false)
	defer snap.Discard()
	iw := &importWriter{db: db, snap: snap, v: vocabulary{}, written: map[graph.ID]graph.Period{}}
	if sorted {
		if iw.sl, err = startSortedLoad(db.dir, held); err != nil {
			return ImportStats{}, err
		}
		defer iw.sl.close()
		iw.w = iw.sl
	} else {
		// What the batch writer writes and deletes is not journaled:
		// before its first write the store gets a new history, and
		// replicas start over from a full backup. (A sorted load gets one
		// when it is done, see finishImport: until then the store is
		// refused.)
		if err := db.renewHistory(); err != nil {
			return ImportStats{}, err
		}
		if iw.wb, err = db.startBatchImport(); err != nil {
			return ImportStats{}, err
		}
		defer iw.wb.Cancel()
		iw.w = iw.wb
	}
	iw.t = newImportTally(iw.life(lifeIn(snap)))
	s, err := eachItem(ctx, open, "write", progress, iw.item)
	if err != nil {
		return s, db.importCutShort(err, iw.sl)
	}
	if s != want {
		return s, fmt.Errorf("the input changed between the two passes: %d entities and %d relations were checked, %d and %d read to write", want.Entities, want.Relations, s.Entities, s.Relations)
	}
	return s, db.completeImport(ctx, iw, snap, held, s, progress)
}

// completeImport writes what iw gathered of every item of an import into
// the store, with the counts and the data version: it streams a sorted
// load, or commits the last of the batch writer. snap is the store before
// the import, which it discards.
func (db *DB) completeImport(ctx context.Context, iw *importWriter, snap *badger.Txn, held []keyValue, s ImportStats, progress func(string, ImportStats)) error {
	// The touched missions as they were, counted off before the store
	// changes.
	if err := iw.t.settleSide(ctx, snap, -1); err != nil {
		return fmt.Errorf("count the import: %w", err)
	}
	snap.Discard()
	// What the pass remembered of the entities is not needed past it:
	// the stream and the count take the memory back.
	iw.written = nil
	var err error
	if iw.sl != nil {
		err = db.streamImport(iw.sl, held, s, progress)
	} else {
		err = db.flushImport(iw.wb)
	}
	if err != nil {
		return err
	}
	if err := db.countImport(ctx, iw.t); err != nil {
		return err
	}
	return db.finishImport(ctx, iw.sl != nil)
}

// keysToCarry decides whether an import makes a sorted load, which it
// does into a store on disk opened for a bulk import that is empty or
// holds what it was first filled with alone, and at most limit keys of
// it; it returns the store's keys for the load to carry.
func (db *DB) keysToCarry(limit int) (held []keyValue, sorted bool, err error) {
	if !db.bulk || db.dir == "" {
		return nil, false, nil
	}
	var version, filled uint64
	err = db.bdb.View(func(txn *badger.Txn) (err error) {
		if version, err = readVersion(txn); err != nil {
			return err
		}
		filled, err = filledVersion(txn)
		return err
	})
	if err != nil {
		return nil, false, db.translate(err)
	}
	// Only a store that is empty or holds what it was first filled
	// with alone: a sorted load cut short by a crash leaves a store
	// that is refused, and nothing is lost that a new directory does
	// not bring back.
	if version > filled {
		return nil, false, nil
	}
	return db.keysUpTo(limit)
}

// startSortedLoad opens a sorted load in dir that carries held and marks
// the store as being imported into, a mark removed with the last write
// of the import (finishImport).
func startSortedLoad(dir string, held []keyValue) (*sortedLoad, error) {
	sl, err := newSortedLoad(dir)
	if err != nil {
		return nil, err
	}
	for _, kv := range held {
		if err := sl.Set(kv.k, kv.v); err != nil {
			sl.close()
			return nil, err
		}
	}
	if err := sl.Set(metaKey(metaImporting), []byte(time.Now().UTC().Format(time.RFC3339))); err != nil {
		sl.close()
		return nil, err
	}
	return sl, nil
}

// startBatchImport opens the batch writer for an import. It commits as it
// fills, so from here on a crash leaves part of the import in the store:
// a store on disk says so, durably, first.
func (db *DB) startBatchImport() (*badger.WriteBatch, error) {
	if db.dir != "" {
		if err := markImporting(db.dir, false); err != nil {
			return nil, err
		}
	}
	// Only here: every transaction must be done before a sorted load
	// streams, which replaces the store's timestamps, and the batch
	// writer holds one.
	return db.bdb.NewWriteBatch(), nil
}

// An importWriter writes the items of an import's second pass, into a
// sorted load or the batch writer, and counts them.
type importWriter struct {
	db   *DB
	sl   *sortedLoad        // the sorted load, or nil
	wb   *badger.WriteBatch // the batch writer, or nil
	w    keyWriter          // whichever of the two is set
	snap *badger.Txn        // the store before the import
	t    *tally
	v    vocabulary
	// written holds the periods of the entities written so far, for the
	// relations the tally counts, over those the store held.
	written map[graph.ID]graph.Period
	items   int
}

// life reads the period of an entity as the import leaves it so far:
// written, or else as stored says.
func (iw *importWriter) life(stored lifeFunc) lifeFunc {
	return func(id graph.ID) (graph.Period, bool) {
		if p, ok := iw.written[id]; ok {
			return p, true
		}
		return stored(id)
	}
}

// item writes one entity or relation of the import.
func (iw *importWriter) item(_ ItemReader, e *graph.Entity, rel *graph.Relation) error {
	// The batch writer writes into the store as it goes, through
	// files a full disk would kill the process in: stop first.
	if iw.items++; iw.sl == nil && iw.items%spaceCheckEvery == 0 {
		if err := iw.db.SpaceProblem(); err != nil {
			return err
		}
	}
	if e != nil {
		if err := writeEntity(iw.w, iw.snap, iw.t, iw.v, e); err != nil {
			return iw.db.translate(fmt.Errorf("write entity %s: %w", e.ID, err))
		}
		iw.written[e.ID] = e.Period
		return nil
	}
	rel.Normalize()
	if err := writeRelation(iw.w, iw.snap, iw.t, rel); err != nil {
		return iw.db.translate(fmt.Errorf("write relation %s: %w", rel.ID, err))
	}
	return nil
}

// importCutShort is the error of an import whose items stopped with err:
// the batch writer (sl nil) may have committed part of it.
func (db *DB) importCutShort(err error, sl *sortedLoad) error {
	if sl == nil && db.dir != "" {
		return fmt.Errorf("%w; %s", err, cutShortMessage(db.dir, &importing{}))
	}
	return err
}

// streamImport writes a sorted load into the store, putting back what the
// store held, held, if it fails.
func (db *DB) streamImport(sl *sortedLoad, held []keyValue, s ImportStats, progress func(string, ImportStats)) error {
	progress("sort", s)
	// The stream writes about what the runs hold into the store.
	size, err := sl.size()
	if err != nil {
		return fmt.Errorf("%w; nothing of the import was written", err)
	}
	if err := db.needSpace(size); err != nil {
		return fmt.Errorf("%w; nothing of the import was written", err)
	}
	// The stream replaces the store's data: from here on a crash
	// leaves part of the import, which the importing file says.
	if err := markImporting(db.dir, true); err != nil {
		return err
	}
	if err := streamSorted(sl, db.bdb); err != nil {
		if rerr := db.putBack(held); rerr != nil {
			return fmt.Errorf("write the import: %w; putting back what the store held failed too (%v): restore %s from a backup, or delete it and import again", err, rerr, db.dir)
		}
		if uerr := unmarkImporting(db.dir); uerr != nil {
			return fmt.Errorf("write the import: %w; the store holds what it held before, but %v", err, uerr)
		}
		return fmt.Errorf("write the import: %w; the store holds what it held before", err)
	}
	return nil
}

// flushImport commits the last of the batch writer's import.
func (db *DB) flushImport(wb *badger.WriteBatch) error {
	if err := wb.Flush(); err != nil {
		return db.translate(fmt.Errorf("write the import: %w; the store holds part of it, and is refused until its indexes and counts are rebuilt: %s", err, cutShortMessage(db.dir, &importing{})))
	}
	return nil
}

// countImport counts the touched missions as the import leaves them, the
// side before it being counted already, and adds the tally to the store.
func (db *DB) countImport(ctx context.Context, t *tally) error {
	after := db.bdb.NewTransaction(false)
	err := t.settleSide(ctx, after, +1)
	after.Discard()
	if err != nil {
		return fmt.Errorf("count the import: %w", err)
	}
	t.settled()
	return db.writeTally(t, false)
}

// finishImport makes the last write of an import, which moves the data
// version on and, after a sorted load, marks the import done.
func (db *DB) finishImport(ctx context.Context, sorted bool) error {
	if err := db.update(ctx, func(txn *badger.Txn, _ *tally) error {
		if !sorted {
			return nil
		}
		if err := txn.Set(metaKey(metaHistory), []byte(newHistoryID())); err != nil {
			return err
		}
		return txn.Delete(metaKey(metaImporting))
	}); err != nil {
		return err
	}
	if db.dir != "" {
		return unmarkImporting(db.dir)
	}
	return nil
}

// spaceCheckEvery is how many items an import writes between checks of the
// free space.
const spaceCheckEvery = 2000

// streamSorted writes a sorted load into the store; a variable so that a
// test can make it fail part-way.
var streamSorted = (*sortedLoad).streamTo

// maxCarriedKeys bounds the keys of a store a sorted load rewrites: the
// curated seeds hold a few tens of thousands, the world's missions (see
// package seeds/initial) some hundreds of thousands.
const maxCarriedKeys = 2_000_000

// keysUpTo returns every key of the store with its value, if it holds at
// most limit keys; otherwise false.
func (db *DB) keysUpTo(limit int) ([]keyValue, bool, error) {
	var held []keyValue
	small := true
	err := db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if len(held) == limit {
				small = false
				return nil
			}
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			held = append(held, keyValue{it.Item().KeyCopy(nil), v})
		}
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("read what the store holds: %w", err)
	}
	if !small {
		held = nil
	}
	return held, small, nil
}

// putBack empties the store and writes back what it held before a sorted
// load that failed.
func (db *DB) putBack(held []keyValue) error {
	if err := db.bdb.DropAll(); err != nil {
		return err
	}
	wb := db.bdb.NewWriteBatch()
	defer wb.Cancel()
	for _, kv := range held {
		if err := wb.Set(kv.k, kv.v); err != nil {
			return err
		}
	}
	return wb.Flush()
}
