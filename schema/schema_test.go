package schema_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/graph-gophers/graphql-go"
	"github.com/graph-gophers/graphql-go/ast"

	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/schema/httpapi"
	"github.com/chancery/chancery/schema/schematest"
)

func TestEntity(t *testing.T) {
	s := schematest.NewServer(t)

	t.Run("Mission", func(t *testing.T) {
		d := s.MustData(t, `{
		  entity(id: "mission:us-interests-section-havana") {
		    __typename id kind name aliases validFrom validTo
		    sources { document url quote }
		    ... on Mission {
		      missionType official
		      sender { id } accreditedTo { id } city { name } sectionOf { id name }
		    }
		  }
		}`, nil)
		e := schematest.At(d, "entity")
		for path, want := range map[string]any{
			"__typename": "Mission", "kind": "MISSION", "name": "United States Interests Section in Havana",
			"validFrom": "1977", "validTo": "2015", "missionType": "INTERESTS_SECTION",
			"official": true,
		} {
			if got := schematest.At(e, path); got != want {
				t.Errorf("%s = %v, want %v", path, got, want)
			}
		}
		if got := schematest.At(e, "sender", "id"); got != "country:united-states" {
			t.Errorf("sender = %v", got)
		}
		if got := schematest.At(e, "accreditedTo", 0, "id"); got != "country:cuba" {
			t.Errorf("accreditedTo = %v", schematest.At(e, "accreditedTo"))
		}
		if got := schematest.At(e, "city", "name"); got != "Havana" {
			t.Errorf("city = %v", got)
		}
		if got := schematest.At(e, "sectionOf", "id"); got != "mission:embassy-of-switzerland-in-cuba" {
			t.Errorf("sectionOf = %v", got)
		}
		if q, _ := schematest.At(e, "sources", 0, "quote").(string); !strings.Contains(q, "From 1977 to 2015") {
			t.Errorf("source quote = %q", q)
		}
	})

	t.Run("CountryCodes", func(t *testing.T) {
		d := s.MustData(t, `{ entity(id: "country:cuba") { ... on Country { iso2 iso3 } attributes { key value } } }`, nil)
		if schematest.At(d, "entity", "iso2") != "CU" || schematest.At(d, "entity", "iso3") != "CUB" {
			t.Errorf("codes = %v", schematest.At(d, "entity"))
		}
	})

	t.Run("UnknownIDIsNull", func(t *testing.T) {
		r, status := s.Post(t, `{ entity(id: "country:atlantis") { name } node(id: "mission:nowhere") { id } }`, nil)
		if status != http.StatusOK || len(r.Errors) != 0 {
			t.Fatalf("status %d, errors %+v", status, r.Errors)
		}
		if v, ok := r.Data["entity"]; !ok || v != nil {
			t.Errorf("entity = %v, want null", v)
		}
		if v, ok := r.Data["node"]; !ok || v != nil {
			t.Errorf("node = %v, want null", v)
		}
	})

	t.Run("NodeFindsRelations", func(t *testing.T) {
		d := s.MustData(t, `{ relations(types: [SECTION_OF], from: "mission:us-interests-section-havana") { edges { node { id } } } }`, nil)
		id := schematest.At(d, "relations", "edges", 0, "node", "id").(string)
		d = s.MustData(t, `query($id: ID!) { node(id: $id) { id ... on Relation { type from { id } to { id } } } }`, map[string]any{"id": id})
		if schematest.At(d, "node", "type") != "SECTION_OF" || schematest.At(d, "node", "to", "id") != "mission:embassy-of-switzerland-in-cuba" {
			t.Errorf("node = %v", schematest.At(d, "node"))
		}
	})
}

func TestRelations(t *testing.T) {
	s := schematest.NewServer(t)

	t.Run("AsOf", func(t *testing.T) {
		const q = `query($asOf: Date) {
		  relations(types: [PROTECTS], context: "country:cuba", asOf: $asOf) {
		    totalCount edges { node { from { id } to { id } context { id } validFrom validTo } }
		  }
		}`
		d := s.MustData(t, q, map[string]any{"asOf": 1990})
		if n := schematest.At(d, "relations", "totalCount"); n != 1.0 {
			t.Fatalf("totalCount in 1990 = %v, want 1", n)
		}
		if got := schematest.At(d, "relations", "edges", 0, "node", "from", "id"); got != "country:switzerland" {
			t.Errorf("protecting power in 1990 = %v", got)
		}
		d = s.MustData(t, q, map[string]any{"asOf": "2016-01"})
		if n := schematest.At(d, "relations", "totalCount"); n != 0.0 {
			t.Errorf("totalCount in 2016 = %v, want 0: the protection ended in 2015", n)
		}
		d = s.MustData(t, q, map[string]any{"asOf": "2015-12-31"})
		if n := schematest.At(d, "relations", "totalCount"); n != 1.0 {
			t.Errorf("totalCount on 2015-12-31 = %v, want 1: a period to 2015 covers all of 2015", n)
		}
	})

	t.Run("PagesHaveNoGapsOrDuplicates", func(t *testing.T) {
		var all []string
		d := s.MustData(t, `{ relations(types: [SENT_BY, SECTION_OF, PROTECTS], first: 500) { totalCount edges { node { id } } } }`, nil)
		total := int(schematest.At(d, "relations", "totalCount").(float64))
		for _, e := range schematest.At(d, "relations", "edges").([]any) {
			all = append(all, schematest.At(e, "node", "id").(string))
		}
		if total != len(all) || total < 10 || total > 500 {
			t.Fatalf("totalCount %d, one big page has %d", total, len(all))
		}
		var paged []string
		var after any
		for pages := 0; ; pages++ {
			if pages > total {
				t.Fatal("pagination does not end")
			}
			d := s.MustData(t, `query($after: String) { relations(types: [SENT_BY, SECTION_OF, PROTECTS], first: 3, after: $after) {
			  edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`, map[string]any{"after": after})
			for _, e := range schematest.At(d, "relations", "edges").([]any) {
				paged = append(paged, schematest.At(e, "node", "id").(string))
			}
			if schematest.At(d, "relations", "pageInfo", "hasNextPage") != true {
				break
			}
			after = schematest.At(d, "relations", "pageInfo", "endCursor")
		}
		if !slices.Equal(all, paged) {
			t.Errorf("pages of 3 give\n%v\none page gives\n%v", paged, all)
		}
	})

	t.Run("EntityRelationsByDirection", func(t *testing.T) {
		const q = `query($dir: Direction) { entity(id: "mission:embassy-of-switzerland-in-cuba") {
		  relations(direction: $dir, types: [SECTION_OF]) { totalCount edges { node { from { id } to { id } } } } } }`
		in := s.MustData(t, q, map[string]any{"dir": "IN"})
		if schematest.At(in, "entity", "relations", "totalCount") != 1.0 ||
			schematest.At(in, "entity", "relations", "edges", 0, "node", "from", "id") != "mission:us-interests-section-havana" {
			t.Errorf("IN = %v", schematest.At(in, "entity", "relations"))
		}
		out := s.MustData(t, q, map[string]any{"dir": "OUT"})
		if schematest.At(out, "entity", "relations", "totalCount") != 0.0 {
			t.Errorf("OUT = %v", schematest.At(out, "entity", "relations"))
		}
	})

	t.Run("UnsetVariableMeansDefault", func(t *testing.T) {
		d := s.MustData(t, `query($first: Int, $dir: Direction) { relations(first: $first) { edges { cursor } }
		  entity(id: "country:cuba") { relations(first: $first, direction: $dir) { edges { cursor } } } }`, nil)
		if n := len(schematest.At(d, "relations", "edges").([]any)); n != 50 {
			t.Errorf("an unset $first gives %d relations, want the default 50", n)
		}
		if n := len(schematest.At(d, "entity", "relations", "edges").([]any)); n == 0 {
			t.Error("an unset $dir gives no relations of Cuba")
		}
	})

	t.Run("EndsAreLoadedInOneBatch", func(t *testing.T) {
		s.Reader.EntityCalls.Store(0)
		s.Reader.ByIDCalls.Store(0)
		d := s.MustData(t, `{ relations(first: 40) { edges { node { from { name } to { name } context { name } } } } }`, nil)
		if n := len(schematest.At(d, "relations", "edges").([]any)); n < 10 {
			t.Fatalf("only %d relations; the test needs a full page", n)
		}
		if e, b := s.Reader.EntityCalls.Load(), s.Reader.ByIDCalls.Load(); e != 0 || b != 1 {
			t.Errorf("resolving a page read entities %d times one by one and %d times in batches; want 0 and 1", e, b)
		}
	})
}

func TestBadInput(t *testing.T) {
	s := schematest.NewServer(t)
	// Each request is well-formed, so as application/json every answer is
	// 200. As application/graphql-response+json, the default, a request
	// refused before it runs (it does not parse or validate, or its
	// variables do not fit) is 400; errors in fields leave data, and 200.
	for _, tc := range []struct {
		name, query string
		vars        map[string]any
		code, says  string
		status      int
	}{
		{"MalformedID", `{ entity(id: "Cuba") { name } }`, nil, "INVALID", `id "Cuba" has no kind prefix`, http.StatusOK},
		{"UnknownKindPrefix", `{ entity(id: "nation:cuba") { name } }`, nil, "INVALID", `unknown kind prefix "nation"`, http.StatusOK},
		{"MalformedFilterID", `{ relations(from: "country:Cuba") { totalCount } }`, nil, "INVALID", "from:", http.StatusOK},
		{"MalformedDateLiteral", `{ relations(asOf: "1990-13") { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED", "month 13", http.StatusBadRequest},
		{"MalformedDateVariable", `query($d: Date) { relations(asOf: $d) { totalCount } }`, map[string]any{"d": "last year"}, "BAD_REQUEST", "last year", http.StatusBadRequest},
		{"UnknownDirectionVariable", `query($d: Direction) { entity(id: "country:cuba") { relations(direction: $d) { totalCount } } }`, map[string]any{"d": "SIDEWAYS"}, "", "SIDEWAYS", http.StatusBadRequest},
		{"FirstOverMaximum", `{ relations(first: 501) { totalCount } }`, nil, "INVALID", "between 0 and 500", http.StatusOK},
		{"NegativeFirst", `{ entities(first: -1) { totalCount } }`, nil, "INVALID", "first is -1", http.StatusOK},
		{"BadCursor", `{ relations(after: "not a cursor") { totalCount } }`, nil, "INVALID", "cursor", http.StatusOK},
		{"SyntaxError", `{ entity(id: "country:cuba") { name }`, nil, "GRAPHQL_PARSE_FAILED", "syntax error", http.StatusBadRequest},
		{"UnknownField", `{ entity(id: "country:cuba") { population } }`, nil, "GRAPHQL_VALIDATION_FAILED", "population", http.StatusBadRequest},
		{"UnknownEnum", `{ relations(types: [ALLIED_WITH]) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED", "ALLIED_WITH", http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, status := s.PostHeader(t, map[string]string{"Accept": "application/json"}, tc.query, tc.vars); status != http.StatusOK {
				t.Errorf("as application/json: status %d, want 200 for a well-formed GraphQL request", status)
			}
			r, status := s.Post(t, tc.query, tc.vars)
			if status != tc.status {
				t.Errorf("as application/graphql-response+json: status %d, want %d", status, tc.status)
			}
			if len(r.Errors) == 0 {
				t.Fatalf("no error; data %v", r.Data)
			}
			if c := r.Code(0); c == "" || (tc.code != "" && c != tc.code) {
				t.Errorf("code %q, want %q", c, tc.code)
			}
			if !strings.Contains(r.Errors[0].Message, tc.says) {
				t.Errorf("message %q does not say %q", r.Errors[0].Message, tc.says)
			}
		})
	}

	for _, tc := range []struct {
		name, contentType, body, says string
		status                        int
	}{
		{"MalformedJSON", "application/json", `{"query": "{ entity(id: \"country:cuba\") { name } }"`, "ends in the middle", http.StatusBadRequest},
		{"NotJSON", "application/json", `query={}`, "not valid JSON at byte 1", http.StatusBadRequest},
		{"EmptyBody", "application/json", ``, "empty", http.StatusBadRequest},
		{"QueryNotString", "application/json", `{"query": 42}`, `field "query"`, http.StatusBadRequest},
		{"NoQuery", "application/json", `{"variables": {}}`, "no query", http.StatusBadRequest},
		// RFC 9110 (which GraphQL over HTTP defers to) has a status
		// for a body in a format the server does not take.
		{"WrongContentType", "text/plain", `{"query": "{ __typename }"}`, "application/json", http.StatusUnsupportedMediaType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, status := s.Send(t, tc.contentType, []byte(tc.body))
			if status != tc.status {
				t.Errorf("status %d, want %d", status, tc.status)
			}
			if len(r.Errors) != 1 || r.Code(0) != "BAD_REQUEST" || !strings.Contains(r.Errors[0].Message, tc.says) {
				t.Errorf("errors %+v, want one BAD_REQUEST saying %q", r.Errors, tc.says)
			}
		})
	}

	t.Run("StillServing", func(t *testing.T) {
		d := s.MustData(t, `{ entity(id: "country:cuba") { name } }`, nil)
		if schematest.At(d, "entity", "name") != "Cuba" {
			t.Errorf("after bad requests, entity = %v", d)
		}
	})
}

func TestHTTP(t *testing.T) {
	s := schematest.NewServerWith(t, httpapi.HandlerOptions{CORSOrigins: []string{"https://dashboard.example"}})

	t.Run("GET", func(t *testing.T) {
		q := url.Values{"query": {`query($id: ID!) { entity(id: $id) { name } }`}, "variables": {`{"id": "country:switzerland"}`}}
		resp, err := http.Get(s.URL + "/graphql?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		r, status := schematest.Decode(t, resp)
		if status != http.StatusOK || schematest.At(r.Data, "entity", "name") != "Switzerland" {
			t.Errorf("status %d, data %v, errors %+v", status, r.Data, r.Errors)
		}
	})

	t.Run("MethodNotAllowed", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodDelete, s.URL+"/graphql", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r, status := schematest.Decode(t, resp)
		if status != http.StatusMethodNotAllowed || len(r.Errors) != 1 || resp.Header.Get("Allow") != "GET, POST" {
			t.Errorf("status %d, Allow %q, errors %+v", status, resp.Header.Get("Allow"), r.Errors)
		}
	})

	t.Run("CORS", func(t *testing.T) {
		for _, tc := range []struct{ origin, allow string }{
			{"https://dashboard.example", "https://dashboard.example"},
			{"https://elsewhere.example", ""},
		} {
			req, _ := http.NewRequest(http.MethodOptions, s.URL+"/graphql", nil)
			req.Header.Set("Origin", tc.origin)
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "content-type")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tc.allow {
				t.Errorf("preflight from %s: Access-Control-Allow-Origin %q, want %q", tc.origin, got, tc.allow)
			}
			if got := resp.Header.Get("Access-Control-Allow-Credentials"); got != "" {
				t.Errorf("credentials allowed: %q", got)
			}
		}
	})

	t.Run("NoPagesWithoutUI", func(t *testing.T) {
		// The pages are served only with HandlerOptions.UI (http_ui_test.go).
		for _, path := range []string{"/", "/explore", "/assets/x.js", "/nothing-here"} {
			resp, err := http.Get(s.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: status %d, want 404", path, resp.StatusCode)
			}
		}
	})

	t.Run("Healthz", func(t *testing.T) {
		resp, err := http.Get(s.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("status %d", resp.StatusCode)
		}
	})
}

func TestSDLDescribesEverything(t *testing.T) {
	// The descriptions are the API documentation: every type, field,
	// argument and enum value has one.
	parsed, err := graphql.ParseSchema(schema.SDL, nil, graphql.UseStringDescriptions())
	if err != nil {
		t.Fatal(err)
	}
	missing := func(what string, desc string) {
		if strings.TrimSpace(desc) == "" {
			t.Errorf("%s has no description", what)
		}
	}
	fields := func(typ string, fs ast.FieldsDefinition) {
		for _, f := range fs {
			missing(typ+"."+f.Name, f.Desc)
			for _, a := range f.Arguments {
				missing(typ+"."+f.Name+"("+a.Name.Name+")", a.Desc)
			}
		}
	}
	for name, typ := range parsed.ASTSchema().Types {
		if strings.HasPrefix(name, "__") || slices.Contains([]string{"String", "Int", "Float", "Boolean", "ID"}, name) {
			continue
		}
		missing(name, typ.Description())
		switch d := typ.(type) {
		case *ast.ObjectTypeDefinition:
			fields(name, d.Fields)
		case *ast.InterfaceTypeDefinition:
			fields(name, d.Fields)
		case *ast.EnumTypeDefinition:
			for _, v := range d.EnumValuesDefinition {
				missing(name+"."+v.EnumValue, v.Desc)
			}
		}
	}
}
