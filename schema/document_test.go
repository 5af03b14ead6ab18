package schema

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/graph-gophers/graphql-go"
	gqlerrors "github.com/graph-gophers/graphql-go/errors"
	"github.com/graph-gophers/graphql-go/introspection"
	"github.com/graph-gophers/graphql-go/trace/tracer"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/chancery/chancery/store/storetest"
)

// runRecorder is a graphql-go tracer that keeps what graphql-go ran: the
// text of each document and the root fields it resolved, with the
// arguments graphql-go read from that text.
type runRecorder struct {
	mu      sync.Mutex
	queries []string
	roots   []string
}

func (r *runRecorder) TraceQuery(ctx context.Context, query, _ string, _ map[string]any, _ map[string]*introspection.Type) (context.Context, tracer.QueryFinishFunc) {
	r.mu.Lock()
	r.queries = append(r.queries, query)
	r.mu.Unlock()
	return ctx, func([]*gqlerrors.QueryError) {}
}

func (r *runRecorder) TraceField(ctx context.Context, _, typeName, fieldName string, _ bool, args map[string]any) (context.Context, tracer.FieldFinishFunc) {
	if typeName == "Query" || typeName == "Mutation" {
		r.mu.Lock()
		r.roots = append(r.roots, rootField(fieldName, args))
		r.mu.Unlock()
	}
	return ctx, func(*gqlerrors.QueryError) {}
}

func (r *runRecorder) take() (queries, roots []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	queries, roots = r.queries, r.roots
	r.queries, r.roots = nil, nil
	return queries, roots
}

// rootField writes a root field and its arguments in one form, whichever
// parser read them: numbers as float64, lists and objects recursively.
func rootField(name string, args map[string]any) string {
	var norm func(v any) any
	norm = func(v any) any {
		if n, ok := number(v); ok {
			return n
		}
		switch t := v.(type) {
		case []any:
			out := make([]any, len(t))
			for i := range t {
				out[i] = norm(t[i])
			}
			return out
		case map[string]any:
			out := map[string]any{}
			for k, x := range t {
				out[k] = norm(x)
			}
			return out
		case graphql.ID:
			return string(t)
		}
		return v
	}
	normed := map[string]any{}
	for k, v := range args {
		normed[k] = norm(v)
	}
	return fmt.Sprintf("%s%v", name, normed) // fmt sorts map keys
}

// recordedSchema is the API over the embedded seeds with a runRecorder in
// place of graphql-go's tracer.
func recordedSchema(t testing.TB) (*Schema, *runRecorder) {
	t.Helper()
	rec := &runRecorder{}
	db := storetest.OpenSeeded(t, "")
	s, err := New(db, db, slog.New(slog.DiscardHandler), Limits{}, WithTracer(rec))
	if err != nil {
		t.Fatal(err)
	}
	return s, rec
}

// overBudget is a root field that alone costs more than the default
// budget allows.
const overBudget = `n: neighbourhood(id: "country:cuba", depth: 4, limit: 2000) { nodes { relations(first: 500) { edges { node { id } } } } }`

// TestLiteralsTheCheckCannotReadAreRefused puts each literal that
// GraphQL does not allow (several of which graphql-go's own lexer takes)
// beside a field over the budget: every such query must be refused as a
// syntax error before anything runs, never run unchecked.
func TestLiteralsTheCheckCannotReadAreRefused(t *testing.T) {
	s, rec := recordedSchema(t)
	strs := []string{`"\a"`, `"\x41"`, `"\101"`, `"\U00000041"`, `"\u{41}"`, `"\uZZZZ"`, `"\0"`, `"\v"`, `"\e"`,
		`'x'`, "`x`", "\"a\nb\"", "\"a\rb\"", `"unterminated`}
	ints := []string{`1_0`, `0x10`, `0b1`, `0o7`, `01`, `1.`, `.5`, `+1`, `1e`, `1__0`, `1_000_000`, `0X1F`, `1e+`}
	var cases []string
	for _, v := range strs {
		cases = append(cases,
			`{ e: entity(id: `+v+`) { name } `+overBudget+` }`,
			`{ `+overBudget+` s: search(text: `+v+`) { matched } }`)
	}
	for _, v := range ints {
		cases = append(cases,
			`{ e: entities(first: `+v+`) { totalCount } `+overBudget+` }`,
			`{ `+overBudget+` l: count(groupBy: HOST, limit: [`+v+`]) { key } }`)
	}
	// Separators either parser could read differently.
	for _, sep := range []string{"\u2028", "\u0085", "\x00", "\v", "\f", "\ufeff\ufeff"} {
		cases = append(cases, `{ e: entity(id: "country:cuba") { name }`+sep+overBudget+` }`)
	}
	for _, q := range cases {
		resp := s.Exec(context.Background(), Request{Query: q})
		queries, _ := rec.take()
		if len(queries) > 0 {
			t.Errorf("%q ran (graphql-go was given %q)", q, queries[0])
			continue
		}
		if len(resp.Errors) == 0 || resp.Data != nil {
			t.Errorf("%q was not refused: %+v", q, resp)
			continue
		}
		code := resp.Errors[0].Extensions["code"]
		if code != CodeParseFailed && code != CodeTooComplex {
			t.Errorf("%q: code %v (%s); want %s or %s", q, code, resp.Errors[0].Message, CodeParseFailed, CodeTooComplex)
		}
	}
}

// TestTheBypassIsRefused is the query that once ran unchecked: one field
// with a Go-style escape that graphql-go reads and the check could not
// parse, beside a neighbourhood far over the budget.
func TestTheBypassIsRefused(t *testing.T) {
	s, rec := recordedSchema(t)
	resp := s.Exec(context.Background(), Request{Query: `{ e: entity(id: "\a") { name } ` + overBudget + ` }`})
	if queries, _ := rec.take(); len(queries) > 0 {
		t.Fatalf("the query ran: %q", queries)
	}
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != CodeParseFailed ||
		!strings.Contains(resp.Errors[0].Message, `escape sequence: \a`) || len(resp.Errors[0].Locations) != 1 ||
		resp.Errors[0].Locations[0] != (gqlerrors.Location{Line: 1, Column: 19}) {
		t.Fatalf("errors %+v; want one %s naming the escape \\a at 1:19", resp.Errors, CodeParseFailed)
	}
}

// TestUnderscoreInANumberIsASyntaxError is the input that made graphql-go
// panic: 1_0 in a list, which gqlparser alone would read as [1, _0].
func TestUnderscoreInANumberIsASyntaxError(t *testing.T) {
	var logged strings.Builder
	db := storetest.OpenSeeded(t, "")
	s, err := New(db, db, slog.New(slog.NewTextHandler(&logged, nil)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`{ count(groupBy: HOST, limit: 1_0) { key } }`, `{ relations(types: [1_0]) { totalCount } }`, `{ entities(first: 2e) { totalCount } }`} {
		resp := s.Exec(context.Background(), Request{Query: q})
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != CodeParseFailed || !strings.Contains(resp.Errors[0].Message, "syntax error") {
			t.Errorf("%q: errors %+v; want one %s", q, resp.Errors, CodeParseFailed)
		}
	}
	if logged.Len() > 0 {
		t.Errorf("the refusals were logged:\n%s", logged.String())
	}
}

// TestWhatRunsIsWhatWasChecked builds thousands of documents from pieces
// that the two parsers may read differently (escapes, numbers, block
// strings, comments ended by a carriage return, byte order marks, fragments)
// and checks, for each, that either nothing runs, or graphql-go runs the
// text the check printed, that text checks to the same cost again, and
// the root fields graphql-go resolved carry exactly the arguments that
// were costed.
func TestWhatRunsIsWhatWasChecked(t *testing.T) {
	s, rec := recordedSchema(t)
	rnd := rand.New(rand.NewPCG(19, 1))
	n := 3000
	if testing.Short() {
		n = 300
	}
	ran := 0
	for range n {
		q, vars := randomDocument(rnd)
		req := Request{Query: q, Variables: vars}
		d, c, r := s.cost.check(req, s.limits)
		resp := s.Exec(context.Background(), req)
		queries, roots := rec.take()
		if r != nil {
			if len(queries) > 0 {
				t.Fatalf("%q was refused (%s) but ran", q, r.errs[0].Message)
			}
			continue
		}
		ran++
		if len(queries) != 1 || queries[0] != d.text {
			t.Fatalf("%q: graphql-go ran %q; the check printed %q", q, queries, d.text)
		}
		for _, e := range resp.Errors {
			if e.Extensions["code"] == CodeParseFailed || e.Extensions["code"] == CodeValidationFailed {
				t.Fatalf("%q: graphql-go refused the printed %q: %s", q, d.text, e.Message)
			}
		}
		again, c2, r2 := s.cost.check(Request{Query: d.text, Variables: vars}, s.limits)
		if r2 != nil || c2.cost != c.cost || again.text != d.text {
			t.Fatalf("%q printed as %q, which checks differently: cost %v then %v, refused %v, printed again %q", q, d.text, c.cost, c2.cost, r2, again.text)
		}
		want := checkedRoots(t, s.cost, q, vars)
		if !sameStrings(roots, want) {
			t.Fatalf("%q: graphql-go resolved the root fields\n%v\nthe check read\n%v", q, roots, want)
		}
	}
	t.Logf("%d of %d documents ran", ran, n)
	if ran < n/10 || ran > n*9/10 {
		t.Fatalf("%d of %d documents ran; the generator should make both kinds often", ran, n)
	}
}

// checkedRoots is the root fields of the document as gqlparser reads it,
// with their arguments, in rootField's form.
func checkedRoots(t *testing.T, m *costModel, q string, vars map[string]any) []string {
	doc, err := parser.ParseQuery(&ast.Source{Input: q})
	if err != nil {
		t.Fatal(err)
	}
	if r := m.validate(doc); r != nil {
		t.Fatal(r.errs[0].Message)
	}
	vars, r := m.coerceVariables(doc.Operations[0], vars)
	if r != nil {
		t.Fatal(r.errs[0].Message)
	}
	var out []string
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if strings.HasPrefix(s.Name, "__") {
					continue
				}
				args := map[string]any{}
				for _, a := range s.Arguments {
					v, err := a.Value.Value(vars)
					if err != nil {
						t.Fatal(err)
					}
					args[a.Name] = v
				}
				out = append(out, rootField(s.Name, args))
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				walk(doc.Fragments.ForName(s.Name).SelectionSet)
			}
		}
	}
	walk(doc.Operations[0].SelectionSet)
	return out
}

func sameStrings(a, b []string) bool {
	count := map[string]int{}
	for _, s := range a {
		count[s]++
	}
	for _, s := range b {
		count[s]--
	}
	for _, n := range count {
		if n != 0 {
			return false
		}
	}
	return true
}

// randomDocument makes a query of one to four root fields, each with a
// distinct alias, from string and number literals of which some GraphQL
// allows and some it does not, joined by separators of which some are
// white space in GraphQL and some are not.
func randomDocument(rnd *rand.Rand) (string, map[string]any) {
	// Each literal and separator is one that GraphQL does not allow one
	// time in twenty, so that about half the documents are well formed.
	pickOf := func(good, bad []string) func() string {
		return func() string {
			if rnd.IntN(20) == 0 {
				return bad[rnd.IntN(len(bad))]
			}
			return good[rnd.IntN(len(good))]
		}
	}
	str := pickOf([]string{`"country:cuba"`, `"country:united-states"`, `"\u0063ountry:cuba"`, `"country\/cuba"`, `"""country:cuba"""`,
		`"""a\"""b"""`, "\"\"\"\n  country:cuba\n\"\"\"", `"\"\\"`, `"tab\there"`, `"é"`, `"\uD83D\uDE00"`, `""`},
		[]string{`"\a"`, `"\x63"`, `"\143"`, `"\U00000063"`, `'x'`, `"\u{63}"`, "\"a\nb\"", `"\uD83D"`})
	text := func() string {
		if rnd.IntN(6) == 0 {
			return "$s"
		}
		return str()
	}
	id := func() string {
		if rnd.IntN(6) == 0 {
			return "$i"
		}
		return str()
	}
	num := pickOf([]string{`0`, `1`, `2`, `3`, `-1`, `20`, `500`, `2000`, `$n`, `null`},
		[]string{`1_0`, `0x10`, `01`, `1.`, `.5`, `+1`, `1e`, `1e3`, `2.0`, `1a`})
	sep := pickOf([]string{" ", ",", "\t", "\n", "\r\n", "\r", " # c\n", " # c\r", " # c \"\r", "\ufeff", " ,, "},
		[]string{"\u2028", "\x00", "\v", "\u0085"})
	roots := []func() string{
		func() string { return `entity(id: ` + id() + `) { name }` },
		func() string {
			return `neighbourhood(id: ` + id() + `, depth: ` + num() + `, limit: ` + num() + `) { nodes { id } }`
		},
		func() string { return `search(text: ` + text() + `, first: ` + num() + `) { matched }` },
		func() string { return `entities(first: ` + num() + `) { totalCount }` },
		func() string {
			return `paths(from: ` + id() + `, to: "country:cuba", first: ` + num() + `, maxLength: ` + num() + `) { length }`
		},
		func() string { return `count(groupBy: HOST, limit: ` + num() + `) { key }` },
	}
	var b strings.Builder
	fragment := rnd.IntN(4) == 0
	b.WriteString("{")
	for i := range 1 + rnd.IntN(4) {
		b.WriteString(sep())
		if fragment && i == 0 {
			b.WriteString("...F")
			continue
		}
		fmt.Fprintf(&b, "a%d: %s", i, roots[rnd.IntN(len(roots))]())
	}
	b.WriteString(sep() + "}")
	if fragment {
		b.WriteString(sep() + "fragment F on Query {" + sep() + "f: " + roots[rnd.IntN(len(roots))]() + " }")
	}
	// The operation declares the variables it uses.
	var decl []string
	for _, v := range []string{`$s: String = "country:cuba"`, `$i: ID = "country:cuba"`, `$n: Int = 3`} {
		if strings.Contains(b.String(), v[:2]) {
			decl = append(decl, v)
		}
	}
	q := b.String()
	if len(decl) > 0 {
		q = "query Q(" + strings.Join(decl, ", ") + ")" + sep() + q
	}
	var vars map[string]any
	switch rnd.IntN(3) {
	case 1:
		vars = map[string]any{"s": "country:cuba", "i": "country:cuba", "n": int32(2)}
	case 2:
		vars = map[string]any{"s": "taipei", "i": "country:united-states", "n": int32(1 + rnd.IntN(3000))}
	}
	for k := range vars {
		if !strings.Contains(q, "$"+k) {
			delete(vars, k)
		}
	}
	return q, vars
}
