package store

import (
	"context"
	"testing"

	"github.com/chancery/chancery/graph"
)

// TestEntityCacheNeverStale holds the entity cache to what the store
// holds: an entity read into it is served from it, and after a write
// that changes or removes the entity, reads see the write.
func TestEntityCacheNeverStale(t *testing.T) {
	ctx := context.Background()
	db := openForTest(t, Options{})
	src := []graph.Source{{Document: "test"}}
	put := func(name string) {
		t.Helper()
		e := &graph.Entity{ID: "country:ruritania", Kind: graph.Country, Name: name, Sources: src}
		if err := db.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{e}}); err != nil {
			t.Fatal(err)
		}
	}
	name := func() string {
		t.Helper()
		e, err := db.Entity(ctx, "country:ruritania")
		if err != nil {
			t.Fatal(err)
		}
		m, err := db.EntitiesByID(ctx, []graph.ID{"country:ruritania"})
		if err != nil {
			t.Fatal(err)
		}
		if m["country:ruritania"] == nil || m["country:ruritania"].Name != e.Name {
			t.Fatalf("Entity says %q, EntitiesByID %v", e.Name, m)
		}
		return e.Name
	}

	put("Ruritania")
	if got := name(); got != "Ruritania" {
		t.Fatalf("name %q, want Ruritania", got)
	}
	db.entities.c.Wait() // the cache admits entries in the background
	version, err := db.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cached, ok := db.entities.get(version, "country:ruritania")
	if !ok || cached.Name != "Ruritania" {
		t.Fatalf("after a read the cache holds %v, %v; want Ruritania", cached, ok)
	}
	if e, _ := db.Entity(ctx, "country:ruritania"); e != cached {
		t.Errorf("a second read did not come from the cache")
	}

	put("Kingdom of Ruritania")
	if got := name(); got != "Kingdom of Ruritania" {
		t.Errorf("after a rename the store reads %q", got)
	}
	db.entities.c.Wait()

	if err := db.Apply(ctx, &graph.Batch{DeleteEntities: []graph.ID{"country:ruritania"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Entity(ctx, "country:ruritania"); !graph.IsNotFound(err) {
		t.Errorf("after a delete Entity returns %v, want not found", err)
	}
	if m, err := db.EntitiesByID(ctx, []graph.ID{"country:ruritania"}); err != nil || len(m) != 0 {
		t.Errorf("after a delete EntitiesByID returns %v, %v", m, err)
	}
}
