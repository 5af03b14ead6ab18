package graph_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

func TestRepresent(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenMemory(t)
	// The countries, cities and the council hold from 1900 on; the
	// missions as dated, and the trade office, which nothing dates or
	// attests, is only possible on any day. A relation's start is
	// unknown, and it is known from 1900 on: it holds while its mission
	// does.
	ent := func(id, name string) *graph.Entity {
		return &graph.Entity{ID: graph.ID(id), Kind: graph.ID(id).Kind(), Name: name, Period: always, Sources: src}
	}
	mission := func(id string, t graph.MissionType, from, to string) *graph.Entity {
		e := ent(id, id)
		e.MissionType, e.Official = t, t.OfficialByDefault()
		e.Period = graph.Period{}
		if from != "" {
			e.Period = graph.Period{From: graph.MustDate(from), Open: true}
		}
		if to != "" {
			e.Period.To, e.Period.Open = graph.MustDate(to), false
		}
		return e
	}
	rel := func(t graph.RelationType, from, to string) *graph.Relation {
		return &graph.Relation{Type: t, From: graph.ID(from), To: graph.ID(to), Sources: src,
			Period: graph.Period{Open: true, AttestedFrom: graph.MustDate("1900")}}
	}
	b := &graph.Batch{
		Entities: []*graph.Entity{
			ent("country:home", "Home"), ent("country:host", "Host"), ent("country:neighbour", "Neighbour"),
			ent("city:host-capital", "Host Capital"), ent("city:neighbour-capital", "Neighbour Capital"),
			ent("org:trade-council", "Trade Council"),
			mission("mission:embassy", graph.Embassy, "1990", ""),
			mission("mission:old-legation", graph.Legation, "1950", "1989"),
			mission("mission:embassy-in-neighbour", graph.Embassy, "1900", ""),
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
			{Type: graph.RepresentedBy, From: "country:home", To: "mission:trade-office", Context: "country:host", Sources: src, Period: always},
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
		asOf     string
		possible bool
		want     []answer
	}{
		{"", false, []answer{
			{graph.DeFacto, "mission:trade-office", "org:trade-council"},
			{graph.Direct, "mission:embassy", ""},
			{graph.NonResident, "mission:embassy-in-neighbour", ""},
			{graph.Direct, "mission:old-legation", ""},
		}},
		{"1960", false, []answer{
			{graph.NonResident, "mission:embassy-in-neighbour", ""},
			{graph.Direct, "mission:old-legation", ""},
		}},
		{"1960", true, []answer{
			{graph.DeFacto, "mission:trade-office", "org:trade-council"},
			{graph.NonResident, "mission:embassy-in-neighbour", ""},
			{graph.Direct, "mission:old-legation", ""},
		}},
		{"2000", false, []answer{
			{graph.Direct, "mission:embassy", ""},
			{graph.NonResident, "mission:embassy-in-neighbour", ""},
		}},
	} {
		var asOf graph.Date
		if tc.asOf != "" {
			asOf = graph.MustDate(tc.asOf)
		}
		reps, err := graph.Represent(ctx, db, "country:home", "country:host", graph.When{AsOf: asOf, Possible: tc.possible})
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
			for _, rel := range r.Relations {
				if len(rel.Sources) == 0 {
					t.Errorf("as of %q: %v: %s comes without its sources; an answer gives whole relations", tc.asOf, a, rel.Describe())
				}
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
	if _, err := graph.Represent(ctx, db, "country:home", "country:atlantis", graph.When{}); !graph.IsNotFound(err) {
		t.Errorf("unknown host: %v", err)
	}
}

// TestRepresentBigSender holds representation to finding every mission of a
// sender with more missions than one read of adjacency returns, from
// either side: the host with fewer accreditations, or the sender.
func TestRepresentBigSender(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenMemory(t)
	country := func(id string) *graph.Entity {
		return &graph.Entity{ID: graph.ID(id), Kind: graph.Country, Name: id, Sources: src}
	}
	if err := db.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{
		country("country:big"), country("country:busy-host"), country("country:quiet-host"), country("country:other"),
	}}); err != nil {
		t.Fatal(err)
	}
	const n = graph.MaxAdjacency + 50
	addMissions(t, db, "big", "country:big", "country:busy-host", n)
	// The busy host also hosts others' missions, so that it is not the
	// smaller side by accident.
	addMissions(t, db, "other", "country:other", "country:busy-host", n+10)
	addMissions(t, db, "big-in-quiet-host", "country:big", "country:quiet-host", 1)

	for _, tc := range []struct {
		host string
		want int
	}{
		{"country:busy-host", n},  // the sender is the smaller side
		{"country:quiet-host", 1}, // the host is
	} {
		reps, err := graph.Represent(ctx, db, "country:big", graph.ID(tc.host), graph.When{})
		if err != nil {
			t.Fatal(err)
		}
		if len(reps) != tc.want {
			t.Errorf("big in %s: %d representations, want %d", tc.host, len(reps), tc.want)
		}
		for _, r := range reps {
			if r.Kind != graph.Direct || len(r.Relations) < 2 || r.Relations[0].To != "country:big" || r.Relations[1].To != graph.ID(tc.host) {
				t.Errorf("big in %s: %s %v with relations %v", tc.host, r.Kind, r.Mission.ID, r.Relations)
				break
			}
		}
	}
}

// addMissions writes n missions sent by sender and accredited to host, in
// batches small enough for one transaction each.
func addMissions(t *testing.T, db *store.DB, prefix, sender, host string, n int) {
	t.Helper()
	b := &graph.Batch{}
	for i := range n {
		id := graph.ID(fmt.Sprintf("mission:%s-%d", prefix, i))
		b.Entities = append(b.Entities, &graph.Entity{ID: id, Kind: graph.Mission, Name: string(id), MissionType: graph.Consulate, Official: true, Sources: src})
		b.Relations = append(b.Relations,
			&graph.Relation{Type: graph.SentBy, From: id, To: graph.ID(sender), Sources: src},
			&graph.Relation{Type: graph.AccreditsTo, From: id, To: graph.ID(host), Sources: src})
		if len(b.Entities) == 1000 || i == n-1 {
			if err := db.Apply(context.Background(), b); err != nil {
				t.Fatal(err)
			}
			b = &graph.Batch{}
		}
	}
}
