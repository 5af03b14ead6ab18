package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
)

// groupItems is how many entities, relations and deletions ApplyGroups
// puts in one transaction to start with. An entity writes some forty index
// keys and a relation four or six, so this stays well inside Badger's
// limit on a transaction; a transaction that still proves too big is
// retried with half as many groups. Badger sorts all of a transaction's
// pending writes for every iterator opened in it, so the larger the
// transaction, the more a write that iterates costs (see
// tally.relationsDuring, which spares the commonest such reads).
var groupItems = 1000

// ApplyGroups writes a large change made of many small batches, in order,
// packing as many whole batches as fit into each transaction (never one
// transaction per batch, never a batch split across two). Each batch is
// applied as Apply would, seeing the batches before it: its deletions,
// then its entities and relations, validated against the store. A batch
// that fails stops the write with an error naming it; the transactions
// committed before it stay, each holding whole batches, so an importer
// that makes its batches one per changed thing leaves every thing either
// old or new. progress, if set, is called with the number of batches
// written after each transaction.
func (db *DB) ApplyGroups(ctx context.Context, groups []*graph.Batch, progress func(done int)) error {
	limit := groupItems
	for done := 0; done < len(groups); {
		if err := ctx.Err(); err != nil {
			return err
		}
		end, items := done, 0
		for end < len(groups) && (end == done || items+batchItems(groups[end]) <= limit) {
			items += batchItems(groups[end])
			end++
		}
		failed, err := db.applyGroups(ctx, groups[done:end])
		if errors.Is(err, badger.ErrTxnTooBig) && end-done > 1 {
			limit = max(1, items/2)
			continue
		}
		if err != nil {
			what := describeBatch(groups[done+failed])
			if err = db.translate(err); graph.ErrorCode(err) != graph.EINTERNAL {
				return graph.Errorf(graph.ErrorCode(err), "%s: %s", what, graph.ErrorMessage(err))
			}
			return fmt.Errorf("%s: %w", what, err)
		}
		done = end
		if progress != nil {
			progress(done)
		}
	}
	return nil
}

// applyGroups applies the groups in one transaction, taking its turn
// among writes as update does, and reports which group failed.
func (db *DB) applyGroups(ctx context.Context, groups []*graph.Batch) (int, error) {
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	for attempt := 0; ; attempt++ {
		failed := 0
		err := db.updateCounted(ctx, func(txn *badger.Txn, t *tally) error {
			for i, g := range groups {
				if err := applyBatch(txn, g, t, nil); err != nil {
					failed = i
					return err
				}
			}
			failed = len(groups) - 1
			return nil
		})
		if errors.Is(err, badger.ErrConflict) && attempt < 10 {
			continue
		}
		return failed, err
	}
}

func batchItems(b *graph.Batch) int {
	return len(b.Entities) + len(b.Relations) + len(b.DeleteRelations) + len(b.DeleteEntities)
}

// describeBatch names a batch for an error message by what it writes first.
func describeBatch(b *graph.Batch) string {
	switch {
	case len(b.Entities) > 0:
		return "write " + string(b.Entities[0].ID)
	case len(b.Relations) > 0:
		return "write " + b.Relations[0].Describe()
	case len(b.DeleteRelations) > 0:
		return "delete relation " + b.DeleteRelations[0]
	case len(b.DeleteEntities) > 0:
		return "delete " + string(b.DeleteEntities[0])
	}
	return "write an empty batch"
}
