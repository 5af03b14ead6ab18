package schema

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/chancery/chancery/graph"
)

// Date is the GraphQL Date scalar: a graph.Date that reads from a string
// ("1994-09") or a bare year (1990) and writes as a string.
type Date struct {
	graph.Date
}

// ImplementsGraphQLType binds Date to the scalar of that name in the SDL.
func (Date) ImplementsGraphQLType(name string) bool { return name == "Date" }

// UnmarshalGraphQL reads a Date argument. The error names the value and
// says what a date looks like, because graphql-go shows it to the caller.
func (d *Date) UnmarshalGraphQL(input any) error {
	var s string
	switch v := input.(type) {
	case string:
		s = v
	case int32:
		s = fmt.Sprintf("%04d", v)
	case int64:
		s = fmt.Sprintf("%04d", v)
	case int:
		s = fmt.Sprintf("%04d", v)
	case float64:
		if v != math.Trunc(v) {
			return invalid("Date %v is not a year; write dates as 1994, 1994-09 or 1994-09-15", v)
		}
		s = fmt.Sprintf("%04d", int64(v))
	default:
		return invalid("a Date is a string such as \"1994-09\" or a year such as 1994, not %T", input)
	}
	pd, err := graph.ParseDate(s)
	if err != nil {
		return invalid("Date argument: %s", graph.ErrorMessage(err))
	}
	d.Date = pd
	return nil
}

// MarshalJSON writes the date as an ISO 8601 string at its own precision.
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// asOf returns the date an optional argument names, or the zero date.
// when reads a query's asOf and include arguments: what it asks about.
func when(d *Date, include string) graph.When {
	return graph.When{AsOf: asOf(d), Possible: include == "POSSIBLE"}
}

func asOf(d *Date) graph.Date {
	if d == nil {
		return graph.Date{}
	}
	return d.Date
}

// outDate is the Date scalar as resolvers return it: the date written
// out at its own precision. graphql-go writes every scalar with
// json.Marshal, and encoding/json checks and compacts again what a
// MarshalJSON, such as Date's, returns; outDate has none, and is written
// as the string it is, as outID is.
type outDate string

// ImplementsGraphQLType binds outDate to the Date scalar.
func (outDate) ImplementsGraphQLType(name string) bool { return name == "Date" }

// UnmarshalGraphQL reads a Date, as graphql-go requires of a scalar
// type; arguments use Date, so this is not called in practice.
func (d *outDate) UnmarshalGraphQL(input any) error {
	var in Date
	if err := in.UnmarshalGraphQL(input); err != nil {
		return err
	}
	*d = outDate(in.String())
	return nil
}

// dateOrNil returns a nullable Date field for d.
func dateOrNil(d graph.Date) *outDate {
	if d.IsZero() {
		return nil
	}
	out := outDate(d.String())
	return &out
}
