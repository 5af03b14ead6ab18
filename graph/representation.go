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
	if err := rp.protectingPowers(ctx); err != nil {
		return nil, err
	}
	if err := rp.deFacto(ctx); err != nil {
		return nil, err
	}
	if err := rp.missions(ctx); err != nil {
		return nil, err
	}
	return rp.out, nil
}

type representer struct {
	r      Reader
	of, in ID
	asOf   Date
	out    []Representation
	done   map[ID]bool // missions already accounted for
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

// sent lists the missions of `of` accredited to `in`, with the SENT_BY and
// ACCREDITS_TO relations that make them so.
func (rp *representer) sent(ctx context.Context) (map[ID][2]*Relation, error) {
	sentBy, err := rp.towards(ctx, rp.of, SentBy)
	if err != nil {
		return nil, err
	}
	accredited, err := rp.towards(ctx, rp.in, AccreditsTo)
	if err != nil {
		return nil, err
	}
	byMission := map[ID]*Relation{}
	for _, rel := range sentBy {
		byMission[rel.From] = rel
	}
	out := map[ID][2]*Relation{}
	for _, rel := range accredited {
		if s := byMission[rel.From]; s != nil {
			out[rel.From] = [2]*Relation{s, rel}
		}
	}
	return out, nil
}

func (rp *representer) protectingPowers(ctx context.Context) error {
	protects, err := rp.towards(ctx, rp.of, Protects)
	if err != nil {
		return err
	}
	sent, err := rp.sent(ctx)
	if err != nil {
		return err
	}
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
		rep := Representation{Kind: ProtectingPower, Via: power, Relations: []*Relation{p}}
		// The section that acts for `of`: one of its missions accredited to
		// `in` that is a section of a mission sent by the power.
		for _, id := range sortedIDs(sent) {
			sections, err := rp.from(ctx, id, SectionOf)
			if err != nil {
				return err
			}
			for _, sec := range sections {
				parentSenders, err := rp.from(ctx, sec.To, SentBy)
				if err != nil {
					return err
				}
				if !slices.ContainsFunc(parentSenders, func(r *Relation) bool { return r.To == power.ID }) {
					continue
				}
				m, err := rp.living(ctx, id)
				if err != nil {
					return err
				}
				if m != nil && rep.Mission == nil {
					rep.Mission = m
					rep.Relations = append(rep.Relations, sec, sent[id][0], sent[id][1])
					rp.done[id] = true
				}
			}
		}
		rp.out = append(rp.out, rep)
	}
	return nil
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
	sent, err := rp.sent(ctx)
	if err != nil {
		return err
	}
	for _, id := range sortedIDs(sent) {
		if rp.done[id] {
			continue
		}
		m, err := rp.living(ctx, id)
		if err != nil {
			return err
		}
		if m == nil {
			continue
		}
		rels := []*Relation{sent[id][0], sent[id][1]}
		kind := Direct
		where, path, err := rp.country(ctx, id)
		if err != nil {
			return err
		}
		rels = append(rels, path...)
		switch {
		case !m.Official || m.MissionType == InterestsSection:
			kind = DeFacto
		case where != "" && where != rp.in:
			kind = NonResident
		}
		rp.out = append(rp.out, Representation{Kind: kind, Mission: m, Relations: rels})
	}
	return nil
}

// country follows LOCATED_IN from a mission (through its city) to the
// country or territory it sits in, or "" if nothing says.
func (rp *representer) country(ctx context.Context, id ID) (ID, []*Relation, error) {
	var path []*Relation
	for range 3 {
		locs, err := rp.from(ctx, id, LocatedIn)
		if err != nil || len(locs) == 0 {
			return "", nil, err
		}
		path = append(path, locs[0])
		id = locs[0].To
		if k := id.Kind(); k == Country || k == Territory {
			return id, path, nil
		}
	}
	return "", nil, nil
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
