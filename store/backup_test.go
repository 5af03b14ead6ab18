package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

// mustOpenFixture opens a store in dir seeded with the small Cuba fixture.
func mustOpenFixture(tb testing.TB, dir string) *store.DB {
	tb.Helper()
	db := storetest.OpenDir(tb, dir)
	if _, err := db.Seed(ctx, cubaFixture(), "fixture"); err != nil {
		tb.Fatal(err)
	}
	return db
}

// mustBackup backs db up into memory.
func mustBackup(tb testing.TB, db *store.DB) ([]byte, store.BackupInfo) {
	tb.Helper()
	var buf bytes.Buffer
	info, err := db.Backup(ctx, &buf)
	if err != nil {
		tb.Fatal(err)
	}
	if info.Bytes != int64(buf.Len()) {
		tb.Errorf("Backup says %d bytes, wrote %d", info.Bytes, buf.Len())
	}
	return buf.Bytes(), info
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// sameGraph fails unless a and b hold the same entities and relations, and
// answer a search, a count and a name lookup the same.
func sameGraph(t *testing.T, a, b *store.DB) {
	t.Helper()
	storetest.SameGraph(t, a, b)
	for _, db := range []*store.DB{a, b} {
		hits, err := db.Search(ctx, graph.SearchQuery{Text: "Switzerlnd", Kinds: []graph.Kind{graph.Country}, First: 1})
		if err != nil || len(hits) != 1 || hits[0].Entity.ID != "country:switzerland" {
			t.Errorf("search: %v, %v", hits, err)
		}
		if ids, err := db.LookupName(ctx, "CCNAA"); err != nil || len(ids) == 0 {
			t.Errorf("name lookup: %v, %v", ids, err)
		}
	}
	ca, err := a.Count(ctx, graph.CountQuery{GroupBy: graph.ByKind, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	cb, err := b.Count(ctx, graph.CountQuery{GroupBy: graph.ByKind, Limit: 10})
	if err != nil || !reflect.DeepEqual(ca, cb) {
		t.Errorf("counts by kind: %v, then %v (%v)", ca, cb, err)
	}
}

func totals(t *testing.T, db *store.DB) (int, int) { return storetest.Totals(t, db) }

func version(t *testing.T, db *store.DB) uint64 {
	t.Helper()
	v, err := db.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestDB_Backup(t *testing.T) {
	src := storetest.OpenSeeded(t, t.TempDir())
	backup, info := mustBackup(t, src)
	label, _ := src.SeededWith(ctx)
	entities, relations := totals(t, src)

	t.Run("Header", func(t *testing.T) {
		lines := strings.SplitN(string(backup), "\n", 3)
		if lines[0] != "chancery-backup 1" {
			t.Errorf("first line %q", lines[0])
		}
		var head store.BackupInfo
		if err := json.Unmarshal([]byte(lines[1]), &head); err != nil {
			t.Fatalf("second line %q: %v", lines[1], err)
		}
		if head.Seeds != label || head.DataVersion != version(t, src) || head.Created.IsZero() {
			t.Errorf("header %+v", head)
		}
		if info.Entities != entities || info.Relations != relations || info.Seeds != label || info.DataVersion != version(t, src) {
			t.Errorf("Backup returned %+v; the store has %d entities and %d relations", info, entities, relations)
		}
		got, err := store.VerifyBackup(ctx, bytes.NewReader(backup))
		if err != nil || got != info {
			t.Errorf("VerifyBackup: %+v, %v; want %+v", got, err, info)
		}
	})

	t.Run("Cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		w := writerFunc(func(p []byte) (int, error) { cancel(); return len(p), nil })
		if _, err := src.Backup(cctx, w); !errors.Is(err, context.Canceled) {
			t.Errorf("a backup whose context ends part-way: %v", err)
		}
	})

	t.Run("IntoEmpty", func(t *testing.T) {
		dir := t.TempDir()
		dst := storetest.OpenDir(t, dir)
		before := version(t, dst)
		got, err := dst.Restore(ctx, bytes.NewReader(backup), false)
		if err != nil {
			t.Fatal(err)
		}
		if got != info {
			t.Errorf("Restore returned %+v, want %+v", got, info)
		}
		sameGraph(t, src, dst)
		if l, _ := dst.SeededWith(ctx); l != label {
			t.Errorf("seeded with %q after the restore, want %q", l, label)
		}
		if v := version(t, dst); v <= before || v <= info.DataVersion {
			t.Errorf("version %d after the restore; it was %d and the backup's %d", v, before, info.DataVersion)
		}
		// What was restored is on disk: it survives a close and an open.
		dst.Close()
		sameGraph(t, src, storetest.OpenDir(t, dir))
	})

	t.Run("RefusedWhenNotEmpty", func(t *testing.T) {
		dst := storetest.Open(t)
		if err := dst.Apply(ctx, cubaFixture()); err != nil {
			t.Fatal(err)
		}
		was, v := storetest.Pages(t, dst), version(t, dst)
		_, err := dst.Restore(ctx, bytes.NewReader(backup), false)
		if graph.ErrorCode(err) != graph.ECONFLICT || !strings.Contains(err.Error(), "7 entities and 9 relations") || !strings.Contains(err.Error(), "--force") {
			t.Errorf("err = %v; want a conflict that says what the store holds and how to force", err)
		}
		if !reflect.DeepEqual(storetest.Pages(t, dst), was) || version(t, dst) != v {
			t.Error("a refused restore changed the store")
		}

		seeded := storetest.OpenSeeded(t, t.TempDir())
		if _, err := seeded.Restore(ctx, bytes.NewReader(backup), false); graph.ErrorCode(err) != graph.ECONFLICT || !strings.Contains(err.Error(), "seeded with "+label) {
			t.Errorf("over a seeded store: %v", err)
		}
	})

	t.Run("Force", func(t *testing.T) {
		dst := storetest.Open(t)
		b := cubaFixture()
		b.Entities = append(b.Entities, entity("city:atlantis", "Atlantis"))
		if err := dst.Apply(ctx, b); err != nil {
			t.Fatal(err)
		}
		// Versions that would collide: both stores have had one write,
		// so without care the restored store would keep the version a
		// cache last saw.
		before := version(t, dst)
		if _, err := dst.Restore(ctx, bytes.NewReader(backup), true); err != nil {
			t.Fatal(err)
		}
		sameGraph(t, src, dst)
		if _, err := dst.Entity(ctx, "city:atlantis"); !graph.IsNotFound(err) {
			t.Errorf("an entity only the old contents had: %v", err)
		}
		if v := version(t, dst); v <= before || v <= info.DataVersion {
			t.Errorf("version %d after the restore; it was %d and the backup's %d", v, before, info.DataVersion)
		}
		// The restored store backs up and restores in turn.
		again, _ := mustBackup(t, dst)
		if _, err := storetest.Open(t).Restore(ctx, bytes.NewReader(again), false); err != nil {
			t.Errorf("restoring a backup of a restored store: %v", err)
		}
	})

	t.Run("InMemory", func(t *testing.T) {
		mem := storetest.OpenMemory(t)
		if _, err := mem.Restore(ctx, bytes.NewReader(backup), false); err != nil {
			t.Fatal(err)
		}
		sameGraph(t, src, mem)
	})
}

// TestDB_Restore_BadInput feeds Restore what is not a whole backup: each
// is refused with a message that says so, and leaves the store as it was.
func TestDB_Restore_BadInput(t *testing.T) {
	backup, _ := mustBackup(t, mustOpenFixture(t, t.TempDir()))
	headerEnd := bytes.IndexByte(backup[bytes.IndexByte(backup, '\n')+1:], '\n') + bytes.IndexByte(backup, '\n') + 2
	endMarker := bytes.LastIndex(backup, binary.LittleEndian.AppendUint64(nil, math.MaxUint64))
	if endMarker < headerEnd || !bytes.HasPrefix(backup[endMarker+8:], []byte(`{"format":1,`)) {
		t.Fatal("the end marker is not where the test expects it")
	}
	random := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	flipped := bytes.Clone(backup)
	flipped[(headerEnd+endMarker)/2] ^= 0x20
	cut := func(n int) []byte { return bytes.Clone(backup[:n]) }
	newer := append([]byte("chancery-backup 2\n"), backup[len("chancery-backup 1\n"):]...)

	tests := []struct {
		name  string
		input []byte
		want  string
	}{
		{"Empty", nil, "the input is empty: it is not a Chancery backup"},
		{"RandomBytes", random, "the input is not a Chancery backup"},
		{"JSONLines", []byte(`{"entity": {"id": "city:bern", "kind": "CITY", "name": "Bern"}}` + "\n"), "it looks like JSON (JSON Lines files are loaded with chancery import)"},
		{"MagicCutShort", cut(6), "the backup is cut short after 6 bytes"},
		{"HeaderOnly", cut(headerEnd), fmt.Sprintf("the backup is cut short after %d bytes", headerEnd)},
		{"CutInTheMiddle", cut(len(backup) / 2), fmt.Sprintf("the backup is cut short after %d bytes", len(backup)/2)},
		{"CutBeforeTheEnd", cut(endMarker), fmt.Sprintf("the backup is cut short after %d bytes", endMarker)},
		{"CutInTheTrailer", cut(len(backup) - 10), fmt.Sprintf("the backup is cut short after %d bytes", len(backup)-10)},
		{"Damaged", flipped, "its checksum does not match"},
		{"Doubled", append(bytes.Clone(backup), backup...), "goes on past its end"},
		{"Newer", newer, "the backup has format 2, newer than this chancery reads (1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			check := func(err error) {
				t.Helper()
				if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("err = %v; want invalid: %q", err, tt.want)
				}
			}
			_, err := store.VerifyBackup(ctx, bytes.NewReader(tt.input))
			check(err)

			empty := storetest.Open(t)
			_, err = empty.Restore(ctx, bytes.NewReader(tt.input), false)
			check(err)
			if e, r := totals(t, empty); e != 0 || r != 0 {
				t.Errorf("the empty store holds %d entities and %d relations after a failed restore", e, r)
			}

			full := mustOpenFixture(t, t.TempDir())
			was, v := storetest.Pages(t, full), version(t, full)
			_, err = full.Restore(ctx, bytes.NewReader(tt.input), true)
			check(err)
			if !reflect.DeepEqual(storetest.Pages(t, full), was) || version(t, full) != v {
				t.Error("a forced restore of bad input changed the store")
			}
			if l, _ := full.SeededWith(ctx); l == "" {
				t.Error("a forced restore of bad input dropped the seeded mark")
			}
		})
	}
}

// TestDB_Restore_LoadFails restores a backup whose checksum is right but
// whose records Badger cannot load, as a file damaged before its checksum
// was taken would be: the old contents are gone by then, and the store is
// left empty, not half-restored.
func TestDB_Restore_LoadFails(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("chancery-backup 1\n{\"format\":1,\"created\":\"2026-01-02T03:04:05Z\",\"dataVersion\":3,\"entities\":1,\"relations\":0}\n")
	record := []byte{0x0a, 0xff} // a protobuf field whose length is cut off
	b.Write(binary.LittleEndian.AppendUint64(nil, uint64(len(record))))
	b.Write(record)
	b.Write(binary.LittleEndian.AppendUint64(nil, math.MaxUint64))
	sum := sha256.Sum256(b.Bytes())
	fmt.Fprintf(&b, `{"format":1,"created":"2026-01-02T03:04:05Z","dataVersion":3,"entities":1,"relations":0,"sha256":%q}`+"\n", hex.EncodeToString(sum[:]))

	if _, err := store.VerifyBackup(ctx, bytes.NewReader(b.Bytes())); err != nil {
		t.Fatalf("the test's backup does not pass the checks before the load: %v", err)
	}
	dir := t.TempDir()
	db := mustOpenFixture(t, dir)
	before := version(t, db)
	_, err := db.Restore(ctx, bytes.NewReader(b.Bytes()), true)
	if err == nil || !strings.Contains(err.Error(), "is now empty") {
		t.Fatalf("err = %v; want a failure that says the store is now empty", err)
	}
	if e, r := totals(t, db); e != 0 || r != 0 {
		t.Errorf("%d entities and %d relations after a failed load", e, r)
	}
	if l, _ := db.SeededWith(ctx); l != "" {
		t.Errorf("still seeded with %q", l)
	}
	if v := version(t, db); v <= before {
		t.Errorf("version %d after the failed load, %d before; caches would not notice", v, before)
	}
	// The emptied store is refused until a restore finishes, so that no
	// server seeds it as if it were new; a restore opens it.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Open(store.Options{Dir: dir}); graph.ErrorCode(err) != graph.ECONFLICT ||
		!strings.Contains(graph.ErrorMessage(err), "chancery restore --force") {
		t.Fatalf("open after a failed restore: %v; want a refusal that says to restore again", err)
	}
	db, err = store.Open(store.Options{Dir: dir, Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	// An emptied store takes a restore without force, and leaves no
	// temporary copy behind.
	backup, _ := mustBackup(t, mustOpenFixture(t, t.TempDir()))
	if _, err := db.Restore(ctx, bytes.NewReader(backup), false); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "restore-*")); len(left) > 0 {
		t.Errorf("temporary copies left behind: %v", left)
	}
	// Restored, it opens as any store does, and the temporary copy a
	// killed restore would have left is removed.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "restore-123.partial"), []byte("left by a killed restore"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "import-sort-77"), 0o755); err != nil { // left by a killed import
		t.Fatal(err)
	}
	db, err = store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatalf("open after the restore: %v", err)
	}
	db.Close()
	if left, _ := filepath.Glob(filepath.Join(dir, "restore-*")); len(left) > 0 {
		t.Errorf("the copy a killed restore left is still there: %v", left)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "import-sort-*")); len(left) > 0 {
		t.Errorf("the runs a killed import left are still there: %v", left)
	}
}

// TestDB_Backup_WhileWriting backs up a store that is being written to:
// the backup is one snapshot, so what its trailer says is what it holds,
// which Restore checks after the load.
func TestDB_Backup_WhileWriting(t *testing.T) {
	src := mustOpenFixture(t, t.TempDir())
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
			e := entity(fmt.Sprintf("city:new-town-%d", i), fmt.Sprintf("New Town %d", i))
			if err := src.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{e}}); err != nil {
				t.Error(err)
				return
			}
		}
	})
	for range 5 {
		backup, info := mustBackup(t, src)
		got, err := storetest.Open(t).Restore(ctx, bytes.NewReader(backup), false)
		if err != nil || got.Entities != info.Entities {
			t.Errorf("restore of a backup taken while writing: %+v, %v", got, err)
		}
	}
	close(stop)
	wg.Wait()
}

func TestReadHolder(t *testing.T) {
	dir := t.TempDir()
	if store.IsDataDir(dir) {
		t.Error("an empty directory is a data directory")
	}
	db := storetest.OpenDir(t, dir)
	if !store.IsDataDir(dir) {
		t.Error("a store's directory is not a data directory")
	}
	if err := db.Announce("chancery serve", "http://localhost:8080/"); err != nil {
		t.Fatal(err)
	}
	h, err := store.ReadHolder(dir)
	if err != nil || h.Command != "chancery serve" || h.Address != "http://localhost:8080/" || h.PID == 0 {
		t.Errorf("ReadHolder: %+v, %v", h, err)
	}
	db.Close()
	if _, err := store.ReadHolder(dir); !graph.IsNotFound(err) {
		t.Errorf("after Close: %v, want not_found", err)
	}
}

// TestDB_Backup_HeaderIsTheSnapshot backs up a store while a stream of
// writes goes on, each adding one entity and moving the data version on by
// one. The header must describe the snapshot the backup holds, as the
// trailer does: its data version counts the writes the backup holds, as
// its count of entities and a restore of it show.
func TestDB_Backup_HeaderIsTheSnapshot(t *testing.T) {
	const writes, restores = 3000, 3
	src := mustOpenFixture(t, t.TempDir())
	start := version(t, src)
	before, _ := totals(t, src)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range writes {
			e := entity(fmt.Sprintf("city:racing-%d", i), fmt.Sprintf("Racing %d", i))
			if err := src.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{e}}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	backups, racing := 0, true
	for ; racing && !t.Failed(); backups++ {
		select {
		case <-done:
			racing = false // one more, of the store at rest
		default:
		}
		backup, info := mustBackup(t, src)
		var head struct{ DataVersion uint64 }
		lines := bytes.SplitN(backup, []byte("\n"), 3)
		if err := json.Unmarshal(lines[1], &head); err != nil {
			t.Fatalf("backup %d: the header %q: %v", backups, lines[1], err)
		}
		if head.DataVersion != info.DataVersion {
			t.Errorf("backup %d: the header says data version %d, the trailer %d", backups, head.DataVersion, info.DataVersion)
		}
		// The trailer counts the entities the stream held: the fixture's
		// and k of the racing writes, which the version counts too.
		k := info.Entities - before
		if want := start + uint64(k); head.DataVersion != want {
			t.Errorf("backup %d holds %d of the racing writes, so data version %d; the header says %d", backups, k, want, head.DataVersion)
		}
		if backups < restores || !racing {
			restoreRacing(t, backup, head.DataVersion, k)
		}
	}
	<-done
	t.Logf("%d backups during %d writes", backups, writes)
}

// restoreRacing restores a backup taken by TestDB_Backup_HeaderIsTheSnapshot,
// which its header says is at data version v and holds the first k
// racing writes, and checks that it holds them and no others.
func restoreRacing(t *testing.T, backup []byte, v uint64, k int) {
	t.Helper()
	dst, err := store.Open(store.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	got, err := dst.Restore(ctx, bytes.NewReader(backup), false)
	if err != nil {
		t.Fatal(err)
	}
	if got.DataVersion != v {
		t.Errorf("Restore reports data version %d, the header %d", got.DataVersion, v)
	}
	for _, i := range []int{k - 1, k} {
		_, err := dst.Entity(ctx, graph.ID(fmt.Sprintf("city:racing-%d", i)))
		if held := err == nil; i >= 0 && held != (i < k) {
			t.Errorf("at version %d the backup should hold the racing writes 0 to %d; holding %d is %v (%v)", v, k-1, i, held, err)
		}
	}
	// A restore moves the version past the backup's, so that caches of
	// the store it replaced are not used.
	if after := version(t, dst); after != v+1 {
		t.Errorf("the restored store is at version %d; want the header's %d and one", after, v)
	}
}
