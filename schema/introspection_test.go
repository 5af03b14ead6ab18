package schema_test

import (
	"os"
	"strings"
	"testing"

	"github.com/chancery/chancery/schema/schematest"
)

func TestIntrospection(t *testing.T) {
	// The playground's docs and explorer are built from this query's
	// answer, so the default limits must let it through.
	query, err := os.ReadFile("testdata/introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	s := schematest.NewServer(t)

	t.Run("Standard", func(t *testing.T) {
		r, _ := s.Post(t, string(query), nil)
		if len(r.Errors) > 0 {
			t.Fatalf("errors: %+v", r.Errors)
		}
		types, _ := schematest.At(r.Data, "__schema", "types").([]any)
		names := map[string]bool{}
		for _, ty := range types {
			name, _ := schematest.At(ty, "name").(string)
			names[name] = true
		}
		for _, want := range []string{"Query", "Mission", "RelationType", "Bucket"} {
			if !names[want] {
				t.Errorf("the schema's types lack %s", want)
			}
		}
	})

	t.Run("DepthStillLimitsData", func(t *testing.T) {
		// Only introspection is spared the depth limit: data nested as
		// deep is refused.
		deep := `{ entity(id: "country:cuba") { name ` +
			strings.Repeat(`relations(first: 1) { edges { node { from { `, 4) + `name` + strings.Repeat(` } } } }`, 4) + ` } }`
		r, _ := s.Post(t, deep, nil)
		if len(r.Errors) != 1 || r.Code(0) != "QUERY_TOO_COMPLEX" || !strings.Contains(r.Errors[0].Message, "deep") {
			t.Errorf("a data query 18 deep: errors %+v, want QUERY_TOO_COMPLEX for depth", r.Errors)
		}
	})

	t.Run("NestedListsRefused", func(t *testing.T) {
		// Introspection that nests the schema's lists within each other
		// grows manifold a level; graphql-go would run it, so the limits
		// refuse it before it does.
		q := `{ __schema { types { ` + strings.Repeat(`fields { type { `, 6) + `name` + strings.Repeat(` } }`, 6) + ` } } }`
		r, _ := s.Post(t, q, nil)
		if len(r.Errors) != 1 || r.Code(0) != "QUERY_TOO_COMPLEX" || !strings.Contains(r.Errors[0].Message, "more than 3 deep") {
			t.Errorf("errors %+v, want QUERY_TOO_COMPLEX for nesting", r.Errors)
		}
	})
}
