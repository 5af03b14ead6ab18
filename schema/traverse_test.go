package schema_test

import (
	"slices"
	"testing"

	"github.com/chancery/chancery/schema/schematest"
)

func TestPaths(t *testing.T) {
	s := schematest.NewServer(t)
	const q = `query($from: ID!, $to: ID!, $asOf: Date, $types: [RelationType!], $max: Int, $first: Int) {
	  paths(from: $from, to: $to, asOf: $asOf, types: $types, maxLength: $max, first: $first) {
	    length nodes { id } relations { type from { id } to { id } }
	  }
	}`
	nodes := func(p any) []string {
		var out []string
		for _, n := range schematest.At(p, "nodes").([]any) {
			out = append(out, schematest.At(n, "id").(string))
		}
		return out
	}

	t.Run("ShortestFirstAndSimple", func(t *testing.T) {
		d := s.MustData(t, q, map[string]any{"from": "country:poland", "to": "country:iraq", "first": 5})
		paths := schematest.At(d, "paths").([]any)
		if len(paths) < 2 {
			t.Fatalf("paths = %v", paths)
		}
		prev := 0
		for i, p := range paths {
			n := nodes(p)
			l := int(schematest.At(p, "length").(float64))
			if l < prev || len(n) != l+1 || n[0] != "country:poland" || n[len(n)-1] != "country:iraq" {
				t.Errorf("path %d: length %d, nodes %v", i, l, n)
			}
			prev = l
			sorted := slices.Clone(n)
			slices.Sort(sorted)
			if len(slices.Compact(sorted)) != len(n) {
				t.Errorf("path %d repeats an entity: %v", i, n)
			}
			for j, r := range schematest.At(p, "relations").([]any) {
				ends := []string{schematest.At(r, "from", "id").(string), schematest.At(r, "to", "id").(string)}
				if !slices.Contains(ends, n[j]) || !slices.Contains(ends, n[j+1]) {
					t.Errorf("path %d: relation %d joins %v, not %s and %s", i, j, ends, n[j], n[j+1])
				}
			}
		}
		if got := nodes(paths[0]); !slices.Equal(got, []string{"country:poland", "mission:embassy-of-poland-in-iraq", "country:iraq"}) {
			t.Errorf("shortest path = %v", got)
		}
	})

	t.Run("OnlyAsOfSomeDates", func(t *testing.T) {
		through := func(asOf string) bool {
			d := s.MustData(t, q, map[string]any{"from": "country:united-states", "to": "country:cuba", "asOf": asOf,
				"types": []string{"SENT_BY", "ACCREDITS_TO"}, "max": 2, "first": 10})
			for _, p := range schematest.At(d, "paths").([]any) {
				if slices.Contains(nodes(p), "mission:us-interests-section-havana") {
					return true
				}
			}
			return false
		}
		if !through("1990") {
			t.Error("as of 1990 no path runs through the interests section in Havana")
		}
		if through("1976") || through("2016") {
			t.Error("a path runs through the interests section in Havana outside 1977-2015")
		}
	})

	t.Run("NoPathIsEmpty", func(t *testing.T) {
		d := s.MustData(t, q, map[string]any{"from": "country:poland", "to": "country:iraq", "max": 1})
		if p := schematest.At(d, "paths").([]any); len(p) != 0 {
			t.Errorf("paths of one relation = %v", p)
		}
	})

	t.Run("Errors", func(t *testing.T) {
		for _, tc := range []struct {
			vars map[string]any
			code string
		}{
			{map[string]any{"from": "country:poland", "to": "country:iraq", "max": 7}, "INVALID"},
			{map[string]any{"from": "country:poland", "to": "country:iraq", "first": 21}, "INVALID"},
			{map[string]any{"from": "country:poland", "to": "country:atlantis"}, "NOT_FOUND"},
			{map[string]any{"from": "Poland", "to": "country:iraq"}, "INVALID"},
		} {
			r, _ := s.Post(t, q, tc.vars)
			if len(r.Errors) != 1 || r.Code(0) != tc.code {
				t.Errorf("%v: errors %+v, want %s", tc.vars, r.Errors, tc.code)
			}
		}
	})
}

func TestLineage(t *testing.T) {
	s := schematest.NewServer(t)
	const q = `query($id: ID!) { lineage(id: $id) { entity { id } change date relation { type } } }`
	var first []any
	for _, id := range []string{"mission:coordination-council-for-north-american-affairs", "mission:tecro-united-states"} {
		d := s.MustData(t, q, map[string]any{"id": id})
		steps := schematest.At(d, "lineage").([]any)
		if len(steps) < 2 {
			t.Fatalf("lineage of %s = %v", id, steps)
		}
		if schematest.At(steps[0], "entity", "id") != "mission:coordination-council-for-north-american-affairs" || schematest.At(steps[0], "change") != nil {
			t.Errorf("lineage of %s starts %v", id, steps[0])
		}
		i := slices.IndexFunc(steps, func(s any) bool { return schematest.At(s, "entity", "id") == "mission:tecro-united-states" })
		if i < 1 || schematest.At(steps[i], "change") != "RENAMED_FROM" || schematest.At(steps[i], "date") != "1994-09" {
			t.Errorf("lineage of %s: TECRO entry %v", id, steps)
		}
		if first == nil {
			first = steps
		} else if !slices.EqualFunc(first, steps, func(a, b any) bool { return schematest.At(a, "entity", "id") == schematest.At(b, "entity", "id") }) {
			t.Errorf("asked from %s the chain is %v; asked from its start it is %v", id, steps, first)
		}
	}
	r, _ := s.Post(t, q, map[string]any{"id": "mission:nowhere"})
	if len(r.Errors) != 1 || r.Code(0) != "NOT_FOUND" {
		t.Errorf("unknown id: %+v", r.Errors)
	}
}

func TestNeighbourhood(t *testing.T) {
	s := schematest.NewServer(t)
	const q = `query($id: ID!, $depth: Int, $asOf: Date, $limit: Int) {
	  neighbourhood(id: $id, depth: $depth, asOf: $asOf, limit: $limit) {
	    truncated nodes { id } relations { type from { id } to { id } }
	  }
	}`
	ids := func(d map[string]any) []string {
		var out []string
		for _, n := range schematest.At(d, "neighbourhood", "nodes").([]any) {
			out = append(out, schematest.At(n, "id").(string))
		}
		return out
	}
	d := s.MustData(t, q, map[string]any{"id": "mission:us-interests-section-havana"})
	got := ids(d)
	for _, want := range []string{"mission:us-interests-section-havana", "country:united-states", "country:cuba",
		"city:havana", "mission:embassy-of-switzerland-in-cuba"} {
		if !slices.Contains(got, want) {
			t.Errorf("depth 1 lacks %s: %v", want, got)
		}
	}
	if got[0] != "mission:us-interests-section-havana" || schematest.At(d, "neighbourhood", "truncated") != false {
		t.Errorf("nodes %v, truncated %v", got, schematest.At(d, "neighbourhood", "truncated"))
	}
	for _, r := range schematest.At(d, "neighbourhood", "relations").([]any) {
		if !slices.Contains(got, schematest.At(r, "from", "id").(string)) || !slices.Contains(got, schematest.At(r, "to", "id").(string)) {
			t.Errorf("relation %v has an end outside the nodes", r)
		}
	}

	d = s.MustData(t, q, map[string]any{"id": "mission:us-interests-section-havana", "asOf": "2016"})
	if n := ids(d); len(n) != 0 {
		t.Errorf("as of 2016, after the section closed: nodes %v", n)
	}
	d = s.MustData(t, q, map[string]any{"id": "country:cuba", "depth": 2, "limit": 3})
	if schematest.At(d, "neighbourhood", "truncated") != true || len(schematest.At(d, "neighbourhood", "relations").([]any)) != 3 {
		t.Errorf("limit 3: %v", schematest.At(d, "neighbourhood"))
	}
	r, _ := s.Post(t, q, map[string]any{"id": "country:cuba", "depth": 5})
	if len(r.Errors) != 1 || r.Code(0) != "INVALID" {
		t.Errorf("depth 5: %+v", r.Errors)
	}
}

func TestRepresentation(t *testing.T) {
	s := schematest.NewServer(t)
	const q = `query($of: ID!, $in: ID!, $asOf: Date) {
	  representation(of: $of, in: $in, asOf: $asOf) {
	    kind mission { id ... on Mission { sectionOf { id } } } via { id } relations { type }
	  }
	}`
	t.Run("UnitedStatesInCubaIn1990", func(t *testing.T) {
		d := s.MustData(t, q, map[string]any{"of": "country:united-states", "in": "country:cuba", "asOf": 1990})
		reps := schematest.At(d, "representation").([]any)
		if len(reps) != 1 {
			t.Fatalf("representation = %v", reps)
		}
		r := reps[0]
		if schematest.At(r, "kind") != "PROTECTING_POWER" || schematest.At(r, "via", "id") != "country:switzerland" ||
			schematest.At(r, "mission", "id") != "mission:us-interests-section-havana" ||
			schematest.At(r, "mission", "sectionOf", "id") != "mission:embassy-of-switzerland-in-cuba" {
			t.Errorf("answer = %v", r)
		}
		var types []string
		for _, rel := range schematest.At(r, "relations").([]any) {
			types = append(types, schematest.At(rel, "type").(string))
		}
		if !slices.Contains(types, "PROTECTS") || !slices.Contains(types, "SECTION_OF") {
			t.Errorf("justified by %v; want PROTECTS and SECTION_OF among them", types)
		}
	})
	t.Run("BeforeAndAfterTheSection", func(t *testing.T) {
		for _, asOf := range []string{"1976", "2016"} {
			d := s.MustData(t, q, map[string]any{"of": "country:united-states", "in": "country:cuba", "asOf": asOf})
			for _, r := range schematest.At(d, "representation").([]any) {
				if schematest.At(r, "mission", "id") == "mission:us-interests-section-havana" || schematest.At(r, "kind") == "PROTECTING_POWER" {
					t.Errorf("as of %s: %v", asOf, r)
				}
			}
		}
	})
	t.Run("DeFactoBody", func(t *testing.T) {
		d := s.MustData(t, q, map[string]any{"of": "country:united-states", "in": "country:taiwan", "asOf": 2000})
		found := false
		for _, r := range schematest.At(d, "representation").([]any) {
			if schematest.At(r, "kind") == "DE_FACTO" && schematest.At(r, "via", "id") == "org:american-institute-in-taiwan" {
				found = true
			}
		}
		if !found {
			t.Errorf("the United States in Taiwan: %v; want the American Institute in Taiwan", schematest.At(d, "representation"))
		}
	})
}
