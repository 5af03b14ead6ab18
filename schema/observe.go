package schema

import (
	"context"
	"log/slog"

	"github.com/chancery/chancery/graph"
)

// Observer is told what becomes of one request as the schema serves it.
// The transport that received the request puts one in its context with
// WithObserver (package httpapi does, to count, time, log and trace every
// request); a request without one is served the same, unobserved.
type Observer interface {
	// Checked is told what the limits check learned of req, before the
	// request runs or is refused.
	Checked(req Request, c Check)
	// Answered is given the answer to a request that ran, or that was
	// refused with a GraphQL error (busy, or failing the limits check).
	Answered(resp *Response)
	// Reader returns the reader the request's resolvers are to call: r
	// itself, or r wrapped to count the calls.
	Reader(r graph.Reader) graph.Reader
	// LogAttrs are the attributes that name the request, such as its id,
	// which every line logged with its context carries; none if it has
	// no name.
	LogAttrs() []slog.Attr
}

// Check is what the limits check learned of a request.
type Check struct {
	// Operation is the operation's name, AnonymousOperation if it has
	// none, or "" if the query does not say (it does not parse).
	Operation string
	// Cost is the query's estimated cost, when Estimated.
	Cost      float64
	Estimated bool
	// Refused is why the query will not run, one of the Reason values,
	// or "" if it passed.
	Refused string
}

type observerKey struct{}

// WithObserver returns ctx carrying o, which Exec, Prepare and Run tell
// about the request served with that context.
func WithObserver(ctx context.Context, o Observer) context.Context {
	return context.WithValue(ctx, observerKey{}, o)
}

// observerFrom returns the request's observer, or one that notes nothing.
func observerFrom(ctx context.Context) Observer {
	if o, ok := ctx.Value(observerKey{}).(Observer); ok && o != nil {
		return o
	}
	return unobserved{}
}

// unobserved is the Observer of a request nothing observes.
type unobserved struct{}

func (unobserved) Checked(Request, Check)             {}
func (unobserved) Answered(*Response)                 {}
func (unobserved) Reader(r graph.Reader) graph.Reader { return r }
func (unobserved) LogAttrs() []slog.Attr              { return nil }

// RequestLogger returns log adding the attributes that name a request
// (its Observer's LogAttrs) to every record logged with that request's
// context: a resolver's panic or failure, a failed health check or
// backup, not just the request's own line, so that searching the logs for
// the id in an answer's X-Request-Id finds everything about it. A record
// that already names its request is left as it is.
func RequestLogger(log *slog.Logger) *slog.Logger {
	if _, ok := log.Handler().(requestLogHandler); ok {
		return log
	}
	return slog.New(requestLogHandler{log.Handler()})
}

// requestLogHandler is the handler of a RequestLogger.
type requestLogHandler struct{ slog.Handler }

func (h requestLogHandler) Handle(ctx context.Context, r slog.Record) error {
	attrs := observerFrom(ctx).LogAttrs()
	if len(attrs) == 0 {
		return h.Handler.Handle(ctx, r)
	}
	named := false
	r.Attrs(func(a slog.Attr) bool {
		for _, n := range attrs {
			named = named || a.Key == n.Key
		}
		return !named
	})
	if named {
		return h.Handler.Handle(ctx, r)
	}
	// A new record, so that the request's attributes come first and the
	// caller's record is not changed under it.
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	out.AddAttrs(attrs...)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(a)
		return true
	})
	return h.Handler.Handle(ctx, out)
}

func (h requestLogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestLogHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestLogHandler) WithGroup(name string) slog.Handler {
	return requestLogHandler{h.Handler.WithGroup(name)}
}
