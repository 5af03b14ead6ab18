// Package schema answers GraphQL requests about Chancery's graph. It holds
// the SDL (schema.graphql and the files that extend it, whose descriptions
// are the API documentation), thin resolvers that call into a
// graph.Reader, the loader that batches their reads, and the limits and
// cost model every query is held to. It knows nothing of HTTP: package
// httpapi serves it, and tells it about each request through the seams
// declared here (WithObserver, WithAccess, WithTracer).
package schema

import (
	"cmp"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/graph-gophers/graphql-go"
	gqlerrors "github.com/graph-gophers/graphql-go/errors"
	"github.com/graph-gophers/graphql-go/trace/tracer"

	"github.com/chancery/chancery/graph"
)

// sdlFiles are the schema in GraphQL's schema definition language:
// schema.graphql has the core types and queries, and each other file
// extends Query with one family of questions.
//
//go:embed *.graphql
var sdlFiles embed.FS

// SDL is the whole schema, every .graphql file in name order, with
// schema.graphql first.
var SDL = func() string {
	names, _ := fs.Glob(sdlFiles, "*.graphql")
	rank := func(n string) string {
		if n == "schema.graphql" {
			return ""
		}
		return n
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Compare(rank(a), rank(b)) })
	var sb strings.Builder
	for _, n := range names {
		b, _ := fs.ReadFile(sdlFiles, n)
		sb.Write(b)
		sb.WriteString("\n")
	}
	return sb.String()
}()

// Schema executes GraphQL requests against a graph.
type Schema struct {
	gql    *graphql.Schema
	r      graph.Reader
	w      graph.Writer // nil: the API is read-only
	log    *slog.Logger
	limits Limits
	cost   *costModel
	// expensive holds a token for each costly query running; see
	// Limits.MaxExpensive.
	expensive chan struct{}
}

// New parses the SDL and binds it to resolvers reading from r and writing
// to w (nil: mutations answer that the store cannot be written to), with
// the given limits (zero fields take their defaults) and options. Errors
// the resolvers cannot show to clients go to log (nil: slog.Default()).
func New(r graph.Reader, w graph.Writer, log *slog.Logger, limits Limits, opts ...Option) (*Schema, error) {
	if log == nil {
		log = slog.Default()
	}
	log = RequestLogger(log) // a line about a request says which
	limits = limits.withDefaults()
	s := &Schema{r: r, w: w, log: log, limits: limits, expensive: make(chan struct{}, limits.MaxExpensive)}
	gqlOpts := []graphql.SchemaOpt{
		graphql.UseStringDescriptions(),
		// Fields a resolver holds (entityResolver.ID and the like) are
		// read as fields, not called through reflection.
		graphql.UseFieldResolvers(),
		graphql.PanicHandler(panicHandler{log}),
		graphql.Logger(panicHandler{log}),
		// The limit check holds queries to the depth first, with a
		// clearer message; this holds should it ever miss one.
		graphql.MaxDepth(limits.MaxDepth),
	}
	for _, o := range opts {
		gqlOpts = o(gqlOpts)
	}
	gql, err := graphql.ParseSchema(SDL, &query{}, gqlOpts...)
	if err != nil {
		return nil, fmt.Errorf("parse schema.graphql: %w", err)
	}
	cost, err := newCostModel()
	if err != nil {
		return nil, err
	}
	s.gql, s.cost = gql, cost
	return s, nil
}

// Option changes how New builds a Schema.
type Option func([]graphql.SchemaOpt) []graphql.SchemaOpt

// WithTracer has t trace every request and resolver of the Schema (httpapi
// gives it one that sends OpenTelemetry spans). A nil t traces nothing.
func WithTracer(t tracer.Tracer) Option {
	return func(opts []graphql.SchemaOpt) []graphql.SchemaOpt {
		if t == nil {
			return opts
		}
		return append(opts, graphql.Tracer(t))
	}
}

// Limits returns the limits the schema holds requests to.
func (s *Schema) Limits() Limits { return s.limits }

// versioned is what a store that can say when its data changed offers.
type versioned interface {
	Version(ctx context.Context) (uint64, error)
}

// DataVersion returns the version of the data the schema answers from,
// which every write changes, and false if the store does not say it.
func (s *Schema) DataVersion(ctx context.Context) (uint64, bool) {
	v, ok := s.r.(versioned)
	if !ok {
		return 0, false
	}
	version, err := v.Version(ctx)
	if err != nil {
		return 0, false
	}
	return version, true
}

// versionWaiter is what a store that can wait for a data version offers.
type versionWaiter interface {
	WaitForVersion(ctx context.Context, n uint64) (uint64, error)
}

// WaitForVersion returns the data version once it is at least n, or, when
// ctx ends first, the version then and ctx's error; false if the store
// does not say its version.
func (s *Schema) WaitForVersion(ctx context.Context, n uint64) (uint64, bool, error) {
	w, ok := s.r.(versionWaiter)
	if !ok {
		return 0, false, nil
	}
	v, err := w.WaitForVersion(ctx, n)
	return v, true, err
}

// Request is one GraphQL request.
type Request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName,omitempty"`
	Variables     map[string]any `json:"variables,omitempty"`
	// Extensions are protocol additions; httpapi reads persistedQuery
	// from them and ignores the rest.
	Extensions map[string]any `json:"extensions,omitempty"`
}

// Response is graphql-go's response; every error in it has extensions.code.
type Response = graphql.Response

// Exec runs one request: it reads and checks the query (Prepare), then
// runs what was checked (Run).
func (s *Schema) Exec(ctx context.Context, req Request) *Response {
	p, refused := s.Prepare(ctx, req)
	if refused != nil {
		return refused
	}
	return s.Run(ctx, p)
}

// Prepared is a request whose query was read and held to the limits.
type Prepared struct {
	d       *document
	req     Request
	check   Check
	refused *Response // the answer, if the check refused it
}

// IsMutation reports whether the request's operation is a mutation.
func (p *Prepared) IsMutation() bool { return p.d.kind() == "mutation" }

// Text is the operation as it runs: the document printed again with only
// the chosen operation and the fragments it uses, without comments. Two
// requests whose documents differ only in layout, comments or other
// operations have the same Text, and, with the same variables and data,
// the same answer.
func (p *Prepared) Text() string { return p.d.text }

// Check is what the limits check learned of the request, as its Observer
// was told.
func (p *Prepared) Check() Check { return p.check }

// Prepare reads a request's query once and holds it to the limits (see
// document), telling the request's Observer what it learned. It returns
// the request ready to Run, or the answer to a request that will not run;
// a request refused after its query was parsed is returned too, so that
// the caller can tell a mutation from a query (nil if it did not parse).
func (s *Schema) Prepare(ctx context.Context, req Request) (*Prepared, *Response) {
	d, c, r := s.cost.check(req, s.limits)
	check := Check{Operation: c.operation, Cost: c.cost, Estimated: c.estimated, Refused: c.limit}
	observerFrom(ctx).Checked(req, check)
	var refused *Response
	if r != nil {
		refused = &Response{Errors: r.errs}
	}
	var p *Prepared
	if d != nil {
		p = &Prepared{d: d, req: req, check: check, refused: refused}
	}
	return p, refused
}

// Run executes a request Prepare accepted, and so what was checked is
// what runs; one it refused is answered as Prepare answered it. It gives
// the request its own entity loader and the store to write to, and makes
// sure every error carries a code.
func (s *Schema) Run(ctx context.Context, p *Prepared) *Response {
	if p.refused != nil {
		return p.refused
	}
	d, req := p.d, p.req
	obs := observerFrom(ctx)
	if d.cost > float64(s.limits.ExpensiveCost) {
		release, busy := s.admitExpensive(ctx, d)
		if busy != nil {
			obs.Answered(busy)
			return busy
		}
		defer release()
	}
	ctx, cancel := context.WithTimeout(ctx, s.limits.Timeout)
	defer cancel()
	ctx = withLoader(ctx, newLoader(obs.Reader(s.r), s.log))
	ctx = withWriter(ctx, s.w)
	resp := s.exec(ctx, d, req.Variables)
	for _, e := range resp.Errors {
		classify(e)
	}
	placeErrors(d.op, resp.Errors)
	obs.Answered(resp)
	return resp
}

// admitExpensive waits, at most Limits.ExpensiveWait, for one of the
// slots of costly queries, and returns what frees it, or the answer to a
// query that got none. Cheap queries never come here, so however many
// costly ones wait, the cheap ones are served on the cores the costly ones
// leave.
func (s *Schema) admitExpensive(ctx context.Context, d *document) (release func(), busy *Response) {
	release = func() { <-s.expensive }
	select {
	case s.expensive <- struct{}{}:
		return release, nil
	default:
	}
	t := time.NewTimer(s.limits.ExpensiveWait)
	defer t.Stop()
	select {
	case s.expensive <- struct{}{}:
		return release, nil
	case <-t.C:
	case <-ctx.Done():
	}
	l := s.limits
	running := "1 costly query"
	if l.MaxExpensive != 1 {
		running = fmt.Sprintf("%d costly queries", l.MaxExpensive)
	}
	return nil, &Response{Errors: []*gqlerrors.QueryError{{
		Message: fmt.Sprintf("the server is busy: it runs at most %s at a time (a cost above %d; this query's estimated cost is %.0f), "+
			"and none finished within %s. Send it again in a moment, or ask for less (fewer items, less depth, a smaller limit) to come under %d",
			running, l.ExpensiveCost, d.cost, l.ExpensiveWait, l.ExpensiveCost),
		Extensions: map[string]any{"code": CodeBusy},
	}}}
}

// exec hands graphql-go the document's printed text. graphql-go recovers
// the panics of resolvers itself; one in its own parsing or validation of
// a document the check accepted is a fault of this server, answered as an
// internal error and logged in one line.
func (s *Schema) exec(ctx context.Context, d *document, vars map[string]any) (resp *Response) {
	defer func() {
		if v := recover(); v != nil {
			s.log.ErrorContext(ctx, "graphql-go failed on a document the limit check accepted", "panic", fmt.Sprint(v), "operation", d.name())
			resp = &Response{Errors: []*gqlerrors.QueryError{{
				Message:    "internal error; the server log has the details",
				Extensions: map[string]any{"code": CodeInternal},
			}}}
		}
	}()
	if d.gap == nil {
		return s.gql.Exec(ctx, d.text, d.op.Name, vars)
	}
	resp = s.gql.Exec(ctx, d.gap.text, d.op.Name, vars)
	if len(resp.Data) > 0 {
		data, err := d.gap.fill(resp.Data, vars)
		if err != nil {
			s.log.ErrorContext(ctx, "the introspection fields graphql-go lacks could not be put into its answer", "err", err, "operation", d.name())
			return &Response{Errors: []*gqlerrors.QueryError{{
				Message:    "internal error; the server log has the details",
				Extensions: map[string]any{"code": CodeInternal},
			}}}
		}
		resp.Data = data
	}
	return resp
}

// classify gives an error that graphql-go produced itself (a syntax error,
// a failed validation, a bad argument) an extensions.code.
func classify(e *gqlerrors.QueryError) {
	if e.Extensions != nil && e.Extensions["code"] != nil {
		return
	}
	code := CodeBadRequest
	var ae *apiError
	switch {
	case errors.Is(e.Err, context.DeadlineExceeded) || e.Message == context.DeadlineExceeded.Error():
		e.Message, code = errTimeout.message, errTimeout.code
	case errors.As(e.Err, &ae):
		// A scalar argument that does not parse, such as a bad Date.
		code = ae.code
	case errors.Is(e.Err, gqlerrors.ErrSyntax):
		code = CodeParseFailed
	case e.Rule != "":
		code = CodeValidationFailed
	}
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = code
}

// panicHandler logs a resolver panic with its stack for operators, in
// place of graphql-go's own line on the standard logger, and gives the
// client a plain internal error.
type panicHandler struct{ log *slog.Logger }

func (h panicHandler) LogPanic(ctx context.Context, value any) {
	h.log.ErrorContext(ctx, "resolver panic", "panic", value, "stack", string(debug.Stack()))
}

func (h panicHandler) MakePanicError(ctx context.Context, value any) *gqlerrors.QueryError {
	return &gqlerrors.QueryError{
		Message:    "internal error; the server log has the details",
		Extensions: map[string]any{"code": CodeInternal},
	}
}
