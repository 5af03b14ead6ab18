package schema_test

import (
	"context"
	"testing"

	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/store/storetest"
)

// BenchmarkExec times what the schema spends on one request, from the
// query's text to the encoded answer's data, without HTTP: the shapes a
// dashboard and the explorer ask most, on the curated seeds.
//
//	go test -run XXX -bench Exec -count 6 ./schema/
func BenchmarkExec(b *testing.B) {
	db := storetest.OpenSeeded(b, "")
	s, err := schema.New(db, db, nil, schema.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name, query string
		vars        map[string]any
	}{
		{"Neighbourhood", `query N($id: ID!) { neighbourhood(id: $id, depth: 2, limit: 500) {
			nodes { id kind name } relations { id type from { id } to { id } } truncated } }`,
			map[string]any{"id": "country:united-states"}},
		{"Entity20Relations", `query E($id: ID!) { entity(id: $id) { id kind name
			relations(first: 20) { edges { node { id type validFrom validTo from { id kind name } to { id kind name } } } } } }`,
			map[string]any{"id": "country:united-states"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := schema.Request{Query: bc.query, Variables: bc.vars}
			if resp := s.Exec(context.Background(), req); len(resp.Errors) > 0 {
				b.Fatal(resp.Errors)
			}
			b.ReportAllocs()
			for b.Loop() {
				s.Exec(context.Background(), req)
			}
		})
	}
}
