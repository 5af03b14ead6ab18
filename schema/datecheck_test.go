package schema_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chancery/chancery/schema/schematest"
)

// TestDatesThatDoNotParseAreRefused holds a Date that does not parse, as
// a literal or in a variable, at any depth of an input, to a refused
// request: no data, status 400 as application/graphql-response+json, and
// a message that names the argument or variable and says what a date
// looks like. A bare year before 1000 is refused as a likely mistake.
func TestDatesThatDoNotParseAreRefused(t *testing.T) {
	s := schematest.NewServer(t)
	const relationsAsOf = `query Q($d: Date) { entity(id: "country:cuba") { relations(asOf: $d) { edges { node { id } } } } }`
	ask := func(accept, query string, vars map[string]any) (*schematest.Result, int) {
		return s.PostHeader(t, map[string]string{"Accept": accept, "Authorization": "Bearer " + schematest.Token}, query, vars)
	}
	cases := []struct {
		name, query string
		vars        map[string]any
		code        string
		want        []string // in the message
		line, col   int      // where a literal is; 0 for a variable
	}{
		{"Literal", "{ entity(id: \"country:cuba\") {\n  relations(asOf: \"19x\") { edges { node { id } } } } }", nil,
			"GRAPHQL_VALIDATION_FAILED", []string{"argument asOf of relations", `"19x"`, "YYYY-MM-DD"}, 2, 19},
		{"BareYearLiteral", `{ entity(id: "country:cuba") { relations(asOf: 90) { edges { node { id } } } } }`, nil,
			"GRAPHQL_VALIDATION_FAILED", []string{"the year 90", "1990", `"0090"`}, 1, 48},
		{"Variable", relationsAsOf, map[string]any{"d": "1994-13"}, "BAD_REQUEST", []string{"$d is not a Date", "1994-13"}, 0, 0},
		{"BareYearVariable", relationsAsOf, map[string]any{"d": 90}, "BAD_REQUEST", []string{"$d is not a Date", "the year 90"}, 0, 0},
		{"NotADate", relationsAsOf, map[string]any{"d": true}, "BAD_REQUEST", []string{"$d is not a Date", "not a boolean"}, 0, 0},
		{"InAnInputObject", `mutation M($c: ChangeSetInput!) { applyChanges(changes: $c) { dataVersion } }`,
			map[string]any{"c": map[string]any{"addRelations": []any{map[string]any{
				"type": "LOCATED_IN", "from": "mission:us-embassy-havana", "to": "city:havana", "validFrom": "2015-02-30",
				"sources": []any{map[string]any{"document": "Test fixture", "quote": "A quote."}}}}}},
			"BAD_REQUEST", []string{"$c.addRelations[0].validFrom is not a Date", "2015-02-30"}, 0, 0},
		{"InAnInputLiteral", `mutation { addRelation(input: {type: LOCATED_IN, from: "mission:us-embassy-havana", to: "city:havana", ` +
			`validTo: "20150", sources: [{document: "Test fixture", quote: "A quote."}]}) { id } }`, nil,
			"GRAPHQL_VALIDATION_FAILED", []string{"input.validTo, in the argument input of addRelation", `"20150"`}, 1, 113},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, accept := range []string{"application/graphql-response+json", "application/json"} {
				r, status := ask(accept, c.query, c.vars)
				wantStatus := http.StatusBadRequest
				if accept == "application/json" {
					wantStatus = http.StatusOK
				}
				if status != wantStatus || r.Data != nil || len(r.Errors) != 1 {
					t.Fatalf("as %s: status %d, data %v, errors %+v; want %d, no data, one error", accept, status, r.Data, r.Errors, wantStatus)
				}
				if r.Code(0) != c.code {
					t.Errorf("code %s, want %s", r.Code(0), c.code)
				}
				switch locs := r.Errors[0].Locations; {
				case c.line == 0 && len(locs) != 0:
					t.Errorf("a variable's error has locations %+v", locs)
				case c.line != 0 && (len(locs) != 1 || locs[0].Line != c.line || locs[0].Column != c.col):
					t.Errorf("locations %+v; want line %d, column %d", locs, c.line, c.col)
				}
				for _, w := range c.want {
					if !strings.Contains(r.Errors[0].Message, w) {
						t.Errorf("the message %q does not say %q", r.Errors[0].Message, w)
					}
				}
			}
		})
	}

	t.Run("GoodDatesRun", func(t *testing.T) {
		for _, d := range []any{"1990", "1990-06", "1990-06-15", 1990, "0090"} {
			if r, status := ask("application/graphql-response+json", relationsAsOf, map[string]any{"d": d}); status != http.StatusOK || len(r.Errors) > 0 {
				t.Errorf("asOf %v: status %d, errors %+v", d, status, r.Errors)
			}
		}
	})
}
