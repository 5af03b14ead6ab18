package schema_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/store/storetest"
)

// TestEveryTraversalDeclaresItsCost walks the schema for the fields that
// may make the server read more than a constant amount, those that
// return a list or a connection or take a size argument, and fails for
// any that has no @cost of its own or of the interface field it
// implements: the cost estimate would count it as reading nothing.
func TestEveryTraversalDeclaresItsCost(t *testing.T) {
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "schema", Input: schema.SDL})
	if err != nil {
		t.Fatal(err)
	}
	hasCost := func(def *ast.Definition, f *ast.FieldDefinition) bool {
		if f.Directives.ForName("cost") != nil {
			return true
		}
		for _, name := range def.Interfaces {
			if g := s.Types[name].Fields.ForName(f.Name); g != nil && g.Directives.ForName("cost") != nil {
				return true
			}
		}
		return false
	}
	sized := func(f *ast.FieldDefinition) bool {
		return slices.ContainsFunc(f.Arguments, func(a *ast.ArgumentDefinition) bool {
			return slices.Contains([]string{"first", "limit", "depth", "maxLength"}, a.Name)
		})
	}
	checked := 0
	for name, def := range s.Types {
		if def.Kind != ast.Object && def.Kind != ast.Interface || strings.HasPrefix(name, "__") {
			continue
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if f.Type.Elem == nil && !strings.HasSuffix(f.Type.Name(), "Connection") && !sized(f) {
				continue
			}
			checked++
			if !hasCost(def, f) {
				t.Errorf("%s.%s may read more than a constant amount but has no @cost directive: add one in schema/*.graphql (schema/cost.graphql says how)", name, f.Name)
			}
		}
	}
	// Query's lists and the entities' relations at least.
	if checked < 20 {
		t.Errorf("only %d fields may read more than a constant amount; the walk missed the schema's lists", checked)
	}
}

// TestCostDirectiveIsPublished checks that the GraphQL server accepts
// the SDL with its @cost directives and shows a client the directive and
// its kinds of work, with their descriptions, by introspection.
func TestCostDirectiveIsPublished(t *testing.T) {
	db := storetest.OpenSeeded(t, t.TempDir())
	api, err := schema.New(db, db, nil, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	r := api.Exec(t.Context(), schema.Request{Query: `{
		__schema { directives { name description args { name } } }
		__type(name: "CostWork") { kind enumValues { name description } } }`})
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	type directive struct {
		Name, Description string
		Args              []struct{ Name string }
	}
	var data struct {
		Schema struct {
			Directives []directive
		} `json:"__schema"`
		Type struct {
			Kind       string
			EnumValues []struct{ Name, Description string }
		} `json:"__type"`
	}
	if err := json.Unmarshal(r.Data, &data); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(data.Schema.Directives, func(d directive) bool { return d.Name == "cost" })
	if i < 0 {
		t.Fatalf("introspection lists no directive cost among %+v", data.Schema.Directives)
	}
	if d := data.Schema.Directives[i]; !strings.Contains(d.Description, "QUERY_TOO_COMPLEX") || len(d.Args) < 2 {
		t.Errorf("@cost is published as %+v; want its description, which says what cost means, and its arguments", d)
	}
	if data.Type.Kind != "ENUM" || len(data.Type.EnumValues) < 10 {
		t.Fatalf("CostWork is published as %+v; want an enum of the kinds of work", data.Type)
	}
	for _, v := range data.Type.EnumValues {
		if v.Description == "" {
			t.Errorf("CostWork.%s has no description", v.Name)
		}
	}
}
