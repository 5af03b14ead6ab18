package schema

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// workKind is a kind of work the cost model counts. A query's estimate is
// how much of each kind it may do (a tally), and its cost the sum of
// those weighted by costWeights. Leaves and objects are counted for each
// item a field may hold; the other kinds are what a field declares it
// does with its @cost directives in the SDL, read into a costTable.
type workKind int

const (
	// workLeaf is a scalar or enum field, once for each item.
	workLeaf workKind = iota
	// workObject is a field of an object or interface type (an entity,
	// a relation, an edge, a page), once for each item: its resolver,
	// and for an entity or relation the record it may read.
	workObject
	// workPage is a record a page of a connection may read from the
	// store, once for each item of the field above it.
	workPage
	// workScan is a listing that reads what it does not return: past
	// what a date rules out, or every match for a total.
	workScan
	// workNeighbourhood is a relation a neighbourhood may read at one
	// hop.
	workNeighbourhood
	// workPathSearch is one path search, and workPathStep a step of it.
	workPathSearch
	workPathStep
	// workRepresentation is one representation.
	workRepresentation
	// workLineage is one lineage.
	workLineage
	// workCount is one count from the counts index, and workCountRead
	// one that reads what it counts.
	workCount
	workCountRead
	// workSearchHit is a result a search may rank.
	workSearchHit
	numWorkKinds
)

// workNames name the kinds of work, for the tests that fit the weights;
// the values of the SDL's enum CostWork spell them in capitals
// (costWorkName).
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

// costTable is what each field does beyond resolving itself and its
// items, as the @cost directives of the SDL declare it (cost.graphql
// describes them), by type and field. A field declared
// @cost(work: ITEMS) has an entry with no rules.
type costTable map[costKey][]costRule

// costKey names a field of an object or interface type.
type costKey struct{ typ, field string }

// costRule is one @cost directive of a field: a kind of work, how much of
// it the field's arguments say it does, and when it does it.
type costRule struct {
	work workKind
	// by names the argument whose value is the amount; "" for one.
	by string
	// per names the arguments that multiply it, each at least one.
	per []string
	// plus is added after multiplying.
	plus float64
	// The conditions, all of which must hold: one of ifGiven is given,
	// ifPositive is above zero, the argument ifArgument is ifEquals, the
	// selection asks for ifSelects. An empty one always holds.
	ifGiven              []string
	ifPositive           string
	ifArgument, ifEquals string
	ifSelects            string
}

// work is what field f, called with args, does beyond resolving itself
// and its items. Where a field declares one kind of work more than once,
// the largest amount that applies counts.
func (t costTable) work(f *ast.Field, args map[string]any) tally {
	var w tally
	if f.ObjectDefinition == nil {
		return w
	}
	for _, r := range t[costKey{f.ObjectDefinition.Name, f.Name}] {
		w[r.work] = max(w[r.work], r.amount(args, f.SelectionSet))
	}
	return w
}

// amount is how much of its work the rule gives a field called with args
// and selecting set. It is never negative: a negative limit, refused when
// the field runs, must not pay for the rest of the query.
func (r costRule) amount(args map[string]any, set ast.SelectionSet) float64 {
	if !r.applies(args, set) {
		return 0
	}
	n := 1.0
	if r.by != "" {
		v, _ := number(args[r.by])
		n = max(v, 0)
	}
	for _, name := range r.per {
		v, _ := number(args[name])
		n *= max(v, 1)
	}
	return n + r.plus
}

// applies reports whether the rule's conditions hold for a field called
// with args and selecting set.
func (r costRule) applies(args map[string]any, set ast.SelectionSet) bool {
	given := func(name string) bool { return args[name] != nil }
	if len(r.ifGiven) > 0 && !slices.ContainsFunc(r.ifGiven, given) {
		return false
	}
	if n, _ := number(args[r.ifPositive]); r.ifPositive != "" && n <= 0 {
		return false
	}
	if r.ifArgument != "" && args[r.ifArgument] != r.ifEquals {
		return false
	}
	return r.ifSelects == "" || selects(set, r.ifSelects)
}

// sizeArguments are the arguments that say how much a field may return or
// read: a field that takes one of them may read more than a constant
// amount.
var sizeArguments = []string{"first", "limit", "depth", "maxLength"}

// readCostTable reads the @cost directives of every field of s. It fails,
// naming the field, on a directive it cannot read, and on a field that
// may read more than a constant amount (it returns a list or a
// connection, or takes one of sizeArguments) but declares no @cost, so
// that a new or renamed traversal cannot cost nothing. A field of an
// object type without @cost of its own has those of the same field of
// the interfaces it implements.
func readCostTable(s *ast.Schema) (costTable, error) {
	kinds, err := costWorkKinds(s)
	if err != nil {
		return nil, err
	}
	t := costTable{}
	for _, def := range costedTypes(s) {
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			rules, declared, err := readFieldCost(s, kinds, def, f)
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", def.Name, f.Name, err)
			}
			if declared {
				t[costKey{def.Name, f.Name}] = rules
			}
		}
	}
	return t, nil
}

// readFieldCost reads the @cost directives of field f of def into rules.
// declared reports whether it has any; one that may read more than a
// constant amount without any is an error.
func readFieldCost(s *ast.Schema, kinds map[string]workKind, def *ast.Definition, f *ast.FieldDefinition) (rules []costRule, declared bool, err error) {
	dirs := costDirectives(s, def, f)
	if len(dirs) == 0 {
		if mayReadMore(f) {
			return nil, false, errors.New("it may read more than a constant amount but declares no @cost: add one that says what it reads (schema/cost.graphql describes them)")
		}
		return nil, false, nil
	}
	for _, d := range dirs {
		r, items, err := readCostRule(s, kinds, f, d)
		if err != nil {
			return nil, false, err
		}
		if !items {
			rules = append(rules, r)
		}
	}
	return rules, true, nil
}

// costedTypes are the object and interface types of s, by name, without
// those of introspection.
func costedTypes(s *ast.Schema) []*ast.Definition {
	var defs []*ast.Definition
	for name, def := range s.Types {
		if (def.Kind == ast.Object || def.Kind == ast.Interface) && !strings.HasPrefix(name, "__") {
			defs = append(defs, def)
		}
	}
	slices.SortFunc(defs, func(a, b *ast.Definition) int { return cmp.Compare(a.Name, b.Name) })
	return defs
}

// costDirectives are the @cost directives of field f of def: its own, or
// else those of the same field of the first interface def implements that
// declares any.
func costDirectives(s *ast.Schema, def *ast.Definition, f *ast.FieldDefinition) []*ast.Directive {
	if own := f.Directives.ForNames("cost"); len(own) > 0 {
		return own
	}
	for _, name := range def.Interfaces {
		if iface := s.Types[name]; iface != nil {
			if g := iface.Fields.ForName(f.Name); g != nil {
				if dirs := g.Directives.ForNames("cost"); len(dirs) > 0 {
					return dirs
				}
			}
		}
	}
	return nil
}

// mayReadMore reports whether f may read more than a constant amount: it
// returns a list or a connection, or takes one of sizeArguments.
func mayReadMore(f *ast.FieldDefinition) bool {
	if f.Type.Elem != nil || strings.HasSuffix(f.Type.Name(), "Connection") {
		return true
	}
	return slices.ContainsFunc(sizeArguments, func(name string) bool { return f.Arguments.ForName(name) != nil })
}

// costWorkItems is the value of enum CostWork that declares no work
// beyond a field's items.
const costWorkItems = "ITEMS"

// costWorkKinds maps the values of the SDL's enum CostWork to the kinds of
// work the model weighs: PATH_STEP is workPathStep, named "path-step" in
// workNames. Every value but ITEMS must name a kind, and every kind but
// those each item does (leaf, object) must have a value.
func costWorkKinds(s *ast.Schema) (map[string]workKind, error) {
	enum := s.Types["CostWork"]
	if enum == nil || enum.Kind != ast.Enum {
		return nil, errors.New("the schema has no enum CostWork: schema/cost.graphql declares it")
	}
	byName := map[string]workKind{}
	for k := workPage; k < numWorkKinds; k++ {
		byName[costWorkName(k)] = k
	}
	kinds := map[string]workKind{}
	for _, v := range enum.EnumValues {
		if v.Name == costWorkItems {
			continue
		}
		k, ok := byName[v.Name]
		if !ok {
			return nil, fmt.Errorf("enum CostWork has %s, a kind of work the cost model does not weigh: add it to workKind, workNames and costWeights in schema/cost.go", v.Name)
		}
		kinds[v.Name] = k
	}
	for name, k := range byName {
		if _, ok := kinds[name]; !ok {
			return nil, fmt.Errorf("enum CostWork lacks %s, the work %q the cost model weighs: add it in schema/cost.graphql", name, workNames[k])
		}
	}
	return kinds, nil
}

// costWorkName is the value of enum CostWork that names k: "path-step"
// in workNames is PATH_STEP.
func costWorkName(k workKind) string {
	return strings.ToUpper(strings.ReplaceAll(workNames[k], "-", "_"))
}

// readCostRule reads directive d of field f. items reports a directive
// that declares no work beyond the field's items, @cost(work: ITEMS).
func readCostRule(s *ast.Schema, kinds map[string]workKind, f *ast.FieldDefinition, d *ast.Directive) (r costRule, items bool, err error) {
	argument := func(name string) (*ast.ArgumentDefinition, error) {
		if a := f.Arguments.ForName(name); a != nil {
			return a, nil
		}
		return nil, fmt.Errorf("@cost names the argument %q, which the field does not take", name)
	}
	intArgument := func(name string) (string, error) {
		a, err := argument(name)
		if err == nil && a.Type.Name() != "Int" {
			err = fmt.Errorf("@cost counts by the argument %q, which is not an Int", name)
		}
		return name, err
	}
	var work string
	for _, a := range d.Arguments {
		v, err := a.Value.Value(nil)
		if err != nil {
			return r, false, fmt.Errorf("@cost(%s): %w", a.Name, err)
		}
		switch a.Name {
		case "work":
			work, _ = v.(string)
		case "by":
			r.by, err = intArgument(text(v))
		case "per":
			for _, name := range texts(v) {
				if _, err = intArgument(name); err != nil {
					break
				}
				r.per = append(r.per, name)
			}
		case "plus":
			n, _ := v.(int64)
			if n < 0 {
				err = fmt.Errorf("@cost(plus: %d) would lower the cost; it must be zero or more", n)
			}
			r.plus = float64(n)
		case "ifGiven":
			for _, name := range texts(v) {
				if _, err = argument(name); err != nil {
					break
				}
				r.ifGiven = append(r.ifGiven, name)
			}
		case "ifPositive":
			r.ifPositive, err = intArgument(text(v))
		case "ifValue":
			r.ifArgument, r.ifEquals, err = readArgumentValue(s, f, text(v))
		case "ifSelects":
			r.ifSelects = text(v)
			if t := s.Types[f.Type.Name()]; t == nil || t.Fields.ForName(r.ifSelects) == nil {
				err = fmt.Errorf("@cost(ifSelects: %q) names a field that %s does not have", r.ifSelects, f.Type.Name())
			}
		default:
			err = fmt.Errorf("@cost has the argument %s, which the cost model does not read: read it in readCostRule (schema/cost.go), or remove it from schema/cost.graphql", a.Name)
		}
		if err != nil {
			return r, false, err
		}
	}
	if work == costWorkItems {
		if len(d.Arguments) > 1 {
			return r, false, errors.New("@cost(work: ITEMS) declares no work, so it takes no other argument")
		}
		return r, true, nil
	}
	k, ok := kinds[work]
	if !ok {
		return r, false, fmt.Errorf("@cost names the work %q, which enum CostWork (schema/cost.graphql) does not have", work)
	}
	r.work = k
	return r, false, nil
}

// readArgumentValue reads the ifValue of a @cost of field f, an argument
// and its value written as in a query: "include: POSSIBLE".
func readArgumentValue(s *ast.Schema, f *ast.FieldDefinition, cond string) (name, value string, err error) {
	name, value, ok := strings.Cut(cond, ":")
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if !ok || name == "" || value == "" {
		return "", "", fmt.Errorf("@cost(ifValue: %q) must be an argument and its value, such as \"include: POSSIBLE\"", cond)
	}
	a := f.Arguments.ForName(name)
	if a == nil {
		return "", "", fmt.Errorf("@cost(ifValue: %q) names the argument %q, which the field does not take", cond, name)
	}
	enum := s.Types[a.Type.Name()]
	if enum == nil || enum.Kind != ast.Enum || enum.EnumValues.ForName(value) == nil {
		return "", "", fmt.Errorf("@cost(ifValue: %q): %s is not a value of the argument's enum %s", cond, value, a.Type.Name())
	}
	return name, value, nil
}

// text is a string argument of a directive.
func text(v any) string {
	s, _ := v.(string)
	return s
}

// texts is a list of strings argument of a directive.
func texts(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, e := range list {
		out = append(out, text(e))
	}
	return out
}

// selects reports whether set asks for the field name, directly or in
// its inline fragments and fragment spreads.
func selects(set ast.SelectionSet, name string) bool {
	return findField(set, func(f *ast.Field) bool { return f.Name == name }) != nil
}

// findField is the first field of set, in its own fields and those of its
// inline fragments and fragment spreads, of which match holds; nil if
// none. It does not look below a field (match may). The documents it is
// given have passed checkExpandedFields, which bounds what fragments
// spread within fragments can make of a short text.
func findField(set ast.SelectionSet, match func(*ast.Field) bool) *ast.Field {
	for _, sel := range set {
		var f *ast.Field
		switch s := sel.(type) {
		case *ast.Field:
			if match(s) {
				f = s
			}
		case *ast.InlineFragment:
			f = findField(s.SelectionSet, match)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				f = findField(s.Definition.SelectionSet, match)
			}
		}
		if f != nil {
			return f
		}
	}
	return nil
}
