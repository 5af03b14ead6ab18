package schema_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/schema/schematest"
)

// TestIntrospectionFieldsGraphqlGoLacks asks for __Schema.description,
// __Directive.isRepeatable and __Type.isOneOf, which the server answers
// itself around graphql-go, in every way a document can: with aliases,
// twice, in fragments and inline fragments, under @skip, beside data
// fields. Each answer is compared whole, as bytes, so that the order of
// its fields and the absence of anything added to run it are held too.
func TestIntrospectionFieldsGraphqlGoLacks(t *testing.T) {
	s := schematest.NewServer(t)
	sdl, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: schema.SDL})
	if err != nil {
		t.Fatal(err)
	}
	description, err := json.Marshal(sdl.Description)
	if err != nil || sdl.Description == "" {
		t.Fatalf("the SDL has no description to answer with (%v)", err)
	}
	desc := string(description)

	cases := []struct {
		name, query string
		vars        map[string]any
		want        string
	}{
		{"SchemaDescriptionAlone", `{ __schema { description } }`, nil,
			`{"__schema":{"description":` + desc + `}}`},
		{"AliasedAndBesideOtherFields", `{ __schema { queryType { name } d: description } }`, nil,
			`{"__schema":{"queryType":{"name":"Query"},"d":` + desc + `}}`},
		{"IsOneOfOfAScalarAnInputAndAWrapper",
			`{ s: __type(name: "Date") { isOneOf name } i: __type(name: "SourceInput") { name isOneOf } ` +
				`w: __type(name: "Query") { fields(includeDeprecated: false) { name type { kind isOneOf } } } }`, nil, ""},
		{"IsRepeatableThroughAFragment",
			`query { __schema { directives { ...D } } } fragment D on __Directive { name isRepeatable again: isRepeatable }`, nil, ""},
		{"SkippedAndIncluded",
			`query Q($skip: Boolean!) { __type(name: "EntityInput") { isOneOf @skip(if: $skip) ... on __Type { name o: isOneOf @include(if: $skip) } } }`,
			map[string]any{"skip": true},
			`{"__type":{"name":"EntityInput","o":false}}`},
		{"NotSkipped",
			`query Q($skip: Boolean!) { __type(name: "EntityInput") { isOneOf @skip(if: $skip) ... on __Type { name o: isOneOf @include(if: $skip) } } }`,
			map[string]any{"skip": false},
			`{"__type":{"isOneOf":false,"name":"EntityInput"}}`},
		{"BesideData", `{ entity(id: "country:cuba") { name } __schema { description } }`, nil,
			`{"entity":{"name":"Cuba"},"__schema":{"description":` + desc + `}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, err := json.Marshal(map[string]any{"query": c.query, "variables": c.vars})
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.Post(s.URL+"/graphql", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			var r struct {
				Data   json.RawMessage
				Errors []any
			}
			if err := json.Unmarshal(raw, &r); err != nil || len(r.Errors) > 0 || resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d, %s", resp.StatusCode, raw)
			}
			if strings.Contains(string(r.Data), "chancery") {
				t.Errorf("the answer shows a field added to run it: %s", r.Data)
			}
			switch c.name {
			case "IsOneOfOfAScalarAnInputAndAWrapper":
				for _, want := range []string{`"s":{"isOneOf":null,"name":"Date"}`, `"i":{"name":"SourceInput","isOneOf":false}`,
					`{"name":"entity","type":{"kind":"INTERFACE","isOneOf":null}}`, `"type":{"kind":"NON_NULL","isOneOf":null}`} {
					if !strings.Contains(string(r.Data), want) {
						t.Errorf("the answer lacks %s: %s", want, r.Data)
					}
				}
			case "IsRepeatableThroughAFragment":
				for _, want := range []string{`{"name":"cost","isRepeatable":true,"again":true}`, `{"name":"skip","isRepeatable":false,"again":false}`} {
					if !strings.Contains(string(r.Data), want) {
						t.Errorf("the answer lacks %s: %s", want, r.Data)
					}
				}
			default:
				if string(r.Data) != c.want {
					t.Errorf("got  %s\nwant %s", r.Data, c.want)
				}
			}
		})
	}
}
