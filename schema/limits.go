package schema

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"sync"
	"time"

	"github.com/dgraph-io/ristretto/v2"
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
	// MaxCost bounds the estimated cost; see docs/api.md ("Limits") for how a query's
	// cost is estimated.
	MaxCost int
	// Timeout cancels a request's work after this long.
	Timeout time.Duration
	// ExpensiveCost is the estimated cost above which a query counts as
	// costly: costly queries run at most MaxExpensive at a time, so that
	// they cannot take every core from the cheap ones, which never wait
	// for them. Zero: a quarter of MaxCost.
	ExpensiveCost int
	// MaxExpensive bounds the costly queries running at once. Zero: half
	// the cores the Go runtime uses (GOMAXPROCS), at least one.
	MaxExpensive int
	// ExpensiveWait is how long a costly query waits for one of those
	// slots before it is refused as BUSY.
	ExpensiveWait time.Duration
}

// The default limits.
const (
	DefaultMaxQueryBytes = 32 << 10
	DefaultMaxDepth      = 15
	DefaultMaxAliases    = 30
	DefaultMaxRootFields = 20
	DefaultMaxCost       = 100000
	DefaultTimeout       = 10 * time.Second
	DefaultExpensiveWait = 100 * time.Millisecond
)

// DefaultMaxExpensive is how many costly queries run at once unless
// Limits.MaxExpensive says: half the cores the Go runtime uses, at least
// one, so that cheap queries always have the others.
func DefaultMaxExpensive() int { return max(1, runtime.GOMAXPROCS(0)/2) }

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
	def(&l.ExpensiveCost, max(1, l.MaxCost/4))
	def(&l.MaxExpensive, DefaultMaxExpensive())
	if l.ExpensiveWait <= 0 {
		l.ExpensiveWait = DefaultExpensiveWait
	}
	return l
}

// CodeTooComplex is the extensions.code of a query refused by Limits.
const CodeTooComplex = "QUERY_TOO_COMPLEX"

// costModel is what the estimator reads from the schema: its field types
// and argument defaults, and what each field costs beyond its items (its
// @cost directives).
type costModel struct {
	schema *ast.Schema
	costs  costTable
	// read holds the documents read before, parsed, validated and held
	// to the limits that do not depend on variables, by their text.
	read *ristretto.Cache[string, *readDocument]
}

// readCacheBytes bounds the documents the cost model keeps read, as
// ristretto weighs them (readDocument.weight): dashboards and clients
// send the same few documents over and over, and parsing, validating
// and printing one is most of the work of checking it.
const readCacheBytes = 32 << 20

// newCostModel reads the cost model from the schema's SDL.
func newCostModel() (*costModel, error) { return loadCostModel(SDL) }

// loadCostModel reads the cost model from the SDL sdl. A field whose
// @cost it cannot read, or that may read more than a constant amount and
// declares none, is an error that names it.
func loadCostModel(sdl string) (*costModel, error) {
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: sdl})
	if err != nil {
		return nil, fmt.Errorf("load the schema for the cost estimator: %w", err)
	}
	costs, err := readCostTable(s)
	if err != nil {
		return nil, fmt.Errorf("read the cost of each field from schema/*.graphql: %w", err)
	}
	read, err := ristretto.NewCache(&ristretto.Config[string, *readDocument]{
		NumCounters:        readCacheBytes / 2048 * 10, // about ten a document of 2 KB weight
		MaxCost:            readCacheBytes,
		BufferItems:        64,
		IgnoreInternalCost: true,
	})
	if err != nil {
		return nil, fmt.Errorf("the cache of documents read: %w", err)
	}
	return &costModel{schema: s, costs: costs, read: read}, nil
}

// EstimateCost returns the estimated cost of a request's operation as the
// limit check computes it, whatever the budget, for the tools that measure
// the cost model against the time queries take (chancery bench --costs).
// A query that does not parse or validate is an error.
func EstimateCost(req Request) (float64, error) {
	m, err := sharedCostModel()
	if err != nil {
		return 0, err
	}
	unlimited := Limits{MaxQueryBytes: math.MaxInt, MaxDepth: math.MaxInt, MaxAliases: math.MaxInt,
		MaxRootFields: math.MaxInt, MaxCost: math.MaxInt}
	_, c, r := m.check(req, unlimited)
	if r != nil {
		return 0, fmt.Errorf("%s", r.errs[0].Message)
	}
	return c.cost, nil
}

var sharedCostModel = sync.OnceValues(newCostModel)

// checked is what check learned of a query, for metrics and logs.
type checked struct {
	operation string  // the operation's name, AnonymousOperation, or "" if the query does not say
	cost      float64 // the estimated cost, if estimated
	tally     tally   // the work the cost weighs, if estimated
	estimated bool
	limit     string // why the query was refused: ReasonLength, ReasonParse, ReasonDepth...
}

// check reads a request's query once (see document) and holds it to the
// limits, in the order that spends least on a query it refuses: what the
// text shows, then validation, then the fields the fragments expand to,
// then the estimate. It returns the document to run, or why it will not
// run; a document refused after it was parsed is returned too, so that
// the caller knows its operation (a mutation sent by GET is refused as
// such).
func (m *costModel) check(req Request, l Limits) (*document, checked, *refusal) {
	var c checked
	refused := func(d *document, r *refusal) (*document, checked, *refusal) {
		c.limit = r.reason
		return d, c, r
	}
	rd, expanded, r := m.readDocument(req, l)
	if rd == nil {
		return refused(nil, r)
	}
	d := &document{op: rd.op}
	c.operation = d.name()
	if r != nil {
		c.cost, c.estimated = expanded, expanded > 0
		return refused(d, r)
	}
	vars, r := m.coerceVariables(rd.op, req.Variables)
	if r != nil {
		return refused(d, r)
	}
	e := &estimate{vars: vars, costs: m.costs}
	c.tally = e.selections(rd.op.SelectionSet, nil, 1)
	c.cost, c.estimated = c.tally.cost(), true
	if r := e.checkEstimate(c.cost, l); r != nil {
		return refused(d, r)
	}
	d.text, d.gap = rd.text, rd.gap
	d.cost = c.cost
	return d, c, nil
}

// readDocument is a document read and held to every limit that does not
// depend on the variables, and the operation chosen from it. It is
// shared by the requests that send the same text, and never changed.
type readDocument struct {
	doc  *ast.QueryDocument
	op   *ast.OperationDefinition
	text string            // the operation as it runs (printOperation)
	gap  *introspectionGap // if it asks for introspection fields graphql-go lacks
}

// weight is what a read document counts for in the cache: its parsed
// form takes some tens of times the bytes of its text.
func (rd *readDocument) weight(query string) int64 { return int64(len(query))*40 + 1024 }

// readDocument reads the request's document, or takes it from the
// documents read before: it parses it, holds its own text to the limits,
// validates it, counts its root fields through fragments and the fields
// they expand to, and prints the operation to run. A document refused on
// the way is returned with why (nil if it did not parse, with the count
// of expanded fields if that is what refused it); only documents that
// passed are kept.
func (m *costModel) readDocument(req Request, l Limits) (rd *readDocument, expanded float64, r *refusal) {
	key := fmt.Sprintf("%d %d %d %d %q\x00%s", l.MaxQueryBytes, l.MaxAliases, l.MaxRootFields, l.MaxCost, req.OperationName, req.Query)
	if rd, ok := m.read.Get(key); ok {
		return rd, 0, nil
	}
	doc, op, r := parseDocument(req, l)
	if r != nil {
		return nil, 0, r
	}
	rd = &readDocument{doc: doc, op: op}
	if r := checkOwnText(op, l); r != nil {
		return rd, 0, r
	}
	if r := m.validate(doc); r != nil {
		return rd, 0, r
	}
	if r := checkRootsThroughFragments(op, l); r != nil {
		return rd, 0, r
	}
	if n, r := checkExpandedFields(op, l); r != nil {
		return rd, n, r
	}
	rd.text = printOperation(doc, op)
	rd.gap = findIntrospectionGap(m.schema, doc, op)
	m.read.Set(key, rd, rd.weight(req.Query))
	return rd, 0, nil
}

// checkOwnText holds the fields at the top of op and its aliased fields,
// as its own text shows them, to the limits. Validation compares fields
// pairwise, so hundreds of aliases cost it dearly: these are counted
// before it. They are no more than the query has with its fragments
// spread.
func checkOwnText(op *ast.OperationDefinition, l Limits) *refusal {
	roots, aliases := ownFields(op.SelectionSet, true)
	if roots > l.MaxRootFields {
		return tooManyRoots(roots, l.MaxRootFields)
	}
	if aliases > l.MaxAliases {
		return tooManyAliases(aliases, l.MaxAliases)
	}
	return nil
}

// checkRootsThroughFragments holds the fields at the top of op, counted
// through its fragments, to the limit.
func checkRootsThroughFragments(op *ast.OperationDefinition, l Limits) *refusal {
	if roots := countRoots(op.SelectionSet, l.MaxRootFields); roots > l.MaxRootFields {
		return tooManyRoots(roots, l.MaxRootFields)
	}
	return nil
}

// checkExpandedFields refuses op if it expands to more fields than the
// cost budget, and says how many. Every field costs at least one, so such
// a query is over the budget; this is counted in time linear in the
// query's length, before the estimate, which takes time in the expanded
// size.
func checkExpandedFields(op *ast.OperationDefinition, l Limits) (float64, *refusal) {
	n := expandedFields(op.SelectionSet, map[*ast.FragmentDefinition]float64{})
	if n <= float64(l.MaxCost) {
		return n, nil
	}
	return n, refuse(ReasonCost, CodeTooComplex, "the query expands to %.4g fields (fragments spread within fragments multiply), each costing at least one; the budget is %d. Spread fragments fewer times, or ask for fewer fields", n, l.MaxCost)
}

// checkEstimate holds what the walk found, the nesting, the aliases and
// the estimated cost, to the limits.
func (e *estimate) checkEstimate(cost float64, l Limits) *refusal {
	switch {
	case e.depth > l.MaxDepth:
		return refuse(ReasonDepth, CodeTooComplex, "the query nests fields %d deep; the limit is %d", e.depth, l.MaxDepth)
	case e.aliases > l.MaxAliases:
		return tooManyAliases(e.aliases, l.MaxAliases)
	case cost > float64(l.MaxCost):
		return refuse(ReasonCost, CodeTooComplex, "the query's estimated cost is %.0f; the budget is %d. Ask for fewer items (first, limit), less depth or fewer nested lists", cost, l.MaxCost)
	}
	return nil
}

// ownFields counts the fields at the top of set, if top, and the aliased
// fields anywhere in it, without following fragment spreads.
func ownFields(set ast.SelectionSet, top bool) (roots, aliases int) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if top {
				roots++
			}
			if s.Alias != "" && s.Alias != s.Name {
				aliases++
			}
			_, a := ownFields(s.SelectionSet, false)
			aliases += a
		case *ast.InlineFragment:
			r, a := ownFields(s.SelectionSet, top)
			roots, aliases = roots+r, aliases+a
		}
	}
	return roots, aliases
}

func tooManyRoots(n, limit int) *refusal {
	return refuse(ReasonRootFields, CodeTooComplex, "the query asks for %d fields at its top; the limit is %d: split it into several requests", n, limit)
}

func tooManyAliases(n, limit int) *refusal {
	return refuse(ReasonAliases, CodeTooComplex, "the query has %d aliased fields; the limit is %d: split it into several requests", n, limit)
}

// estimate walks one operation, adding up what it may cost.
type estimate struct {
	vars    map[string]any
	costs   costTable
	depth   int
	aliases int
	// introspecting counts the introspection fields (__schema, __type)
	// the walk is inside, whose nesting is not held to MaxDepth: the
	// standard introspection query that GraphiQL and other tools send
	// nests its type references deeper than any data query needs to. The
	// schema answers it from memory, and its cost is still counted.
	introspecting int
}

// countRoots counts the fields at the top of a selection, through
// fragments, until it has counted more than limit: fragments spread
// within fragments can multiply a short query's fields without end.
func countRoots(set ast.SelectionSet, limit int) int {
	n := 0
	for _, sel := range set {
		if n > limit {
			break
		}
		switch s := sel.(type) {
		case *ast.Field:
			n++
		case *ast.FragmentSpread:
			if s.Definition != nil {
				n += countRoots(s.Definition.SelectionSet, limit-n)
			}
		case *ast.InlineFragment:
			n += countRoots(s.SelectionSet, limit-n)
		}
	}
	return n
}

// expandedFields counts the fields of set with every spread of a fragment
// expanded, as selections walks them, but counts each fragment once
// (validation has ruled out cycles), so that a short query whose
// fragments spread each other twice, forty deep, is counted at once. The
// count saturates instead of overflowing.
func expandedFields(set ast.SelectionSet, fragments map[*ast.FragmentDefinition]float64) float64 {
	n := 0.0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			n += 1 + expandedFields(s.SelectionSet, fragments)
		case *ast.FragmentSpread:
			if d := s.Definition; d != nil {
				c, ok := fragments[d]
				if !ok {
					c = expandedFields(d.SelectionSet, fragments)
					fragments[d] = c
				}
				n += c
			}
		case *ast.InlineFragment:
			n += expandedFields(s.SelectionSet, fragments)
		}
	}
	return math.Min(n, math.MaxFloat64/1e6)
}

// selections is the work of a selection set at the given depth, whose
// parent field had the arguments parent: every field is a leaf or an
// object, once for each item it may hold; a list multiplies what lies
// beneath it by how many items it may hold; pages, scans and the
// traversals add the work they do (see workKind). The tally is of floats
// so that hostile nesting saturates instead of overflowing.
func (e *estimate) selections(set ast.SelectionSet, parent map[string]any, depth int) tally {
	if e.introspecting == 0 {
		e.depth = max(e.depth, depth)
	}
	var t tally
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
			introspection := s.Name == "__schema" || s.Name == "__type"
			if introspection {
				e.introspecting++
			}
			sub := e.selections(s.SelectionSet, args, depth+1)
			if introspection {
				e.introspecting--
			}
			// The field's own work is done once, whatever items it returns.
			t.add(e.costs.work(s, args))
			var own tally
			if len(s.SelectionSet) == 0 {
				own[workLeaf]++
			} else {
				own[workObject]++
			}
			t.add(own.plus(sub).times(items(s, args, parent)))
		case *ast.FragmentSpread:
			if s.Definition != nil {
				t.add(e.selections(s.Definition.SelectionSet, parent, depth))
			}
		case *ast.InlineFragment:
			t.add(e.selections(s.SelectionSet, parent, depth))
		}
	}
	return t.saturated()
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
	size := func(a map[string]any) (float64, bool) {
		for _, name := range []string{"first", "limit"} {
			if n, ok := number(a[name]); ok {
				return max(n, 1), true
			}
		}
		return 0, false
	}
	if n, ok := size(args); ok {
		return n
	}
	// A path's nodes and relations: its first says how many paths.
	if n, ok := number(parent["maxLength"]); ok {
		return max(n+1, 1)
	}
	if n, ok := size(parent); ok {
		return n
	}
	return defaultItems
}

// number reads an Int argument, as gqlparser gives it: from the query
// text or the schema's default as int64, from JSON variables as whatever
// number type the request decoded it to. Any Go number is read, so that
// no argument the resolvers will see as a number is costed as absent.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case nil:
		return 0, false
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return float64(rv.Uint()), true
	case reflect.Float32, reflect.Float64:
		return rv.Float(), true
	}
	return 0, false
}
