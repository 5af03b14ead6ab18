package export_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/graph/export"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

// recorder is a Writer that keeps what it is given.
type recorder struct {
	entities  []*graph.Entity
	relations []*graph.Relation
	closed    bool
	onRel     func()
}

func (r *recorder) Entity(e *graph.Entity) error { r.entities = append(r.entities, e); return nil }
func (r *recorder) Relation(rel *graph.Relation) error {
	if r.onRel != nil {
		r.onRel()
	}
	r.relations = append(r.relations, rel)
	return nil
}
func (r *recorder) Close() error { r.closed = true; return nil }

// run exports scope from db into a recorder.
func run(t *testing.T, db graph.Reader, scope export.Scope) (*recorder, []string) {
	t.Helper()
	rec := &recorder{}
	var attrs []string
	s, err := export.Export(context.Background(), db, scope, func(a []string) (export.Writer, error) {
		attrs = a
		return rec, nil
	}, export.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !rec.closed || s.Entities != len(rec.entities) || s.Relations != len(rec.relations) {
		t.Errorf("stats %+v, closed %v, recorded %d and %d", s, rec.closed, len(rec.entities), len(rec.relations))
	}
	return rec, attrs
}

// countingReader counts the pages of relations read.
type countingReader struct {
	graph.Reader
	relationPages int
	maxFirst      int
}

func (c *countingReader) Relations(ctx context.Context, q graph.RelationQuery) (*graph.RelationPage, error) {
	c.relationPages++
	c.maxFirst = max(c.maxFirst, q.First)
	return c.Reader.Relations(ctx, q)
}

func (c *countingReader) Entities(ctx context.Context, q graph.EntityQuery) (*graph.EntityPage, error) {
	c.maxFirst = max(c.maxFirst, q.First)
	return c.Reader.Entities(ctx, q)
}

func TestWholeGraph(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.OpenSeeded(t, "")
	all, err := db.Relations(ctx, graph.RelationQuery{CountTotal: true})
	if err != nil {
		t.Fatal(err)
	}
	ents, err := db.Entities(ctx, graph.EntityQuery{CountTotal: true})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("Streams", func(t *testing.T) {
		// The first relation is written after one page is read, not after
		// all of them: the export never holds the whole graph.
		cr := &countingReader{Reader: db}
		rec := &recorder{}
		pagesAtFirst := -1
		rec.onRel = func() {
			if pagesAtFirst < 0 {
				pagesAtFirst = cr.relationPages
			}
		}
		if _, err := export.Export(ctx, cr, export.Scope{}, func([]string) (export.Writer, error) { return rec, nil }, export.Options{}); err != nil {
			t.Fatal(err)
		}
		if all.Total <= graph.MaxPageSize {
			t.Fatalf("the seeds have %d relations, too few to need a second page", all.Total)
		}
		wantPages := (all.Total + graph.MaxPageSize - 1) / graph.MaxPageSize
		if pagesAtFirst != 1 || cr.relationPages != wantPages || cr.maxFirst > graph.MaxPageSize {
			t.Errorf("first relation written after %d pages; %d pages read in all (want %d), pages of up to %d",
				pagesAtFirst, cr.relationPages, wantPages, cr.maxFirst)
		}
		if len(rec.entities) != ents.Total || len(rec.relations) != all.Total {
			t.Errorf("%d entities and %d relations written; the store has %d and %d", len(rec.entities), len(rec.relations), ents.Total, all.Total)
		}
		seen := map[string]bool{}
		for _, r := range rec.relations {
			if seen[r.ID] {
				t.Errorf("relation %s written twice", r.ID)
			}
			seen[r.ID] = true
		}
	})

	t.Run("AttributeKeys", func(t *testing.T) {
		_, attrs := run(t, db, export.Scope{})
		if !slices.Equal(attrs, []string{graph.AttrISO2, graph.AttrISO3, graph.AttrWikidata}) {
			t.Errorf("attribute keys %q", attrs)
		}
	})

	t.Run("AsOf", func(t *testing.T) {
		asOf := graph.MustDate("1990")
		rec, _ := run(t, db, export.Scope{AsOf: asOf})
		have := map[graph.ID]bool{}
		for _, e := range rec.entities {
			if !e.Period.Holds(asOf) {
				t.Errorf("%s (%s) written as of 1990", e.ID, e.Period)
			}
			have[e.ID] = true
		}
		for _, r := range rec.relations {
			if !r.Period.Holds(asOf) || !have[r.From] || !have[r.To] || (r.Context != "" && !have[r.Context]) {
				t.Errorf("%s (%s) written as of 1990, naming an entity not written or out of its period", r.Describe(), r.Period)
			}
		}
		// Every relation of the time whose entities were alive is there.
		want := 0
		for after := ""; ; {
			page, err := db.Relations(ctx, graph.RelationQuery{AsOf: asOf, First: graph.MaxPageSize, After: after})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page.Relations {
				if have[r.From] && have[r.To] && (r.Context == "" || have[r.Context]) {
					want++
				}
			}
			if !page.HasNext {
				break
			}
			after = page.Cursors[len(page.Cursors)-1]
		}
		if len(rec.relations) != want || want == 0 || len(rec.entities) == ents.Total {
			t.Errorf("%d relations and %d entities as of 1990; want %d relations and fewer than %d entities",
				len(rec.relations), len(rec.entities), want, ents.Total)
		}
	})

	t.Run("Types", func(t *testing.T) {
		rec, _ := run(t, db, export.Scope{Types: []graph.RelationType{graph.Protects}})
		if len(rec.entities) != ents.Total || len(rec.relations) != 3 {
			t.Errorf("%d entities and %d relations; want every entity and the 3 PROTECTS", len(rec.entities), len(rec.relations))
		}
	})
}

// TestSubgraphIsNeighbourhood checks that a subgraph holds what
// graph.Neighbourhood finds, and the context entities of its relations.
func TestSubgraphIsNeighbourhood(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.OpenSeeded(t, "")
	for _, tc := range []struct {
		id    graph.ID
		depth int
		dir   graph.Direction
		types []graph.RelationType
		asOf  string
	}{
		{"country:cuba", 1, "", nil, ""},
		{"country:cuba", 2, "", nil, "1990"},
		{"country:cuba", 2, "", nil, "2020"},
		{"country:united-states", 2, graph.In, nil, ""},
		{"country:switzerland", 1, graph.Out, []graph.RelationType{graph.Protects}, ""},
		{"mission:tecro-united-states", 3, "", nil, "1995"},
		{"mission:tecro-united-states", 3, "", nil, "1990"}, // before the entity existed
	} {
		name := fmt.Sprintf("%s,depth=%d,dir=%s,types=%v,asOf=%s", tc.id, tc.depth, tc.dir, tc.types, tc.asOf)
		t.Run(name, func(t *testing.T) {
			var asOf graph.Date
			if tc.asOf != "" {
				asOf = graph.MustDate(tc.asOf)
			}
			want, err := graph.Neighbourhood(ctx, db, graph.NeighbourhoodQuery{ID: tc.id, Depth: tc.depth, Direction: tc.dir,
				Types: tc.types, AsOf: asOf, Limit: graph.MaxSubgraph})
			if err != nil || want.Truncated {
				t.Fatalf("neighbourhood: %v, truncated %v", err, want.Truncated)
			}
			got, err := export.Subgraph(ctx, db, export.Scope{IDs: []graph.ID{tc.id}, Depth: tc.depth, Direction: tc.dir,
				Types: tc.types, AsOf: asOf})
			if err != nil {
				t.Fatal(err)
			}
			wantRels, gotRels := relIDs(want.Relations), relIDs(got.Relations)
			if !slices.Equal(gotRels, wantRels) {
				t.Errorf("relations %q\nwant %q", gotRels, wantRels)
			}
			wantNodes := map[graph.ID]bool{}
			for _, e := range want.Nodes {
				wantNodes[e.ID] = true
			}
			for _, r := range want.Relations {
				if r.Context != "" {
					wantNodes[r.Context] = true
				}
			}
			gotNodes := map[graph.ID]bool{}
			for _, e := range got.Nodes {
				if gotNodes[e.ID] {
					t.Errorf("%s twice", e.ID)
				}
				gotNodes[e.ID] = true
				if !e.Period.Holds(asOf) {
					t.Errorf("%s (%s) is outside its period", e.ID, e.Period)
				}
			}
			if len(gotNodes) != len(wantNodes) {
				t.Errorf("%d entities, want %d", len(gotNodes), len(wantNodes))
			}
			for id := range wantNodes {
				if !gotNodes[id] {
					t.Errorf("%s is missing", id)
				}
			}
			if len(got.Nodes) > 0 && got.Nodes[0].ID != tc.id {
				t.Errorf("the first entity is %s, not %s", got.Nodes[0].ID, tc.id)
			}
		})
	}
}

func relIDs(rels []*graph.Relation) []string {
	out := make([]string, len(rels))
	for i, r := range rels {
		out[i] = r.ID
	}
	slices.Sort(out)
	return out
}

func TestSubgraphSeveralIDs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.OpenSeeded(t, "")
	ids := []graph.ID{"country:cuba", "mission:tecro-united-states", "country:cuba"}
	got, err := export.Subgraph(ctx, db, export.Scope{IDs: ids, Depth: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, id := range ids {
		n, err := graph.Neighbourhood(ctx, db, graph.NeighbourhoodQuery{ID: id, Depth: 1, Limit: graph.MaxSubgraph})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range n.Relations {
			want[r.ID] = true
		}
	}
	if len(got.Relations) != len(want) {
		t.Errorf("%d relations, want the %d of both neighbourhoods", len(got.Relations), len(want))
	}
	if got.Nodes[0].ID != "country:cuba" || got.Nodes[1].ID != "mission:tecro-united-states" {
		t.Errorf("the entities asked for do not come first: %s, %s", got.Nodes[0].ID, got.Nodes[1].ID)
	}

	sub, err := export.Subgraph(ctx, db, export.Scope{IDs: ids, Depth: 0})
	if err != nil || len(sub.Nodes) != 2 || len(sub.Relations) != 0 {
		t.Errorf("depth 0: %v, %d entities, %d relations; want the 2 entities alone", err, len(sub.Nodes), len(sub.Relations))
	}

	_, err = export.Subgraph(ctx, db, export.Scope{IDs: []graph.ID{"country:cuba", "country:atlantis"}, Depth: 1})
	if !graph.IsNotFound(err) {
		t.Errorf("an unknown id: %v, want not found", err)
	}
}

// TestSubgraphHub reads past graph.MaxAdjacency relations of one entity and
// stops at the limit.
func TestSubgraphHub(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.OpenMemory(t)
	n := graph.MaxAdjacency + 50
	src := []graph.Source{{Document: "Test fixture"}}
	hub := &graph.Batch{Entities: []*graph.Entity{{ID: "org:hub", Kind: graph.Organisation, Name: "Hub", Sources: src}}}
	for i := range n {
		hub.Entities = append(hub.Entities, &graph.Entity{ID: graph.ID(fmt.Sprintf("country:c%05d", i)), Kind: graph.Country, Name: "C", Sources: src})
	}
	for i := range n {
		hub.Relations = append(hub.Relations, &graph.Relation{Type: graph.MemberOf, From: graph.ID(fmt.Sprintf("country:c%05d", i)), To: "org:hub", Sources: src})
	}
	if _, err := db.Import(ctx, storetest.BatchOpener(t, hub), store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}

	// Two hops from one member reach every other member through the hub,
	// and a limit the subgraph just meets is no error.
	sub, err := export.Subgraph(ctx, db, export.Scope{IDs: []graph.ID{"country:c00000"}, Depth: 2, Limit: n})
	if err != nil {
		t.Fatal(err)
	}
	if len(sub.Relations) != n || len(sub.Nodes) != n+1 || len(relIDs(sub.Relations)) != len(slices.Compact(relIDs(sub.Relations))) {
		t.Errorf("%d relations and %d entities, want %d and %d", len(sub.Relations), len(sub.Nodes), n, n+1)
	}
	_, err = export.Subgraph(ctx, db, export.Scope{IDs: []graph.ID{"org:hub"}, Depth: 1, Limit: n - 1})
	if !errors.Is(err, export.ErrLimit) {
		t.Errorf("a limit below the subgraph: %v, want ErrLimit", err)
	}
}
