package schema

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
)

// graphql-go's introspection lacks three fields of the current GraphQL
// specification that tools ask for (graphql-js's getIntrospectionQuery
// with schemaDescription, directiveIsRepeatable or oneOf, and the code
// generators and schema fetchers built on it): __Schema.description,
// __Directive.isRepeatable and __Type.isOneOf. The limit check validates
// documents against gqlparser's introspection types, which have them, so
// a document that asks for them is checked like any other; graphql-go is
// then given the document without them (introspectionGap.text), and
// their values, which the SDL fixes, are put into its answer where the
// document asked for them (introspectionGap.fill). graphql-go still
// executes everything else, so there is one executor.

// gapField reports whether graphql-go lacks the field name of the
// introspection type typeName.
func gapField(typeName, name string) bool {
	switch typeName {
	case "__Schema":
		return name == "description"
	case "__Directive":
		return name == "isRepeatable"
	case "__Type":
		return name == "isOneOf"
	}
	return false
}

// The aliases of the fields added for graphql-go to run: the name of each
// directive and type whose gap fields are asked for, and __typename in
// the place of each field taken out. No answer shows them.
const (
	gapNameAlias     = "chanceryIntrospectionName"
	gapTypenameAlias = "chanceryIntrospectionTypename"
)

// introspectionGap is how a document that asks for fields graphql-go
// lacks is run.
type introspectionGap struct {
	s    *ast.Schema
	op   *ast.OperationDefinition // as checked, the fields graphql-go lacks included
	root string                   // the operation's root type
	text string                   // what graphql-go runs: the operation without them
}

// findIntrospectionGap returns how to run op, of the validated doc, if it
// asks for fields graphql-go lacks; nil if it asks for none.
func findIntrospectionGap(s *ast.Schema, doc *ast.QueryDocument, op *ast.OperationDefinition) *introspectionGap {
	if !asksGap(op.SelectionSet) {
		return nil
	}
	root := s.Query
	switch op.Operation {
	case ast.Mutation:
		root = s.Mutation
	case ast.Subscription:
		root = s.Subscription
	}
	if root == nil {
		return nil
	}
	out := &ast.QueryDocument{}
	for _, f := range doc.Fragments {
		c := *f
		c.SelectionSet = withoutGap(f.SelectionSet, f.TypeCondition)
		out.Fragments = append(out.Fragments, &c)
	}
	rop := *op
	rop.SelectionSet = withoutGap(op.SelectionSet, root.Name)
	out.Operations = ast.OperationList{&rop}
	return &introspectionGap{s: s, op: op, root: root.Name, text: printOperation(out, &rop)}
}

// asksGap reports whether set, through the fragments it spreads and the
// fields below it, selects a field graphql-go lacks.
func asksGap(set ast.SelectionSet) bool {
	return findField(set, func(f *ast.Field) bool {
		return (f.ObjectDefinition != nil && gapField(f.ObjectDefinition.Name, f.Name)) || asksGap(f.SelectionSet)
	}) != nil
}

// withoutGap copies set, a selection on the type typeName, without the
// fields graphql-go lacks, and with the name of each directive and type
// selected, which fill needs to give their values. The syntax tree it was
// given is shared with other requests, and is left as it was.
func withoutGap(set ast.SelectionSet, typeName string) ast.SelectionSet {
	if set == nil {
		return nil
	}
	out := make(ast.SelectionSet, 0, len(set)+1)
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.ObjectDefinition != nil && gapField(s.ObjectDefinition.Name, s.Name) {
				// In its place a field graphql-go has, with the same
				// directives, so that the variables they use are still
				// used and the selection is never empty.
				out = append(out, &ast.Field{Alias: gapTypenameAlias, Name: "__typename", Directives: s.Directives})
				continue
			}
			c := *s
			if s.Definition != nil {
				c.SelectionSet = withoutGap(s.SelectionSet, s.Definition.Type.Name())
			}
			out = append(out, &c)
		case *ast.InlineFragment:
			c := *s
			c.SelectionSet = withoutGap(s.SelectionSet, cmp.Or(s.TypeCondition, typeName))
			out = append(out, &c)
		default:
			out = append(out, sel)
		}
	}
	if typeName == "__Directive" || typeName == "__Type" {
		out = append(out, &ast.Field{Alias: gapNameAlias, Name: "name"})
	}
	return out
}

// fill puts the values of the fields graphql-go lacks into data, its
// answer, in the order the document asked for them, and takes out the
// fields added for it.
func (g *introspectionGap) fill(data json.RawMessage, vars map[string]any) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeOrdered(dec)
	if err != nil {
		return nil, fmt.Errorf("read graphql-go's answer: %w", err)
	}
	root, ok := v.(*orderedObject)
	if !ok {
		return data, nil
	}
	var buf bytes.Buffer
	if err := encodeOrdered(&buf, g.object(root, []ast.SelectionSet{g.op.SelectionSet}, g.root, vars, false)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// object is o, an object of the type typeName, as the selections sets
// ask for it. Below the root, only the introspection fields' objects are
// gone into (inIntrospection): only they may hold fields graphql-go
// lacks, and their types are all object types, so a fragment applies
// exactly when its type condition names the object's type.
func (g *introspectionGap) object(o *orderedObject, sets []ast.SelectionSet, typeName string, vars map[string]any, inIntrospection bool) *orderedObject {
	out := &orderedObject{}
	for _, f := range collectFields(sets, typeName, vars) {
		if gapField(typeName, f.name) {
			out.add(f.alias, g.value(typeName, f.name, o))
			continue
		}
		v, ok := o.get(f.alias)
		if !ok {
			continue
		}
		if into := inIntrospection || f.name == "__schema" || f.name == "__type"; into && f.typeName != "" {
			v = g.walk(v, f.sets, f.typeName, vars)
		}
		out.add(f.alias, v)
	}
	return out
}

// walk is v, a value of the type typeName, as the selection sets ask for
// it: objects are gone into, lists element by element.
func (g *introspectionGap) walk(v any, sets []ast.SelectionSet, typeName string, vars map[string]any) any {
	switch t := v.(type) {
	case *orderedObject:
		return g.object(t, sets, typeName, vars, true)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = g.walk(e, sets, typeName, vars)
		}
		return out
	}
	return v
}

// value is the value of the field name graphql-go lacks, on o, an object
// of the type typeName.
func (g *introspectionGap) value(typeName, name string, o *orderedObject) any {
	switch typeName {
	case "__Schema":
		if g.s.Description == "" {
			return nil
		}
		return g.s.Description
	case "__Directive":
		d := g.s.Directives[namedBy(o)]
		return d != nil && d.IsRepeatable
	case "__Type":
		// Null for every type but an input object, as the
		// specification has it; a list or non-null wrapper has no name.
		t := g.s.Types[namedBy(o)]
		if t == nil || t.Kind != ast.InputObject {
			return nil
		}
		return t.Directives.ForName("oneOf") != nil
	}
	return nil
}

// namedBy is the name of the directive or type o describes, as the field
// added for it holds it; "" if it has none.
func namedBy(o *orderedObject) string {
	v, _ := o.get(gapNameAlias)
	name, _ := v.(string)
	return name
}

// collectedField is a field of a selection, its sub-selections merged
// from every place the selection asks for it under the same response
// name.
type collectedField struct {
	alias, name string
	typeName    string // the named type of its value, "" if unknown
	sets        []ast.SelectionSet
}

// collectFields lists the fields sets select on an object of the type
// typeName, in the order of the answer, through fragments and without
// those @skip or @include leave out.
func collectFields(sets []ast.SelectionSet, typeName string, vars map[string]any) []*collectedField {
	var out []*collectedField
	byAlias := map[string]*collectedField{}
	var collect func(ast.SelectionSet, map[string]bool)
	collect = func(set ast.SelectionSet, spread map[string]bool) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if !included(s.Directives, vars) {
					continue
				}
				alias := cmp.Or(s.Alias, s.Name)
				f := byAlias[alias]
				if f == nil {
					f = &collectedField{alias: alias, name: s.Name}
					if s.Definition != nil {
						f.typeName = s.Definition.Type.Name()
					}
					byAlias[alias] = f
					out = append(out, f)
				}
				if s.SelectionSet != nil {
					f.sets = append(f.sets, s.SelectionSet)
				}
			case *ast.InlineFragment:
				if included(s.Directives, vars) && (s.TypeCondition == "" || s.TypeCondition == typeName) {
					collect(s.SelectionSet, spread)
				}
			case *ast.FragmentSpread:
				if spread[s.Name] || !included(s.Directives, vars) || s.Definition == nil || s.Definition.TypeCondition != typeName {
					continue
				}
				spread[s.Name] = true
				collect(s.Definition.SelectionSet, spread)
			}
		}
	}
	spread := map[string]bool{}
	for _, set := range sets {
		collect(set, spread)
	}
	return out
}

// included reports whether @skip and @include let a selection in.
func included(ds ast.DirectiveList, vars map[string]any) bool {
	flag := func(name string) (bool, bool) {
		d := ds.ForName(name)
		if d == nil {
			return false, false
		}
		a := d.Arguments.ForName("if")
		if a == nil || a.Value == nil {
			return false, false
		}
		v, err := a.Value.Value(vars)
		b, ok := v.(bool)
		return b, err == nil && ok
	}
	if skip, ok := flag("skip"); ok && skip {
		return false
	}
	if include, ok := flag("include"); ok && !include {
		return false
	}
	return true
}

// orderedObject is a JSON object that keeps the order of its members.
type orderedObject struct {
	keys []string
	vals []any
}

func (o *orderedObject) add(k string, v any) {
	o.keys = append(o.keys, k)
	o.vals = append(o.vals, v)
}

func (o *orderedObject) get(k string) (any, bool) {
	for i, key := range o.keys {
		if key == k {
			return o.vals[i], true
		}
	}
	return nil, false
}

// decodeOrdered reads one JSON value, its objects as *orderedObject.
func decodeOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &orderedObject{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := k.(string)
				if !ok {
					return nil, fmt.Errorf("an object's key is %v", k)
				}
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				o.add(key, v)
			}
			_, err := dec.Token()
			return o, err
		case '[':
			a := []any{}
			for dec.More() {
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := dec.Token()
			return a, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	}
	return tok, nil
}

// encodeOrdered writes v, as decodeOrdered reads it, as JSON.
func encodeOrdered(buf *bytes.Buffer, v any) error {
	var enc func(any) error
	enc = func(v any) error {
		switch t := v.(type) {
		case *orderedObject:
			buf.WriteByte('{')
			for i, k := range t.keys {
				if i > 0 {
					buf.WriteByte(',')
				}
				kb, err := json.Marshal(k)
				if err != nil {
					return err
				}
				buf.Write(kb)
				buf.WriteByte(':')
				if err := enc(t.vals[i]); err != nil {
					return err
				}
			}
			buf.WriteByte('}')
		case []any:
			buf.WriteByte('[')
			for i, e := range t {
				if i > 0 {
					buf.WriteByte(',')
				}
				if err := enc(e); err != nil {
					return err
				}
			}
			buf.WriteByte(']')
		default:
			b, err := json.Marshal(t)
			if err != nil {
				return err
			}
			buf.Write(b)
		}
		return nil
	}
	return enc(v)
}
