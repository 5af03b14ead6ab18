package graph

import (
	"context"
	"slices"
)

// RepresentationKind says how one country or territory is represented in
// another.
type RepresentationKind string

// The ways of being represented.
const (
	// Direct: the country's own mission, in the host.
	Direct RepresentationKind = "DIRECT"
	// NonResident: the country's mission elsewhere, accredited to the host.
	NonResident RepresentationKind = "NON_RESIDENT"
	// ProtectingPower: a third country acts for it, often through an
	// interests section of its own embassy that the country staffs.
	ProtectingPower RepresentationKind = "PROTECTING_POWER"
	// DeFacto: an office without official status, or a body that acts for
	// the country where it has no official relations.
	DeFacto RepresentationKind = "DE_FACTO"
)

// Representation is one way a country is represented in a host: through
// Mission, or Via a third party (a protecting power, or the body that runs
// a de facto office), with the relations that say so.
type Representation struct {
	Kind      RepresentationKind
	Mission   *Entity
	Via       *Entity
	Relations []*Relation
}

// Represent returns every way of is represented in in as of asOf: its own
// missions there (DIRECT), its missions elsewhere accredited there
// (NON_RESIDENT), protecting powers and the sections that act under them
// (PROTECTING_POWER), and de facto offices and the bodies that run them
// (DE_FACTO). Interests sections and missions without official status are
// counted under PROTECTING_POWER and DE_FACTO, not as direct missions. The
// work is proportional to the number of missions sent by of and accredited
// to in.
func Represent(ctx context.Context, r Reader, of, in ID, asOf Date) ([]Representation, error) {
	ends, err := r.EntitiesByID(ctx, []ID{of, in})
	if err != nil {
		return nil, err
	}
	for _, id := range []ID{of, in} {
		if ends[id] == nil {
			return nil, Errorf(ENOTFOUND, "there is no entity %s", id)
		}
	}
	rp := &representer{r: r, of: of, in: in, asOf: asOf, done: map[ID]bool{}}
	if err := rp.loadSent(ctx); err != nil {
		return nil, err
	}
	if err := rp.protectingPowers(ctx); err != nil {
		return nil, err
	}
	if err := rp.deFacto(ctx); err != nil {
		return nil, err
	}
	if err := rp.missions(ctx); err != nil {
		return nil, err
	}
	// The missions were looked through with slim relations; the few that
	// justify an answer are read in full.
	var rels [][]*Relation
	for _, rep := range rp.out {
		rels = append(rels, rep.Relations)
	}
	return rp.out, completeRelations(ctx, r, rels...)
}

type representer struct {
	r      Reader
	of, in ID
	asOf   Date
	out    []Representation
	done   map[ID]bool // missions already accounted for
	// sent holds the missions of `of` accredited to `in` that exist as of
	// the date, with the SENT_BY and ACCREDITS_TO relations that make them
	// so; ids lists them in order.
	sent map[ID]sentMission
	ids  []ID
}

type sentMission struct {
	mission             *Entity
	sentBy, accreditsTo *Relation
}

// towards returns the relations of type t that end at id and hold.
func (rp *representer) towards(ctx context.Context, id ID, t RelationType) ([]*Relation, error) {
	rels, _, err := adjacent(ctx, rp.r, id, []RelationType{t}, In, rp.asOf)
	return rels, err
}

// from returns the relations of type t that start at id and hold.
func (rp *representer) from(ctx context.Context, id ID, t RelationType) ([]*Relation, error) {
	rels, _, err := adjacent(ctx, rp.r, id, []RelationType{t}, Out, rp.asOf)
	return rels, err
}

// fromAll returns, for each of ids, the relations of type t that start at
// it and hold, in one read.
func (rp *representer) fromAll(ctx context.Context, ids []ID, t RelationType) (map[ID]*Adjacency, error) {
	return slimAdjacency(ctx, rp.r, ids, []RelationType{t}, Out, rp.asOf)
}

// loadSent finds the missions of `of` accredited to `in`: those both
// SENT_BY of and ACCREDITS_TO in, that exist as of the date. It lists the
// missions on the side with fewer of them, in full, and reads the other
// relation of each of those, so that a country of forty thousand missions
// costs what its missions in one host cost, and none is left out.
func (rp *representer) loadSent(ctx context.Context) error {
	nSent, err := degree(ctx, rp.r, rp.of, SentBy)
	if err != nil {
		return err
	}
	nAccredited, err := degree(ctx, rp.r, rp.in, AccreditsTo)
	if err != nil {
		return err
	}
	side, sideType, otherType, other := rp.of, SentBy, AccreditsTo, rp.in
	if nAccredited < nSent {
		side, sideType, otherType, other = rp.in, AccreditsTo, SentBy, rp.of
	}
	if n := min(nSent, nAccredited); n > MaxRepresentationMissions && rp.asOf.IsZero() {
		// Counted from index keys alone: refuse before reading any.
		return Errorf(EINVALID, "%s has %d %s relations to look through, more than %d; narrow the question with asOf", side, n, sideType, MaxRepresentationMissions)
	}
	near, err := allTowards(ctx, rp.r, side, sideType, rp.asOf)
	if err != nil {
		return err
	}
	ids := make([]ID, len(near))
	for i, rel := range near {
		ids[i] = rel.From
	}
	far, err := rp.fromAll(ctx, ids, otherType)
	if err != nil {
		return err
	}
	rp.sent = map[ID]sentMission{}
	for _, n := range near {
		for _, f := range far[n.From].Relations {
			if f.To != other {
				continue
			}
			m := sentMission{sentBy: n, accreditsTo: f}
			if sideType == AccreditsTo {
				m.sentBy, m.accreditsTo = f, n
			}
			rp.sent[n.From] = m
			break
		}
	}
	alive, err := living(ctx, rp.r, sortedIDs(rp.sent), rp.asOf)
	if err != nil {
		return err
	}
	for id, m := range rp.sent {
		if m.mission = alive[id]; m.mission == nil {
			delete(rp.sent, id)
		} else {
			rp.sent[id] = m
		}
	}
	rp.ids = sortedIDs(rp.sent)
	return nil
}

// degree counts the relations of type t that end at id, in all of history:
// a count of index keys, not a read of records.
func degree(ctx context.Context, r Reader, id ID, t RelationType) (int, error) {
	page, err := r.Relations(ctx, RelationQuery{Of: id, Direction: In, Types: []RelationType{t}, CountTotal: true})
	if err != nil {
		return 0, err
	}
	return page.Total, nil
}

// allTowards returns every relation of type t that ends at id and holds as
// of asOf, page by page, up to MaxRepresentationMissions of them.
func allTowards(ctx context.Context, r Reader, id ID, t RelationType, asOf Date) ([]*Relation, error) {
	q := RelationQuery{Of: id, Direction: In, Types: []RelationType{t}, AsOf: asOf, First: MaxPageSize, Slim: true}
	var out []*Relation
	for {
		page, err := r.Relations(ctx, q)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Relations...)
		if !page.HasNext {
			return out, nil
		}
		if len(out) >= MaxRepresentationMissions {
			return nil, Errorf(EINVALID, "%s has more than %d %s relations to look through; narrow the question with asOf", id, MaxRepresentationMissions, t)
		}
		q.After = page.Cursors[len(page.Cursors)-1]
	}
}

func (rp *representer) protectingPowers(ctx context.Context) error {
	protects, err := rp.towards(ctx, rp.of, Protects)
	if err != nil {
		return err
	}
	var sections, parents map[ID]*Adjacency
	for _, p := range protects {
		if p.Context != rp.in {
			continue
		}
		power, err := rp.living(ctx, p.From)
		if err != nil {
			return err
		}
		if power == nil {
			continue
		}
		if sections == nil {
			if sections, parents, err = rp.sectionsOf(ctx); err != nil {
				return err
			}
		}
		rep := Representation{Kind: ProtectingPower, Via: power, Relations: []*Relation{p}}
		// The section that acts for `of`: one of its missions accredited to
		// `in` that is a section of a mission sent by the power.
		for _, id := range rp.ids {
			if rep.Mission != nil {
				break
			}
			for _, sec := range sections[id].Relations {
				if !slices.ContainsFunc(parents[sec.To].Relations, func(r *Relation) bool { return r.To == power.ID }) {
					continue
				}
				m := rp.sent[id]
				rep.Mission = m.mission
				rep.Relations = append(rep.Relations, sec, m.sentBy, m.accreditsTo)
				rp.done[id] = true
				break
			}
		}
		rp.out = append(rp.out, rep)
	}
	return nil
}

// sectionsOf reads, for the missions of `of` accredited to `in`, the
// missions they are sections of, and who sent those.
func (rp *representer) sectionsOf(ctx context.Context) (sections, parents map[ID]*Adjacency, err error) {
	if sections, err = rp.fromAll(ctx, rp.ids, SectionOf); err != nil {
		return nil, nil, err
	}
	var parentIDs []ID
	for _, id := range rp.ids {
		for _, sec := range sections[id].Relations {
			parentIDs = append(parentIDs, sec.To)
		}
	}
	parents, err = rp.fromAll(ctx, parentIDs, SentBy)
	return sections, parents, err
}

func (rp *representer) deFacto(ctx context.Context) error {
	reps, err := rp.from(ctx, rp.of, RepresentedBy)
	if err != nil {
		return err
	}
	for _, rb := range reps {
		if rb.Context != rp.in {
			continue
		}
		agent, err := rp.living(ctx, rb.To)
		if err != nil {
			return err
		}
		if agent == nil {
			continue
		}
		rep := Representation{Kind: DeFacto, Relations: []*Relation{rb}}
		if agent.Kind == Mission {
			rep.Mission = agent
			rp.done[agent.ID] = true
			ops, err := rp.from(ctx, agent.ID, OperatedBy)
			if err != nil {
				return err
			}
			if len(ops) > 0 {
				if rep.Via, err = rp.living(ctx, ops[0].To); err != nil {
					return err
				}
				rep.Relations = append(rep.Relations, ops[0])
			}
		} else {
			rep.Via = agent
		}
		rp.out = append(rp.out, rep)
	}
	return nil
}

// missions adds the missions of `of` accredited to `in` that are not yet
// accounted for: direct when they sit in `in` (or nothing says where they
// sit), non-resident when they sit elsewhere, de facto when they have no
// official status.
func (rp *representer) missions(ctx context.Context) error {
	var ids []ID
	for _, id := range rp.ids {
		if !rp.done[id] {
			ids = append(ids, id)
		}
	}
	where, err := rp.countries(ctx, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		m := rp.sent[id]
		rels := append([]*Relation{m.sentBy, m.accreditsTo}, where[id]...)
		kind := Direct
		switch {
		case !m.mission.Official || m.mission.MissionType == InterestsSection:
			kind = DeFacto
		case len(where[id]) > 0 && where[id][len(where[id])-1].To != rp.in:
			kind = NonResident
		}
		rp.out = append(rp.out, Representation{Kind: kind, Mission: m.mission, Relations: rels})
	}
	return nil
}

// countries follows LOCATED_IN from each mission (through its city) to the
// country or territory it sits in, reading one step for all missions at
// once. A mission maps to the LOCATED_IN relations that lead there, the
// last ending at the country; it is absent if nothing says where it sits.
func (rp *representer) countries(ctx context.Context, missions []ID) (map[ID][]*Relation, error) {
	paths := make(map[ID][]*Relation, len(missions))
	at := make(map[ID]ID, len(missions)) // mission -> where its path ends so far
	for _, id := range missions {
		at[id] = id
	}
	out := map[ID][]*Relation{}
	for range 3 {
		if len(at) == 0 {
			break
		}
		places := make([]ID, 0, len(at))
		for _, place := range at {
			places = append(places, place)
		}
		locs, err := rp.fromAll(ctx, places, LocatedIn)
		if err != nil {
			return nil, err
		}
		for id, place := range at {
			rels := locs[place].Relations
			if len(rels) == 0 {
				delete(at, id)
				continue
			}
			paths[id] = append(paths[id], rels[0])
			if k := rels[0].To.Kind(); k == Country || k == Territory {
				out[id] = paths[id]
				delete(at, id)
			} else {
				at[id] = rels[0].To
			}
		}
	}
	return out, nil
}

// living returns the entity if it exists as of the date, else nil.
func (rp *representer) living(ctx context.Context, id ID) (*Entity, error) {
	m, err := living(ctx, rp.r, []ID{id}, rp.asOf)
	if err != nil {
		return nil, err
	}
	return m[id], nil
}

func sortedIDs[V any](m map[ID]V) []ID {
	ids := make([]ID, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
