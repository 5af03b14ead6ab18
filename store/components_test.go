package store_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

// joinedWhenKnown asks db whether a and b are joined, waiting for the
// record of components to be built.
func joinedWhenKnown(t *testing.T, db *store.DB, a, b graph.ID) bool {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if joined, known := db.Joined(ctx, a, b); known {
			return joined
		}
		if time.Now().After(deadline) {
			t.Fatalf("the record of components did not answer for %s and %s within 10s", a, b)
		}
		time.Sleep(time.Millisecond)
	}
}

// connected is the truth, from every relation stored: whether a chain of
// them joins a and b (an entity is joined to itself).
func connected(t *testing.T, db *store.DB, a, b graph.ID) bool {
	t.Helper()
	if a == b {
		return true
	}
	adj := map[graph.ID][]graph.ID{}
	for after := ""; ; {
		p, err := db.Relations(ctx, graph.RelationQuery{First: graph.MaxPageSize, After: after})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Relations {
			adj[r.From] = append(adj[r.From], r.To)
			adj[r.To] = append(adj[r.To], r.From)
		}
		if !p.HasNext {
			break
		}
		after = p.Cursors[len(p.Cursors)-1]
	}
	seen := map[graph.ID]bool{a: true}
	for queue := []graph.ID{a}; len(queue) > 0; queue = queue[1:] {
		for _, n := range adj[queue[0]] {
			if n == b {
				return true
			}
			if !seen[n] {
				seen[n] = true
				queue = append(queue, n)
			}
		}
	}
	return false
}

// TestJoinedNeverPartsWhatIsJoined writes and deletes relations among a
// few small clusters of entities, at random, and holds the record of
// components to the truth after every write: it never says two joined
// entities are not, and, while nothing has been deleted, says exactly
// which are. A replica's record, kept by the changes it applies, holds to
// the same.
func TestJoinedNeverPartsWhatIsJoined(t *testing.T) {
	primary := storetest.OpenSeeded(t, t.TempDir())
	replica := storetest.OpenWith(t, store.Options{Dir: t.TempDir(), Follower: true})
	rng := rand.New(rand.NewPCG(7, 11))
	const n = 24
	id := func(i int) graph.ID { return graph.ID(fmt.Sprintf("country:x%02d", i)) }
	var es []*graph.Entity
	for i := range n {
		es = append(es, entity(string(id(i)), fmt.Sprintf("Clusterland %d", i)))
	}
	if err := primary.Apply(ctx, &graph.Batch{Entities: es}); err != nil {
		t.Fatal(err)
	}
	joinedWhenKnown(t, primary, id(0), id(1)) // built once; kept from here on
	var rels []*graph.Relation
	deleted := false
	for step := range 40 {
		if len(rels) > 4 && rng.IntN(4) == 0 {
			i := rng.IntN(len(rels))
			r := rels[i]
			rels = append(rels[:i], rels[i+1:]...)
			if err := primary.Apply(ctx, &graph.Batch{DeleteRelations: []string{r.ID}}); err != nil {
				t.Fatal(err)
			}
			deleted = true
		} else {
			a, b := rng.IntN(n), rng.IntN(n)
			if a == b {
				continue
			}
			r := rel(graph.DiplomaticRelations, string(id(a)), string(id(b)))
			r.Normalize()
			if slices.ContainsFunc(rels, func(o *graph.Relation) bool { return o.ID == r.ID }) {
				continue
			}
			if err := primary.Apply(ctx, &graph.Batch{Relations: []*graph.Relation{r}}); err != nil {
				t.Fatal(err)
			}
			rels = append(rels, r)
		}
		if step%8 == 0 {
			follow(t, primary, replica)
			joinedWhenKnown(t, replica, id(0), id(1)) // built once; kept by the changes
		}
		for range 6 {
			a, b := id(rng.IntN(n)), id(rng.IntN(n))
			truth := connected(t, primary, a, b)
			joined, known := primary.Joined(ctx, a, b)
			if !known {
				t.Fatalf("step %d: the record does not know, though every write was told to it", step)
			}
			if truth && !joined {
				t.Fatalf("step %d: %s and %s are joined, but the record says they are not", step, a, b)
			}
			if !deleted && joined != truth {
				t.Fatalf("step %d: with nothing deleted the record says %v for %s and %s; the truth is %v", step, joined, a, b, truth)
			}
		}
	}
	follow(t, primary, replica)
	for i := range n {
		for j := range n {
			joined, known := replica.Joined(ctx, id(i), id(j))
			if !known {
				t.Fatal("the replica's record does not know, though the changes were told to it")
			}
			if !joined && connected(t, replica, id(i), id(j)) {
				t.Fatalf("on the replica %s and %s are joined, but its record says they are not", id(i), id(j))
			}
		}
	}

	// A write the record is not told of (an import) drops it, and it is
	// built again from the records.
	far := &graph.Batch{Entities: []*graph.Entity{entity("country:far", "Farland")}, Relations: []*graph.Relation{rel(graph.DiplomaticRelations, "country:far", string(id(0)))}}
	if _, err := primary.Import(ctx, storetest.BatchOpener(t, far), store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if !joinedWhenKnown(t, primary, "country:far", id(0)) {
		t.Error("after an import the record does not join what it joined")
	}
	if joinedWhenKnown(t, primary, "country:far", "country:switzerland") != connected(t, primary, "country:far", "country:switzerland") {
		t.Error("after an import the record is not the truth")
	}
}
