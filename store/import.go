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
// input or already stored, and that nothing is defined twice) and stops at
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
	r, err := open()
	if err != nil {
		return ImportStats{}, err
	}
	// What the input defines. Relations are kept by the 16 characters of
	// their id after "rel:", which keeps ten million of them within a few
	// hundred megabytes.
	entities := map[graph.ID]struct{}{}
	relations := map[[16]byte]struct{}{}
	stored := map[graph.ID]bool{} // references to entities outside the input
	exists := func(id graph.ID) (graph.Kind, bool) {
		if _, ok := entities[id]; ok {
			return id.Kind(), true
		}
		ok, cached := stored[id]
		if !cached {
			e, err := db.Entity(ctx, id)
			ok = err == nil && e != nil
			stored[id] = ok
		}
		return id.Kind(), ok
	}
	var s ImportStats
	for n := 1; ; n++ {
		if n%progressEvery == 0 {
			if err := ctx.Err(); err != nil {
				return s, err
			}
			progress("check", s)
		}
		e, rel, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return s, err
		}
		if e != nil {
			if err := e.Validate(); err != nil {
				return s, r.Errorf("%s", graph.ErrorMessage(err))
			}
			if _, dup := entities[e.ID]; dup {
				return s, r.Errorf("entity %s is defined a second time; give each entity one line", e.ID)
			}
			entities[e.ID] = struct{}{}
			s.Entities++
			continue
		}
		given := rel.ID
		rel.Normalize()
		if given != "" && given != rel.ID {
			return s, r.Errorf("relation id %s does not match what the relation states (%s has id %s); leave the id out to have it derived", given, rel.Describe(), rel.ID)
		}
		if err := rel.Validate(exists); err != nil {
			return s, r.Errorf("%s", graph.ErrorMessage(err))
		}
		key := [16]byte([]byte(rel.ID[len(graph.RelationIDPrefix):]))
		if _, dup := relations[key]; dup {
			return s, r.Errorf("%s is stated a second time; list all its sources on one line", rel.Describe())
		}
		relations[key] = struct{}{}
		s.Relations++
	}
	progress("check", s)
	return s, nil
}

// writeImport is the second pass of Import.
func (db *DB) writeImport(ctx context.Context, open func() (ItemReader, error), want ImportStats, progress func(string, ImportStats)) (ImportStats, error) {
	r, err := open()
	if err != nil {
		return ImportStats{}, err
	}
	// Entities being replaced need their old index keys removed, read from
	// a snapshot taken before the first write.
	snap := db.bdb.NewTransaction(false)
	defer snap.Discard()
	wb := db.bdb.NewWriteBatch()
	defer wb.Cancel()
	var s ImportStats
	for n := 1; ; n++ {
		if n%progressEvery == 0 {
			if err := ctx.Err(); err != nil {
				return s, err
			}
			progress("write", s)
		}
		e, rel, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return s, err
		}
		if e != nil {
			if err := bulkEntity(wb, snap, e); err != nil {
				return s, db.translate(fmt.Errorf("write entity %s: %w", e.ID, err))
			}
			s.Entities++
			continue
		}
		rel.Normalize()
		if err := bulkRelation(wb, rel); err != nil {
			return s, db.translate(fmt.Errorf("write relation %s: %w", rel.ID, err))
		}
		s.Relations++
	}
	if s != want {
		return s, fmt.Errorf("the input changed between the two passes: %d entities and %d relations were checked, %d and %d read to write", want.Entities, want.Relations, s.Entities, s.Relations)
	}
	if err := wb.Flush(); err != nil {
		return s, db.translate(fmt.Errorf("write the import: %w", err))
	}
	if err := db.update(ctx, func(*badger.Txn) error { return nil }); err != nil { // bumps the data version
		return s, err
	}
	progress("write", s)
	return s, nil
}

// bulkEntity writes an entity and its index keys, removing the index keys
// of the entity it replaces.
func bulkEntity(wb *badger.WriteBatch, snap *badger.Txn, e *graph.Entity) error {
	old, err := getEntity(snap, e.ID)
	switch {
	case err == nil:
		for _, k := range indexKeys(old) {
			if err := wb.Delete(k); err != nil {
				return err
			}
		}
	case !graph.IsNotFound(err):
		return err
	}
	v, err := encodeEntity(e)
	if err != nil {
		return err
	}
	if err := wb.Set(entityKey(e.ID), v); err != nil {
		return err
	}
	for _, k := range indexKeys(e) {
		if err := wb.Set(k, nil); err != nil {
			return err
		}
	}
	return nil
}

// bulkRelation writes a relation's record and index keys.
func bulkRelation(wb *badger.WriteBatch, r *graph.Relation) error {
	kvs, err := relationKeys(r)
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		if err := wb.Set(kv.k, kv.v); err != nil {
			return err
		}
	}
	return nil
}
