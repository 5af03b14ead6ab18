package store_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

func searchFixture() *graph.Batch {
	ch := entity("country:switzerland", "Switzerland", "Swiss Confederation")
	ch.Attributes = map[string]string{graph.AttrISO2: "CH", graph.AttrISO3: "CHE"}
	swe := entity("country:sweden", "Sweden")
	mission := entity("mission:standige-vertretung", "Ständige Vertretung der Bundesrepublik Deutschland", "Permanent Representation of the Federal Republic of Germany")
	ccnaa := entity("mission:ccnaa", "Coordination Council for North American Affairs", "CCNAA")
	tecro := entity("mission:tecro", "Taipei Economic and Cultural Representative Office", "TECRO")
	return &graph.Batch{
		Entities: []*graph.Entity{ch, swe, mission, ccnaa, tecro, entity("city:havana", "Havana", "La Habana"),
			entity("mission:poland-in-iraq", "Embassy of Poland in Iraq")},
		Relations: []*graph.Relation{
			rel(graph.RenamedFrom, "mission:tecro", "mission:ccnaa", "1994-09"),
		},
	}
}

func TestDB_Search(t *testing.T) {
	db := storetest.Open(t)
	if err := db.Apply(ctx, searchFixture()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, text string
		kinds      []graph.Kind
		first      graph.ID // the best hit
		matched    string
		also       []graph.ID // further hits that must be there
		none       bool
	}{
		{name: "ExactName", text: "switzerland", first: "country:switzerland", matched: "Switzerland"},
		{name: "ISOCode", text: "CHE", first: "country:switzerland", matched: "CHE"},
		{name: "Alias", text: "la habana", first: "city:havana", matched: "La Habana"},
		{name: "PrefixWhileTyping", text: "Swit", first: "country:switzerland"},
		{name: "OneTypo", text: "Switzerlnd", first: "country:switzerland", matched: "Switzerland"},
		{name: "TwoTypos", text: "Swtizerlnad", first: "country:switzerland"},
		{name: "TypoAmongWords", text: "Permanent Representaton of the Federal", first: "mission:standige-vertretung",
			matched: "Permanent Representation of the Federal Republic of Germany"},
		{name: "TyposInTwoWords", text: "taipei economc and cultral", first: "mission:tecro"},
		{name: "TypoInAShortWord", text: "Embassy of Poland in Irq", first: "mission:poland-in-iraq"},
		{name: "TypoWithAWordMissing", text: "taipei economc cultural", none: true},
		{name: "AccentsAndCase", text: "STANDIGE VERTRETUNG", first: "mission:standige-vertretung"},
		{name: "WordsAnywhere", text: "vertretung bundesrep", first: "mission:standige-vertretung"},
		{name: "Umlaut", text: "Ständige", first: "mission:standige-vertretung"},
		{name: "FormerName", text: "CCNAA", first: "mission:ccnaa", matched: "CCNAA", also: []graph.ID{"mission:tecro"}},
		{name: "KindsFilter", text: "CCNAA", kinds: []graph.Kind{graph.Country}, none: true},
		{name: "Nothing", text: "Atlantis", none: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits, err := db.Search(ctx, graph.SearchQuery{Text: tc.text, Kinds: tc.kinds, First: 10})
			if err != nil {
				t.Fatal(err)
			}
			if tc.none {
				if len(hits) != 0 {
					t.Errorf("hits %v, want none", ids(hits))
				}
				return
			}
			if len(hits) == 0 || hits[0].Entity.ID != tc.first {
				t.Fatalf("hits %v, want %s first", ids(hits), tc.first)
			}
			if tc.matched != "" && hits[0].Matched != tc.matched {
				t.Errorf("matched %q, want %q", hits[0].Matched, tc.matched)
			}
			for _, id := range tc.also {
				found := false
				for _, h := range hits[1:] {
					found = found || h.Entity.ID == id
				}
				if !found {
					t.Errorf("hits %v lack %s", ids(hits), id)
				}
			}
			for i := 1; i < len(hits); i++ {
				if hits[i].Score > hits[i-1].Score {
					t.Errorf("hits not ranked: %v", hits)
				}
			}
		})
	}
	for _, q := range []graph.SearchQuery{{Text: "", First: 5}, {Text: "...", First: 5}, {Text: "x", First: 0}, {Text: "x", First: 101}} {
		if _, err := db.Search(ctx, q); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("%+v: %v, want invalid", q, err)
		}
	}
}

func TestDB_SearchFollowsUpdates(t *testing.T) {
	db := storetest.Open(t)
	if err := db.Apply(ctx, searchFixture()); err != nil {
		t.Fatal(err)
	}
	renamed := entity("country:sweden", "Kingdom of Sweden")
	if err := db.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{renamed}}); err != nil {
		t.Fatal(err)
	}
	hits, err := db.Search(ctx, graph.SearchQuery{Text: "sweden", First: 5})
	if err != nil || len(hits) != 1 || hits[0].Matched != "Kingdom of Sweden" {
		t.Errorf("after a rename: %v %v", hits, err)
	}
	hits, err = db.Search(ctx, graph.SearchQuery{Text: "swedn", First: 5})
	if err != nil || len(hits) != 1 {
		t.Errorf("typo after a rename: %v %v", hits, err)
	}
}

func ids(hits []graph.SearchHit) []graph.ID {
	var out []graph.ID
	for _, h := range hits {
		out = append(out, h.Entity.ID)
	}
	return out
}

// TestDB_SearchRanksPrefixFirst is the case of issue 18 on the seeded
// store: for "Taipei Economic", the Moscow office, whose name only holds
// the two words ("...for the Taipei–Moscow Economic and Cultural
// Coordination Commission"), ranked above the offices whose names start
// with the text. Every name that starts with the text must come first.
func TestDB_SearchRanksPrefixFirst(t *testing.T) {
	db := storetest.OpenSeeded(t, "")
	const moscow = "mission:taipei-moscow-representative-office"
	hits, err := db.Search(ctx, graph.SearchQuery{Text: "Taipei Economic", First: 20})
	if err != nil {
		t.Fatal(err)
	}
	at := slices.IndexFunc(hits, func(h graph.SearchHit) bool { return h.Entity.ID == moscow })
	if at < 0 {
		t.Fatalf("hits %v lack %s, whose name holds both words", ids(hits), moscow)
	}
	prefixes := 0
	for i, h := range hits {
		starts := strings.HasPrefix(store.Fold(h.Matched), "taipei economic")
		if starts {
			prefixes++
		}
		if starts && i > at {
			t.Errorf("%s (%q, %.3f) starts with the text but ranks below %s (%.3f)", h.Entity.ID, h.Matched, h.Score, moscow, hits[at].Score)
		}
		if starts && h.Score <= graph.ScoreWords {
			t.Errorf("%s (%q) starts with the text but scores %.3f, no more than a match of words (%.2f)", h.Entity.ID, h.Matched, h.Score, graph.ScoreWords)
		}
	}
	if prefixes < 5 {
		t.Errorf("only %d hits start with the text: %v", prefixes, ids(hits))
	}
}
