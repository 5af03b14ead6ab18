package store

// A backup is Badger's backup stream wrapped in a few lines of our own, so
// that a file that is not a backup, or only part of one, is recognised
// before anything is written:
//
//	chancery-backup 1\n                         what the file is, and its format
//	{"format":1,"created":...,"dataVersion":...,"seeds":...,"indexVersion":...}\n
//	<length><KVList> <length><KVList> ...      Badger's backup stream: each record is
//	                                           an 8-byte little-endian length and a
//	                                           protobuf list of keys and values
//	FF FF FF FF FF FF FF FF                     the end, where a length would be
//	{"format":1,...,"entities":...,"relations":...,"sha256":"..."}\n
//
// The header line describes the snapshot the stream holds, and can be read
// with head(1): no write commits between reading it and the stream taking
// its snapshot (see Backup). The trailer line says the same, with the
// counts of entities and relations (taken as the stream passes, for free),
// and carries the SHA-256 of every byte before it.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
)

const (
	// backupMagic starts every backup, followed by a space, the format
	// and a newline.
	backupMagic = "chancery-backup"
	// BackupFormat is the format of the backups this code writes and the
	// newest it reads.
	BackupFormat = 1
	// backupEnd stands where the length of a record would, after the
	// last one.
	backupEnd = math.MaxUint64
	// maxBackupRecord bounds the length of one record of Badger's stream
	// (Badger's own are at most a few hundred megabytes), so that a
	// damaged length is reported rather than allocated.
	maxBackupRecord = 1 << 30
	// maxBackupLine bounds the header and trailer lines.
	maxBackupLine = 64 << 10
)

// BackupInfo describes a backup and the store it was taken from.
type BackupInfo struct {
	Format       int       `json:"format"`
	Created      time.Time `json:"created"`
	DataVersion  uint64    `json:"dataVersion"`
	Seeds        string    `json:"seeds,omitempty"`
	IndexVersion string    `json:"indexVersion,omitempty"`
	Entities     int       `json:"entities"`
	Relations    int       `json:"relations"`
	// History names the history of writes the backup belongs to (see
	// journal.go), and Since, for a backup of the changes since a point
	// in it, that point: Badger's version of the last write before them.
	// Until is Badger's version of the last write the backup holds, where
	// the changes after it begin. A replica follows its primary from one
	// to the next.
	History string `json:"history,omitempty"`
	Since   uint64 `json:"since,omitempty"`
	Until   uint64 `json:"until,omitempty"`
	// Bytes is the size of the whole backup, written or read.
	Bytes int64 `json:"-"`
}

// backupHeader is the second line of a backup: what can be known of the
// store before its records are read.
type backupHeader struct {
	Format       int       `json:"format"`
	Created      time.Time `json:"created"`
	DataVersion  uint64    `json:"dataVersion"`
	Seeds        string    `json:"seeds,omitempty"`
	IndexVersion string    `json:"indexVersion,omitempty"`
	History      string    `json:"history,omitempty"`
	Since        uint64    `json:"since,omitempty"`
}

// backupTrailer is the last line of a backup.
type backupTrailer struct {
	BackupInfo
	SHA256 string `json:"sha256"`
}

// Backup writes a backup of the whole store to w: a consistent snapshot,
// taken while the store goes on serving reads and writes. It refuses a
// store that holds a restore cut short.
func (db *DB) Backup(ctx context.Context, w io.Writer) (BackupInfo, error) {
	return db.backup(ctx, w, func(storeContents, string, uint64) uint64 { return 0 })
}

// backup writes a backup of what changed in the store since the Badger
// version that since returns, given what the store holds, its history and
// the data version through which its journal lists every deletion; 0 is
// a backup of the whole store.
func (db *DB) backup(ctx context.Context, w io.Writer, since func(st storeContents, history string, deletedThrough uint64) uint64) (BackupInfo, error) {
	// A replica's full copy waits for a backup of it to end, rather than
	// empty the store under the backup's stream.
	if db.follower {
		if !db.gate.TryRLock() {
			return BackupInfo{}, graph.Errorf(graph.EUNAVAILABLE, "this replica is loading a full copy of its primary's data; back it up once that is done")
		}
		defer db.gate.RUnlock()
	}
	// The header is read before Badger's stream opens the transaction it
	// reads the snapshot in, which it does on a goroutine of its own that
	// no caller can hand a transaction to. Writes wait from the reading of
	// the header until the stream has its transaction (it has when it
	// looks at its first key, or when it ends), so that both see the same
	// data: the header's data version is the snapshot's. Writes wait that
	// long only, not while the backup is written.
	db.writeMu.Lock()
	var release sync.Once
	unlock := func() { release.Do(db.writeMu.Unlock) }
	defer unlock()
	st, err := db.contents(ctx, false)
	if err != nil {
		return BackupInfo{}, err
	}
	if st.restoring {
		return BackupInfo{}, graph.Errorf(graph.ECONFLICT, "%s holds a restore that was cut short, not a whole store; restore a backup into it again (chancery restore --force)", db.where())
	}
	history, err := db.history()
	if err != nil {
		return BackupInfo{}, fmt.Errorf("back up %s: %w", db.where(), err)
	}
	var through uint64
	if err := db.bdb.View(func(txn *badger.Txn) (err error) {
		through, err = deletedThrough(txn)
		return err
	}); err != nil {
		return BackupInfo{}, fmt.Errorf("back up %s: %w", db.where(), err)
	}
	info := BackupInfo{
		Format:       BackupFormat,
		Created:      time.Now().UTC().Truncate(time.Second),
		DataVersion:  st.version,
		Seeds:        st.seeds,
		IndexVersion: st.index,
		History:      history,
		Since:        since(st, history, through),
	}
	bw := &backupWriter{ctx: ctx, w: w, h: sha256.New()}
	head, _ := json.Marshal(backupHeader{info.Format, info.Created, info.DataVersion, info.Seeds, info.IndexVersion, info.History, info.Since})
	fmt.Fprintf(bw, "%s %d\n%s\n", backupMagic, BackupFormat, head)

	snap := &snapshot{}
	var last uint64
	if info.Since > 0 {
		// The changes since a point are read in a transaction opened
		// while writes still wait.
		txn := db.bdb.NewTransaction(false)
		unlock()
		last, err = writeChanges(txn, bw, info.Since, snap)
		txn.Discard()
	} else {
		stream := db.bdb.NewStream()
		stream.LogPrefix = "chancery backup"
		// One goroutine reads the store, in one transaction: Badger gives
		// each of its readers a transaction of its own, and more than one
		// could see different versions of the data.
		stream.NumGo = 1
		stream.ChooseKey = func(item *badger.Item) bool {
			unlock()
			return snap.observe(item)
		}
		last, err = stream.Backup(bw, 0)
	}
	if err != nil {
		if bw.err != nil {
			err = bw.err
		}
		return BackupInfo{}, fmt.Errorf("back up %s: %w", db.where(), err)
	}
	unlock()
	bw.Write(binary.LittleEndian.AppendUint64(nil, backupEnd))

	if info.Since == 0 {
		info.DataVersion, info.Seeds, info.IndexVersion = snap.version, snap.seeds, snap.index
	}
	// Of the changes since a point, the counts are of the entities and
	// relations written since.
	info.Entities, info.Relations = snap.entities, snap.relations
	info.Until = max(info.Since, last)
	tail, _ := json.Marshal(backupTrailer{BackupInfo: info, SHA256: hex.EncodeToString(bw.h.Sum(nil))})
	bw.h = nil // the trailer is not part of what its checksum covers
	bw.Write(append(tail, '\n'))
	if bw.err != nil {
		return BackupInfo{}, fmt.Errorf("back up %s: %w", db.where(), bw.err)
	}
	info.Bytes = bw.n
	return info, nil
}

// backupWriter counts and hashes what it writes, and stops at the first
// error or when ctx ends, which stops Badger's stream.
type backupWriter struct {
	ctx context.Context
	w   io.Writer
	h   hash.Hash
	n   int64
	err error
}

func (b *backupWriter) Write(p []byte) (int, error) {
	if b.err == nil {
		b.err = b.ctx.Err()
	}
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.w.Write(p)
	b.n += int64(n)
	if b.h != nil {
		b.h.Write(p[:n])
	}
	if err != nil {
		b.err = err
	}
	return n, err
}

// snapshot learns, from the keys Badger's stream picks, what the backup
// holds.
type snapshot struct {
	mu                  sync.Mutex
	entities, relations int
	version             uint64
	seeds, index        string
}

func (s *snapshot) observe(item *badger.Item) bool {
	if item.IsDeletedOrExpired() {
		return true // the stream writes the deletion; there is nothing to count
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := item.Key()
	switch {
	case len(k) > 2 && k[0] == prefixEntity && k[1] == sep:
		s.entities++
	case len(k) > 2 && k[0] == prefixRelation && k[1] == sep:
		s.relations++
	case bytes.Equal(k, metaKey(metaVersion)):
		if v, err := item.ValueCopy(nil); err == nil && len(v) == 8 {
			s.version = binary.BigEndian.Uint64(v)
		}
	case bytes.Equal(k, metaKey(metaSeeded)):
		v, _ := item.ValueCopy(nil)
		s.seeds = string(v)
	case bytes.Equal(k, metaKey(metaIndex)):
		v, _ := item.ValueCopy(nil)
		s.index = string(v)
	}
	return true
}

// Restore replaces the contents of the store with a backup that Backup
// wrote. It refuses a store that holds anything (an entity, a relation, or
// the mark of having been seeded) unless force is set.
//
// The backup is read and checked whole (its header, every record's length,
// its end and its checksum) before the store is touched, into a temporary
// copy in the data directory (in the system's temporary directory for an
// in-memory store), so that input that is not a backup, is cut short or is
// damaged leaves the store exactly as it was. Only then is the store
// emptied and the copy loaded. If that load fails (the disk fills up, say),
// the store is emptied again, so it is left empty, never half-restored;
// the error says so. A crash during the load leaves a mark that makes
// Backup and an unforced Restore refuse the store. Ending ctx stops a
// restore while the backup is being checked, not once the load has begun.
//
// After a restore the data version is above both the store's old one and
// the backup's, so that whatever was cached about the old data is not
// used, and indexes of an older layout are rebuilt. Nothing else may use
// the store while Restore runs: Badger's DropAll is not safe with
// concurrent reads. The directory lock keeps other processes out.
func (db *DB) Restore(ctx context.Context, r io.Reader, force bool) (BackupInfo, error) {
	br := newBackupReader(ctx, r)
	head, err := br.readHead()
	if err != nil {
		return BackupInfo{}, err
	}
	if head.Since != 0 {
		return BackupInfo{}, graph.Errorf(graph.EINVALID, "the backup holds only the changes since a point in a store's history, which a replica applies; restore a backup of a whole store (chancery backup)")
	}
	return db.restore(ctx, br, head, force, false)
}

// restore restores the backup br, whose header is read. A replica's
// restore (follow) keeps the backup's data version, and records that it
// follows the backup's history from the backup's end on.
func (db *DB) restore(ctx context.Context, br *backupReader, head backupHeader, force, follow bool) (BackupInfo, error) {
	defer db.versions.changing()()
	before, err := db.contents(ctx, true)
	if err != nil {
		return BackupInfo{}, err
	}
	if !force && !before.empty() {
		return BackupInfo{}, graph.Errorf(graph.ECONFLICT, "%s is not empty: %s; restore with --force to replace everything in it", db.where(), before)
	}

	spool, err := db.spoolFile()
	if err != nil {
		return BackupInfo{}, err
	}
	defer func() {
		spool.Close()
		os.Remove(spool.Name())
	}()
	sw := bufio.NewWriterSize(spool, 1<<20)
	info, err := br.readBody(head, sw)
	if err == nil {
		err = sw.Flush()
	}
	if err == nil {
		_, err = spool.Seek(0, io.SeekStart)
	}
	if err != nil {
		var ge *graph.Error
		if !errors.As(err, &ge) && ctx.Err() == nil {
			err = graph.Errorf(graph.EINTERNAL, "cannot keep a temporary copy of the backup in %s: %v; %s is unchanged", filepath.Dir(spool.Name()), err, db.where())
		}
		return BackupInfo{}, err
	}

	// From here on the old contents are gone, and finishing the load is
	// better than stopping half-way: the context no longer cancels it.
	// The importing file says so first, durably, and stays until the load
	// is whole, so that a store a crash or a failure left empty or part
	// loaded is refused, never seeded again as if new. The load writes
	// about what the backup holds: the disk must have room for it first.
	if st, err := spool.Stat(); err == nil {
		if err := db.needSpace(uint64(st.Size())); err != nil {
			return BackupInfo{}, graph.Errorf(graph.EUNAVAILABLE, "%s; %s is unchanged", graph.ErrorMessage(err), db.where())
		}
	}
	if follow && before.version > info.DataVersion && !before.restoring {
		return BackupInfo{}, graph.Errorf(graph.ECONFLICT, "the primary's data is at version %d, older than this replica's %d: it is not the store this replica followed; start the replica on an empty data directory to follow it", info.DataVersion, before.version)
	}
	// Readers of a replica are turned away while its store is emptied and
	// loaded (see view); they get the whole store before or after.
	if db.follower {
		db.copying.Store(true)
		defer db.copying.Store(false)
		db.gate.Lock()
		defer db.gate.Unlock()
	}
	if db.dir != "" {
		if err := markRestoring(db.dir); err != nil {
			return BackupInfo{}, graph.Errorf(graph.EINTERNAL, "%v; %s is unchanged", err, db.where())
		}
	}
	if err := db.load(context.WithoutCancel(ctx), spool, before.version, info, follow); err != nil {
		if derr := db.emptyAfterFailure(before.version); derr != nil {
			return BackupInfo{}, graph.Errorf(graph.EINTERNAL, "the restore failed after the old contents were dropped (%v), and emptying the store failed too (%v); %s is damaged: restore again with --force", err, derr, db.where())
		}
		return BackupInfo{}, graph.Errorf(graph.EINTERNAL, "the restore failed after the old contents were dropped: %v; %s is now empty, and refused until a restore finishes: restore again with --force", err, db.where())
	}
	if db.dir != "" {
		if err := unmarkImporting(db.dir); err != nil {
			return BackupInfo{}, graph.Errorf(graph.EINTERNAL, "the backup is restored, but %v", err)
		}
	}
	return info, nil
}

// load empties the store and loads the checked backup records from f.
func (db *DB) load(ctx context.Context, f io.Reader, oldVersion uint64, want BackupInfo, follow bool) error {
	// What the load joins is not told to the record of components: it is
	// dropped before, and again after, in case it was being built.
	db.comps.drop()
	defer db.comps.drop()
	if err := db.bdb.DropAll(); err != nil {
		return fmt.Errorf("empty the store: %w", err)
	}
	// Written after DropAll and before the load, under a key no backup
	// holds; removed in the same transaction that sets the new version.
	if err := db.bdb.Update(func(txn *badger.Txn) error {
		return txn.Set(metaKey(metaRestoring), []byte(time.Now().UTC().Format(time.RFC3339)))
	}); err != nil {
		return fmt.Errorf("mark the restore: %w", err)
	}
	if err := db.bdb.Load(bufio.NewReaderSize(f, 1<<20), 16); err != nil {
		return fmt.Errorf("load the backup: %w", err)
	}
	err := db.bdb.Update(func(txn *badger.Txn) error {
		loaded, err := readVersion(txn)
		if err != nil {
			return err
		}
		if err := txn.Delete(metaKey(metaRestoring)); err != nil {
			return err
		}
		if follow {
			// A replica's version is its primary's, so that a client can
			// ask it for what it wrote there. The primary's history is its
			// own (a replica serves no changes to follow); its journal,
			// loaded with the rest, is left as it came.
			for _, name := range []string{metaHistory, metaDeletedThrough} {
				if err := txn.Delete(metaKey(name)); err != nil {
					return err
				}
			}
			if err := writeFollowState(txn, FollowState{History: want.History, Since: want.Until}); err != nil {
				return err
			}
			return txn.Set(metaKey(metaVersion), binary.BigEndian.AppendUint64(nil, loaded))
		}
		// The restored store goes on from here apart from the one the
		// backup was taken of: a history of its own.
		if err := txn.Set(metaKey(metaHistory), []byte(newHistoryID())); err != nil {
			return err
		}
		return txn.Set(metaKey(metaVersion), binary.BigEndian.AppendUint64(nil, max(oldVersion, loaded)+1))
	})
	if err != nil {
		return fmt.Errorf("set the data version: %w", err)
	}
	if err := db.upgradeIndexes(ctx); err != nil {
		return fmt.Errorf("rebuild the indexes: %w", err)
	}
	got, err := db.contents(ctx, true)
	if err != nil {
		return err
	}
	if got.entities != want.Entities || got.relations != want.Relations || got.seeds != want.Seeds {
		return fmt.Errorf("the store holds %s after the load, but the backup says %d entities and %d relations (seeds %q)",
			got, want.Entities, want.Relations, want.Seeds)
	}
	return nil
}

// emptyAfterFailure leaves the store empty, at a data version above the
// old one, after a failed load.
func (db *DB) emptyAfterFailure(oldVersion uint64) error {
	defer db.comps.drop()
	if err := db.bdb.DropAll(); err != nil {
		return err
	}
	return db.bdb.Update(func(txn *badger.Txn) error {
		if err := txn.Set(metaKey(metaIndex), []byte(indexVersion)); err != nil {
			return err
		}
		return txn.Set(metaKey(metaVersion), binary.BigEndian.AppendUint64(nil, oldVersion+1))
	})
}

// spoolFile creates the temporary file Restore checks a backup into.
func (db *DB) spoolFile() (*os.File, error) {
	f, err := os.CreateTemp(db.dir, "restore-*.partial")
	if err != nil {
		dir := db.dir
		if dir == "" {
			dir = os.TempDir()
		}
		return nil, graph.Errorf(graph.EINTERNAL, "cannot create a temporary copy of the backup in %s: %v", dir, err)
	}
	return f, nil
}

// where names the store in messages.
func (db *DB) where() string {
	if db.dir == "" {
		return "the in-memory store"
	}
	return "the store in " + db.dir
}

// storeContents is what Backup and Restore need to know of a store.
type storeContents struct {
	entities, relations int // counted only when asked for
	version             uint64
	seeds, index        string
	restoring           bool
}

func (c storeContents) empty() bool {
	return c.entities == 0 && c.relations == 0 && c.seeds == "" && !c.restoring
}

func (c storeContents) String() string {
	s := fmt.Sprintf("%d entities and %d relations", c.entities, c.relations)
	if c.seeds != "" {
		s += ", seeded with " + c.seeds
	}
	if c.restoring {
		s += ", and a restore into it was cut short"
	}
	return s
}

// contents reads the store's metadata and, if count is set, counts its
// entities and relations from their keys alone.
func (db *DB) contents(ctx context.Context, count bool) (storeContents, error) {
	var c storeContents
	err := db.view(ctx, func(txn *badger.Txn) error {
		var err error
		if c.version, err = readVersion(txn); err != nil {
			return err
		}
		meta := func(name string) (string, bool, error) {
			v, found, err := readMeta(txn, name)
			return string(v), found, err
		}
		if c.seeds, _, err = meta(metaSeeded); err != nil {
			return err
		}
		if c.index, _, err = meta(metaIndex); err != nil {
			return err
		}
		if _, c.restoring, err = meta(metaRestoring); err != nil {
			return err
		}
		if !count {
			return nil
		}
		for _, records := range []struct {
			prefix []byte
			n      *int
		}{{entityRecordsPrefix(), &c.entities}, {relationRecordsPrefix(), &c.relations}} {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: records.prefix})
			for it.Rewind(); it.Valid(); it.Next() {
				*records.n++
			}
			it.Close()
		}
		return ctx.Err()
	})
	return c, db.translate(err)
}

// VerifyBackup reads a backup to its end and checks it as Restore does,
// without writing anything: that it is a backup, whole, and unchanged
// since it was written. It returns what the backup's trailer says.
func VerifyBackup(ctx context.Context, r io.Reader) (BackupInfo, error) {
	br := newBackupReader(ctx, r)
	head, err := br.readHead()
	if err != nil {
		return BackupInfo{}, err
	}
	return br.readBody(head, io.Discard)
}

// backupReader reads a backup, hashing and counting as it goes.
type backupReader struct {
	ctx context.Context
	r   *bufio.Reader
	h   hash.Hash
	n   int64
}

func newBackupReader(ctx context.Context, r io.Reader) *backupReader {
	return &backupReader{ctx: ctx, r: bufio.NewReaderSize(r, maxBackupLine), h: sha256.New()}
}

// consumed records that p, just read, is part of the backup.
func (b *backupReader) consumed(p []byte) {
	b.n += int64(len(p))
	if b.h != nil {
		b.h.Write(p)
	}
}

// readHead reads the magic line and the header.
func (b *backupReader) readHead() (backupHeader, error) {
	magic := fmt.Sprintf("%s %d\n", backupMagic, BackupFormat)
	start, err := b.r.Peek(len(magic) + 8)
	if len(start) == 0 {
		if err == io.EOF {
			return backupHeader{}, graph.Errorf(graph.EINVALID, "the input is empty: it is not a Chancery backup")
		}
		return backupHeader{}, b.readError(err)
	}
	line, _, ok := bytes.Cut(start, []byte("\n"))
	format, ferr := strconv.Atoi(string(bytes.TrimPrefix(line, []byte(backupMagic+" "))))
	switch {
	case !ok && bytes.HasPrefix([]byte(magic), start):
		return backupHeader{}, b.cutShort(int64(len(start)))
	case !ok || !bytes.HasPrefix(line, []byte(backupMagic+" ")) || ferr != nil || format < 1:
		return backupHeader{}, notBackup(start, magic)
	case format > BackupFormat:
		return backupHeader{}, graph.Errorf(graph.EINVALID, "the backup has format %d, newer than this chancery reads (%d); restore it with the chancery that wrote it, or a newer one", format, BackupFormat)
	}
	b.consumed(start[:len(line)+1])
	b.r.Discard(len(line) + 1)

	var head backupHeader
	text, err := b.readLine()
	if err != nil {
		return backupHeader{}, err
	}
	if err := json.Unmarshal(text, &head); err != nil || head.Format != format {
		return backupHeader{}, graph.Errorf(graph.EINVALID, "the backup's header line is damaged; the file was changed after it was written")
	}
	return head, nil
}

// notBackup says that input starting with start is not a backup, and what
// it looks like if that helps.
func notBackup(start []byte, magic string) error {
	hint := ""
	if t := bytes.TrimLeft(start, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		hint = "; it looks like JSON (JSON Lines files are loaded with chancery import)"
	}
	return graph.Errorf(graph.EINVALID, "the input is not a Chancery backup: a backup begins with the line %q%s", magic[:len(magic)-1], hint)
}

// readLine reads one line of at most maxBackupLine bytes, without its
// newline.
func (b *backupReader) readLine() ([]byte, error) {
	line, err := b.r.ReadSlice('\n')
	b.consumed(line)
	switch {
	case err == nil:
		return bytes.Clone(line[:len(line)-1]), nil
	case errors.Is(err, bufio.ErrBufferFull):
		return nil, graph.Errorf(graph.EINVALID, "the backup is damaged: a line at byte %d is longer than any a backup holds", b.n-int64(len(line)))
	default:
		return nil, b.readError(err)
	}
}

// full reads exactly len(p) bytes.
func (b *backupReader) full(p []byte) error {
	n, err := io.ReadFull(b.r, p)
	b.consumed(p[:n])
	if err != nil {
		return b.readError(err)
	}
	return nil
}

// readError reports a failure to read the input.
func (b *backupReader) readError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return b.cutShort(b.n)
	}
	if cerr := b.ctx.Err(); cerr != nil {
		return cerr
	}
	return graph.Errorf(graph.EINVALID, "cannot read the backup after %d bytes: %v", b.n, err)
}

func (b *backupReader) cutShort(n int64) error {
	return graph.Errorf(graph.EINVALID, "the backup is cut short after %d bytes: its end is missing (was a copy or download interrupted?)", n)
}

// readBody reads Badger's records into frames, then the end and the
// trailer, and checks them against the header and the checksum.
func (b *backupReader) readBody(head backupHeader, frames io.Writer) (BackupInfo, error) {
	var length [8]byte
	for {
		if err := b.ctx.Err(); err != nil {
			return BackupInfo{}, err
		}
		at := b.n
		if err := b.full(length[:]); err != nil {
			return BackupInfo{}, err
		}
		size := binary.LittleEndian.Uint64(length[:])
		if size == backupEnd {
			break
		}
		if size > maxBackupRecord {
			return BackupInfo{}, graph.Errorf(graph.EINVALID, "the backup is damaged: the record at byte %d claims %d bytes", at, size)
		}
		if err := b.copyRecord(frames, length[:], int(size)); err != nil {
			return BackupInfo{}, err
		}
	}
	sum := hex.EncodeToString(b.h.Sum(nil))
	b.h = nil
	text, err := b.readLine()
	if err != nil {
		return BackupInfo{}, err
	}
	var tail backupTrailer
	if err := json.Unmarshal(text, &tail); err != nil || tail.SHA256 == "" {
		return BackupInfo{}, graph.Errorf(graph.EINVALID, "the backup is damaged: its last line, after byte %d, is not the trailer a backup ends with", b.n-int64(len(text))-1)
	}
	if tail.SHA256 != sum {
		return BackupInfo{}, graph.Errorf(graph.EINVALID, "the backup is damaged: its checksum does not match its contents, so it was changed after it was written")
	}
	if tail.Format != head.Format {
		return BackupInfo{}, graph.Errorf(graph.EINVALID, "the backup is damaged: its trailer and header disagree on the format")
	}
	if _, err := b.r.Peek(1); err == nil {
		return BackupInfo{}, graph.Errorf(graph.EINVALID, "the backup goes on past its end at byte %d; is it two files joined together?", b.n)
	} else if err != io.EOF {
		return BackupInfo{}, b.readError(err)
	}
	info := tail.BackupInfo
	info.Bytes = b.n
	return info, nil
}

// copyRecord reads a record of size bytes and writes it, after its
// length, to frames. A failure to write is wrapped as a plain error, apart
// from the graph errors that describe the input.
func (b *backupReader) copyRecord(frames io.Writer, length []byte, size int) error {
	if _, err := frames.Write(length); err != nil {
		return fmt.Errorf("write a record: %w", err)
	}
	buf := make([]byte, min(size, 256<<10))
	for size > 0 {
		chunk := buf[:min(size, len(buf))]
		if err := b.full(chunk); err != nil {
			return err
		}
		if _, err := frames.Write(chunk); err != nil {
			return fmt.Errorf("write a record: %w", err)
		}
		size -= len(chunk)
	}
	return nil
}

// ReadHolder returns what the lock file of data directory dir says about
// the process that has it open. It is meant for after Open has reported
// the directory in use: the file describes the last process that opened
// the directory, and is emptied when that one closes it. It is a not_found
// error when the file says nothing.
func ReadHolder(dir string) (Holder, error) {
	var h Holder
	b, err := os.ReadFile(filepath.Join(dir, lockFileName))
	if err != nil || json.Unmarshal(b, &h) != nil || h.PID == 0 {
		return Holder{}, graph.Errorf(graph.ENOTFOUND, "no process is described in %s", filepath.Join(dir, lockFileName))
	}
	return h, nil
}

// IsDataDir reports whether dir holds a store (Badger's manifest), so that
// commands that only read one need not create one by opening it.
func IsDataDir(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, badger.ManifestFilename))
	return err == nil && fi.Mode().IsRegular()
}
