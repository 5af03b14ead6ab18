package store

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
)

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b  string
		limit int
		want  int
	}{
		{"switzerland", "switzerland", 2, 0},
		{"switzerlnd", "switzerland", 2, 1},  // deletion
		{"swtizerland", "switzerland", 2, 1}, // swap of neighbours
		{"switzerlant", "switzerland", 2, 1}, // substitution
		{"swtizerlnad", "switzerland", 2, 2}, // two swaps
		{"sweden", "switzerland", 2, 3},      // beyond the limit
		{"ständige", "standige", 1, 1},       // runes, not bytes
		{"", "abc", 3, 3},
	} {
		if got := editDistance(tc.a, tc.b, tc.limit); got != tc.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tc.a, tc.b, tc.limit, got, tc.want)
		}
	}
}

// TestOpenReindexesOldStores opens a directory whose store has only the
// name index of the first version, as older binaries wrote it, and checks
// that opening it builds the word and trigram indexes.
func TestOpenReindexesOldStores(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	e := &graph.Entity{ID: "country:switzerland", Kind: graph.Country, Name: "Switzerland",
		Sources: []graph.Source{{Document: "Test fixture"}}}
	if err := db.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{e}}); err != nil {
		t.Fatal(err)
	}
	// Make it look old: drop the newer indexes and the index version.
	err = db.bdb.Update(func(txn *badger.Txn) error {
		for _, k := range indexKeys(e) {
			if k[0] != prefixName {
				if err := txn.Delete(k); err != nil {
					return err
				}
			}
		}
		return txn.Delete(metaKey(metaIndex))
	})
	if err != nil {
		t.Fatal(err)
	}
	if hits, _ := db.Search(ctx, graph.SearchQuery{Text: "switzerlnd", First: 5}); len(hits) != 0 {
		t.Fatalf("the typo search works without the trigram index: %v", hits)
	}
	db.Close()

	db, err = Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hits, err := db.Search(ctx, graph.SearchQuery{Text: "switzerlnd", First: 5})
	if err != nil || len(hits) != 1 {
		t.Errorf("after reopening: %v %v; want the index rebuilt", hits, err)
	}
}

// doneAfter is a context that turns cancelled after its Err has been asked
// a given number of times: a request whose timeout strikes mid-search.
type doneAfter struct {
	context.Context
	calls, after int
}

func (c *doneAfter) Err() error {
	c.calls++
	if c.calls > c.after {
		return context.Canceled
	}
	return nil
}

// TestSearchStopsWhenCancelled checks that a search reading many index
// keys looks at its context as it goes, so a request's timeout stops it
// rather than letting it run on after the client has been answered.
func TestSearchStopsWhenCancelled(t *testing.T) {
	db, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b := &graph.Batch{}
	for i := range 3 * checkEvery {
		b.Entities = append(b.Entities, &graph.Entity{
			ID: graph.ID(fmt.Sprintf("mission:embassy-%d", i)), Kind: graph.Mission, Name: fmt.Sprintf("Embassy number %d", i),
			MissionType: graph.Embassy,
			Sources:     []graph.Source{{Document: "Test fixture"}}})
	}
	if err := db.Apply(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	q := graph.SearchQuery{Text: "embassy number", First: 10}
	if hits, err := db.Search(context.Background(), q); err != nil || len(hits) == 0 {
		t.Fatalf("Search(%q) = %d hits, %v; want hits", q.Text, len(hits), err)
	}
	ctx := &doneAfter{Context: context.Background(), after: 1} // the first look is before any read
	hits, err := db.Search(ctx, q)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Search with a context cancelled after it started = %d hits, %v; want context.Canceled", len(hits), err)
	}
	if ctx.calls < 2 {
		t.Errorf("Search looked at its context %d times; want it to look while reading", ctx.calls)
	}
}
