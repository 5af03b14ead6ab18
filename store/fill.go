package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
)

// Fill fills a new store with what it starts with, once. fill writes it
// through the store's usual writes (Apply, ApplyGroups); when fill returns
// nil, label is recorded as what the store was filled with (SeededWith).
// Fill reports whether it filled the store: one that was filled before is
// left as it is, and one that holds facts but no label is refused, for
// something went wrong with it and filling it could hide that.
//
// A fill takes many transactions, so a store on disk is marked as being
// filled (chancery.importing) until its label is in. A fill cut short by
// a crash, a kill or a full disk leaves the mark, and the next Open
// removes what the fill wrote: nothing else writes to a store before its
// fill is done, so nothing else is lost, and the caller fills it again.
// Open logs that it did.
func (db *DB) Fill(ctx context.Context, label string, fill func(context.Context) error) (bool, error) {
	switch got, err := db.SeededWith(ctx); {
	case err != nil:
		return false, err
	case got != "":
		return false, nil
	}
	if err := db.view(ctx, db.refuseUnmarkedFacts); err != nil {
		return false, db.translate(err)
	}
	if db.dir != "" {
		if err := mark(db.dir, importing{Started: time.Now().UTC().Truncate(time.Second), Fill: true}); err != nil {
			return false, err
		}
	}
	if err := fill(ctx); err != nil {
		return false, fmt.Errorf("fill %s: %w", db.where(), err)
	}
	if err := db.update(ctx, func(txn *badger.Txn, _ *tally) error {
		return recordFill(txn, label)
	}); err != nil {
		return false, err
	}
	if db.dir != "" {
		if err := unmarkImporting(db.dir); err != nil {
			return false, err
		}
	}
	return true, nil
}

// recordFill records, in the transaction that ends a fill, what the store
// was filled with and the data version the transaction leaves it at.
func recordFill(txn *badger.Txn, label string) error {
	v, err := readVersion(txn)
	if err != nil {
		return err
	}
	if err := txn.Set(metaKey(metaFilled), binary.BigEndian.AppendUint64(nil, v+1)); err != nil {
		return err
	}
	return txn.Set(metaKey(metaSeeded), []byte(label))
}

// refuseUnmarkedFacts refuses, as txn sees it, a store that holds facts
// but no mark that it was ever filled: it is not a new store, and filling
// it could hide what happened to it.
func (db *DB) refuseUnmarkedFacts(txn *badger.Txn) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: entityRecordsPrefix(), PrefetchValues: false})
	defer it.Close()
	if it.Rewind(); it.Valid() {
		return graph.Errorf(graph.ECONFLICT, "%s holds facts but no mark that it was ever seeded, so it is not seeded now: it is not a new directory, and seeding it could hide what happened to it; check it with chancery verify, or serve a new directory", db.where())
	}
	return nil
}

// filledVersion is the data version the store's fill left it at; 0 for a
// store never filled.
func filledVersion(txn *badger.Txn) (uint64, error) {
	v, filled, err := readMeta(txn, metaFilled)
	if err != nil {
		return 0, err
	}
	if !filled {
		// A store seeded before fills were marked was filled at version 1.
		_, seeded, err := readMeta(txn, metaSeeded)
		if seeded {
			return 1, err
		}
		return 0, err
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("the store's filled version is %d bytes long, not 8", len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

// startOverCutShortFill empties a store whose first fill was cut short, so
// that it is filled again, and returns the fill's mark if it did.
func startOverCutShortFill(dir string, bdb *badger.DB) (*importing, error) {
	im, err := cutShortImport(dir)
	if err != nil || im == nil || !im.Fill {
		return nil, err
	}
	if err := bdb.DropAll(); err != nil {
		return nil, graph.Errorf(graph.EINTERNAL, "cannot empty %s, whose first fill was cut short: %v; delete the directory and start again", dir, err)
	}
	if err := unmarkImporting(dir); err != nil {
		return nil, err
	}
	return im, nil
}
