package schema

import (
	"github.com/chancery/chancery/graph"
)

// bound resolves Bound: one bound of a period, its kind and, when stated,
// its date.
type bound struct {
	kind    graph.BoundKind
	date    graph.Date
	endedBy graph.Date
}

// Kind resolves Bound.kind.
func (b bound) Kind() string { return b.kind.String() }

// Date resolves Bound.date.
func (b bound) Date() *outDate { return dateOrNil(b.date) }

// EndedBy resolves Bound.endedBy.
func (b bound) EndedBy() *outDate { return dateOrNil(b.endedBy) }

func startOf(p graph.Period) bound { return bound{kind: p.StartKind(), date: p.From} }

func endOf(p graph.Period) bound { return bound{kind: p.EndKind(), date: p.To, endedBy: p.EndedBy} }

// attestedTo is the latest date a period is attested on: AttestedTo, or
// AttestedFrom when it is attested on one date.
func attestedTo(p graph.Period) *outDate {
	if p.AttestedTo.IsZero() {
		return dateOrNil(p.AttestedFrom)
	}
	return dateOrNil(p.AttestedTo)
}

// holdingArgs are the arguments of the holding fields.
type holdingArgs struct{ AsOf *Date }

// day is the date a holding field asks about: its own asOf, else the one
// of the query that returned the fact.
func (a holdingArgs) day(at graph.When) graph.Date {
	if a.AsOf != nil {
		return a.AsOf.Date
	}
	return at.AsOf
}

// Start resolves Relation.start.
func (r *relationResolver) Start() bound { return startOf(r.rel.Period) }

// End resolves Relation.end.
func (r *relationResolver) End() bound { return endOf(r.rel.Period) }

// AttestedFrom resolves Relation.attestedFrom.
func (r *relationResolver) AttestedFrom() *outDate { return dateOrNil(r.rel.AttestedFrom) }

// AttestedTo resolves Relation.attestedTo.
func (r *relationResolver) AttestedTo() *outDate { return attestedTo(r.rel.Period) }

// Holding resolves Relation.holding: the relation's own standing,
// weakened by the entities it joins (graph.RelationAt).
func (r *relationResolver) Holding(args holdingArgs) string {
	life := func(id graph.ID) (graph.Period, bool) {
		for _, e := range []*entityResolver{r.From, r.To, r.context} {
			if e != nil && e.e.ID == id {
				return e.e.Period, true
			}
		}
		return graph.Period{}, false
	}
	return graph.RelationAt(r.rel, args.day(r.at), life).String()
}
