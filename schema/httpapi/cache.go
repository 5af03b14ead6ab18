package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"

	gqlerrors "github.com/graph-gophers/graphql-go/errors"

	"github.com/chancery/chancery/schema"
)

// Codes of the automatic persisted queries protocol, as Apollo's clients
// expect them.
const (
	CodePersistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND"
	codePersistedQueryNotFound = "PersistedQueryNotFound"
)

// maxPersistedQueries bounds the queries a server remembers by hash; past
// it the oldest are forgotten, and clients register them again.
const maxPersistedQueries = 10000

// persistedQueries maps the SHA-256 of a query's text to the text, so that
// a dashboard can send the short hash, by GET, instead of the query: the
// automatic persisted queries protocol. A hash the server does not know
// gets PERSISTED_QUERY_NOT_FOUND, and the client sends the query with its
// hash once to register it.
type persistedQueries struct {
	mu    sync.Mutex
	bySHA map[string]string
	order []string // oldest first, for forgetting
}

func newPersistedQueries() *persistedQueries {
	return &persistedQueries{bySHA: map[string]string{}}
}

// resolve fills in req.Query from its persistedQuery extension, or
// registers the query under its hash. It returns an error response for a
// hash it does not know or one that does not match the query.
func (pq *persistedQueries) resolve(req *schema.Request) *schema.Response {
	ext, ok := req.Extensions["persistedQuery"].(map[string]any)
	if !ok {
		if _, present := req.Extensions["persistedQuery"]; present {
			return errorResponse(schema.CodeBadRequest, `extensions.persistedQuery must be an object {"version": 1, "sha256Hash": "..."}`)
		}
		return nil
	}
	if v, _ := ext["version"].(float64); v != 1 {
		if n, ok := ext["version"].(int32); !ok || n != 1 {
			return errorResponse(schema.CodeBadRequest, "extensions.persistedQuery.version must be 1, the only version this server knows")
		}
	}
	hash, _ := ext["sha256Hash"].(string)
	hash = strings.ToLower(hash)
	if len(hash) != 64 || strings.Trim(hash, "0123456789abcdef") != "" {
		return errorResponse(schema.CodeBadRequest, "extensions.persistedQuery.sha256Hash must be the SHA-256 of the query, 64 hexadecimal digits")
	}
	pq.mu.Lock()
	defer pq.mu.Unlock()
	if req.Query == "" {
		q, ok := pq.bySHA[hash]
		if !ok {
			return errorResponse(CodePersistedQueryNotFound, codePersistedQueryNotFound)
		}
		req.Query = q
		return nil
	}
	sum := sha256.Sum256([]byte(req.Query))
	if hex.EncodeToString(sum[:]) != hash {
		return errorResponse(schema.CodeBadRequest, "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query sent with it")
	}
	if _, known := pq.bySHA[hash]; !known {
		if len(pq.order) >= maxPersistedQueries {
			delete(pq.bySHA, pq.order[0])
			pq.order = pq.order[1:]
		}
		pq.bySHA[hash] = req.Query
		pq.order = append(pq.order, hash)
	}
	return nil
}

func errorResponse(code, msg string) *schema.Response {
	return &schema.Response{Errors: []*gqlerrors.QueryError{{Message: msg, Extensions: map[string]any{"code": code}}}}
}

// etag names one answer: the data version, so that any write changes it,
// and what was asked (vars is its variables as JSON), in which media type.
func etag(version uint64, req schema.Request, vars []byte, media string) string {
	sum := sha256.Sum256([]byte(req.Query + "\x00" + req.OperationName + "\x00" + string(vars) + "\x00" + media))
	return fmt.Sprintf(`"v%d-%s"`, version, hex.EncodeToString(sum[:12]))
}

// notModified reports whether the request's If-None-Match names tag.
func notModified(r *http.Request, tag string) bool {
	for _, header := range r.Header.Values("If-None-Match") {
		for _, t := range strings.Split(header, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == tag || t == "*" {
				return true
			}
		}
	}
	return false
}
