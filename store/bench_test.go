package store_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/graph/synth"
	"github.com/chancery/chancery/store"
)

// The benchmarks of the store's hot paths run on a synthetic world
// (graph/synth) imported into an in-memory store, 10^4 relations unless
// -store-world says otherwise, or on a data directory that holds one:
//
//	go test ./store -run '^$' -bench . -benchtime 200x
//	go test ./store -run '^$' -bench . -store-world-dir "$PWD/b6"
//
// The traversals built on these reads have benchmarks of their own in
// graph/, and chancery bench measures the whole server over HTTP.
var (
	benchWorldSize = flag.Int("store-world", 10000, "relations in the synthetic world the store benchmarks generate")
	benchWorldDir  = flag.String("store-world-dir", "", "data directory holding a world for the store benchmarks, instead of generating one")
)

// sliceReader hands Import a generated world held in memory.
type sliceReader struct {
	items []synth.Item
	next  int
}

func (r *sliceReader) Next() (*graph.Entity, *graph.Relation, error) {
	if r.next == len(r.items) {
		return nil, nil, io.EOF
	}
	it := r.items[r.next]
	r.next++
	return it.Entity, it.Relation, nil
}

func (r *sliceReader) Errorf(format string, args ...any) error {
	return fmt.Errorf("item %d: "+format, append([]any{r.next}, args...)...)
}

// generate returns a synthetic world of n relations and their entities.
func generate(tb testing.TB, n int) []synth.Item {
	tb.Helper()
	var items []synth.Item
	err := synth.Generate(context.Background(), synth.Options{Relations: n, Seed: 1}, func(it synth.Item) error {
		items = append(items, it)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return items
}

// importItems imports items into db.
func importItems(tb testing.TB, db *store.DB, items []synth.Item) {
	tb.Helper()
	_, err := db.Import(context.Background(), func() (store.ItemReader, error) {
		return &sliceReader{items: items}, nil
	}, store.ImportOptions{})
	if err != nil {
		tb.Fatal(err)
	}
}

// storeWorld is the store the read benchmarks query and their inputs.
type storeWorld struct {
	db       *store.DB
	hub      graph.ID   // the biggest sender
	ids      []graph.ID // missions and countries, mixed
	deep     string     // a cursor in the last quarter of the hub's relations
	typoText string     // a mission's name with a letter left out
}

var (
	storeWorldOnce sync.Once
	theStoreWorld  *storeWorld
	storeWorldErr  error
)

func benchStoreWorld(b *testing.B) *storeWorld {
	b.Helper()
	storeWorldOnce.Do(func() {
		opts := store.Options{Dir: *benchWorldDir}
		db, err := store.Open(opts)
		if err != nil {
			storeWorldErr = err
			return
		}
		if *benchWorldDir == "" {
			importItems(b, db, generate(b, *benchWorldSize))
		}
		theStoreWorld, storeWorldErr = inputs(db)
	})
	if storeWorldErr != nil {
		b.Fatal(storeWorldErr)
	}
	return theStoreWorld
}

// inputs picks the benchmarks' arguments from what db holds.
func inputs(db *store.DB) (*storeWorld, error) {
	ctx := context.Background()
	w := &storeWorld{db: db}
	senders, err := db.Count(ctx, graph.CountQuery{GroupBy: graph.BySender, Limit: 20})
	if err != nil || len(senders) == 0 {
		return nil, fmt.Errorf("find the senders: %v (%d found)", err, len(senders))
	}
	w.hub = graph.ID(senders[0].Key)
	missions, err := db.Entities(ctx, graph.EntityQuery{Kind: graph.Mission, First: graph.MaxPageSize})
	if err != nil || len(missions.Entities) == 0 {
		return nil, fmt.Errorf("list missions: %v", err)
	}
	for i, m := range missions.Entities {
		if len(w.ids) == 64 {
			break
		}
		w.ids = append(w.ids, m.ID)
		if i < len(senders) {
			w.ids = append(w.ids, graph.ID(senders[i].Key))
		}
	}
	name := []rune(missions.Entities[0].Name)
	w.typoText = string(name[:len(name)/2]) + string(name[len(name)/2+1:])
	// Walk to the last quarter of the hub's relations for a deep cursor.
	total, err := db.Relations(ctx, graph.RelationQuery{Of: w.hub, First: 1, CountTotal: true})
	if err != nil {
		return nil, err
	}
	q := graph.RelationQuery{Of: w.hub, First: graph.MaxPageSize}
	for seen := 0; seen < total.Total*3/4; {
		page, err := db.Relations(ctx, q)
		if err != nil {
			return nil, err
		}
		if !page.HasNext {
			break
		}
		seen += len(page.Relations)
		q.After = page.Cursors[len(page.Cursors)-1]
	}
	w.deep = q.After
	return w, nil
}

func BenchmarkEntitiesByID(b *testing.B) {
	w := benchStoreWorld(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		m, err := w.db.EntitiesByID(ctx, w.ids)
		if err != nil || len(m) != len(w.ids) {
			b.Fatalf("EntitiesByID: %d of %d, %v", len(m), len(w.ids), err)
		}
	}
}

// BenchmarkAdjacent reads the relations of 64 entities in one call, whole
// and slim (what a traversal follows), to compare the two.
func BenchmarkAdjacent(b *testing.B) {
	w := benchStoreWorld(b)
	ctx := context.Background()
	for _, slim := range []bool{false, true} {
		b.Run(map[bool]string{false: "whole", true: "slim"}[slim], func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				adj, err := w.db.Adjacent(ctx, graph.AdjacencyQuery{IDs: w.ids, Slim: slim})
				if err != nil || len(adj[w.ids[0]].Relations) == 0 {
					b.Fatalf("Adjacent: %v", err)
				}
				for _, a := range adj {
					n += len(a.Relations)
				}
			}
			b.ReportMetric(float64(n)/float64(b.N), "relations/op")
		})
	}
}

// BenchmarkRelationsPage reads a page of 50 relations of the biggest
// sender, first and deep in its list.
func BenchmarkRelationsPage(b *testing.B) {
	w := benchStoreWorld(b)
	ctx := context.Background()
	for name, after := range map[string]string{"first": "", "deep": w.deep} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				page, err := w.db.Relations(ctx, graph.RelationQuery{Of: w.hub, First: 50, After: after})
				if err != nil || len(page.Relations) == 0 {
					b.Fatalf("Relations: %v", err)
				}
			}
		})
	}
}

func BenchmarkSearch(b *testing.B) {
	w := benchStoreWorld(b)
	ctx := context.Background()
	for name, text := range map[string]string{"typo": w.typoText, "prefix": w.typoText[:4]} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				hits, err := w.db.Search(ctx, graph.SearchQuery{Text: text, First: 10})
				if err != nil || len(hits) == 0 {
					b.Fatalf("Search(%q): %d hits, %v", text, len(hits), err)
				}
			}
		})
	}
}

func BenchmarkCountBySender(b *testing.B) {
	w := benchStoreWorld(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		buckets, err := w.db.Count(ctx, graph.CountQuery{GroupBy: graph.BySender, Limit: 20})
		if err != nil || len(buckets) == 0 {
			b.Fatalf("Count: %v", err)
		}
	}
}

// BenchmarkApply writes one new entity and one relation from it to an
// existing country, a transaction each, as a mutation does.
func BenchmarkApply(b *testing.B) {
	db, err := store.Open(store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	importItems(b, db, generate(b, 2000))
	w, err := inputs(db)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	src := []graph.Source{{Document: "Benchmark"}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		id := graph.ID(fmt.Sprintf("mission:benchmark-%d", i))
		batch := &graph.Batch{
			Entities:  []*graph.Entity{{ID: id, Kind: graph.Mission, MissionType: graph.Embassy, Name: fmt.Sprintf("Benchmark Office %d", i), Sources: src}},
			Relations: []*graph.Relation{{Type: graph.SentBy, From: id, To: w.hub, Sources: src}},
		}
		if err := db.Apply(ctx, batch); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkImport imports a world of 2,000 relations into a new store.
func BenchmarkImport(b *testing.B) {
	items := generate(b, 2000)
	b.ReportAllocs()
	for b.Loop() {
		db, err := store.Open(store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		importItems(b, db, items)
		db.Close()
	}
	b.ReportMetric(float64(2000*b.N)/b.Elapsed().Seconds(), "relations/s")
}
