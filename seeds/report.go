package seeds

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/chancery/chancery/graph"
)

// Report summarises what a set of seed files holds: how many entities of
// each kind and mission type, how many relations of each type, how many of
// those are dated, and which sources the facts cite.
type Report struct {
	Entities, Relations int
	ByKind              map[graph.Kind]int
	ByMissionType       map[graph.MissionType]int
	ByRelationType      map[graph.RelationType]int
	// DatedByType counts, per type, the relations with at least one of
	// validFrom and validTo.
	DatedByType map[graph.RelationType]int
	Dated       int
	// BySource counts the entities and relations that cite each document.
	BySource map[string]int
}

// NewReport counts the facts of set.
func NewReport(set *Set) *Report {
	r := &Report{
		ByKind:         map[graph.Kind]int{},
		ByMissionType:  map[graph.MissionType]int{},
		ByRelationType: map[graph.RelationType]int{},
		DatedByType:    map[graph.RelationType]int{},
		BySource:       map[string]int{},
	}
	cite := func(sources []graph.Source) {
		seen := map[string]bool{}
		for _, s := range sources {
			if !seen[s.Document] {
				seen[s.Document] = true
				r.BySource[s.Document]++
			}
		}
	}
	b := set.Batch()
	for _, e := range b.Entities {
		r.Entities++
		r.ByKind[e.Kind]++
		if e.Kind == graph.Mission {
			r.ByMissionType[e.MissionType]++
		}
		cite(e.Sources)
	}
	for _, rel := range b.Relations {
		r.Relations++
		r.ByRelationType[rel.Type]++
		if !rel.Period.From.IsZero() || !rel.Period.To.IsZero() {
			r.Dated++
			r.DatedByType[rel.Type]++
		}
		cite(rel.Sources)
	}
	return r
}

// Write prints the report as aligned plain-text tables.
func (r *Report) Write(w io.Writer) error {
	if _, err := fmt.Fprintf(w, "%d entities, %d relations; %s of relations dated\n\n",
		r.Entities, r.Relations, percent(r.Dated, r.Relations)); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }
	p("ENTITIES BY KIND\tcount\n")
	for _, k := range graph.Kinds {
		p("%s\t%5d\n", k, r.ByKind[k])
	}
	p("\n")
	p("MISSIONS BY TYPE\tcount\n")
	for _, t := range graph.MissionTypes {
		if n := r.ByMissionType[t]; n > 0 {
			p("%s\t%5d\n", t, n)
		}
	}
	p("\n")
	p("RELATIONS BY TYPE\tcount\tdated\n")
	for _, t := range graph.RelationTypes {
		if n := r.ByRelationType[t]; n > 0 {
			p("%s\t%5d\t%5s\n", t, n, percent(r.DatedByType[t], n))
		}
	}
	p("\n")
	p("FACTS BY SOURCE\tcount\n")
	docs := make([]string, 0, len(r.BySource))
	for d := range r.BySource {
		docs = append(docs, d)
	}
	slices.SortFunc(docs, func(a, b string) int {
		if c := r.BySource[b] - r.BySource[a]; c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	for _, d := range docs {
		p("%s\t%5d\n", d, r.BySource[d])
	}
	return tw.Flush()
}

// percent formats n of total as a whole percentage.
func percent(n, total int) string {
	if total == 0 {
		return "-"
	}
	return fmt.Sprintf("%d%%", (100*n+total/2)/total)
}
