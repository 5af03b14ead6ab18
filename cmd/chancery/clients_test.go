package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chancery/chancery/seeds/initial"
)

// clientsDir is docs/clients, from this package's directory.
var clientsDir = filepath.Join("..", "..", "docs", "clients")

// clientExample is one of the client examples of docs/clients.md: how to
// run it, from its own directory, with the arguments after it.
type clientExample struct {
	name string
	dir  string // from docs/clients
	cmd  []string
}

var clientExamples = []clientExample{
	{"curl", ".", []string{"sh", "curl.sh"}},
	{"Python", "python", []string{"python3", "ask.py"}},
	{"JavaScript", "js", []string{"node", "ask.mjs"}},
	{"Go", "go", []string{"go", "run", "."}},
}

// clientQuestions are the questions every example is asked: the default
// one, which docs/clients.md shows the answer of, and one whose answer has
// no mission.
var clientQuestions = [][]string{
	nil,
	{"country:united-states", "country:taiwan", "2020"},
}

// runTool runs name with args in dir and returns its standard output; it
// fails the test with the standard error if the command does not exist
// or fails.
func runTool(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed, and the client examples need it (.ci/run installs it): %v", name, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s (in %s): %v\n%s", name, strings.Join(args, " "), dir, err, stderr.String())
	}
	return stdout.String()
}

// TestClientExamples runs each client example of docs/clients.md against
// a fresh server on the default data and checks that all print the same
// answer, the one the page shows.
func TestClientExamples(t *testing.T) {
	p := startServe(t, map[string]string{"CHANCERY_INITIAL_DATA": string(initial.Default)}, "--data", t.TempDir())
	endpoint := p.url + "graphql"

	shown := docBlock(t, "docs/clients.md", "text", "")
	want := map[string]string{}
	for _, question := range clientQuestions {
		key := strings.Join(question, " ")
		for _, ex := range clientExamples {
			args := append(append(ex.cmd[1:len(ex.cmd):len(ex.cmd)], endpoint), question...)
			got := runTool(t, filepath.Join(clientsDir, ex.dir), ex.cmd[0], args...)
			if got == "" {
				t.Errorf("%s, asked %q: prints nothing", ex.name, key)
			}
			if w, ok := want[key]; !ok {
				want[key] = got
			} else if got != w {
				t.Errorf("%s, asked %q, prints\n%s\nbut %s printed\n%s", ex.name, key, got, clientExamples[0].name, w)
			}
		}
	}

	// A question the server refuses: each says why and exits with 1.
	for _, ex := range clientExamples {
		args := append(ex.cmd[1:len(ex.cmd):len(ex.cmd)], endpoint, "country:atlantis", "country:cuba", "1990")
		cmd := exec.Command(ex.cmd[0], args...)
		cmd.Dir = filepath.Join(clientsDir, ex.dir)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(stderr.String(), "there is no entity country:atlantis") {
			t.Errorf("%s, asked about an unknown id, exits with %d (%v) and prints %q; want status 1 and the server's message", ex.name, code, err, stderr.String())
		}
	}

	// The default question: the United States in Cuba in 1990.
	rows := parseTSV(t, want[""])
	if len(rows) != 1 || rows[0][0] != "PROTECTING_POWER" || rows[0][1] != "mission:us-interests-section-havana" ||
		rows[0][3] != "country:switzerland" {
		t.Errorf("the examples answer the United States in Cuba in 1990 with %q; want the interests section under Switzerland", rows)
	}
	if want[""] != shown {
		t.Errorf("docs/clients.md shows the answer\n%s\nbut the examples print\n%s", shown, want[""])
	}
	// The American Institute in Taiwan acts for the United States, with
	// no mission of the United States' own.
	rows = parseTSV(t, want[strings.Join(clientQuestions[1], " ")])
	if len(rows) != 1 || rows[0][1] != "" || rows[0][3] != "org:american-institute-in-taiwan" {
		t.Errorf("the examples answer the United States in Taiwan in 2020 with %q; want the American Institute in Taiwan, with no mission", rows)
	}
}

// parseTSV splits the examples' output into lines of five tab-separated
// fields.
func parseTSV(t *testing.T, out string) [][]string {
	t.Helper()
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		fields := strings.Split(line, "\t")
		if len(fields) != 5 {
			t.Fatalf("line %q has %d fields; want 5: kind, mission id and name, via id and name", line, len(fields))
		}
		rows = append(rows, fields)
	}
	return rows
}

// docBlock returns the first fenced block of the given language in the
// file whose text contains has.
func docBlock(t *testing.T, file, lang, has string) string {
	t.Helper()
	blocks := regexp.MustCompile("(?ms)^```"+regexp.QuoteMeta(lang)+"\n(.*?)^```\n").FindAllStringSubmatch(readDoc(t, file), -1)
	for _, b := range blocks {
		if strings.Contains(b[1], has) {
			return b[1]
		}
	}
	t.Fatalf("%s has no %s block that contains %q", file, lang, has)
	return ""
}

// TestClientGoGenerated regenerates the Go example's client with genqlient
// from the repository's schema and checks that the committed generated.go
// is what it generates.
func TestClientGoGenerated(t *testing.T) {
	src := filepath.Join(clientsDir, "go")
	schemaDir, err := filepath.Abs(filepath.Join("..", "..", "schema"))
	if err != nil {
		t.Fatal(err)
	}
	// The same layout as the repository's, so that genqlient.yaml's
	// relative path to the schema holds.
	root := t.TempDir()
	dst := filepath.Join(root, "docs", "clients", "go")
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(schemaDir, filepath.Join(root, "schema")); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Remove(filepath.Join(dst, "generated.go")); err != nil {
		t.Fatalf("docs/clients/go has no generated.go: %v", err)
	}
	runTool(t, dst, "go", "tool", "genqlient")
	got, err := os.ReadFile(filepath.Join(dst, "generated.go"))
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile(filepath.Join(src, "generated.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, committed) {
		t.Error("docs/clients/go/generated.go is not what genqlient generates from the schema and representation.graphql; run 'go tool genqlient' in docs/clients/go and commit it")
	}
}
