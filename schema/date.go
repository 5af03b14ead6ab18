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

// UnmarshalGraphQL reads a Date argument. The limit check has parsed it
// already (checkDateLiterals, checkDateVariables), so an error here is
// not expected; it names the value and says what a date looks like.
func (d *Date) UnmarshalGraphQL(input any) error {
	pd, err := parseDateInput(input)
	if err != nil {
		return invalid("Date argument: %s", err)
	}
	d.Date = pd
	return nil
}

// earliestBareYear is the first year a Date may be written as a bare
// number: every date Chancery holds is later, so a smaller one, such as
// asOf: 90, is a mistake for 1990 far more often than the year 90.
const earliestBareYear = 1000

// parseDateInput reads a Date as a request gives it: a string
// ("1994-09") or a bare year (1990), as a literal or as a variable's JSON
// number. The error says what was wrong and what a date looks like.
func parseDateInput(input any) (graph.Date, error) {
	var year int64
	switch v := input.(type) {
	case string:
		d, err := graph.ParseDate(v)
		if err != nil {
			return graph.Date{}, fmt.Errorf("%s", graph.ErrorMessage(err))
		}
		return d, nil
	case int32:
		year = int64(v)
	case int64:
		year = v
	case int:
		year = int64(v)
	case float64:
		if v != math.Trunc(v) || math.Abs(v) > 1e6 {
			return graph.Date{}, fmt.Errorf("%v is not a year; write dates as 1994, 1994-09 or 1994-09-15", v)
		}
		year = int64(v)
	case json.Number:
		n, err := v.Int64()
		if err != nil {
			return graph.Date{}, fmt.Errorf("%s is not a year; write dates as 1994, 1994-09 or 1994-09-15", v)
		}
		year = n
	default:
		return graph.Date{}, fmt.Errorf("a Date is a string such as \"1994-09\" or a year such as 1994, not %s", jsonTypeName(input))
	}
	if year < earliestBareYear {
		return graph.Date{}, fmt.Errorf("%d would be the year %d, before anything Chancery holds; write the year in full, such as 1990, or as a string of four digits (\"%04d\") if you mean it", year, year, max(year, 0))
	}
	d, err := graph.ParseDate(fmt.Sprintf("%04d", year))
	if err != nil {
		return graph.Date{}, fmt.Errorf("%s", graph.ErrorMessage(err))
	}
	return d, nil
}

// jsonTypeName names the JSON type of a value as a request decodes it.
func jsonTypeName(v any) string {
	switch v.(type) {
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
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
