package schema_test

import (
	"encoding/json"
	"testing"

	"github.com/chancery/chancery/schema/schematest"
)

// TestListsAreResolvedInBatches holds the API to reading the store once
// per field of a list, not once per item: a page of missions that each
// show where they sit, or a page of entities that each list relations,
// costs a handful of store calls whatever the page size.
func TestListsAreResolvedInBatches(t *testing.T) {
	s := schematest.NewServer(t)

	t.Run("MissionFields", func(t *testing.T) {
		s.Reader.Reset()
		d := s.MustData(t, `{ entities(kind: MISSION, first: 100) { edges { node { id ... on Mission {
		  sender { name } accreditedTo { name } city { name } sectionOf { name } } } } } }`, nil)
		edges := schematest.At(d, "entities", "edges").([]any)
		senders := 0
		for _, e := range edges {
			if schematest.At(e, "node", "sender", "name") != nil {
				senders++
			}
		}
		if len(edges) != 100 || senders < 50 {
			t.Fatalf("%d missions, %d with a sender; the test needs a full page of missions with senders", len(edges), senders)
		}
		// One read of relations for each of the four fields, and entity
		// reads batched in step with them.
		if a, r := s.Reader.AdjacentCalls.Load(), s.Reader.RelationsCalls.Load(); a != 4 || r != 0 {
			t.Errorf("the page read relations %d times in batches and %d times one by one; want 4 and 0", a, r)
		}
		if e, b := s.Reader.EntityCalls.Load(), s.Reader.ByIDCalls.Load(); e != 0 || b > 4 {
			t.Errorf("the page read entities %d times one by one and %d times in batches; want 0 and at most 4", e, b)
		}
	})

	t.Run("AnswersMatchOneByOne", func(t *testing.T) {
		// The same missions asked for one at a time give the same answers.
		d := s.MustData(t, `{ entities(kind: MISSION, first: 30) { edges { node { id ... on Mission {
		  sender { id } accreditedTo { id } city { id } } } } } }`, nil)
		for _, e := range schematest.At(d, "entities", "edges").([]any) {
			id := schematest.At(e, "node", "id").(string)
			one := s.MustData(t, `query($id: ID!) { entity(id: $id) { ... on Mission { sender { id } accreditedTo { id } city { id } } } }`,
				map[string]any{"id": id})
			for _, f := range []string{"sender", "accreditedTo", "city"} {
				if got, want := jsonOf(t, schematest.At(e, "node", f)), jsonOf(t, schematest.At(one, "entity", f)); got != want {
					t.Errorf("%s.%s: %s in a list, %s alone", id, f, got, want)
				}
			}
		}
	})

	t.Run("FirstPagesOfRelations", func(t *testing.T) {
		s.Reader.Reset()
		d := s.MustData(t, `{ entities(kind: COUNTRY, first: 60) { edges { node { id
		  relations(first: 3, types: [LOCATED_IN, SENT_BY], direction: IN) { edges { cursor node { from { name } } } pageInfo { hasNextPage } } } } } }`, nil)
		edges := schematest.At(d, "entities", "edges").([]any)
		withNext := 0
		for _, e := range edges {
			if schematest.At(e, "node", "relations", "pageInfo", "hasNextPage") == true {
				withNext++
				if n := len(schematest.At(e, "node", "relations", "edges").([]any)); n != 3 {
					t.Errorf("%v: %d relations on a page with a next one; want 3", schematest.At(e, "node", "id"), n)
				}
			}
		}
		if len(edges) != 60 || withNext == 0 {
			t.Fatalf("%d countries, %d with more than 3 relations; the test needs both", len(edges), withNext)
		}
		if a, r := s.Reader.AdjacentCalls.Load(), s.Reader.RelationsCalls.Load(); a != 1 || r != 0 {
			t.Errorf("the page read relations %d times in batches and %d times one by one; want 1 and 0", a, r)
		}
	})

	t.Run("FirstPageThenNextPage", func(t *testing.T) {
		// A batched first page hands out cursors that the next page, read
		// on its own, continues from without repeating or skipping; so
		// does a first page read with its total, in one store call.
		all := s.MustData(t, `{ entity(id: "country:united-states") { relations(first: 500) { edges { node { id } } totalCount } } }`, nil)
		var want []string
		for _, e := range schematest.At(all, "entity", "relations", "edges").([]any) {
			want = append(want, schematest.At(e, "node", "id").(string))
		}
		if n := schematest.At(all, "entity", "relations", "totalCount"); n != float64(len(want)) {
			t.Fatalf("totalCount %v with a page of all %d", n, len(want))
		}
		for _, total := range []string{"", "totalCount"} {
			q := `query($after: String) { entity(id: "country:united-states") {
			  relations(first: 7, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } ` + total + ` } } }`
			var got []string
			var after any
			for {
				s.Reader.Reset()
				d := s.MustData(t, q, map[string]any{"after": after})
				conn := schematest.At(d, "entity", "relations")
				if n := schematest.At(conn, "totalCount"); total != "" && n != float64(len(want)) {
					t.Fatalf("totalCount %v, want %d", n, len(want))
				}
				if a, r := s.Reader.AdjacentCalls.Load(), s.Reader.RelationsCalls.Load(); after == nil && total == "" && (a != 1 || r != 0) ||
					(after != nil || total != "") && (a != 0 || r != 1) {
					t.Errorf("after %v, %q: relations read %d times in batches and %d times one by one", after, total, a, r)
				}
				for _, e := range schematest.At(conn, "edges").([]any) {
					got = append(got, schematest.At(e, "node", "id").(string))
				}
				if schematest.At(conn, "pageInfo", "hasNextPage") != true {
					break
				}
				after = schematest.At(conn, "pageInfo", "endCursor")
			}
			if len(want) < 8 || jsonOf(t, got) != jsonOf(t, want) {
				t.Errorf("paging by 7 (%q) gave %d relations %v; want the %d of one page %v", total, len(got), got, len(want), want)
			}
		}
	})
}

// jsonOf renders v as JSON, for comparing decoded answers.
func jsonOf(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
