package store_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store/storetest"
)

// TestDB_SearchByPlaceSeeded runs the two searches of issue 18 on the
// seeded store. Neither text is in a name: the United States Interests
// Section in Havana is not called an embassy, and the Taipei office in
// Washington is "...in the United States".
func TestDB_SearchByPlaceSeeded(t *testing.T) {
	db := storetest.OpenSeeded(t, "")
	for _, tc := range []struct {
		text    string
		first   graph.ID
		matched string
	}{
		{"Embassy of the United States in Havana", "mission:us-interests-section-havana", "United States, Havana"},
		{"taipei washington", "mission:tecro-united-states", "Washington"},
		{"embassy of the usa in havana", "mission:us-interests-section-havana", "USA, Havana"},
	} {
		hits, err := db.Search(ctx, graph.SearchQuery{Text: tc.text, First: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || hits[0].Entity.ID != tc.first {
			t.Errorf("%q: hits %v, want %s first", tc.text, ids(hits), tc.first)
			continue
		}
		h := hits[0]
		if h.Matched != tc.matched {
			t.Errorf("%q: matched %q, want %q", tc.text, h.Matched, tc.matched)
		}
		if h.Score > graph.ScorePlace || h.Score < graph.ScorePlace-graph.PlacePenalty {
			t.Errorf("%q: score %.3f, want a place's, %.2f to %.2f", tc.text, h.Score, graph.ScorePlace-graph.PlacePenalty, graph.ScorePlace)
		}
	}
}

// placeFixture is Havana, in Cuba, with a Swedish embassy there, an office
// named after the city that is not tied to it, and an office tied to
// nothing yet.
func placeFixture() *graph.Batch {
	liaison := entity("mission:nordic-liaison-office", "Nordic Liaison Office")
	liaison.MissionType = graph.LiaisonOffice
	return &graph.Batch{
		Entities: []*graph.Entity{
			entity("country:cuba", "Cuba", "Republic of Cuba"),
			entity("country:sweden", "Sweden"),
			entity("city:havana", "Havana", "La Habana"),
			entity("mission:havana-trade-office", "Havana Trade Office"),
			entity("mission:embassy-of-sweden-in-cuba", "Embassy of Sweden in Cuba"),
			liaison,
		},
		Relations: []*graph.Relation{
			rel(graph.LocatedIn, "city:havana", "country:cuba"),
			rel(graph.SentBy, "mission:embassy-of-sweden-in-cuba", "country:sweden"),
			rel(graph.AccreditsTo, "mission:embassy-of-sweden-in-cuba", "country:cuba"),
			rel(graph.LocatedIn, "mission:embassy-of-sweden-in-cuba", "city:havana"),
		},
	}
}

// TestDB_SearchPlaceRanksBelowOwnNames checks that a mission found through
// its city ranks below every entity found by its own names, and that among
// places, the one whose own names and type hold more of the text ranks
// higher.
func TestDB_SearchPlaceRanksBelowOwnNames(t *testing.T) {
	db := storetest.Open(t)
	b := placeFixture()
	b.Relations = append(b.Relations, rel(graph.LocatedIn, "mission:nordic-liaison-office", "city:havana"))
	if err := db.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	hits, err := db.Search(ctx, graph.SearchQuery{Text: "havana", First: 10})
	if err != nil {
		t.Fatal(err)
	}
	want := []graph.ID{"city:havana", "mission:havana-trade-office", "mission:embassy-of-sweden-in-cuba", "mission:nordic-liaison-office"}
	if got := ids(hits); !slices.Equal(got[:min(len(got), 2)], want[:2]) || !slices.Contains(got, want[2]) || !slices.Contains(got, want[3]) {
		t.Fatalf("hits %v, want %v: the names first, then the missions in Havana", got, want)
	}
	for _, h := range hits[2:] {
		if h.Score >= hits[1].Score || h.Score > graph.ScorePlace || h.Matched != "Havana" {
			t.Errorf("%s found by its city: score %.3f, matched %q; want at most %.2f, below %.3f of the office named after Havana, and %q",
				h.Entity.ID, h.Score, h.Matched, graph.ScorePlace, hits[1].Score, "Havana")
		}
	}
	// "embassy" is a kind word: the embassy holds it, the liaison office
	// does not, and both are in Havana.
	hits, err = db.Search(ctx, graph.SearchQuery{Text: "embassy havana", First: 10})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(hits); !slices.Equal(got, []graph.ID{"mission:embassy-of-sweden-in-cuba", "mission:nordic-liaison-office"}) {
		t.Fatalf("embassy havana: hits %v, want the embassy, then the liaison office", got)
	}
	if hits[0].Score <= hits[1].Score {
		t.Errorf("embassy havana: the embassy scores %.3f, no more than the liaison office's %.3f", hits[0].Score, hits[1].Score)
	}
	// The least an entity's own names score is above the most a place does.
	if lowest := (graph.ScoreTypo - 2*graph.TypoPenalty) * graph.FormerNameFactor; graph.ScorePlace >= lowest {
		t.Errorf("ScorePlace %.2f is not below the lowest match of names, %.2f", graph.ScorePlace, lowest)
	}
}

// TestDB_SearchByPlaceFollowsWrites checks that what a place finds follows
// the relations and names as they are written and deleted: a mission's
// SENT_BY and LOCATED_IN, its city's LOCATED_IN, and the names of its city
// and sender.
func TestDB_SearchByPlaceFollowsWrites(t *testing.T) {
	db := storetest.Open(t)
	if err := db.Apply(ctx, placeFixture()); err != nil {
		t.Fatal(err)
	}
	const office = "mission:nordic-liaison-office"
	finds := func(text string, want bool, matched string) {
		t.Helper()
		hits, err := db.Search(ctx, graph.SearchQuery{Text: text, First: 10})
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(hits, func(h graph.SearchHit) bool { return h.Entity.ID == office })
		switch {
		case want && i < 0:
			t.Errorf("%q: hits %v lack %s", text, ids(hits), office)
		case !want && i >= 0:
			t.Errorf("%q: hits %v hold %s", text, ids(hits), office)
		case want && hits[i].Matched != matched:
			t.Errorf("%q: %s matched %q, want %q", text, office, hits[i].Matched, matched)
		}
	}
	apply := func(b *graph.Batch) {
		t.Helper()
		if err := db.Apply(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	finds("sweden havana", false, "")
	finds("sweden", false, "")

	sentBy := rel(graph.SentBy, office, "country:sweden")
	apply(&graph.Batch{Relations: []*graph.Relation{sentBy}})
	finds("sweden", true, "Sweden")
	finds("sweden havana", false, "")

	locatedIn := rel(graph.LocatedIn, office, "city:havana")
	apply(&graph.Batch{Relations: []*graph.Relation{locatedIn}})
	finds("sweden havana", true, "Sweden, Havana")
	finds("Nordic office in Havana", true, "Havana")
	// Its host through its city.
	finds("sweden cuba", true, "Sweden, Cuba")

	cityIn := placeFixture().Relations[0]
	cityIn.Normalize()
	apply(&graph.Batch{DeleteRelations: []string{cityIn.ID}})
	finds("sweden cuba", false, "")
	finds("sweden havana", true, "Sweden, Havana")

	apply(&graph.Batch{DeleteRelations: []string{locatedIn.ID}})
	finds("sweden havana", false, "")
	finds("sweden", true, "Sweden")

	// Renames of its city and its sender.
	locatedIn = rel(graph.LocatedIn, office, "city:havana")
	apply(&graph.Batch{Relations: []*graph.Relation{locatedIn}})
	apply(&graph.Batch{Entities: []*graph.Entity{entity("city:havana", "San Cristobal de la Habana")}})
	finds("sweden havana", false, "")
	finds("sweden habana", true, "Sweden, San Cristobal de la Habana")
	apply(&graph.Batch{Entities: []*graph.Entity{entity("country:sweden", "Kingdom of Svealand")}})
	finds("sweden habana", false, "")
	finds("svealand habana", true, "Kingdom of Svealand, San Cristobal de la Habana")

	apply(&graph.Batch{DeleteRelations: []string{sentBy.ID}})
	finds("svealand habana", false, "")
	finds("habana", true, "San Cristobal de la Habana")
}

// TestDB_SearchByPlaceKinds checks that a search for other kinds finds no
// mission by place.
func TestDB_SearchByPlaceKinds(t *testing.T) {
	db := storetest.Open(t)
	if err := db.Apply(ctx, placeFixture()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		kinds []graph.Kind
		want  []graph.ID
	}{
		{nil, []graph.ID{"country:sweden", "mission:embassy-of-sweden-in-cuba"}},
		{[]graph.Kind{graph.Country}, []graph.ID{"country:sweden"}},
		{[]graph.Kind{graph.Mission}, []graph.ID{"mission:embassy-of-sweden-in-cuba"}},
	} {
		hits, err := db.Search(ctx, graph.SearchQuery{Text: "sweden", Kinds: tc.kinds, First: 10})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(hits); !slices.Equal(got, tc.want) {
			t.Errorf("kinds %v: hits %v, want %v", tc.kinds, got, tc.want)
		}
	}
}

// TestDB_SearchByPlaceLargePlaces names two countries that each have more
// missions than a search checks: the missions of the one in the other
// come from the pair index, and the search stays within its bounds.
func TestDB_SearchByPlaceLargePlaces(t *testing.T) {
	db := storetest.Open(t)
	b := &graph.Batch{Entities: []*graph.Entity{
		entity("country:aldoria", "Aldoria"), entity("country:belmark", "Belmark"),
		entity("country:cyrene", "Cyrene"), entity("country:dunmore", "Dunmore"),
	}}
	mission := func(id, sender, host string) {
		b.Entities = append(b.Entities, entity(id, fmt.Sprintf("Office number %s", id[len("mission:"):])))
		b.Relations = append(b.Relations, rel(graph.SentBy, id, sender), rel(graph.AccreditsTo, id, host))
	}
	for i := range 400 {
		mission(fmt.Sprintf("mission:a%d", i), "country:aldoria", "country:cyrene")
		mission(fmt.Sprintf("mission:b%d", i), "country:dunmore", "country:belmark")
	}
	mission("mission:ab1", "country:aldoria", "country:belmark")
	mission("mission:ab2", "country:belmark", "country:aldoria")
	if err := db.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	hits, err := db.Search(ctx, graph.SearchQuery{Text: "Aldoria Belmark", First: 10})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(hits); !slices.Equal(got, []graph.ID{"mission:ab1", "mission:ab2"}) {
		t.Errorf("hits %v, want the missions of the one in the other", got)
	}
	hits, err = db.Search(ctx, graph.SearchQuery{Text: "Belmark", First: graph.MaxSearchResults})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != graph.MaxSearchResults || hits[0].Entity.ID != "country:belmark" {
		t.Errorf("Belmark: %d hits, first %v; want %d, the country first", len(hits), ids(hits[:min(1, len(hits))]), graph.MaxSearchResults)
	}
	for _, h := range hits[1:] {
		if h.Entity.Kind != graph.Mission || h.Matched != "Belmark" || h.Score > graph.ScorePlace {
			t.Errorf("Belmark: hit %s matched %q with %.3f, want a mission found by its host", h.Entity.ID, h.Matched, h.Score)
			break
		}
	}
}

// TestDB_SearchByPlaceThroughCity finds a mission by the country its city
// is in, whether the country has few missions, which the search lists, or
// many, which it does not, reading the mission's own ties instead.
func TestDB_SearchByPlaceThroughCity(t *testing.T) {
	for _, many := range []int{0, 200} {
		t.Run(fmt.Sprint(many), func(t *testing.T) {
			db := storetest.Open(t)
			b := placeFixture()
			b.Relations = append(b.Relations,
				rel(graph.SentBy, "mission:nordic-liaison-office", "country:sweden"),
				rel(graph.LocatedIn, "mission:nordic-liaison-office", "city:havana"))
			b.Entities = append(b.Entities, entity("country:atlantis", "Atlantis"))
			for i := range many {
				id := fmt.Sprintf("mission:m%d", i)
				b.Entities = append(b.Entities, entity(id, fmt.Sprintf("Office number %d", i)))
				b.Relations = append(b.Relations, rel(graph.SentBy, id, "country:atlantis"), rel(graph.AccreditsTo, id, "country:cuba"))
			}
			if err := db.Apply(ctx, b); err != nil {
				t.Fatal(err)
			}
			hits, err := db.Search(ctx, graph.SearchQuery{Text: "sweden cuba", First: 10})
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(hits); !slices.Equal(got, []graph.ID{"mission:embassy-of-sweden-in-cuba", "mission:nordic-liaison-office"}) {
				t.Errorf("hits %v, want the embassy accredited to Cuba, then the office in Havana", got)
			}
			cityIn := b.Relations[0] // Havana LOCATED_IN Cuba, normalized by Apply
			if err := db.Apply(ctx, &graph.Batch{DeleteRelations: []string{cityIn.ID}}); err != nil {
				t.Fatal(err)
			}
			hits, err = db.Search(ctx, graph.SearchQuery{Text: "sweden cuba", First: 10})
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(hits); !slices.Equal(got, []graph.ID{"mission:embassy-of-sweden-in-cuba"}) {
				t.Errorf("with Havana no longer in Cuba: hits %v, want the embassy alone", got)
			}
		})
	}
}
