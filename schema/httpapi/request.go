package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/chancery/chancery/schema"
)

// requestError is why an HTTP request is not a GraphQL-over-HTTP request
// the server can take, with the status that says so.
type requestError struct {
	status int
	code   string // extensions.code; "" is BAD_REQUEST
	msg    string
}

func (e *requestError) Error() string { return e.msg }

func badRequest(format string, args ...any) *requestError {
	return &requestError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

// exampleRequest is shown in messages about requests that lack a query.
const exampleRequest = `{"query": "{ entity(id: \"country:cuba\") { name } }"}`

// readBody reads the body of a POST whose Content-Type is one a request
// may have, up to MaxBodyBytes.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, *requestError) {
	if err := checkContentType(r.Header.Get("Content-Type")); err != nil {
		return nil, err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &requestError{status: http.StatusRequestEntityTooLarge,
				msg: fmt.Sprintf("the request body is larger than the limit of %d bytes (%d MiB); send a shorter query or fewer variables",
					tooBig.Limit, tooBig.Limit>>20)}
		}
		return nil, badRequest("the request body could not be read: %v", err)
	}
	return body, nil
}

// decodeBody reads a request from a POST's JSON body. GraphQL over HTTP
// defines the body: an object whose "query" is a string, "operationName" a
// string, and "variables" and "extensions" objects, each but the query
// optional and null meaning absent. Other fields are ignored.
func decodeBody(body []byte) (schema.Request, *requestError) {
	if !utf8.Valid(body) {
		i := 0
		for i < len(body) {
			r, n := utf8.DecodeRune(body[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		return schema.Request{}, badRequest("the request body is not valid UTF-8 (at byte %d); JSON must be sent in UTF-8", i)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var params map[string]json.RawMessage
	if err := dec.Decode(&params); err != nil {
		return schema.Request{}, badRequest("%s", bodyError(err))
	}
	if rest := bytes.TrimSpace(body[dec.InputOffset():]); len(rest) > 0 {
		return schema.Request{}, badRequest("the request body has more than one JSON value; send one object")
	}
	if params == nil {
		return schema.Request{}, badRequest(`the request body is JSON null; send a JSON object such as %s`, exampleRequest)
	}
	return postParams(params)
}

// checkContentType accepts JSON in UTF-8, the only encoding GraphQL over
// HTTP allows. A POST without a Content-Type is refused, as the
// specification advises, so that a client never has its body guessed at.
func checkContentType(ct string) *requestError {
	unsupported := func(format string, args ...any) *requestError {
		return &requestError{status: http.StatusUnsupportedMediaType, msg: fmt.Sprintf(format, args...)}
	}
	if strings.TrimSpace(ct) == "" {
		return unsupported("the request has no Content-Type; send the body as JSON with Content-Type: application/json")
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || !slices.Contains(requestTypes, mt) {
		return unsupported("content type %q is not supported; send the request as application/json", ct)
	}
	if cs, ok := params["charset"]; ok && !isUTF8(cs) {
		return unsupported("charset %q is not supported; send the request body in UTF-8", cs)
	}
	return nil
}

// postParams checks the fields of a JSON body and makes a Request of them.
func postParams(params map[string]json.RawMessage) (schema.Request, *requestError) {
	var req schema.Request
	field := func(name string) string { return fmt.Sprintf("field %q of the request body", name) }
	ext, err := objectParam(params["extensions"], field("extensions"))
	if err != nil {
		return req, err
	}
	req.Extensions = ext
	q, ok := params["query"]
	if (!ok || jsonKind(q) == "null") && persisted(ext) {
		q, ok = json.RawMessage(`""`), true // the query is the one registered under the hash
	}
	if !ok || jsonKind(q) == "null" {
		msg := "the request has no query; send " + exampleRequest
		if len(params) > 0 {
			keys := make([]string, 0, len(params))
			for k := range params {
				keys = append(keys, fmt.Sprintf("%q", k))
			}
			sort.Strings(keys)
			msg += fmt.Sprintf(" (the body has %s)", strings.Join(keys, ", "))
		}
		return req, badRequest("%s", msg)
	}
	if k := jsonKind(q); k != "string" {
		return req, badRequest("%s is a JSON %s; it must be a string", field("query"), k)
	}
	json.Unmarshal(q, &req.Query)
	if op, ok := params["operationName"]; ok {
		switch k := jsonKind(op); k {
		case "null":
		case "string":
			json.Unmarshal(op, &req.OperationName)
		default:
			return req, badRequest("%s is a JSON %s; it must be a string", field("operationName"), k)
		}
	}
	vars, err := objectParam(params["variables"], field("variables"))
	if err != nil {
		return req, err
	}
	req.Variables = vars
	return req, nil
}

// persisted reports whether extensions ask for a persisted query.
func persisted(ext map[string]any) bool {
	_, ok := ext["persistedQuery"]
	return ok
}

// objectParam decodes an optional parameter that must be a JSON object:
// absent or null gives nil. where names the parameter in messages.
func objectParam(raw []byte, where string) (map[string]any, *requestError) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, badRequest("%s is not valid JSON: %v", where, err)
	}
	if rest := bytes.TrimSpace(raw[dec.InputOffset():]); len(rest) > 0 {
		return nil, badRequest("%s has more than one JSON value; it must be one object", where)
	}
	switch t := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		numbersToGo(t)
		return t, nil
	}
	return nil, badRequest("%s is a JSON %s; it must be an object", where, jsonKind(raw))
}

// jsonKind names the kind of a JSON value from its first byte.
func jsonKind(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// bodyError explains why a body is not a JSON object, saying where it went
// wrong.
func bodyError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return "the request body is empty; send a JSON object such as " + exampleRequest
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the request body ends in the middle of its JSON; send a complete JSON object"
	case errors.As(err, &syn):
		return fmt.Sprintf("the request body is not valid JSON at byte %d: %s", syn.Offset, syn.Error())
	case errors.As(err, &typ):
		return fmt.Sprintf("the request body is a JSON %s; send a JSON object with a \"query\" string", typ.Value)
	}
	return fmt.Sprintf("the request body could not be decoded: %v", err)
}

// getParams are the parameters a GET request may carry, each at most once.
var getParams = []string{"query", "operationName", "variables", "extensions"}

// readGet reads a request from the URL's query parameters: query and
// operationName as text, variables and extensions as JSON objects. An
// empty operationName, variables or extensions is the same as none.
func readGet(r *http.Request) (schema.Request, *requestError) {
	var req schema.Request
	p, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return req, badRequest("the URL's query string is malformed: %v; encode the parameters as a form (application/x-www-form-urlencoded)", err)
	}
	for _, name := range getParams {
		if n := len(p[name]); n > 1 {
			return req, badRequest("the URL parameter %q is given %d times; give it once", name, n)
		}
	}
	ext, rerr := objectParam([]byte(p.Get("extensions")), `the URL parameter "extensions"`)
	if rerr != nil {
		return req, rerr
	}
	req.Extensions = ext
	q, ok := p["query"]
	if !ok && !persisted(ext) {
		return req, badRequest(`the request has no query; send one as a URL parameter: ?query={ entity(id: "country:cuba") { name } }`)
	}
	if ok {
		req.Query = q[0]
	}
	req.OperationName = p.Get("operationName")
	vars, rerr := objectParam([]byte(p.Get("variables")), `the URL parameter "variables"`)
	if rerr != nil {
		return req, rerr
	}
	req.Variables = vars
	return req, nil
}

// numbersToGo turns json.Number values into the int32 or float64 that
// graphql-go expects for Int and Float variables.
func numbersToGo(v map[string]any) {
	for k, x := range v {
		v[k] = numberToGo(x)
	}
}

func numberToGo(x any) any {
	switch t := x.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil && i >= -1<<31 && i < 1<<31 {
			return int32(i)
		}
		f, _ := t.Float64()
		return f
	case map[string]any:
		numbersToGo(t)
	case []any:
		for i := range t {
			t[i] = numberToGo(t[i])
		}
	}
	return x
}
