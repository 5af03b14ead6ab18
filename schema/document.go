package schema

import (
	"cmp"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	gqlerrors "github.com/graph-gophers/graphql-go/errors"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// document is a request's query as the server understands it. It is
// parsed once, by gqlparser, validated against the schema, and held to the
// limits; the operation's type (a mutation sent by GET is refused) comes
// from the same parse. graphql-go never sees the client's text: it runs
// text printed from the checked syntax tree, the chosen operation and the
// fragments it spreads, so that what runs is what was checked, whatever
// the two parsers would make of odd input. A document the check cannot
// read is refused, never run unchecked.
type document struct {
	op   *ast.OperationDefinition
	text string            // the operation as checked and printed again
	gap  *introspectionGap // if set, graphql-go runs its text instead (see introspect.go)
	cost float64           // the estimated cost, which decides whether it is costly
}

// kind is the operation's type: "query", "mutation" or "subscription".
func (d *document) kind() string { return string(d.op.Operation) }

// name is the operation's name, or AnonymousOperation.
func (d *document) name() string { return cmp.Or(d.op.Name, AnonymousOperation) }

// refusal is why a document will not run: the GraphQL errors to answer
// with and the reason counted in the metrics.
type refusal struct {
	errs   []*gqlerrors.QueryError
	reason string
}

func refuse(reason, code, format string, args ...any) *refusal {
	return &refusal{reason: reason, errs: []*gqlerrors.QueryError{{
		Message: fmt.Sprintf(format, args...), Extensions: map[string]any{"code": code},
	}}}
}

// parseDocument parses a request's query and picks the operation it asks
// to run. It refuses a query that is too long, is not valid UTF-8, does
// not parse as GraphQL (as the specification defines it: graphql-go's
// looser lexer is never asked), or does not name one operation. The
// document it returns is not yet validated nor checked; see check.
func parseDocument(req Request, l Limits) (*ast.QueryDocument, *ast.OperationDefinition, *refusal) {
	if n := len(req.Query); n > l.MaxQueryBytes {
		return nil, nil, refuse(ReasonLength, CodeTooComplex, "the query is %d bytes long; the limit is %d", n, l.MaxQueryBytes)
	}
	if !utf8.ValidString(req.Query) {
		i := 0
		for i < len(req.Query) {
			r, n := utf8.DecodeRuneInString(req.Query[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		return nil, nil, refuse(ReasonParse, CodeParseFailed, "syntax error: the query is not valid UTF-8 (at byte %d); send it in UTF-8", i)
	}
	src := &ast.Source{Name: "query", Input: req.Query}
	doc, err := parser.ParseQuery(src)
	// A number followed by a name is refused whether or not the parser
	// took it (it reads [1_0] as [1, _0]); where the parser did not, this
	// says why better than the token it did not expect.
	if r := numberBesideName(src); r != nil {
		return nil, nil, r
	}
	if err != nil {
		return nil, nil, syntaxError(src, err)
	}
	if len(doc.Operations) == 0 {
		return nil, nil, refuse(ReasonValidation, CodeValidationFailed,
			"the document has no operation, only fragments; add one, such as { entity(id: \"country:cuba\") { ...YourFragment } }")
	}
	op := doc.Operations.ForName(req.OperationName)
	if op == nil {
		names := make([]string, 0, len(doc.Operations))
		for _, o := range doc.Operations {
			names = append(names, fmt.Sprintf("%q", cmp.Or(o.Name, AnonymousOperation)))
		}
		if req.OperationName == "" {
			return nil, nil, refuse(ReasonValidation, CodeBadRequest,
				"the document has %d operations (%s); say which to run with operationName", len(doc.Operations), strings.Join(names, ", "))
		}
		return nil, nil, refuse(ReasonValidation, CodeBadRequest,
			"the document has no operation named %q; it has %s", req.OperationName, strings.Join(names, ", "))
	}
	return doc, op, nil
}

// syntaxError explains why a document does not parse, where. The parser
// says only what token it did not expect; for a token that does not lex
// at all (a Go-style escape such as "\a", a number such as 01), the
// lexer's own message says what is wrong with it.
func syntaxError(src *ast.Source, err error) *refusal {
	gerr, ok := err.(*gqlerror.Error)
	if !ok {
		return refuse(ReasonParse, CodeParseFailed, "syntax error: %v", err)
	}
	if strings.Contains(gerr.Message, "<Invalid>") {
		l := lexer.New(src)
		for {
			tok, lerr := l.ReadToken()
			if lerr != nil {
				if le, ok := lerr.(*gqlerror.Error); ok {
					gerr = le
				}
				break
			}
			if tok.Kind == lexer.EOF {
				break
			}
		}
	}
	msg := gerr.Message
	if strings.HasPrefix(msg, "Invalid character escape sequence") {
		msg += ` GraphQL strings allow the escapes \" \\ \/ \b \f \n \r \t and \uXXXX, no others.`
	}
	return &refusal{reason: ReasonParse, errs: []*gqlerrors.QueryError{{
		Message:    "syntax error: " + msg,
		Locations:  locations(gerr.Locations),
		Extensions: map[string]any{"code": CodeParseFailed},
	}}}
}

// numberBesideName refuses a number followed at once by a name, such as
// 1_0 or 2e: GraphQL forbids it (a name must not start right after a
// number), but gqlparser reads [1_0] as the list [1, _0], and graphql-go
// panics on it.
func numberBesideName(src *ast.Source) *refusal {
	if !digitBesideNameStart(src.Input) {
		return nil
	}
	l := lexer.New(src)
	var prev lexer.Token
	for {
		tok, err := l.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return nil // a token that does not lex is syntaxError's to explain
		}
		if (prev.Kind == lexer.Int || prev.Kind == lexer.Float) && tok.Kind == lexer.Name && tok.Pos.Start == prev.Pos.End {
			return &refusal{reason: ReasonParse, errs: []*gqlerrors.QueryError{{
				Message: fmt.Sprintf("syntax error: the number %s is followed by %q without a space between them; "+
					"GraphQL numbers are digits only (no _, no hexadecimal), and a name after one needs a space or comma",
					prev.Value, tok.Value),
				Locations:  []gqlerrors.Location{{Line: prev.Pos.Line, Column: prev.Pos.Column}},
				Extensions: map[string]any{"code": CodeParseFailed},
			}}}
		}
		prev = tok
	}
}

// digitBesideNameStart reports whether a digit is followed at once by a
// letter or underscore anywhere in s, which any number followed by a name
// needs, so that most documents are not lexed a second time.
func digitBesideNameStart(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if c, n := s[i], s[i+1]; c >= '0' && c <= '9' && (n == '_' || (n|0x20 >= 'a' && n|0x20 <= 'z')) {
			return true
		}
	}
	return false
}

// validate checks a parsed document against the schema; what does not
// validate is refused here, before graphql-go is asked.
func (m *costModel) validate(doc *ast.QueryDocument) *refusal {
	if errs := validator.Validate(m.schema, doc); len(errs) > 0 {
		for _, e := range errs {
			if e.Rule == "MaxIntrospectionDepth" {
				// Introspection that nests the schema's lists within
				// each other, whose answer grows manifold a level; it is
				// refused, as graphql-js refuses it.
				return refuse(ReasonDepth, CodeTooComplex, "the query nests the schema's lists (fields, inputFields, interfaces, possibleTypes) within each other more than 3 deep; the introspection query GraphiQL and other tools send does not")
			}
		}
		r := &refusal{reason: ReasonValidation}
		for _, e := range errs {
			r.errs = append(r.errs, &gqlerrors.QueryError{
				Message:    withFragmentHint(e.Message),
				Locations:  locations(e.Locations),
				Rule:       e.Rule,
				Extensions: map[string]any{"code": CodeValidationFailed},
			})
		}
		return r
	}
	return checkDateLiterals(doc)
}

// fieldOnlyOn is gqlparser's message for a field asked of an interface
// that only some of its types have.
var fieldOnlyOn = regexp.MustCompile(`^Cannot query field "(\w+)" on type "(\w+)"\. Did you mean to use an inline fragment on "(\w+)"(.*)\?$`)

// withFragmentHint spells out, in gqlparser's message for a field asked
// of an interface that only some of its types have, how to ask for it:
// missionType of an Entity is asked inside "... on Mission".
func withFragmentHint(msg string) string {
	m := fieldOnlyOn.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	field, iface, first, more := m[1], m[2], m[3], m[4]
	types, have := first, "has"
	if more != "" {
		types, have = first+strings.ReplaceAll(more, `"`, ""), "have"
	}
	return fmt.Sprintf("Cannot query field %q on type %q: only %s %s it. Ask for it inside an inline fragment: ... on %s { %s }",
		field, iface, types, have, first, field)
}

// coerceVariables checks the request's variables against what op
// declares, and returns them as the operation sees them (defaults
// filled in).
func (m *costModel) coerceVariables(op *ast.OperationDefinition, vars map[string]any) (map[string]any, *refusal) {
	coerced, err := validator.VariableValues(m.schema, op, vars)
	if err != nil {
		msg := err.Error()
		if ge, ok := err.(*gqlerror.Error); ok {
			msg = ge.Message
			if len(ge.Path) > 0 {
				// "variable.c.addRelations[0].from" is the user's $c.
				msg = "$" + strings.TrimPrefix(ge.Path.String(), "variable.") + ": " + msg
			}
		}
		return nil, refuse(ReasonValidation, CodeBadRequest, "the variables do not fit the operation: %s", msg)
	}
	if r := m.checkDateVariables(op, coerced); r != nil {
		return nil, r
	}
	return coerced, nil
}

// printOperation prints op and the fragments it spreads, directly or
// through other fragments, as a GraphQL document: the text graphql-go
// runs. Strings are printed with the escapes GraphQL defines and both
// parsers read alike; comments and descriptions are left out.
func printOperation(doc *ast.QueryDocument, op *ast.OperationDefinition) string {
	used := map[string]bool{}
	var spreadIn func(ast.SelectionSet)
	spreadIn = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				spreadIn(s.SelectionSet)
			case *ast.InlineFragment:
				spreadIn(s.SelectionSet)
			case *ast.FragmentSpread:
				if !used[s.Name] {
					used[s.Name] = true
					if f := doc.Fragments.ForName(s.Name); f != nil {
						spreadIn(f.SelectionSet)
					}
				}
			}
		}
	}
	spreadIn(op.SelectionSet)
	out := &ast.QueryDocument{Operations: ast.OperationList{op}}
	for _, f := range doc.Fragments {
		if used[f.Name] {
			out.Fragments = append(out.Fragments, f)
		}
	}
	var sb strings.Builder
	formatter.NewFormatter(&sb, formatter.WithCompacted()).FormatQueryDocument(out)
	return sb.String()
}

func locations(ls []gqlerror.Location) []gqlerrors.Location {
	var out []gqlerrors.Location
	for _, l := range ls {
		out = append(out, gqlerrors.Location{Line: l.Line, Column: l.Column})
	}
	return out
}
