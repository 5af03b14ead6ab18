package httpapi

import (
	"encoding/json"
	"reflect"
	"testing"

	gqlerrors "github.com/graph-gophers/graphql-go/errors"

	"github.com/chancery/chancery/schema"
)

// TestEncodeResponseIsJSONMarshal holds the hand-written encoder of
// responses to what encoding/json makes of the same response: the same
// JSON value, with the data exactly as graphql-go wrote it.
func TestEncodeResponseIsJSONMarshal(t *testing.T) {
	data := json.RawMessage(`{"entity":{"name":"Embassy <of> \"Cuba\" & Co","aliases":["Cuba – La Habana","\u00e9"],"n":1.5,"none":null,"list":[]}}`)
	for _, resp := range []*schema.Response{
		{},
		{Data: data},
		{Data: json.RawMessage(`null`), Errors: []*gqlerrors.QueryError{{
			Message:    "there is no entity country:atlantis",
			Path:       []any{"entity", 0, "name"},
			Locations:  []gqlerrors.Location{{Line: 1, Column: 3}},
			Extensions: map[string]any{"code": "NOT_FOUND"},
		}}},
		{Errors: []*gqlerrors.QueryError{{Message: "a <b> & c"}, {Message: "second"}}},
		{Data: data, Extensions: map[string]any{"cost": 12, "note": "é"}},
	} {
		got, err := encodeResponse(resp)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		var g, w any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("encodeResponse wrote %s, which is not JSON: %v", got, err)
		}
		if err := json.Unmarshal(want, &w); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("encodeResponse wrote\n%s\nbut json.Marshal writes\n%s", got, want)
		}
	}
}
