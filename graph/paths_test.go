package graph_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

var src = []graph.Source{{Document: "Generated test graph", Quote: "random"}}

// always is the period of a test fact that holds from 1900 on and still
// holds: known on every day the tests ask about. A fact with no period at
// all is only possible on any day.
var always = graph.Period{From: graph.MustDate("1900"), Open: true}

// randomPeriod draws a period of any kind: stated at both ends, stated
// and open, stated with an unknown end, unknown at both ends but attested,
// or unknown and unattested; between 1950 and 2010.
func randomPeriod(rng *rand.Rand) graph.Period {
	year := func() int { return 1950 + rng.IntN(50) }
	d := func(y int) graph.Date { return graph.MustDate(fmt.Sprint(y)) }
	from := year()
	switch rng.IntN(7) {
	case 0:
		return graph.Period{From: d(from), To: d(from + rng.IntN(30))}
	case 1:
		return graph.Period{From: d(from), Open: true}
	case 2:
		return graph.Period{From: d(from), AttestedFrom: d(from + rng.IntN(20))}
	case 3:
		return graph.Period{AttestedFrom: d(from), AttestedTo: d(from + rng.IntN(30))}
	case 4:
		return graph.Period{Open: true, AttestedFrom: d(from)}
	case 5:
		// Attested, then gone by a later date, on an unknown day.
		return graph.Period{AttestedFrom: d(from), EndedBy: d(from + 1 + rng.IntN(20))}
	}
	return graph.Period{}
}

// randomGraph writes a random graph of countries and organisations joined
// by DIPLOMATIC_RELATIONS and MEMBER_OF, and of missions SENT_BY a country
// and ACCREDITS_TO one or two states or organisations, into a real
// in-memory store, with periods of every kind (randomPeriod) on entities
// and relations, and returns its relations and the periods of its
// entities.
func randomGraph(t *testing.T, rng *rand.Rand, countries, orgs, rels int) (*store.DB, []*graph.Relation, map[graph.ID]graph.Period) {
	t.Helper()
	db := storetest.OpenMemory(t)
	b := &graph.Batch{}
	periods := map[graph.ID]graph.Period{}
	entity := func(id graph.ID, kind graph.Kind) *graph.Entity {
		e := &graph.Entity{ID: id, Kind: kind, Name: string(id), Sources: src, Period: always}
		if rng.IntN(2) == 0 {
			e.Period = randomPeriod(rng)
		}
		periods[id] = e.Period
		b.Entities = append(b.Entities, e)
		return e
	}
	for i := range countries {
		entity(graph.ID(fmt.Sprintf("country:c%d", i)), graph.Country)
	}
	for i := range orgs {
		entity(graph.ID(fmt.Sprintf("org:o%d", i)), graph.Organisation)
	}
	country := func() graph.ID { return graph.ID(fmt.Sprintf("country:c%d", rng.IntN(countries))) }
	actor := func() graph.ID {
		if orgs > 0 && rng.IntN(4) == 0 {
			return graph.ID(fmt.Sprintf("org:o%d", rng.IntN(orgs)))
		}
		return country()
	}
	seen := map[string]bool{}
	// add adds a relation with a random period, or always; one whose
	// start falls outside an end's stated life is left out, as the store
	// refuses it.
	add := func(typ graph.RelationType, from, to graph.ID) {
		r := &graph.Relation{Type: typ, From: from, To: to, Sources: src, Period: always}
		if rng.IntN(2) == 0 {
			r.Period = randomPeriod(rng)
		}
		r.Normalize()
		for _, end := range []graph.ID{from, to} {
			e := &graph.Entity{ID: end, Period: periods[end]}
			if r.CheckLife(e) != nil {
				return
			}
		}
		if from != to && !seen[r.ID] {
			seen[r.ID] = true
			b.Relations = append(b.Relations, r)
		}
	}
	missions := 0
	for tries := 0; len(b.Relations) < rels && tries < 50*rels; tries++ {
		switch c := country(); {
		case orgs > 0 && rng.IntN(3) == 0:
			add(graph.MemberOf, c, graph.ID(fmt.Sprintf("org:o%d", rng.IntN(orgs))))
		case rng.IntN(3) == 0:
			m := graph.ID(fmt.Sprintf("mission:m%d", missions))
			missions++
			entity(m, graph.Mission).MissionType = graph.Embassy
			add(graph.SentBy, m, c)
			add(graph.AccreditsTo, m, actor())
			if rng.IntN(3) == 0 {
				add(graph.AccreditsTo, m, actor())
			}
		default:
			add(graph.DiplomaticRelations, c, country())
		}
	}
	if err := db.Apply(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return db, b.Relations, periods
}

// allSimplePaths enumerates every simple path from a to b of at most max
// relations by plain depth-first search, through what w admits (the one
// definition: graph.When, graph.RelationAt): the reference answer.
func allSimplePaths(rels []*graph.Relation, periods map[graph.ID]graph.Period, a, b graph.ID, max int, types []graph.RelationType, w graph.When) []int {
	life := func(id graph.ID) (graph.Period, bool) { p, ok := periods[id]; return p, ok }
	if !w.Admits(periods[a]) || !w.Admits(periods[b]) {
		return nil
	}
	var lengths []int
	onPath := map[graph.ID]bool{a: true}
	var walk func(at graph.ID, n int)
	walk = func(at graph.ID, n int) {
		if at == b {
			lengths = append(lengths, n)
			return
		}
		if n == max {
			return
		}
		for _, r := range rels {
			if (len(types) > 0 && !slices.Contains(types, r.Type)) || !w.AdmitsRelation(r, life) {
				continue
			}
			var next graph.ID
			switch at {
			case r.From:
				next = r.To
			case r.To:
				next = r.From
			default:
				continue
			}
			if onPath[next] {
				continue
			}
			onPath[next] = true
			walk(next, n+1)
			onPath[next] = false
		}
	}
	walk(a, 0)
	slices.Sort(lengths)
	return lengths
}

func TestPathsOnRandomGraphs(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 7))
		db, rels, periods := randomGraph(t, rng, 4+rng.IntN(8), rng.IntN(3), 5+rng.IntN(14))
		for trial := range 6 {
			q := graph.PathQuery{
				From:      graph.ID(fmt.Sprintf("country:c%d", rng.IntN(4))),
				To:        graph.ID(fmt.Sprintf("country:c%d", rng.IntN(4))),
				MaxLength: 1 + rng.IntN(5),
				First:     1 + rng.IntN(8),
			}
			switch rng.IntN(4) {
			case 0:
				q.Types = []graph.RelationType{graph.DiplomaticRelations}
			case 1:
				q.Types = []graph.RelationType{graph.SentBy, graph.AccreditsTo}
			}
			if rng.IntN(3) != 0 {
				q.AsOf = graph.MustDate(fmt.Sprint(1950 + rng.IntN(70)))
				q.Possible = rng.IntN(2) == 0
			}
			name := fmt.Sprintf("seed%d/trial%d %s->%s max%d first%d types%v asOf%s possible %v", seed, trial, q.From, q.To, q.MaxLength, q.First, q.Types, q.AsOf, q.Possible)
			paths, err := graph.Paths(ctx, db, q)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			w := graph.When{AsOf: q.AsOf, Possible: q.Possible}
			checkPaths(t, name, q, paths, allSimplePaths(rels, periods, q.From, q.To, q.MaxLength, q.Types, w))
		}
	}
}

func checkPaths(t *testing.T, name string, q graph.PathQuery, paths []graph.Path, want []int) {
	t.Helper()
	if q.From == q.To && len(want) > 0 {
		want = []int{0}
	}
	if len(want) > q.First {
		want = want[:q.First]
	}
	got := make([]int, len(paths))
	seen := map[string]bool{}
	for i, p := range paths {
		got[i] = p.Len()
		if p.Nodes[0] != q.From || p.Nodes[len(p.Nodes)-1] != q.To || len(p.Nodes) != p.Len()+1 {
			t.Errorf("%s: path %d runs %v", name, i, p.Nodes)
		}
		nodes := map[graph.ID]bool{}
		key := ""
		for j, id := range p.Nodes {
			if nodes[id] {
				t.Errorf("%s: path %d visits %s twice: %v", name, i, id, p.Nodes)
			}
			nodes[id] = true
			key += string(id) + " "
			if j == p.Len() {
				break
			}
			r := p.Relations[j]
			key += r.ID + " "
			if !(r.From == id && r.To == p.Nodes[j+1]) && !(r.To == id && r.From == p.Nodes[j+1]) {
				t.Errorf("%s: path %d step %d: %s does not join %s and %s", name, i, j, r.Describe(), id, p.Nodes[j+1])
			}
			if len(q.Types) > 0 && !slices.Contains(q.Types, r.Type) {
				t.Errorf("%s: path %d uses %s", name, i, r.Type)
			}
			if !r.Period.Admits(q.AsOf, q.Possible) {
				t.Errorf("%s: path %d uses %s, which the query does not admit as of %s", name, i, r.Describe(), q.AsOf)
			}
			if len(r.Sources) == 0 {
				t.Errorf("%s: path %d step %d: %s comes without its sources; a path returns whole relations", name, i, j, r.Describe())
			}
		}
		if seen[key] {
			t.Errorf("%s: path %d is returned twice", name, i)
		}
		seen[key] = true
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: path lengths %v; the shortest simple paths by brute force have %v", name, got, want)
	}
}

func TestPathsLimits(t *testing.T) {
	db, _, _ := randomGraph(t, rand.New(rand.NewPCG(1, 1)), 3, 0, 2)
	ctx := context.Background()
	for _, q := range []graph.PathQuery{
		{From: "country:c0", To: "country:c1", MaxLength: 0, First: 1},
		{From: "country:c0", To: "country:c1", MaxLength: graph.MaxPathLength + 1, First: 1},
		{From: "country:c0", To: "country:c1", MaxLength: 2, First: graph.MaxPaths + 1},
	} {
		if _, err := graph.Paths(ctx, db, q); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("%+v: err %v, want invalid", q, err)
		}
	}
	if _, err := graph.Paths(ctx, db, graph.PathQuery{From: "country:c0", To: "country:nowhere", MaxLength: 2, First: 1}); !graph.IsNotFound(err) {
		t.Errorf("unknown end: err %v, want not found", err)
	}
}

// TestPathsThroughAHub holds paths to reading every relation of an entity
// with more than one read of adjacency returns: the only connection here
// lists after ten thousand others at the hub.
func TestPathsThroughAHub(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenMemory(t)
	if err := db.Apply(ctx, &graph.Batch{
		Entities: []*graph.Entity{testCountry("country:a"), testCountry("country:hub"), testCountry("country:b"), testCountry("country:host")},
		Relations: []*graph.Relation{
			{Type: graph.DiplomaticRelations, From: "country:a", To: "country:hub", Sources: src},
			{Type: graph.DiplomaticRelations, From: "country:hub", To: "country:b", Sources: src},
		},
	}); err != nil {
		t.Fatal(err)
	}
	// SENT_BY lists before DIPLOMATIC_RELATIONS at the hub.
	addMissions(t, db, "hub", "country:hub", "country:host", graph.MaxAdjacency+10)
	paths, err := graph.Paths(ctx, db, graph.PathQuery{From: "country:a", To: "country:b", MaxLength: 2, First: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 1 || !slices.Equal(paths[0].Nodes, []graph.ID{"country:a", "country:hub", "country:b"}) {
		t.Errorf("paths %v; want a -> hub -> b", paths)
	}
}

// relationsRead counts the relations a traversal reads through Adjacent
// and Relations.
type relationsRead struct {
	graph.Reader
	n int
}

func (c *relationsRead) Adjacent(ctx context.Context, q graph.AdjacencyQuery) (map[graph.ID]*graph.Adjacency, error) {
	m, err := c.Reader.Adjacent(ctx, q)
	for _, a := range m {
		c.n += len(a.Relations)
	}
	return m, err
}

func (c *relationsRead) Relations(ctx context.Context, q graph.RelationQuery) (*graph.RelationPage, error) {
	p, err := c.Reader.Relations(ctx, q)
	if p != nil {
		c.n += len(p.Relations)
	}
	return p, err
}

// TestPathsGrowTheCheaperFrontier holds the search to weighing frontiers
// by their entities' degrees: from a hub of thousands of relations to a
// country with one, it reads from the small end and never reads the hub.
func TestPathsGrowTheCheaperFrontier(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenMemory(t)
	if err := db.Apply(ctx, &graph.Batch{
		Entities: []*graph.Entity{testCountry("country:hub"), testCountry("country:b"), testCountry("country:c"), testCountry("country:host")},
		Relations: []*graph.Relation{
			{Type: graph.DiplomaticRelations, From: "country:b", To: "country:c", Sources: src},
			{Type: graph.DiplomaticRelations, From: "country:c", To: "country:hub", Sources: src},
		},
	}); err != nil {
		t.Fatal(err)
	}
	addMissions(t, db, "hub", "country:hub", "country:host", 3000)
	deg, err := db.Degrees(ctx, []graph.ID{"country:hub", "country:b", "country:c", "country:none"})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[graph.ID]int{"country:hub": 3001, "country:b": 1, "country:c": 2, "country:none": 0}; !maps.Equal(deg, want) {
		t.Fatalf("degrees %v; want %v", deg, want)
	}
	for _, q := range []graph.PathQuery{
		{From: "country:hub", To: "country:b", MaxLength: 3, First: 1},
		{From: "country:b", To: "country:hub", MaxLength: 3, First: 1},
	} {
		r := &relationsRead{Reader: db}
		paths, err := graph.Paths(ctx, r, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(paths) != 1 || paths[0].Len() != 2 {
			t.Fatalf("%s to %s: paths %v; want the one through country:c", q.From, q.To, paths)
		}
		if r.n > 10 {
			t.Errorf("%s to %s read %d relations; the hub's 3,001 should not be read", q.From, q.To, r.n)
		}
	}
}

// testCountry is a country named by its id, for path tests.
func testCountry(id string) *graph.Entity {
	return &graph.Entity{ID: graph.ID(id), Kind: graph.Country, Name: id, Sources: src}
}
