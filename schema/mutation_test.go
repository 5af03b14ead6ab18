package schema_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chancery/chancery/schema"
)

const testToken = "test-token-0123456789abcdef"

// postWith sends a query with an Authorization header (none if auth is "").
func (s *server) postWith(tb testing.TB, auth, query string, vars map[string]any) (*result, int) {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	return decode(tb, resp)
}

const addThun = `mutation { upsertEntity(input: {id: "city:thun", kind: CITY, name: "Thun", aliases: ["Thoune"],
  sources: [{document: "Test fixture", quote: "Thun is on the lake."}]}) { id name aliases } }`

func TestMutationsNeedAToken(t *testing.T) {
	t.Run("NoTokensConfigured", func(t *testing.T) {
		s := newServer(t, schema.HandlerOptions{})
		r, status := s.postWith(t, "Bearer "+testToken, addThun, nil)
		if status != http.StatusOK || len(r.Errors) != 1 || r.code(0) != schema.CodeUnauthorized ||
			!strings.Contains(r.Errors[0].Message, "CHANCERY_TOKEN") {
			t.Errorf("status %d, errors %+v; want UNAUTHORIZED saying how to enable writes", status, r.Errors)
		}
		if d := s.mustData(t, `{ entity(id: "city:thun") { name } }`, nil); d["entity"] != nil {
			t.Errorf("a refused write wrote: %v", d)
		}
	})

	s := newServer(t, schema.HandlerOptions{Tokens: []string{"another-token-0123456789", testToken}})
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
			r, status := s.postWith(t, tt.auth, addThun, nil)
			if status != tt.status || len(r.Errors) != 1 || r.code(0) != schema.CodeUnauthorized || !strings.Contains(r.Errors[0].Message, tt.want) {
				t.Errorf("status %d, errors %+v; want %d UNAUTHORIZED saying %q", status, r.Errors, tt.status, tt.want)
			}
		})
	}
	t.Run("ReadsNeedNone", func(t *testing.T) {
		if d := s.mustData(t, `{ entity(id: "country:cuba") { name } }`, nil); at(d, "entity", "name") != "Cuba" {
			t.Errorf("a read without a token: %v", d)
		}
	})
	t.Run("NotByGET", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/graphql?"+url.Values{"query": {addThun}}.Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r, _ := decode(t, resp)
		if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "POST") {
			t.Errorf("a mutation by GET: %+v", r.Errors)
		}
	})
	t.Run("SecondTokenWorks", func(t *testing.T) {
		r, _ := s.postWith(t, "Bearer "+testToken, addThun, nil)
		if len(r.Errors) > 0 || at(r.Data, "upsertEntity", "name") != "Thun" {
			t.Errorf("with the second token: %+v %v", r.Errors, r.Data)
		}
	})
}

func TestMutations(t *testing.T) {
	s := newServer(t, schema.HandlerOptions{Tokens: []string{testToken}})
	auth := "Bearer " + testToken
	must := func(t *testing.T, query string) map[string]any {
		t.Helper()
		r, status := s.postWith(t, auth, query, nil)
		if status != http.StatusOK || len(r.Errors) > 0 {
			t.Fatalf("status %d, errors %+v", status, r.Errors)
		}
		return r.Data
	}
	refused := func(t *testing.T, query, code, want string) {
		t.Helper()
		before, _ := s.reader.Version(t.Context())
		r, _ := s.postWith(t, auth, query, nil)
		if len(r.Errors) != 1 || r.code(0) != code || !strings.Contains(r.Errors[0].Message, want) {
			t.Errorf("errors %+v; want %s saying %q", r.Errors, code, want)
		}
		if after, _ := s.reader.Version(t.Context()); after != before {
			t.Errorf("a refused write changed the data (version %d -> %d)", before, after)
		}
	}

	t.Run("UpsertAndRead", func(t *testing.T) {
		must(t, addThun)
		d := s.mustData(t, `{ search(text: "thoune", kinds: [CITY], first: 1) { entity { id } } }`, nil)
		if at(d, "search", 0, "entity", "id") != "city:thun" {
			t.Errorf("search after upsert: %v", d)
		}
		// Replacing it whole drops the alias from the index.
		must(t, `mutation { upsertEntity(input: {id: "city:thun", kind: CITY, name: "Thun",
		  sources: [{document: "Test fixture"}]}) { id } }`)
		d = s.mustData(t, `{ search(text: "thoune", kinds: [CITY], first: 1) { entity { id } } }`, nil)
		if hits := at(d, "search").([]any); len(hits) > 0 && at(hits[0], "entity", "id") == "city:thun" {
			t.Errorf("the replaced alias is still found: %v", d)
		}
	})

	var relID string
	t.Run("AddRelation", func(t *testing.T) {
		d := must(t, `mutation { addRelation(input: {type: LOCATED_IN, from: "city:thun", to: "country:switzerland",
		  sources: [{document: "Test fixture"}]}) { id type from { id } to { name } } }`)
		relID, _ = at(d, "addRelation", "id").(string)
		if !strings.HasPrefix(relID, "rel:") || at(d, "addRelation", "to", "name") != "Switzerland" {
			t.Fatalf("addRelation answered %v", d)
		}
		d = s.mustData(t, `{ entity(id: "city:thun") { relations { edges { node { id } } } } }`, nil)
		if at(d, "entity", "relations", "edges", 0, "node", "id") != relID {
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
		if d := s.mustData(t, `query($id: ID!) { entity(id: "city:thun") { id } node(id: $id) { id } }`, map[string]any{"id": relID}); d["entity"] != nil || d["node"] != nil {
			t.Errorf("after a cascading delete: %v", d)
		}
		if d := must(t, `mutation { deleteEntity(id: "city:thun") }`); d["deleteEntity"] != false {
			t.Errorf("deleting it again answered %v, want false", d)
		}
	})

	t.Run("DeleteRelation", func(t *testing.T) {
		d := must(t, `{ relations(types: [PROTECTS], to: "country:united-states", context: "country:cuba") { edges { node { id } } } }`)
		id := at(d, "relations", "edges", 0, "node", "id").(string)
		q := `mutation($id: ID!) { deleteRelation(id: $id) }`
		for _, want := range []bool{true, false} {
			r, _ := s.postWith(t, auth, q, map[string]any{"id": id})
			if len(r.Errors) > 0 || r.Data["deleteRelation"] != want {
				t.Errorf("deleteRelation: %+v %v, want %v", r.Errors, r.Data, want)
			}
		}
		refused(t, `mutation { deleteRelation(id: "country:cuba") }`, schema.CodeInvalid, "not a relation id")
	})
}
