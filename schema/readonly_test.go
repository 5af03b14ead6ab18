package schema_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chancery/chancery/schema"
)

// TestNoWriterIsReadOnly checks that an API built without a writer reads
// as any other but answers a permitted mutation that the store cannot be
// written to, and writes nothing.
func TestNoWriterIsReadOnly(t *testing.T) {
	db := MustOpenSeeded(t)
	api, err := schema.New(db, nil, nil, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(schema.Handler(api, schema.HandlerOptions{Tokens: []string{testToken}}))
	t.Cleanup(ts.Close)
	s := &server{Server: ts}

	d := s.mustData(t, `{ entity(id: "country:switzerland") { name } }`, nil)
	if at(d, "entity", "name") != "Switzerland" {
		t.Errorf("read: %v", d)
	}
	before, _ := db.Version(t.Context())
	r, status := s.postWith(t, "Bearer "+testToken, addThun, nil)
	if status != http.StatusOK || len(r.Errors) != 1 || r.code(0) != schema.CodeInternal ||
		!strings.Contains(r.Errors[0].Message, "cannot be written to") {
		t.Errorf("status %d, errors %+v; want one %s error saying the store cannot be written to", status, r.Errors, schema.CodeInternal)
	}
	if after, _ := db.Version(t.Context()); after != before {
		t.Errorf("the refused write changed the data (version %d -> %d)", before, after)
	}
}
