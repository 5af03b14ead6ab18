package store

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
)

// TestReplicaDeletesWhatCompactionForgot deletes an entity on a primary
// whose compactions then drop every trace of the deleted keys, as Badger
// does once no older version is left below them: the changes a replica
// is sent hold no deletion markers, and the journal alone tells it what
// to delete.
func TestReplicaDeletesWhatCompactionForgot(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	primary, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { primary.Close() }()
	replica := openForTest(t, Options{Dir: t.TempDir(), Follower: true})
	follow := func() FollowResult {
		t.Helper()
		p, err := replica.Point(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := primary.Changes(ctx, &buf, p); err != nil {
			t.Fatal(err)
		}
		res, err := replica.Follow(ctx, &buf)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	src := []graph.Source{{Document: "Test fixture", Quote: "made up for a test"}}
	period := graph.Period{Open: true, AttestedFrom: graph.MustDate("1900")}
	keep := &graph.Entity{ID: "city:keep", Kind: graph.City, Name: "Keepsake", Period: period, Sources: src}
	gone := &graph.Entity{ID: "city:gone", Kind: graph.City, Name: "Goneby", Period: period, Sources: src}
	if err := primary.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{keep, gone}}); err != nil {
		t.Fatal(err)
	}
	follow()
	if err := primary.Apply(ctx, &graph.Batch{DeleteEntities: []graph.ID{"city:gone"}}); err != nil {
		t.Fatal(err)
	}

	// Flushed to disk and compacted into one level: the deletion markers
	// go with the values they hid.
	for _, bulk := range []bool{true, false} { // closing a bulk store compacts level 0
		if err := primary.Close(); err != nil {
			t.Fatal(err)
		}
		if primary, err = Open(Options{Dir: dir, Bulk: bulk}); err != nil {
			t.Fatal(err)
		}
	}
	if err := primary.bdb.Flatten(1); err != nil {
		t.Fatal(err)
	}
	for _, k := range [][]byte{entityKey("city:gone"), nameKey("goneby", "city:gone")} {
		if traces := versionsOf(t, primary, k); traces != 0 {
			t.Fatalf("the primary still holds %d versions of %s after compaction; the test needs them gone", traces, showKey(k))
		}
	}
	var buf bytes.Buffer
	p, _ := replica.Point(ctx)
	if _, err := primary.Changes(ctx, &buf, p); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte("city:gone")) == false {
		t.Fatal("the changes do not name the deleted entity at all")
	}
	if res, err := replica.Follow(ctx, &buf); err != nil || res.Full {
		t.Fatalf("follow: %+v, %v; want the changes applied", res, err)
	}
	if _, err := replica.Entity(ctx, "city:gone"); !graph.IsNotFound(err) {
		t.Fatalf("the entity deleted on the primary is still on the replica: %v", err)
	}
	if _, err := replica.Entity(ctx, "city:keep"); err != nil {
		t.Fatalf("the entity kept on the primary is gone from the replica: %v", err)
	}
	rep, err := replica.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total() != 0 {
		t.Errorf("chancery verify finds problems in the replica: %+v", rep.Problems)
	}
}

// versionsOf counts the versions of k the store holds, deletion markers
// included.
func versionsOf(t *testing.T, db *DB, k []byte) int {
	t.Helper()
	n := 0
	err := db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{AllVersions: true, Prefix: k})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if bytes.Equal(it.Item().Key(), k) {
				n++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// BenchmarkChanges measures what a replica's request for changes costs
// its primary, on a store of 10^5 synthetic relations: when nothing is
// new (most requests, with a short --follow-interval) and after one
// write.
func BenchmarkChanges(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	bulk, err := Open(Options{Dir: dir, Bulk: true})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := bulk.Import(ctx, batchOpener(b, synthWorld(b, 100_000, 7)), ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	bulk.Close()
	primary, err := Open(Options{Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	defer primary.Close()
	replica := openForTest(b, Options{Dir: b.TempDir(), Follower: true})
	follow := func() FollowPoint {
		b.Helper()
		p, err := replica.Point(ctx)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := primary.Changes(ctx, &buf, p); err != nil {
			b.Fatal(err)
		}
		if _, err := replica.Follow(ctx, &buf); err != nil {
			b.Fatal(err)
		}
		p, _ = replica.Point(ctx)
		return p
	}
	at := follow()
	b.Run("nothing-new", func(b *testing.B) {
		for b.Loop() {
			if _, err := primary.Changes(ctx, io.Discard, at); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("one-write", func(b *testing.B) {
		src := []graph.Source{{Document: "Test fixture"}}
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			e := &graph.Entity{ID: graph.ID(fmt.Sprintf("city:bench-%d", i)), Kind: graph.City, Name: "Bench", Period: graph.Period{Open: true, AttestedFrom: graph.MustDate("1900")}, Sources: src}
			if err := primary.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{e}}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			at = follow()
		}
	})
}
