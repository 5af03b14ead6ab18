package store

// Verify reads every key of a store and checks it against what the code
// writes: the records against each other, every index against the
// records it is built from, and the counts index against a recount.
// Repair rebuilds what the records determine (every index and the
// counts) and leaves what it cannot (records that are lost or damaged, an
// import or restore cut short) to be reported, with what to do.

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
)

// A Problem is one kind of damage Verify found: how often, and the first
// few places, by id.
type Problem struct {
	// What says what is wrong, for people: "relation index keys missing".
	What     string
	Count    int
	Examples []string
	// Repairable says whether Repair rebuilds it from the records.
	Repairable bool
	// Remedy says what to do about a problem Repair cannot mend; empty for
	// one it can.
	Remedy string

	kind problemKind
}

// VerifyReport is what Verify found.
type VerifyReport struct {
	// Entities and Relations count the records read, Keys every key.
	Entities, Relations, Keys int
	// IndexVersion is the version of the indexes the store holds, which
	// should be this code's.
	IndexVersion string
	// Problems lists each kind of problem found, in a fixed order: the
	// cut-short loads first, then the records, then the indexes built from
	// them.
	Problems []*Problem
}

// Total counts every problem found.
func (r *VerifyReport) Total() int {
	n := 0
	for _, p := range r.Problems {
		n += p.Count
	}
	return n
}

// CutShort reports whether an import or a restore into the store was cut
// short, which Repair refuses to touch.
func (r *VerifyReport) CutShort() bool {
	return slices.ContainsFunc(r.Problems, func(p *Problem) bool { return p.kind == probImporting || p.kind == probRestoring })
}

// maxExamples is how many places a report gives of each kind of problem.
const maxExamples = 3

// The kinds of problem Verify finds, in the order reports list them.
type problemKind int

const (
	probImporting problemKind = iota
	probRestoring
	probBatchImport
	probRuns
	probIndexVersion
	probBadRecord
	probWrongKey
	probMissingEnd
	probUnknownKey
	probMissingRelIndex
	probWrongRelIndex
	probOrphanRelIndex
	probMissingName
	probOrphanName
	probMissingVocab
	probStrayGram
	probCountsUnread
	probCounts
	probPairs
	probDegrees
	numProblemKinds
)

// Remedies for what Repair cannot mend.
const (
	remedyLost = "records are lost or damaged, and nothing in the store can rebuild them: restore a backup taken before the damage (chancery restore --force), " +
		"or export what is readable (chancery export), leave out what chancery import then refuses, and import the rest into a new data directory"
	remedyImport  = "the store holds only part of the import: delete the directory and import again, or restore a backup into it (chancery restore --force)"
	remedyRestore = "the store holds only part of the backup: restore the backup again (chancery restore --force)"
	remedyUnknown = "this chancery never writes such keys: open the directory with the chancery that wrote them, " +
		"or export the graph (chancery export) and import it into a new data directory, which leaves them behind"
)

// problemKinds describes each kind: what it is, and what Repair does
// about it (for what it can mend) or what to do (for what it cannot).
var problemKinds = [numProblemKinds]struct {
	what, repair, remedy string
}{
	probImporting:       {what: "import cut short", remedy: remedyImport},
	probRestoring:       {what: "restore cut short", remedy: remedyRestore},
	probBatchImport:     {what: "import into a store with data cut short", repair: "rebuilt the indexes and counts of the facts it wrote, and marked the store whole: import the same file again to write what is missing"},
	probRuns:            {what: "leftover sorted runs of an import", repair: "removed them"},
	probIndexVersion:    {what: "indexes of another version than this chancery's (" + indexVersion + ")", repair: "rebuilt the indexes"},
	probBadRecord:       {what: "records that do not decode", remedy: remedyLost},
	probWrongKey:        {what: "records stored under another id than their own", remedy: remedyLost},
	probMissingEnd:      {what: "relations whose end entity is missing", remedy: remedyLost},
	probUnknownKey:      {what: "keys this chancery does not write", remedy: remedyUnknown},
	probMissingRelIndex: {what: "relation index keys missing", repair: "wrote them from the relation records"},
	probWrongRelIndex:   {what: "relation index keys that hold something other than their relation", repair: "wrote them again from the relation records"},
	probOrphanRelIndex:  {what: "relation index keys without their relation", repair: "deleted them"},
	probMissingName:     {what: "name and word index keys missing", repair: "wrote them from the entity records"},
	probOrphanName:      {what: "name and word index keys without their entity or name", repair: "deleted them"},
	probMissingVocab:    {what: "vocabulary keys missing", repair: "wrote them from the entity records"},
	probStrayGram:       {what: "vocabulary trigram keys of no word in the vocabulary", repair: "deleted them"},
	probCountsUnread:    {what: "counts index not checked", repair: "checked and mended it once the relation indexes were"},
	probCounts:          {what: "counts that differ from a recount", repair: "wrote them as recounted from the records"},
	probPairs:           {what: "pair index keys that differ from a recount", repair: "wrote them as recounted from the records"},
	probDegrees:         {what: "entity degrees that differ from a recount", repair: "wrote them as recounted from the records"},
}

// Verify checks every invariant of the store:
//
//   - no import or restore was cut short, no sorted runs of an import are
//     left in the data directory, and the indexes are this code's version;
//   - every record decodes and is stored under its own id, and every
//     entity a relation names (from, to, context) has a record;
//   - every relation's adjacency keys (at both ends, both ways for a
//     symmetric type), type key and context key exist and hold its record
//     or id, and no such key exists that no relation record gives;
//   - every entity's name and word keys exist, and none exists that no
//     entity's names give; every word of a name long enough to be in the
//     vocabulary is there with its trigrams, and every trigram key belongs
//     to a word of the vocabulary;
//   - the counts index (totals and changes of every bucket, the pair index
//     and the degrees) is what a recount from the records makes;
//   - no key has a prefix this code does not write.
//
// It reads every key once in order, holding in memory a recount of the
// counts index and the period of every entity: about what rebuilding the
// counts takes. Only where an index is found to differ from its records
// (see verifier) does it read that index again, looking up each of its
// keys and records. Nothing is written.
func (db *DB) Verify(ctx context.Context) (*VerifyReport, error) {
	v, err := db.check(ctx, nil)
	if err != nil {
		return nil, err
	}
	return v.report(), nil
}

// RepairReport is what Repair found, what it did, and what a Verify
// found after it.
type RepairReport struct {
	// Before is what Repair found, as Verify reports it.
	Before *VerifyReport
	// Done says what was rebuilt, one line for each kind of problem.
	Done  []string
	After *VerifyReport
}

// Repair rebuilds what the records determine: the adjacency, type and
// context keys of every relation from its record (writing those missing
// or wrong, deleting those no record gives), the name, word and
// vocabulary keys from the entities, and the counts index from a recount;
// it removes the sorted runs an import left, and brings indexes of
// another version to this code's. Then it verifies the store again.
//
// It refuses a store whose import or restore was cut short, changing
// nothing: such a store holds part of what was loaded. Lost or damaged
// records, and keys it does not know, it leaves as they are, and the
// report after it lists them with what to do. No other reader or writer
// may use the store meanwhile; the data directory's lock keeps other
// processes out.
func (db *DB) Repair(ctx context.Context) (*RepairReport, error) {
	var importing, restoring, index string
	if err := db.view(ctx, func(txn *badger.Txn) (err error) {
		importing, restoring, index, err = readMarkers(txn)
		return err
	}); err != nil {
		return nil, err
	}
	// An import into a store with data that was cut short left facts
	// whose indexes and counts may be missing: those are what Repair
	// rebuilds, after which the store is whole. A sorted load or a
	// restore cut short left part of a store that something else held.
	im, err := cutShortImport(db.dir)
	if err != nil {
		return nil, err
	}
	batchImport := im != nil && !im.Sorted && !im.Restore
	if im != nil && !batchImport {
		since := im.since()
		if im.Restore {
			restoring = since
		} else {
			importing = since
		}
	}
	where := db.dir
	if where == "" {
		where = "the store"
	}
	if importing != "" || restoring != "" {
		before, err := db.Verify(ctx)
		if err != nil {
			return nil, err
		}
		rep := &RepairReport{Before: before}
		if importing != "" {
			return rep, graph.Errorf(graph.ECONFLICT, "%s was not repaired: an import that started at %s was cut short, and %s", where, importing, remedyImport)
		}
		return rep, graph.Errorf(graph.ECONFLICT, "%s was not repaired: a restore that started at %s was cut short, and %s", where, restoring, remedyRestore)
	}

	rep := &RepairReport{}
	// The first pass finds the problems, and mends the indexes and counts.
	first, err := db.repairPass(ctx)
	if err != nil {
		return rep, err
	}
	rep.Before = first.report()
	done := func(k problemKind, n int) {
		rep.Done = append(rep.Done, fmt.Sprintf("%s: %d; %s", problemKinds[k].what, n, problemKinds[k].repair))
	}
	if runs := db.leftoverRuns(); len(runs) > 0 {
		for _, r := range runs {
			if err := os.RemoveAll(r); err != nil {
				return rep, fmt.Errorf("remove the sorted runs an import left in %s: %w", r, err)
			}
		}
		done(probRuns, len(runs))
	}
	again := index != indexVersion
	if again {
		if err := db.upgradeIndexes(ctx); err != nil {
			return rep, fmt.Errorf("rebuild the indexes of version %q: %w", index, err)
		}
		done(probIndexVersion, 1)
	}
	for k := probMissingRelIndex; k < numProblemKinds; k++ {
		if n := first.problems[k].Count; n > 0 {
			done(k, n)
		}
	}
	// The ties of missions are counted from their adjacency: once that is
	// mended, the counts are compared again (and only then written; see
	// writeCounts), and so after an upgrade.
	for v, n := first, 0; n < 3 && (again || v.mendedRelationIndexes()); n++ {
		if v, err = db.repairPass(ctx); err != nil {
			return rep, err
		}
		again = false
	}
	// Count answers cached for this data version were read from the old
	// counts.
	db.counts.mu.Lock()
	db.counts.answers = nil
	db.counts.mu.Unlock()

	if batchImport {
		// Every fact now has its indexes and counts: the store is whole,
		// with what the import wrote before it stopped.
		if err := unmarkImporting(db.dir); err != nil {
			return rep, err
		}
		done(probBatchImport, 1)
	}
	if rep.After, err = db.Verify(ctx); err != nil {
		return rep, fmt.Errorf("verify after repairing: %w", err)
	}
	return rep, nil
}

// repairPass makes one pass over the store that writes what it mends.
func (db *DB) repairPass(ctx context.Context) (*verifier, error) {
	wb := db.bdb.NewWriteBatch()
	defer wb.Cancel()
	// What a repair writes is not journaled: before its first write the
	// store gets a new history, and replicas start over.
	v, err := db.check(ctx, &beforeWrites{w: wb, first: db.renewHistory})
	if err != nil {
		return nil, err
	}
	if err := wb.Flush(); err != nil {
		return nil, fmt.Errorf("write what the repair mended: %w", err)
	}
	return v, nil
}

// mendedRelationIndexes reports whether the pass found, and so mended,
// adjacency, type or context keys.
func (v *verifier) mendedRelationIndexes() bool {
	return v.problems[probMissingRelIndex].Count+v.problems[probWrongRelIndex].Count+v.problems[probOrphanRelIndex].Count > 0
}

// readMarkers reads when an import or a restore cut short started ("" if
// none was) and the version of the indexes.
func readMarkers(txn *badger.Txn) (importing, restoring, index string, err error) {
	for name, to := range map[string]*string{metaImporting: &importing, metaRestoring: &restoring, metaIndex: &index} {
		b, found, gerr := readMeta(txn, name)
		if gerr != nil {
			return "", "", "", gerr
		} else if !found {
			continue
		}
		*to = string(b)
		if *to == "" && name != metaIndex {
			*to = "an unknown time"
		}
	}
	return importing, restoring, index, nil
}

// leftoverRuns lists the directories of sorted runs an import left in the
// data directory (sortload.go).
func (db *DB) leftoverRuns() []string {
	if db.dir == "" {
		return nil
	}
	runs, _ := filepath.Glob(filepath.Join(db.dir, sortDirPattern))
	return runs
}

// verifier is one pass of Verify or Repair over a store.
//
// The pass reads every key once, in order, and looks nothing up: each
// index is compared with what the records give by fingerprints, sums of a
// hash of every key and value, taken of the keys the records give on one
// side and of the keys the store holds on the other, in sumBuckets buckets
// by the id of the relation or entity (or the word) a key is of. Only the
// keys of a bucket whose two sums differ are read again, record by record
// and key by key with lookups, to find what differs; that is what a repair
// mends. A store with a few damaged keys is read once more, but looked up
// in only a few buckets.
type verifier struct {
	ctx context.Context
	txn *badger.Txn
	// fix receives the keys a repair writes or deletes; nil to verify only.
	fix      keyWriter
	problems [numProblemKinds]Problem
	entities int
	rels     int
	keys     int
	index    string
	// periods holds the period of every entity whose record decodes: the
	// entities that exist, for the ends of relations and for the recount.
	periods map[graph.ID]graph.Period
	// unlisted holds the words of names not found in the vocabulary (so
	// far, while the pass reads it), each with an entity whose names have
	// it.
	unlisted map[string]graph.ID
	seed     maphash.Seed
	h        maphash.Hash
	sums     [numIndexSums][2][sumBuckets]uint64 // of the keys the records give, and of those the store holds
	// dirty holds, for the index being searched for what differs, the
	// buckets whose sums differ.
	dirty [sumBuckets]bool
	// want and counts are the counts index as a recount makes it: its keys
	// in order, and the count of each; next is the first of want not yet
	// compared with the store.
	want   []string
	counts map[string]int64
	next   int
	// recounted holds the counts a repair writes (a nil value deletes):
	// only once the relation indexes the recount read are sound.
	recounted []keyValue
}

// The indexes whose keys the pass compares by a fingerprint.
const (
	sumRelationIndex = iota // adjacency, type and context keys, and what they hold
	sumNames                // name and word keys
	sumGrams                // the trigram keys of the vocabulary's words
	numIndexSums
)

// sumBuckets is how many buckets the fingerprints of each index have.
const sumBuckets = 256

// The two sides of a fingerprint.
const (
	given = iota // what the records give
	held         // what the store holds
)

// bucket is the bucket of the fingerprints that the keys of id go to.
func (v *verifier) bucket(id []byte) int { return int(maphash.Bytes(v.seed, id) % sumBuckets) }

// add adds a key and its value to one side of an index's fingerprint, in
// the bucket of id.
func (v *verifier) add(index, side int, id, k, val []byte) {
	v.h.Reset()
	var n [binary.MaxVarintLen64]byte
	v.h.Write(n[:binary.PutUvarint(n[:], uint64(len(k)))])
	v.h.Write(k)
	v.h.Write(val)
	v.sums[index][side][v.bucket(id)] += v.h.Sum64()
}

// differs marks the buckets of index whose two sums differ as dirty, and
// reports whether there are any.
func (v *verifier) differs(index int) bool {
	found := false
	for b := range sumBuckets {
		v.dirty[b] = v.sums[index][given][b] != v.sums[index][held][b]
		found = found || v.dirty[b]
	}
	return found
}

// isDirty reports whether the keys of id are in a bucket whose sums differ.
func (v *verifier) isDirty(id []byte) bool { return v.dirty[v.bucket(id)] }

// check makes one pass over the store, writing the repairs of indexes to
// fix unless it is nil.
func (db *DB) check(ctx context.Context, fix keyWriter) (*verifier, error) {
	v := &verifier{ctx: ctx, fix: fix, periods: map[graph.ID]graph.Period{}, unlisted: map[string]graph.ID{}, seed: maphash.MakeSeed()}
	v.h.SetSeed(v.seed)
	for _, r := range db.leftoverRuns() {
		v.problem(probRuns, filepath.Base(r))
	}
	err := db.view(ctx, func(txn *badger.Txn) error {
		v.txn = txn
		importing, restoring, index, err := readMarkers(txn)
		if err != nil {
			return err
		}
		// The importing file says the same for every import and restore
		// since it was made (importing.go).
		if im, err := cutShortImport(db.dir); err != nil {
			return err
		} else if im != nil {
			since := im.since()
			switch {
			case im.Restore:
				v.problem(probRestoring, "started at "+since)
			case im.Sorted:
				v.problem(probImporting, "started at "+since)
			default:
				v.problem(probBatchImport, "started at "+since)
			}
		}
		if importing != "" {
			v.problem(probImporting, "started at "+importing)
		}
		if restoring != "" {
			v.problem(probRestoring, "started at "+restoring)
		}
		v.index = index
		if index != indexVersion {
			shown := fmt.Sprintf("version %q", index)
			if index == "" {
				shown = "no version recorded"
			}
			v.problem(probIndexVersion, shown)
		}
		life := func(id graph.ID) (graph.Period, bool) {
			p, ok := v.periods[id]
			return p, ok
		}
		t, err := recordsTally(ctx, txn, life, v.record)
		switch {
		case err != nil && ctx.Err() != nil:
			return ctx.Err()
		case err != nil && t == nil:
			return err
		case err != nil:
			// An adjacency key that does not decode stops the recount of
			// the missions' ties; the relation indexes report the key.
			v.problem(probCountsUnread, err.Error())
		default:
			v.want, v.counts = t.keys(), t.deltas
		}
		if err := v.walk(); err != nil {
			return err
		}
		if err := v.unlistedWords(); err != nil {
			return err
		}
		for _, c := range []struct {
			sum   int
			check func() error
		}{{sumRelationIndex, v.relationIndexes}, {sumNames, v.nameIndexes}, {sumGrams, v.vocabGrams}} {
			if v.differs(c.sum) {
				if err := c.check(); err != nil {
					return err
				}
			}
		}
		return v.writeCounts()
	})
	if err != nil {
		return nil, db.translate(err)
	}
	return v, nil
}

// report turns what the pass found into a report.
func (v *verifier) report() *VerifyReport {
	r := &VerifyReport{Entities: v.entities, Relations: v.rels, Keys: v.keys, IndexVersion: v.index}
	for k := range v.problems {
		if p := v.problems[k]; p.Count > 0 {
			r.Problems = append(r.Problems, &p)
		}
	}
	return r
}

// problem notes one problem of kind k, found at where.
func (v *verifier) problem(k problemKind, where string) {
	p := &v.problems[k]
	if p.Count == 0 {
		d := problemKinds[k]
		p.What, p.Repairable, p.Remedy, p.kind = d.what, d.remedy == "", d.remedy, k
	}
	p.Count++
	if len(p.Examples) < maxExamples {
		p.Examples = append(p.Examples, where)
	}
}

func (v *verifier) set(k, val []byte) error {
	if v.fix == nil {
		return nil
	}
	return v.fix.Set(slices.Clone(k), slices.Clone(val))
}

func (v *verifier) delete(k []byte) error {
	if v.fix == nil {
		return nil
	}
	return v.fix.Delete(slices.Clone(k))
}

// has reports whether the store holds k.
func (v *verifier) has(k []byte) (bool, error) {
	_, err := v.txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	return err == nil, err
}

// get returns the value of k, and false if the store does not hold it.
func (v *verifier) get(k []byte) ([]byte, bool, error) {
	item, err := v.txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, false, nil
	} else if err != nil {
		return nil, false, err
	}
	b, err := item.ValueCopy(nil)
	return b, err == nil, err
}

// record checks a record as the recount reads it, and adds the index keys
// it gives to the fingerprints. Entities come before relations.
func (v *verifier) record(k, val []byte, e *graph.Entity, r *graph.Relation, err error) error {
	id := string(k[2:])
	if err != nil {
		v.problem(probBadRecord, fmt.Sprintf("%s: %v", id, err))
		return nil
	}
	if e != nil {
		v.entities++
		if string(e.ID) != id {
			v.problem(probWrongKey, fmt.Sprintf("%s holds the record of %s", id, e.ID))
			return nil
		}
		v.periods[e.ID] = e.Period
		for _, ik := range indexKeys(e) {
			v.add(sumNames, given, []byte(e.ID), ik, nil)
		}
		for _, w := range nameWords(e) {
			if _, ok := v.unlisted[w]; !ok && utf8.RuneCountInString(w) >= minVocabWord {
				v.unlisted[w] = e.ID
			}
		}
		return nil
	}
	v.rels++
	if r.ID != id {
		v.problem(probWrongKey, fmt.Sprintf("%s holds the record of %s", id, r.ID))
		return nil
	}
	var missing []string
	for _, end := range []struct {
		role string
		id   graph.ID
	}{{"from", r.From}, {"to", r.To}, {"context", r.Context}} {
		if _, ok := v.periods[end.id]; end.id != "" && !ok {
			missing = append(missing, end.role+" "+string(end.id))
		}
	}
	if len(missing) > 0 {
		v.problem(probMissingEnd, fmt.Sprintf("%s (%s)", id, strings.Join(missing, ", ")))
	}
	// A relation of an entity with itself would give one key twice; the
	// store holds it once.
	keys := relationIndexKeys(r)
	for i, ik := range keys {
		if !slices.ContainsFunc(keys[:i], func(o []byte) bool { return bytes.Equal(o, ik) }) {
			v.add(sumRelationIndex, given, []byte(r.ID), ik, relationIndexValue(ik, r.ID, val))
		}
	}
	return nil
}

// walk reads every key of the store in order: it adds the index keys to
// the fingerprints, compares the counts with the recount, and finds the
// words of the vocabulary and any key this code does not write.
func (v *verifier) walk() error {
	it := v.txn.NewIterator(badger.IteratorOptions{})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		if v.keys++; v.keys%checkEvery == 0 {
			if err := v.ctx.Err(); err != nil {
				return err
			}
		}
		item := it.Item()
		k := item.Key()
		if len(k) < 2 || k[1] != sep {
			v.problem(probUnknownKey, showKey(k))
			continue
		}
		switch k[0] {
		case prefixEntity, prefixRelation:
			// Checked as the recount read them.
		case prefixAdjacency, prefixType, prefixContext:
			id, _ := relationIndexID(k) // a malformed key goes to the bucket of ""
			if err := item.Value(func(val []byte) error {
				v.add(sumRelationIndex, held, []byte(id), k, val)
				return nil
			}); err != nil {
				return fmt.Errorf("read key %s: %w", showKey(k), err)
			}
		case prefixName, prefixWord:
			v.add(sumNames, held, []byte(nameKeyID(k)), k, nil)
		case prefixVocab:
			w := string(k[2:])
			delete(v.unlisted, w)
			for _, g := range distinct(trigrams(w)) {
				v.add(sumGrams, given, []byte(w), vocabGramKey(g, w), nil)
			}
		case prefixVocabGram:
			_, w, _ := gramKeyWord(k) // a malformed key goes to the bucket of ""
			v.add(sumGrams, held, []byte(w), k, nil)
		case prefixCount:
			if err := v.count(item); err != nil {
				return fmt.Errorf("read key %s: %w", showKey(k), err)
			}
		case prefixDeleted:
			// The journal of deletions (journal.go): a version and a time.
			if item.ValueSize() != 16 {
				v.problem(probUnknownKey, showKey(k))
			}
		case prefixMeta:
			switch string(k[2:]) {
			case metaVersion, metaSeeded, metaFilled, metaIndex, metaImporting, metaRestoring,
				metaHistory, metaDeletedThrough, metaFollow:
			default:
				v.problem(probUnknownKey, showKey(k))
			}
		default:
			v.problem(probUnknownKey, showKey(k))
		}
	}
	// Counts the recount makes beyond the last one stored.
	v.countsUpTo(nil)
	return nil
}

// unlistedWords reports the words of names the vocabulary lacks, and a
// repair writes them with their trigrams.
func (v *verifier) unlistedWords() error {
	for _, w := range slices.Sorted(maps.Keys(v.unlisted)) {
		v.problem(probMissingVocab, fmt.Sprintf("word %q of %s", w, v.unlisted[w]))
		for _, k := range vocabWordKeys(w) {
			if err := v.set(k, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// relationIndexes finds what differs between the relation records and
// their index keys: for each record, its keys that are missing or hold
// something else; for each key, whether a record gives it.
func (v *verifier) relationIndexes() error {
	err := v.each(relationRecordsPrefix(), func(k, b []byte) error {
		if !v.isDirty(k[2:]) {
			return nil
		}
		r, err := decodeRelation(b)
		if err != nil || r.ID != string(k[2:]) {
			return nil // reported already
		}
		for _, ik := range relationIndexKeys(r) {
			want := relationIndexValue(ik, r.ID, b)
			got, ok, err := v.get(ik)
			switch {
			case err != nil:
				return err
			case !ok:
				v.problem(probMissingRelIndex, r.ID+": "+describeRelationIndexKey(ik))
			case !bytes.Equal(got, want):
				v.problem(probWrongRelIndex, r.ID+": "+describeRelationIndexKey(ik))
			default:
				continue
			}
			if err := v.set(ik, want); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, p := range [][]byte{adjacencyIndexPrefix(), typeIndexPrefix(), contextIndexPrefix()} {
		if err := v.each(p, func(k, _ []byte) error { return v.relationIndex(k) }); err != nil {
			return err
		}
	}
	return nil
}

// relationIndex checks an adjacency, type or context key: that the
// relation whose id ends it has a record, which gives this key. What the
// key holds is checked with the record.
func (v *verifier) relationIndex(k []byte) error {
	id, ok := relationIndexID(k)
	if !ok {
		v.problem(probOrphanRelIndex, "malformed key "+showKey(k))
		return v.delete(k)
	}
	if !v.isDirty([]byte(id)) {
		return nil
	}
	rec, ok, err := v.get(relationKey(id))
	if err != nil {
		return err
	}
	if !ok {
		v.problem(probOrphanRelIndex, fmt.Sprintf("%s: %s, which has no record", id, describeRelationIndexKey(k)))
		return v.delete(k)
	}
	r, err := decodeRelationSlim(rec)
	if err != nil {
		return nil // the record's own check reports it
	}
	if !slices.ContainsFunc(relationIndexKeys(r), func(want []byte) bool { return bytes.Equal(want, k) }) {
		v.problem(probOrphanRelIndex, fmt.Sprintf("%s: %s, which its record does not give", id, describeRelationIndexKey(k)))
		return v.delete(k)
	}
	return nil
}

// relationIndexID returns the relation id an adjacency, type or context
// key ends with: each ends with the sort key, <type> <newest> <rel id>,
// after the entity id and its separator (and, in the adjacency, the
// direction after the type).
func relationIndexID(k []byte) (string, bool) {
	rest := k[2:]
	if k[0] != prefixType {
		i := bytes.IndexByte(rest, sep)
		if i < 0 {
			return "", false
		}
		rest = rest[i+1:]
	}
	skip := 5 // <type> <newest>
	if k[0] == prefixAdjacency {
		skip++ // <dir>
	}
	if len(rest) <= skip || !graph.IsRelationID(string(rest[skip:])) {
		return "", false
	}
	return string(rest[skip:]), true
}

// nameIndexes finds what differs between the entities and the name and
// word keys: for each entity, its keys that are missing; for each key,
// whether an entity gives it.
func (v *verifier) nameIndexes() error {
	err := v.each(entityRecordsPrefix(), func(k, b []byte) error {
		if !v.isDirty(k[2:]) {
			return nil
		}
		e, err := decodeEntity(b)
		if err != nil || string(e.ID) != string(k[2:]) {
			return nil // reported already
		}
		for _, ik := range indexKeys(e) {
			switch ok, err := v.has(ik); {
			case err != nil:
				return err
			case !ok:
				v.problem(probMissingName, describeNameKey(ik))
				if err := v.set(ik, nil); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, p := range [][]byte{nameIndexPrefix(), wordIndexPrefix()} {
		if err := v.each(p, func(k, _ []byte) error { return v.nameIndex(k) }); err != nil {
			return err
		}
	}
	return nil
}

// nameIndex checks a name or word key: that its entity has a record
// whose names give it.
func (v *verifier) nameIndex(k []byte) error {
	id := nameKeyID(k)
	if !v.isDirty([]byte(id)) {
		return nil
	}
	b, ok, err := v.get(entityKey(id))
	if err != nil {
		return err
	}
	if !ok {
		v.problem(probOrphanName, describeNameKey(k)+", which has no record")
		return v.delete(k)
	}
	e, err := decodeEntity(b)
	if err != nil {
		return nil // the record's own check reports it
	}
	if !slices.ContainsFunc(indexKeys(e), func(want []byte) bool { return bytes.Equal(want, k) }) {
		v.problem(probOrphanName, describeNameKey(k)+", which none of its names gives")
		return v.delete(k)
	}
	return nil
}

// vocabGrams finds what differs between the words of the vocabulary and
// their trigram keys: for each word, its trigrams that are missing; for
// each trigram key, whether a word of the vocabulary has it.
func (v *verifier) vocabGrams() error {
	err := v.each(vocabIndexPrefix(), func(k, _ []byte) error {
		w := string(k[2:])
		if !v.isDirty(k[2:]) {
			return nil
		}
		for _, g := range distinct(trigrams(w)) {
			ok, err := v.has(vocabGramKey(g, w))
			if err != nil {
				return err
			}
			if !ok {
				v.problem(probMissingVocab, fmt.Sprintf("trigram %q of the word %q", g, w))
				if err := v.set(vocabGramKey(g, w), nil); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return v.each(vocabGramIndexPrefix(), func(k, _ []byte) error { return v.vocabGram(k) })
}

// vocabGram checks that a trigram key is one of a word of the vocabulary.
func (v *verifier) vocabGram(k []byte) error {
	g, w, ok := gramKeyWord(k)
	if !ok {
		v.problem(probStrayGram, showKey(k))
		return v.delete(k)
	}
	if !v.isDirty([]byte(w)) {
		return nil
	}
	if !slices.Contains(trigrams(w), g) {
		v.problem(probStrayGram, fmt.Sprintf("trigram %q given for the word %q, which does not have it", g, w))
		return v.delete(k)
	}
	ok, err := v.has(vocabKey(w))
	if err != nil {
		return err
	}
	// A word of a name that the vocabulary lacks keeps its trigrams: a
	// repair writes it back.
	if _, unlisted := v.unlisted[w]; !ok && !unlisted {
		v.problem(probStrayGram, fmt.Sprintf("trigram %q of the word %q, which is not in the vocabulary", g, w))
		return v.delete(k)
	}
	return nil
}

// gramKeyWord splits a trigram key of the vocabulary into the trigram and
// the word.
func gramKeyWord(k []byte) (gram, word string, ok bool) {
	rest := k[2:]
	i := bytes.IndexByte(rest, sep)
	if i < 0 {
		return "", "", false
	}
	return string(rest[:i]), string(rest[i+1:]), true
}

// each calls fn with every key under prefix and its value, which are
// valid only during the call.
func (v *verifier) each(prefix []byte, fn func(k, val []byte) error) error {
	it := v.txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	steps := readSteps{ctx: v.ctx}
	for it.Rewind(); it.Valid(); it.Next() {
		if err := steps.step(); err != nil {
			return err
		}
		k := it.Item().Key()
		if err := it.Item().Value(func(val []byte) error { return fn(k, val) }); err != nil {
			return fmt.Errorf("check key %s: %w", showKey(k), err)
		}
	}
	return nil
}

// count compares a key of the counts index with the recount.
func (v *verifier) count(item *badger.Item) error {
	if v.counts == nil {
		return nil // not recounted: reported already
	}
	k := item.Key()
	v.countsUpTo(k)
	want := v.counts[string(k)]
	if v.next < len(v.want) && v.want[v.next] == string(k) {
		v.next++
	}
	differs := false
	if err := item.Value(func(b []byte) error {
		if len(b) != 8 {
			v.countProblem(k, fmt.Sprintf("holds %d bytes, not a count; recounted %d", len(b), want))
			differs = true
		} else if got := int64(binary.BigEndian.Uint64(b)); got != want {
			v.countProblem(k, fmt.Sprintf("%d stored, %d recounted", got, want))
			differs = true
		}
		return nil
	}); err != nil || !differs {
		return err
	}
	v.recount(k, want)
	return nil
}

// recount notes the count of k for a repair to write.
func (v *verifier) recount(k []byte, n int64) {
	if v.fix == nil {
		return
	}
	var val []byte
	if n != 0 {
		val = binary.BigEndian.AppendUint64(nil, uint64(n))
	}
	v.recounted = append(v.recounted, keyValue{slices.Clone(k), val})
}

// writeCounts writes the counts a repair recounted, if the recount read
// sound relation indexes: the ties of missions are counted from their
// adjacency. Otherwise the next pass, once they are mended, recounts.
func (v *verifier) writeCounts() error {
	if v.mendedRelationIndexes() || v.problems[probCountsUnread].Count > 0 {
		return nil
	}
	for _, kv := range v.recounted {
		var err error
		if kv.v == nil {
			err = v.delete(kv.k)
		} else {
			err = v.set(kv.k, kv.v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// countsUpTo reports the keys the recount makes before k, which the store
// does not hold; all that are left for k nil.
func (v *verifier) countsUpTo(k []byte) {
	for ; v.next < len(v.want) && (k == nil || v.want[v.next] < string(k)); v.next++ {
		w := v.want[v.next]
		v.countProblem([]byte(w), fmt.Sprintf("none stored, %d recounted", v.counts[w]))
		v.recount([]byte(w), v.counts[w])
	}
}

func (v *verifier) countProblem(k []byte, what string) {
	kind := probCounts
	if len(k) > 2 {
		switch k[2] {
		case countPair:
			kind = probPairs
		case countDegree:
			kind = probDegrees
		}
	}
	v.problem(kind, describeCountKey(k)+": "+what)
}

// showKey prints a key for people: its bytes, quoted, cut at 80.
func showKey(k []byte) string {
	if len(k) > 80 {
		return fmt.Sprintf("%q...", k[:80])
	}
	return fmt.Sprintf("%q", k)
}

// describeRelationIndexKey says which index of a relation k is.
func describeRelationIndexKey(k []byte) string {
	switch k[0] {
	case prefixAdjacency:
		id, typ, dir, ok := parseAdjacencyKey(k)
		if !ok {
			return "adjacency key " + showKey(k)
		}
		way := "out"
		if dir == dirIn {
			way = "in"
		}
		return fmt.Sprintf("adjacency of %s (%s, %s)", id, typeName(typ), way)
	case prefixType:
		if len(k) > 2 {
			return "type index (" + typeName(k[2]) + ")"
		}
	case prefixContext:
		rest := k[2:]
		if i := bytes.IndexByte(rest, sep); i >= 0 {
			return "context index of " + string(rest[:i])
		}
	}
	return "index key " + showKey(k)
}

// typeName names a relation type by its index byte.
func typeName(b byte) string {
	if int(b) < len(graph.RelationTypes) {
		return string(graph.RelationTypes[b])
	}
	return fmt.Sprintf("type %d", b)
}

// describeNameKey says what a name or word key stands for.
func describeNameKey(k []byte) string {
	rest := k[2:]
	i := bytes.LastIndexByte(rest, sep)
	if i < 0 {
		return showKey(k)
	}
	what := "name"
	if k[0] == prefixWord {
		what = "word"
	}
	return fmt.Sprintf("%s %q of %s", what, rest[:i], rest[i+1:])
}

// countGroupingNames names the groupings of the counts index.
var countGroupingNames = map[byte]string{
	countKind: "entities of kind", countMissionType: "missions of type", countSender: "missions sent by",
	countHost: "missions accredited to", countCity: "missions in", countType: "relations of type",
	countStart: "relations starting", countEnd: "relations ending",
}

// describeCountKey says what a key of the counts index counts: its
// grouping and bucket, and the total or the day, month, year or decade
// of the changes it sums.
func describeCountKey(k []byte) string {
	if len(k) < 4 {
		return showKey(k)
	}
	g, level, rest := k[2], k[3], k[4:]
	switch g {
	case countPair:
		if sender, host, mission, ok := parsePairKey(k); ok {
			return fmt.Sprintf("pair index: mission %s, sent by %s to %s", mission, sender, host)
		}
		return showKey(k)
	case countDegree:
		return fmt.Sprintf("degree of %s", rest)
	}
	name, ok := countGroupingNames[g]
	w := whenWidth(level)
	if !ok || level != levelTotal && w == 0 || len(rest) < w {
		return showKey(k)
	}
	when, bucket := rest[:w], rest[w:]
	var subject string
	switch g {
	case countType:
		if len(bucket) != 1 {
			return showKey(k)
		}
		subject = name + " " + typeName(bucket[0])
	case countStart, countEnd:
		if len(bucket) != 3 {
			return showKey(k)
		}
		subject = fmt.Sprintf("relations of type %s %s in %d", typeName(bucket[0]), strings.TrimPrefix(name, "relations "), binary.BigEndian.Uint16(bucket[1:]))
	default:
		subject = name + " " + string(bucket)
	}
	var at string
	switch level {
	case levelTotal:
		at = "total"
	case levelDecade:
		if c := binary.BigEndian.Uint16(when); c == 0 {
			at = "changes before any date"
		} else {
			at = fmt.Sprintf("changes in the %ds", (int(c)-1)*10)
		}
	case levelYear:
		at = fmt.Sprintf("changes in %d", binary.BigEndian.Uint16(when))
	case levelMonth:
		at = fmt.Sprintf("changes in %04d-%02d", binary.BigEndian.Uint16(when), when[2])
	case levelDay:
		at = fmt.Sprintf("changes on %04d-%02d-%02d", binary.BigEndian.Uint16(when), when[2], when[3])
	}
	return subject + ", " + at
}

// beforeWrites is a keyWriter that calls first before the first write it
// passes on to w.
type beforeWrites struct {
	w     keyWriter
	first func() error
	done  bool
}

func (b *beforeWrites) begin() error {
	if b.done {
		return nil
	}
	b.done = true
	return b.first()
}

func (b *beforeWrites) Set(k, v []byte) error {
	if err := b.begin(); err != nil {
		return err
	}
	return b.w.Set(k, v)
}

func (b *beforeWrites) Delete(k []byte) error {
	if err := b.begin(); err != nil {
		return err
	}
	return b.w.Delete(k)
}
