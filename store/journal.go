package store

// A replica follows its primary through Badger's incremental backups: what
// changed since a point in the primary's history. Such a backup holds every
// key written since, with its value, but not always the keys deleted since:
// Badger's compactions drop a deleted key's marker once no older version of
// it is left below, after which nothing says the key is gone. So a write
// that deletes a key also journals it, in the same transaction, under
//
//	d 0 <key>   the data version of the write and the time, 16 bytes
//
// and the journal's keys, being written, are in every incremental backup
// taken after them. A replica deletes each key the journal names unless the
// same backup gives the key a value (written again after its deletion).
//
// Only the writes of update (mutations, seeding, groups) journal their
// deletions. Everything else that writes a store with data (an import, a
// restore, a repair, rebuilding indexes, emptying it) gives it a new
// history, before its first write or in the transaction that ends it,
// under metaHistory, and a replica whose history differs starts over from
// a full backup. DropAll removes the history with everything else, and a
// store with none gets a new one when it is asked for (history).
//
// The journal is pruned of deletions older than a retention
// (PruneDeletions); the highest data version pruned is kept, and a replica
// holding data older than that starts over from a full backup too.

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// journalEntry is what the journal holds of a key the write that moves
// the data version on to version deletes: that version and the time.
func journalEntry(version uint64) []byte {
	entry := binary.BigEndian.AppendUint64(nil, version)
	return binary.BigEndian.AppendUint64(entry, uint64(time.Now().Unix()))
}

// delete deletes k through w, and journals the deletion in the same write
// when the tally is a write of update's (t.journal). The other writers
// (an import's batch writer, a count rebuilt) belong to writes that give
// the store a new history.
func (t *tally) delete(w keyWriter, k []byte) error {
	if t.journal != nil {
		if err := w.Set(deletedKey(k), t.journal); err != nil {
			return err
		}
	}
	return w.Delete(k)
}

// newHistoryID returns a history name no other store has.
func newHistoryID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// renewHistory gives the store a new history: call it before a write that
// does not go through update. It moves the data version on too, so that
// what was cached of the store before (by a replica that loads a full
// copy of it, say) is not used after, even where the write changes only
// indexes and counts.
//
// A store with no history yet (a new one, or one emptied) needs none: it
// gets one, new, when one is first asked for (history).
func (db *DB) renewHistory() error {
	defer db.versions.changing()()
	err := db.bdb.Update(func(txn *badger.Txn) error {
		if _, found, err := readMeta(txn, metaHistory); err != nil || !found {
			return err
		}
		if err := txn.Set(metaKey(metaHistory), []byte(newHistoryID())); err != nil {
			return err
		}
		return bumpVersion(txn)
	})
	// What such a write joins is not told: the record of components is
	// built again.
	db.comps.drop()
	if err != nil {
		return fmt.Errorf("mark the store's new history: %w", err)
	}
	return nil
}

// history returns the store's history, giving it one if it has none. The
// caller holds writeMu.
func (db *DB) history() (string, error) {
	var h string
	err := db.bdb.View(func(txn *badger.Txn) error {
		v, _, err := readMeta(txn, metaHistory)
		h = string(v)
		return err
	})
	if err != nil || h != "" {
		return h, err
	}
	h = newHistoryID()
	err = db.bdb.Update(func(txn *badger.Txn) error {
		return txn.Set(metaKey(metaHistory), []byte(h))
	})
	return h, err
}

// deletedThrough returns the highest data version whose deletions the
// journal may no longer list.
func deletedThrough(txn *badger.Txn) (uint64, error) {
	v, found, err := readMeta(txn, metaDeletedThrough)
	if err != nil || !found {
		return 0, err
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("the store's %s is %d bytes long, not 8", metaDeletedThrough, len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

// PruneReport says what PruneDeletions removed.
type PruneReport struct {
	Removed int
	// Through is the highest data version whose deletions are no longer
	// all journaled: a replica holding an older version starts over from
	// a full backup.
	Through uint64
}

// PruneDeletions removes from the journal the deletions made before the
// given time. A replica whose data is older than the newest of them can
// no longer follow on from it, and starts over from a full backup.
func (db *DB) PruneDeletions(ctx context.Context, before time.Time) (PruneReport, error) {
	var rep PruneReport
	for {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		n, through, err := db.pruneSome(before.Unix(), 10_000)
		if err != nil {
			return rep, db.translate(err)
		}
		rep.Removed += n
		rep.Through = max(rep.Through, through)
		if n == 0 {
			return rep, nil
		}
	}
}

// pruneSome removes up to limit journal entries older than cutoff (Unix
// seconds) in one transaction, with the mark of what they covered.
func (db *DB) pruneSome(cutoff int64, limit int) (removed int, through uint64, err error) {
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	err = db.bdb.Update(func(txn *badger.Txn) error {
		through, err = deletedThrough(txn)
		if err != nil {
			return err
		}
		it := txn.NewIterator(badger.IteratorOptions{Prefix: deletedPrefix()})
		var old [][]byte
		for it.Rewind(); it.Valid() && len(old) < limit; it.Next() {
			err := it.Item().Value(func(v []byte) error {
				if len(v) != 16 {
					return fmt.Errorf("the journal entry %s is %d bytes long, not 16", showKey(it.Item().Key()), len(v))
				}
				if int64(binary.BigEndian.Uint64(v[8:])) < cutoff {
					old = append(old, it.Item().KeyCopy(nil))
					through = max(through, binary.BigEndian.Uint64(v[:8]))
				}
				return nil
			})
			if err != nil {
				it.Close()
				return err
			}
		}
		it.Close()
		for _, k := range old {
			if err := txn.Delete(k); err != nil {
				return err
			}
		}
		removed = len(old)
		if removed == 0 {
			return nil
		}
		return txn.Set(metaKey(metaDeletedThrough), binary.BigEndian.AppendUint64(nil, through))
	})
	return removed, through, err
}
