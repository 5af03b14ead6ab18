package schema_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/schema/httpapi"
	"github.com/chancery/chancery/schema/schematest"
	"github.com/chancery/chancery/store/storetest"
)

// TestNoWriterIsReadOnly checks that an API built without a writer reads
// as any other but answers a permitted mutation that the store cannot be
// written to, and writes nothing.
func TestNoWriterIsReadOnly(t *testing.T) {
	db := storetest.OpenSeeded(t, t.TempDir())
	api, err := schema.New(db, nil, nil, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(httpapi.Handler(api, httpapi.HandlerOptions{Tokens: []string{schematest.Token}}))
	t.Cleanup(ts.Close)
	s := &schematest.Server{Server: ts}

	d := s.MustData(t, `{ entity(id: "country:switzerland") { name } }`, nil)
	if schematest.At(d, "entity", "name") != "Switzerland" {
		t.Errorf("read: %v", d)
	}
	before, _ := db.Version(t.Context())
	r, status := s.PostWith(t, "Bearer "+schematest.Token, schematest.AddThun, nil)
	if status != http.StatusOK || len(r.Errors) != 1 || r.Code(0) != schema.CodeInternal ||
		!strings.Contains(r.Errors[0].Message, "cannot be written to") {
		t.Errorf("status %d, errors %+v; want one %s error saying the store cannot be written to", status, r.Errors, schema.CodeInternal)
	}
	if after, _ := db.Version(t.Context()); after != before {
		t.Errorf("the refused write changed the data (version %d -> %d)", before, after)
	}
}
