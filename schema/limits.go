package schema

import (
	"fmt"
	"math"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// Limits bound what one request may ask of the server. All but Timeout are
// checked on the parsed query before any resolver runs, so a hostile query
// costs its parsing and no more. A zero field takes its default.
type Limits struct {
	// MaxQueryBytes bounds the length of the query text.
	MaxQueryBytes int
	// MaxDepth bounds how deeply fields nest.
	MaxDepth int
	// MaxAliases bounds the fields given an alias, which is how one
	// request asks the same costly question many times.
	MaxAliases int
	// MaxRootFields bounds the fields at the top of the operation.
	MaxRootFields int
	// MaxCost bounds the estimated cost; see the README for how a query's
	// cost is estimated.
	MaxCost int
	// Timeout cancels a request's work after this long.
	Timeout time.Duration
}

// The default limits.
const (
	DefaultMaxQueryBytes = 32 << 10
	DefaultMaxDepth      = 15
	DefaultMaxAliases    = 30
	DefaultMaxRootFields = 20
	DefaultMaxCost       = 200000
	DefaultTimeout       = 10 * time.Second
)

// withDefaults fills in the zero fields.
func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxQueryBytes, DefaultMaxQueryBytes)
	def(&l.MaxDepth, DefaultMaxDepth)
	def(&l.MaxAliases, DefaultMaxAliases)
	def(&l.MaxRootFields, DefaultMaxRootFields)
	def(&l.MaxCost, DefaultMaxCost)
	if l.Timeout <= 0 {
		l.Timeout = DefaultTimeout
	}
	return l
}

// CodeTooComplex is the extensions.code of a query refused by Limits.
const CodeTooComplex = "QUERY_TOO_COMPLEX"

// costModel is the schema the estimator reads field types and argument
// defaults from.
type costModel struct{ schema *ast.Schema }

func newCostModel() (*costModel, error) {
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: SDL})
	if err != nil {
		return nil, fmt.Errorf("load the schema for the cost estimator: %w", err)
	}
	return &costModel{schema: s}, nil
}

// checked is what check learned of a query, for metrics and logs.
type checked struct {
	operation string  // the operation's name; "" if anonymous or not parsed
	cost      float64 // the estimated cost, if estimated
	estimated bool
	limit     string // the limit a refused query broke: reasonLength, reasonDepth...
}

// check parses the request's query and holds it to the limits. A query
// that does not parse or validate passes: graphql-go reports why, in its
// own words, when it executes it.
func (m *costModel) check(req Request, l Limits) (c checked, _ *apiError) {
	if n := len(req.Query); n > l.MaxQueryBytes {
		c.limit = reasonLength
		return c, tooComplex("the query is %d bytes long; the limit is %d", n, l.MaxQueryBytes)
	}
	doc, errs := gqlparser.LoadQuery(m.schema, req.Query)
	if errs != nil || doc == nil {
		return c, nil
	}
	op := doc.Operations.ForName(req.OperationName)
	if op == nil {
		return c, nil
	}
	c.operation = op.Name
	e := &estimate{vars: req.Variables}
	roots := e.countRoots(op.SelectionSet)
	if roots > l.MaxRootFields {
		c.limit = reasonRootFields
		return c, tooComplex("the query asks for %d fields at its top; the limit is %d: split it into several requests", roots, l.MaxRootFields)
	}
	cost := e.selections(op.SelectionSet, nil, 1)
	c.cost, c.estimated = cost, true
	switch {
	case e.depth > l.MaxDepth:
		c.limit = reasonDepth
		return c, tooComplex("the query nests fields %d deep; the limit is %d", e.depth, l.MaxDepth)
	case e.aliases > l.MaxAliases:
		c.limit = reasonAliases
		return c, tooComplex("the query has %d aliased fields; the limit is %d: split it into several requests", e.aliases, l.MaxAliases)
	case cost > float64(l.MaxCost):
		c.limit = reasonCost
		return c, tooComplex("the query's estimated cost is %.0f; the budget is %d. Ask for fewer items (first, limit), less depth or fewer nested lists", cost, l.MaxCost)
	}
	return c, nil
}

func tooComplex(format string, args ...any) *apiError {
	return &apiError{code: CodeTooComplex, message: fmt.Sprintf(format, args...)}
}

// estimate walks one operation, adding up what it may cost.
type estimate struct {
	vars    map[string]any
	depth   int
	aliases int
}

// countRoots counts the fields at the top of a selection, through
// fragments.
func (e *estimate) countRoots(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			n++
		case *ast.FragmentSpread:
			if s.Definition != nil {
				n += e.countRoots(s.Definition.SelectionSet)
			}
		case *ast.InlineFragment:
			n += e.countRoots(s.SelectionSet)
		}
	}
	return n
}

// selections is the cost of a selection set at the given depth, whose
// parent field had the arguments parent. Every field costs one; a list
// multiplies what lies beneath it by how many items it may hold; the
// traversals add the work they do. The cost is a float so that hostile
// nesting saturates instead of overflowing.
func (e *estimate) selections(set ast.SelectionSet, parent map[string]any, depth int) float64 {
	e.depth = max(e.depth, depth)
	cost := 0.0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Alias != "" && s.Alias != s.Name {
				e.aliases++
			}
			if s.Definition == nil {
				continue
			}
			args := s.ArgumentMap(e.vars)
			sub := e.selections(s.SelectionSet, args, depth+1)
			if s.ObjectDefinition != nil && s.ObjectDefinition.Name == "Query" {
				cost += work(s.Name, args)
			}
			cost += 1 + items(s, args, parent)*sub
		case *ast.FragmentSpread:
			if s.Definition != nil {
				cost += e.selections(s.Definition.SelectionSet, parent, depth)
			}
		case *ast.InlineFragment:
			cost += e.selections(s.SelectionSet, parent, depth)
		}
	}
	return math.Min(cost, math.MaxFloat64/1e6)
}

// defaultItems is how many items a list with no size argument is taken to
// hold: a mission's accreditations, a body's names, a representation's
// relations.
const defaultItems = 10

// items is how many items field may return: its own first or limit, the
// first or limit of the field above it for a connection's edges or a
// subgraph's nodes and relations, the longest path for a path's nodes,
// or defaultItems. A field that is not a list holds one.
func items(f *ast.Field, args, parent map[string]any) float64 {
	if f.Definition.Type.Elem == nil {
		return 1
	}
	for _, a := range []map[string]any{args, parent} {
		for _, name := range []string{"first", "limit"} {
			if n, ok := number(a[name]); ok {
				return max(n, 1)
			}
		}
	}
	if n, ok := number(parent["maxLength"]); ok {
		return n + 1
	}
	return defaultItems
}

// work is what a field of Query costs beyond its items: the traversals
// read far more than they return.
func work(name string, args map[string]any) float64 {
	switch name {
	case "neighbourhood":
		limit, _ := number(args["limit"])
		depth, _ := number(args["depth"])
		return limit * max(depth, 1)
	case "paths":
		first, _ := number(args["first"])
		return 1000 * max(first, 1)
	case "representation", "lineage":
		return 100
	case "count":
		return 1000
	case "search":
		return 50
	}
	return 0
}

// number reads an Int argument, as gqlparser gives it: from the query
// text or the schema's default as int64, from JSON variables as a number.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case int32:
		return float64(n), true
	case int:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}
