package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCmd runs chancery with args and returns its exit status and output.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr strings.Builder
	code := Run(context.Background(), args, &stdout, &stderr, func(string) string { return "" })
	return code, stdout.String(), stderr.String()
}

func TestImport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	file := filepath.Join(t.TempDir(), "extra.jsonl")
	const lines = `{"entity": {"id": "city:bern", "kind": "CITY", "name": "Bern", "sources": [{"document": "Test fixture"}]}}
{"relation": {"type": "LOCATED_IN", "from": "city:bern", "to": "country:switzerland", "sources": [{"document": "Test fixture"}]}}
`
	if err := os.WriteFile(file, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}

	t.Run("IntoTheServedData", func(t *testing.T) {
		// A first serve seeds the directory; stop it, import, serve again.
		p := startServe(t, nil, "--data", dir)
		// While the server holds the directory, import says who has it.
		code, _, stderr := runCmd(t, "import", "--data", dir, file)
		if code != 1 || !strings.Contains(stderr, "chancery serve") || !strings.Contains(stderr, p.url[:len(p.url)-1]) {
			t.Errorf("import into a served directory: exit %d, %q; want a refusal naming the server", code, stderr)
		}
		p.stop(t)
		code, stdout, stderr := runCmd(t, "import", "--data", dir, file)
		if code != 0 || !strings.Contains(stdout, "imported 1 entities and 1 relations") {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
		p = startServe(t, nil, "--data", dir)
		r, _ := p.post(t, `{ entity(id: "city:bern") { name relations { edges { node { to { name } } } } } }`, "")
		if got := jsonString(t, r.Data); got != `{"entity":{"name":"Bern","relations":{"edges":[{"node":{"to":{"name":"Switzerland"}}}]}}}` {
			t.Errorf("after the import: %s", got)
		}
	})

	t.Run("BadFileWritesNothing", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.jsonl")
		text := lines + `{"relation": {"type": "SENT_BY", "from": "city:bern", "to": "country:switzerland", "sources": [{"document": "Test fixture"}]}}` + "\n"
		if err := os.WriteFile(bad, []byte(strings.ReplaceAll(text, "bern", "thun")), 0o644); err != nil {
			t.Fatal(err)
		}
		empty := filepath.Join(t.TempDir(), "data")
		code, _, stderr := runCmd(t, "import", "--data", empty, bad)
		if code != 1 || !strings.Contains(stderr, bad+":3: ") || strings.Contains(stderr, "goroutine") {
			t.Errorf("exit %d, stderr %q; want exit 1 and a problem at %s:3", code, stderr, bad)
		}
		p := startServe(t, nil, "--data", empty)
		r, _ := p.post(t, `{ entity(id: "city:thun") { name } }`, "")
		if got := jsonString(t, r.Data); got != `{"entity":null}` {
			t.Errorf("the lines before the problem were written: %s", got)
		}
	})

	t.Run("Usage", func(t *testing.T) {
		for _, args := range [][]string{{"import"}, {"import", "data.csv"}} {
			if code, _, stderr := runCmd(t, args...); code != 2 || stderr == "" {
				t.Errorf("%q: exit %d, %q; want 2 and a usage message", args, code, stderr)
			}
		}
		code, _, stderr := runCmd(t, "import", "--data", filepath.Join(t.TempDir(), "d"), filepath.Join(t.TempDir(), "missing.jsonl"))
		if code != 1 || !strings.Contains(stderr, "missing.jsonl") {
			t.Errorf("a missing file: exit %d, %q", code, stderr)
		}
	})
}

// jsonString renders v as compact JSON.
func jsonString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestGenThenImport writes a small synthetic world and loads it: what gen
// writes, import takes, and the same seed gives the same file.
func TestGenThenImport(t *testing.T) {
	tmp := t.TempDir()
	a, b := filepath.Join(tmp, "a.jsonl"), filepath.Join(tmp, "b.jsonl")
	for _, out := range []string{a, b} {
		if code, _, stderr := runCmd(t, "gen", "--relations", "2000", "--seed", "7", "--out", out); code != 0 {
			t.Fatalf("gen: exit %d, %s", code, stderr)
		}
	}
	fa, _ := os.ReadFile(a)
	fb, _ := os.ReadFile(b)
	if len(fa) == 0 || string(fa) != string(fb) {
		t.Errorf("the same seed and size gave different files (%d and %d bytes)", len(fa), len(fb))
	}
	if n := strings.Count(string(fa), `{"relation":`); n != 2000 {
		t.Errorf("%d relations written, want 2000", n)
	}
	code, stdout, stderr := runCmd(t, "import", "--data", filepath.Join(tmp, "data"), a)
	if code != 0 || !strings.Contains(stdout, "and 2000 relations") {
		t.Errorf("import: exit %d, %q, %q", code, stdout, stderr)
	}
	if code, _, stderr := runCmd(t, "gen", "--relations", "10"); code != 2 || !strings.Contains(stderr, "at least 1000") {
		t.Errorf("a world too small: exit %d, %q", code, stderr)
	}
}
