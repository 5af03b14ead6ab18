package store

import (
	"context"
	"errors"
	"fmt"
	"io"

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
	// then "write") and once at the end of each.
	Progress func(pass string, s ImportStats)
}

// progressEvery is how many items pass between calls of Progress.
const progressEvery = 50000

// Import loads a large input in two passes. The first checks every item as
// Apply would (each entity and relation on its own, the kinds each relation
// joins, that every entity a relation names is defined before it in the
// input or already stored, that no relation starts outside the life of its
// ends, and that nothing is defined twice; loops of renamings are Apply's
// alone) and stops at
// the first problem, naming its place: a malformed input writes nothing.
// The second pass writes with Badger's batch writer, many items to a
// transaction committed in the background, rather than one transaction per
// item. open is called once for each pass and must give the same items
// both times.
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
	kinds, err := db.checkImport(ctx, open, progress)
	if err != nil {
		return ImportStats{}, err
	}
	return db.writeImport(ctx, open, kinds, progress)
}

// checkImport is the first pass of Import. It returns what it counted, for
// the second pass to compare with.
func (db *DB) checkImport(ctx context.Context, open func() (ItemReader, error), progress func(string, ImportStats)) (ImportStats, error) {
	// What the input defines, and the lives of the entities relations name,
	// for CheckLife. Relations are kept by the 16 characters of their id
	// after "rel:", which keeps ten million of them within a few hundred
	// megabytes.
	entities := map[graph.ID]graph.Period{}
	relations := map[[16]byte]struct{}{}
	stored := map[graph.ID]*graph.Period{} // entities outside the input; nil: none
	life := func(id graph.ID) (graph.Period, bool) {
		if p, ok := entities[id]; ok {
			return p, true
		}
		p, cached := stored[id]
		if !cached {
			if e, err := db.Entity(ctx, id); err == nil {
				p = &e.Period
			}
			stored[id] = p
		}
		if p == nil {
			return graph.Period{}, false
		}
		return *p, true
	}
	exists := func(id graph.ID) (graph.Kind, bool) {
		_, ok := life(id)
		return id.Kind(), ok
	}
	return eachItem(ctx, open, "check", progress, func(r ItemReader, e *graph.Entity, rel *graph.Relation) error {
		if e != nil {
			if err := e.Validate(); err != nil {
				return r.Errorf("%s", graph.ErrorMessage(err))
			}
			if _, dup := entities[e.ID]; dup {
				return r.Errorf("entity %s is defined a second time; give each entity one line", e.ID)
			}
			entities[e.ID] = e.Period
			return nil
		}
		given := rel.ID
		rel.Normalize()
		if given != "" && given != rel.ID {
			return r.Errorf("relation id %s does not match what the relation states (%s has id %s); leave the id out to have it derived", given, rel.Describe(), rel.ID)
		}
		if err := rel.Validate(exists); err != nil {
			return r.Errorf("%s", graph.ErrorMessage(err))
		}
		for _, end := range []graph.ID{rel.From, rel.To} {
			p, _ := life(end)
			if err := rel.CheckLife(&graph.Entity{ID: end, Period: p}); err != nil {
				return r.Errorf("%s", graph.ErrorMessage(err))
			}
		}
		key := [16]byte([]byte(rel.ID[len(graph.RelationIDPrefix):]))
		if _, dup := relations[key]; dup {
			return r.Errorf("%s is stated a second time; list all its sources on one line", rel.Describe())
		}
		relations[key] = struct{}{}
		return nil
	})
}

// eachItem reads the items open gives and hands each to fn, counting them
// and reporting progress now and then, until the input ends or fn fails.
func eachItem(ctx context.Context, open func() (ItemReader, error), pass string, progress func(string, ImportStats),
	fn func(r ItemReader, e *graph.Entity, rel *graph.Relation) error) (ImportStats, error) {
	var s ImportStats
	r, err := open()
	if err != nil {
		return s, err
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

// writeImport is the second pass of Import.
func (db *DB) writeImport(ctx context.Context, open func() (ItemReader, error), want ImportStats, progress func(string, ImportStats)) (ImportStats, error) {
	// Entities being replaced need their old index keys removed, read from
	// a snapshot taken before the first write.
	snap := db.bdb.NewTransaction(false)
	defer snap.Discard()
	wb := db.bdb.NewWriteBatch()
	defer wb.Cancel()
	t, v := newTally(), vocabulary{}
	t.ties = nil // settled against the store after the import, not kept
	s, err := eachItem(ctx, open, "write", progress, func(_ ItemReader, e *graph.Entity, rel *graph.Relation) error {
		if e != nil {
			if err := writeEntity(wb, snap, t, v, e); err != nil {
				return db.translate(fmt.Errorf("write entity %s: %w", e.ID, err))
			}
			return nil
		}
		rel.Normalize()
		if err := writeRelation(wb, snap, t, rel); err != nil {
			return db.translate(fmt.Errorf("write relation %s: %w", rel.ID, err))
		}
		return nil
	})
	if err != nil {
		return s, err
	}
	if s != want {
		return s, fmt.Errorf("the input changed between the two passes: %d entities and %d relations were checked, %d and %d read to write", want.Entities, want.Relations, s.Entities, s.Relations)
	}
	if err := wb.Flush(); err != nil {
		return s, db.translate(fmt.Errorf("write the import: %w", err))
	}
	after := db.bdb.NewTransaction(false)
	err = t.settle(ctx, snap, after)
	after.Discard()
	if err != nil {
		return s, fmt.Errorf("count the import: %w", err)
	}
	if err := db.writeTally(t); err != nil {
		return s, err
	}
	if err := db.update(ctx, func(*badger.Txn, *tally) error { return nil }); err != nil { // bumps the data version
		return s, err
	}
	return s, nil
}
