package store

// A replica follows a primary: it loads a full backup of the primary's
// store once, then asks, again and again, for the changes since the point
// it holds (Changes) and applies each in one transaction (Follow), so that
// a reader sees the replica's data before a batch or after it, never half
// of it. The point is the primary's history (journal.go) and Badger's
// version of the last write the replica holds. A replica whose
// point the primary can no longer follow on from (another history, a
// journal pruned past it) is sent a full backup instead, and starts over.

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"google.golang.org/protobuf/proto"

	"github.com/chancery/chancery/graph"
)

// FollowPoint is where a replica stands in its primary's history: what it
// asks Changes for the changes after.
type FollowPoint struct {
	// History is the primary's history the replica follows; "" for a
	// replica that holds nothing yet.
	History string
	// Since is Badger's version of the last write the replica holds.
	Since uint64
	// Version is the replica's data version.
	Version uint64
}

// FollowState is what a replica records of the primary it follows, in the
// transaction that brings its data to that point.
type FollowState struct {
	History string `json:"history"`
	Since   uint64 `json:"since"`
}

func writeFollowState(txn *badger.Txn, st FollowState) error {
	b, _ := json.Marshal(st)
	return txn.Set(metaKey(metaFollow), b)
}

// loadingKey marks the context of a replica's own reads while it loads
// (see view).
type loadingKey struct{}

func loading(ctx context.Context) context.Context {
	return context.WithValue(ctx, loadingKey{}, true)
}

// Point returns where a replica stands: nothing (History "") when it has
// no whole copy of its primary's data.
func (db *DB) Point(ctx context.Context) (FollowPoint, error) {
	var p FollowPoint
	err := db.view(loading(ctx), func(txn *badger.Txn) error {
		st, ok, err := readFollowState(txn)
		if err != nil || !ok {
			return err
		}
		if _, restoring, err := readMeta(txn, metaRestoring); err != nil || restoring {
			return err
		}
		p.History, p.Since = st.History, st.Since
		p.Version, err = readVersion(txn)
		return err
	})
	if err != nil {
		return FollowPoint{}, db.translate(err)
	}
	if db.dir != "" {
		if im, err := cutShortImport(db.dir); err != nil {
			return FollowPoint{}, err
		} else if im != nil {
			return FollowPoint{}, nil
		}
	}
	return p, nil
}

func readFollowState(txn *badger.Txn) (FollowState, bool, error) {
	b, found, err := readMeta(txn, metaFollow)
	if err != nil || !found {
		return FollowState{}, false, err
	}
	var st FollowState
	if err := json.Unmarshal(b, &st); err != nil {
		return FollowState{}, false, fmt.Errorf("the store's record of the primary it follows is damaged: %v", err)
	}
	return st, true, nil
}

// checkFollowing opens a replica's store: it is loaded when it holds a
// whole copy of a primary's data, and refused when it is a store of its
// own (one that was never a replica).
func (db *DB) checkFollowing() error {
	ctx := loading(context.Background())
	p, err := db.Point(ctx)
	if err != nil {
		return err
	}
	if p.History != "" {
		db.loaded.Store(true)
		return nil
	}
	c, err := db.contents(ctx, true)
	if err != nil {
		return err
	}
	if db.dir != "" && !c.restoring {
		// The mark a restore leaves on disk before it empties the store.
		im, err := cutShortImport(db.dir)
		if err != nil {
			return err
		}
		c.restoring = im != nil && im.Restore
	}
	// A copy cut short holds nothing whole, whoever's it was: it is
	// loaded again.
	// Otherwise, with no record of a primary (Point), what it holds is its
	// own.
	if !c.restoring && (c.entities > 0 || c.relations > 0) {
		return graph.Errorf(graph.ECONFLICT, "%s holds %s of its own and was never a replica: a replica copies its primary's data over whatever it holds; give it an empty directory, or serve this one without --follow", db.where(), c)
	}
	return nil
}

// Changes writes to w the changes to the store since from, as a backup of
// the changes (see BackupInfo.Since), or a backup of the whole store when
// it cannot follow on from there: from belongs to another history (the
// store was restored, imported into or repaired since), the journal no
// longer lists every deletion after it, or from holds nothing.
func (db *DB) Changes(ctx context.Context, w io.Writer, from FollowPoint) (BackupInfo, error) {
	if db.follower {
		return BackupInfo{}, graph.Errorf(graph.EINVALID, "this server is a replica; replicas follow its primary, not it")
	}
	return db.backup(ctx, w, func(st storeContents, history string, through uint64) uint64 {
		if from.History != history || from.Since == 0 || from.Version < through || from.Version > st.version {
			return 0
		}
		return from.Since
	})
}

// Copying reports whether a replica is loading a full copy of its
// primary's data: from when it has the copy checked and waits to empty
// its store until the copy is loaded.
func (db *DB) Copying() bool { return db.copying.Load() }

// Healthy reports whether the store can be read, for a health check. A
// replica loading a full copy is healthy, and its store is not read.
func (db *DB) Healthy(ctx context.Context) error {
	if !db.follower {
		_, err := db.Version(ctx)
		return err
	}
	if !db.gate.TryRLock() {
		return nil // loading a full copy
	}
	defer db.gate.RUnlock()
	_, err := db.Point(ctx)
	return err
}

// FollowResult says what Follow applied.
type FollowResult struct {
	// Full is set when the input was a backup of the whole store.
	Full bool
	Info BackupInfo
	// Version is the replica's data version after the apply.
	Version uint64
}

// ErrStartOver says that changes could not be applied in one transaction
// (there are too many): the replica asks for a full backup instead.
var ErrStartOver = errors.New("the changes are too large to apply at once")

// maxChanges bounds the changes a replica holds in memory to apply at
// once; larger ones are loaded as a full backup.
const maxChanges = 256 << 20

// Follow applies what Changes wrote: a backup of the whole store replaces
// the replica's data (readers are turned away while it loads, see view),
// and changes since the replica's point are applied in one transaction.
// Either is read and checked whole before the store is touched. Changes
// that do not follow on from the replica's point are refused, as is a
// primary whose indexes differ from this code's.
func (db *DB) Follow(ctx context.Context, r io.Reader) (FollowResult, error) {
	if !db.follower {
		return FollowResult{}, graph.Errorf(graph.EINVALID, "%s is not a replica's store", db.where())
	}
	ctx = loading(ctx)
	br := newBackupReader(ctx, r)
	head, err := br.readHead()
	if err != nil {
		return FollowResult{}, err
	}
	if head.IndexVersion != indexVersion {
		return FollowResult{}, graph.Errorf(graph.EINVALID, "the primary's indexes are of version %q and this replica's of %q: run the same release of chancery on both", head.IndexVersion, indexVersion)
	}
	if head.Since == 0 {
		info, err := db.restore(ctx, br, head, true, true)
		if err != nil {
			// A restore refused before it began leaves the replica's
			// data as it was; one that failed half-way leaves none.
			p, perr := db.Point(ctx)
			db.loaded.Store(perr == nil && p.History != "")
			return FollowResult{}, err
		}
		db.loaded.Store(true)
		return FollowResult{Full: true, Info: info, Version: info.DataVersion}, nil
	}

	p, err := db.Point(ctx)
	if err != nil {
		return FollowResult{}, err
	}
	if p.History != head.History || p.Since != head.Since {
		return FollowResult{}, graph.Errorf(graph.ECONFLICT, "the primary sent the changes since %d in history %s, but this replica stands at %d in history %q", head.Since, head.History, p.Since, p.History)
	}
	var frames limitedBuffer
	frames.limit = maxChanges
	info, err := br.readBody(head, &frames)
	if errors.Is(err, errTooLarge) {
		return FollowResult{}, ErrStartOver
	} else if err != nil {
		return FollowResult{}, err
	}
	info.DataVersion = head.DataVersion
	if err := db.applyChanges(frames.Bytes(), info); err != nil {
		return FollowResult{}, err
	}
	return FollowResult{Info: info, Version: info.DataVersion}, nil
}

// writeChanges writes to w, as records of Badger's backup stream, the
// newest version of every key written or deleted after Badger's version
// since, as txn sees the store, and returns the newest version written.
// Badger's Stream does the same with goroutines and a buffer of megabytes
// for each range of keys, which took milliseconds even when nothing had
// changed; a replica asks every second or so.
func writeChanges(txn *badger.Txn, w io.Writer, since uint64, snap *snapshot) (last uint64, err error) {
	it := txn.NewIterator(badger.IteratorOptions{AllVersions: true, SinceTs: since})
	defer it.Close()
	var list pb.KVList
	size := 0
	flush := func() error {
		if len(list.Kv) == 0 {
			return nil
		}
		b, err := proto.Marshal(&list)
		if err != nil {
			return err
		}
		if _, err := w.Write(binary.LittleEndian.AppendUint64(nil, uint64(len(b)))); err != nil {
			return err
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
		list.Kv, size = list.Kv[:0], 0
		return nil
	}
	var prev []byte
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		if prev != nil && bytes.Equal(item.Key(), prev) {
			continue // an older version of a key written
		}
		prev = item.KeyCopy(prev)
		snap.observe(item)
		kv := &pb.KV{Key: item.KeyCopy(nil), Version: item.Version(), ExpiresAt: item.ExpiresAt(),
			UserMeta: []byte{item.UserMeta()}, Meta: []byte{0}}
		if item.IsDeletedOrExpired() {
			kv.Meta[0] = bitDelete
		} else if kv.Value, err = item.ValueCopy(nil); err != nil {
			return 0, err
		}
		last = max(last, kv.Version)
		list.Kv = append(list.Kv, kv)
		if size += len(kv.Key) + len(kv.Value); size >= 1<<20 {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	return last, flush()
}

var errTooLarge = errors.New("too large")

// limitedBuffer is a bytes.Buffer that refuses to grow past limit.
type limitedBuffer struct {
	bytes.Buffer
	limit int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.limit {
		return 0, errTooLarge
	}
	return b.Buffer.Write(p)
}

// applyChanges applies the records of changes (Badger's backup stream) in
// one transaction, with the point they bring the replica to.
func (db *DB) applyChanges(frames []byte, info BackupInfo) error {
	defer db.versions.changing()()
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	var from uint64
	var ends [][2]graph.ID // of the relations the changes store
	err := db.bdb.Update(func(txn *badger.Txn) error {
		var err error
		if from, err = readVersion(txn); err != nil {
			return err
		}
		seen := map[string]bool{} // keys given a value or deleted, by their newest version
		live := map[string]bool{} // of those, the ones given a value
		var deleted [][]byte      // the keys the journal says were deleted
		for len(frames) > 0 {
			if len(frames) < 8 {
				return fmt.Errorf("the changes end in the middle of a record")
			}
			size := binary.LittleEndian.Uint64(frames)
			if size > uint64(len(frames)-8) {
				return fmt.Errorf("a record of the changes claims %d bytes, more than are left", size)
			}
			var list pb.KVList
			if err := proto.Unmarshal(frames[8:8+size], &list); err != nil {
				return fmt.Errorf("a record of the changes is damaged: %w", err)
			}
			frames = frames[8+size:]
			for _, kv := range list.Kv {
				k := kv.Key
				// Badger's stream gives a key's versions newest first.
				if seen[string(k)] {
					continue
				}
				seen[string(k)] = true
				gone := len(kv.Meta) > 0 && kv.Meta[0]&bitDelete != 0
				switch {
				case len(k) > 2 && k[0] == prefixDeleted && k[1] == sep:
					if !gone {
						deleted = append(deleted, k[2:])
					}
					continue
				case bytes.Equal(k, metaKey(metaHistory)), bytes.Equal(k, metaKey(metaDeletedThrough)),
					bytes.Equal(k, metaKey(metaFollow)):
					continue // the primary's own, not its data
				}
				if gone {
					if err := txn.Delete(k); err != nil {
						return err
					}
					continue
				}
				live[string(k)] = true
				if err := txn.Set(k, kv.Value); err != nil {
					return err
				}
				if len(k) > 2 && k[0] == prefixRelation && k[1] == sep {
					a, b, err := relationEnds(kv.Value)
					if err != nil {
						return fmt.Errorf("relation record %s of the changes: %w", showKey(k), err)
					}
					ends = append(ends, [2]graph.ID{a, b})
				}
			}
		}
		for _, k := range deleted {
			if !live[string(k)] {
				if err := txn.Delete(k); err != nil {
					return err
				}
			}
		}
		return writeFollowState(txn, FollowState{History: info.History, Since: info.Until})
	})
	if errors.Is(err, badger.ErrTxnTooBig) {
		return ErrStartOver
	}
	if err != nil {
		return fmt.Errorf("apply the primary's changes to %s: %w", db.where(), err)
	}
	db.comps.wrote(from, info.DataVersion, ends)
	return nil
}

// bitDelete is Badger's mark of a deleted key in its backup stream's Meta.
const bitDelete = 1 << 0
