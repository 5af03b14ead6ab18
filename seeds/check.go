package seeds

import (
	"fmt"
	"maps"
	"slices"

	"github.com/chancery/chancery/graph"
)

// Check finds what is wrong across a set of seed files: duplicate ids,
// references to entities that do not exist, relations between kinds their
// type does not allow, relations dated outside the life of their ends, a
// fact stated twice, and RENAMED_FROM chains that loop. Problems within a
// single entry (malformed dates, missing sources) are found by Parse.
func Check(set *Set) []Problem {
	var problems []Problem
	add := func(at Position, format string, args ...any) {
		problems = append(problems, Problem{at, fmt.Sprintf(format, args...)})
	}
	entities := map[graph.ID]*graph.Entity{}
	where := map[graph.ID]Position{}
	for _, f := range set.Files {
		for i, e := range f.Entities {
			if e.ID == "" {
				continue
			}
			if first, dup := where[e.ID]; dup {
				add(f.EntityAt[i], "entity %s is already defined at %s", e.ID, first)
				continue
			}
			entities[e.ID], where[e.ID] = e, f.EntityAt[i]
		}
	}
	kindOf := func(id graph.ID) (graph.Kind, bool) {
		e, ok := entities[id]
		if !ok {
			return "", false
		}
		return e.Kind, true
	}
	stated := map[string]Position{}
	renamedFrom := map[graph.ID][]renaming{}
	for _, f := range set.Files {
		for i, r := range f.Relations {
			at := f.RelationAt[i]
			if r.Type == "" || r.From == "" || r.To == "" || len(r.Sources) == 0 || r.Period.Validate() != nil {
				continue // Parse has reported it
			}
			r.Normalize()
			if err := r.Validate(kindOf); err != nil {
				add(at, "%s", graph.ErrorMessage(err))
				continue
			}
			if first, dup := stated[r.ID]; dup {
				add(at, "%s is already stated at %s; give one relation all its sources", r.DescribeKebab(), first)
				continue
			}
			stated[r.ID] = at
			for _, end := range []graph.ID{r.From, r.To} {
				if err := r.CheckLife(entities[end]); err != nil {
					add(at, "%s", graph.ErrorMessage(err))
				} else if msg := knownOutsideLife(r, entities[end]); msg != "" {
					add(at, "%s", msg)
				}
			}
			if r.Type == graph.RenamedFrom {
				renamedFrom[r.From] = append(renamedFrom[r.From], renaming{r.To, at})
			}
		}
	}
	for _, loop := range renameLoops(renamedFrom) {
		add(loop.at, "renamed-from loops: %v returns to %s; a body cannot have been renamed from its own later name", loop.ids, loop.ids[0])
	}
	return problems
}

// renaming is one RENAMED_FROM edge and where it was written.
type renaming struct {
	old graph.ID
	at  Position
}

// renameLoop is a cycle of RENAMED_FROM edges and the edge that closes it.
type renameLoop struct {
	ids []graph.ID
	at  Position
}

// renameLoops returns each cycle of the renamed-from graph once.
func renameLoops(next map[graph.ID][]renaming) []renameLoop {
	const (
		unseen = iota
		onPath
		done
	)
	state := map[graph.ID]int{}
	var loops []renameLoop
	var path []graph.ID
	var visit func(graph.ID)
	visit = func(id graph.ID) {
		state[id] = onPath
		path = append(path, id)
		for _, n := range next[id] {
			switch state[n.old] {
			case unseen:
				visit(n.old)
			case onPath:
				i := slices.Index(path, n.old)
				loops = append(loops, renameLoop{slices.Clone(path[i:]), n.at})
			}
		}
		path = path[:len(path)-1]
		state[id] = done
	}
	for _, id := range slices.Sorted(maps.Keys(next)) {
		if state[id] == unseen {
			visit(id)
		}
	}
	return loops
}

// knownOutsideLife says why relation r would be known to hold on a day
// its end e is ruled out (before e began or after it ended, as stated),
// or "" if it would not: the relation is attested, or open, past the life
// of what it joins, as a fact a document states in the present is
// attested on its date of record although the entity it names had ended.
func knownOutsideLife(r *graph.Relation, e *graph.Entity) string {
	if e == nil {
		return ""
	}
	lo, hi, ok := r.Period.KnownSpan()
	if !ok {
		return ""
	}
	elo, ehi := e.Period.PossibleSpan()
	switch {
	case hi > ehi && r.Period.EndKind() == graph.Open:
		return fmt.Sprintf("%s is open (still holds), but %s ended in %s; give the relation its end", r.DescribeKebab(), e.ID, e.Period.To)
	case hi > ehi:
		return fmt.Sprintf("%s is known to hold until %s (its attestations), after %s ended in %s; give it a validTo, or attestations within %s's life (attestedFrom: unknown if nothing dates it)",
			r.DescribeKebab(), day(hi), e.ID, e.Period.To, e.ID)
	case lo < elo:
		return fmt.Sprintf("%s is known to hold from %s, before %s began in %s; give it attestations within %s's life", r.DescribeKebab(), day(lo), e.ID, e.Period.From, e.ID)
	}
	return ""
}

// day writes a day number as a date.
func day(n uint32) string {
	y, m, d := graph.CivilOfDay(n)
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}
