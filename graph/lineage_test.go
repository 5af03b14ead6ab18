package graph_test

import (
	"context"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store/storetest"
)

func TestLineage(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenMemory(t)
	mission := func(id, from, to string) *graph.Entity {
		e := &graph.Entity{ID: graph.ID(id), Kind: graph.Mission, Name: id, MissionType: graph.LiaisonOffice, Sources: src}
		if from != "" {
			e.Period.From = graph.MustDate(from)
		}
		if to != "" {
			e.Period.To = graph.MustDate(to)
		}
		return e
	}
	rel := func(t graph.RelationType, from, to, date string) *graph.Relation {
		return &graph.Relation{Type: t, From: graph.ID(from), To: graph.ID(to), Period: graph.Period{From: graph.MustDate(date)}, Sources: src}
	}
	b := &graph.Batch{
		Entities: []*graph.Entity{
			mission("mission:old", "1979", "1992-05"),
			mission("mission:renamed", "1992-05", "1995"),
			mission("mission:upgraded", "1995", ""),
			mission("mission:successor", "2001", ""),
			{ID: "country:somewhere", Kind: graph.Country, Name: "Somewhere", Sources: src},
			mission("mission:alone", "", ""),
		},
		Relations: []*graph.Relation{
			rel(graph.RenamedFrom, "mission:renamed", "mission:old", "1992-05"),
			rel(graph.UpgradedFrom, "mission:upgraded", "mission:renamed", "1995"),
			rel(graph.Replaces, "mission:successor", "mission:upgraded", "2001"),
			{Type: graph.SentBy, From: "mission:renamed", To: "country:somewhere", Sources: src},
		},
	}
	if err := db.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id     graph.ID
		change graph.RelationType
		date   string
	}{
		{"mission:old", "", ""},
		{"mission:renamed", graph.RenamedFrom, "1992-05"},
		{"mission:upgraded", graph.UpgradedFrom, "1995"},
		{"mission:successor", graph.Replaces, "2001"},
	}
	for _, from := range []graph.ID{"mission:old", "mission:upgraded", "mission:renamed", "mission:successor"} {
		steps, err := graph.Lineage(ctx, db, from)
		if err != nil {
			t.Fatal(err)
		}
		if len(steps) != len(want) {
			t.Fatalf("from %s: %d steps, want %d", from, len(steps), len(want))
		}
		for i, w := range want {
			s := steps[i]
			if s.Entity.ID != w.id || s.Change != w.change || s.Date.String() != w.date {
				t.Errorf("from %s, step %d: %s %s %s, want %s %s %s", from, i, s.Entity.ID, s.Change, s.Date, w.id, w.change, w.date)
			}
		}
	}
	steps, err := graph.Lineage(ctx, db, "mission:alone")
	if err != nil || len(steps) != 1 || steps[0].Entity.ID != "mission:alone" {
		t.Errorf("a body without lineage: %v %v", steps, err)
	}
	if _, err := graph.Lineage(ctx, db, "mission:nowhere"); !graph.IsNotFound(err) {
		t.Errorf("unknown id: %v", err)
	}
}

// TestLineageConflicts: two sources date one renaming differently; the
// lineage keeps the newest as the step's relation and the other as a
// conflict, each with its source.
func TestLineageConflicts(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenMemory(t)
	one := []graph.Source{{Document: "One account", Quote: "renamed in 1986"}}
	two := []graph.Source{{Document: "Another account", Quote: "renamed in 1997"}}
	b := &graph.Batch{
		Entities: []*graph.Entity{
			{ID: "mission:commission", Kind: graph.Mission, Name: "Commission", MissionType: graph.Commission, Sources: src},
			{ID: "mission:consulate", Kind: graph.Mission, Name: "Consulate", MissionType: graph.ConsulateGeneral, Sources: src},
		},
		Relations: []*graph.Relation{
			{Type: graph.RenamedFrom, From: "mission:consulate", To: "mission:commission", Period: graph.Period{From: graph.MustDate("1986")}, Sources: one},
			{Type: graph.RenamedFrom, From: "mission:consulate", To: "mission:commission", Period: graph.Period{From: graph.MustDate("1997")}, Sources: two},
		},
	}
	if err := db.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	steps, err := graph.Lineage(ctx, db, "mission:commission")
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 2 || len(steps[0].Conflicts) != 0 {
		t.Fatalf("steps %+v", steps)
	}
	s := steps[1]
	if s.Date.String() != "1997" || s.Relation.Sources[0].Document != "Another account" ||
		len(s.Conflicts) != 1 || s.Conflicts[0].Period.From.String() != "1986" || s.Conflicts[0].Sources[0].Document != "One account" {
		t.Errorf("step %+v, conflicts %+v; want the 1997 account with the 1986 one as a conflict", s, s.Conflicts)
	}
}
