package schema

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"github.com/rs/cors"
)

// MaxBodyBytes bounds a request body; a GraphQL query is text, and a
// megabyte is far more than any real one.
const MaxBodyBytes = 1 << 20

//go:embed playground.html
var playgroundHTML []byte

// HandlerOptions configure Handler.
type HandlerOptions struct {
	// CORSOrigins lists the origins browsers may call the API from;
	// "*" or an empty list allows any. Credentials are never allowed.
	CORSOrigins []string
	// Health reports whether the service can answer; nil means it always can.
	Health func(*http.Request) error
	// Logger receives request failures; nil means slog.Default().
	Logger *slog.Logger
	// Tokens are the bearer tokens that may write: mutations and the
	// admin endpoints. None means writes are refused, saying how to
	// enable them; reads never need a token.
	Tokens []string
	// Backup, if set, writes a backup of the store for GET /admin/backup.
	Backup func(ctx context.Context, w io.Writer) error
}

// Handler serves the API:
//
//	POST /graphql   a JSON body {"query", "operationName", "variables"}
//	GET  /graphql   the same as query parameters (variables as JSON)
//	GET  /          the GraphiQL playground
//	GET  /healthz   200 "ok" when the service can answer
//	GET  /admin/backup  a backup of the store, for a bearer token
//
// Every route is wrapped in CORS handling.
func Handler(s *Schema, opts HandlerOptions) http.Handler {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	h := &handler{s: s, log: log, health: opts.Health, tokens: newTokens(opts.Tokens), backup: opts.Backup}
	mux := http.NewServeMux()
	mux.HandleFunc("/graphql", h.graphql)
	mux.HandleFunc("GET /healthz", h.healthz)
	mux.HandleFunc("GET /{$}", h.playground)
	if opts.Backup != nil {
		mux.HandleFunc("GET /admin/backup", h.adminBackup)
	}
	return newCORS(opts.CORSOrigins).Handler(mux)
}

// newCORS allows simple and preflighted GraphQL requests from the given
// origins, without credentials.
func newCORS(origins []string) *cors.Cors {
	if len(origins) == 0 {
		origins = []string{"*"}
	}
	return cors.New(cors.Options{
		AllowedOrigins:   origins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost},
		AllowedHeaders:   []string{"Content-Type", "Accept", "Authorization"},
		AllowCredentials: false,
		MaxAge:           600,
	})
}

type handler struct {
	s      *Schema
	log    *slog.Logger
	health func(*http.Request) error
	tokens tokens
	backup func(context.Context, io.Writer) error
}

func (h *handler) graphql(w http.ResponseWriter, r *http.Request) {
	var req Request
	var err error
	switch r.Method {
	case http.MethodPost:
		req, err = readPost(w, r)
	case http.MethodGet:
		req, err = readGet(r)
	default:
		w.Header().Set("Allow", "GET, POST")
		writeRequestError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s is not supported; send queries with POST (JSON body) or GET (?query=)", r.Method))
		return
	}
	if err != nil {
		writeRequestError(w, http.StatusBadRequest, err.Error())
		return
	}
	if strings.TrimSpace(req.Query) == "" {
		writeRequestError(w, http.StatusBadRequest, `the request has no query; send {"query": "{ entity(id: \"country:cuba\") { name } }"}`)
		return
	}
	a, err := h.tokens.access(r)
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="chancery"`)
		writeJSON(w, http.StatusUnauthorized, map[string]any{
			"errors": []map[string]any{{"message": err.Error(), "extensions": map[string]any{"code": CodeUnauthorized}}},
		})
		return
	}
	resp := h.s.Exec(withAccess(r.Context(), a), req)
	writeJSON(w, http.StatusOK, resp)
}

// readPost decodes a JSON body, saying where it went wrong if it cannot.
func readPost(w http.ResponseWriter, r *http.Request) (Request, error) {
	var req Request
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && mt != "application/graphql+json") {
			return req, fmt.Errorf("content type %q is not supported; send the request as application/json", ct)
		}
	}
	body := http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	dec := json.NewDecoder(body)
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		return req, bodyError(err)
	}
	if dec.More() {
		return req, errors.New("the request body has more than one JSON value; send one object")
	}
	numbersToGo(req.Variables)
	return req, nil
}

func bodyError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, io.EOF):
		return errors.New(`the request body is empty; send a JSON object such as {"query": "{ entity(id: \"country:cuba\") { name } }"}`)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the request body ends in the middle of its JSON; send a complete JSON object")
	case errors.As(err, &syn):
		return fmt.Errorf("the request body is not valid JSON at byte %d: %s", syn.Offset, syn.Error())
	case errors.As(err, &typ):
		if typ.Field == "" {
			return fmt.Errorf("the request body is a JSON %s; send a JSON object with a \"query\" string", typ.Value)
		}
		return fmt.Errorf("field %q of the request body is a JSON %s; it must be %s", typ.Field, typ.Value, expected(typ.Field))
	case errors.As(err, &tooBig):
		return fmt.Errorf("the request body is larger than %d bytes", tooBig.Limit)
	default:
		return fmt.Errorf("the request body could not be read: %v", err)
	}
}

func expected(field string) string {
	if field == "variables" {
		return "an object"
	}
	return "a string"
}

// readGet reads a request from the URL's query parameters.
func readGet(r *http.Request) (Request, error) {
	p := r.URL.Query()
	req := Request{Query: p.Get("query"), OperationName: p.Get("operationName")}
	if v := p.Get("variables"); v != "" {
		dec := json.NewDecoder(strings.NewReader(v))
		dec.UseNumber()
		if err := dec.Decode(&req.Variables); err != nil {
			return req, fmt.Errorf("the variables parameter is not a JSON object: %v", err)
		}
		numbersToGo(req.Variables)
	}
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

// writeRequestError answers a request that never reached GraphQL with a
// GraphQL-shaped error, so clients handle every failure the same way.
func writeRequestError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{
		"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": CodeBadRequest}}},
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error: the response could not be encoded", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

func (h *handler) healthz(w http.ResponseWriter, r *http.Request) {
	if h.health != nil {
		if err := h.health(r); err != nil {
			h.log.ErrorContext(r.Context(), "health check failed", "err", err)
			http.Error(w, "unavailable: the store cannot be read", http.StatusServiceUnavailable)
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok\n")
}

func (h *handler) playground(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(playgroundHTML)
}
