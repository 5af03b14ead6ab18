package store_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/graph/jsonl"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

// importString imports text, JSON Lines named name, into db.
func importString(db *store.DB, name, text string) (store.ImportStats, error) {
	return db.Import(ctx, func() (store.ItemReader, error) {
		return jsonl.NewReader(strings.NewReader(text), name), nil
	}, store.ImportOptions{})
}

func TestDB_Import(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := storetest.Open(t)
		fixture := cubaFixture()
		s, err := db.Import(ctx, storetest.BatchOpener(t, fixture), store.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if s.Entities != len(fixture.Entities) || s.Relations != len(fixture.Relations) {
			t.Errorf("stats %+v, want %d entities and %d relations", s, len(fixture.Entities), len(fixture.Relations))
		}
		// What Import wrote reads back as what Apply writes.
		ref := storetest.Open(t)
		if err := ref.Apply(ctx, cubaFixture()); err != nil {
			t.Fatal(err)
		}
		storetest.SameGraph(t, db, ref)
		if ids, _ := db.LookupName(ctx, "la habana"); len(ids) != 1 || ids[0] != "city:havana" {
			t.Errorf("the name index finds %v for an imported alias", ids)
		}
	})

	t.Run("ReferencesStoredEntities", func(t *testing.T) {
		db := storetest.Open(t)
		if err := db.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{entity("country:cuba", "Cuba")}}); err != nil {
			t.Fatal(err)
		}
		b := &graph.Batch{
			Entities:  []*graph.Entity{entity("mission:m", "Embassy in Cuba")},
			Relations: []*graph.Relation{rel(graph.AccreditsTo, "mission:m", "country:cuba")},
		}
		if _, err := db.Import(ctx, storetest.BatchOpener(t, b), store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		page, err := db.Relations(ctx, graph.RelationQuery{Of: "country:cuba", First: 10})
		if err != nil || len(page.Relations) != 1 {
			t.Errorf("Cuba's relations after the import: %v %v", relationIDs(page.Relations), err)
		}
	})

	t.Run("ReplacesEntities", func(t *testing.T) {
		db := storetest.Open(t)
		if err := db.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{entity("country:cuba", "Kuba")}}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Import(ctx, storetest.BatchOpener(t, &graph.Batch{Entities: []*graph.Entity{entity("country:cuba", "Cuba")}}), store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if ids, _ := db.LookupName(ctx, "kuba"); len(ids) != 0 {
			t.Errorf("the replaced name is still indexed: %v", ids)
		}
		if e, err := db.Entity(ctx, "country:cuba"); err != nil || e.Name != "Cuba" {
			t.Errorf("entity after the import: %+v %v", e, err)
		}
	})

	// A problem anywhere in the input is reported with its line, and
	// nothing is written, not even the lines before it.
	good := string(storetest.JSONL(t, cubaFixture()))
	goodLines := strings.Count(good, "\n")
	for _, tt := range []struct {
		name, extra, want string
	}{
		{"DanglingReference", `{"relation": {"type": "SENT_BY", "from": "mission:nowhere", "to": "country:cuba", "sources": [{"document": "D"}]}}`, "mission:nowhere"},
		{"WrongKinds", `{"relation": {"type": "SENT_BY", "from": "city:havana", "to": "country:cuba", "sources": [{"document": "D"}]}}`, "city"},
		{"NoSource", `{"entity": {"id": "country:x", "kind": "COUNTRY", "name": "X", "sources": []}}`, "no source"},
		{"DuplicateEntity", `{"entity": {"id": "country:cuba", "kind": "COUNTRY", "name": "Cuba", "sources": [{"document": "D"}]}}`, "a second time"},
		{"DuplicateRelation", `{"relation": {"type": "DIPLOMATIC_RELATIONS", "from": "country:cuba", "to": "country:united-states", "validFrom": "2015-07-20", "sources": [{"document": "D"}]}}`, "stated a second time"},
		{"WrongID", `{"relation": {"id": "rel:aaaaaaaaaaaaaaaa", "type": "SENT_BY", "from": "mission:us-embassy-havana", "to": "country:cuba", "sources": [{"document": "D"}]}}`, "does not match"},
		{"UnknownType", `{"relation": {"type": "LIKES", "from": "country:cuba", "to": "country:united-states", "sources": [{"document": "D"}]}}`, "LIKES"},
		{"Truncated", `{"entity": {"id": "country:x", "kind": "COU`, "middle"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := storetest.Open(t)
			before, _ := db.Version(ctx)
			_, err := importString(db, "bad.jsonl", good+tt.extra+"\n")
			msg := graph.ErrorMessage(err)
			if err == nil || !strings.HasPrefix(msg, "bad.jsonl:"+strconv.Itoa(goodLines+1)+": ") || !strings.Contains(msg, tt.want) {
				t.Fatalf("error %q; want one at bad.jsonl:%d that mentions %q", msg, goodLines+1, tt.want)
			}
			if after, _ := db.Version(ctx); after != before {
				t.Errorf("the data version moved from %d to %d: something was written", before, after)
			}
			if page, _ := db.Entities(ctx, graph.EntityQuery{First: 10}); len(page.Entities) != 0 {
				t.Errorf("%d entities were written by a failed import", len(page.Entities))
			}
		})
	}
}

func TestDB_ImportChecksLives(t *testing.T) {
	db := storetest.Open(t)
	text := `{"entity": {"id": "mission:m", "kind": "MISSION", "name": "M", "missionType": "EMBASSY", "validFrom": "1990", "sources": [{"document": "D"}]}}
{"entity": {"id": "country:c", "kind": "COUNTRY", "name": "C", "sources": [{"document": "D"}]}}
{"relation": {"type": "SENT_BY", "from": "mission:m", "to": "country:c", "validFrom": "1985", "sources": [{"document": "D"}]}}
`
	_, err := importString(db, "lives.jsonl", text)
	if msg := graph.ErrorMessage(err); !strings.HasPrefix(msg, "lives.jsonl:3: ") || !strings.Contains(msg, "before mission:m existed") {
		t.Errorf("error %q; want lives.jsonl:3 and a relation starting before its mission", msg)
	}
}
