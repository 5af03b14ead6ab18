package store_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/graph/synth"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

// The store benchmarks time the store's hot paths on a synthetic world
// (graph/synth): reading entities and relations, searching, counting, and
// writing with Apply and Import. By default the reads query a world they
// generate; pass -store-world for a bigger one, or -store-world-dir for a
// data directory that already holds one:
//
//	go test ./store -run '^$' -bench . -benchtime 20x
//	go test ./store -run '^$' -bench . -benchtime 20x -store-world 100000
//	chancery gen --relations 1000000 --out w.jsonl && chancery import --data w6 w.jsonl
//	go test ./store -run '^$' -bench . -store-world-dir "$PWD/w6"
//
// A data directory is only read: the write benchmarks write to in-memory
// stores of their own, whatever the flags.
var (
	storeWorldSize = flag.Int("store-world", 10000, "relations in the synthetic world the store benchmarks generate")
	storeWorldDir  = flag.String("store-world-dir", "", "data directory holding an imported synthetic world, read by the store benchmarks instead of generating one")
)

// benchWriteWorld is the size of the small worlds the write benchmarks
// import, and seed Apply's store with.
const benchWriteWorld = 2000

// storeWorld is the store the read benchmarks query, and the arguments
// they use, picked from the world once.
type storeWorld struct {
	world *storetest.World
	db    *store.DB // world.DB

	hub       graph.ID   // the biggest sender
	hubCursor string     // a cursor in the last quarter of hub's relations
	missions  []graph.ID // 100 missions, spread over the first of them
	adjacent  []graph.ID // 64 entities, countries and missions in turn

	typo        string   // a mission's name with one letter left out
	typoOf      graph.ID // that mission
	country     string   // a country's exact name
	countryOf   graph.ID // that country
	place       string   // the names of a mission's sender and host
	placeOf     graph.ID // that mission, whose names hold the one but not the other
	senderLimit int      // the buckets the sender counts ask for
}

var (
	storeWorldOnce sync.Once
	theStoreWorld  *storeWorld
	storeWorldErr  error
)

// benchStoreWorld opens or builds the world once for all benchmarks.
func benchStoreWorld(b *testing.B) *storeWorld {
	b.Helper()
	storeWorldOnce.Do(func() { theStoreWorld, storeWorldErr = openStoreWorld(context.Background()) })
	if storeWorldErr != nil {
		b.Fatal(storeWorldErr)
	}
	return theStoreWorld
}

// TestMain closes the world the benchmarks opened, and removes it if they
// generated it. Run as the child process of a kill test, it does that
// test's child's work instead (importChild, bulkChild).
func TestMain(m *testing.M) {
	store.RunTestChild()
	code := m.Run()
	if w := theStoreWorld; w != nil {
		w.world.Close()
	}
	os.Exit(code)
}

// openStoreWorld opens -store-world-dir, or generates a world of
// -store-world relations and imports it into a temporary data directory,
// then picks the benchmarks' arguments from it.
func openStoreWorld(ctx context.Context) (*storeWorld, error) {
	world, err := storetest.OpenWorld(ctx, *storeWorldDir, *storeWorldSize)
	if err != nil {
		return nil, fmt.Errorf("open the world of -store-world %d, -store-world-dir %q: %w", *storeWorldSize, *storeWorldDir, err)
	}
	w := &storeWorld{world: world, db: world.DB}
	if err := w.pick(ctx); err != nil {
		world.Close()
		return nil, fmt.Errorf("pick the benchmarks' arguments from the world: %w", err)
	}
	return w, nil
}

// pick finds the arguments of the benchmarks in the world.
func (w *storeWorld) pick(ctx context.Context) error {
	db := w.db
	w.senderLimit = graph.DefaultCountBuckets
	senders, err := db.Count(ctx, graph.CountQuery{GroupBy: graph.BySender, Limit: 1})
	if err != nil || len(senders) == 0 {
		return errors.Join(errors.New("the world has no senders"), err)
	}
	w.hub = graph.ID(senders[0].Key)

	// A cursor in the last quarter of the hub's relations: the end of the
	// first page past three quarters of them (or of the last page but one,
	// for a hub of few pages), so that a page still follows it.
	type end struct {
		cursor string
		seen   int
	}
	var ends []end
	seen := 0
	q := graph.RelationQuery{Of: w.hub, First: graph.DefaultPageSize}
	for {
		page, err := db.Relations(ctx, q)
		if err != nil {
			return err
		}
		seen += len(page.Relations)
		if !page.HasNext {
			break
		}
		q.After = page.Cursors[len(page.Cursors)-1]
		ends = append(ends, end{q.After, seen})
	}
	if len(ends) == 0 {
		return fmt.Errorf("the biggest sender %s has a single page of relations", w.hub)
	}
	i := slices.IndexFunc(ends, func(e end) bool { return e.seen >= seen*3/4 })
	if i < 0 {
		i = len(ends) - 1
	}
	w.hubCursor = ends[i].cursor

	missions, err := db.Entities(ctx, graph.EntityQuery{Kind: graph.Mission, First: graph.MaxPageSize})
	if err != nil {
		return err
	}
	const wantMissions = 100
	if n := len(missions.Entities); n < wantMissions {
		return fmt.Errorf("the world has %d missions; the benchmarks need %d", n, wantMissions)
	}
	step := len(missions.Entities) / wantMissions
	for i := range wantMissions {
		w.missions = append(w.missions, missions.Entities[i*step].ID)
	}
	countries, err := db.Entities(ctx, graph.EntityQuery{Kind: graph.Country, First: graph.MaxPageSize})
	if err != nil {
		return err
	}
	if len(countries.Entities) == 0 {
		return errors.New("the world has no countries")
	}
	// Countries and missions in turn, missions alone once the countries
	// run out.
	for i := 0; len(w.adjacent) < 64; i++ {
		if i < len(countries.Entities) {
			w.adjacent = append(w.adjacent, countries.Entities[i].ID)
		}
		w.adjacent = append(w.adjacent, w.missions[i])
	}

	m := missions.Entities[len(missions.Entities)/2]
	w.typo, w.typoOf = leaveOut(m.Name), m.ID
	if w.typo == m.Name {
		return fmt.Errorf("mission %s has no letter to leave out of %q", m.ID, m.Name)
	}
	c := countries.Entities[len(countries.Entities)/2]
	w.country, w.countryOf = c.Name, c.ID
	return w.pickPlace(ctx, m)
}

// pickPlace finds the text of the search by place: the names of the
// sender and the host of a mission whose names hold the sender's but not
// the host's, as those of a mission named after its city do; the first
// such of the typo's mission and the benchmarks' missions.
func (w *storeWorld) pickPlace(ctx context.Context, typoOf *graph.Entity) error {
	ids := append([]graph.ID{typoOf.ID}, w.missions...)
	for _, id := range ids {
		m, err := w.db.Entity(ctx, id)
		if err != nil {
			return err
		}
		var names []string
		for _, t := range []graph.RelationType{graph.SentBy, graph.AccreditsTo} {
			page, err := w.db.Relations(ctx, graph.RelationQuery{From: id, Types: []graph.RelationType{t}, First: 1})
			if err != nil {
				return err
			}
			if len(page.Relations) == 0 {
				break
			}
			e, err := w.db.Entity(ctx, page.Relations[0].To)
			if err != nil {
				return err
			}
			names = append(names, e.Name)
		}
		folded := store.Fold(m.Name)
		if len(names) == 2 && strings.Contains(folded, store.Fold(names[0])) && !strings.Contains(folded, store.Fold(names[1])) {
			w.place, w.placeOf = strings.Join(names, " "), id
			return nil
		}
	}
	return fmt.Errorf("none of %d missions is named after its sender and not its host", len(ids))
}

// leaveOut leaves the middle letter out of the longest word of name.
func leaveOut(name string) string {
	words := strings.Fields(name)
	if len(words) == 0 {
		return name
	}
	longest := slices.MaxFunc(words, func(a, b string) int { return len([]rune(a)) - len([]rune(b)) })
	r := []rune(longest)
	i := len(r) / 2
	if len(r) < 3 || !unicode.IsLetter(r[i]) {
		return name
	}
	return strings.Replace(name, longest, string(slices.Delete(r, i, i+1)), 1)
}

// reportRate reports items a second over the timed part of the benchmark.
func reportRate(b *testing.B, items int, unit string) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(items)/s, unit)
	}
}

func BenchmarkEntity(b *testing.B) {
	w := benchStoreWorld(b)
	ctx := context.Background()
	b.Run("One", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			id := w.missions[i%len(w.missions)]
			e, err := w.db.Entity(ctx, id)
			if err != nil {
				b.Fatal(err)
			}
			if e.ID != id {
				b.Fatalf("Entity(%s) returned %s", id, e.ID)
			}
			i++
		}
	})
	b.Run("ByID100", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m, err := w.db.EntitiesByID(ctx, w.missions)
			if err != nil {
				b.Fatal(err)
			}
			if len(m) != len(w.missions) {
				b.Fatalf("EntitiesByID of %d ids found %d", len(w.missions), len(m))
			}
		}
	})
}

// BenchmarkAdjacent reads the relations of 64 entities, whole and slim,
// and reports how many relations one read returns.
func BenchmarkAdjacent(b *testing.B) {
	w := benchStoreWorld(b)
	ctx := context.Background()
	for _, slim := range []bool{false, true} {
		name := "Whole"
		if slim {
			name = "Slim"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			q := graph.AdjacencyQuery{IDs: w.adjacent, Slim: slim}
			relations := 0
			for b.Loop() {
				adj, err := w.db.Adjacent(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				if len(adj) != len(w.adjacent) {
					b.Fatalf("Adjacent of %d ids answered for %d", len(w.adjacent), len(adj))
				}
				n := 0
				for _, a := range adj {
					n += len(a.Relations)
				}
				if n == 0 {
					b.Fatal("Adjacent found no relations")
				}
				relations = n
			}
			b.ReportMetric(float64(relations), "relations/op")
		})
	}
}

// BenchmarkRelations lists a page of the biggest sender's relations: the
// first, and one deep in the list, after a cursor in its last quarter.
func BenchmarkRelations(b *testing.B) {
	w := benchStoreWorld(b)
	ctx := context.Background()
	for _, bc := range []struct {
		name  string
		after string
	}{
		{"First", ""},
		{"Deep", w.hubCursor},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			q := graph.RelationQuery{Of: w.hub, First: graph.DefaultPageSize, After: bc.after}
			for b.Loop() {
				page, err := w.db.Relations(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				if len(page.Relations) == 0 {
					b.Fatalf("the page of %s's relations after %q is empty", w.hub, bc.after)
				}
			}
		})
	}
}

// BenchmarkSearch searches for a mission's name with a typo, a country's
// exact name, and a mission by the names of its sender and host (Place),
// the second of which its own names lack.
func BenchmarkSearch(b *testing.B) {
	w := benchStoreWorld(b)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		text string
		want graph.ID
	}{
		{"Typo", w.typo, w.typoOf},
		{"ExactCountry", w.country, w.countryOf},
		{"Place", w.place, w.placeOf},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			q := graph.SearchQuery{Text: bc.text, First: 10}
			for b.Loop() {
				hits, err := w.db.Search(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				if !slices.ContainsFunc(hits, func(h graph.SearchHit) bool { return h.Entity.ID == bc.want }) {
					b.Fatalf("searching %q does not find %s", bc.text, bc.want)
				}
			}
		})
	}
}

// BenchmarkCount counts missions by sender. Count keeps its answers until
// the data changes, so Cached asks the same count again and again, as the
// dashboards that poll it do, while AsOf asks as of a different day each
// time, which reads the counts index every time.
func BenchmarkCount(b *testing.B) {
	w := benchStoreWorld(b)
	ctx := context.Background()
	check := func(b *testing.B, buckets []graph.Bucket, err error) {
		if err != nil {
			b.Fatal(err)
		}
		if len(buckets) == 0 || buckets[0].Count == 0 {
			b.Fatalf("the count by sender found no senders: %v", buckets)
		}
	}
	b.Run("Cached", func(b *testing.B) {
		b.ReportAllocs()
		q := graph.CountQuery{GroupBy: graph.BySender, Limit: w.senderLimit}
		buckets, err := w.db.Count(ctx, q) // the answer to keep, not timed
		check(b, buckets, err)
		for b.Loop() {
			buckets, err := w.db.Count(ctx, q)
			check(b, buckets, err)
		}
	})
	b.Run("AsOf", func(b *testing.B) {
		b.ReportAllocs()
		// The days from 1950 on, when every synthetic world has missions:
		// tens of thousands of them, more than the answers Count keeps.
		var days []graph.Date
		for day := graph.MustDate("1950").First(); len(days) < 70*365; day++ {
			y, m, d := graph.CivilOfDay(day)
			days = append(days, graph.MustDate(fmt.Sprintf("%04d-%02d-%02d", y, m, d)))
		}
		i := 0
		for b.Loop() {
			q := graph.CountQuery{GroupBy: graph.BySender, AsOf: days[i%len(days)], Limit: w.senderLimit}
			buckets, err := w.db.Count(ctx, q)
			check(b, buckets, err)
			i++
		}
	})
}

// BenchmarkApply writes one new mission and the relation to its sender in
// one batch, into an in-memory store seeded with a small world.
func BenchmarkApply(b *testing.B) {
	ctx := context.Background()
	data, err := storetest.WorldJSONL(ctx, benchWriteWorld)
	if err != nil {
		b.Fatal(err)
	}
	db := storetest.OpenMemory(b)
	if _, err := db.Import(ctx, storetest.JSONLOpener(data), store.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	senders, err := db.Count(ctx, graph.CountQuery{GroupBy: graph.BySender, Limit: 1})
	if err != nil || len(senders) == 0 {
		b.Fatalf("the seeded world has no senders: %v", err)
	}
	sender := graph.ID(senders[0].Key)
	sources := []graph.Source{synth.Source(1)}

	b.ReportAllocs()
	n := 0
	for b.Loop() {
		id := graph.ID(fmt.Sprintf("mission:bench-embassy-%d", n))
		batch := &graph.Batch{
			Entities: []*graph.Entity{{
				ID: id, Kind: graph.Mission, Name: fmt.Sprintf("Bench Embassy %d", n),
				MissionType: graph.Embassy, Official: true, Sources: sources,
			}},
			Relations: []*graph.Relation{{Type: graph.SentBy, From: id, To: sender, Sources: sources}},
		}
		if err := db.Apply(ctx, batch); err != nil {
			b.Fatal(err)
		}
		n++
	}
	reportRate(b, n, "relations/s")
	// The last write reads back, so a store that dropped writes does not
	// pass for a fast one.
	if n > 0 {
		id := graph.ID(fmt.Sprintf("mission:bench-embassy-%d", n-1))
		page, err := db.Relations(ctx, graph.RelationQuery{Of: id, First: 1})
		if err != nil || len(page.Relations) != 1 || page.Relations[0].To != sender {
			b.Fatalf("the relation of %s does not read back: %v", id, err)
		}
	}
}

// BenchmarkImport imports a small world into a fresh in-memory store;
// opening and closing the store are not timed.
func BenchmarkImport(b *testing.B) {
	ctx := context.Background()
	data, err := storetest.WorldJSONL(ctx, benchWriteWorld)
	if err != nil {
		b.Fatal(err)
	}
	open := storetest.JSONLOpener(data)

	b.ReportAllocs()
	relations := 0
	for b.Loop() {
		b.StopTimer()
		db, err := store.Open(store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		s, err := db.Import(ctx, open, store.ImportOptions{})
		b.StopTimer()
		if cerr := db.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			b.Fatal(err)
		}
		if s.Relations != benchWriteWorld {
			b.Fatalf("imported %d relations, want %d", s.Relations, benchWriteWorld)
		}
		relations += s.Relations
		b.StartTimer()
	}
	reportRate(b, relations, "relations/s")
}
