package graph_test

import (
	"context"
	"testing"

	"github.com/chancery/chancery/graph"
)

func TestRepresent(t *testing.T) {
	ctx := context.Background()
	db := mustOpenMemory(t)
	ent := func(id, name string) *graph.Entity {
		return &graph.Entity{ID: graph.ID(id), Kind: graph.ID(id).Kind(), Name: name, Sources: src}
	}
	mission := func(id string, t graph.MissionType, from, to string) *graph.Entity {
		e := ent(id, id)
		e.MissionType, e.Official = t, t.OfficialByDefault()
		if from != "" {
			e.Period.From = graph.MustDate(from)
		}
		if to != "" {
			e.Period.To = graph.MustDate(to)
		}
		return e
	}
	rel := func(t graph.RelationType, from, to string) *graph.Relation {
		return &graph.Relation{Type: t, From: graph.ID(from), To: graph.ID(to), Sources: src}
	}
	b := &graph.Batch{
		Entities: []*graph.Entity{
			ent("country:home", "Home"), ent("country:host", "Host"), ent("country:neighbour", "Neighbour"),
			ent("city:host-capital", "Host Capital"), ent("city:neighbour-capital", "Neighbour Capital"),
			ent("org:trade-council", "Trade Council"),
			mission("mission:embassy", graph.Embassy, "1990", ""),
			mission("mission:old-legation", graph.Legation, "1950", "1989"),
			mission("mission:embassy-in-neighbour", graph.Embassy, "", ""),
			mission("mission:trade-office", graph.TradeOffice, "", ""),
		},
		Relations: []*graph.Relation{
			rel(graph.LocatedIn, "city:host-capital", "country:host"),
			rel(graph.LocatedIn, "city:neighbour-capital", "country:neighbour"),
			rel(graph.SentBy, "mission:embassy", "country:home"),
			rel(graph.AccreditsTo, "mission:embassy", "country:host"),
			rel(graph.LocatedIn, "mission:embassy", "city:host-capital"),
			rel(graph.SentBy, "mission:old-legation", "country:home"),
			rel(graph.AccreditsTo, "mission:old-legation", "country:host"),
			rel(graph.SentBy, "mission:embassy-in-neighbour", "country:home"),
			rel(graph.AccreditsTo, "mission:embassy-in-neighbour", "country:neighbour"),
			rel(graph.AccreditsTo, "mission:embassy-in-neighbour", "country:host"),
			rel(graph.LocatedIn, "mission:embassy-in-neighbour", "city:neighbour-capital"),
			rel(graph.SentBy, "mission:trade-office", "country:home"),
			rel(graph.AccreditsTo, "mission:trade-office", "country:host"),
			rel(graph.OperatedBy, "mission:trade-office", "org:trade-council"),
			{Type: graph.RepresentedBy, From: "country:home", To: "mission:trade-office", Context: "country:host", Sources: src},
		},
	}
	if err := db.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	type answer struct {
		kind         graph.RepresentationKind
		mission, via graph.ID
	}
	for _, tc := range []struct {
		asOf string
		want []answer
	}{
		{"", []answer{
			{graph.DeFacto, "mission:trade-office", "org:trade-council"},
			{graph.Direct, "mission:embassy", ""},
			{graph.NonResident, "mission:embassy-in-neighbour", ""},
			{graph.Direct, "mission:old-legation", ""},
		}},
		{"1960", []answer{
			{graph.DeFacto, "mission:trade-office", "org:trade-council"},
			{graph.NonResident, "mission:embassy-in-neighbour", ""},
			{graph.Direct, "mission:old-legation", ""},
		}},
		{"2000", []answer{
			{graph.DeFacto, "mission:trade-office", "org:trade-council"},
			{graph.Direct, "mission:embassy", ""},
			{graph.NonResident, "mission:embassy-in-neighbour", ""},
		}},
	} {
		var asOf graph.Date
		if tc.asOf != "" {
			asOf = graph.MustDate(tc.asOf)
		}
		reps, err := graph.Represent(ctx, db, "country:home", "country:host", asOf)
		if err != nil {
			t.Fatal(err)
		}
		var got []answer
		for _, r := range reps {
			a := answer{kind: r.Kind}
			if r.Mission != nil {
				a.mission = r.Mission.ID
			}
			if r.Via != nil {
				a.via = r.Via.ID
			}
			got = append(got, a)
			if len(r.Relations) == 0 {
				t.Errorf("as of %q: %v has no relations to justify it", tc.asOf, a)
			}
		}
		if len(got) != len(tc.want) {
			t.Errorf("as of %q: %v, want %v", tc.asOf, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("as of %q, answer %d: %v, want %v", tc.asOf, i, got[i], tc.want[i])
			}
		}
	}
	if _, err := graph.Represent(ctx, db, "country:home", "country:atlantis", graph.Date{}); !graph.IsNotFound(err) {
		t.Errorf("unknown host: %v", err)
	}
}
