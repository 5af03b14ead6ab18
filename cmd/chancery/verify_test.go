package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/store/storetest"
)

// breakStore damages a closed data directory the way a fault on disk or a
// bug would, through Badger itself: the store offers no way to. The keys
// are those of store/keys.go.
func breakStore(t *testing.T, dir string, fn func(txn *badger.Txn) error) {
	t.Helper()
	bdb, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := bdb.Update(fn); err != nil {
		t.Fatal(err)
	}
	if err := bdb.Close(); err != nil {
		t.Fatal(err)
	}
}

// deleteFirst deletes the first key under prefix, and returns it.
func deleteFirst(txn *badger.Txn, prefix string) ([]byte, error) {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix)})
	it.Rewind()
	if !it.Valid() {
		it.Close()
		return nil, badger.ErrKeyNotFound
	}
	k := it.Item().KeyCopy(nil)
	it.Close()
	return k, txn.Delete(k)
}

// runVerify runs chancery verify with args through Run, as main does.
func runVerify(t testing.TB, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errs bytes.Buffer
	code = Run(context.Background(), append([]string{"verify"}, args...), &out, &errs, testEnv(nil))
	return code, out.String(), errs.String()
}

// expectOutput fails unless text holds every one of want.
func expectOutput(t *testing.T, what, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s does not say %q:\n%s", what, w, text)
		}
	}
}

func TestVerifyCommand(t *testing.T) {
	clean, entities, relations := seededDir(t)
	summary := regexp.MustCompile(`(?m)^no problems: (\d+) entities, (\d+) relations, (\d+) keys checked in (.*)$`)

	t.Run("NoProblems", func(t *testing.T) {
		code, out, errs := runVerify(t, "--data", clean)
		if code != 0 || errs != "" {
			t.Fatalf("exit %d on the seeds; stdout:\n%s\nstderr:\n%s", code, out, errs)
		}
		m := summary.FindStringSubmatch(out)
		if m == nil || m[1] != itoa(entities) || m[2] != itoa(relations) || m[4] != clean {
			t.Errorf("verify says %q; the seeds hold %d entities and %d relations in %s", out, entities, relations, clean)
		}
		code, out, errs = runVerify(t, "--data", clean, "--repair")
		if code != 0 || !summary.MatchString(out) || !strings.HasSuffix(out, "\nnothing to repair\n") {
			t.Errorf("--repair on the seeds: exit %d; stdout:\n%s\nstderr:\n%s", code, out, errs)
		}
	})

	t.Run("RepairedIndexes", func(t *testing.T) {
		dir, _, _ := seededDir(t)
		var adjacency []byte
		breakStore(t, dir, func(txn *badger.Txn) (err error) {
			if err := txn.Delete([]byte("n\x00france\x00country:france")); err != nil {
				return err
			}
			adjacency, err = deleteFirst(txn, "a\x00country:france\x00")
			return err
		})
		if err := os.MkdirAll(filepath.Join(dir, "import-sort-42"), 0o755); err != nil {
			t.Fatal(err)
		}
		code, out, _ := runVerify(t, "--data", dir)
		if code != 1 {
			t.Fatalf("exit %d on a damaged directory, want 1:\n%s", code, out)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 4 {
			t.Errorf("%d lines, want one for each of the 3 kinds of problem and a summary:\n%s", len(lines), out)
		}
		expectOutput(t, "verify", out,
			"leftover sorted runs of an import: 1, such as import-sort-42\n",
			"relation index keys missing: 1, such as rel:",
			"adjacency of country:france (",
			`name and word index keys missing: 1, such as name "france" of country:france`+"\n",
			"3 problems in "+dir+" ("+itoa(entities)+" entities, ",
			"; chancery verify --repair rebuilds them\n")
		if adjacency == nil {
			t.Fatal("no adjacency key was deleted")
		}

		code, out, errs := runVerify(t, "--data", dir, "--repair")
		if code != 0 {
			t.Fatalf("--repair: exit %d, want 0:\n%s\n%s", code, out, errs)
		}
		expectOutput(t, "verify --repair", out,
			"repaired "+dir+":\n",
			"  leftover sorted runs of an import: 1; removed them\n",
			"  relation index keys missing: 1; wrote them from the relation records\n",
			"  name and word index keys missing: 1; wrote them from the entity records\n",
			"after repairing, no problems: "+itoa(entities)+" entities")
		if code, out, _ := runVerify(t, "--data", dir); code != 0 || !summary.MatchString(out) {
			t.Errorf("verify after --repair: exit %d:\n%s", code, out)
		}
		if _, err := os.Stat(filepath.Join(dir, "import-sort-42")); !os.IsNotExist(err) {
			t.Errorf("the leftover runs are still there: %v", err)
		}
	})

	t.Run("LostEntity", func(t *testing.T) {
		dir, _, _ := seededDir(t)
		breakStore(t, dir, func(txn *badger.Txn) error { return txn.Delete([]byte("e\x00country:france")) })
		code, out, _ := runVerify(t, "--data", dir)
		if code != 1 {
			t.Fatalf("exit %d, want 1:\n%s", code, out)
		}
		expectOutput(t, "verify", out,
			"relations whose end entity is missing: ", "country:france)",
			"[cannot be repaired: records are lost or damaged", "restore a backup taken before the damage (chancery restore --force)",
			"name and word index keys without their entity or name: ",
			" of them, not the other ")

		code, out, _ = runVerify(t, "--data", dir, "--repair")
		if code != 1 {
			t.Fatalf("--repair: exit %d, want 1:\n%s", code, out)
		}
		expectOutput(t, "verify --repair", out,
			"  name and word index keys without their entity or name: ", "; deleted them\n",
			"after repairing, ", "relations whose end entity is missing: ", "export what is readable (chancery export)")
		after := out[strings.Index(out, "after repairing, "):]
		if strings.Contains(after, "name and word index keys") {
			t.Errorf("the orphan name keys are left after --repair:\n%s", after)
		}
	})

	t.Run("ImportCutShort", func(t *testing.T) {
		dir, _, _ := seededDir(t)
		breakStore(t, dir, func(txn *badger.Txn) error {
			return txn.Set([]byte("m\x00importing"), []byte("2024-05-01T10:00:00Z"))
		})
		code, out, _ := runVerify(t, "--data", dir)
		if code != 1 {
			t.Fatalf("exit %d, want 1:\n%s", code, out)
		}
		expectOutput(t, "verify", out,
			"import cut short: 1, such as started at 2024-05-01T10:00:00Z [cannot be repaired: ",
			"delete the directory and import again",
			"\n1 problem in "+dir+" (",
			"; chancery verify --repair changes nothing in a directory whose loading was cut short\n")

		code, out, errs := runVerify(t, "--data", dir, "--repair")
		if code != 1 {
			t.Fatalf("--repair: exit %d, want 1:\n%s", code, out)
		}
		expectOutput(t, "the refusal", errs, "chancery: "+dir+" was not repaired: an import that started at 2024-05-01T10:00:00Z was cut short, and the store holds only part of the import: ",
			"delete the directory and import again, or restore a backup")
		if strings.Contains(out, "repaired "+dir) {
			t.Errorf("--repair says it repaired a directory it must refuse:\n%s", out)
		}
		if code, out, _ := runVerify(t, "--data", dir); code != 1 || !strings.Contains(out, "import cut short: 1") {
			t.Errorf("the refused directory changed: exit %d:\n%s", code, out)
		}
	})

	t.Run("HeldByAServer", func(t *testing.T) {
		db := storetest.OpenDir(t, clean)
		if err := db.Announce("chancery serve", "127.0.0.1:8080"); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"--data", clean}, {"--data", clean, "--repair"}} {
			code, out, errs := runVerify(t, args...)
			if code != 1 || out != "" {
				t.Errorf("%q on a held directory: exit %d, stdout %q", args, code, out)
			}
			expectOutput(t, "the refusal", errs, "is in use by chancery serve (pid ", "serving on 127.0.0.1:8080", "stop that process first")
		}
	})

	t.Run("NoDirectory", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "none")
		code, _, errs := runVerify(t, "--data", missing)
		if code != 1 {
			t.Errorf("exit %d, want 1", code)
		}
		expectOutput(t, "the error", errs, "there is no data directory at "+missing+" to verify")
		if _, err := os.Stat(missing); !os.IsNotExist(err) {
			t.Errorf("verify made the directory it was to verify: %v", err)
		}
	})

	t.Run("Usage", func(t *testing.T) {
		for _, tc := range []struct {
			args []string
			code int
			says string
		}{
			{[]string{"--data", clean, "extra"}, 2, "takes no arguments"},
			{[]string{"--fix"}, 2, "flag provided but not defined: -fix"},
			{[]string{"-h"}, 0, "Usage: chancery verify [--data DIR] [--repair]"},
		} {
			code, _, errs := runVerify(t, tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.says) {
				t.Errorf("%q: exit %d, want %d, and stderr\n%s\nwithout %q", tc.args, code, tc.code, errs, tc.says)
			}
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
