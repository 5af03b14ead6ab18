package schema

import (
	gqlerrors "github.com/graph-gophers/graphql-go/errors"
	"github.com/vektah/gqlparser/v2/ast"
)

// placeErrors gives each error of a field its place in the user's own
// document. graphql-go runs the document as printed again (see
// document), so the lines and columns it could give are those of that
// text; the path of the field, which is the same in both, finds the field
// in the user's text instead.
func placeErrors(op *ast.OperationDefinition, errs []*gqlerrors.QueryError) {
	for _, e := range errs {
		if len(e.Path) == 0 {
			continue
		}
		if f := fieldAt(op.SelectionSet, e.Path); f != nil {
			e.Locations = []gqlerrors.Location{{Line: f.Position.Line, Column: f.Position.Column}}
		}
	}
}

// fieldAt is the field of set that answers at path (response names, and
// list indexes, which it passes over), looking through fragments; nil if
// none does.
func fieldAt(set ast.SelectionSet, path []any) *ast.Field {
	var f *ast.Field
	for _, step := range path {
		name, ok := step.(string)
		if !ok {
			continue
		}
		if f = fieldNamed(set, name, map[string]bool{}); f == nil {
			return nil
		}
		set = f.SelectionSet
	}
	return f
}

// fieldNamed is the first field of set, through its fragments, whose
// response name is name.
func fieldNamed(set ast.SelectionSet, name string, spread map[string]bool) *ast.Field {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Alias == name || (s.Alias == "" && s.Name == name) {
				return s
			}
		case *ast.InlineFragment:
			if f := fieldNamed(s.SelectionSet, name, spread); f != nil {
				return f
			}
		case *ast.FragmentSpread:
			if s.Definition == nil || spread[s.Name] {
				continue
			}
			spread[s.Name] = true
			if f := fieldNamed(s.Definition.SelectionSet, name, spread); f != nil {
				return f
			}
		}
	}
	return nil
}
