package schema_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/schema"
)

// TestVocabularyHasOneSource holds the API's enums and the pages' lists to
// the vocabulary of package graph, which is their source: graph.Kinds,
// graph.RelationTypes and graph.MissionTypes, in order (the store's sort
// key follows it, and the API and the pages present it so). A new or
// renamed value goes into graph/vocabulary.go first; this test then says
// where else to put it.
func TestVocabularyHasOneSource(t *testing.T) {
	s, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema", Input: schema.SDL})
	if gerr != nil {
		t.Fatal(gerr)
	}
	enum := func(name string) []string {
		t.Helper()
		def := s.Types[name]
		if def == nil || def.Kind != ast.Enum {
			t.Fatalf("the schema has no enum %s", name)
		}
		var out []string
		for _, v := range def.EnumValues {
			out = append(out, v.Name)
		}
		return out
	}

	model, err := os.ReadFile(filepath.Join("..", "web", "src", "shared", "model.ts"))
	if err != nil {
		t.Fatal(err)
	}
	// export const entityKinds = [ "COUNTRY", ... ] as const;
	tsList := func(name string) []string {
		t.Helper()
		m := regexp.MustCompile(`(?s)export const ` + name + ` = \[(.*?)\] as const;`).FindSubmatch(model)
		if m == nil {
			t.Fatalf("web/src/shared/model.ts has no list %s", name)
		}
		var out []string
		for _, q := range regexp.MustCompile(`"([A-Z_]+)"`).FindAllSubmatch(m[1], -1) {
			out = append(out, string(q[1]))
		}
		return out
	}

	for _, c := range []struct {
		what, enum, ts string
		source         []string
	}{
		{"graph.Kinds", "EntityKind", "entityKinds", names(graph.Kinds)},
		{"graph.RelationTypes", "RelationType", "relationTypes", names(graph.RelationTypes)},
		{"graph.MissionTypes", "MissionType", "", names(graph.MissionTypes)},
	} {
		if got := enum(c.enum); !slices.Equal(got, c.source) {
			t.Errorf("enum %s in schema/*.graphql is %v; it must list %s in its order: %v", c.enum, got, c.what, c.source)
		}
		if c.ts == "" {
			continue
		}
		if got := tsList(c.ts); !slices.Equal(got, c.source) {
			t.Errorf("%s in web/src/shared/model.ts is %v; it must list %s in its order: %v (then rebuild the pages: go generate ./web)", c.ts, got, c.what, c.source)
		}
	}
}

// names spells a list of the vocabulary as the API does.
func names[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
