package synth

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/chancery/chancery/graph"
)

// MinRelations is the smallest world Generate makes; below it the frame of
// states, cities and organisations would leave no room for missions.
const MinRelations = 1000

// Options choose the size and the seed of a synthetic world.
type Options struct {
	Relations int    // exactly how many relations to generate (>= 1000)
	Seed      uint64 // the same seed and size give the same world, item for item
}

// Item is one generated entity or relation (exactly one of the two is set).
//
// Items share their Sources slice and Attributes map with one another, to
// keep generation light; treat them as read-only, and copy before changing
// them.
type Item struct {
	Entity   *graph.Entity   `json:"entity,omitempty"`
	Relation *graph.Relation `json:"relation,omitempty"`
}

// Source is the source every synthetic fact cites.
func Source(seed uint64) graph.Source {
	return graph.Source{
		Document: "Chancery synthetic world",
		Quote:    fmt.Sprintf("generated with seed %d; every name, date and fact in it is invented", seed),
	}
}

// SyntheticAttr is the attribute, set to "true", that marks every synthetic
// entity.
const SyntheticAttr = "synthetic"

// Generate produces the world in order, calling yield for each item; every
// entity comes before any relation that refers to it. It stops at the first
// error yield returns, or when ctx is done.
//
// Relations come normalized (graph.Relation.Normalize), with their ids set.
// Generate holds the states, cities and organisations of the world and a
// few tables per pair of states, never the missions or relations it has
// yielded, so its memory does not grow with the number of relations beyond
// those tables.
func Generate(ctx context.Context, o Options, yield func(Item) error) error {
	if o.Relations < MinRelations {
		return graph.Errorf(graph.EINVALID, "a synthetic world needs at least %d relations; %d were asked for", MinRelations, o.Relations)
	}
	g := newGen(ctx, o, yield)
	if err := ctx.Err(); err != nil {
		return err
	}
	g.world()
	for g.left > 0 && g.err == nil {
		g.unit()
	}
	return g.err
}

// pcgStream is the second PCG seed word, "chancery" in ASCII: Options.Seed
// alone chooses the world.
const pcgStream = 0x6368616e63657279

// gen is the state of one generation.
type gen struct {
	ctx   context.Context
	yield func(Item) error
	err   error // the first error of yield or ctx; nothing is yielded after it
	r     *rand.Rand
	total int // relations asked for
	left  int // relations still to yield
	items int

	src   []graph.Source
	attrs map[string]string

	names *namer

	// actors are the states and organisations, in one slice so that
	// senders and hosts of every kind share one index space: countries
	// [0, nCountry), territories [nCountry, orgStart), organisations
	// [orgStart, len); international organisations come before agencies.
	actors             []actor
	nCountry, orgStart int
	nIntl              int
	cities             []city
	formers, neutrals  []int32
	see                int32    // the country that sends nunciatures
	fallback           [2]int32 // two old states with open lives
	sendCountry        sampler
	hostCountry        sampler
	sendTerritory      sampler
	hostTerritory      sampler
	intlOrgs           sampler
	members            [][]uint64 // per international organisation, a bitset over actors
	serial             []uint32   // per template, sender and host: missions named so far
	firstEmbassy       []embassyRef
	gaps               []gap
	protections        []int32 // gap*2 + direction, still unused, in random order
	treaties           []treaty
	persons            uint64 // persons named so far
	personOffset       uint64 // where this seed starts in the table of person names
	// Scratch space, reused so that the steady state allocates only what
	// it yields.
	buf, slug []byte
	bounds    []graph.Date
	years     []int
	picked    []int32
}

// actor is a country, territory or organisation.
type actor struct {
	id        graph.ID
	name      string
	kind      graph.Kind
	life      graph.Period // whole years
	rank      int          // prominence, 1 the most prominent
	region    int
	capital   int32   // the capital city (the headquarters of an organisation); -1 if none
	cities    []int32 // other cities
	successor int32   // a former country: the country that took over; else -1
	sovereign int32   // a territory: the country it is now part of; else -1
	agency    int32   // a country: the organisation that acts for it, or -1
}

// city is a city and the state it lies in.
type city struct {
	id    graph.ID
	name  string
	state int32
}

// embassyRef is the first embassy of a country in another, which a protecting
// power's interests sections become sections of.
type embassyRef struct {
	id     graph.ID
	period graph.Period
}

// gap is a break in the diplomatic relations of two countries, a and b,
// during which a protecting power may act for either in the other.
type gap struct {
	a, b   int32
	period graph.Period
}

// treaty is a bilateral agreement under which liaison offices are set up.
type treaty struct {
	id   graph.ID
	a, b int32
	from int // year
}

func newGen(ctx context.Context, o Options, yield func(Item) error) *gen {
	r := rand.New(rand.NewPCG(o.Seed, pcgStream))
	return &gen{
		ctx:          ctx,
		yield:        yield,
		r:            r,
		total:        o.Relations,
		left:         o.Relations,
		src:          []graph.Source{Source(o.Seed)},
		attrs:        map[string]string{SyntheticAttr: "true"},
		names:        &namer{r: r, used: map[string]bool{}},
		personOffset: r.Uint64N(personSpan),
	}
}

// emit yields one item, unless an error has stopped the generation.
func (g *gen) emit(it Item) {
	if g.err != nil {
		return
	}
	if g.items&1023 == 0 {
		if g.err = g.ctx.Err(); g.err != nil {
			return
		}
	}
	g.items++
	g.err = g.yield(it)
}

// Snapshot is the day a synthetic world describes, as a Wikidata snapshot
// describes the day it was taken: what it gives without an end is open
// (still holds) and attested on that day, so known to hold from its
// stated start, or from that day when it has none.
var Snapshot = graph.MustDate("2024-06-30")

// asOfSnapshot makes a period without a stated end open and attested on
// Snapshot; one that starts after Snapshot is left as it is.
func asOfSnapshot(p *graph.Period) {
	if !p.To.IsZero() || !p.From.IsZero() && p.From.First() > Snapshot.Last() {
		return
	}
	p.Open = true
	p.Attest(Snapshot)
}

// entity yields a new entity of the world.
func (g *gen) entity(e *graph.Entity) {
	if e.Attributes == nil {
		e.Attributes = g.attrs
	}
	asOfSnapshot(&e.Period)
	e.Sources = g.src
	g.emit(Item{Entity: e})
}

// rel yields a relation if the budget has room for it, and reports whether
// it did.
func (g *gen) rel(t graph.RelationType, from, to, context graph.ID, p graph.Period, role string) bool {
	if g.left <= 0 || g.err != nil {
		return false
	}
	asOfSnapshot(&p)
	r := &graph.Relation{Type: t, From: from, To: to, Context: context, Period: p, Role: role, Sources: g.src}
	r.Normalize()
	g.left--
	g.emit(Item{Relation: r})
	return true
}

// spare reports whether the frame of the world may add an optional
// relation: it leaves at least half of the budget to missions.
func (g *gen) spare(n int) bool { return g.left-n >= g.total/2 }

// newMission yields a mission named by template t, sent by s to h and sitting
// in city c, and returns its id.
func (g *gen) newMission(t int, s, h, c int32, p graph.Period, alias bool) graph.ID {
	key := (t*len(g.actors)+int(s))*len(g.actors) + int(h)
	g.serial[key]++
	n := g.serial[key]
	b := renderName(g.buf[:0], t, g.actors[s].name, g.actors[h].name, g.cities[c].name)
	name := string(b)
	id := appendSlug(append(g.slug[:0], "mission:"...), name)
	if n > 1 {
		id = strconv.AppendUint(append(id, '-'), uint64(n), 10)
	}
	g.buf, g.slug = b, id
	typ := templates[t].typ
	e := &graph.Entity{
		ID:          graph.ID(id),
		Kind:        graph.Mission,
		Name:        name,
		Period:      p,
		MissionType: typ,
		Official:    official(typ),
	}
	if alias {
		if a := acronym(name); a != "" {
			e.Aliases = []string{a}
		}
	}
	g.entity(e)
	return e.ID
}

// newPerson yields a new person and returns the id.
func (g *gen) newPerson() graph.ID {
	name, id := g.personName(g.persons)
	g.persons++
	g.entity(&graph.Entity{ID: graph.ID(id), Kind: graph.Person, Name: name})
	return graph.ID(id)
}
