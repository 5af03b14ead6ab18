package schema

import (
	"fmt"
	"strings"

	gqlerrors "github.com/graph-gophers/graphql-go/errors"
	"github.com/vektah/gqlparser/v2/ast"
)

// Dates are checked with the rest of a request, before anything runs, so
// that one that does not parse is a refused request (400 as
// application/graphql-response+json, no data), as the GraphQL over HTTP
// specification has it for a literal or a variable that does not fit its
// type, rather than an error in the field that reads it after the rest
// of the query ran. The Date scalar reads what passes (Date.UnmarshalGraphQL).

// checkDateLiterals refuses a validated document any of whose Date
// literals, in arguments or in input objects and lists within them, does
// not parse, naming each with its argument and place in the document.
func checkDateLiterals(doc *ast.QueryDocument) *refusal {
	var errs []*gqlerrors.QueryError
	var inSet func(ast.SelectionSet)
	inSet = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				for _, a := range s.Arguments {
					where := fmt.Sprintf("the argument %s of %s", a.Name, s.Name)
					eachDateLiteral(a.Value, a.Name, func(v *ast.Value, path string, err error) {
						if path != a.Name {
							where = fmt.Sprintf("%s, in the argument %s of %s", path, a.Name, s.Name)
						}
						errs = append(errs, &gqlerrors.QueryError{
							Message:    fmt.Sprintf("%s is not a Date: %s", where, err),
							Locations:  []gqlerrors.Location{valueLocation(v)},
							Extensions: map[string]any{"code": CodeValidationFailed},
						})
					})
				}
				inSet(s.SelectionSet)
			case *ast.InlineFragment:
				inSet(s.SelectionSet)
			}
		}
	}
	for _, op := range doc.Operations {
		inSet(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		inSet(f.SelectionSet)
	}
	if len(errs) == 0 {
		return nil
	}
	return &refusal{reason: ReasonValidation, errs: errs}
}

// eachDateLiteral calls bad for each Date literal within v, at path, that
// does not parse. Variables are checked with the variables.
func eachDateLiteral(v *ast.Value, path string, bad func(*ast.Value, string, error)) {
	if v == nil {
		return
	}
	switch v.Kind {
	case ast.Variable, ast.NullValue:
		return
	case ast.ListValue:
		for i, c := range v.Children {
			eachDateLiteral(c.Value, fmt.Sprintf("%s[%d]", path, i), bad)
		}
		return
	case ast.ObjectValue:
		for _, c := range v.Children {
			eachDateLiteral(c.Value, path+"."+c.Name, bad)
		}
		return
	}
	if v.Definition == nil || v.Definition.Name != "Date" {
		return
	}
	raw, err := v.Value(nil)
	if err == nil {
		_, err = parseDateInput(raw)
	}
	if err != nil {
		bad(v, path, err)
	}
}

// checkDateVariables refuses variables, as coerced for op, any of whose
// Date values, at any depth of an input object or list, does not parse,
// naming the variable and the place within it.
func (m *costModel) checkDateVariables(op *ast.OperationDefinition, vars map[string]any) *refusal {
	var msgs []string
	for _, def := range op.VariableDefinitions {
		v, ok := vars[def.Variable]
		if !ok {
			continue
		}
		m.eachDateValue(def.Type, v, "$"+def.Variable, func(path string, err error) {
			msgs = append(msgs, fmt.Sprintf("%s is not a Date: %s", path, err))
		})
	}
	if len(msgs) == 0 {
		return nil
	}
	return refuse(ReasonValidation, CodeBadRequest, "the variables do not fit the operation: %s", strings.Join(msgs, "; "))
}

// eachDateValue calls bad for each Date within v, a value of the type t,
// at path, that does not parse.
func (m *costModel) eachDateValue(t *ast.Type, v any, path string, bad func(string, error)) {
	if v == nil || t == nil {
		return
	}
	if t.Elem != nil {
		if list, ok := v.([]any); ok {
			for i, e := range list {
				m.eachDateValue(t.Elem, e, fmt.Sprintf("%s[%d]", path, i), bad)
			}
			return
		}
		m.eachDateValue(t.Elem, v, path, bad) // a single value given for a list
		return
	}
	if t.NamedType == "Date" {
		if _, err := parseDateInput(v); err != nil {
			bad(path, err)
		}
		return
	}
	def := m.schema.Types[t.NamedType]
	obj, ok := v.(map[string]any)
	if def == nil || def.Kind != ast.InputObject || !ok {
		return
	}
	for _, f := range def.Fields {
		m.eachDateValue(f.Type, obj[f.Name], path+"."+f.Name, bad)
	}
}

// valueLocation is where a literal starts in the document: gqlparser
// places a string after its opening quotes.
func valueLocation(v *ast.Value) gqlerrors.Location {
	l := gqlerrors.Location{Line: v.Position.Line, Column: v.Position.Column}
	switch v.Kind {
	case ast.StringValue:
		l.Column--
	case ast.BlockValue:
		l.Column -= 3
	}
	return l
}
