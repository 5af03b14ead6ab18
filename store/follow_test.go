package store_test

import (
	"bytes"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

// follow brings replica up to date with primary, as a replica's server
// does over HTTP, and returns what it applied.
func follow(t *testing.T, primary, replica *store.DB) store.FollowResult {
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

// sameCopy fails the test unless replica holds what primary does, at the
// same data version, with indexes and counts that agree (chancery verify).
func sameCopy(t *testing.T, primary, replica *store.DB) {
	t.Helper()
	storetest.SameGraph(t, primary, replica)
	pv, _ := primary.Version(ctx)
	rv, _ := replica.Version(ctx)
	if pv != rv {
		t.Errorf("the replica is at version %d, the primary at %d", rv, pv)
	}
	rep, err := replica.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total() != 0 {
		t.Errorf("chancery verify finds problems in the replica: %+v", rep.Problems)
	}
	for _, q := range []graph.CountQuery{{GroupBy: graph.ByHost, Limit: 500}, {GroupBy: graph.ByRelationType, Limit: 500}} {
		a, err := primary.Count(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		b, err := replica.Count(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("count by %v: primary %v, replica %v", q.GroupBy, a, b)
		}
	}
}

// TestReplicaFollowsItsPrimary follows a primary through a full copy,
// then writes and deletions applied as changes, and starts over from a
// full copy whenever the changes cannot follow on.
func TestReplicaFollowsItsPrimary(t *testing.T) {
	primary := storetest.OpenSeeded(t, t.TempDir())
	replica := storetest.OpenWith(t, store.Options{Dir: t.TempDir(), Follower: true})

	// Nothing to read before the first copy.
	if _, err := replica.Entity(ctx, "country:switzerland"); graph.ErrorCode(err) != graph.EUNAVAILABLE {
		t.Fatalf("a replica with no copy answered a read with %v; want unavailable", err)
	}
	if res := follow(t, primary, replica); !res.Full {
		t.Fatalf("the first follow was not a full copy: %+v", res)
	}
	sameCopy(t, primary, replica)

	// Writes, then deletions, a cascade's among them: each a set of changes.
	b := &graph.Batch{
		Entities:  []*graph.Entity{entity("country:ruritania", "Ruritania"), entity("city:strelsau", "Strelsau"), entity("mission:ruritania-switzerland", "Embassy of Ruritania")},
		Relations: []*graph.Relation{rel(graph.LocatedIn, "city:strelsau", "country:ruritania"), rel(graph.SentBy, "mission:ruritania-switzerland", "country:ruritania"), rel(graph.AccreditsTo, "mission:ruritania-switzerland", "country:switzerland", "1990")},
	}
	if err := primary.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	if res := follow(t, primary, replica); res.Full {
		t.Fatalf("a write was sent as a full copy: %+v", res)
	}
	sameCopy(t, primary, replica)
	if _, err := replica.Entity(ctx, "city:strelsau"); err != nil {
		t.Fatalf("the written city is not on the replica: %v", err)
	}

	if err := primary.Apply(ctx, &graph.Batch{DeleteEntities: []graph.ID{"country:ruritania"}, Cascade: true}); err != nil {
		t.Fatal(err)
	}
	if err := primary.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{entity("city:strelsau", "Strelsau an der Zenda")}}); err != nil {
		t.Fatal(err)
	}
	if res := follow(t, primary, replica); res.Full {
		t.Fatalf("a deletion was sent as a full copy: %+v", res)
	}
	sameCopy(t, primary, replica)
	if _, err := replica.Entity(ctx, "country:ruritania"); !graph.IsNotFound(err) {
		t.Fatalf("the deleted country is still on the replica: %v", err)
	}

	// Nothing new: nothing applied, nothing changed.
	v, _ := replica.Version(ctx)
	if res := follow(t, primary, replica); res.Full || res.Version != v {
		t.Fatalf("following an unchanged primary: %+v, version was %d", res, v)
	}

	// A journal pruned past the replica's version: a full copy.
	if err := primary.Apply(ctx, &graph.Batch{DeleteEntities: []graph.ID{"city:strelsau"}}); err != nil {
		t.Fatal(err)
	}
	rep, err := primary.PruneDeletions(ctx, time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Removed == 0 || rep.Through <= v {
		t.Fatalf("pruning the journal: %+v; want entries removed through a version past %d", rep, v)
	}
	if res := follow(t, primary, replica); !res.Full {
		t.Fatalf("a replica older than the pruned journal was sent changes: %+v", res)
	}
	sameCopy(t, primary, replica)

	// A primary restored from an older backup starts a new history: the
	// replica starts over rather than merge the two.
	var old bytes.Buffer
	if _, err := primary.Backup(ctx, &old); err != nil {
		t.Fatal(err)
	}
	if err := primary.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{entity("city:zenda", "Zenda")}}); err != nil {
		t.Fatal(err)
	}
	follow(t, primary, replica)
	if _, err := primary.Restore(ctx, &old, true); err != nil {
		t.Fatal(err)
	}
	if res := follow(t, primary, replica); !res.Full {
		t.Fatalf("a replica of a primary restored from a backup was sent changes: %+v", res)
	}
	sameCopy(t, primary, replica)
	if _, err := replica.Entity(ctx, "city:zenda"); !graph.IsNotFound(err) {
		t.Fatalf("the replica kept a city the restored primary does not have: %v", err)
	}

	// An import writes with Badger's batch writer, which journals
	// nothing: the replica starts over too.
	imported := &graph.Batch{Entities: []*graph.Entity{entity("city:hentzau", "Hentzau")}}
	if _, err := primary.Import(ctx, storetest.BatchOpener(t, imported), store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if res := follow(t, primary, replica); !res.Full {
		t.Fatalf("a replica of a primary imported into was sent changes: %+v", res)
	}
	sameCopy(t, primary, replica)

	// A replica never serves changes of its own, and its store takes no
	// writes but its primary's.
	if _, err := replica.Changes(ctx, &bytes.Buffer{}, store.FollowPoint{}); err == nil {
		t.Error("a replica served changes to follow")
	}
}

// TestReplicaReadersSeeWholeChanges reads a replica while it applies many
// writes of its primary at once: every read sees all of them or none.
func TestReplicaReadersSeeWholeChanges(t *testing.T) {
	primary := storetest.OpenSeeded(t, t.TempDir())
	replica := storetest.OpenWith(t, store.Options{Dir: t.TempDir(), Follower: true})
	follow(t, primary, replica)
	cities := func() int {
		page, err := replica.Entities(ctx, graph.EntityQuery{Kind: graph.City, First: 1, CountTotal: true})
		if err != nil {
			t.Error(err)
			return -1
		}
		return page.Total
	}
	base := cities()
	const writes = 40
	for i := range writes {
		e := entity(fmt.Sprintf("city:c%02d", i), fmt.Sprintf("Ceeville %d", i))
		if err := primary.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{e}}); err != nil {
			t.Fatal(err)
		}
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	var seen sync.Map
	for range 4 {
		wg.Go(func() {
			for !stop.Load() {
				seen.Store(cities(), true)
			}
		})
	}
	time.Sleep(10 * time.Millisecond)
	res := follow(t, primary, replica)
	time.Sleep(10 * time.Millisecond)
	stop.Store(true)
	wg.Wait()
	if res.Full {
		t.Fatalf("the writes came as a full copy: %+v", res)
	}
	seen.Range(func(k, _ any) bool {
		if n := k.(int); n != base && n != base+writes {
			t.Errorf("a reader saw %d of the %d cities the changes hold", n-base, writes)
		}
		return true
	})
	sameCopy(t, primary, replica)
}

// TestReplicaCutShortStartsOver opens a replica whose full copy was cut
// short: it holds nothing to serve, and the next follow loads it whole.
func TestReplicaCutShortStartsOver(t *testing.T) {
	primary := storetest.OpenSeeded(t, t.TempDir())
	dir := t.TempDir()
	replica := storetest.OpenWith(t, store.Options{Dir: dir, Follower: true})
	follow(t, primary, replica)

	// A backup that ends early is refused before the store is touched.
	var buf bytes.Buffer
	if _, err := primary.Changes(ctx, &buf, store.FollowPoint{}); err != nil {
		t.Fatal(err)
	}
	if _, err := replica.Follow(ctx, bytes.NewReader(buf.Bytes()[:buf.Len()/2])); err == nil {
		t.Fatal("half a backup was followed")
	}
	if _, err := replica.Entity(ctx, "country:switzerland"); err != nil {
		t.Fatalf("after a refused copy the replica no longer answers: %v", err)
	}
	sameCopy(t, primary, replica)

	// A store of its own is not taken over.
	own := t.TempDir()
	storetest.OpenSeeded(t, own).Close()
	if _, err := store.Open(store.Options{Dir: own, Follower: true}); graph.ErrorCode(err) != graph.ECONFLICT {
		t.Fatalf("following into a store of its own: %v; want a conflict", err)
	}
}
