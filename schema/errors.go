package schema

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/chancery/chancery/graph"
)

// Values of extensions.code in GraphQL errors. The domain codes of graph
// become upper case; the rest describe failures before any resolver runs.
const (
	CodeInvalid          = "INVALID"
	CodeNotFound         = "NOT_FOUND"
	CodeConflict         = "CONFLICT"
	CodeUnauthorized     = "UNAUTHORIZED"
	CodeInternal         = "INTERNAL"
	CodeParseFailed      = "GRAPHQL_PARSE_FAILED"
	CodeValidationFailed = "GRAPHQL_VALIDATION_FAILED"
	CodeBadRequest       = "BAD_REQUEST"
	CodeTimeout          = "TIMEOUT"
	CodeUnavailable      = "UNAVAILABLE"
	// CodeReadOnly refuses a mutation sent to a read-only replica; the
	// message names the primary to send it to.
	CodeReadOnly = "READ_ONLY"
	// CodeBusy is a costly query refused because the server is already
	// running as many costly queries as it allows (Limits.MaxExpensive):
	// it may be sent again shortly, or asked in smaller pieces.
	CodeBusy = "BUSY"
)

var domainCodes = map[string]string{
	graph.EINVALID:      CodeInvalid,
	graph.ENOTFOUND:     CodeNotFound,
	graph.ECONFLICT:     CodeConflict,
	graph.EUNAUTHORIZED: CodeUnauthorized,
	graph.EINTERNAL:     CodeInternal,
	graph.EUNAVAILABLE:  CodeUnavailable,
}

// apiError is what resolvers return: graphql-go copies Extensions into the
// error it sends, so clients can act on the code.
type apiError struct {
	code    string
	message string
	// item, for an error about one item of a change set, says which: its
	// list, index and id.
	item map[string]any
}

func (e *apiError) Error() string { return e.message }

// Extensions is read by graphql-go when it reports a resolver error.
func (e *apiError) Extensions() map[string]any {
	ext := map[string]any{"code": e.code}
	if e.item != nil {
		ext["item"] = e.item
	}
	return ext
}

// invalid returns an INVALID error with a formatted message.
func invalid(format string, args ...any) error {
	return &apiError{code: CodeInvalid, message: fmt.Sprintf(format, args...)}
}

// errTimeout is the error of a request that ran out of time.
var errTimeout = &apiError{code: CodeTimeout, message: "the request took longer than this server allows (chancery serve --request-timeout); ask for less: fewer items, less depth, or a narrower asOf or types"}

// toAPI turns any error into one a client may see. Domain errors keep their
// message; anything else is logged and replaced by a generic message, so
// internals never reach the client.
func toAPI(ctx context.Context, log *slog.Logger, err error) error {
	if err == nil {
		return nil
	}
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return errTimeout
	}
	if errors.Is(err, context.Canceled) {
		return &apiError{code: CodeInternal, message: "the request was cancelled"}
	}
	code := graph.ErrorCode(err)
	if code == graph.EINTERNAL {
		log.ErrorContext(ctx, "query failed", "err", err)
	}
	return &apiError{code: domainCodes[code], message: graph.ErrorMessage(err)}
}
