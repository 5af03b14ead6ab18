package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/schema/httpapi"
	"github.com/chancery/chancery/schema/schematest"
)

// The tests in this file hold /graphql to the GraphQL over HTTP
// specification (https://graphql.github.io/graphql-over-http/draft/), one
// table per rule, over real HTTP.

const (
	grjType  = "application/graphql-response+json"
	jsonType = "application/json"
)

// exchange is one HTTP request to /graphql and what came back.
type exchange struct {
	method, query string            // query is the URL's query string, for GET
	header        map[string]string // request headers
	body          string
}

// answer is a response with its body kept raw, to see whether "data" is
// there at all.
type answer struct {
	status int
	header http.Header
	raw    []byte
	result schematest.Result
	fields map[string]json.RawMessage
}

// has reports whether the body has a top-level entry of that name.
func (a *answer) has(name string) bool {
	_, ok := a.fields[name]
	return ok
}

// mediaType is the Content-Type without its parameters.
func (a *answer) mediaType() string {
	mt, _, _ := strings.Cut(a.header.Get("Content-Type"), ";")
	return strings.TrimSpace(mt)
}

// do sends x to /graphql and reads the answer.
func do(tb testing.TB, s *schematest.Server, x exchange) *answer {
	tb.Helper()
	method := x.method
	if method == "" {
		method = http.MethodPost
	}
	u := s.URL + "/graphql"
	if x.query != "" {
		u += "?" + x.query
	}
	var body io.Reader
	if x.body != "" {
		body = strings.NewReader(x.body)
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range x.header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	a := &answer{status: resp.StatusCode, header: resp.Header}
	if a.raw, err = io.ReadAll(resp.Body); err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(a.raw, &a.fields); err != nil {
		tb.Fatalf("%s %s: the response is not a JSON object (%v): %s", method, u, err, a.raw)
	}
	json.Unmarshal(a.raw, &a.result)
	return a
}

// postAccept sends a query with the given Accept header and decodes the
// answer.
func postAccept(tb testing.TB, s *schematest.Server, accept, query string, vars map[string]any) (*schematest.Result, int) {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	a := do(tb, s, exchange{body: string(body), header: map[string]string{"Content-Type": jsonType, "Accept": accept}})
	return &a.result, a.status
}

// jsonPost is a POST of body as application/json, answered as accept.
func jsonPost(accept, body string) exchange {
	h := map[string]string{"Content-Type": jsonType}
	if accept != "" {
		h["Accept"] = accept
	}
	return exchange{body: body, header: h}
}

// getQuery is a GET with the given parameters, answered as accept.
func getQuery(accept string, params url.Values) exchange {
	x := exchange{method: http.MethodGet, query: params.Encode()}
	if accept != "" {
		x.header = map[string]string{"Accept": accept}
	}
	return x
}

func TestGraphQLOverHTTPAccept(t *testing.T) {
	s := schematest.NewServer(t)
	const typename = `{"query": "{ __typename }"}`
	for _, tc := range []struct {
		name   string
		accept string // "" sends no Accept header
		want   string // the media type of the answer; "" for 406
	}{
		{"None", "", grjType},
		{"Anything", "*/*", grjType},
		{"AnyApplicationType", "application/*", grjType},
		{"GraphQLResponse", grjType, grjType},
		{"GraphQLResponseUTF8", grjType + "; charset=utf-8", grjType},
		{"JSON", jsonType, jsonType},
		{"JSONUTF8", jsonType + ";charset=UTF-8", jsonType},
		{"Recommended", grjType + ", " + jsonType + ";q=0.9", grjType},
		{"JSONWeighedHigher", grjType + ";q=0.5, " + jsonType, jsonType},
		{"FirstListedWins", jsonType + ", " + grjType, jsonType},
		{"NamedBeatsWildcard", "*/*, " + jsonType, jsonType},
		{"Browser", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", grjType},
		{"JSONRefusedByWeight", jsonType + ";q=0, */*;q=0.1", grjType},
		{"Unsupported", "text/html", ""},
		{"OtherCharset", jsonType + "; charset=utf-16", ""},
		{"WeightZero", grjType + ";q=0, " + jsonType + ";q=0", ""},
		{"Junk", "not a media type", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := do(t, s, jsonPost(tc.accept, typename))
			if vary := strings.Join(a.header.Values("Vary"), ", "); !strings.Contains(vary, "Accept") {
				t.Errorf("Vary %q does not name Accept", vary)
			}
			if tc.want == "" {
				if a.status != http.StatusNotAcceptable || a.mediaType() != jsonType || len(a.result.Errors) != 1 ||
					!strings.Contains(a.result.Errors[0].Message, grjType) {
					t.Errorf("status %d, %s, %s; want 406 naming the types the server answers in", a.status, a.mediaType(), a.raw)
				}
				return
			}
			if a.status != http.StatusOK || a.mediaType() != tc.want || schematest.At(a.result.Data, "__typename") != "Query" {
				t.Errorf("status %d, Content-Type %q, body %s; want 200 as %s", a.status, a.header.Get("Content-Type"), a.raw, tc.want)
			}
			if ct := a.header.Get("Content-Type"); !strings.HasSuffix(ct, "charset=utf-8") {
				t.Errorf("Content-Type %q does not say the encoding", ct)
			}
		})
	}

	t.Run("SeveralHeaderLines", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", strings.NewReader(typename))
		req.Header.Set("Content-Type", jsonType)
		req.Header.Add("Accept", "text/html")
		req.Header.Add("Accept", jsonType)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), jsonType) {
			t.Errorf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	})
}

// TestGraphQLOverHTTPStatus checks the status of each kind of answer to a
// well-formed request, as each media type calls for: as application/json
// always 200; as application/graphql-response+json 200 when the answer has
// data, even null data, and 400 without it.
func TestGraphQLOverHTTPStatus(t *testing.T) {
	s := schematest.NewServer(t)
	for _, tc := range []struct {
		name     string
		body     string
		grj      int    // status as application/graphql-response+json
		data     string // "" no data entry, "null", or "object"
		code     string // extensions.code of the first error; "" for none
		messages string // what the first error says
	}{
		{"Query", `{"query": "{ entity(id: \"country:cuba\") { name } }"}`, 200, "object", "", ""},
		{"FieldError", `{"query": "{ entity(id: \"Cuba\") { name } }"}`, 200, "object", "INVALID", "kind prefix"},
		{"NullData", `{"query": "{ lineage(id: \"country:atlantis\") { change } }"}`, 200, "null", "NOT_FOUND", "atlantis"},
		{"ParseFailure", `{"query": "{"}`, 400, "", "GRAPHQL_PARSE_FAILED", "syntax error"},
		{"EmptyQuery", `{"query": ""}`, 400, "", "GRAPHQL_PARSE_FAILED", "empty"},
		{"BlankQuery", `{"query": "  \n "}`, 400, "", "GRAPHQL_PARSE_FAILED", "empty"},
		{"ValidationFailure", `{"query": "{ population }"}`, 400, "", "GRAPHQL_VALIDATION_FAILED", "population"},
		{"VariableCoercionFailure", `{"query": "query($id: ID!) { entity(id: $id) { name } }", "variables": {"id": null}}`, 400, "", "", "id"},
		{"MissingVariable", `{"query": "query($id: ID!) { entity(id: $id) { name } }"}`, 400, "", "", "id"},
		{"UnknownOperation", `{"query": "query A { __typename }", "operationName": "B"}`, 400, "", "", `"B"`},
		{"OperationNotChosen", `{"query": "query A { __typename } query B { __typename }"}`, 400, "", "", "operation"},
		{"OperationChosen", `{"query": "query A { __typename } query B { entity(id: \"country:cuba\") { name } }", "operationName": "B"}`, 200, "object", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, media := range []string{grjType, jsonType} {
				a := do(t, s, jsonPost(media, tc.body))
				want := tc.grj
				if media == jsonType {
					want = http.StatusOK
				}
				if a.status != want || a.mediaType() != media {
					t.Errorf("as %s: status %d, %s; want %d", media, a.status, a.mediaType(), want)
				}
				switch {
				case tc.data == "" && a.has("data"):
					t.Errorf("as %s: a refused request has a data entry: %s", media, a.raw)
				case tc.data == "null" && string(a.fields["data"]) != "null":
					t.Errorf("as %s: data %s, want null", media, a.fields["data"])
				case tc.data == "object" && !strings.HasPrefix(string(a.fields["data"]), "{"):
					t.Errorf("as %s: data %s, want an object", media, a.fields["data"])
				}
				if tc.messages == "" {
					if len(a.result.Errors) > 0 && tc.code == "" {
						t.Errorf("as %s: errors %+v", media, a.result.Errors)
					}
					continue
				}
				if len(a.result.Errors) == 0 {
					t.Fatalf("as %s: no errors: %s", media, a.raw)
				}
				if c := a.result.Code(0); c == "" || (tc.code != "" && c != tc.code) {
					t.Errorf("as %s: code %q, want %q", media, c, tc.code)
				}
				if !strings.Contains(a.result.Errors[0].Message, tc.messages) {
					t.Errorf("as %s: message %q does not say %q", media, a.result.Errors[0].Message, tc.messages)
				}
			}
		})
	}
}

// TestGraphQLOverHTTPParameters checks the parameters of a JSON body:
// query a string, operationName a string, variables and extensions
// objects, null the same as absent. Anything else is not a GraphQL-over-HTTP
// request, which is 400 whatever the media type.
func TestGraphQLOverHTTPParameters(t *testing.T) {
	s := schematest.NewServer(t)
	ok := []struct{ name, body string }{
		{"OperationNameNull", `{"query": "{ __typename }", "operationName": null}`},
		{"OperationNameEmpty", `{"query": "{ __typename }", "operationName": ""}`},
		{"OperationName", `{"query": "query Q { __typename }", "operationName": "Q"}`},
		{"VariablesNull", `{"query": "{ __typename }", "variables": null}`},
		{"Variables", `{"query": "query($n: String!) { __type(name: $n) { name } }", "variables": {"n": "Mission"}}`},
		{"IntVariable", `{"query": "query($n: Int) { entities(first: $n) { edges { cursor } } }", "variables": {"n": 2}}`},
		{"ExtensionsNull", `{"query": "{ __typename }", "extensions": null}`},
		{"Extensions", `{"query": "{ __typename }", "extensions": {"tracing": {"version": 1}, "unknown": [1, 2]}}`},
		{"UnknownFieldsIgnored", `{"query": "{ __typename }", "id": 7, "documentId": "abc"}`},
		{"UTF8", `{"query": "{ __type(name: \"Run🏃Swim🏊\") { name } }"}`},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			for _, media := range []string{grjType, jsonType} {
				a := do(t, s, jsonPost(media, tc.body))
				if a.status != http.StatusOK || len(a.result.Errors) > 0 || !a.has("data") {
					t.Errorf("as %s: status %d, %s", media, a.status, a.raw)
				}
			}
		})
	}

	bad := []struct{ name, body, says string }{
		{"NotJSON", `NONSENSE`, "not valid JSON"},
		{"Truncated", `{"query":`, "ends in the middle"},
		{"Empty", ``, "empty"},
		{"Array", `[{"query": "{ __typename }"}]`, "JSON array"},
		{"String", `"{ __typename }"`, "JSON string"},
		{"Null", `null`, "JSON null"},
		{"TwoValues", `{"query": "{ __typename }"} {"query": "{ __typename }"}`, "more than one JSON value"},
		{"QueryMissing", `{"qeury": "{ __typename }"}`, `no query; send {"query": `},
		{"QueryMissingNamesWhatIsThere", `{"qeury": "{ __typename }"}`, `(the body has "qeury")`},
		{"QueryNull", `{"query": null}`, "no query"},
		{"QueryNumber", `{"query": 0}`, `field "query" of the request body is a JSON number; it must be a string`},
		{"QueryBoolean", `{"query": false}`, `"query" of the request body is a JSON boolean`},
		{"QueryObject", `{"query": {"obj": "ect"}}`, `"query" of the request body is a JSON object`},
		{"QueryArray", `{"query": ["array"]}`, `"query" of the request body is a JSON array`},
		{"OperationNameNumber", `{"query": "{ __typename }", "operationName": 0}`, `"operationName" of the request body is a JSON number; it must be a string`},
		{"OperationNameBoolean", `{"query": "{ __typename }", "operationName": false}`, `"operationName" of the request body is a JSON boolean`},
		{"OperationNameObject", `{"query": "{ __typename }", "operationName": {}}`, `"operationName" of the request body is a JSON object`},
		{"OperationNameArray", `{"query": "{ __typename }", "operationName": ["Q"]}`, `"operationName" of the request body is a JSON array`},
		{"VariablesString", `{"query": "{ __typename }", "variables": "{}"}`, `"variables" of the request body is a JSON string; it must be an object`},
		{"VariablesNumber", `{"query": "{ __typename }", "variables": 0}`, `"variables" of the request body is a JSON number`},
		{"VariablesBoolean", `{"query": "{ __typename }", "variables": false}`, `"variables" of the request body is a JSON boolean`},
		{"VariablesArray", `{"query": "query Q ($i:Int!) { q(i: $i) }", "variables": [7]}`, `"variables" of the request body is a JSON array`},
		{"ExtensionsString", `{"query": "{ __typename }", "extensions": "x"}`, `"extensions" of the request body is a JSON string; it must be an object`},
		{"ExtensionsNumber", `{"query": "{ __typename }", "extensions": 0}`, `"extensions" of the request body is a JSON number`},
		{"ExtensionsBoolean", `{"query": "{ __typename }", "extensions": false}`, `"extensions" of the request body is a JSON boolean`},
		{"ExtensionsArray", `{"query": "{ __typename }", "extensions": ["array"]}`, `"extensions" of the request body is a JSON array`},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			for _, media := range []string{grjType, jsonType} {
				a := do(t, s, jsonPost(media, tc.body))
				if a.status != http.StatusBadRequest || a.mediaType() != media || a.has("data") {
					t.Errorf("as %s: status %d, %s, %s; want 400 without data", media, a.status, a.mediaType(), a.raw)
				}
				if len(a.result.Errors) != 1 || a.result.Code(0) != schema.CodeBadRequest || !strings.Contains(a.result.Errors[0].Message, tc.says) {
					t.Errorf("as %s: errors %+v; want one BAD_REQUEST saying %q", media, a.result.Errors, tc.says)
				}
			}
		})
	}
}

// TestGraphQLOverHTTPBody checks what a POST body may be: JSON in UTF-8,
// named as such, and at most MaxBodyBytes.
func TestGraphQLOverHTTPBody(t *testing.T) {
	s := schematest.NewServer(t)
	const typename = `{"query": "{ __typename }"}`
	for _, tc := range []struct {
		name, contentType string // "" sends no Content-Type
		status            int
		says              string
	}{
		{"JSON", "application/json", http.StatusOK, ""},
		{"JSONUTF8", "application/json; charset=utf-8", http.StatusOK, ""},
		{"JSONUTF8Upper", "application/json;charset=UTF-8", http.StatusOK, ""},
		{"GraphQLJSON", "application/graphql+json", http.StatusOK, ""},
		{"NoContentType", "", http.StatusUnsupportedMediaType, "no Content-Type"},
		{"OtherCharset", "application/json; charset=iso-8859-1", http.StatusUnsupportedMediaType, "UTF-8"},
		{"Form", "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType, "application/json"},
		{"Text", "text/plain", http.StatusUnsupportedMediaType, "application/json"},
		{"Malformed", "application/", http.StatusUnsupportedMediaType, "application/json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := exchange{body: typename, header: map[string]string{"Accept": grjType}}
			if tc.contentType != "" {
				x.header["Content-Type"] = tc.contentType
			}
			a := do(t, s, x)
			if a.status != tc.status {
				t.Errorf("status %d, want %d: %s", a.status, tc.status, a.raw)
			}
			if tc.says != "" && (len(a.result.Errors) != 1 || a.result.Code(0) != schema.CodeBadRequest ||
				!strings.Contains(a.result.Errors[0].Message, tc.says)) {
				t.Errorf("errors %+v; want one BAD_REQUEST saying %q", a.result.Errors, tc.says)
			}
		})
	}

	// A query padded with white space up to the limit is still taken; one
	// byte more is refused with 413, in either media type.
	query := `{"query": "{ __typename }"`
	atLimit := query + strings.Repeat(" ", httpapi.MaxBodyBytes-len(query)-1) + "}"
	overLimit := query + strings.Repeat(" ", httpapi.MaxBodyBytes-len(query)) + "}"
	for _, tc := range []struct {
		name, body string
		status     int
	}{
		{"AtLimit", atLimit, http.StatusOK},
		{"OverLimit", overLimit, http.StatusRequestEntityTooLarge},
		{"FarOverLimit", strings.Repeat(" ", 4*httpapi.MaxBodyBytes), http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, media := range []string{grjType, jsonType} {
				a := do(t, s, jsonPost(media, tc.body))
				if a.status != tc.status {
					t.Errorf("as %s: %d bytes: status %d, want %d: %.300s", media, len(tc.body), a.status, tc.status, a.raw)
				}
				if tc.status == http.StatusRequestEntityTooLarge && (len(a.result.Errors) != 1 ||
					!strings.Contains(a.result.Errors[0].Message, "larger than the limit of 1048576 bytes (1 MiB)")) {
					t.Errorf("as %s: errors %+v; want one saying the limit", media, a.result.Errors)
				}
			}
		})
	}
}

// TestGraphQLOverHTTPGet checks GET: parameters in the URL, queries only.
func TestGraphQLOverHTTPGet(t *testing.T) {
	s := schematest.NewServerWith(t, httpapi.HandlerOptions{Tokens: []string{schematest.Token}})
	const cuba = `query($id: ID!) { entity(id: $id) { name } }`
	for _, tc := range []struct {
		name      string
		params    url.Values
		raw       string // a raw query string, used instead of params
		grj, json int    // the status as each media type
		says      string // what the first error says; "" for a good answer
	}{
		{"Query", url.Values{"query": {`{ entity(id: "country:cuba") { name } }`}}, "", 200, 200, ""},
		{"Variables", url.Values{"query": {cuba}, "variables": {`{"id": "country:cuba"}`}}, "", 200, 200, ""},
		{"VariablesNull", url.Values{"query": {`{ __typename }`}, "variables": {`null`}}, "", 200, 200, ""},
		{"VariablesEmpty", url.Values{"query": {`{ __typename }`}, "variables": {``}}, "", 200, 200, ""},
		{"Extensions", url.Values{"query": {`{ __typename }`}, "extensions": {`{"some": "value"}`}}, "", 200, 200, ""},
		{"OperationName", url.Values{"query": {`query A { __typename } query B { __typename }`}, "operationName": {"B"}}, "", 200, 200, ""},
		{"OperationNameEmpty", url.Values{"query": {`query A { __typename }`}, "operationName": {""}}, "", 200, 200, ""},
		{"QueryBesideMutation", url.Values{"query": {`query A { __typename } mutation B { deleteEntity(id: "country:cuba") }`}, "operationName": {"A"}}, "", 200, 200, ""},
		{"NoQuery", url.Values{"variables": {`{}`}}, "", 400, 400, "no query"},
		{"QueryTwice", url.Values{"query": {`{ __typename }`, `{ __typename }`}}, "", 400, 400, `"query" is given 2 times`},
		{"VariablesNotJSON", url.Values{"query": {cuba}, "variables": {`{id: cuba}`}}, "", 400, 400, `URL parameter "variables" is not valid JSON`},
		{"VariablesArray", url.Values{"query": {cuba}, "variables": {`["country:cuba"]`}}, "", 400, 400, `"variables" is a JSON array; it must be an object`},
		{"ExtensionsString", url.Values{"query": {`{ __typename }`}, "extensions": {`"x"`}}, "", 400, 400, `"extensions" is a JSON string; it must be an object`},
		{"MalformedQueryString", nil, "query=%zz", 400, 400, "malformed"},
		{"ParseFailure", url.Values{"query": {`{`}}, "", 400, 200, "syntax error"},
		{"VariableCoercionFailure", url.Values{"query": {cuba}, "variables": {`{"id": null}`}}, "", 400, 200, "id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, media := range []string{grjType, jsonType} {
				x := getQuery(media, tc.params)
				if tc.raw != "" {
					x.query = tc.raw
				}
				a := do(t, s, x)
				want := tc.grj
				if media == jsonType {
					want = tc.json
				}
				if a.status != want || a.mediaType() != media {
					t.Errorf("as %s: status %d, %s, %s; want %d", media, a.status, a.mediaType(), a.raw, want)
				}
				if tc.says == "" {
					if len(a.result.Errors) > 0 || !a.has("data") {
						t.Errorf("as %s: %s", media, a.raw)
					}
				} else if len(a.result.Errors) == 0 || !strings.Contains(a.result.Errors[0].Message, tc.says) {
					t.Errorf("as %s: errors %+v; want one saying %q", media, a.result.Errors, tc.says)
				}
			}
		})
	}
}

// TestGraphQLOverHTTPMutationByGet checks that a mutation sent by GET is
// refused with 405 before it runs, even with a token that may write.
func TestGraphQLOverHTTPMutationByGet(t *testing.T) {
	s := schematest.NewServerWith(t, httpapi.HandlerOptions{Tokens: []string{schematest.Token}})
	const addByGet = `mutation Add { upsertEntity(input: {id: "city:written-by-get", kind: CITY, name: "Written by GET",
	  sources: [{document: "Test fixture"}]}) { id } }`
	for _, tc := range []struct {
		name   string
		params url.Values
	}{
		{"Mutation", url.Values{"query": {addByGet}}},
		{"ChosenByName", url.Values{"query": {`query Read { __typename } ` + addByGet}, "operationName": {"Add"}}},
		{"AfterAFragment", url.Values{"query": {`fragment F on Entity { id } ` + addByGet}}},
		{"WithADescription", url.Values{"query": {`"""Adds a city."""` + addByGet}}},
		{"Shorthand", url.Values{"query": {`mutation { __typename }`}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, media := range []string{grjType, jsonType} {
				x := getQuery(media, tc.params)
				x.header["Authorization"] = "Bearer " + schematest.Token
				a := do(t, s, x)
				if a.status != http.StatusMethodNotAllowed || a.header.Get("Allow") != "POST" || a.mediaType() != media {
					t.Errorf("as %s: status %d, Allow %q, %s; want 405 with Allow: POST", media, a.status, a.header.Get("Allow"), a.mediaType())
				}
				if len(a.result.Errors) != 1 || a.result.Code(0) != schema.CodeBadRequest || !strings.Contains(a.result.Errors[0].Message, "POST") {
					t.Errorf("as %s: errors %+v; want one saying to use POST", media, a.result.Errors)
				}
			}
		})
	}
	if d := s.MustData(t, `{ entity(id: "city:written-by-get") { id } }`, nil); d["entity"] != nil {
		t.Errorf("a mutation sent by GET ran: %v", d)
	}
}

// TestGraphQLOverHTTPMethods checks that /graphql takes GET and POST only.
func TestGraphQLOverHTTPMethods(t *testing.T) {
	s := schematest.NewServer(t)
	for _, method := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch} {
		t.Run(method, func(t *testing.T) {
			for _, accept := range []string{"", jsonType, "text/html"} {
				x := exchange{method: method, body: `{"query": "{ __typename }"}`,
					header: map[string]string{"Content-Type": jsonType}}
				if accept != "" {
					x.header["Accept"] = accept
				}
				a := do(t, s, x)
				if a.status != http.StatusMethodNotAllowed || a.header.Get("Allow") != "GET, POST" || len(a.result.Errors) != 1 {
					t.Errorf("Accept %q: status %d, Allow %q, %s", accept, a.status, a.header.Get("Allow"), a.raw)
				}
			}
		})
	}
}

// TestGraphQLOverHTTPUnauthorized checks that a wrong token is refused
// with 401 in either media type, before anything runs.
func TestGraphQLOverHTTPUnauthorized(t *testing.T) {
	s := schematest.NewServerWith(t, httpapi.HandlerOptions{Tokens: []string{schematest.Token}})
	for _, media := range []string{grjType, jsonType} {
		body, _ := json.Marshal(map[string]string{"query": schematest.AddThun})
		x := jsonPost(media, string(bytes.TrimSpace(body)))
		x.header["Authorization"] = "Bearer wrong-token-0123456789abcdef"
		a := do(t, s, x)
		if a.status != http.StatusUnauthorized || a.mediaType() != media || a.header.Get("WWW-Authenticate") == "" ||
			len(a.result.Errors) != 1 || a.result.Code(0) != schema.CodeUnauthorized {
			t.Errorf("as %s: status %d, %s, %s", media, a.status, a.mediaType(), a.raw)
		}
	}
}
