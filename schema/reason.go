package schema

// Reasons a request is refused without an answer, as Check.Refused names
// them, and the values of the reason label of the metrics of refused
// requests. The first five are the limits of Limits (QUERY_TOO_COMPLEX).
const (
	ReasonLength     = "length"
	ReasonDepth      = "depth"
	ReasonAliases    = "aliases"
	ReasonRootFields = "root_fields"
	ReasonCost       = "cost"
	// ReasonParse is a query that does not parse (GRAPHQL_PARSE_FAILED).
	ReasonParse = "parse"
	// ReasonValidation is a query that does not validate against the
	// schema, names no operation it has, or has variables that do not fit
	// it.
	ReasonValidation = "validation"
	// ReasonUnauthorized is a request whose credentials are missing or
	// wrong (UNAUTHORIZED).
	ReasonUnauthorized = "unauthorized"
	// ReasonTimeout is a query that ran past Limits.Timeout (TIMEOUT).
	ReasonTimeout = "timeout"
	// ReasonBusy is a costly query refused because as many as the server
	// allows were running (BUSY).
	ReasonBusy = "busy"
)

// Reasons lists every Reason value.
var Reasons = []string{ReasonLength, ReasonDepth, ReasonAliases, ReasonRootFields, ReasonCost,
	ReasonParse, ReasonValidation, ReasonUnauthorized, ReasonTimeout, ReasonBusy}

// AnonymousOperation names, in metrics and logs, an operation that has no
// name of its own.
const AnonymousOperation = "anonymous"
