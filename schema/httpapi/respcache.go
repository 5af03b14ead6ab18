package httpapi

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/dgraph-io/ristretto/v2"

	"github.com/chancery/chancery/schema"
)

// responseCache keeps the encoded answers of queries, so that a question
// asked again (a dashboard's, a playground user's) is answered without
// running it. An answer is keyed by the data version it was read at, the
// operation as it runs (schema.Prepared.Text: the same for documents that
// differ only in layout, comments or other operations) and the variables,
// so it is never shared across different variables or operations, and a
// write, which changes the version, makes every older answer unreachable;
// those are evicted as new ones need the room. This holds because the
// version only grows while a server runs: a restore needs the server
// stopped, and a new process starts with an empty cache. Anything that
// replaces the data under a running server (a replica loading another
// store's backup, say) must empty the cache too, or a version seen before
// could name other data.
//
// It is bounded in bytes. An answer is kept from the second time it is
// asked for (asked remembers the keys asked once): most questions are
// asked once, and keeping those would churn the cache and hold memory the
// store's own caches need, for nothing. Eviction and admission past that
// are ristretto's (the cache Badger uses): answers asked for often stay.
//
// A dashboard sends the very same bytes each time. So that such a request
// is answered without decoding its body or reading its query again, seen
// remembers, for the bodies of POSTs whose answers the cache has held,
// the question each stands for (see handler.answerSeen); a sixteenth of
// the bytes is theirs.
type responseCache struct {
	c     *ristretto.Cache[string, []byte]
	asked *ristretto.Cache[string, struct{}]
	seen  *ristretto.Cache[string, seenRequest]
}

// question names what a request asks apart from the data it is answered
// from: the operation as it runs (schema.Prepared.Text) and its variables.
type question [sha256.Size]byte

// questionOf is the question of the operation text with vars (its
// variables as JSON, keys sorted).
func questionOf(text string, vars []byte) question {
	h := sha256.New()
	h.Write([]byte(text))
	h.Write([]byte{0})
	h.Write(vars)
	return question(h.Sum(nil))
}

// at is the key of the answer to q read at version.
func (q question) at(version uint64) string {
	return string(binary.BigEndian.AppendUint64(q[:], version))
}

// seenRequest is what a request body stands for: its question, and what
// the limits check said of it, for the request's metrics and log line.
type seenRequest struct {
	q     question
	check schema.Check
}

// seenOverhead is what a remembered body costs beside its operation's
// name: its hash, the question and ristretto's bookkeeping, about.
const seenOverhead = 160

// askedKeys is how many keys asked once the cache remembers; ristretto
// keeps a hash of each, not the key.
const askedKeys = 1 << 17

// answerOverhead is what an entry costs beside its answer: the key, the
// slice header and ristretto's bookkeeping, about.
const answerOverhead = 128

// newResponseCache returns a cache of at most maxBytes of answers; nil
// for maxBytes <= 0, which caches nothing.
func newResponseCache(maxBytes int64) (*responseCache, error) {
	if maxBytes <= 0 {
		return nil, nil
	}
	// Ristretto counts how often keys are asked for to decide what to
	// keep; it wants about ten counters for each entry a full cache holds.
	// Answers run from a few hundred bytes to a few hundred kilobytes.
	seenBytes := maxBytes / 16
	entries := max(maxBytes/2048, 100)
	c, err := ristretto.NewCache(&ristretto.Config[string, []byte]{
		NumCounters:        entries * 10,
		MaxCost:            maxBytes - seenBytes,
		BufferItems:        64,
		Metrics:            true,
		IgnoreInternalCost: true,
	})
	if err != nil {
		return nil, fmt.Errorf("response cache of %d bytes: %w", maxBytes, err)
	}
	asked, err := ristretto.NewCache(&ristretto.Config[string, struct{}]{
		NumCounters:        askedKeys * 10,
		MaxCost:            askedKeys,
		BufferItems:        64,
		IgnoreInternalCost: true,
	})
	if err != nil {
		return nil, fmt.Errorf("response cache's keys asked once: %w", err)
	}
	seen, err := ristretto.NewCache(&ristretto.Config[string, seenRequest]{
		NumCounters:        max(seenBytes/seenOverhead, 100) * 10,
		MaxCost:            max(seenBytes, 1),
		BufferItems:        64,
		Metrics:            true,
		IgnoreInternalCost: true,
	})
	if err != nil {
		return nil, fmt.Errorf("response cache's requests seen: %w", err)
	}
	return &responseCache{c: c, asked: asked, seen: seen}, nil
}

func (rc *responseCache) get(key string) ([]byte, bool) { return rc.c.Get(key) }

// request returns what a POST body stands for, if remembered.
func (rc *responseCache) request(body []byte) (seenRequest, bool) {
	sum := sha256.Sum256(body)
	return rc.seen.Get(string(sum[:]))
}

// remember notes what a POST body stands for; a nil body (a GET's) is not
// remembered.
func (rc *responseCache) remember(body []byte, s seenRequest) {
	if body == nil {
		return
	}
	sum := sha256.Sum256(body)
	rc.seen.Set(string(sum[:]), s, int64(len(s.check.Operation))+seenOverhead)
}

// keep stores an answer asked for before, unless it should not be
// shared: only answers with data and no errors are kept, so that a
// timeout, a busy refusal or any other error is never repeated to a later
// request. An answer asked for the first time is only remembered as
// asked. It reports whether it stored the answer.
func (rc *responseCache) keep(key string, resp *schema.Response, body []byte) bool {
	if len(resp.Errors) > 0 || len(resp.Data) == 0 {
		return false
	}
	if _, before := rc.asked.Get(key); !before {
		rc.asked.Set(key, struct{}{}, 1)
		return false
	}
	return rc.c.Set(key, body, int64(len(body))+answerOverhead)
}

// bytes is how many bytes the cache holds, about: its answers and the
// requests it remembers.
func (rc *responseCache) bytes() int64 {
	held := func(m *ristretto.Metrics) int64 { return int64(m.CostAdded()) - int64(m.CostEvicted()) }
	return held(rc.c.Metrics) + held(rc.seen.Metrics)
}
