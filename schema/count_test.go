package schema_test

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/schema/httpapi"
	"github.com/chancery/chancery/schema/schematest"
)

// bucket is a decoded Bucket.
type bucket struct {
	key   string
	label any
	count int
}

func decodeBuckets(t *testing.T, v any) []bucket {
	t.Helper()
	list, ok := v.([]any)
	if !ok {
		t.Fatalf("buckets = %v", v)
	}
	out := make([]bucket, len(list))
	for i, b := range list {
		out[i] = bucket{key: schematest.At(b, "key").(string), label: schematest.At(b, "label"), count: int(schematest.At(b, "count").(float64))}
	}
	return out
}

// checkRanked fails unless bs are most first, ties by key.
func checkRanked(t *testing.T, bs []bucket) {
	t.Helper()
	if !slices.IsSortedFunc(bs, func(a, b bucket) int {
		return cmp.Or(cmp.Compare(b.count, a.count), cmp.Compare(a.key, b.key))
	}) {
		t.Errorf("buckets are not ordered by count, then key: %v", bs)
	}
}

func TestCount(t *testing.T) {
	// Totals of relations as of a date read every match, so that a
	// query with one for each type costs more than the default budget.
	s := schematest.NewServerWithLimits(t, httpapi.HandlerOptions{}, schema.Limits{MaxCost: 1_000_000})
	const q = `query($groupBy: GroupBy!, $kind: EntityKind, $types: [RelationType!], $asOf: Date, $limit: Int) {
	  count(groupBy: $groupBy, kind: $kind, types: $types, asOf: $asOf, limit: $limit) { key label count }
	}`
	count := func(t *testing.T, vars map[string]any) []bucket {
		t.Helper()
		return decodeBuckets(t, schematest.At(s.MustData(t, q, vars), "count"))
	}

	t.Run("KindMatchesEntities", func(t *testing.T) {
		for _, asOf := range []any{nil, "1960", "2016"} {
			bs := count(t, map[string]any{"groupBy": "KIND", "asOf": asOf})
			checkRanked(t, bs)
			var sel strings.Builder
			for _, b := range bs {
				if b.label != nil {
					t.Errorf("KIND bucket %s has label %v, want null", b.key, b.label)
				}
				fmt.Fprintf(&sel, "%s: entities(kind: %s, asOf: $asOf, first: 0) { totalCount } ", b.key, b.key)
			}
			d := s.MustData(t, "query($asOf: Date) { "+sel.String()+"}", map[string]any{"asOf": asOf})
			for _, b := range bs {
				if n := int(schematest.At(d, b.key, "totalCount").(float64)); n != b.count {
					t.Errorf("as of %v: %s counts %d, entities(kind: %s) has totalCount %d", asOf, b.key, b.count, b.key, n)
				}
			}
			// Over all history and in 2016 every state of ISO 3166-1 is
			// known; in 1960, those the Correlates of War list attests
			// then, about half.
			least, most := 190, 1000
			if asOf == "1960" {
				least, most = 80, 120
			}
			if i := slices.IndexFunc(bs, func(b bucket) bool { return b.key == "COUNTRY" }); i < 0 || bs[i].count < least || bs[i].count > most {
				t.Errorf("as of %v: countries %v, want %d to %d", asOf, bs, least, most)
			}
		}
		bs := count(t, map[string]any{"groupBy": "KIND", "kind": "COUNTRY"})
		if len(bs) != 1 || bs[0].key != "COUNTRY" {
			t.Errorf("kind: COUNTRY gives %v", bs)
		}
	})

	t.Run("RelationTypeMatchesRelations", func(t *testing.T) {
		for _, asOf := range []any{nil, "1990"} {
			bs := count(t, map[string]any{"groupBy": "RELATION_TYPE", "asOf": asOf})
			checkRanked(t, bs)
			if len(bs) < 3 {
				t.Fatalf("as of %v: only %v", asOf, bs)
			}
			var sel strings.Builder
			for _, b := range bs {
				fmt.Fprintf(&sel, "%s: relations(types: [%s], asOf: $asOf, first: 0) { totalCount } ", b.key, b.key)
			}
			d := s.MustData(t, "query($asOf: Date) { "+sel.String()+"}", map[string]any{"asOf": asOf})
			for _, b := range bs {
				if n := int(schematest.At(d, b.key, "totalCount").(float64)); n != b.count {
					t.Errorf("as of %v: %s counts %d, relations(types: [%s]) has totalCount %d", asOf, b.key, b.count, b.key, n)
				}
			}
		}
		all := count(t, map[string]any{"groupBy": "RELATION_TYPE"})
		two := count(t, map[string]any{"groupBy": "RELATION_TYPE", "limit": 2})
		if !slices.Equal(two, all[:2]) {
			t.Errorf("limit 2 gives %v; the full list starts %v", two, all[:2])
		}
		some := count(t, map[string]any{"groupBy": "RELATION_TYPE", "types": []string{"PROTECTS", "SECTION_OF"}})
		if len(some) != 2 || !slices.ContainsFunc(some, func(b bucket) bool { return b.key == "PROTECTS" }) {
			t.Errorf("types [PROTECTS, SECTION_OF] gives %v", some)
		}
	})

	t.Run("MissionsBySender", func(t *testing.T) {
		// The expected count: distinct missions SENT_BY the United States
		// that the listing gives, which are those known to hold with the
		// relation; each says so in its holding.
		const rels = `query($asOf: Date) { relations(types: [SENT_BY], to: "country:united-states", asOf: $asOf, first: 500) {
		  edges { node { holding from { id holding } } } } }`
		for _, asOf := range []string{"", "1976", "1990", "2016"} {
			var vars map[string]any
			if asOf != "" {
				vars = map[string]any{"asOf": asOf}
			}
			missions := map[string]bool{}
			for _, e := range schematest.At(s.MustData(t, rels, vars), "relations", "edges").([]any) {
				m := schematest.At(e, "node", "from")
				if schematest.At(e, "node", "holding") != "KNOWN" || schematest.At(m, "holding") != "KNOWN" {
					t.Errorf("as of %q: %v is listed but not known to hold", asOf, e)
				}
				missions[schematest.At(m, "id").(string)] = true
			}
			s.Reader.EntityCalls.Store(0)
			s.Reader.ByIDCalls.Store(0)
			bs := count(t, map[string]any{"groupBy": "SENDER", "asOf": vars["asOf"], "limit": 500})
			if e, b := s.Reader.EntityCalls.Load(), s.Reader.ByIDCalls.Load(); e != 0 || b != 0 {
				t.Errorf("the count read entities %d times one by one and %d times in batches; the store names the buckets", e, b)
			}
			checkRanked(t, bs)
			i := slices.IndexFunc(bs, func(b bucket) bool { return b.key == "country:united-states" })
			got := 0
			if i >= 0 {
				got = bs[i].count
				if bs[i].label != "United States" {
					t.Errorf("label of country:united-states = %v", bs[i].label)
				}
			}
			if got != len(missions) {
				t.Errorf("as of %q: the United States sends %d missions, want %d: %v", asOf, got, len(missions), slices.Sorted(maps.Keys(missions)))
			}
			if asOf == "1990" && !missions["mission:us-interests-section-havana"] {
				t.Error("as of 1990 the interests section in Havana is not among the missions of the United States")
			}
		}
	})

	t.Run("HostsAndCities", func(t *testing.T) {
		for _, g := range []string{"HOST", "CITY"} {
			bs := count(t, map[string]any{"groupBy": g, "asOf": "1990"})
			checkRanked(t, bs)
			if !slices.ContainsFunc(bs, func(b bucket) bool {
				return b.key == map[string]string{"HOST": "country:cuba", "CITY": "city:havana"}[g] && b.count >= 1 && b.label != nil
			}) {
				t.Errorf("%s as of 1990 = %v; want Cuba or Havana, named", g, bs)
			}
			for _, b := range bs {
				if g == "CITY" && !strings.HasPrefix(b.key, "city:") {
					t.Errorf("CITY bucket %s is not a city", b.key)
				}
			}
		}
	})

	t.Run("YearSeries", func(t *testing.T) {
		types := []string{"PROTECTS", "SECTION_OF", "RENAMED_FROM", "REPRESENTED_BY"}
		d := s.MustData(t, `query($types: [RelationType!]) { relations(types: $types, first: 500) {
		  edges { node { validFrom } } pageInfo { hasNextPage } } }`, map[string]any{"types": types})
		if schematest.At(d, "relations", "pageInfo", "hasNextPage") != false {
			t.Fatalf("more than 500 relations of %v; pick rarer types for this test", types)
		}
		want := map[string]int{}
		for _, e := range schematest.At(d, "relations", "edges").([]any) {
			if v, ok := schematest.At(e, "node", "validFrom").(string); ok {
				want[v[:4]]++
			}
		}
		bs := count(t, map[string]any{"groupBy": "YEAR", "types": types, "limit": 500})
		got := map[string]int{}
		for _, b := range bs {
			got[b.key] = b.count
		}
		if !maps.Equal(got, want) || want["1977"] == 0 {
			t.Errorf("years of %v = %v, want %v", types, bs, want)
		}
		if len(bs) < 3 {
			t.Fatalf("years of %v = %v; the test needs three or more", types, bs)
		}
		if !slices.IsSortedFunc(bs, func(a, b bucket) int { return strings.Compare(a.key, b.key) }) {
			t.Errorf("years are not oldest first: %v", bs)
		}
		if first := count(t, map[string]any{"groupBy": "YEAR", "types": types, "limit": 2}); !slices.Equal(first, bs[:2]) {
			t.Errorf("limit 2 gives %v, want the earliest two years %v", first, bs[:2])
		}
		decades := count(t, map[string]any{"groupBy": "DECADE", "types": types})
		sums := map[string]int{}
		for _, b := range bs {
			sums[b.key[:3]+"0s"] += b.count
		}
		for _, b := range decades {
			if b.count != sums[b.key] {
				t.Errorf("decade %s counts %d; its years add up to %d", b.key, b.count, sums[b.key])
			}
		}
		if len(decades) != len(sums) {
			t.Errorf("decades %v, years %v", decades, bs)
		}
	})

	t.Run("EndedSeries", func(t *testing.T) {
		types := []string{"PROTECTS", "SECTION_OF", "RENAMED_FROM", "REPRESENTED_BY"}
		d := s.MustData(t, `query($types: [RelationType!]) { relations(types: $types, first: 500) {
		  edges { node { validTo } } pageInfo { hasNextPage } } }`, map[string]any{"types": types})
		if schematest.At(d, "relations", "pageInfo", "hasNextPage") != false {
			t.Fatalf("more than 500 relations of %v; pick rarer types for this test", types)
		}
		years, decades := map[string]int{}, map[string]int{}
		for _, e := range schematest.At(d, "relations", "edges").([]any) {
			if v, ok := schematest.At(e, "node", "validTo").(string); ok {
				years[v[:4]]++
				decades[v[:3]+"0s"]++
			}
		}
		for g, want := range map[string]map[string]int{"YEAR_ENDED": years, "DECADE_ENDED": decades} {
			bs := count(t, map[string]any{"groupBy": g, "types": types, "limit": 500})
			got := map[string]int{}
			for _, b := range bs {
				got[b.key] = b.count
			}
			if !maps.Equal(got, want) || len(want) < 2 {
				t.Errorf("%s of %v = %v, want %v (and two or more buckets)", g, types, bs, want)
			}
			if !slices.IsSortedFunc(bs, func(a, b bucket) int { return strings.Compare(a.key, b.key) }) {
				t.Errorf("%s is not oldest first: %v", g, bs)
			}
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		for _, tc := range []struct {
			vars map[string]any
			says string
		}{
			{map[string]any{"groupBy": "KIND", "limit": 0}, "between 1 and 500"},
			{map[string]any{"groupBy": "YEAR", "limit": 501}, "limit is 501; ask for between 1 and 500"},
			{map[string]any{"groupBy": "SENDER", "types": []string{"SENT_BY"}}, "types does not apply"},
			{map[string]any{"groupBy": "DECADE", "kind": "COUNTRY"}, "kind does not apply"},
		} {
			r, _ := s.Post(t, q, tc.vars)
			if len(r.Errors) != 1 || r.Code(0) != "INVALID" || !strings.Contains(r.Errors[0].Message, tc.says) {
				t.Errorf("%v: errors %+v, want one INVALID saying %q", tc.vars, r.Errors, tc.says)
			}
		}
		r, _ := s.Post(t, `{ count(groupBy: COLOUR) { key } }`, nil)
		if len(r.Errors) == 0 || r.Code(0) != "GRAPHQL_VALIDATION_FAILED" {
			t.Errorf("unknown groupBy: %+v", r.Errors)
		}
	})
}
