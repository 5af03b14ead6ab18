package graph

import (
	"context"
	"slices"
)

// nearDegree is the most relations an end may have for throughNeighbours
// to read them all. The search reads them anyway, as its first step grows
// the end with fewer relations; the bound keeps in proportion what the
// step reads besides for each neighbour. At 10^6 relations the countries
// whose paths run through hubs have from a few to about two thousand
// relations, and one read of two thousand slim relations takes a few
// milliseconds. A neighbour of more than nearDegree relations is a hub,
// never read by the step (see joinsTo).
const nearDegree = 2000

// throughNeighbours goes one relation further than direct and
// throughMissions, from the end with fewer relations when it has no more
// than nearDegree: it reads that end's relations, then the relations
// joining each of its neighbours to the far end, each from whichever side
// has fewer (see joinsTo), which gives every path of two relations; and
// if those are too few, the missions between each neighbour and the far
// end, from the pair index, which give some of three. A hub in the
// middle of such a path is not read. found holds every path of one
// relation and some of two, in order (see shortcut); throughNeighbours
// returns them followed by the other paths of two relations, then those
// of three, each length in comparePaths order, and done when they are the
// answer: when there are q.First of them, as every shorter path is among
// them, or when q.MaxLength is 2 and every path there is has been found.
// Otherwise they are still the shortest paths in order, and Yen's
// algorithm goes on from them.
func (s *pathSearch) throughNeighbours(ctx context.Context, q PathQuery, found []Path) ([]Path, bool, error) {
	end, far, err := s.endWithFewerRelations(ctx, q.From, q.To)
	if err != nil {
		return nil, false, err
	}
	if s.deg[end] > nearDegree {
		return found, false, nil
	}
	links, err := s.links(ctx, end)
	if err != nil {
		return nil, false, err
	}
	joins, err := s.joinsTo(ctx, links, far)
	if err != nil {
		return nil, false, err
	}
	known := map[string]bool{}
	for _, p := range found {
		known[pathKey(p)] = true
	}
	var two []Path
	for _, l := range links {
		for _, rel := range joins[l.other] {
			p := Path{Nodes: []ID{end, l.other, far}, Relations: []*Relation{l.rel, rel}}
			if end != q.From {
				p = reversed(p)
			}
			if k := pathKey(p); !known[k] {
				known[k] = true
				two = append(two, p)
			}
		}
	}
	slices.SortFunc(two, comparePaths)
	found = append(found, two...)
	if len(found) >= q.First {
		return found[:q.First], true, nil
	}
	if q.MaxLength == 2 {
		return found, true, nil
	}
	three, err := s.throughNeighbourMissions(ctx, end, far, links, q.First-len(found))
	if err != nil {
		return nil, false, err
	}
	if end != q.From {
		for i, p := range three {
			three[i] = reversed(p)
		}
	}
	slices.SortFunc(three, comparePaths)
	found = append(found, three...)
	if len(found) >= q.First {
		return found[:q.First], true, nil
	}
	return found, false, nil
}

// maxNeighbourMissions is the most states and organisations among an
// end's neighbours whose missions to and from the far end
// throughNeighbourMissions looks up: two reads of the pair index each,
// about a millisecond for all of them.
const maxNeighbourMissions = 64

// throughNeighbourMissions returns up to need paths of three relations
// from end to far: end, a state or organisation joined to it, a mission
// that one sent to far or far sent to it, far. The pair index lists the
// missions, so the state in the middle, however many relations it has,
// is not read. It looks only if end has no more than maxNeighbourMissions
// such neighbours, and the paths it returns are some of those of three
// relations, not all: those through the middles in id order, then
// through their missions in id order, as far as need takes them.
func (s *pathSearch) throughNeighbourMissions(ctx context.Context, end, far ID, links []link, need int) ([]Path, error) {
	var middles []ID
	for _, l := range links {
		// links are sorted by the entity at their other end.
		if l.other != far && slices.Contains(actors, l.other.Kind()) && (len(middles) == 0 || middles[len(middles)-1] != l.other) {
			middles = append(middles, l.other)
		}
	}
	if len(middles) > maxNeighbourMissions {
		return nil, nil
	}
	var paths []Path
	for _, x := range middles {
		var missions []ID
		for _, pair := range [][2]ID{{x, far}, {far, x}} {
			ms, err := s.r.MissionsOf(ctx, pair[0], pair[1])
			if err != nil {
				return nil, err
			}
			missions = append(missions, ms...)
		}
		if len(missions) == 0 {
			continue
		}
		slices.Sort(missions)
		missions = slices.Compact(missions)
		// Missions enough for the paths needed, if each gives one.
		missions = missions[:min(len(missions), max(need-len(paths), 8))]
		if !s.when.AsOf.IsZero() {
			alive, err := living(ctx, s.r, missions, s.when)
			if err != nil {
				return nil, err
			}
			missions = slices.DeleteFunc(missions, func(m ID) bool { return alive[m] == nil })
		}
		if err := s.load(ctx, missions); err != nil {
			return nil, err
		}
		// links and each mission's links are sorted by the entity at
		// their other end, then by relation id.
		for _, l := range links {
			if l.other != x {
				continue
			}
			for _, m := range missions {
				for _, a := range s.adj[m] {
					if a.other != x {
						continue
					}
					for _, b := range s.adj[m] {
						if b.other == far {
							paths = append(paths, Path{Nodes: []ID{end, x, m, far}, Relations: []*Relation{l.rel, a.rel, b.rel}})
						}
					}
				}
			}
		}
		if len(paths) >= need {
			return paths[:need], nil
		}
	}
	return paths, nil
}

// reversed returns p run from its last entity to its first.
func reversed(p Path) Path {
	r := Path{Nodes: slices.Clone(p.Nodes), Relations: slices.Clone(p.Relations)}
	slices.Reverse(r.Nodes)
	slices.Reverse(r.Relations)
	return r
}

// joinsTo returns, for each entity at the other end of links but far, the
// relations joining it to far that a path may follow. It reads them from
// whichever side costs fewer relations, as the search would grow the
// cheaper of two frontiers: far's relations whole, if it has fewer than
// the neighbours together; otherwise each neighbour's own relations if it
// has no more than far nor than nearDegree, and for the other neighbours
// far's relations of the types that may join their kinds, so that a hub
// among the neighbours is never read.
func (s *pathSearch) joinsTo(ctx context.Context, links []link, far ID) (map[ID][]*Relation, error) {
	var neighbours []ID
	for _, l := range links {
		if l.other != far && (len(neighbours) == 0 || neighbours[len(neighbours)-1] != l.other) {
			neighbours = append(neighbours, l.other) // links are sorted by the other end
		}
	}
	joins := map[ID][]*Relation{}
	if len(neighbours) == 0 {
		return joins, nil
	}
	// A neighbour is read if it has no more relations than far, nor than
	// nearDegree; for the others, the hubs, far's relations of the types
	// that may join them are read, which are few beside a hub's missions
	// and not counted here.
	read := func(x ID) bool { return s.deg[x] <= min(s.deg[far], nearDegree) }
	readFar, err := s.cheaperToReadWhole(ctx, far, neighbours, read)
	if err != nil {
		return nil, err
	}
	if readFar {
		farLinks, err := s.links(ctx, far)
		if err != nil {
			return nil, err
		}
		for _, l := range farLinks {
			if _, ok := slices.BinarySearch(neighbours, l.other); ok {
				joins[l.other] = append(joins[l.other], l.rel)
			}
		}
		return joins, nil
	}
	if err := s.degrees(ctx, neighbours); err != nil {
		return nil, err
	}
	var small []ID
	hubs := map[ID]bool{}
	var hubKinds []Kind
	for _, x := range neighbours {
		if read(x) {
			small = append(small, x)
			continue
		}
		hubs[x] = true
		if !slices.Contains(hubKinds, x.Kind()) {
			hubKinds = append(hubKinds, x.Kind())
		}
	}
	if err := s.load(ctx, small); err != nil {
		return nil, err
	}
	for _, x := range small {
		for _, l := range s.adj[x] {
			if l.other == far {
				joins[x] = append(joins[x], l.rel)
			}
		}
	}
	// One read of far's relations for the hubs of each kind.
	for _, kind := range hubKinds {
		types := typesJoining(kind, far.Kind(), s.types)
		if len(types) == 0 {
			continue
		}
		rq := RelationQuery{Of: far, Direction: Both, Types: types, AsOf: s.when.AsOf, Possible: s.when.Possible, First: MaxPageSize, Slim: true}
		if err := s.eachRelation(ctx, rq, func(rel *Relation) {
			if o := rel.Other(far); hubs[o] && o.Kind() == kind {
				joins[o] = append(joins[o], rel)
			}
		}); err != nil {
			return nil, err
		}
	}
	return joins, nil
}

// cheaperToReadWhole reports whether reading far's relations costs no
// more than reading those of the neighbours that read admits. Each
// neighbour costs at least one relation, its link to the near end; past
// maxNeighbourSample neighbours it weighs an even sample of them, whose
// degrees it reads, and scales their cost, as cost does for a frontier.
func (s *pathSearch) cheaperToReadWhole(ctx context.Context, far ID, neighbours []ID, read func(ID) bool) (bool, error) {
	if s.deg[far] <= len(neighbours) {
		return true, nil
	}
	sample, scale := neighbours, 1.0
	if len(neighbours) > maxNeighbourSample {
		sample = make([]ID, maxNeighbourSample)
		for i := range sample {
			sample[i] = neighbours[i*len(neighbours)/maxNeighbourSample]
		}
		scale = float64(len(neighbours)) / maxNeighbourSample
	}
	if err := s.degrees(ctx, sample); err != nil {
		return false, err
	}
	cost := 0.0
	for _, x := range sample {
		if read(x) {
			cost += float64(s.deg[x]) * scale
		}
	}
	return float64(s.deg[far]) <= cost, nil
}

// maxNeighbourSample is the most neighbours whose degrees
// cheaperToReadWhole reads.
const maxNeighbourSample = 64

// degrees reads into s.deg the degrees of the entities in ids it does not
// hold yet.
func (s *pathSearch) degrees(ctx context.Context, ids []ID) error {
	var missing []ID
	for _, id := range ids {
		if _, ok := s.deg[id]; !ok {
			missing = append(missing, id)
		}
	}
	for chunk := range slices.Chunk(missing, MaxPageSize) {
		deg, err := s.r.Degrees(ctx, chunk)
		if err != nil {
			return err
		}
		for _, id := range chunk {
			s.deg[id] = deg[id]
		}
	}
	return nil
}

// eachRelation calls f with every relation rq lists, page by page,
// counting them against maxPathReads.
func (s *pathSearch) eachRelation(ctx context.Context, rq RelationQuery, f func(*Relation)) error {
	for {
		page, err := s.r.Relations(ctx, rq)
		if err != nil {
			return err
		}
		if s.read += len(page.Relations); s.read > maxPathReads {
			return errTooManyReads
		}
		for _, rel := range page.Relations {
			f(rel)
		}
		if !page.HasNext {
			return nil
		}
		rq.After = page.Cursors[len(page.Cursors)-1]
	}
}
