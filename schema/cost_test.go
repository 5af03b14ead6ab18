package schema

import (
	"math"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestCostDirectivesGiveTheWork checks the work the estimate counts for
// the fields that declare @cost: the kinds and amounts their directives
// say, under the conditions they name.
func TestCostDirectivesGiveTheWork(t *testing.T) {
	m, err := newCostModel()
	if err != nil {
		t.Fatal(err)
	}
	unlimited := Limits{MaxQueryBytes: math.MaxInt, MaxDepth: math.MaxInt, MaxAliases: math.MaxInt,
		MaxRootFields: math.MaxInt, MaxCost: math.MaxInt}
	for _, c := range []struct {
		query string
		want  map[workKind]float64 // the work beyond leaves and objects
	}{
		{`{ neighbourhood(id: "x", depth: 3, limit: 300) { truncated } }`, map[workKind]float64{workNeighbourhood: 900}},
		{`{ neighbourhood(id: "x", depth: 0, limit: -5) { truncated } }`, nil},
		{`{ paths(from: "a", to: "b", maxLength: 6, first: 5) { length } }`, map[workKind]float64{workPathSearch: 1, workPathStep: 30}},
		{`{ paths(from: "a", to: "b") { length } }`, map[workKind]float64{workPathSearch: 1, workPathStep: 3 * 4}},
		{`{ search(text: "x") { score } }`, map[workKind]float64{workSearchHit: 20}},
		{`{ search(text: "x", first: 0) { score } }`, map[workKind]float64{workSearchHit: 1}},
		{`{ lineage(id: "x") { date } }`, map[workKind]float64{workLineage: 1}},
		{`{ representation(of: "a", in: "b") { kind } }`, map[workKind]float64{workRepresentation: 1}},
		{`{ count(groupBy: KIND) { count } }`, map[workKind]float64{workCount: 1}},
		{`{ count(groupBy: KIND, include: POSSIBLE) { count } }`, map[workKind]float64{workCount: 1}},
		{`{ count(groupBy: KIND, asOf: "1990", include: POSSIBLE) { count } }`, map[workKind]float64{workCount: 1, workCountRead: 1}},
		{`{ relations(first: 10) { totalCount } }`, map[workKind]float64{workPage: 11}},
		{`{ relations(first: 10, from: "a") { totalCount } }`, map[workKind]float64{workPage: 11, workScan: 1}},
		{`{ relations(first: 10, from: "a") { pageInfo { hasNextPage } } }`, map[workKind]float64{workPage: 11}},
		{`{ relations(first: 0, asOf: "1990") { pageInfo { hasNextPage } } }`, map[workKind]float64{workPage: 1}},
		{`{ relations(first: 10, asOf: "1990") { totalCount } }`, map[workKind]float64{workPage: 11, workScan: 1}},
		{`{ entities(first: 0, asOf: "1990") { totalCount } }`, map[workKind]float64{workPage: 1}},
		{`{ entities(first: 0, asOf: "1990", include: POSSIBLE) { totalCount } }`, map[workKind]float64{workPage: 1, workScan: 1}},
		{`{ entities(first: 3, asOf: "1990") { pageInfo { hasNextPage } } }`, map[workKind]float64{workPage: 4, workScan: 1}},
		{`{ entity(id: "x") { relations(first: 5) { edges { cursor } } } }`, map[workKind]float64{workPage: 6}},
		{`{ entity(id: "x") { relations(first: 5, asOf: "1990") { edges { cursor } } } }`, map[workKind]float64{workPage: 6, workScan: 1}},
		// Country.relations has the directives of Entity.relations, and
		// a fragment's totalCount is selected as any other.
		{`{ entity(id: "x") { ... on Country { relations(first: 5) { ...Total } } } } fragment Total on RelationConnection { totalCount }`,
			map[workKind]float64{workPage: 6, workScan: 1}},
		// A list multiplies the work of the fields beneath it.
		{`{ entities(first: 4) { edges { node { relations(first: 1) { edges { cursor } } } } } }`, map[workKind]float64{workPage: 5 + 4*2}},
	} {
		_, checked, r := m.check(Request{Query: c.query}, unlimited)
		if r != nil {
			t.Errorf("%s: refused: %s", c.query, r.errs[0].Message)
			continue
		}
		for k := workPage; k < numWorkKinds; k++ {
			if got := checked.tally[k]; got != c.want[k] {
				t.Errorf("%s: %s work %v, want %v", c.query, workNames[k], got, c.want[k])
			}
		}
	}
}

// TestCostTableIsReadFromTheSDL checks the rules read for a few fields
// against their directives in schema/*.graphql.
func TestCostTableIsReadFromTheSDL(t *testing.T) {
	m, err := newCostModel()
	if err != nil {
		t.Fatal(err)
	}
	page := costRule{work: workPage, by: "first", plus: 1}
	for _, c := range []struct {
		typ, field string
		want       []costRule
	}{
		{"Query", "neighbourhood", []costRule{{work: workNeighbourhood, by: "limit", per: []string{"depth"}}}},
		{"Query", "paths", []costRule{{work: workPathSearch}, {work: workPathStep, per: []string{"first", "maxLength"}}}},
		{"Query", "search", []costRule{{work: workSearchHit, per: []string{"first"}}}},
		{"Query", "count", []costRule{{work: workCount}, {work: workCountRead, ifGiven: []string{"asOf"}, ifArgument: "include", ifEquals: "POSSIBLE"}}},
		{"Query", "entities", []costRule{page,
			{work: workScan, ifGiven: []string{"asOf"}, ifPositive: "first"},
			{work: workScan, ifGiven: []string{"asOf"}, ifArgument: "include", ifEquals: "POSSIBLE", ifSelects: "totalCount"}}},
		{"Entity", "relations", []costRule{page, {work: workScan, ifGiven: []string{"asOf"}}, {work: workScan, ifSelects: "totalCount"}}},
		{"Mission", "relations", []costRule{page, {work: workScan, ifGiven: []string{"asOf"}}, {work: workScan, ifSelects: "totalCount"}}},
		{"Subgraph", "nodes", nil},
	} {
		got, ok := m.costs[costKey{c.typ, c.field}]
		if !ok {
			t.Errorf("%s.%s has no entry in the cost table", c.typ, c.field)
		} else if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s.%s costs %+v, want %+v", c.typ, c.field, got, c.want)
		}
	}
	if _, ok := m.costs[costKey{"Query", "entity"}]; ok {
		t.Errorf("Query.entity, which declares no @cost, has an entry in the cost table")
	}
}

// costSDL is the declaration of @cost and CostWork, for schemas built
// to test the reading of directives.
func costSDL(t *testing.T) string {
	t.Helper()
	b, err := sdlFiles.ReadFile("cost.graphql")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestATraversalWithoutCostIsRefused checks that a field that may read
// more than a constant amount but declares no @cost stops the cost model
// from loading, with an error that names it.
func TestATraversalWithoutCostIsRefused(t *testing.T) {
	withoutNeighbourhoodCost := strings.Replace(SDL, `    @cost(work: NEIGHBOURHOOD, by: "limit", per: ["depth"])`+"\n", "", 1)
	if withoutNeighbourhoodCost == SDL {
		t.Fatal("the SDL has no @cost for neighbourhood as this test expects")
	}
	for _, c := range []struct{ name, sdl, field string }{
		{"TheTraversalLosesItsCost", withoutNeighbourhoodCost, "Query.neighbourhood"},
		{"ARenamedTraversalWithoutIt", strings.Replace(withoutNeighbourhoodCost, "  neighbourhood(\n", "  vicinity(\n", 1), "Query.vicinity"},
		{"ANewList", costSDL(t) + `type Query { friends(id: ID!): [Friend!]! } type Friend { id: ID! }`, "Query.friends"},
		{"ANewSizeArgument", costSDL(t) + `type Query { area(id: ID!, depth: Int = 1): Area } type Area { size: Int! }`, "Query.area"},
		{"ANewConnection", costSDL(t) + `type Query { thing: Thing } type Thing { links: LinkConnection! } type LinkConnection { size: Int! }`, "Thing.links"},
		{"AnInterfaceWithout", costSDL(t) + `type Query { named: Named } interface Named { names: [String!]! } type Person implements Named { names: [String!]! @cost(work: ITEMS) }`, "Named.names"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := loadCostModel(c.sdl)
			if err == nil || !strings.Contains(err.Error(), c.field+": it may read more than a constant amount but declares no @cost") {
				t.Errorf("error %v, want one that names %s", err, c.field)
			}
		})
	}

	t.Run("ImplementedFromAnInterface", func(t *testing.T) {
		m, err := loadCostModel(costSDL(t) + `type Query { named: Named } interface Named { names(first: Int): [String!]! @cost(work: PAGE, by: "first") } type Person implements Named { names(first: Int): [String!]! }`)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := m.costs[costKey{"Person", "names"}], []costRule{{work: workPage, by: "first"}}; !reflect.DeepEqual(got, want) {
			t.Errorf("Person.names costs %+v, want Named.names's %+v", got, want)
		}
	})
}

// TestUnreadableCostIsRefused checks that a @cost the model cannot read
// stops it from loading, with an error that names the field and what is
// wrong.
func TestUnreadableCostIsRefused(t *testing.T) {
	field := func(directive string) string {
		return costSDL(t) + `type Query { things(first: Int = 5, name: String, include: Include = KNOWN): [String!]! ` + directive + ` }
			type Thing { size: Int } enum Include { KNOWN POSSIBLE }`
	}
	for _, c := range []struct{ name, sdl, want string }{
		{"NoSuchArgument", field(`@cost(work: PAGE, by: "size")`), `Query.things: @cost names the argument "size", which the field does not take`},
		{"NotANumber", field(`@cost(work: PAGE, per: ["name"])`), `Query.things: @cost counts by the argument "name", which is not an Int`},
		{"NoSuchValue", field(`@cost(work: SCAN, ifValue: "include: MAYBE")`), `Query.things: @cost(ifValue: "include: MAYBE"): MAYBE is not a value`},
		{"NotAValue", field(`@cost(work: SCAN, ifValue: "include")`), `Query.things: @cost(ifValue: "include") must be an argument and its value`},
		{"NoSuchSelection", field(`@cost(work: SCAN, ifSelects: "totalCount")`), `Query.things: @cost(ifSelects: "totalCount") names a field that String does not have`},
		{"ItemsWithAnAmount", field(`@cost(work: ITEMS, by: "first")`), `Query.things: @cost(work: ITEMS) declares no work`},
		{"NegativePlus", field(`@cost(work: PAGE, plus: -1)`), `Query.things: @cost(plus: -1) would lower the cost`},
		{"NoSuchWork", field(`@cost(work: TELEPORT)`), `Query.things: @cost names the work "TELEPORT", which enum CostWork (schema/cost.graphql) does not have`},
		{"AnArgumentTheModelDoesNotRead",
			strings.Replace(field(`@cost(work: PAGE, weight: 3)`), ") repeatable on FIELD_DEFINITION", "  weight: Int\n) repeatable on FIELD_DEFINITION", 1),
			"Query.things: @cost has the argument weight, which the cost model does not read"},
		{"AWorkTheModelDoesNotWeigh",
			strings.Replace(field(`@cost(work: TELEPORT)`), "  SEARCH_HIT\n", "  SEARCH_HIT\n  TELEPORT\n", 1),
			"enum CostWork has TELEPORT, a kind of work the cost model does not weigh"},
		{"AWorkTheEnumLacks",
			regexp.MustCompile(`\n  "[^"\n]*"\n  SEARCH_HIT\n`).ReplaceAllString(field(`@cost(work: PAGE)`), "\n"),
			`enum CostWork lacks SEARCH_HIT, the work "search-hit" the cost model weighs`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := loadCostModel(c.sdl)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one that says %q", err, c.want)
			}
		})
	}
}
