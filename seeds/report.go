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
// those are dated, what is known of the facts' periods, and which sources
// the facts cite.
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
	// EntityTime and RelationTime count what is known of the periods of
	// the entities and of the relations.
	EntityTime, RelationTime TimeCounts
}

// TimeCounts counts what is known of the periods of a group of facts (see
// graph.Period): how many starts are stated or unknown, how many ends are
// stated, open or unknown, and whether each fact is attested, known from its
// stated dates alone, or known on no day. Each of the three groups adds up
// to Facts.
type TimeCounts struct {
	Facts                          int
	StartStated, StartUnknown      int
	EndStated, EndOpen, EndUnknown int
	// Attested counts the facts a source attests on some days
	// (attestedFrom, given or read from the documents).
	Attested int
	// DatesOnly counts the facts without attestation that are known on the
	// days of their stated bounds.
	DatesOnly int
	// NeverKnown counts the facts known on no day (Period.KnownSpan is
	// false): no stated date and no attestation, so they are only ever
	// possible.
	NeverKnown int
}

// add counts one fact's period.
func (c *TimeCounts) add(p graph.Period) {
	c.Facts++
	switch p.StartKind() {
	case graph.Stated:
		c.StartStated++
	default:
		c.StartUnknown++
	}
	switch p.EndKind() {
	case graph.Stated:
		c.EndStated++
	case graph.Open:
		c.EndOpen++
	default:
		c.EndUnknown++
	}
	_, _, known := p.KnownSpan()
	switch {
	case !p.AttestedFrom.IsZero():
		c.Attested++
	case known:
		c.DatesOnly++
	default:
		c.NeverKnown++
	}
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
		r.EntityTime.add(e.Period)
		cite(e.Sources)
	}
	for _, rel := range b.Relations {
		r.Relations++
		r.ByRelationType[rel.Type]++
		if !rel.Period.From.IsZero() || !rel.Period.To.IsZero() {
			r.Dated++
			r.DatedByType[rel.Type]++
		}
		r.RelationTime.add(rel.Period)
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
	p("TIME\tentities\trelations\n")
	e, rl := r.EntityTime, r.RelationTime
	for _, row := range []struct {
		name string
		e, r int
	}{
		{"start stated", e.StartStated, rl.StartStated},
		{"start unknown", e.StartUnknown, rl.StartUnknown},
		{"end stated", e.EndStated, rl.EndStated},
		{"end open", e.EndOpen, rl.EndOpen},
		{"end unknown", e.EndUnknown, rl.EndUnknown},
		{"attested", e.Attested, rl.Attested},
		{"known by dates only", e.DatesOnly, rl.DatesOnly},
		{"known on no day", e.NeverKnown, rl.NeverKnown},
	} {
		p("%s\t%8d\t%9d\n", row.name, row.e, row.r)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "\n%s never known (no date, no attestation): only ever possible\n\n",
		countFacts(e.NeverKnown, rl.NeverKnown)); err != nil {
		return err
	}
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

// countFacts says how many facts, entities and relations a count is.
func countFacts(entities, relations int) string {
	plural := func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	}
	return fmt.Sprintf("%s (%s, %s)", plural(entities+relations, "fact", "facts"),
		plural(entities, "entity", "entities"), plural(relations, "relation", "relations"))
}

// percent formats n of total as a whole percentage.
func percent(n, total int) string {
	if total == 0 {
		return "-"
	}
	return fmt.Sprintf("%d%%", (100*n+total/2)/total)
}
