package synth_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/graph/synth"
	"github.com/chancery/chancery/seeds"
	"github.com/chancery/chancery/store/storetest"
)

// census is what checkWorld saw in a generated world.
type census struct {
	entities  map[graph.ID]*graph.Entity
	relations int
	types     map[graph.RelationType]int
	kinds     map[graph.Kind]int
	sent      map[graph.ID]int // missions by sender
	hosted    map[graph.ID]int // missions by host (every accreditation)
}

// mission is what checkWorld records of one mission to check its shape.
type mission struct {
	sentBy, located int
	hosts           []graph.ID
	city            graph.ID
}

// checkWorld generates a world and checks every item as the store and the
// seeds checker would: entities and relations valid, references to what
// came before, nothing stated twice, periods within the lives of the ends,
// renamings that hand over on the day, missions with their sender, host and
// city. It returns what it counted.
func checkWorld(t *testing.T, o synth.Options) *census {
	t.Helper()
	c := &census{
		entities: map[graph.ID]*graph.Entity{},
		types:    map[graph.RelationType]int{},
		kinds:    map[graph.Kind]int{},
		sent:     map[graph.ID]int{},
		hosted:   map[graph.ID]int{},
	}
	src := synth.Source(o.Seed)
	kindOf := func(id graph.ID) (graph.Kind, bool) {
		e, ok := c.entities[id]
		if !ok {
			return "", false
		}
		return e.Kind, true
	}
	stated := map[string]bool{}
	missions := map[graph.ID]*mission{}
	var order []graph.ID // missions in the order they came
	located := map[graph.ID][]graph.ID{}
	problems := 0
	fail := func(format string, args ...any) {
		t.Helper()
		if problems++; problems <= 20 {
			t.Errorf(format, args...)
		}
	}
	err := synth.Generate(context.Background(), o, func(it synth.Item) error {
		switch {
		case (it.Entity == nil) == (it.Relation == nil):
			fail("item %+v has not exactly one of entity and relation", it)
		case it.Entity != nil:
			e := it.Entity
			if err := e.Validate(); err != nil {
				fail("entity %s: %v", e.ID, err)
			}
			if c.entities[e.ID] != nil {
				fail("entity %s comes twice", e.ID)
			}
			if e.Attributes[synth.SyntheticAttr] != "true" || !slices.Contains(e.Sources, src) {
				fail("entity %s is not marked synthetic and sourced: %v %v", e.ID, e.Attributes, e.Sources)
			}
			c.entities[e.ID] = e
			c.kinds[e.Kind]++
			if e.Kind == graph.Mission {
				missions[e.ID] = &mission{}
				order = append(order, e.ID)
			}
		default:
			r := it.Relation
			c.relations++
			c.types[r.Type]++
			norm := *r
			norm.ID = ""
			norm.Normalize()
			if norm.ID != r.ID || norm.From != r.From || norm.To != r.To {
				fail("relation %s is not normalized: id %s, normalized %s", r.Describe(), r.ID, norm.ID)
			}
			if err := r.Validate(kindOf); err != nil {
				fail("%v", err)
				return nil
			}
			if stated[r.ID] {
				fail("%s is stated twice", r.Describe())
			}
			stated[r.ID] = true
			if !slices.Contains(r.Sources, src) {
				fail("%s does not cite %v", r.Describe(), src)
			}
			for _, end := range []graph.ID{r.From, r.To, r.Context} {
				if end != "" && !within(c.entities[end].Period, r.Period) {
					fail("%s (%s) lies outside the life of %s (%s)", r.Describe(), r.Period, end, c.entities[end].Period)
				}
			}
			switch r.Type {
			case graph.RenamedFrom:
				nu, old := c.entities[r.From], c.entities[r.To]
				if old.To != nu.From || nu.From != r.Period.From || r.Period.From.IsZero() {
					fail("%s on %s: the old name ends %s, the new begins %s", r.Describe(), r.Period.From, old.To, nu.From)
				}
			case graph.SentBy:
				missions[r.From].sentBy++
				c.sent[r.To]++
			case graph.AccreditsTo:
				m := missions[r.From]
				m.hosts = append(m.hosts, r.To)
				c.hosted[r.To]++
			case graph.LocatedIn:
				if m := missions[r.From]; m != nil {
					m.located++
					m.city = r.To
				} else {
					located[r.From] = append(located[r.From], r.To)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if c.relations != o.Relations {
		t.Errorf("generated %d relations, want exactly %d", c.relations, o.Relations)
	}
	// Every mission but the last (which may have been cut short by the
	// budget) states its sender, hosts and city, and sits in a city of its
	// first host (a state), or where its organisation sits.
	for i, id := range order {
		m := missions[id]
		if i == len(order)-1 {
			break
		}
		if m.sentBy != 1 || len(m.hosts) == 0 || m.located != 1 {
			fail("mission %s has %d SENT_BY, %d ACCREDITS_TO, %d LOCATED_IN", id, m.sentBy, len(m.hosts), m.located)
			continue
		}
		if host := m.hosts[0]; !slices.Contains(located[m.city], host) && !slices.Contains(located[host], m.city) {
			fail("mission %s is accredited to %s but sits in %s, which lies in %v", id, host, m.city, located[m.city])
		}
	}
	return c
}

// within reports whether p, from the first day of its start to the last
// day of its end, lies within life; an open bound of p is unknown rather
// than unbounded, so it passes.
func within(life, p graph.Period) bool {
	in := func(day uint32) bool {
		return (life.From.IsZero() || day >= life.From.First()) && (life.To.IsZero() || day <= life.To.Last())
	}
	return (p.From.IsZero() || in(p.From.First())) && (p.To.IsZero() || in(p.To.Last()))
}

func TestGenerate(t *testing.T) {
	for _, o := range []synth.Options{
		{Relations: 10_000, Seed: 1},
		{Relations: 20_000, Seed: 7},
		{Relations: synth.MinRelations, Seed: 3},
		{Relations: 1_001, Seed: 4},
	} {
		c := checkWorld(t, o)
		t.Logf("%d relations: %d entities %v; relations %v", o.Relations, len(c.entities), c.kinds, c.types)
	}
}

// TestCoverage checks that a world of 10^5 relations has every kind of
// entity and relation, and the skew of real diplomacy: a few states send
// and host most missions.
func TestCoverage(t *testing.T) {
	o := synth.Options{Relations: 100_000, Seed: 42}
	c := checkWorld(t, o)
	for _, k := range graph.Kinds {
		if c.kinds[k] == 0 {
			t.Errorf("no entity of kind %s", k)
		}
	}
	for _, rt := range graph.RelationTypes {
		if c.types[rt] == 0 {
			t.Errorf("no relation of type %s", rt)
		}
	}
	for what, counts := range map[string]map[graph.ID]int{"sender": c.sent, "host": c.hosted} {
		top, median := topAndMedian(counts)
		t.Logf("%d %ss: the top has %d missions, the median %d", len(counts), what, top, median)
		if top < 10*median {
			t.Errorf("the top %s has %d missions, the median %d; want at least ten times as many", what, top, median)
		}
	}
}

func topAndMedian(counts map[graph.ID]int) (top, median int) {
	ns := make([]int, 0, len(counts))
	for _, n := range counts {
		ns = append(ns, n)
	}
	slices.Sort(ns)
	return ns[len(ns)-1], ns[len(ns)/2]
}

// fingerprint hashes the JSON of every item of a world, in order.
func fingerprint(t *testing.T, o synth.Options) [32]byte {
	t.Helper()
	h := sha256.New()
	err := synth.Generate(context.Background(), o, func(it synth.Item) error {
		b, err := json.Marshal(it)
		if err != nil {
			return err
		}
		h.Write(b)
		h.Write([]byte{'\n'})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return [32]byte(h.Sum(nil))
}

func TestDeterministic(t *testing.T) {
	o := synth.Options{Relations: 10_000, Seed: 1}
	a, b := fingerprint(t, o), fingerprint(t, o)
	if a != b {
		t.Errorf("the same options gave two worlds: %x and %x", a, b)
	}
	o.Seed = 2
	if c := fingerprint(t, o); c == a {
		t.Errorf("seeds 1 and 2 gave the same world %x", a)
	}
}

func TestGenerateStops(t *testing.T) {
	t.Run("Yield", func(t *testing.T) {
		stop := errors.New("enough")
		n := 0
		err := synth.Generate(context.Background(), synth.Options{Relations: 10_000}, func(synth.Item) error {
			if n++; n == 500 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || n != 500 {
			t.Errorf("got %v after %d items; want the yield error after 500", err, n)
		}
	})
	t.Run("Context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		n := 0
		err := synth.Generate(ctx, synth.Options{Relations: 100_000}, func(synth.Item) error {
			if n++; n == 100 {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) || n > 100+1024 {
			t.Errorf("got %v after %d items; want context.Canceled soon after 100", err, n)
		}
	})
	t.Run("TooSmall", func(t *testing.T) {
		err := synth.Generate(context.Background(), synth.Options{Relations: 999}, func(synth.Item) error { return nil })
		if graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("got %v; want an invalid-options error", err)
		}
	})
}

// TestLoad writes a world into a real in-memory store in batches of a few
// thousand items, as a load test would, and reads the counts back.
func TestLoad(t *testing.T) {
	db := storetest.OpenMemory(t)
	ctx := context.Background()
	o := synth.Options{Relations: 20_000, Seed: 5}
	b := &graph.Batch{}
	entities := 0
	flush := func() error {
		err := db.Apply(ctx, b)
		b = &graph.Batch{}
		return err
	}
	err := synth.Generate(ctx, o, func(it synth.Item) error {
		if it.Entity != nil {
			entities++
			b.Entities = append(b.Entities, it.Entity)
		} else {
			b.Relations = append(b.Relations, it.Relation)
		}
		if len(b.Entities)+len(b.Relations) >= 3000 {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	rels, err := db.Relations(ctx, graph.RelationQuery{First: 1, CountTotal: true})
	if err != nil {
		t.Fatal(err)
	}
	ents, err := db.Entities(ctx, graph.EntityQuery{First: 1, CountTotal: true})
	if err != nil {
		t.Fatal(err)
	}
	if rels.Total != o.Relations || ents.Total != entities {
		t.Errorf("the store holds %d entities and %d relations; want %d and %d", ents.Total, rels.Total, entities, o.Relations)
	}
}

// TestApartFromSeeds checks that no synthetic id is also an id of the
// curated seeds, so that a synthetic world loaded beside them cannot
// overwrite a real entity.
func TestApartFromSeeds(t *testing.T) {
	set, err := seeds.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	real := map[graph.ID]bool{}
	for _, e := range set.Batch().Entities {
		real[e.ID] = true
	}
	for seed := range uint64(5) {
		err := synth.Generate(context.Background(), synth.Options{Relations: 100_000, Seed: seed}, func(it synth.Item) error {
			if it.Entity != nil && real[it.Entity.ID] {
				t.Errorf("seed %d: synthetic %s %q has the id of a real entity", seed, it.Entity.Kind, it.Entity.Name)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestUniqueAtScale checks at a million relations what the smaller tests
// cannot reach: mission names repeat for the same sender and host thousands
// of times there, and every entity id and relation id must stay unique.
func TestUniqueAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("a million relations take a few seconds")
	}
	o := synth.Options{Relations: 1_000_000, Seed: 9}
	ids := map[string]struct{}{}
	relations := 0
	err := synth.Generate(context.Background(), o, func(it synth.Item) error {
		id := ""
		if it.Entity != nil {
			id = string(it.Entity.ID)
		} else {
			id = it.Relation.ID
			relations++
		}
		if _, dup := ids[id]; dup {
			return fmt.Errorf("%s comes twice", id)
		}
		ids[id] = struct{}{}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if relations != o.Relations {
		t.Errorf("generated %d relations, want %d", relations, o.Relations)
	}
}

func BenchmarkGenerate(b *testing.B) {
	o := synth.Options{Relations: 100_000, Seed: 1}
	items := 0
	for b.Loop() {
		err := synth.Generate(context.Background(), o, func(synth.Item) error {
			items++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(items)/b.Elapsed().Seconds(), "items/s")
	b.ReportMetric(float64(o.Relations)*float64(b.N)/b.Elapsed().Seconds(), "relations/s")
}
