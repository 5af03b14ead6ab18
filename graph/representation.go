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

// Represent returns every way of is represented in in that w admits: its own
// missions there (DIRECT), its missions elsewhere accredited there
// (NON_RESIDENT), protecting powers and the sections that act under them
// (PROTECTING_POWER), and de facto offices and the bodies that run them
// (DE_FACTO). Interests sections and missions without official status are
// counted under PROTECTING_POWER and DE_FACTO, not as direct missions. The
// work is proportional to the number of missions ever sent by of and
// accredited to in, not to the number either has.
func Represent(ctx context.Context, r Reader, of, in ID, w When) ([]Representation, error) {
	ends, err := r.EntitiesByID(ctx, []ID{of, in})
	if err != nil {
		return nil, err
	}
	for _, id := range []ID{of, in} {
		if ends[id] == nil {
			return nil, Errorf(ENOTFOUND, "there is no entity %s", id)
		}
	}
	rp := &representer{r: r, of: of, in: in, when: w, done: map[ID]bool{}}
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
	when   When
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
	rels, _, err := adjacent(ctx, rp.r, id, []RelationType{t}, In, rp.when)
	return rels, err
}

// from returns the relations of type t that start at id and hold.
func (rp *representer) from(ctx context.Context, id ID, t RelationType) ([]*Relation, error) {
	rels, _, err := adjacent(ctx, rp.r, id, []RelationType{t}, Out, rp.when)
	return rels, err
}

// fromAll returns, for each of ids, the relations of type t that start at
// it and hold, in one read.
func (rp *representer) fromAll(ctx context.Context, ids []ID, t RelationType) (map[ID]*Adjacency, error) {
	return slimAdjacency(ctx, rp.r, ids, []RelationType{t}, Out, rp.when)
}

// loadSent finds the missions of `of` accredited to `in`: those both
// SENT_BY of and ACCREDITS_TO in, that exist as of the date, with the two
// relations holding then. The candidates come from the store's index of
// missions by sender and host, so that two countries of forty thousand
// missions each cost what their missions in each other cost.
func (rp *representer) loadSent(ctx context.Context) error {
	candidates, err := rp.r.MissionsOf(ctx, rp.of, rp.in)
	if err != nil {
		return err
	}
	// Read in full: every mission found here is in the answer.
	ties, err := adjacency(ctx, rp.r, candidates, []RelationType{SentBy, AccreditsTo}, Out, rp.when)
	if err != nil {
		return err
	}
	rp.sent = map[ID]sentMission{}
	for _, id := range candidates {
		var m sentMission
		for _, rel := range ties[id].Relations {
			switch {
			case rel.Type == SentBy && rel.To == rp.of && m.sentBy == nil:
				m.sentBy = rel
			case rel.Type == AccreditsTo && rel.To == rp.in && m.accreditsTo == nil:
				m.accreditsTo = rel
			}
		}
		if m.sentBy != nil && m.accreditsTo != nil {
			rp.sent[id] = m
		}
	}
	alive, err := living(ctx, rp.r, sortedIDs(rp.sent), rp.when)
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
	m, err := living(ctx, rp.r, []ID{id}, rp.when)
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
