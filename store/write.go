package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
)

// Apply validates a batch against itself and the store, then writes it in
// one transaction: all of it or none of it. Entities replace any stored
// entity with the same id; relations replace a stored relation that states
// the same fact (same id), so re-applying a batch changes nothing.
//
// An error about one item of the batch is a *graph.ItemError that says
// which.
func (db *DB) Apply(ctx context.Context, b *graph.Batch) error {
	_, err := db.ApplyChanges(ctx, b)
	return err
}

// ApplyChanges is Apply, reporting what the batch did: the relations and
// entities it deleted, a cascade's included, and the data version just
// after the write. The relations of b are left normalized, with their ids.
func (db *DB) ApplyChanges(ctx context.Context, b *graph.Batch) (graph.Applied, error) {
	var done graph.Applied
	err := db.update(ctx, func(txn *badger.Txn, t *tally) error {
		// The write moves the version on by one in this transaction (see
		// updateCounted), and writes take turns.
		v, err := readVersion(txn)
		if err != nil {
			return err
		}
		done = graph.Applied{Version: v + 1}
		return applyBatch(txn, b, t, &done)
	})
	if err != nil {
		return graph.Applied{}, err
	}
	return done, nil
}

// Seed applies the batch only if the store has never been seeded, and marks
// it seeded in the same transaction, so that a crash part-way leaves an
// unseeded store that seeds again on the next start. It reports whether it
// wrote anything.
func (db *DB) Seed(ctx context.Context, b *graph.Batch, label string) (bool, error) {
	seeded := false
	err := db.update(ctx, func(txn *badger.Txn, t *tally) error {
		switch _, seeded, err := readMeta(txn, metaSeeded); {
		case err != nil:
			return err
		case seeded:
			return errNoChange
		}
		if err := db.refuseUnmarkedFacts(txn); err != nil {
			return err
		}
		if err := applyBatch(txn, b, t, nil); err != nil {
			return err
		}
		seeded = true
		return recordFill(txn, label)
	})
	return seeded, err
}

// SeededWith returns the label the store was seeded with, "" if never.
func (db *DB) SeededWith(ctx context.Context) (string, error) {
	var label string
	err := db.view(ctx, func(txn *badger.Txn) error {
		v, _, err := readMeta(txn, metaSeeded)
		label = string(v)
		return err
	})
	return label, db.translate(err)
}

// errNoChange is what an update's fn returns to say it has nothing to
// write: the transaction is dropped and the data version stays.
var errNoChange = errors.New("no change")

// update runs fn in a read-write transaction and commits it with the data
// version moved on and the counts brought up to date with what fn tallied,
// retrying when a concurrent transaction conflicted.
func (db *DB) update(ctx context.Context, fn func(txn *badger.Txn, t *tally) error) error {
	// A write into a full disk would kill the process (see
	// DefaultMinFree): it is refused while there is too little room.
	if err := db.SpaceProblem(); err != nil {
		return err
	}
	// Every write moves the one version key, so concurrent writes would
	// always conflict; they take turns instead.
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := db.updateCounted(ctx, fn)
		if errors.Is(err, badger.ErrConflict) && attempt < 10 {
			continue
		}
		if errors.Is(err, errNoChange) {
			return nil
		}
		return db.translate(err)
	}
}

// translate turns Badger's errors into graph errors at the store's edge.
func (db *DB) translate(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, badger.ErrTxnTooBig):
		return graph.Errorf(graph.EINVALID, "the write is too large for one transaction; split it into smaller batches")
	case errors.Is(err, badger.ErrDBClosed):
		return graph.Errorf(graph.EINTERNAL, "the store is closed")
	case errors.Is(err, badger.ErrConflict):
		return graph.Errorf(graph.ECONFLICT, "the write kept conflicting with concurrent writes; try again")
	}
	return err
}

// updateCounted runs fn in one read-write transaction, then settles and
// writes its tally and moves the data version on in the same transaction.
// The view of the store before the write, which settling needs, is taken
// first; writes take turns, so nothing comes between the two.
func (db *DB) updateCounted(ctx context.Context, fn func(txn *badger.Txn, t *tally) error) error {
	defer db.versions.changing()()
	before := db.bdb.NewTransaction(false)
	defer before.Discard()
	var from uint64
	var ends [][2]graph.ID
	err := db.bdb.Update(func(txn *badger.Txn) error {
		// The periods the counts read, remembered until the write
		// changes them.
		now := &lives{txn: txn, read: map[graph.ID]life{}}
		t := newWriteTally(now.period)
		t.written = now.forget
		var err error
		if from, err = readVersion(txn); err != nil {
			return err
		}
		t.journal = journalEntry(from + 1)
		if before.ReadTs() == txn.ReadTs() {
			t.before, t.joined = before, map[graph.ID]map[string]*graph.Relation{}
		}
		if err := fn(txn, t); err != nil {
			return err
		}
		if err := t.settleIn(before, txn); err != nil {
			return fmt.Errorf("count the write: %w", err)
		}
		if err := t.write(txn); err != nil {
			return err
		}
		ends = t.ends
		return txn.Set(metaKey(metaVersion), binary.BigEndian.AppendUint64(nil, from+1))
	})
	if err == nil {
		db.comps.wrote(from, from+1, ends)
	}
	return err
}

// bumpVersion moves the data version on by one in txn.
func bumpVersion(txn *badger.Txn) error {
	v, err := readVersion(txn)
	if err != nil {
		return err
	}
	return txn.Set(metaKey(metaVersion), binary.BigEndian.AppendUint64(nil, v+1))
}

// applyBatch validates a batch and writes it in txn, tallying what it
// changes in t and, if done is set, recording there what it deleted. An
// error about one item is a *graph.ItemError that says which.
func applyBatch(txn *badger.Txn, b *graph.Batch, t *tally, done *graph.Applied) error {
	deleted, err := applyDeletes(txn, b, t, done)
	if err != nil {
		return err
	}
	inBatch := make(map[graph.ID]bool, len(b.Entities))
	for i, e := range b.Entities {
		if err := e.Validate(); err != nil {
			return itemError(graph.BatchEntities, i, string(e.ID), err)
		}
		if inBatch[e.ID] {
			return itemError(graph.BatchEntities, i, string(e.ID), graph.Errorf(graph.EINVALID, "entity %s appears twice in one write", e.ID))
		}
		inBatch[e.ID] = true
	}
	exists := func(id graph.ID) (graph.Kind, bool) {
		if inBatch[id] {
			return id.Kind(), true
		}
		if deleted[id] {
			return id.Kind(), false
		}
		_, err := txn.Get(entityKey(id))
		return id.Kind(), err == nil
	}
	seen := make(map[string]*graph.Relation, len(b.Relations))
	for i, r := range b.Relations {
		r.Normalize()
		if err := r.Validate(exists); err != nil {
			return itemError(graph.BatchRelations, i, r.ID, err)
		}
		if seen[r.ID] != nil {
			return itemError(graph.BatchRelations, i, r.ID, graph.Errorf(graph.EINVALID, "%s is stated twice; list all its sources on one relation", r.Describe()))
		}
		seen[r.ID] = r
	}
	if err := checkLives(txn, t, b, deleted); err != nil {
		return err
	}
	v := vocabulary{}
	for i, e := range b.Entities {
		if err := writeEntity(txn, txn, t, v, e); err != nil {
			return itemError(graph.BatchEntities, i, string(e.ID), fmt.Errorf("write entity %s: %w", e.ID, err))
		}
	}
	for i, r := range b.Relations {
		if err := writeRelation(txn, txn, t, r); err != nil {
			return itemError(graph.BatchRelations, i, r.ID, fmt.Errorf("write relation %s: %w", r.ID, err))
		}
	}
	// The transaction sees its own writes, so the walk finds loops that
	// the batch closes as well as those it would extend.
	for i, r := range b.Relations {
		if r.Type == graph.RenamedFrom {
			if err := checkRenameLoop(txn, r); err != nil {
				return itemError(graph.BatchRelations, i, r.ID, err)
			}
		}
	}
	return nil
}

// itemError locates err at item i of a batch's part.
func itemError(part string, i int, id string, err error) error {
	return &graph.ItemError{Part: part, Index: i, ID: id, Err: err}
}

// checkLives holds a batch to the rule chancery check applies to seeds: no
// relation starts outside the life of one of its ends, whether the batch
// adds the relation or changes the dates of an entity that stored
// relations join.
func checkLives(txn *badger.Txn, t *tally, b *graph.Batch, deleted map[graph.ID]bool) error {
	inBatch := make(map[graph.ID]*graph.Entity, len(b.Entities))
	for _, e := range b.Entities {
		inBatch[e.ID] = e
	}
	entity := func(id graph.ID) (*graph.Entity, error) {
		if e := inBatch[id]; e != nil {
			return e, nil
		}
		if deleted[id] {
			return nil, nil
		}
		e, err := getEntity(txn, id)
		if graph.IsNotFound(err) {
			return nil, nil
		}
		return e, err
	}
	for i, r := range b.Relations {
		for _, end := range []graph.ID{r.From, r.To} {
			e, err := entity(end)
			if err != nil {
				return itemError(graph.BatchRelations, i, r.ID, err)
			}
			if err := r.CheckLife(e); err != nil {
				return itemError(graph.BatchRelations, i, r.ID, err)
			}
		}
	}
	for i, e := range b.Entities {
		old, err := getEntity(txn, e.ID)
		if graph.IsNotFound(err) {
			continue
		} else if err != nil {
			return itemError(graph.BatchEntities, i, string(e.ID), err)
		}
		if old.Period == e.Period {
			continue
		}
		rels, err := t.relationsDuring(txn, e.ID, false)
		if err != nil {
			return itemError(graph.BatchEntities, i, string(e.ID), err)
		}
		for _, r := range rels {
			if err := r.CheckLife(e); err != nil {
				return itemError(graph.BatchEntities, i, string(e.ID),
					graph.Errorf(graph.EINVALID, "%s: with the dates %s..%s, %s", e.ID, e.Period.From, e.Period.To, graph.ErrorMessage(err)))
			}
		}
	}
	return nil
}

// checkRenameLoop refuses a RENAMED_FROM that closes a loop: a body whose
// older names lead back to itself.
func checkRenameLoop(txn *badger.Txn, r *graph.Relation) error {
	prev := map[graph.ID]graph.ID{r.To: r.From}
	queue := []graph.ID{r.To}
	for len(queue) > 0 && len(prev) <= graph.MaxLineage {
		cur := queue[0]
		queue = queue[1:]
		prefix := adjacencyTypePrefix(cur, graph.RenamedFrom, dirOut)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		for it.Rewind(); it.Valid(); it.Next() {
			var older graph.ID
			if err := it.Item().Value(func(v []byte) error {
				rel, err := decodeRelation(v)
				if err == nil {
					older = rel.To
				}
				return err
			}); err != nil {
				it.Close()
				return err
			}
			if older == r.From {
				it.Close()
				path := []graph.ID{r.From}
				for id := cur; id != r.From; id = prev[id] {
					path = append(path, id)
				}
				return graph.Errorf(graph.EINVALID, "%s would make a RENAMED_FROM loop: %v returns to %s; a body cannot have been renamed from its own later name", r.Describe(), path, r.From)
			}
			if _, ok := prev[older]; !ok {
				prev[older] = cur
				queue = append(queue, older)
			}
		}
		it.Close()
	}
	return nil
}

// applyDeletes removes the relations and entities b deletes, records
// them in done if it is set, and returns the entities it removed.
func applyDeletes(txn *badger.Txn, b *graph.Batch, t *tally, done *graph.Applied) (map[graph.ID]bool, error) {
	gone := map[string]bool{}
	removed := func(id string) {
		gone[id] = true
		if done != nil {
			done.DeletedRelations = append(done.DeletedRelations, id)
		}
	}
	for i, id := range b.DeleteRelations {
		if gone[id] {
			continue
		}
		r, err := getRelation(txn, id)
		if err != nil {
			return nil, itemError(graph.BatchDeleteRelations, i, id, err)
		}
		if err := deleteRelation(txn, t, r); err != nil {
			return nil, itemError(graph.BatchDeleteRelations, i, id, fmt.Errorf("delete relation %s: %w", id, err))
		}
		removed(id)
	}
	deleted := map[graph.ID]bool{}
	for i, id := range b.DeleteEntities {
		if deleted[id] {
			continue
		}
		fail := func(err error) (map[graph.ID]bool, error) {
			return nil, itemError(graph.BatchDeleteEntities, i, string(id), err)
		}
		e, err := getEntity(txn, id)
		if err != nil {
			return fail(err)
		}
		rels, err := relationsOf(txn, id)
		if err != nil {
			return fail(err)
		}
		rels = slices.DeleteFunc(rels, func(r *graph.Relation) bool { return gone[r.ID] })
		if len(rels) > 0 && !b.Cascade {
			used, them := fmt.Sprintf("%d relations, such as %s", len(rels), rels[0].Describe()), "them"
			if len(rels) == 1 {
				used, them = "1 relation, "+rels[0].Describe(), "it"
			}
			return fail(graph.Errorf(graph.ECONFLICT, "entity %s is still used by %s; delete %s first, or delete with cascade to remove %s too",
				id, used, them, them))
		}
		for _, r := range rels {
			if err := deleteRelation(txn, t, r); err != nil {
				return fail(fmt.Errorf("delete relation %s: %w", r.ID, err))
			}
			removed(r.ID)
		}
		for _, k := range append(indexKeys(e), entityKey(id)) {
			if err := t.delete(txn, k); err != nil {
				return fail(fmt.Errorf("delete entity %s: %w", id, err))
			}
		}
		t.entity(e, -1)
		deleted[id] = true
		if done != nil {
			done.DeletedEntities = append(done.DeletedEntities, id)
		}
	}
	return deleted, nil
}

// relationsOf returns every relation that touches id, either way.
func relationsOf(txn *badger.Txn, id graph.ID) ([]*graph.Relation, error) {
	prefix := adjacencyPrefix(id)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	seen := map[string]bool{}
	var out []*graph.Relation
	for it.Rewind(); it.Valid(); it.Next() {
		var r *graph.Relation
		if err := it.Item().Value(func(v []byte) (err error) {
			r, err = decodeRelation(v)
			return err
		}); err != nil {
			return nil, err
		}
		if !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, r)
		}
	}
	return out, nil
}

// withContextOf adds to rels the relations whose context is id.
func withContextOf(txn *badger.Txn, id graph.ID, rels []*graph.Relation) ([]*graph.Relation, error) {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: contextPrefix(id)})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		var rid string
		if err := it.Item().Value(func(v []byte) error { rid = string(v); return nil }); err != nil {
			return nil, err
		}
		r, err := getRelation(txn, rid)
		if err != nil {
			return nil, fmt.Errorf("relation %s in the context index of %s: %w", rid, id, err)
		}
		rels = append(rels, r)
	}
	return rels, nil
}

// deleteRelation removes every key a relation is stored under.
func deleteRelation(txn *badger.Txn, t *tally, r *graph.Relation) error {
	kvs, err := relationKeys(r)
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		if err := t.delete(txn, kv.k); err != nil {
			return err
		}
	}
	t.joins(r, false)
	t.relation(r, -1)
	return nil
}

// keyWriter is where a write goes: a transaction, or the batch writer of a
// bulk import.
type keyWriter interface {
	Set(k, v []byte) error
	Delete(k []byte) error
}

// writeEntity writes an entity and its index keys to w, removing the index
// keys of the entity it replaces, as read reads it; adds the words of its
// names to the vocabulary; and tallies the change in t.
func writeEntity(w keyWriter, read *badger.Txn, t *tally, vocab vocabulary, e *graph.Entity) error {
	old, err := getEntity(read, e.ID)
	switch {
	case err == nil:
		for _, k := range indexKeys(old) {
			if err := t.delete(w, k); err != nil {
				return err
			}
		}
		t.entity(old, -1)
		if old.Period != e.Period {
			// Its relations count only on the days it holds, and so do
			// those it is the context of.
			rels, err := t.relationsDuring(read, e.ID, true)
			if err != nil {
				return err
			}
			t.relived(e.ID, old.Period, e.Period, rels)
		}
	case !graph.IsNotFound(err):
		return err
	}
	t.entity(e, +1)
	v, err := encodeEntity(e)
	if err != nil {
		return err
	}
	if err := w.Set(entityKey(e.ID), v); err != nil {
		return err
	}
	for _, k := range indexKeys(e) {
		if err := w.Set(k, nil); err != nil {
			return err
		}
	}
	return vocab.add(w, read, e)
}

// foldedNames returns the distinct folded forms of an entity's names and
// aliases, plus its ISO codes, which people type as names.
func foldedNames(e *graph.Entity) []string {
	names := e.Names()
	for _, k := range []string{graph.AttrISO2, graph.AttrISO3} {
		if c := e.Attributes[k]; c != "" {
			names = append(names, c)
		}
	}
	seen := make(map[string]bool, len(names))
	out := names[:0:0]
	for _, n := range names {
		f := Fold(n)
		if f != "" && !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

// writeRelation writes a relation's record and index keys to w and, if
// read does not hold it yet, tallies it in t. A relation's id comes from
// what it states, so one already held counts as it did, unless what is
// known of its period changed (an attestation, or whether it is open):
// then it counts again.
func writeRelation(w keyWriter, read *badger.Txn, t *tally, r *graph.Relation) error {
	switch old, err := getRelation(read, r.ID); {
	case graph.IsNotFound(err):
		t.relation(r, +1)
	case err != nil:
		return err
	case old.Period != r.Period:
		t.relationWith(old, t.life, -1)
		t.tie(old, -1)
		t.relationWith(r, t.life, +1)
		t.tie(r, +1)
	}
	kvs, err := relationKeys(r)
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		if err := w.Set(kv.k, kv.v); err != nil {
			return err
		}
	}
	t.joins(r, true)
	if t.keepEnds {
		t.ends = append(t.ends, [2]graph.ID{r.From, r.To})
	}
	return nil
}

// keyValue is one key a write sets, with its value.
type keyValue struct{ k, v []byte }

// relationKeys returns every key a relation is stored under: its record,
// its adjacency at both ends (both ways for a symmetric one), the type
// index and the context index.
func relationKeys(r *graph.Relation) ([]keyValue, error) {
	v, err := encodeRelation(r)
	if err != nil {
		return nil, err
	}
	kvs := []keyValue{{relationKey(r.ID), v}}
	for _, k := range relationIndexKeys(r) {
		kvs = append(kvs, keyValue{k, relationIndexValue(k, r.ID, v)})
	}
	return kvs, nil
}

// relationIndexKeys returns the index keys of a relation, without its
// record: its adjacency at both ends (both ways for a symmetric one), the
// type index and the context index.
func relationIndexKeys(r *graph.Relation) [][]byte {
	keys := [][]byte{adjacencyKey(r.From, dirOut, r), adjacencyKey(r.To, dirIn, r), typeKey(r)}
	if r.Type.Symmetric() {
		keys = append(keys, adjacencyKey(r.From, dirIn, r), adjacencyKey(r.To, dirOut, r))
	}
	if r.Context != "" {
		keys = append(keys, contextKey(r))
	}
	return keys
}

// relationIndexValue is what index key k of relation id holds: the record
// for an adjacency key, the id for the type and context indexes.
func relationIndexValue(k []byte, id string, record []byte) []byte {
	if k[0] == prefixAdjacency {
		return record
	}
	return []byte(id)
}
