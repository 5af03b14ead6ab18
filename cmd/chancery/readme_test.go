package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/chancery/chancery/seeds/initial"
)

// readmeExample is a query from README.md and the answer the README shows.
type readmeExample struct {
	line          int
	query, answer string
}

// fence matches a fenced block of the given language in Markdown.
var fence = regexp.MustCompile("(?ms)^```(graphql|json)\n(.*?)^```\n")

// readmeExamples returns every graphql block of README.md that is followed
// directly by a json block: the README's promise of what the query answers.
func readmeExamples(t *testing.T) []readmeExample {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	var out []readmeExample
	blocks := fence.FindAllStringSubmatchIndex(text, -1)
	for i := 0; i+1 < len(blocks); i++ {
		q, a := blocks[i], blocks[i+1]
		if text[q[2]:q[3]] != "graphql" || text[a[2]:a[3]] != "json" {
			continue
		}
		line := 1 + len(regexp.MustCompile("\n").FindAllString(text[:q[0]], -1))
		out = append(out, readmeExample{line: line, query: text[q[4]:q[5]], answer: text[a[4]:a[5]]})
	}
	return out
}

// TestReadmeExamples runs every example query of README.md against a fresh
// server on the default data and checks it answers what the README shows.
func TestReadmeExamples(t *testing.T) {
	examples := readmeExamples(t)
	if len(examples) < 3 {
		t.Fatalf("README.md has %d example queries with answers; it promises at least three", len(examples))
	}
	// The default data, as a new user's first start fills it.
	p := startServe(t, map[string]string{"CHANCERY_INITIAL_DATA": string(initial.Default)}, "--data", t.TempDir())
	for _, ex := range examples {
		r, _ := p.post(t, ex.query, "")
		got := map[string]any{"data": r.Data}
		if len(r.Errors) > 0 {
			t.Errorf("README.md:%d: the query fails: %+v", ex.line, r.Errors)
			continue
		}
		var want any
		if err := json.Unmarshal([]byte(ex.answer), &want); err != nil {
			t.Errorf("README.md:%d: the answer is not JSON: %v", ex.line, err)
			continue
		}
		if !reflect.DeepEqual(normalise(got), want) {
			pretty, _ := json.MarshalIndent(got, "", "  ")
			t.Errorf("README.md:%d: the query now answers\n%s", ex.line, pretty)
		}
	}
}

// normalise round-trips v through JSON so it compares with a decoded answer.
func normalise(v any) any {
	b, _ := json.Marshal(v)
	var out any
	json.Unmarshal(b, &out)
	return out
}

// TestReadmeSeedsReport keeps the report the README shows equal to what
// "chancery seeds report" prints for the built-in seeds.
func TestReadmeSeedsReport(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?ms)^```\n([0-9]+ entities, .*?)^```\n").FindSubmatch(raw)
	if m == nil {
		t.Fatal("README.md shows no seeds report (a plain block starting \"N entities, \")")
	}
	var out, errs strings.Builder
	c := NewSeedsReport(&out, &errs)
	if err := c.ParseFlags([]string{"report"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err, errs.String())
	}
	if got := out.String(); got != string(m[1]) {
		t.Errorf("README.md shows an old seeds report; chancery seeds report now prints:\n%s", got)
	}
}
