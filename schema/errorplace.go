package schema

import (
	"cmp"

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
		f = findField(set, func(f *ast.Field) bool { return cmp.Or(f.Alias, f.Name) == name })
		if f == nil {
			return nil
		}
		set = f.SelectionSet
	}
	return f
}
