package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Every /graphql answer says the data version it was read at, and a
// client may ask for data at least as new as a version it has seen: read
// your writes. A client that wrote and got an answer with version N sends
// Chancery-Min-Data-Version: N with its next reads, to this server or
// to any other serving the same data, and is answered once that server's
// data has reached N, or told to retry.
const (
	// HeaderDataVersion, in an answer, is the data version it was read
	// at: for a query, the version before it ran (the answer holds that
	// version's data, or a later one's); for a mutation, the version
	// after its writes.
	HeaderDataVersion = "Chancery-Data-Version"
	// HeaderReplicaLag, on a replica's answers, says how far behind its
	// primary it may be, in seconds ("unknown" before it first caught up).
	HeaderReplicaLag = "Chancery-Replica-Lag"
	// HeaderMinDataVersion, in a request, is the oldest data version the
	// client will take an answer from.
	HeaderMinDataVersion = "Chancery-Min-Data-Version"
)

// CodeStale is the code of a request whose Chancery-Min-Data-Version the
// server's data did not reach within HandlerOptions.MinVersionWait.
const CodeStale = "STALE"

// DefaultMinVersionWait is how long a request waits for the data to reach
// its Chancery-Min-Data-Version unless HandlerOptions.MinVersionWait says.
const DefaultMinVersionWait = 5 * time.Second

// setDataVersion says in the answer the data version it was read at.
func setDataVersion(w http.ResponseWriter, version uint64) {
	w.Header().Set(HeaderDataVersion, strconv.FormatUint(version, 10))
}

// awaitMinVersion holds a request that names a Chancery-Min-Data-Version
// until the data reaches it, and returns why not if it does not within
// h.minVersionWait: 400 for a header that is not a version, 503 with
// Retry-After for data still older.
func (h *handler) awaitMinVersion(w http.ResponseWriter, r *http.Request) *requestError {
	raw := r.Header.Get(HeaderMinDataVersion)
	if raw == "" {
		return nil
	}
	want, err := strconv.ParseUint(raw, 10, 64)
	if err != nil {
		return badRequest("the header %s is %q; it must be a data version, a whole number such as 42, as the %s header of an earlier answer gives it",
			HeaderMinDataVersion, raw, HeaderDataVersion)
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.minVersionWait)
	defer cancel()
	have, known, err := h.s.WaitForVersion(ctx, want)
	switch {
	case !known:
		return &requestError{status: http.StatusNotImplemented, code: CodeStale,
			msg: fmt.Sprintf("this server's store does not say its data version, so it cannot honour %s; send the request without it", HeaderMinDataVersion)}
	case err == nil:
		return nil
	case errors.Is(err, context.DeadlineExceeded):
		observationFrom(r.Context()).refused(reasonStale)
		w.Header().Set("Retry-After", "1")
		return &requestError{status: http.StatusServiceUnavailable, code: CodeStale,
			msg: fmt.Sprintf("this server's data is at version %d, older than the %d the request asks for in %s, and did not reach it within %s; send it again in a moment, or to the server that wrote version %d",
				have, want, HeaderMinDataVersion, h.minVersionWait, want)}
	default:
		return &requestError{status: http.StatusServiceUnavailable, code: CodeStale,
			msg: fmt.Sprintf("waiting for data version %d: %v", want, err)}
	}
}
