package schema_test

import (
	"strings"
	"testing"

	"github.com/chancery/chancery/schema/httpapi"
	"github.com/chancery/chancery/schema/schematest"
)

// TestMessagesSpeakTheAPI holds error messages to the names the API uses:
// relation types as the RelationType enum spells them, counts in the
// singular when there is one, and a field of some entities asked of any
// entity answered with the fragment that asks for it.
func TestMessagesSpeakTheAPI(t *testing.T) {
	s := schematest.NewServerWith(t, httpapi.HandlerOptions{Tokens: []string{schematest.Token}})
	write := func(query string) string {
		t.Helper()
		r, _ := s.PostWith(t, "Bearer "+schematest.Token, query, nil)
		if len(r.Errors) == 0 {
			return ""
		}
		return r.Errors[0].Message
	}
	says := func(msg string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(msg, w) {
				t.Errorf("the message %q does not say %q", msg, w)
			}
		}
		for _, kebab := range []string{"located-in", "protects and", "1 relations"} {
			if strings.Contains(msg, kebab) {
				t.Errorf("the message %q says %q", msg, kebab)
			}
		}
	}

	t.Run("AnArgumentErrorIsPlacedInTheUsersDocument", func(t *testing.T) {
		// graphql-go runs the document printed again; the error's place
		// is the field's in the text the user sent.
		q := "# the user's own layout\n{ entity(id: \"country:cuba\") {\n name\n  ...F } }\n" +
			"fragment F on Entity { name r: relations(first: 501) { totalCount } }"
		r, _ := s.Post(t, q, nil)
		if len(r.Errors) != 1 || r.Code(0) != "INVALID" {
			t.Fatalf("errors %+v", r.Errors)
		}
		e := r.Errors[0]
		if len(e.Locations) != 1 || e.Locations[0].Line != 5 || e.Locations[0].Column != 29 {
			t.Errorf("locations %+v; want line 5, column 29, where r: relations is", e.Locations)
		}
		if len(e.Path) != 2 || e.Path[0] != "entity" || e.Path[1] != "r" {
			t.Errorf("path %v", e.Path)
		}
		says(e.Message, "first is 501")
	})
	t.Run("AMissingFieldOfAVariableNamesTheVariable", func(t *testing.T) {
		r, _ := s.Post(t, `mutation M($c: ChangeSetInput!) { applyChanges(changes: $c) { dataVersion } }`,
			map[string]any{"c": map[string]any{"addRelations": []any{map[string]any{"type": "LOCATED_IN"}}}})
		if len(r.Errors) != 1 || len(r.Errors[0].Locations) != 0 {
			t.Fatalf("errors %+v", r.Errors)
		}
		says(r.Errors[0].Message, "$c.addRelations[0].from")
	})
	t.Run("FieldOfSomeEntities", func(t *testing.T) {
		r, _ := s.Post(t, `{ entity(id: "country:cuba") { missionType } }`, nil)
		if len(r.Errors) != 1 {
			t.Fatalf("errors %+v", r.Errors)
		}
		says(r.Errors[0].Message, "only Mission has it", "... on Mission { missionType }")
	})
	t.Run("RelationTypes", func(t *testing.T) {
		msg := write(`mutation { addRelation(input: {type: LOCATED_IN, from: "mission:us-interests-section-havana", to: "city:havana", context: "country:cuba",
			sources: [{document: "Test fixture", quote: "A quote."}]}) { id } }`)
		says(msg, "relation LOCATED_IN mission:us-interests-section-havana -> city:havana in country:cuba", "only PROTECTS and REPRESENTED_BY take one")
	})
	t.Run("UsedByOneRelation", func(t *testing.T) {
		if msg := write(schematest.AddThun); msg != "" {
			t.Fatal(msg)
		}
		if msg := write(`mutation { addRelation(input: {type: LOCATED_IN, from: "mission:us-interests-section-havana", to: "city:thun",
			sources: [{document: "Test fixture", quote: "A quote."}]}) { id } }`); msg != "" {
			t.Fatal(msg)
		}
		says(write(`mutation { deleteEntity(id: "city:thun") }`),
			"still used by 1 relation, LOCATED_IN mission:us-interests-section-havana -> city:thun; delete it first")
	})
	t.Run("UsedByRelations", func(t *testing.T) {
		says(write(`mutation { deleteEntity(id: "country:cuba") }`), "relations, such as", "delete them first")
	})
}
