package graph

import (
	"cmp"
	"context"
	"slices"
)

// LineageStep is one member of a lineage: the entity, and how it follows
// the member before it (nil Relation and empty Change for the first).
type LineageStep struct {
	Entity   *Entity
	Change   RelationType
	Date     Date
	Relation *Relation
	// Conflicts are the other relations that join the entity to the same
	// older member with another date or change: sources that disagree
	// about the step (a renaming in 1986 by one account, in 1997 by
	// another), each kept with its own source. Relation is the newest.
	Conflicts []*Relation
}

// Lineage returns the whole chain of names and statuses of the body id
// belongs to: every entity joined to it, directly or not, by RENAMED_FROM,
// UPGRADED_FROM, DOWNGRADED_FROM or REPLACES, in either direction. The chain
// is the same whichever member is asked for. It runs oldest first: a member
// comes after every member it was renamed, upgraded or downgraded from or
// replaced; members that do not depend on each other are ordered by date,
// then id. An entity with no lineage relations is a chain of one.
func Lineage(ctx context.Context, r Reader, id ID) ([]LineageStep, error) {
	start, err := r.Entity(ctx, id)
	if err != nil {
		return nil, err
	}
	members := map[ID]*Entity{id: start}
	// older[x] are the relations from x to a member it followed.
	older := map[ID][]*Relation{}
	seen := map[string]bool{}
	level := []ID{id}
	for len(level) > 0 {
		adj, err := adjacency(ctx, r, level, LineageTypes, Both, When{})
		if err != nil {
			return nil, err
		}
		var next []ID
		for _, cur := range level {
			for _, rel := range adj[cur].Relations {
				if seen[rel.ID] {
					continue
				}
				seen[rel.ID] = true
				older[rel.From] = append(older[rel.From], rel)
				other := rel.Other(cur)
				if _, ok := members[other]; !ok && !slices.Contains(next, other) {
					next = append(next, other)
				}
			}
		}
		if len(members)+len(next) > MaxLineage {
			return nil, Errorf(EINVALID, "the lineage of %s has more than %d members; ask about a narrower part of it", id, MaxLineage)
		}
		found, err := r.EntitiesByID(ctx, next)
		if err != nil {
			return nil, err
		}
		level = nil
		for _, n := range next {
			if e := found[n]; e != nil {
				members[n] = e
				level = append(level, n)
			}
		}
	}
	return orderLineage(members, older), nil
}

// orderLineage sorts the members oldest first (Kahn's algorithm over the
// "followed" edges, with ties broken by date and id).
func orderLineage(members map[ID]*Entity, older map[ID][]*Relation) []LineageStep {
	o := newLineageOrder(members, older)
	out := o.inOrder()
	// Members on a cycle (which the seed checker rejects, but imported data
	// might hold) never become ready; list them last rather than lose them.
	if len(out) < len(members) {
		out = append(out, o.onCycles()...)
	}
	return out
}

// lineageOrder is what orderLineage knows of the "followed" edges between
// the members of a lineage.
type lineageOrder struct {
	members map[ID]*Entity
	older   map[ID][]*Relation // each member's relations to those it followed
	newer   map[ID][]*Relation // the relations of the members that followed each
	waiting map[ID]int         // how many older members each still waits for
	// via[x] is the relation that brought x into the chain: its newest
	// link to an older member.
	via map[ID]*Relation
}

func newLineageOrder(members map[ID]*Entity, older map[ID][]*Relation) *lineageOrder {
	o := &lineageOrder{members: members, older: older, newer: map[ID][]*Relation{}, waiting: map[ID]int{}, via: map[ID]*Relation{}}
	for from, rels := range older {
		for _, rel := range rels {
			if members[rel.To] == nil || members[from] == nil {
				continue
			}
			o.waiting[from]++
			o.newer[rel.To] = append(o.newer[rel.To], rel)
		}
	}
	for from, rels := range older {
		for _, rel := range rels {
			if members[rel.To] != nil && (o.via[from] == nil || rel.Period.From.First() > o.via[from].Period.From.First()) {
				o.via[from] = rel
			}
		}
	}
	return o
}

// inOrder lists the members that follow no cycle, each after those it
// followed, the oldest first of those whose turn it is.
func (o *lineageOrder) inOrder() []LineageStep {
	var ready []ID
	for id := range o.members {
		if o.waiting[id] == 0 {
			ready = append(ready, id)
		}
	}
	var out []LineageStep
	for len(ready) > 0 {
		slices.SortFunc(ready, o.byAge)
		id := ready[0]
		ready = ready[1:]
		out = append(out, o.stepWithConflicts(id))
		ready = append(ready, o.release(id)...)
	}
	return out
}

// release notes that id has its place, and returns the members that
// followed it and now wait for no one.
func (o *lineageOrder) release(id ID) []ID {
	var ready []ID
	for _, rel := range o.newer[id] {
		if o.waiting[rel.From]--; o.waiting[rel.From] == 0 {
			ready = append(ready, rel.From)
		}
	}
	return ready
}

// onCycles lists, oldest first, the members inOrder could not place, as
// they still wait for one another.
func (o *lineageOrder) onCycles() []LineageStep {
	var rest []ID
	for id := range o.members {
		if o.waiting[id] > 0 {
			rest = append(rest, id)
		}
	}
	slices.SortFunc(rest, o.byAge)
	out := make([]LineageStep, 0, len(rest))
	for _, id := range rest {
		out = append(out, o.step(id))
	}
	return out
}

// step is id's place in the lineage: the member and the change that
// brought it into the chain.
func (o *lineageOrder) step(id ID) LineageStep {
	step := LineageStep{Entity: o.members[id]}
	if rel := o.via[id]; rel != nil {
		step.Change, step.Date, step.Relation = rel.Type, rel.Period.From, rel
	}
	return step
}

// stepWithConflicts is step with the other relations that say id
// followed the same member, in id order.
func (o *lineageOrder) stepWithConflicts(id ID) LineageStep {
	step := o.step(id)
	if rel := step.Relation; rel != nil {
		for _, other := range o.older[id] {
			if other != rel && other.To == rel.To {
				step.Conflicts = append(step.Conflicts, other)
			}
		}
		slices.SortFunc(step.Conflicts, func(a, b *Relation) int { return cmp.Compare(a.ID, b.ID) })
	}
	return step
}

// byAge orders members by the date they came into the chain, then by id.
func (o *lineageOrder) byAge(a, b ID) int {
	if c := cmp.Compare(o.date(a).First(), o.date(b).First()); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}

// date is when id came into the chain: when the relation that brought it
// began, or else when id itself began.
func (o *lineageOrder) date(id ID) Date {
	if rel := o.via[id]; rel != nil && !rel.Period.From.IsZero() {
		return rel.Period.From
	}
	return o.members[id].Period.From
}
