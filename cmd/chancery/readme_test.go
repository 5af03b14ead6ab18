package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/chancery/chancery/seeds/initial"
)

// readmeExample is a query from README.md or docs/*.md and the answer the
// file shows.
type readmeExample struct {
	file          string
	line          int
	query, answer string
}

// fence matches a fenced block of the given language in Markdown.
var fence = regexp.MustCompile("(?ms)^```(graphql|json)\n(.*?)^```\n")

// docFiles returns README.md and every docs/*.md, as paths from the
// repository's root.
func docFiles(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join("..", "..", "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) == 0 {
		t.Fatal("docs/ holds no .md files")
	}
	files := []string{"README.md"}
	for _, d := range docs {
		files = append(files, filepath.ToSlash(filepath.Join("docs", filepath.Base(d))))
	}
	return files
}

// readDoc reads a file named by its path from the repository's root.
func readDoc(t *testing.T, name string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// readmeExamples returns every graphql block of the file that is followed
// directly by a json block: the file's promise of what the query answers.
func readmeExamples(t *testing.T, file string) []readmeExample {
	t.Helper()
	text := readDoc(t, file)
	var out []readmeExample
	blocks := fence.FindAllStringSubmatchIndex(text, -1)
	for i := 0; i+1 < len(blocks); i++ {
		q, a := blocks[i], blocks[i+1]
		if text[q[2]:q[3]] != "graphql" || text[a[2]:a[3]] != "json" {
			continue
		}
		line := 1 + strings.Count(text[:q[0]], "\n")
		out = append(out, readmeExample{file: file, line: line, query: text[q[4]:q[5]], answer: text[a[4]:a[5]]})
	}
	return out
}

// TestReadmeExamples runs every example query of README.md and docs/*.md
// against a fresh server on the default data and checks it answers what
// the file shows.
func TestReadmeExamples(t *testing.T) {
	if n := len(readmeExamples(t, "README.md")); n < 3 {
		t.Fatalf("README.md has %d example queries with answers; it promises at least three", n)
	}
	var examples []readmeExample
	for _, f := range docFiles(t) {
		examples = append(examples, readmeExamples(t, f)...)
	}
	// The default data, as a new user's first start fills it.
	p := startServe(t, map[string]string{"CHANCERY_INITIAL_DATA": string(initial.Default)}, "--data", t.TempDir())
	for _, ex := range examples {
		r, _ := p.post(t, ex.query, "")
		got := map[string]any{"data": r.Data}
		if len(r.Errors) > 0 {
			t.Errorf("%s:%d: the query fails: %+v", ex.file, ex.line, r.Errors)
			continue
		}
		var want any
		if err := json.Unmarshal([]byte(ex.answer), &want); err != nil {
			t.Errorf("%s:%d: the answer is not JSON: %v", ex.file, ex.line, err)
			continue
		}
		if !reflect.DeepEqual(normalise(got), want) {
			pretty, _ := json.MarshalIndent(got, "", "  ")
			t.Errorf("%s:%d: the query now answers\n%s", ex.file, ex.line, pretty)
		}
	}
	t.Logf("ran %d examples of %d files", len(examples), len(docFiles(t)))
}

// normalise round-trips v through JSON so it compares with a decoded answer.
func normalise(v any) any {
	b, _ := json.Marshal(v)
	var out any
	json.Unmarshal(b, &out)
	return out
}

// TestReadmeSeedsReport keeps the report docs/data.md shows equal to what
// "chancery seeds report" prints for the built-in seeds.
func TestReadmeSeedsReport(t *testing.T) {
	raw := []byte(readDoc(t, "docs/data.md"))
	m := regexp.MustCompile("(?ms)^```\n([0-9]+ entities, .*?)^```\n").FindSubmatch(raw)
	if m == nil {
		t.Fatal("docs/data.md shows no seeds report (a plain block starting \"N entities, \")")
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
		t.Errorf("docs/data.md shows an old seeds report; chancery seeds report now prints:\n%s", got)
	}
}

// codeFence matches a fenced code block of any language in Markdown.
var codeFence = regexp.MustCompile("(?ms)^```[^\n]*\n.*?^```[ \t]*$")

// mdLink matches the target of a Markdown link or image: [text](target).
var mdLink = regexp.MustCompile(`\]\(([^()\s]+)\)`)

// headingAnchors returns the anchors GitHub gives the headings of a
// Markdown text: lower case, spaces as hyphens, punctuation dropped, and
// -1, -2... after a repeated one.
func headingAnchors(text string) map[string]bool {
	text = codeFence.ReplaceAllString(text, "")
	anchors := map[string]bool{}
	seen := map[string]int{}
	for _, line := range strings.Split(text, "\n") {
		m := regexp.MustCompile(`^#{1,6} +(.*?)#* *$`).FindStringSubmatch(line)
		if m == nil {
			continue
		}
		var b strings.Builder
		for _, r := range strings.ToLower(strings.TrimSpace(m[1])) {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			}
		}
		a := b.String()
		if n := seen[a]; n > 0 {
			anchors[fmt.Sprintf("%s-%d", a, n)] = true
		} else {
			anchors[a] = true
		}
		seen[a]++
	}
	return anchors
}

// TestReadmeLinks checks that every relative link of README.md and
// docs/*.md names a file or folder of the repository and, for a link into
// a Markdown file, a heading of it.
func TestReadmeLinks(t *testing.T) {
	root := filepath.Join("..", "..")
	anchorsOf := map[string]map[string]bool{}
	anchors := func(file string) map[string]bool {
		if anchorsOf[file] == nil {
			anchorsOf[file] = headingAnchors(readDoc(t, file))
		}
		return anchorsOf[file]
	}
	checked := 0
	for _, file := range docFiles(t) {
		text := codeFence.ReplaceAllStringFunc(readDoc(t, file), func(block string) string {
			return strings.Repeat("\n", strings.Count(block, "\n")) // keep line numbers
		})
		for _, m := range mdLink.FindAllStringSubmatchIndex(text, -1) {
			target := text[m[2]:m[3]]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			line := 1 + strings.Count(text[:m[0]], "\n")
			checked++
			path, anchor, _ := strings.Cut(target, "#")
			dest := file
			if path != "" {
				dest = filepath.ToSlash(filepath.Clean(filepath.Join(filepath.Dir(file), path)))
				if strings.HasPrefix(dest, "../") {
					t.Errorf("%s:%d: %s leads out of the repository", file, line, target)
					continue
				}
				if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(dest))); err != nil {
					t.Errorf("%s:%d: %s names %s, which does not exist", file, line, target, dest)
					continue
				}
			}
			if anchor == "" {
				continue
			}
			if !strings.HasSuffix(dest, ".md") {
				t.Errorf("%s:%d: %s has an anchor, but %s is not Markdown", file, line, target, dest)
			} else if !anchors(dest)[anchor] {
				t.Errorf("%s:%d: %s: %s has no heading with the anchor #%s", file, line, target, dest, anchor)
			}
		}
	}
	if checked == 0 {
		t.Error("README.md and docs/*.md have no relative links; the check found nothing to check")
	}
	t.Logf("checked %d relative links", checked)
}
