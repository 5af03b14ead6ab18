package graph_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestPackageBoundaries holds the layout the code depends on: the domain
// and its subpackages import only the standard library and the domain,
// the schema knows nothing of HTTP, and each third-party library is
// imported by the packages that own it alone.
func TestPackageBoundaries(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "../...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const module = "github.com/chancery/chancery/"
	owners := map[string][]string{
		"github.com/dgraph-io/badger/v4": {"store"},
		// The resolvers are written against graphql-go; the transport
		// builds its errors and its tracer with it.
		"github.com/graph-gophers/graphql-go": {"schema", "schema/httpapi"},
		"github.com/rs/cors":                  {"schema/httpapi"},
		"github.com/prometheus/client_golang": {"schema/httpapi"},
		"go.opentelemetry.io/otel":            {"schema/httpapi"},
		"go.yaml.in/yaml/v3":                  {"seeds"},
		// The store's records are decoded with go-json.
		"github.com/goccy/go-json": {"store"},
	}
	// The schema answers GraphQL requests; serving them over HTTP is the
	// transport's job.
	forbidden := map[string][]string{
		"schema": {"net/http"},
	}
	checked, subpackages := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := strings.TrimPrefix(fields[0], module), fields[1:]
		checked++
		domain := pkg == "graph" || strings.HasPrefix(pkg, "graph/")
		if strings.HasPrefix(pkg, "graph/") {
			subpackages++
		}
		for _, imp := range imports {
			standard := !strings.Contains(strings.Split(imp, "/")[0], ".")
			switch {
			case pkg == "graph" && !standard:
				t.Errorf("graph imports %s; the domain may import only the standard library", imp)
			case domain && !standard && imp != module+"graph" && !strings.HasPrefix(imp, module+"graph/"):
				// A subpackage may use another (export writes the
				// format of jsonl), never what lies outside the domain.
				t.Errorf("%s imports %s; the domain's subpackages may import only the standard library and graph", pkg, imp)
			}
			if slices.Contains(forbidden[pkg], imp) {
				t.Errorf("%s imports %s, which it may not", pkg, imp)
			}
			for lib, allowed := range owners {
				if (imp == lib || strings.HasPrefix(imp, lib+"/")) && !slices.Contains(allowed, pkg) {
					t.Errorf("%s imports %s, which only %s may import", pkg, imp, strings.Join(allowed, " and "))
				}
			}
		}
	}
	if checked < 5 {
		t.Fatalf("go list found only %d packages", checked)
	}
	if subpackages == 0 {
		t.Fatal("go list found no subpackage of graph, whose imports this test holds")
	}
}
