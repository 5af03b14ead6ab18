package schema

import "fmt"

// outID is the ID scalar as resolvers return it. graphql-go writes every
// scalar with json.Marshal; graphql.ID has a MarshalJSON, so each id was
// quoted by it and then checked and compacted by encoding/json, a tenth
// of the CPU of an answer of a thousand objects. outID has none, and
// encoding/json writes it as the string it is.
type outID string

// ImplementsGraphQLType binds outID to the ID scalar.
func (outID) ImplementsGraphQLType(name string) bool { return name == "ID" }

// UnmarshalGraphQL reads an ID, as graphql-go requires of a scalar type;
// arguments use graphql.ID, so this is not called in practice.
func (id *outID) UnmarshalGraphQL(input any) error {
	s, ok := input.(string)
	if !ok {
		return fmt.Errorf("an ID is a string, not %T", input)
	}
	*id = outID(s)
	return nil
}
