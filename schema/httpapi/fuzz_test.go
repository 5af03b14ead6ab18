package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/schema/httpapi"
	"github.com/chancery/chancery/store/storetest"
)

// errorLog keeps the messages of the ERROR records a handler logs: a
// resolver panic or an internal error, which a client's input must never
// cause.
type errorLog struct {
	mu   sync.Mutex
	msgs []string
}

func (l *errorLog) Enabled(_ context.Context, level slog.Level) bool { return level >= slog.LevelError }
func (l *errorLog) WithAttrs([]slog.Attr) slog.Handler               { return l }
func (l *errorLog) WithGroup(string) slog.Handler                    { return l }
func (l *errorLog) Handle(_ context.Context, r slog.Record) error {
	msg := r.Message
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "err" || a.Key == "panic" {
			msg += ": " + a.Value.String()
		}
		return true
	})
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, msg)
	return nil
}

func (l *errorLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	msgs := l.msgs
	l.msgs = nil
	return msgs
}

// fuzzHandler is the API over an in-memory store filled from the embedded
// seeds, with writes disabled, so that every call sees the same data.
func fuzzHandler(tb testing.TB) (http.Handler, *errorLog) {
	tb.Helper()
	db := storetest.OpenSeeded(tb, "")
	log := &errorLog{}
	s, err := schema.New(db, db, slog.New(log), schema.Limits{})
	if err != nil {
		tb.Fatal(err)
	}
	return httpapi.Handler(s, httpapi.HandlerOptions{Logger: slog.New(log)}), log
}

// FuzzHandler sends GET and POST requests with any query string, content
// type and body to /graphql, and checks that the handler never panics,
// never answers 5xx, logs no internal error, and always answers with a
// JSON object holding data or a non-empty errors array whose every error
// has a message and extensions.code.
func FuzzHandler(f *testing.F) {
	h, log := fuzzHandler(f)
	post := func(body string) { f.Add(uint8(1), "", "application/json", "", []byte(body)) }
	get := func(rawQuery string) { f.Add(uint8(0), rawQuery, "", "", []byte(nil)) }
	post(`{"query": "{ entity(id: \"country:cuba\") { name validFrom ... on Mission { sender { name } } } }"}`)
	post(`{"query": "{ relations(types: [PROTECTS], to: \"country:united-states\", context: \"country:cuba\", asOf: 1990) { edges { node { from { name } to { name } context { name } validFrom validTo sources { document quote } } } } }"}`)
	post(`{"query": "query Q($id: ID!, $n: Int) { entities(kind: MISSION, first: $n) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } entity(id: $id) { name } }", "operationName": "Q", "variables": {"id": "mission:tecro-united-states", "n": 3}}`)
	post(`{"query": "{ entities(first: 2, after: \"Y2l0eTpoYXZhbmE\") { edges { cursor } } relations(first: 2, after: \"A__0\") { edges { cursor } } }"}`)
	post(`{"query": "{ paths(from: \"country:united-states\", to: \"country:cuba\", maxLength: 3) { nodes { id } } lineage(id: \"mission:tecro-united-states\") { entity { name } change date } }"}`)
	post(`{"query": "{ neighbourhood(id: \"country:cuba\", depth: 2, asOf: \"1990-01\") { nodes { id } relations { type } } representation(of: \"country:united-states\", in: \"country:cuba\", asOf: 1990) { __typename } }"}`)
	post(`{"query": "{ search(text: \"standige vertretung\") { __typename } count(groupBy: DECADE) { key count } node(id: \"rel:aaaaaaaaaaaaaaaa\") { id } }"}`)
	post(`{"query": "{ __schema { types { name fields { name } } } }"}`)
	post(`{"query": "mutation { deleteEntity(id: \"country:cuba\") }"}`)
	post(`{"query": "{ entity(id: \"country:cuba\") { name } }", "variables": {"big": 1e400, "n": 99999999999, "x": [1.5, {"y": -0}]}}`)
	post(`{"query": "{ entities(first: -1, asOf: \"1994-13\") { totalCount } }"}`)
	post(`{"query": "{ entity(id: 7) }"}`)
	post(`{"query": "{"}`)
	post(`{"query": "", "operationName": "x"}`)
	post(`{"query": 7}`)
	post(`{"variables": []}`)
	post(`{"query": "{ a }"} {"query": "{ b }"}`)
	post(`[]`)
	post(`null`)
	post(`{"query": "{ entity(id: \"country:cuba\") { name } }"`)
	post(``)
	get(`query=%7B+entity%28id%3A+%22country%3Acuba%22%29+%7B+name+%7D+%7D`)
	get(`query={entities(first:$n){totalCount}}&variables={"n":2}`)
	get(`query=query+Q($n:Int){entities(first:$n){totalCount}}&variables=%7B%22n%22%3A2%7D&operationName=Q`)
	get(`query=mutation{deleteEntity(id:"country:cuba")}`)
	get(`variables=[1]&query={__typename}`)
	get(`query=%ZZ;&&=`)
	get(``)
	typename := []byte(`{"query": "{ __typename }"}`)
	f.Add(uint8(1), "", "text/plain", "", typename)
	f.Add(uint8(1), "", "application/json; charset=\"", "", typename)
	f.Add(uint8(1), "", "application/json; charset=latin1", "", typename)
	f.Add(uint8(1), "", "application/graphql+json; charset=utf-8", "", typename)
	f.Add(uint8(1), "", "application/json", "application/json", []byte(`{"query": "{ entity(id: \"country:nowhere\") { name } }"}`))
	f.Add(uint8(1), "", "application/json", "application/graphql-response+json;q=0.5, application/json", []byte(`{"query": "{ entity(id: 1) }"}`))
	f.Add(uint8(1), "", "application/json", "*/*;q=0", typename)
	f.Add(uint8(0), "query={__typename}", "", "text/html, application/*;q=0.1;charset=utf-16", []byte(nil))
	f.Add(uint8(2), "query={__typename}", "", "", []byte(nil))

	f.Fuzz(func(t *testing.T, method uint8, rawQuery, contentType, accept string, body []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		r := httptest.NewRequestWithContext(ctx, [...]string{http.MethodGet, http.MethodPost, http.MethodPut}[method%3], "/graphql", bytes.NewReader(body))
		r.URL.RawQuery = rawQuery
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		if accept != "" {
			r.Header.Set("Accept", accept)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		req := fmt.Sprintf("%s ?%s, Content-Type %q, Accept %q, body %q", r.Method, rawQuery, contentType, accept, body)
		if msgs := log.take(); len(msgs) > 0 {
			t.Fatalf("%s: the handler logged %q", req, msgs)
		}
		if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") && !strings.HasPrefix(ct, "application/graphql-response+json") {
			t.Fatalf("%s: status %d, Content-Type %q: %s", req, w.Code, ct, w.Body)
		}
		var resp struct {
			Data   json.RawMessage `json:"data"`
			Errors []struct {
				Message    string         `json:"message"`
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
			t.Fatalf("%s: status %d, the body is not a JSON object (%v): %s", req, w.Code, err, w.Body)
		}
		if resp.Data == nil && len(resp.Errors) == 0 || w.Code != http.StatusOK && len(resp.Errors) == 0 {
			t.Fatalf("%s: status %d with neither data nor errors: %s", req, w.Code, w.Body)
		}
		tooLong := false
		for _, e := range resp.Errors {
			code, _ := e.Extensions["code"].(string)
			switch {
			case e.Message == "" || code == "":
				t.Fatalf("%s: an error without a message or code: %s", req, w.Body)
			case code == schema.CodeInternal && strings.Contains(e.Message, "took too long"):
				tooLong = true // the timeout of this test, not a fault
			case code == schema.CodeInternal:
				t.Fatalf("%s: an internal error: %s", req, w.Body)
			}
		}
		// The one documented 5xx: as graphql-response+json, a request
		// that failed in the server without data, here by timing out.
		if w.Code >= 500 && !tooLong {
			t.Fatalf("%s: status %d: %s", req, w.Code, w.Body)
		}
	})
}
