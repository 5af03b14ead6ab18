package graph

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
)

// Path is a simple path: Nodes[i] and Nodes[i+1] are joined by
// Relations[i], and no entity appears twice.
type Path struct {
	Nodes     []ID
	Relations []*Relation
}

// Len is the number of relations in the path.
func (p Path) Len() int { return len(p.Relations) }

// PathQuery asks for the shortest simple paths between two entities.
type PathQuery struct {
	From, To  ID
	MaxLength int            // 1..MaxPathLength relations
	Types     []RelationType // empty: every type
	AsOf      Date           // zero: all of history
	Possible  bool           // with AsOf, what may have held too; see When
	First     int            // 1..MaxPaths paths
}

// when is the moment the query asks about.
func (q PathQuery) when() When { return When{AsOf: q.AsOf, Possible: q.Possible} }

// Paths returns up to q.First simple paths from q.From to q.To of at most
// q.MaxLength relations, shortest first, ties in a fixed order. It finds the
// shortest with a bidirectional breadth-first search and the next ones with
// Yen's algorithm, so each path is a true next-shortest; between two states
// or organisations it first takes the paths of one, two and three
// relations that indexes list (see shortcut), and searches only if they
// are too few.
//
// A path is a chain of connections, so every relation can be followed from
// either end: a mission SENT_BY a country connects the country to the
// mission as much as the mission to the country. Each relation in the
// answer keeps its own from and to, which show its direction. As of a date,
// relations and entities outside their periods are left out, and so are
// the paths through them. No path within MaxLength is an empty answer.
func Paths(ctx context.Context, r Reader, q PathQuery) ([]Path, error) {
	return findPaths(ctx, r, q, true)
}

// findPaths is Paths, taking the paths that indexes list first (see
// shortcut) only if fromIndexes is set. Without, it is the search alone,
// which reads more to find paths of the same lengths; where there are
// more paths of the longest length than the answer holds, the two may
// choose different ones.
func findPaths(ctx context.Context, r Reader, q PathQuery, fromIndexes bool) ([]Path, error) {
	if q.MaxLength < 1 || q.MaxLength > MaxPathLength {
		return nil, Errorf(EINVALID, "maxLength is %d; it must be between 1 and %d", q.MaxLength, MaxPathLength)
	}
	if q.First < 1 || q.First > MaxPaths {
		return nil, Errorf(EINVALID, "first is %d; ask for between 1 and %d paths", q.First, MaxPaths)
	}
	ends, err := r.EntitiesByID(ctx, []ID{q.From, q.To})
	if err != nil {
		return nil, err
	}
	for _, id := range []ID{q.From, q.To} {
		if ends[id] == nil {
			return nil, Errorf(ENOTFOUND, "there is no entity %s", id)
		}
		if !q.when().Admits(ends[id].Period) {
			return []Path{}, nil
		}
	}
	if q.From == q.To {
		return []Path{{Nodes: []ID{q.From}}}, nil
	}
	// Two entities no chain of relations joins have no path, and a store
	// that keeps a record of which are joined says so without a search.
	if j, ok := r.(Joiner); ok {
		if joined, known := j.Joined(ctx, q.From, q.To); known && !joined {
			return []Path{}, nil
		}
	}
	s := &pathSearch{r: r, types: q.Types, when: q.when(), adj: map[ID][]link{}, deg: map[ID]int{}}
	var paths []Path
	done := false
	if fromIndexes {
		if paths, done, err = s.shortcut(ctx, q); err != nil {
			return nil, err
		}
	}
	if !done {
		if paths, err = s.yen(ctx, q, paths); err != nil {
			return nil, err
		}
	}
	// The search followed slim relations; those on the paths it returns
	// are read in full.
	rels := make([][]*Relation, len(paths))
	for i, p := range paths {
		rels[i] = p.Relations
	}
	return paths, completeRelations(ctx, r, rels...)
}

// Joiner is a Reader that may know whether any chain of relations, of any
// type at any time, joins two entities. Joined answers false only when
// none does; known is false when it cannot say now.
type Joiner interface {
	Joined(ctx context.Context, a, b ID) (joined, known bool)
}

// link is one relation seen from one of its ends.
type link struct {
	rel   *Relation
	other ID
}

// pathSearch holds the adjacency read so far, so that the searches of one
// query read each entity's relations once.
type pathSearch struct {
	r     Reader
	types []RelationType
	when  When
	adj   map[ID][]link
	deg   map[ID]int // degrees read so far, to weigh frontiers
	read  int        // relations read, against maxPathReads
}

// links returns the relations of id that a path may follow, sorted so that
// searches are deterministic.
func (s *pathSearch) links(ctx context.Context, id ID) ([]link, error) {
	if err := s.load(ctx, []ID{id}); err != nil {
		return nil, err
	}
	return s.adj[id], nil
}

// load reads the links of every entity in ids not read yet, in one read of
// their relations and one of the entities at their other ends: a search
// loads a whole frontier at once.
func (s *pathSearch) load(ctx context.Context, ids []ID) error {
	var missing []ID
	for _, id := range ids {
		if _, ok := s.adj[id]; !ok {
			s.adj[id] = nil // claimed: read below
			missing = append(missing, id)
		}
	}
	if len(s.adj) > maxPathVisits {
		return Errorf(EINVALID, "the search visited more than %d entities; narrow it with types, asOf or a smaller maxLength", maxPathVisits)
	}
	for chunk := range slices.Chunk(missing, frontierChunk) {
		if err := s.loadChunk(ctx, chunk); err != nil {
			return err
		}
	}
	return nil
}

// errTooManyReads is the error of a search that would read more than
// maxPathReads relations.
var errTooManyReads = Errorf(EINVALID, "the search would read more than %d relations; narrow it with types, asOf or a smaller maxLength", maxPathReads)

func (s *pathSearch) loadChunk(ctx context.Context, ids []ID) error {
	adj, err := slimAdjacency(ctx, s.r, ids, s.types, Both, s.when)
	if err != nil {
		return err
	}
	var others []ID
	for _, id := range ids {
		// A hub's relations are read in full, however many, within the
		// search's budget: a path through the ones past the first read
		// may well be the shortest.
		if adj[id].More {
			if err := s.readRest(ctx, id, adj[id]); err != nil {
				return err
			}
		}
		if s.read += len(adj[id].Relations); s.read > maxPathReads {
			return errTooManyReads
		}
		for _, rel := range adj[id].Relations {
			if o := rel.Other(id); o != id {
				others = append(others, o)
			}
		}
	}
	// Across all of history every end of a stored relation exists (the
	// store refuses relations to missing entities), so only a search as of
	// a date reads the entities at the far ends, for their periods.
	var alive map[ID]*Entity
	if !s.when.AsOf.IsZero() {
		var err error
		if alive, err = living(ctx, s.r, others, s.when); err != nil {
			return err
		}
	}
	for _, id := range ids {
		out := []link{}
		for _, rel := range adj[id].Relations {
			if o := rel.Other(id); o != id && (alive == nil || alive[o] != nil) {
				out = append(out, link{rel, o})
			}
		}
		slices.SortFunc(out, func(a, b link) int {
			if c := cmp.Compare(a.other, b.other); c != 0 {
				return c
			}
			return cmp.Compare(a.rel.ID, b.rel.ID)
		})
		s.adj[id] = out
	}
	return nil
}

// readRest reads the relations of id after those adj holds, page by page,
// until there are no more or the search's budget is spent.
func (s *pathSearch) readRest(ctx context.Context, id ID, adj *Adjacency) error {
	q := RelationQuery{Of: id, Direction: Both, Types: s.types, AsOf: s.when.AsOf, Possible: s.when.Possible, First: MaxPageSize, After: adj.Cursors[len(adj.Cursors)-1], Slim: true}
	for {
		if s.read+len(adj.Relations) > maxPathReads {
			return errTooManyReads
		}
		page, err := s.r.Relations(ctx, q)
		if err != nil {
			return err
		}
		adj.Relations = append(adj.Relations, page.Relations...)
		if !page.HasNext {
			adj.More = false
			return nil
		}
		q.After = page.Cursors[len(page.Cursors)-1]
	}
}

// reach is how a breadth-first search reached an entity.
type reach struct {
	prev  ID
	rel   *Relation
	depth int
}

// searchSide is one end of a bidirectional search: how it reached each
// entity it reached, the frontier it grows next and how far that is.
type searchSide struct {
	seen  map[ID]reach
	front []ID
	depth int
}

func newSearchSide(from ID) *searchSide {
	return &searchSide{seen: map[ID]reach{from: {}}, front: []ID{from}}
}

// shortest finds a shortest path from src to dst of at most maxLen
// relations that avoids the banned entities and relations, searching from
// both ends and always growing the smaller frontier.
func (s *pathSearch) shortest(ctx context.Context, src, dst ID, maxLen int, bannedNodes map[ID]bool, bannedRels map[string]bool) (Path, bool, error) {
	if src == dst {
		return Path{Nodes: []ID{src}}, true, nil
	}
	fwd, bwd := newSearchSide(src), newSearchSide(dst)
	for fwd.depth+bwd.depth < maxLen && len(fwd.front) > 0 && len(bwd.front) > 0 {
		if err := ctx.Err(); err != nil {
			return Path{}, false, err
		}
		side, other, err := s.cheaperSide(ctx, fwd, bwd)
		if err != nil {
			return Path{}, false, err
		}
		meets, err := s.grow(ctx, side, other, bannedNodes, bannedRels)
		if err != nil {
			return Path{}, false, err
		}
		if len(meets) > 0 {
			p, ok := closestMeeting(fwd, bwd, src, dst, meets, maxLen)
			return p, ok, nil
		}
	}
	return Path{}, false, nil
}

// cheaperSide returns the side of the search whose frontier reads fewer
// relations to grow (see cheaperForward), then the other.
func (s *pathSearch) cheaperSide(ctx context.Context, fwd, bwd *searchSide) (side, other *searchSide, err error) {
	forward, err := s.cheaperForward(ctx, fwd.front, bwd.front)
	if err != nil {
		return nil, nil, err
	}
	if forward {
		return fwd, bwd, nil
	}
	return bwd, fwd, nil
}

// grow moves side's frontier one relation further, along the links that
// are not banned to the entities it has not reached yet, and returns those
// of them that other has reached: where the two searches meet.
func (s *pathSearch) grow(ctx context.Context, side, other *searchSide, bannedNodes map[ID]bool, bannedRels map[string]bool) ([]ID, error) {
	if err := s.load(ctx, side.front); err != nil {
		return nil, err
	}
	depth := side.depth + 1
	var next, meets []ID
	for _, u := range side.front {
		links, err := s.links(ctx, u)
		if err != nil {
			return nil, err
		}
		for _, l := range links {
			if bannedNodes[l.other] || bannedRels[l.rel.ID] {
				continue
			}
			if _, ok := side.seen[l.other]; ok {
				continue
			}
			side.seen[l.other] = reach{prev: u, rel: l.rel, depth: depth}
			next = append(next, l.other)
			if _, ok := other.seen[l.other]; ok {
				meets = append(meets, l.other)
			}
		}
	}
	side.front, side.depth = next, depth
	return meets, nil
}

// closestMeeting returns the path from src to dst through the meeting
// point that makes it shortest (the least id of equals), and whether it
// has no more than maxLen relations.
func closestMeeting(fwd, bwd *searchSide, src, dst ID, meets []ID, maxLen int) (Path, bool) {
	length := func(id ID) int { return fwd.seen[id].depth + bwd.seen[id].depth }
	best := slices.MinFunc(meets, func(a, b ID) int {
		if c := cmp.Compare(length(a), length(b)); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	if length(best) > maxLen {
		return Path{}, false
	}
	return join(fwd.seen, bwd.seen, src, dst, best), true
}

// cheaperForward reports whether growing the forward frontier reads no
// more relations than growing the backward one, by the entities' degrees
// (those already read cost nothing). A hub of a million relations is one
// entity but the dearest of frontiers. Degrees are read only as far as the
// choice needs: a frontier costs at least one relation per entity not yet
// read, so the larger one's degrees are read only while they may still
// come to less.
func (s *pathSearch) cheaperForward(ctx context.Context, frontF, frontB []ID) (bool, error) {
	small, large := frontF, frontB
	if len(frontB) < len(frontF) {
		small, large = frontB, frontF
	}
	smallCost, err := s.cost(ctx, small, math.MaxInt)
	if err != nil {
		return false, err
	}
	unread := 0 // the larger frontier costs at least one relation for each
	for _, id := range large {
		if _, read := s.adj[id]; !read {
			unread++
		}
	}
	cheaper := true // whether small is the cheaper
	if smallCost > unread {
		largeCost, err := s.cost(ctx, large, smallCost)
		if err != nil {
			return false, err
		}
		cheaper = largeCost >= smallCost
	}
	// small is frontF unless frontB is strictly smaller.
	return cheaper == (len(frontF) <= len(frontB)), nil
}

// cost sums the degrees of the entities in front whose relations are not
// read yet, stopping once the sum passes limit. Of a frontier of more
// than maxDegreeSample such entities it reads the degrees of an even
// sample and scales their sum, so that weighing a frontier of a hundred
// thousand missions costs a thousand reads, not a hundred thousand.
func (s *pathSearch) cost(ctx context.Context, front []ID, limit int) (int, error) {
	var unread []ID
	for _, id := range front {
		if _, read := s.adj[id]; !read {
			unread = append(unread, id)
		}
	}
	sample, scale := unread, 1.0
	if len(unread) > maxDegreeSample {
		sample = make([]ID, maxDegreeSample)
		for i := range sample {
			sample[i] = unread[i*len(unread)/maxDegreeSample]
		}
		scale = float64(len(unread)) / maxDegreeSample
	}
	sum := 0.0
	for chunk := range slices.Chunk(sample, frontierChunk) {
		var missing []ID
		for _, id := range chunk {
			if d, ok := s.deg[id]; ok {
				sum += float64(d) * scale
			} else {
				missing = append(missing, id)
			}
		}
		if len(missing) > 0 {
			deg, err := s.r.Degrees(ctx, missing)
			if err != nil {
				return 0, err
			}
			for _, id := range missing {
				s.deg[id] = deg[id]
				sum += float64(deg[id]) * scale
			}
		}
		if sum > float64(limit) {
			break
		}
	}
	return int(min(sum, math.MaxInt/2)), nil
}

// maxDegreeSample is the most degrees cost reads to weigh one frontier.
const maxDegreeSample = 1024

// join builds the path src..meet..dst from the two search trees.
func join(fwd, bwd map[ID]reach, src, dst, meet ID) Path {
	var p Path
	for id := meet; id != src; id = fwd[id].prev {
		p.Nodes = append(p.Nodes, id)
		p.Relations = append(p.Relations, fwd[id].rel)
	}
	p.Nodes = append(p.Nodes, src)
	slices.Reverse(p.Nodes)
	slices.Reverse(p.Relations)
	for id := meet; id != dst; {
		step := bwd[id]
		p.Relations = append(p.Relations, step.rel)
		p.Nodes = append(p.Nodes, step.prev)
		id = step.prev
	}
	return p
}

// shortcut finds, between two states or organisations, the paths of one,
// two and three relations that indexes list without a search, which between
// two countries with thousands of missions each would read all of one's
// relations and then the other's. It reads every relation joining the two
// (from the end with fewer relations, and only of the types that may join
// their kinds) and then, if those are fewer than q.First, the missions
// either one sent to the other, each a path of two relations. It returns
// them shortest first, and done when they are the answer: when there are
// q.First of them, as no path is shorter than one relation and none is
// between one and two, or when q.MaxLength is 1 and every path of one
// relation is there. Otherwise throughNeighbours goes one relation
// further, from the neighbours of the end with fewer relations, and
// answers for shortcut.
func (s *pathSearch) shortcut(ctx context.Context, q PathQuery) ([]Path, bool, error) {
	if !slices.Contains(actors, q.From.Kind()) || !slices.Contains(actors, q.To.Kind()) {
		return nil, false, nil
	}
	found, err := s.direct(ctx, q)
	if err != nil {
		return nil, false, err
	}
	if len(found) >= q.First {
		return found[:q.First], true, nil
	}
	if q.MaxLength == 1 {
		return found, true, nil
	}
	two, err := s.throughMissions(ctx, q, q.First-len(found))
	if err != nil {
		return nil, false, err
	}
	found = append(found, two...)
	if len(found) >= q.First {
		return found[:q.First], true, nil
	}
	return s.throughNeighbours(ctx, q, found)
}

// direct returns the paths of one relation from q.From to q.To, in order:
// every relation joining the two, of the types that may join their kinds,
// read from the end with fewer relations.
func (s *pathSearch) direct(ctx context.Context, q PathQuery) ([]Path, error) {
	types := typesJoining(q.From.Kind(), q.To.Kind(), q.Types)
	if len(types) == 0 {
		return nil, nil
	}
	end, far, err := s.endWithFewerRelations(ctx, q.From, q.To)
	if err != nil {
		return nil, err
	}
	rq := RelationQuery{Of: end, Direction: Both, Types: types, AsOf: q.AsOf, Possible: q.Possible, First: MaxPageSize, Slim: true}
	rels, err := s.relationsTo(ctx, rq, far)
	if err != nil {
		return nil, err
	}
	var found []Path
	for _, rel := range rels {
		found = append(found, Path{Nodes: []ID{q.From, q.To}, Relations: []*Relation{rel}})
	}
	slices.SortFunc(found, comparePaths)
	return found, nil
}

// endWithFewerRelations reads the degrees of from and to, keeping them
// for the search should one follow, and returns the one with fewer
// relations (from if neither has), then the other.
func (s *pathSearch) endWithFewerRelations(ctx context.Context, from, to ID) (end, far ID, err error) {
	if err := s.degrees(ctx, []ID{from, to}); err != nil {
		return "", "", err
	}
	if s.deg[to] < s.deg[from] {
		return to, from, nil
	}
	return from, to, nil
}

// relationsTo reads every page of the relations rq asks for, counting them
// against maxPathReads, and returns those whose other end is far.
func (s *pathSearch) relationsTo(ctx context.Context, rq RelationQuery, far ID) ([]*Relation, error) {
	var rels []*Relation
	for {
		page, err := s.r.Relations(ctx, rq)
		if err != nil {
			return nil, err
		}
		if s.read += len(page.Relations); s.read > maxPathReads {
			return nil, errTooManyReads
		}
		for _, rel := range page.Relations {
			if rel.Other(rq.Of) == far {
				rels = append(rels, rel)
			}
		}
		if !page.HasNext {
			return rels, nil
		}
		rq.After = page.Cursors[len(page.Cursors)-1]
	}
}

// throughMissions returns up to need paths q.From, mission, q.To through
// the missions either one sent to the other, as the pair index lists them,
// of the relations and missions that hold as of q.AsOf and have q.Types:
// by mission id, then by the relations' ids. Between two large countries
// there may be hundreds of such missions, and it reads only as many as
// the paths asked for need.
func (s *pathSearch) throughMissions(ctx context.Context, q PathQuery, need int) ([]Path, error) {
	var missions []ID
	for _, pair := range [][2]ID{{q.From, q.To}, {q.To, q.From}} {
		ms, err := s.r.MissionsOf(ctx, pair[0], pair[1])
		if err != nil {
			return nil, err
		}
		missions = append(missions, ms...)
	}
	slices.Sort(missions)
	missions = slices.Compact(missions)
	var paths []Path
	for chunk := range slices.Chunk(missions, max(need, 8)) {
		if !s.when.AsOf.IsZero() {
			alive, err := living(ctx, s.r, chunk, s.when)
			if err != nil {
				return nil, err
			}
			chunk = slices.DeleteFunc(chunk, func(m ID) bool { return alive[m] == nil })
		}
		if err := s.load(ctx, chunk); err != nil {
			return nil, err
		}
		for _, m := range chunk {
			// s.adj lists m's links by the entity at their other end,
			// then by relation id.
			for _, a := range s.adj[m] {
				if a.other != q.From {
					continue
				}
				for _, b := range s.adj[m] {
					if b.other == q.To {
						paths = append(paths, Path{Nodes: []ID{q.From, m, q.To}, Relations: []*Relation{a.rel, b.rel}})
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

// yen finds the q.First shortest simple paths: each next path is the
// shortest that leaves an earlier one at some entity (the spur) after
// following it from the start (the root), with the relations that earlier
// paths took from that root, and the root's entities, banned. It starts
// from found, the shortest paths in order if any are known already (see
// shortcut), and otherwise searches for the first.
func (s *pathSearch) yen(ctx context.Context, q PathQuery, found []Path) ([]Path, error) {
	if len(found) == 0 {
		first, ok, err := s.shortest(ctx, q.From, q.To, q.MaxLength, nil, nil)
		if err != nil || !ok {
			return []Path{}, err
		}
		found = []Path{first}
	}
	var candidates []Path
	known := map[string]bool{}
	for _, p := range found {
		known[pathKey(p)] = true
	}
	for spurred := 0; len(found) < q.First; {
		for ; spurred < len(found); spurred++ {
			var err error
			if candidates, err = s.spurs(ctx, q, found[:spurred+1], candidates, known); err != nil {
				return nil, err
			}
		}
		if len(candidates) == 0 {
			break
		}
		slices.SortFunc(candidates, comparePaths)
		found = append(found, candidates[0])
		candidates = candidates[1:]
	}
	return found, nil
}

// spurs adds to candidates the shortest deviation from the last of found
// at each of its entities, as one round of Yen's algorithm does, leaving
// out the paths in known and adding the new ones to it.
func (s *pathSearch) spurs(ctx context.Context, q PathQuery, found, candidates []Path, known map[string]bool) ([]Path, error) {
	last := found[len(found)-1]
	for i := 0; i < len(last.Nodes)-1; i++ {
		spur := last.Nodes[i]
		root := last.Nodes[:i+1]
		bannedRels := map[string]bool{}
		for _, p := range found {
			if len(p.Nodes) > i+1 && slices.Equal(p.Nodes[:i+1], root) &&
				slices.Equal(p.Relations[:i], last.Relations[:i]) {
				bannedRels[p.Relations[i].ID] = true
			}
		}
		bannedNodes := map[ID]bool{}
		for _, id := range root[:i] {
			bannedNodes[id] = true
		}
		tail, ok, err := s.shortest(ctx, spur, q.To, q.MaxLength-i, bannedNodes, bannedRels)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		p := Path{
			Nodes:     append(slices.Clone(root[:i]), tail.Nodes...),
			Relations: append(slices.Clone(last.Relations[:i]), tail.Relations...),
		}
		if k := pathKey(p); !known[k] {
			known[k] = true
			candidates = append(candidates, p)
		}
	}
	return candidates, nil
}

// comparePaths orders paths by length, then by their entity ids and
// relation ids, so answers are stable.
func comparePaths(a, b Path) int {
	if c := cmp.Compare(a.Len(), b.Len()); c != 0 {
		return c
	}
	return cmp.Compare(pathKey(a), pathKey(b))
}

// pathKey identifies a path by what it passes through.
func pathKey(p Path) string {
	var b strings.Builder
	for i, id := range p.Nodes {
		b.WriteString(string(id))
		if i < len(p.Relations) {
			b.WriteString(" " + p.Relations[i].ID + " ")
		}
	}
	return b.String()
}
