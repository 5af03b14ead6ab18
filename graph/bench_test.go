package graph_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

// The traversal benchmarks query a synthetic world (graph/synth). By
// default they generate a small one; pass -world for a bigger one, or
// -world-dir for a data directory that already holds one:
//
//	go test ./graph -run '^$' -bench . -world 100000
//	chancery gen --relations 1000000 --out w.jsonl && chancery import --data w6 w.jsonl
//	go test ./graph -run '^$' -bench . -world-dir "$PWD/w6"
//
// Besides time, each reports reads/op: the relations and entities the
// query read from the store, which should follow what it touches, not the
// size of the store.
var (
	worldSize = flag.Int("world", 10000, "relations in the synthetic world the benchmarks generate")
	worldDir  = flag.String("world-dir", "", "data directory holding an imported synthetic world, instead of generating one")
)

// world is the store the benchmarks query, and the arguments they use.
type world struct {
	world      *storetest.World
	db         *store.DB   // world.DB
	hubs       [2]graph.ID // the two biggest senders
	countries  []graph.ID  // senders and hosts of missions
	missions   []graph.ID  // a sample of missions
	renamed    graph.ID    // a mission with a lineage
	searchText string      // a hub's name with a typo
}

var (
	worldOnce sync.Once
	theWorld  *world
	worldErr  error
)

// benchWorld opens or builds the world once for all benchmarks.
func benchWorld(b *testing.B) *world {
	b.Helper()
	worldOnce.Do(func() { theWorld, worldErr = openWorld() })
	if worldErr != nil {
		b.Fatal(worldErr)
	}
	return theWorld
}

// openWorld opens -world-dir, or generates a world of -world relations
// and imports it into a temporary data directory, then picks the
// benchmarks' arguments from it.
func openWorld() (_ *world, err error) {
	ctx := context.Background()
	opened, err := storetest.OpenWorld(ctx, *worldDir, *worldSize)
	if err != nil {
		return nil, fmt.Errorf("open the world of -world %d, -world-dir %q: %w", *worldSize, *worldDir, err)
	}
	defer func() {
		if err != nil {
			opened.Close()
		}
	}()
	db := opened.DB
	w := &world{world: opened, db: db}
	senders, err := db.Count(ctx, graph.CountQuery{GroupBy: graph.BySender, Limit: 2})
	if err != nil || len(senders) < 2 {
		return nil, fmt.Errorf("find the biggest senders: %v (%d found)", err, len(senders))
	}
	w.hubs = [2]graph.ID{graph.ID(senders[0].Key), graph.ID(senders[1].Key)}
	// As chancery bench chooses its paths' ends: countries that send or
	// host missions.
	seen := map[graph.ID]bool{}
	for _, by := range []graph.GroupBy{graph.BySender, graph.ByHost} {
		buckets, err := db.Count(ctx, graph.CountQuery{GroupBy: by, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, b := range buckets {
			if id := graph.ID(b.Key); !seen[id] {
				seen[id] = true
				w.countries = append(w.countries, id)
			}
		}
	}
	w.searchText = typo(senders[0].Label)
	page, err := db.Entities(ctx, graph.EntityQuery{Kind: graph.Mission, First: graph.MaxPageSize})
	if err != nil {
		return nil, err
	}
	for i := 0; i < len(page.Entities); i += 7 {
		w.missions = append(w.missions, page.Entities[i].ID)
	}
	renamings, err := db.Relations(ctx, graph.RelationQuery{Types: []graph.RelationType{graph.RenamedFrom}, First: 1})
	if err != nil || len(renamings.Relations) == 0 {
		return nil, errors.Join(errors.New("the world has no renamings"), err)
	}
	w.renamed = renamings.Relations[0].From
	return w, nil
}

// TestMain removes the world the benchmarks generated, if they did.
func TestMain(m *testing.M) {
	code := m.Run()
	if theWorld != nil {
		theWorld.world.Close()
	}
	os.Exit(code)
}

// typo swaps two letters in the middle of s.
func typo(s string) string {
	r := []rune(s)
	if i := len(r) / 2; i > 0 && i+1 < len(r) {
		r[i], r[i+1] = r[i+1], r[i]
	}
	return string(r)
}

// readCounter counts what a query reads from the store.
type readCounter struct {
	graph.Reader
	reads atomic.Int64
}

func (c *readCounter) EntitiesByID(ctx context.Context, ids []graph.ID) (map[graph.ID]*graph.Entity, error) {
	m, err := c.Reader.EntitiesByID(ctx, ids)
	c.reads.Add(int64(len(m)))
	return m, err
}

func (c *readCounter) Relations(ctx context.Context, q graph.RelationQuery) (*graph.RelationPage, error) {
	p, err := c.Reader.Relations(ctx, q)
	if p != nil {
		c.reads.Add(int64(len(p.Relations)))
	}
	return p, err
}

func (c *readCounter) Adjacent(ctx context.Context, q graph.AdjacencyQuery) (map[graph.ID]*graph.Adjacency, error) {
	m, err := c.Reader.Adjacent(ctx, q)
	for _, a := range m {
		c.reads.Add(int64(len(a.Relations)))
	}
	return m, err
}

// run times query over b.Loop and reports the store reads per call.
func run(b *testing.B, w *world, query func(ctx context.Context, r graph.Reader, i int) error) {
	b.Helper()
	ctx := context.Background()
	r := &readCounter{Reader: w.db}
	i := 0
	for b.Loop() {
		if err := query(ctx, r, i); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(r.reads.Load())/float64(i), "reads/op")
}

func BenchmarkNeighbourhood(b *testing.B) {
	w := benchWorld(b)
	b.Run("Hub", func(b *testing.B) {
		run(b, w, func(ctx context.Context, r graph.Reader, _ int) error {
			_, err := graph.Neighbourhood(ctx, r, graph.NeighbourhoodQuery{ID: w.hubs[0], Depth: 2, Limit: 500})
			return err
		})
	})
	b.Run("Mission", func(b *testing.B) {
		run(b, w, func(ctx context.Context, r graph.Reader, i int) error {
			_, err := graph.Neighbourhood(ctx, r, graph.NeighbourhoodQuery{ID: w.missions[i%len(w.missions)], Depth: 2, Limit: 500})
			return err
		})
	})
	// As of a day after the synthetic world's snapshot, on which what it
	// lists is known: every relation read is checked with its ends.
	b.Run("HubAsOf", func(b *testing.B) {
		run(b, w, func(ctx context.Context, r graph.Reader, _ int) error {
			_, err := graph.Neighbourhood(ctx, r, graph.NeighbourhoodQuery{ID: w.hubs[0], Depth: 2, Limit: 500, AsOf: graph.MustDate("2025")})
			return err
		})
	})
}

func BenchmarkPaths(b *testing.B) {
	w := benchWorld(b)
	b.Run("Missions", func(b *testing.B) {
		run(b, w, func(ctx context.Context, r graph.Reader, i int) error {
			from, to := w.missions[i%len(w.missions)], w.missions[(i*31+17)%len(w.missions)]
			_, err := graph.Paths(ctx, r, graph.PathQuery{From: from, To: to, MaxLength: 6, First: 3})
			return err
		})
	})
	b.Run("Countries", func(b *testing.B) {
		n := len(w.countries)
		run(b, w, func(ctx context.Context, r graph.Reader, i int) error {
			// 64 pairs of different countries, the same in every run.
			from, to := w.countries[(i%64)*7919%n], w.countries[((i%64)*104729+1)%n]
			if from == to {
				to = w.countries[((i%64)*7919+1)%n]
			}
			_, err := graph.Paths(ctx, r, graph.PathQuery{From: from, To: to, MaxLength: 6, First: 3})
			return err
		})
	})
	b.Run("Hubs", func(b *testing.B) {
		run(b, w, func(ctx context.Context, r graph.Reader, _ int) error {
			_, err := graph.Paths(ctx, r, graph.PathQuery{From: w.hubs[0], To: w.hubs[1], MaxLength: 6, First: 3})
			return err
		})
	})
}

func BenchmarkLineage(b *testing.B) {
	w := benchWorld(b)
	run(b, w, func(ctx context.Context, r graph.Reader, _ int) error {
		_, err := graph.Lineage(ctx, r, w.renamed)
		return err
	})
}

func BenchmarkRepresent(b *testing.B) {
	w := benchWorld(b)
	b.Run("Hubs", func(b *testing.B) {
		run(b, w, func(ctx context.Context, r graph.Reader, _ int) error {
			_, err := graph.Represent(ctx, r, w.hubs[0], w.hubs[1], graph.When{})
			return err
		})
	})
	b.Run("HubAsOf", func(b *testing.B) {
		run(b, w, func(ctx context.Context, r graph.Reader, _ int) error {
			_, err := graph.Represent(ctx, r, w.hubs[1], w.hubs[0], graph.When{AsOf: graph.MustDate("1990")})
			return err
		})
	})
	b.Run("HubAsOfSnapshot", func(b *testing.B) {
		run(b, w, func(ctx context.Context, r graph.Reader, _ int) error {
			_, err := graph.Represent(ctx, r, w.hubs[1], w.hubs[0], graph.When{AsOf: graph.MustDate("2025")})
			return err
		})
	})
}

func BenchmarkSearch(b *testing.B) {
	w := benchWorld(b)
	run(b, w, func(ctx context.Context, r graph.Reader, _ int) error {
		hits, err := r.Search(ctx, graph.SearchQuery{Text: w.searchText, First: 10})
		if err == nil && len(hits) == 0 {
			err = fmt.Errorf("search %q found nothing", w.searchText)
		}
		return err
	})
}
