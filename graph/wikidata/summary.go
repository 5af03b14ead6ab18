package wikidata

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/chancery/chancery/graph"
)

// WriteSummary writes what the plan does, for people: how many missions it
// adds, updates, leaves unchanged and closes, the rows it rejects counted
// by reason with their first lines, the entities it makes, those the graph
// held that it attests on the snapshot's date (and those whose stated
// dates rule that date out), and what it left out of the rows it used.
func (p *Plan) WriteSummary(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: snapshot of %s, %d rows\n", p.File, p.Snapshot, p.Rows)
	fmt.Fprintf(&b, "  added      %6d missions\n", len(p.Added))
	fmt.Fprintf(&b, "  updated    %6d", len(p.Updated))
	if len(p.Changes) > 0 {
		var parts []string
		for _, what := range []string{"name", "type", "dates", "coordinates", "sender", "accreditations", "location"} {
			if n := p.Changes[what]; n > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", what, n))
			}
		}
		fmt.Fprintf(&b, " (changed: %s)", strings.Join(parts, ", "))
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "  unchanged  %6d (listed again: attested on %s too)\n", len(p.Unchanged), p.Snapshot)
	fmt.Fprintf(&b, "  closed     %6d (not in this snapshot: ended, on an unknown day before it)\n", len(p.Closed))
	if p.StillClosed > 0 {
		fmt.Fprintf(&b, "  still closed %4d (closed by an earlier snapshot, not listed again)\n", p.StillClosed)
	}
	fmt.Fprintf(&b, "  rejected   %6d rows\n", len(p.Rejected))
	for _, g := range groupBy(p.Rejected, func(r Rejection) (string, int, string) { return r.Why, r.Line, r.Detail }) {
		g.write(&b)
	}
	counts := map[graph.Kind]int{}
	for _, e := range p.Created {
		counts[e.Kind]++
	}
	fmt.Fprintf(&b, "  new entities: %d countries, %d territories, %d organisations, %d cities\n",
		counts[graph.Country], counts[graph.Territory], counts[graph.Organisation], counts[graph.City])
	for _, e := range p.Created {
		if e.Kind != graph.City {
			fmt.Fprintf(&b, "    %s %q (%s)\n", e.ID, e.Name, e.Attributes[graph.AttrWikidata])
		}
	}
	counts = map[graph.Kind]int{}
	for _, id := range p.Attested {
		counts[id.Kind()]++
	}
	fmt.Fprintf(&b, "  attested   %6d entities the graph held that the rows name, on %s too (%d countries, %d territories, %d organisations, %d cities)\n",
		len(p.Attested), p.Snapshot, counts[graph.Country], counts[graph.Territory], counts[graph.Organisation], counts[graph.City])
	if len(p.NotAttested) > 0 {
		fmt.Fprintf(&b, "  not attested %4d entities the rows name whose stated dates rule %s out: their missions' relations to them do not hold then\n", len(p.NotAttested), p.Snapshot)
		for i, e := range p.NotAttested {
			if i == firstLines {
				fmt.Fprintf(&b, "    ...\n")
				break
			}
			fmt.Fprintf(&b, "    %s %q (%s)\n", e.ID, e.Name, e.Period)
		}
	}
	if len(p.Notes) > 0 {
		fmt.Fprintf(&b, "  left out of rows that were used:\n")
		for _, g := range groupBy(p.Notes, func(n Note) (string, int, string) { return n.Why, n.Line, n.Detail }) {
			g.write(&b)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// group counts the items that share a reason, keeping their first lines.
type group struct {
	why     string
	count   int
	first   []int
	example string // the detail of the first item
}

func (g group) write(b *strings.Builder) {
	fmt.Fprintf(b, "    %5d  %s (%s)\n", g.count, g.why, g.lines())
	if g.example != "" {
		fmt.Fprintf(b, "           e.g. line %d: %s\n", g.first[0], g.example)
	}
}

const firstLines = 5

func (g group) lines() string {
	parts := make([]string, len(g.first))
	for i, l := range g.first {
		parts[i] = strconv.Itoa(l)
	}
	s := "line " + strings.Join(parts, ", ")
	if len(g.first) > 1 {
		s = "lines " + strings.Join(parts, ", ")
	}
	if g.count > len(g.first) {
		s += ", ..."
	}
	return s
}

// groupBy groups items by reason, the most frequent reason first.
func groupBy[T any](items []T, key func(T) (why string, line int, detail string)) []group {
	var groups []group
	at := map[string]int{}
	for _, it := range items {
		why, line, detail := key(it)
		i, ok := at[why]
		if !ok {
			i = len(groups)
			at[why] = i
			groups = append(groups, group{why: why, example: detail})
		}
		g := &groups[i]
		g.count++
		if len(g.first) < firstLines && !slices.Contains(g.first, line) {
			g.first = append(g.first, line)
		}
	}
	slices.SortStableFunc(groups, func(a, b group) int { return b.count - a.count })
	return groups
}
