package schema

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"sync"
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
	operation string  // the operation's name, opAnonymous, or "" if the query does not say
	cost      float64 // the estimated cost, if estimated
	tally     tally   // the work the cost weighs, if estimated
	estimated bool
	limit     string // why the query was refused: reasonLength, reasonParse, reasonDepth...
}

// check reads a request's query once (see document) and holds it to the
// limits. It returns the document to run, or why it will not run; a
// document refused after it was parsed is returned too, so that the
// caller knows its operation (a mutation sent by GET is refused as such).
func (m *costModel) check(req Request, l Limits) (*document, checked, *refusal) {
	var c checked
	refused := func(d *document, r *refusal) (*document, checked, *refusal) {
		c.limit = r.reason
		return d, c, r
	}
	doc, op, r := parseDocument(req, l)
	if r != nil {
		return refused(nil, r)
	}
	d := &document{op: op}
	c.operation = d.name()
	// Validation compares fields pairwise, so hundreds of aliases cost it
	// dearly: what the operation's own text shows is counted first. It is
	// no more than the query has with its fragments spread.
	if roots, aliases := ownFields(op.SelectionSet, true); roots > l.MaxRootFields {
		return refused(d, tooManyRoots(roots, l.MaxRootFields))
	} else if aliases > l.MaxAliases {
		return refused(d, tooManyAliases(aliases, l.MaxAliases))
	}
	vars, r := m.validate(doc, op, req.Variables)
	if r != nil {
		return refused(d, r)
	}
	e := &estimate{vars: vars}
	roots := e.countRoots(op.SelectionSet, l.MaxRootFields)
	if roots > l.MaxRootFields {
		return refused(d, tooManyRoots(roots, l.MaxRootFields))
	}
	// Every field costs at least one, so a query that expands to more
	// fields than the budget is over it; counted first, in time linear in
	// its length, because the walk below takes time in the expanded size.
	if n := expandedFields(op.SelectionSet, map[*ast.FragmentDefinition]float64{}); n > float64(l.MaxCost) {
		c.cost, c.estimated = n, true
		return refused(d, refuse(reasonCost, CodeTooComplex, "the query expands to %.4g fields (fragments spread within fragments multiply), each costing at least one; the budget is %d. Spread fragments fewer times, or ask for fewer fields", n, l.MaxCost))
	}
	t := e.selections(op.SelectionSet, nil, 1)
	cost := t.cost()
	c.cost, c.estimated, c.tally = cost, true, t
	switch {
	case e.depth > l.MaxDepth:
		return refused(d, refuse(reasonDepth, CodeTooComplex, "the query nests fields %d deep; the limit is %d", e.depth, l.MaxDepth))
	case e.aliases > l.MaxAliases:
		return refused(d, tooManyAliases(e.aliases, l.MaxAliases))
	case cost > float64(l.MaxCost):
		return refused(d, refuse(reasonCost, CodeTooComplex, "the query's estimated cost is %.0f; the budget is %d. Ask for fewer items (first, limit), less depth or fewer nested lists", cost, l.MaxCost))
	}
	d.text = printOperation(doc, op)
	d.cost = cost
	return d, c, nil
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
	return refuse(reasonRootFields, CodeTooComplex, "the query asks for %d fields at its top; the limit is %d: split it into several requests", n, limit)
}

func tooManyAliases(n, limit int) *refusal {
	return refuse(reasonAliases, CodeTooComplex, "the query has %d aliased fields; the limit is %d: split it into several requests", n, limit)
}

// estimate walks one operation, adding up what it may cost.
type estimate struct {
	vars    map[string]any
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
func (e *estimate) countRoots(set ast.SelectionSet, limit int) int {
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
				n += e.countRoots(s.Definition.SelectionSet, limit-n)
			}
		case *ast.InlineFragment:
			n += e.countRoots(s.SelectionSet, limit-n)
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
			t.add(fieldWork(s, args))
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

// workKind is a kind of work the cost model counts. A query's estimate is
// how much of each kind it may do (a tally), and its cost the sum of
// those weighted by costWeights.
type workKind int

const (
	// workLeaf is a scalar or enum field, once for each item.
	workLeaf workKind = iota
	// workObject is a field of an object or interface type (an entity,
	// a relation, an edge, a page), once for each item: its resolver,
	// and for an entity or relation the record it may read.
	workObject
	// workPage is a record a page of a connection may read from the
	// store (an entity's relations, Query.relations, Query.entities): its
	// first, once for each item of the field above it.
	workPage
	// workScan is a listing that reads what it does not return: one as
	// of a date or with include: POSSIBLE, which reads past what the
	// date rules out, and a totalCount that reads every match.
	workScan
	// workNeighbourhood is a relation a neighbourhood may read: its
	// limit, for each hop of its depth.
	workNeighbourhood
	// workPathSearch is one path search, and workPathStep a step of it:
	// first times maxLength.
	workPathSearch
	workPathStep
	// workRepresentation is one representation.
	workRepresentation
	// workLineage is one lineage.
	workLineage
	// workCount is one count from the counts index, and workCountRead
	// one that reads what it counts (include: POSSIBLE as of a date).
	workCount
	workCountRead
	// workSearchHit is a result a search may rank: its first.
	workSearchHit
	numWorkKinds
)

// workNames name the kinds of work, for the tests that fit the weights.
var workNames = [numWorkKinds]string{"leaf", "object", "page", "scan", "neighbourhood", "path-search", "path-step",
	"representation", "lineage", "count", "count-read", "search-hit"}

// tally is how much of each kind of work a query may do.
type tally [numWorkKinds]float64

func (t *tally) add(o tally) {
	for i := range t {
		t[i] += o[i]
	}
}

func (t tally) plus(o tally) tally {
	t.add(o)
	return t
}

func (t tally) times(n float64) tally {
	for i := range t {
		t[i] *= n
	}
	return t
}

// saturated caps every count, so that sums and products of hostile
// nesting stay finite.
func (t tally) saturated() tally {
	for i := range t {
		t[i] = math.Min(t[i], math.MaxFloat64/1e12)
	}
	return t
}

// cost weighs the tally.
func (t tally) cost() float64 {
	c := 0.0
	for i, n := range t {
		c += n * costWeights[i]
	}
	return math.Min(c, math.MaxFloat64/1e6)
}

// costWeights are the cost of each kind of work, in units of about a
// microsecond of one core. They were fitted with
//
//	chancery bench --data DIR --costs
//
// on stores of 10^5 and 10^6 relations from chancery gen --seed 1, on a
// virtual machine with two cores (GOMAXPROCS 2), so that the estimate of
// each query it times bounds the median time of that query on the larger
// store where the work is bounded by the query's arguments: a query at
// the default budget of 100,000 takes about 100 ms or less there. The
// medians that set them (ms, 10^5 / 10^6, against the estimate in
// thousands): relations(first: 500) with both ends 20.6 / -, 21.5;
// 500 relations of a hub each with 20 of its far end's 222 / -, 360;
// 500 entities each with 50 relations and their far ends 147 / 542, 660;
// 500 entities with every scalar 12.7 / 15.2, 43; neighbourhood(limit:
// 2000) depth 1 42 / 27, 56, depth 2 76 / 38, 78; paths(maxLength: 6,
// first: 20) 81 at 10^5, 92; search(first: 100) 16 / 9.5, 17; lineage
// 0.5, 0.6. docs/api.md ("Limits") has the whole table.
//
// Some work grows with the data rather than with the arguments: a path
// search reads every relation of the hubs it passes (up to half a
// million), a representation lists every mission between the two, and a
// scan reads what it skips or counts. These are costed at dataBound,
// above the default threshold of costly queries (a quarter of the
// budget), so that they take turns in the costly slots however long they
// run; between the largest hubs of 10^6 relations they took 1.3 s
// (paths) and 1.6 s (representation), which no estimate from their
// arguments alone can bound.
var costWeights = tally{
	workLeaf:           1,
	workObject:         2,
	workPage:           25,
	workScan:           dataBound,
	workNeighbourhood:  11,
	workPathSearch:     dataBound,
	workPathStep:       500,
	workRepresentation: dataBound + 10_000,
	workLineage:        500,
	workCount:          300,
	workCountRead:      dataBound,
	workSearchHit:      160,
}

// dataBound is the cost of work that grows with the data rather than with
// a query's arguments; see costWeights.
const dataBound = 30_000

// fieldWork is what a field does beyond resolving itself and its items:
// the store reads of pages and scans, and the traversals. It is never
// negative: a negative limit, refused when the field runs, must not pay
// for the rest of the query.
func fieldWork(f *ast.Field, args map[string]any) tally {
	var t tally
	num := func(name string) float64 {
		n, _ := number(args[name])
		return max(n, 0)
	}
	dated := args["asOf"] != nil
	possible := args["include"] == "POSSIBLE"
	switch on := f.ObjectDefinition; {
	case on == nil:
	case on.Name == "Query":
		switch f.Name {
		case "neighbourhood":
			t[workNeighbourhood] = num("limit") * max(num("depth"), 1)
		case "paths":
			t[workPathSearch] = 1
			t[workPathStep] = max(num("first"), 1) * max(num("maxLength"), 1)
		case "representation":
			t[workRepresentation] = 1
		case "lineage":
			t[workLineage] = 1
		case "count":
			t[workCount] = 1
			if dated && possible {
				t[workCountRead] = 1
			}
		case "search":
			t[workSearchHit] = max(num("first"), 1)
		case "relations":
			t[workPage] = pageSize(args)
			// A page as of a date reads past what the date rules out. By
			// types alone over all of history the counts index has the
			// total; any other total reads every match.
			filtered := args["from"] != nil || args["to"] != nil || args["context"] != nil
			if (dated && num("first") > 0) || (selects(f.SelectionSet, "totalCount") && (filtered || dated)) {
				t[workScan] = 1
			}
		case "entities":
			t[workPage] = pageSize(args)
			// The counts index has the totals of what is known to hold;
			// what may have held is read.
			if (dated && num("first") > 0) || (dated && possible && selects(f.SelectionSet, "totalCount")) {
				t[workScan] = 1
			}
		}
	case f.Name == "relations" && f.Definition.Type.Name() == "RelationConnection":
		// An entity's relations: a page, or every one of them for a
		// total or as of a date.
		t[workPage] = pageSize(args)
		if dated || selects(f.SelectionSet, "totalCount") {
			t[workScan] = 1
		}
	}
	return t
}

// pageSize is how many records a page may read: its first, and one more
// to know whether another page follows.
func pageSize(args map[string]any) float64 {
	n, _ := number(args["first"])
	return max(n, 0) + 1
}

// selects reports whether set asks for the field name, directly or in
// its inline fragments and fragment spreads.
func selects(set ast.SelectionSet, name string) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == name {
				return true
			}
		case *ast.InlineFragment:
			if selects(s.SelectionSet, name) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && selects(s.Definition.SelectionSet, name) {
				return true
			}
		}
	}
	return false
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
