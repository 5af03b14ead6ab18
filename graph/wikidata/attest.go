package wikidata

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chancery/chancery/graph"
)

// The columns a row names an entity in, in the order a quote gives them.
var roles = []string{"operator", "country", "jurisdiction", "city"}

// named is how the rows a snapshot uses name one entity: how many missions
// name it in each column, and by which labels and QIDs.
type named struct {
	missions map[string]int // by role
	refs     []Ref          // in the order the rows first give them
	times    map[Ref]int
}

func (n *named) add(role string, ref Ref) {
	n.missions[role]++
	if ref == (Ref{}) {
		return
	}
	if n.times[ref] == 0 {
		n.refs = append(n.refs, ref)
	}
	n.times[ref]++
}

// byUse are the names the rows give the entity, the most used first.
func (n *named) byUse() []Ref {
	refs := slices.Clone(n.refs)
	slices.SortStableFunc(refs, func(a, b Ref) int { return n.times[b] - n.times[a] })
	return refs
}

// namesShown is how many of an entity's names a quote gives.
const namesShown = 3

// quote says what the snapshot shows of the entity: "Listed in this
// snapshot as operator of 190 missions and jurisdiction of 152 missions
// (as Vatican, Q237; Vatican, Q159583)".
func (n *named) quote() string {
	var parts []string
	for _, role := range roles {
		if c := n.missions[role]; c > 0 {
			what := "missions"
			if c == 1 {
				what = "mission"
			}
			parts = append(parts, fmt.Sprintf("%s of %d %s", role, c, what))
		}
	}
	list := parts[0]
	if len(parts) > 1 {
		list = strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
	}
	q := "Listed in this snapshot as " + list
	var as []string
	refs := n.byUse()
	for _, r := range refs[:min(len(refs), namesShown)] {
		var parts []string
		for _, s := range []string{r.Label, r.QID} {
			if s != "" {
				parts = append(parts, s)
			}
		}
		as = append(as, strings.Join(parts, ", "))
	}
	if len(refs) > namesShown {
		more := "names"
		if len(refs) == namesShown+1 {
			more = "name"
		}
		as = append(as, fmt.Sprintf("%d more %s", len(refs)-namesShown, more))
	}
	if len(as) > 0 {
		q += " (as " + strings.Join(as, "; ") + ")"
	}
	return q
}

// attestGroups attests, on the snapshot's date, the entities the graph
// already held that the rows used name: the operator, host country,
// jurisdictions and city of each mission, which its relations join (the
// host too where the mission lies in it or is accredited to it; a city the
// import makes lies in it). The snapshot shows they held then, as it shows
// the mission did, and a relation is known on a day only where the
// entities it joins are too. Each is written in a
// group of its own, citing the snapshot once, with what it lists it as;
// its stated bounds are left as they are. One whose stated dates rule the
// day out is not attested (NotAttested): the sources disagree, and the
// relations to it do not hold then. Entities the import makes are attested
// already, and one that is attested on the day and cites the snapshot is
// left as it is.
func (pl *planner) attestGroups() []*graph.Batch {
	made := map[graph.ID]bool{}
	for _, e := range pl.w.created {
		made[e.ID] = true
	}
	names := map[graph.ID]*named{}
	var ids []graph.ID
	name := func(id graph.ID, role string, ref Ref) {
		if id == "" || made[id] || pl.w.entities[id] == nil {
			return
		}
		n := names[id]
		if n == nil {
			n = &named{missions: map[string]int{}, times: map[Ref]int{}}
			names[id] = n
			ids = append(ids, id)
		}
		n.add(role, ref)
	}
	for _, p := range pl.pendings {
		if !p.used {
			continue
		}
		name(p.sender, "operator", p.row.Operator)
		name(p.host, "country", p.row.Country)
		if !p.hostStands {
			for _, id := range p.accredits {
				var ref Ref
				if i := slices.IndexFunc(p.row.Jurisdictions, func(j Ref) bool { return j.QID != "" && pl.w.actors[j.QID] == id }); i >= 0 {
					ref = p.row.Jurisdictions[i]
				}
				name(id, "jurisdiction", ref)
			}
		}
		name(p.city, "city", p.row.City)
	}
	slices.Sort(ids)
	day := pl.Snapshot.First()
	var groups []*graph.Batch
	for _, id := range ids {
		old := pl.w.entities[id]
		period := old.Period
		period.Attest(pl.Snapshot)
		if old.Period.On(day) == graph.RuledOut || period.Validate() != nil {
			pl.NotAttested = append(pl.NotAttested, old)
			continue
		}
		cites := slices.ContainsFunc(old.Sources, func(s graph.Source) bool { return s.Document == pl.doc })
		if period == old.Period && cites {
			continue
		}
		e := *old
		e.Period = period
		if !cites {
			n := names[id]
			src := graph.Source{Document: pl.doc, Quote: n.quote()}
			if refs := n.byUse(); len(refs) > 0 && refs[0].QID != "" {
				src.URL = qidURL(refs[0].QID)
			}
			e.Sources = append(slices.Clone(old.Sources), src)
		}
		pl.Attested = append(pl.Attested, id)
		groups = append(groups, &graph.Batch{Entities: []*graph.Entity{&e}})
	}
	return groups
}
