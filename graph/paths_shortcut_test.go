package graph_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/seeds"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

// randomPathQuery draws a query between two of ends: any length, any
// number of paths, sometimes of some types only, sometimes as of a date.
func randomPathQuery(rng *rand.Rand, ends []graph.ID) graph.PathQuery {
	q := graph.PathQuery{
		From:      ends[rng.IntN(len(ends))],
		To:        ends[rng.IntN(len(ends))],
		MaxLength: 1 + rng.IntN(graph.MaxPathLength),
		First:     1 + rng.IntN(8),
	}
	switch rng.IntN(5) {
	case 0:
		q.Types = []graph.RelationType{graph.DiplomaticRelations}
	case 1:
		q.Types = []graph.RelationType{graph.SentBy, graph.AccreditsTo}
	case 2:
		q.Types = []graph.RelationType{graph.DiplomaticRelations, graph.MemberOf}
	}
	if rng.IntN(3) == 0 {
		q.AsOf = graph.MustDate(fmt.Sprint(1950 + rng.IntN(75)))
		q.Possible = rng.IntN(2) == 0
	}
	return q
}

func describeQuery(q graph.PathQuery) string {
	return fmt.Sprintf("%s->%s max%d first%d types%v asOf%s possible %v", q.From, q.To, q.MaxLength, q.First, q.Types, q.AsOf, q.Possible)
}

// pathsBothWays answers q with Paths and with the search alone, failing
// the test named name if either fails.
func pathsBothWays(t *testing.T, db graph.Reader, name string, q graph.PathQuery) (got, want []graph.Path) {
	t.Helper()
	ctx := context.Background()
	got, err := graph.Paths(ctx, db, q)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	want, err = graph.PathsBySearch(ctx, db, q)
	if err != nil {
		t.Fatalf("%s: the search alone: %v", name, err)
	}
	return got, want
}

// lengths are the lengths of paths.
func lengths(paths []graph.Path) []int {
	var n []int
	for _, p := range paths {
		n = append(n, p.Len())
	}
	return n
}

// checkSameAsSearch holds the answer of Paths, which takes the paths of
// one, two and three relations from indexes where it can, to the search's
// alone: paths of the same lengths, and the same paths but for those of
// the longest length, of which each may choose different ones where
// there are more than the answer holds.
func checkSameAsSearch(t *testing.T, name string, got, want []graph.Path) {
	t.Helper()
	if !slices.Equal(lengths(got), lengths(want)) {
		t.Errorf("%s: path lengths %v; the search alone finds %v", name, lengths(got), lengths(want))
		return
	}
	shorter := func(ps []graph.Path) []string {
		var keys []string
		for _, p := range ps {
			if p.Len() < ps[len(ps)-1].Len() {
				keys = append(keys, pathString(p))
			}
		}
		slices.Sort(keys)
		return keys
	}
	if len(got) > 0 && !slices.Equal(shorter(got), shorter(want)) {
		t.Errorf("%s: the paths shorter than the longest are\n%v\nthe search alone finds\n%v", name, shorter(got), shorter(want))
	}
}

// pathString writes a path as its entities and relations in turn.
func pathString(p graph.Path) string {
	s := string(p.Nodes[0])
	for i, r := range p.Relations {
		s += fmt.Sprintf(" -%s %s- %s", r.Type, r.ID, p.Nodes[i+1])
	}
	return s
}

// TestPathsFromIndexesOnRandomGraphs holds Paths, with the paths that
// indexes list, to the search alone and to brute force, on random graphs
// dense enough that ends share many neighbours and many paths of two and
// three relations join them.
func TestPathsFromIndexesOnRandomGraphs(t *testing.T) {
	for seed := range uint64(150) {
		rng := rand.New(rand.NewPCG(seed, 22))
		countries, orgs := 3+rng.IntN(7), rng.IntN(4)
		db, rels, periods := randomGraph(t, rng, countries, orgs, 8+rng.IntN(30))
		var ends []graph.ID
		for i := range min(countries, 5) {
			ends = append(ends, graph.ID(fmt.Sprintf("country:c%d", i)))
		}
		for i := range orgs {
			ends = append(ends, graph.ID(fmt.Sprintf("org:o%d", i)))
		}
		for trial := range 8 {
			q := randomPathQuery(rng, ends)
			name := fmt.Sprintf("seed%d/trial%d %s", seed, trial, describeQuery(q))
			got, want := pathsBothWays(t, db, name, q)
			w := graph.When{AsOf: q.AsOf, Possible: q.Possible}
			checkPaths(t, name, q, got, allSimplePaths(rels, periods, q.From, q.To, q.MaxLength, q.Types, w))
			checkSameAsSearch(t, name, got, want)
		}
	}
}

// senderGraph writes a graph of a few senders of a hundred missions or
// so each, accredited to hosts that keep diplomatic relations with one
// another, with the senders and with organisations, and few relations
// between the senders: between two senders most paths run through a host
// or an organisation, and each sender has more neighbours than
// cheaperToReadWhole reads the degrees of.
func senderGraph(t *testing.T, rng *rand.Rand, senders, hosts, orgs int) *store.DB {
	t.Helper()
	db := storetest.OpenMemory(t)
	b := &graph.Batch{}
	country := func(i int) graph.ID { return graph.ID(fmt.Sprintf("country:c%d", i)) }
	org := func(i int) graph.ID { return graph.ID(fmt.Sprintf("org:o%d", i)) }
	for i := range senders + hosts {
		b.Entities = append(b.Entities, testCountry(string(country(i))))
	}
	for i := range orgs {
		b.Entities = append(b.Entities, &graph.Entity{ID: org(i), Kind: graph.Organisation, Name: string(org(i)), Sources: src})
	}
	seen := map[string]bool{}
	add := func(typ graph.RelationType, from, to graph.ID) {
		r := &graph.Relation{Type: typ, From: from, To: to, Sources: src, Period: always}
		if rng.IntN(3) == 0 {
			r.Period = graph.Period{From: graph.MustDate(fmt.Sprint(1950 + rng.IntN(60))), Open: true}
		}
		r.Normalize()
		if from != to && !seen[r.ID] {
			seen[r.ID] = true
			b.Relations = append(b.Relations, r)
		}
	}
	host := func() graph.ID { return country(senders + rng.IntN(hosts)) }
	for s := range senders {
		for m := range 60 + rng.IntN(80) {
			id := graph.ID(fmt.Sprintf("mission:c%d-%d", s, m))
			b.Entities = append(b.Entities, &graph.Entity{ID: id, Kind: graph.Mission, MissionType: graph.Embassy, Name: string(id), Sources: src})
			add(graph.SentBy, id, country(s))
			add(graph.AccreditsTo, id, host())
			if rng.IntN(4) == 0 {
				add(graph.AccreditsTo, id, org(rng.IntN(orgs)))
			}
		}
		for range rng.IntN(6) {
			add(graph.DiplomaticRelations, country(s), host())
		}
		if rng.IntN(2) == 0 {
			add(graph.MemberOf, country(s), org(rng.IntN(orgs)))
		}
		if rng.IntN(8) == 0 {
			add(graph.DiplomaticRelations, country(s), country(rng.IntN(senders)))
		}
	}
	for range hosts * 2 {
		add(graph.DiplomaticRelations, host(), host())
		add(graph.MemberOf, host(), org(rng.IntN(orgs)))
	}
	if err := db.Apply(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestPathsFromIndexesBetweenSenders holds Paths to the search alone
// between senders of many missions (see senderGraph); brute force is too
// slow here.
func TestPathsFromIndexesBetweenSenders(t *testing.T) {
	n := uint64(20)
	if testing.Short() {
		n = 4
	}
	for seed := range n {
		rng := rand.New(rand.NewPCG(seed, 23))
		senders, orgs := 3+rng.IntN(4), 1+rng.IntN(3)
		db := senderGraph(t, rng, senders, 5+rng.IntN(30), orgs)
		var ends []graph.ID
		for i := range senders {
			ends = append(ends, graph.ID(fmt.Sprintf("country:c%d", i)))
		}
		for trial := range 10 {
			q := randomPathQuery(rng, ends)
			q.MaxLength = min(q.MaxLength, 4)
			name := fmt.Sprintf("seed%d/trial%d %s", seed, trial, describeQuery(q))
			got, want := pathsBothWays(t, db, name, q)
			checkSameAsSearch(t, name, got, want)
			checkPaths(t, name, q, got, lengths(want))
		}
	}
}

// TestPathsFromIndexesOnTheSeeds holds Paths to the search alone between
// states and organisations of the curated seeds, whose hubs (the great
// powers, the United Nations) join most of them in two or three
// relations.
func TestPathsFromIndexesOnTheSeeds(t *testing.T) {
	ctx := context.Background()
	set, err := seeds.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.OpenMemory(t)
	if err := db.Apply(ctx, set.Batch()); err != nil {
		t.Fatal(err)
	}
	// Most states of the seeds have one relation; the ends are those with
	// more, between which paths run.
	var actors []graph.ID
	for _, e := range set.Batch().Entities {
		if e.Kind == graph.Country || e.Kind == graph.Territory || e.Kind == graph.Organisation {
			actors = append(actors, e.ID)
		}
	}
	deg, err := db.Degrees(ctx, actors)
	if err != nil {
		t.Fatal(err)
	}
	var ends []graph.ID
	for _, id := range actors {
		if deg[id] >= 3 {
			ends = append(ends, id)
		}
	}
	if len(ends) < 30 {
		t.Fatalf("the seeds hold %d states and organisations of three relations or more; the test needs more to be worth anything", len(ends))
	}
	rng := rand.New(rand.NewPCG(22, 4))
	n := 600
	if testing.Short() {
		n = 100
	}
	answered, short := 0, 0
	for trial := range n {
		q := randomPathQuery(rng, ends)
		q.First = 1 + rng.IntN(graph.MaxPaths)
		if rng.IntN(2) == 0 {
			q.Types, q.AsOf = nil, graph.Date{}
		}
		name := fmt.Sprintf("trial%d %s", trial, describeQuery(q))
		got, want := pathsBothWays(t, db, name, q)
		checkSameAsSearch(t, name, got, want)
		checkPaths(t, name, q, got, lengths(want))
		if len(got) > 0 {
			answered++
		}
		for _, p := range got {
			if p.Len() == 2 || p.Len() == 3 {
				short++
				break
			}
		}
	}
	if answered < n/4 || short < n/10 {
		t.Errorf("%d of %d queries found a path, %d of them one of two or three relations; the test holds too little", answered, n, short)
	}
}

// TestPathsThroughHubsReadNoHub holds Paths to finding the paths of two
// relations through hubs without reading the hubs: between two countries
// joined only through two hubs of 2,000 missions each, it reads the
// relations of the ends alone, where the search alone reads the hubs'.
func TestPathsThroughHubsReadNoHub(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenMemory(t)
	if err := db.Apply(ctx, &graph.Batch{
		Entities: []*graph.Entity{testCountry("country:a"), testCountry("country:b"), testCountry("country:hub1"), testCountry("country:hub2"), testCountry("country:host")},
		Relations: []*graph.Relation{
			{Type: graph.DiplomaticRelations, From: "country:a", To: "country:hub1", Sources: src},
			{Type: graph.DiplomaticRelations, From: "country:a", To: "country:hub2", Sources: src},
			{Type: graph.DiplomaticRelations, From: "country:b", To: "country:hub1", Sources: src},
			{Type: graph.DiplomaticRelations, From: "country:b", To: "country:hub2", Sources: src},
		},
	}); err != nil {
		t.Fatal(err)
	}
	addMissions(t, db, "hub1", "country:hub1", "country:host", 2000)
	addMissions(t, db, "hub2", "country:hub2", "country:host", 2000)
	q := graph.PathQuery{From: "country:a", To: "country:b", MaxLength: 6, First: 2}
	want := [][]graph.ID{{"country:a", "country:hub1", "country:b"}, {"country:a", "country:hub2", "country:b"}}
	checkThroughHubs(t, db, q, want, 2000)
}

// TestPathsOfThreeThroughAHubReadNoHub holds Paths to finding a path of
// three relations through a hub without reading it: from a country whose
// one relation is to a hub of 2,500 missions, to a host of 3,000, through
// a mission the hub sent there. The search alone reads the hub, which has
// fewer relations than the host.
func TestPathsOfThreeThroughAHubReadNoHub(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenMemory(t)
	if err := db.Apply(ctx, &graph.Batch{
		Entities: []*graph.Entity{testCountry("country:a"), testCountry("country:b"), testCountry("country:hub"), testCountry("country:elsewhere"), testCountry("country:other")},
		Relations: []*graph.Relation{
			{Type: graph.DiplomaticRelations, From: "country:a", To: "country:hub", Sources: src},
		},
	}); err != nil {
		t.Fatal(err)
	}
	addMissions(t, db, "hub", "country:hub", "country:elsewhere", 2500)
	addMissions(t, db, "to-b", "country:other", "country:b", 3000)
	addMissions(t, db, "hub-in-b", "country:hub", "country:b", 1)
	q := graph.PathQuery{From: "country:a", To: "country:b", MaxLength: 6, First: 1}
	want := []graph.ID{"country:a", "country:hub", "mission:hub-in-b-0", "country:b"}
	checkThroughHubs(t, db, q, [][]graph.ID{want}, 2500)
}

// checkThroughHubs holds Paths to answering q with the paths want (their
// nodes, in any order) while reading no more than 10 relations, and the
// search alone to the same answer, reading at least searchReads: the
// hubs Paths does not read.
func checkThroughHubs(t *testing.T, db graph.Reader, q graph.PathQuery, want [][]graph.ID, searchReads int) {
	t.Helper()
	for _, c := range []struct {
		name  string
		paths func(context.Context, graph.Reader, graph.PathQuery) ([]graph.Path, error)
		most  int
		least int
	}{
		{"Paths", graph.Paths, 10, 0},
		{"the search alone", graph.PathsBySearch, 20000, searchReads},
	} {
		r := &relationsRead{Reader: db}
		paths, err := c.paths(context.Background(), r, q)
		if err != nil {
			t.Fatal(err)
		}
		var got [][]graph.ID
		for _, p := range paths {
			got = append(got, p.Nodes)
		}
		slices.SortFunc(got, slices.Compare)
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("%s: paths %v; want %v", c.name, got, want)
		}
		if r.n > c.most || r.n < c.least {
			t.Errorf("%s read %d relations; want %d to %d", c.name, r.n, c.least, c.most)
		}
	}
}
