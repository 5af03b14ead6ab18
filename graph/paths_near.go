package graph

import (
	"context"
	"slices"
)

// nearDegree is the most relations an end may have for throughNeighbours
// to read them all. The search reads them anyway, as its first step grows
// the end with fewer relations; the bound keeps the step's other reads,
// one degree for each neighbour, in proportion. At 10^6 relations the
// countries whose paths run through hubs have from a few to about two
// thousand relations, and one read of two thousand slim relations takes a
// few milliseconds.
const nearDegree = 2000

// throughNeighbours completes, from the end with fewer relations when it
// has no more than nearDegree, the paths of two relations: it reads that
// end's relations, then the relations joining each of its neighbours to
// the far end, each from whichever side has fewer, so that the path
// through a hub of a hundred thousand relations is found without reading
// the hub. found holds every path of one relation and some of two, in
// order (see shortcut); throughNeighbours returns them followed by the
// other paths of two relations, shortest first, ties in comparePaths
// order, and done when those are the answer: when there are q.First of
// them, or when q.MaxLength is 2, as then every path there is has been
// found. Otherwise they are all the paths of one and two relations, and
// Yen's algorithm goes on from them.
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
				p = Path{Nodes: []ID{far, l.other, end}, Relations: []*Relation{rel, l.rel}}
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
	return found, q.MaxLength == 2, nil
}

// joinsTo returns, for each entity at the other end of links but far, the
// relations joining it to far that a path may follow. It reads them from
// whichever side costs fewer relations, as the search would grow the
// cheaper of two frontiers: far's relations whole, if it has fewer than
// the neighbours together; otherwise each neighbour's own relations if it
// has no more than far, and far's relations of the types that may join
// the two kinds for a neighbour with more, so that a hub among the
// neighbours is never read.
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
	if err := s.degrees(ctx, neighbours); err != nil {
		return nil, err
	}
	// What reading from the neighbours costs: the relations of each that
	// has no more than far, and for the others far's relations of a few
	// types, which are not counted.
	cost := 0
	for _, x := range neighbours {
		if s.deg[x] <= s.deg[far] {
			cost += s.deg[x]
		}
	}
	if s.deg[far] <= cost {
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
	var small []ID
	hubs := map[ID]bool{}
	var hubKinds []Kind
	for _, x := range neighbours {
		if s.deg[x] <= s.deg[far] {
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
