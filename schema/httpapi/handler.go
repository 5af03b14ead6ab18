// Package httpapi serves a schema.Schema over HTTP: GraphQL over HTTP at
// /graphql, with content negotiation, bearer tokens for writes, ETags and
// persisted queries for dashboards that poll; the pages; health and
// readiness probes; a backup for operators. Every request is observed: it
// gets an X-Request-Id, is counted and timed for Prometheus, logged in one
// line, and, with Tracing, traced with OpenTelemetry. It is the only
// package that imports rs/cors, Prometheus and OpenTelemetry.
package httpapi

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	gqlerrors "github.com/graph-gophers/graphql-go/errors"
	"github.com/rs/cors"

	"github.com/chancery/chancery/schema"
)

// MaxBodyBytes bounds a request body; a GraphQL query is text, and a
// megabyte is far more than any real one.
const MaxBodyBytes = 1 << 20

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
	// Replica, set on a replica, reports how it follows its primary, for
	// /metrics (chancery_replica_*).
	Replica func() ReplicaStatus
	// Changes, if set, writes for GET /admin/changes the changes to the
	// store since a replica's point, or a full backup (store.DB.Changes).
	Changes func(ctx context.Context, w io.Writer, from ChangesPoint) error
	// Ready reports whether the service should be sent requests, for
	// /readyz: nil when it should, else why not, which /readyz shows (a
	// server shutting down says so). /readyz also needs Health to pass.
	// nil means ready whenever healthy.
	Ready func(*http.Request) error
	// StoreSize, if set, reports the store's size on disk, its LSM tree
	// and its value log in bytes, for /metrics.
	StoreSize func() (lsm, vlog int64)
	// Metrics, if set, is where the Handler counts its requests, and it
	// does not serve /metrics: the caller serves Metrics.Handler on a
	// listener of its own, out of the public's reach (chancery serve
	// --metrics-addr). StoreSize is then NewMetrics's to report. Nil: the
	// Handler keeps metrics of its own and serves them at /metrics.
	Metrics *Metrics
	// Tracing, if set, opens a span for every request, joined to the
	// caller's trace when it sends a traceparent header. Give the same
	// Tracing to schema.New, as WithTracing(t), for the spans of the
	// resolvers.
	Tracing *Tracing
	// ResponseCacheBytes bounds the response cache, in bytes: the
	// answers of queries, kept by the data version they were read at, the
	// operation and its variables, and sent again without running the
	// query until a write changes the version. Zero or less: no cache.
	ResponseCacheBytes int64
	// MinVersionWait is how long a request that names a
	// Chancery-Min-Data-Version newer than the data waits for the data
	// to reach it before it is refused as STALE; zero is
	// DefaultMinVersionWait.
	MinVersionWait time.Duration
	// UI, if set, serves the pages: the playground at /, /explore,
	// /dashboard and their files under /assets/ (web.Handler). Without
	// it those paths are 404 and only the API is served.
	UI http.Handler
}

// Handler serves the API:
//
//	POST /graphql   a JSON body {"query", "operationName", "variables", "extensions"}
//	GET  /graphql   the same as query parameters (variables as JSON); queries only
//	GET  /graphql/schema.graphql  the schema in the GraphQL schema language
//	GET  /          the GraphiQL playground, with UI (and /explore, /dashboard, /assets/)
//	GET  /healthz   200 "ok" when the service can answer
//	GET  /readyz    200 "ready" when it should be sent requests, else 503 and why
//	GET  /metrics   Prometheus metrics, unless HandlerOptions.Metrics
//	GET  /admin/backup  a backup of the store, for a bearer token
//	GET  /admin/changes the changes since a replica's point, for a bearer token
//
// /graphql follows GraphQL over HTTP; every route is wrapped in CORS
// handling, and observed: each request gets an X-Request-Id, is counted
// and timed for /metrics, and is logged in one line.
func Handler(s *schema.Schema, opts HandlerOptions) http.Handler {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	log = schema.RequestLogger(log)
	mux := http.NewServeMux()
	obs := newObserver(mux, opts, log)
	h := &handler{s: s, log: log, health: opts.Health, tokens: newTokens(opts.Tokens), backup: opts.Backup, changes: opts.Changes,
		persisted: newPersistedQueries(), m: obs.m, minVersionWait: cmp.Or(opts.MinVersionWait, DefaultMinVersionWait)}
	cache, err := newResponseCache(opts.ResponseCacheBytes)
	if err != nil {
		log.Error("answering every query afresh: the response cache could not be made", "err", err)
	}
	h.cache = cache
	mux.HandleFunc("/graphql", h.graphql)
	mux.HandleFunc("GET /graphql/schema.graphql", h.schemaSDL)
	mux.HandleFunc("GET /healthz", h.healthz)
	mux.HandleFunc("GET /readyz", obs.readyz)
	if opts.Metrics == nil {
		mux.Handle("GET /metrics", obs.m.Handler(log))
	}
	mountUI(mux, opts.UI)
	if opts.Changes != nil {
		mux.HandleFunc("GET /admin/changes", h.adminChanges)
	}
	if opts.Backup != nil {
		mux.HandleFunc("GET /admin/backup", h.adminBackup)
	}
	return obs.wrap(newCORS(opts.CORSOrigins).Handler(mux))
}

// newCORS allows simple and preflighted GraphQL requests from the given
// origins, without credentials. Pages may read X-Request-Id, to quote it
// in a bug report, ETag, to send it back in If-None-Match,
// Chancery-Data-Version, to send it back in Chancery-Min-Data-Version, and
// a replica's Chancery-Replica-Lag.
func newCORS(origins []string) *cors.Cors {
	if len(origins) == 0 {
		origins = []string{"*"}
	}
	return cors.New(cors.Options{
		AllowedOrigins:   origins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost},
		AllowedHeaders:   []string{"Content-Type", "Accept", "Authorization", "X-Request-Id", HeaderMinDataVersion},
		ExposedHeaders:   []string{"X-Request-Id", "ETag", HeaderDataVersion, HeaderReplicaLag},
		AllowCredentials: false,
		MaxAge:           600,
	})
}

type handler struct {
	s         *schema.Schema
	log       *slog.Logger
	health    func(*http.Request) error
	tokens    tokens
	backup    func(context.Context, io.Writer) error
	changes   func(context.Context, io.Writer, ChangesPoint) error
	persisted *persistedQueries
	cache     *responseCache // nil: none
	m         *Metrics
	// minVersionWait bounds the wait for a Chancery-Min-Data-Version.
	minVersionWait time.Duration
}

// graphql serves GraphQL over HTTP as its specification describes
// (https://graphql.github.io/graphql-over-http/draft/): the media type of
// the answer by the Accept header, the status by that media type, queries
// by GET or POST and mutations by POST only.
func (h *handler) graphql(w http.ResponseWriter, r *http.Request) {
	media, acceptable := negotiate(r.Header.Values("Accept"))
	w.Header().Add("Vary", "Accept")
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		if !acceptable {
			media = mediaJSON
		}
		w.Header().Set("Allow", "GET, POST")
		writeRequestError(w, media, &requestError{status: http.StatusMethodNotAllowed,
			msg: fmt.Sprintf("method %s is not supported; send queries with POST (JSON body) or GET (?query=)", r.Method)})
		return
	}
	if !acceptable {
		writeRequestError(w, mediaJSON, &requestError{status: http.StatusNotAcceptable,
			msg: fmt.Sprintf("the Accept header %q names no media type this server answers in; accept %s or %s",
				strings.Join(r.Header.Values("Accept"), ", "), mediaGraphQLResponse, mediaJSON)})
		return
	}
	if rerr := h.awaitMinVersion(w, r); rerr != nil {
		writeRequestError(w, media, rerr)
		return
	}
	var req schema.Request
	var raw []byte // a POST's body
	var rerr *requestError
	if r.Method == http.MethodPost {
		raw, rerr = readBody(w, r)
		if rerr == nil && h.answerSeen(w, r, media, raw) {
			return
		}
		if rerr == nil {
			req, rerr = decodeBody(raw)
		}
	} else {
		req, rerr = readGet(r)
	}
	if rerr != nil {
		writeRequestError(w, media, rerr)
		return
	}
	obs := observationFrom(r.Context())
	obs.received(&req)
	if resp := h.persisted.resolve(&req); resp != nil {
		obs.Answered(resp)
		writeResponse(w, media, resp)
		return
	}
	if strings.TrimSpace(req.Query) == "" {
		// Any string is a well-formed query; an empty one is a document
		// that does not parse, and is answered as one.
		writeResponse(w, media, &schema.Response{Errors: []*gqlerrors.QueryError{{
			Message:    `the query is empty; send a GraphQL document such as { entity(id: "country:cuba") { name } }`,
			Extensions: map[string]any{"code": schema.CodeParseFailed},
		}}})
		return
	}
	// The query is read once, here, and what runs is what was checked.
	prepared, refused := h.s.Prepare(r.Context(), req)
	if r.Method == http.MethodGet && prepared != nil && prepared.IsMutation() {
		// GET is safe in HTTP: it must never change anything, so a
		// mutation is refused before it runs.
		w.Header().Set("Allow", "POST")
		writeRequestError(w, media, &requestError{status: http.StatusMethodNotAllowed,
			msg: "mutations must be sent with POST; GET may only run queries"})
		return
	}
	if refused != nil {
		obs.Answered(refused)
		writeResponse(w, media, refused)
		return
	}
	a, err := h.tokens.access(r)
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="chancery"`)
		writeMedia(w, media, http.StatusUnauthorized, map[string]any{
			"errors": []map[string]any{{"message": err.Error(), "extensions": map[string]any{"code": schema.CodeUnauthorized}}},
		})
		return
	}
	// The version is read before the query runs: an answer kept under it
	// may hold a later write's data, but is then never asked for, since
	// the version has moved on; never the other way round.
	// It is also the version the answer says it was read at.
	var version uint64
	versioned := false
	if !prepared.IsMutation() {
		version, versioned = h.s.DataVersion(r.Context())
		if versioned {
			setDataVersion(w, version)
		}
	}
	// A GET answer is named by the data version and what was asked, so a
	// dashboard that polls with If-None-Match gets 304 until data changes,
	// and the query does not run again.
	var vars []byte
	if versioned && (r.Method == http.MethodGet || h.cache != nil) {
		vars, err = json.Marshal(req.Variables) // map keys marshal sorted
		versioned = err == nil
	}
	if r.Method == http.MethodGet && versioned {
		tag := etag(version, req, vars, media)
		w.Header().Set("ETag", tag)
		w.Header().Set("Cache-Control", "no-cache")
		if notModified(r, tag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	var key string
	var seen seenRequest
	if h.cache != nil && versioned && !prepared.IsMutation() {
		seen = seenRequest{q: questionOf(prepared.Text(), vars), check: prepared.Check()}
		key = seen.q.at(version)
		body, hit := h.cache.get(key)
		obs.cacheLookup(hit)
		if hit {
			h.cache.remember(raw, seen)
			writeBody(w, media, http.StatusOK, body, nil)
			return
		}
	}
	resp := h.s.Run(schema.WithAccess(r.Context(), a), prepared)
	if busy(resp) {
		w.Header().Set("Retry-After", "1")
	}
	if prepared.IsMutation() {
		// The version after the writes, for the client to ask for at
		// least that one when it reads next.
		if v, ok := h.s.DataVersion(r.Context()); ok {
			setDataVersion(w, v)
		}
	}
	body, err := encodeResponse(resp)
	if key != "" && err == nil {
		if h.cache.keep(key, resp, body) {
			h.cache.remember(raw, seen)
		}
		h.m.cacheBytes.Set(float64(h.cache.bytes()))
	}
	writeBody(w, media, responseStatus(media, resp), body, err)
}

// answerSeen answers a POST whose body is, byte for byte, that of a
// request answered from the response cache or kept in it before, from the
// cache, without decoding the body or reading its query again: the same
// bytes are the same request, which the limits let through, and the
// answer kept for it at the current data version is its answer. It
// reports whether it answered; if not, the request goes the whole way. A
// request whose credentials are refused always does, to be refused.
func (h *handler) answerSeen(w http.ResponseWriter, r *http.Request, media string, raw []byte) bool {
	if h.cache == nil {
		return false
	}
	seen, ok := h.cache.request(raw)
	if !ok {
		return false
	}
	if _, err := h.tokens.access(r); err != nil {
		return false
	}
	version, ok := h.s.DataVersion(r.Context())
	if !ok {
		return false
	}
	body, hit := h.cache.get(seen.q.at(version))
	if !hit {
		return false
	}
	obs := observationFrom(r.Context())
	obs.Checked(schema.Request{}, seen.check)
	obs.cacheLookup(true)
	setDataVersion(w, version)
	writeBody(w, media, http.StatusOK, body, nil)
	return true
}

// busy reports whether resp refuses a costly query because the server
// runs as many as it allows.
func busy(resp *schema.Response) bool {
	return len(resp.Data) == 0 && len(resp.Errors) > 0 && resp.Errors[0].Extensions["code"] == schema.CodeBusy
}

// writeResponse sends a GraphQL response with the status its media type
// calls for. As application/json every answer to a well-formed request is
// 200, whatever its errors. As application/graphql-response+json a
// response with data, even null data, is 200 (errors in fields leave the
// rest of the answer good); one without data was refused before it ran (a
// document that does not parse or validate, an unknown operation, bad
// variables), which is 400, or failed in the server, which is 500, or
// was not run because the server is busy (BUSY), which is 503.
func writeResponse(w http.ResponseWriter, media string, resp *schema.Response) {
	b, err := encodeResponse(resp)
	writeBody(w, media, responseStatus(media, resp), b, err)
}

// responseStatus is the status of resp in the given media type; see
// writeResponse.
func responseStatus(media string, resp *schema.Response) int {
	if media != mediaGraphQLResponse {
		return http.StatusOK
	}
	if busy(resp) {
		return http.StatusServiceUnavailable
	}
	if len(resp.Data) > 0 {
		return http.StatusOK
	}
	for _, e := range resp.Errors {
		if e.Extensions["code"] == schema.CodeInternal {
			return http.StatusInternalServerError
		}
	}
	return http.StatusBadRequest
}

// encodeResponse writes resp as json.Marshal would, but copies its data
// as graphql-go wrote it rather than having encoding/json check and
// compact it again: for an answer of a hundred kilobytes that was a tenth
// of the time a neighbourhood query took.
func encodeResponse(resp *schema.Response) ([]byte, error) {
	b := make([]byte, 0, len(resp.Data)+64)
	b = append(b, '{')
	field := func(name string, v []byte) {
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, `":`...)
		b = append(b, v...)
	}
	if len(resp.Errors) > 0 {
		e, err := json.Marshal(resp.Errors)
		if err != nil {
			return nil, err
		}
		field("errors", e)
	}
	if len(resp.Data) > 0 {
		field("data", resp.Data)
	}
	if len(resp.Extensions) > 0 {
		e, err := json.Marshal(resp.Extensions)
		if err != nil {
			return nil, err
		}
		field("extensions", e)
	}
	return append(b, '}'), nil
}

// writeRequestError answers a request that never reached GraphQL with a
// GraphQL-shaped error, so clients handle every failure the same way.
func writeRequestError(w http.ResponseWriter, media string, e *requestError) {
	writeMedia(w, media, e.status, map[string]any{
		"errors": []map[string]any{{"message": e.msg, "extensions": map[string]any{"code": cmp.Or(e.code, schema.CodeBadRequest)}}},
	})
}

// writeJSON sends v as application/json.
func writeJSON(w http.ResponseWriter, status int, v any) {
	writeMedia(w, mediaJSON, status, v)
}

// writeMedia sends v as JSON, in UTF-8, under the given media type.
func writeMedia(w http.ResponseWriter, media string, status int, v any) {
	b, err := json.Marshal(v)
	writeBody(w, media, status, b, err)
}

// writeBody sends the JSON body b under the given media type, or, if
// encoding it failed (err), a plain internal error.
func writeBody(w http.ResponseWriter, media string, status int, b []byte, err error) {
	if err != nil {
		http.Error(w, "internal error: the response could not be encoded", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", media+"; charset=utf-8")
	// With its length given, the answer goes out whole rather than in
	// chunks.
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// sdlTag is the ETag of the schema's SDL, which changes only with the
// server's build.
var sdlTag = sync.OnceValue(func() string {
	sum := sha256.Sum256([]byte(schema.SDL))
	return `"sdl-` + hex.EncodeToString(sum[:12]) + `"`
})

// schemaSDL serves the schema in the GraphQL schema language, the text
// introspection describes, with its descriptions and the @cost of each
// field, for tools that read a schema from a URL and for people. A client
// that has it sends its ETag in If-None-Match and gets 304 until the
// server is built from another schema.
func (h *handler) schemaSDL(w http.ResponseWriter, r *http.Request) {
	tag := sdlTag()
	w.Header().Set("ETag", tag)
	w.Header().Set("Cache-Control", "no-cache")
	if notModified(r, tag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(schema.SDL)))
	io.WriteString(w, schema.SDL)
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

// ChangesPoint is where a replica stands in its primary's history, as its
// request for the changes since says (store.FollowPoint).
type ChangesPoint struct {
	History        string
	Since, Version uint64
}
