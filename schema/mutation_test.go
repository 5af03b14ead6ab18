package schema_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/schema/httpapi"
	"github.com/chancery/chancery/schema/schematest"
)

func TestMutationsNeedAToken(t *testing.T) {
	t.Run("NoTokensConfigured", func(t *testing.T) {
		s := schematest.NewServer(t)
		r, status := s.PostWith(t, "Bearer "+schematest.Token, schematest.AddThun, nil)
		if status != http.StatusOK || len(r.Errors) != 1 || r.Code(0) != schema.CodeUnauthorized ||
			!strings.Contains(r.Errors[0].Message, "CHANCERY_TOKEN") {
			t.Errorf("status %d, errors %+v; want UNAUTHORIZED saying how to enable writes", status, r.Errors)
		}
		if d := s.MustData(t, `{ entity(id: "city:thun") { name } }`, nil); d["entity"] != nil {
			t.Errorf("a refused write wrote: %v", d)
		}
	})

	s := schematest.NewServerWith(t, httpapi.HandlerOptions{Tokens: []string{"another-token-0123456789", schematest.Token}})
	for _, tt := range []struct {
		name, auth string
		status     int
		want       string
	}{
		{"Missing", "", http.StatusOK, "Authorization: Bearer"},
		{"Wrong", "Bearer wrong-token-0123456789abcdef", http.StatusUnauthorized, "not one this server accepts"},
		{"NotBearer", "Basic dXNlcjpwYXNz", http.StatusUnauthorized, "Bearer <token>"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, status := s.PostWith(t, tt.auth, schematest.AddThun, nil)
			if status != tt.status || len(r.Errors) != 1 || r.Code(0) != schema.CodeUnauthorized || !strings.Contains(r.Errors[0].Message, tt.want) {
				t.Errorf("status %d, errors %+v; want %d UNAUTHORIZED saying %q", status, r.Errors, tt.status, tt.want)
			}
		})
	}
	t.Run("ReadsNeedNone", func(t *testing.T) {
		if d := s.MustData(t, `{ entity(id: "country:cuba") { name } }`, nil); schematest.At(d, "entity", "name") != "Cuba" {
			t.Errorf("a read without a token: %v", d)
		}
	})
	t.Run("NotByGET", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/graphql?"+url.Values{"query": {schematest.AddThun}}.Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+schematest.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r, _ := schematest.Decode(t, resp)
		if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "POST") {
			t.Errorf("a mutation by GET: %+v", r.Errors)
		}
	})
	t.Run("SecondTokenWorks", func(t *testing.T) {
		r, _ := s.PostWith(t, "Bearer "+schematest.Token, schematest.AddThun, nil)
		if len(r.Errors) > 0 || schematest.At(r.Data, "upsertEntity", "name") != "Thun" {
			t.Errorf("with the second token: %+v %v", r.Errors, r.Data)
		}
	})
}

func TestMutations(t *testing.T) {
	s := schematest.NewServerWith(t, httpapi.HandlerOptions{Tokens: []string{schematest.Token}})
	auth := "Bearer " + schematest.Token
	must := func(t *testing.T, query string) map[string]any {
		t.Helper()
		r, status := s.PostWith(t, auth, query, nil)
		if status != http.StatusOK || len(r.Errors) > 0 {
			t.Fatalf("status %d, errors %+v", status, r.Errors)
		}
		return r.Data
	}
	refused := func(t *testing.T, query, code, want string) {
		t.Helper()
		before, _ := s.Reader.Version(t.Context())
		r, _ := s.PostWith(t, auth, query, nil)
		if len(r.Errors) != 1 || r.Code(0) != code || !strings.Contains(r.Errors[0].Message, want) {
			t.Errorf("errors %+v; want %s saying %q", r.Errors, code, want)
		}
		if after, _ := s.Reader.Version(t.Context()); after != before {
			t.Errorf("a refused write changed the data (version %d -> %d)", before, after)
		}
	}

	t.Run("UpsertAndRead", func(t *testing.T) {
		must(t, schematest.AddThun)
		d := s.MustData(t, `{ search(text: "thoune", kinds: [CITY], first: 1) { entity { id } } }`, nil)
		if schematest.At(d, "search", 0, "entity", "id") != "city:thun" {
			t.Errorf("search after upsert: %v", d)
		}
		// Replacing it whole drops the alias from the index.
		must(t, `mutation { upsertEntity(input: {id: "city:thun", kind: CITY, name: "Thun",
		  sources: [{document: "Test fixture"}]}) { id } }`)
		d = s.MustData(t, `{ search(text: "thoune", kinds: [CITY], first: 1) { entity { id } } }`, nil)
		if hits := schematest.At(d, "search").([]any); len(hits) > 0 && schematest.At(hits[0], "entity", "id") == "city:thun" {
			t.Errorf("the replaced alias is still found: %v", d)
		}
	})

	var relID string
	t.Run("AddRelation", func(t *testing.T) {
		d := must(t, `mutation { addRelation(input: {type: LOCATED_IN, from: "city:thun", to: "country:switzerland",
		  sources: [{document: "Test fixture"}]}) { id type from { id } to { name } } }`)
		relID, _ = schematest.At(d, "addRelation", "id").(string)
		if !strings.HasPrefix(relID, "rel:") || schematest.At(d, "addRelation", "to", "name") != "Switzerland" {
			t.Fatalf("addRelation answered %v", d)
		}
		d = s.MustData(t, `{ entity(id: "city:thun") { relations { edges { node { id } } } } }`, nil)
		if schematest.At(d, "entity", "relations", "edges", 0, "node", "id") != relID {
			t.Errorf("the new relation is not listed: %v", d)
		}
	})

	t.Run("InvalidWrites", func(t *testing.T) {
		refused(t, `mutation { addRelation(input: {type: SENT_BY, from: "city:thun", to: "country:switzerland",
		  sources: [{document: "Test fixture"}]}) { id } }`, schema.CodeInvalid, "city")
		refused(t, `mutation { addRelation(input: {type: LOCATED_IN, from: "city:thun", to: "country:atlantis",
		  sources: [{document: "Test fixture"}]}) { id } }`, schema.CodeInvalid, "country:atlantis")
		refused(t, `mutation { addRelation(input: {type: LOCATED_IN, from: "city:thun", to: "country:switzerland",
		  sources: []}) { id } }`, schema.CodeInvalid, "source")
		refused(t, `mutation { upsertEntity(input: {id: "mission:x", kind: MISSION, name: "X",
		  sources: [{document: "Test fixture"}]}) { id } }`, schema.CodeInvalid, "missionType")
		refused(t, `mutation { upsertEntity(input: {id: "country:x", kind: CITY, name: "X",
		  sources: [{document: "Test fixture"}]}) { id } }`, schema.CodeInvalid, "kind")
		refused(t, `mutation { upsertEntity(input: {id: "country:x", kind: COUNTRY, name: "X", validFrom: "2000", validTo: "1990",
		  sources: [{document: "Test fixture"}]}) { id } }`, schema.CodeInvalid, "")
		// The US interests section in Havana existed from 1977: a relation
		// from 1960 starts before it.
		refused(t, `mutation { addRelation(input: {type: LOCATED_IN, from: "mission:us-interests-section-havana", to: "city:thun", validFrom: 1960,
		  sources: [{document: "Test fixture"}]}) { id } }`, schema.CodeInvalid, "before mission:us-interests-section-havana existed")
	})

	t.Run("DeleteEntity", func(t *testing.T) {
		refused(t, `mutation { deleteEntity(id: "city:thun") }`, schema.CodeConflict, "cascade")
		d := must(t, `mutation { deleteEntity(id: "city:thun", cascade: true) }`)
		if d["deleteEntity"] != true {
			t.Errorf("deleteEntity answered %v", d)
		}
		if d := s.MustData(t, `query($id: ID!) { entity(id: "city:thun") { id } node(id: $id) { id } }`, map[string]any{"id": relID}); d["entity"] != nil || d["node"] != nil {
			t.Errorf("after a cascading delete: %v", d)
		}
		if d := must(t, `mutation { deleteEntity(id: "city:thun") }`); d["deleteEntity"] != false {
			t.Errorf("deleting it again answered %v, want false", d)
		}
	})

	t.Run("DeleteRelation", func(t *testing.T) {
		d := must(t, `{ relations(types: [PROTECTS], to: "country:united-states", context: "country:cuba") { edges { node { id } } } }`)
		id := schematest.At(d, "relations", "edges", 0, "node", "id").(string)
		q := `mutation($id: ID!) { deleteRelation(id: $id) }`
		for _, want := range []bool{true, false} {
			r, _ := s.PostWith(t, auth, q, map[string]any{"id": id})
			if len(r.Errors) > 0 || r.Data["deleteRelation"] != want {
				t.Errorf("deleteRelation: %+v %v, want %v", r.Errors, r.Data, want)
			}
		}
		refused(t, `mutation { deleteRelation(id: "country:cuba") }`, schema.CodeInvalid, "not a relation id")
	})
}
