package graph_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPackageBoundaries holds the layout the code depends on: the domain
// imports only the standard library, and each third-party library is
// imported by the one package that owns it.
func TestPackageBoundaries(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "../...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const module = "github.com/chancery/chancery/"
	owners := map[string]string{
		"github.com/dgraph-io/badger/v4":      "store",
		"github.com/graph-gophers/graphql-go": "schema",
		"github.com/rs/cors":                  "schema",
		"github.com/prometheus/client_golang": "schema",
		"go.opentelemetry.io/otel":            "schema",
		"go.yaml.in/yaml/v3":                  "seeds",
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := strings.TrimPrefix(fields[0], module), fields[1:]
		checked++
		for _, imp := range imports {
			if pkg == "graph" && strings.Contains(strings.Split(imp, "/")[0], ".") {
				t.Errorf("graph imports %s; the domain may import only the standard library", imp)
			}
			for lib, owner := range owners {
				if (imp == lib || strings.HasPrefix(imp, lib+"/")) && pkg != owner {
					t.Errorf("%s imports %s, which only %s may import", pkg, imp, owner)
				}
			}
		}
	}
	if checked < 5 {
		t.Fatalf("go list found only %d packages", checked)
	}
}
