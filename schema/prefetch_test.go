package schema_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/schema/httpapi"
	"github.com/chancery/chancery/schema/schematest"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

// The lists of relations are read the cheap way when the selection allows
// it: slim, without sources and notes, when neither is shown, and, for a
// first page without its total, for every sibling at once. These tests
// ask each question both ways, the second with the fields that force the
// whole reading (sources, note, totalCount), and hold the answers to
// agree on everything the first asks, over the seeds and over a
// synthetic world.

// relationFields are the fields of a relation that need no whole read.
const relationFields = `id type validFrom validTo role start { kind date } end { kind date }
	attestedFrom attestedTo holding from { id kind name } to { id kind name } context { id name }`

// wholeFields are what a query adds, at %[1]s in prefetchQueries, to a
// relation's selection and, at %[2]s, to its connection's, to force the
// whole reading.
var wholeFields = []any{" sources { document url quote } note ", " totalCount "}

var prefetchQueries = []struct{ name, query string }{
	{"entity relations", `query Q($id: ID!) { entity(id: $id) { id relations(first: 20) {
		edges { cursor node { ` + relationFields + ` %[1]s } } pageInfo { hasNextPage endCursor } %[2]s } } }`},
	{"entity relations out, of types", `query Q($id: ID!) { entity(id: $id) { id
		relations(first: 7, direction: OUT, types: [SENT_BY, ACCREDITS_TO, LOCATED_IN, MEMBER_OF]) {
		edges { node { ` + relationFields + ` %[1]s } } %[2]s } } }`},
	{"relations of the ends", `query Q($id: ID!) { entity(id: $id) { relations(first: 10) { edges { node { id
		from { id relations(first: 5) { edges { node { ` + relationFields + ` %[1]s } } %[2]s } }
		to { id relations(first: 5, direction: IN) { edges { node { id type from { id } %[1]s } } %[2]s } } } } } } }`},
	{"query relations", `query Q($id: ID!) { relations(from: $id, first: 30) {
		edges { cursor node { ` + relationFields + ` %[1]s } } pageInfo { endCursor } %[2]s } }`},
	{"neighbourhood", `query Q($id: ID!) { neighbourhood(id: $id, depth: 2, limit: 300) {
		nodes { id kind name } relations { ` + relationFields + ` %[1]s } truncated } }`},
}

// TestCheapReadsAnswerAsWholeOnes asks the sample of questions of
// prefetchQueries both ways about entities of the seeds and of a
// synthetic world.
func TestCheapReadsAnswerAsWholeOnes(t *testing.T) {
	world, err := storetest.OpenWorld(context.Background(), "", 3000)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { world.Close() })
	for _, c := range []struct {
		name string
		db   *store.DB
	}{{"seeds", storetest.OpenSeeded(t, t.TempDir())}, {"world", world.DB}} {
		t.Run(c.name, func(t *testing.T) {
			srv := serveStore(t, c.db)
			ids := sampleEntities(t, srv)
			for _, q := range prefetchQueries {
				t.Run(q.name, func(t *testing.T) {
					cheapQ, wholeQ := fmt.Sprintf(q.query, "", ""), fmt.Sprintf(q.query, wholeFields...)
					relations := 0
					for _, id := range ids {
						vars := map[string]any{"id": id}
						cheap := srv.MustData(t, cheapQ, vars)
						whole := srv.MustData(t, wholeQ, vars)
						relations += countKey(cheap, "type")
						if forced := stripWhole(whole); !reflect.DeepEqual(cheap, forced) {
							t.Fatalf("%s: the cheap read answered\n%v\nand the whole one\n%v", id, cheap, forced)
						}
					}
					if relations == 0 {
						t.Fatal("no relation was listed: the sample asks about nothing")
					}
				})
			}
		})
	}
}

// serveStore serves the API over db behind real HTTP until the test ends,
// with a budget of cost that lets the whole forms count their totals.
func serveStore(t *testing.T, db *store.DB) *schematest.Server {
	t.Helper()
	s, err := schema.New(db, db, nil, schema.Limits{MaxCost: 10_000_000})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(httpapi.Handler(s, httpapi.HandlerOptions{}))
	t.Cleanup(ts.Close)
	return &schematest.Server{Server: ts}
}

// sampleEntities returns a few entities of each kind that has relations
// of many types: countries, missions, organisations and cities.
func sampleEntities(t *testing.T, srv *schematest.Server) []string {
	t.Helper()
	var ids []string
	for _, kind := range []string{"COUNTRY", "MISSION", "ORGANISATION", "CITY"} {
		data := srv.MustData(t, `query S($kind: EntityKind) { entities(kind: $kind, first: 4) { edges { node { id } } } }`,
			map[string]any{"kind": kind})
		edges, _ := schematest.At(data, "entities", "edges").([]any)
		for i := range edges {
			if id, ok := schematest.At(edges[i], "node", "id").(string); ok {
				ids = append(ids, id)
			}
		}
	}
	if len(ids) < 8 {
		t.Fatalf("the sample has %d entities: %v", len(ids), ids)
	}
	return ids
}

// stripWhole removes, in place, the fields that force a whole read.
func stripWhole(v any) any {
	switch v := v.(type) {
	case map[string]any:
		delete(v, "sources")
		delete(v, "note")
		delete(v, "totalCount")
		for _, x := range v {
			stripWhole(x)
		}
	case []any:
		for _, x := range v {
			stripWhole(x)
		}
	}
	return v
}

// countKey counts the objects in v that have key.
func countKey(v any, key string) int {
	n := 0
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v[key]; ok {
			n++
		}
		for _, x := range v {
			n += countKey(x, key)
		}
	case []any:
		for _, x := range v {
			n += countKey(x, key)
		}
	}
	return n
}
