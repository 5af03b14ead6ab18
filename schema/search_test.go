package schema_test

import (
	"testing"

	"github.com/chancery/chancery/schema/schematest"
)

func TestSearch(t *testing.T) {
	s := schematest.NewServer(t)
	const q = `query($text: String!, $kinds: [EntityKind!]) {
	  search(text: $text, kinds: $kinds, first: 5) { entity { id } matched score }
	}`
	for _, tc := range []struct {
		text, first, matched string
		kinds                []string
		also                 string
		place                bool // found by place, which scores 0.35 at most
	}{
		{text: "Switzerlnd", first: "country:switzerland", matched: "Switzerland"},
		{text: "havana", first: "city:havana", matched: "Havana"},
		{text: "CU", first: "country:cuba", matched: "CU"},
		{text: "coordination council", first: "mission:coordination-council-for-north-american-affairs"},
		{text: "CCNAA", first: "mission:coordination-council-for-north-american-affairs", matched: "CCNAA", also: "mission:tecro-united-states"},
		{text: "united states", kinds: []string{"COUNTRY"}, first: "country:united-states", matched: "United States"},
		// By place: the interests section is neither an embassy nor named
		// "of the United States", and the Taipei office is "in the United
		// States", in Washington.
		{text: "Embassy of the United States in Havana", first: "mission:us-interests-section-havana", matched: "United States, Havana", place: true},
		{text: "taipei washington", first: "mission:tecro-united-states", matched: "Washington", place: true},
	} {
		t.Run(tc.text, func(t *testing.T) {
			vars := map[string]any{"text": tc.text}
			if tc.kinds != nil {
				vars["kinds"] = tc.kinds
			}
			d := s.MustData(t, q, vars)
			hits := schematest.At(d, "search").([]any)
			if len(hits) == 0 || schematest.At(hits[0], "entity", "id") != tc.first {
				t.Fatalf("hits %v, want %s first", hits, tc.first)
			}
			if tc.matched != "" && schematest.At(hits[0], "matched") != tc.matched {
				t.Errorf("matched %v, want %q", schematest.At(hits[0], "matched"), tc.matched)
			}
			if score := schematest.At(hits[0], "score").(float64); tc.place != (score <= 0.35) {
				t.Errorf("score %v; found by place: %v", score, tc.place)
			}
			if tc.also != "" {
				found := false
				for _, h := range hits {
					found = found || schematest.At(h, "entity", "id") == tc.also
				}
				if !found {
					t.Errorf("hits %v lack %s", hits, tc.also)
				}
			}
			if tc.kinds != nil {
				for _, h := range hits {
					if id := schematest.At(h, "entity", "id").(string); id[:8] != "country:" {
						t.Errorf("kinds filter let %s through", id)
					}
				}
			}
		})
	}
	r, _ := s.Post(t, q, map[string]any{"text": "   "})
	if len(r.Errors) != 1 || r.Code(0) != "INVALID" {
		t.Errorf("blank text: %+v", r.Errors)
	}
}
