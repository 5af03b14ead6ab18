package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestCommitRenamesIntoPlace(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "out.jsonl")
	f, err := Create(final, Options{Perm: 0o644})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("hello\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(final); !os.IsNotExist(err) {
		t.Fatalf("%s exists before Commit: %v", final, err)
	}
	if tmp := filepath.Base(f.TempName()); !strings.HasPrefix(tmp, ".out.jsonl.tmp-") {
		t.Errorf("temporary name %q, want a hidden .out.jsonl.tmp-* beside the final name", tmp)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Abort() // after Commit, does nothing
	b, err := os.ReadFile(final)
	if err != nil || string(b) != "hello\n" {
		t.Fatalf("read %q, %v; want hello", b, err)
	}
	fi, err := os.Stat(final)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("permissions %v, want 0644", fi.Mode().Perm())
	}
	if got := entries(t, dir); len(got) != 1 || got[0] != "out.jsonl" {
		t.Errorf("directory holds %v, want only out.jsonl", got)
	}
}

func TestAbortKeepsTheOldFile(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "backup.bin")
	if err := os.WriteFile(final, []byte("good"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Create(final, Options{Pattern: "backup.bin.*.partial"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(f.TempName(), ".partial") {
		t.Errorf("temporary name %q does not follow the pattern", f.TempName())
	}
	if _, err := f.Write([]byte("half")); err != nil {
		t.Fatal(err)
	}
	f.Abort()
	f.Abort()
	b, err := os.ReadFile(final)
	if err != nil || string(b) != "good" {
		t.Fatalf("after Abort the file holds %q, %v; want the old content", b, err)
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Errorf("directory holds %v, want only backup.bin", got)
	}
	fi, _ := os.Stat(final)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("permissions %v changed by an aborted write", fi.Mode().Perm())
	}
}

func TestDefaultPermIsPrivate(t *testing.T) {
	final := filepath.Join(t.TempDir(), "b")
	f, err := Create(final, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(final)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("permissions %v, want 0600", fi.Mode().Perm())
	}
}

func TestCreateErrorsNameTheProblem(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope", "out.csv")
	if _, err := Create(missing, Options{}); err == nil || !strings.Contains(err.Error(), "the directory "+filepath.Join(dir, "nope")+" does not exist") {
		t.Errorf("missing directory: %v", err)
	}
	if _, err := Create(dir, Options{}); err == nil || !strings.Contains(err.Error(), "it is a directory") {
		t.Errorf("final name a directory: %v", err)
	}
}

func TestCommitFailureRemovesTheTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "out")
	f, err := Create(final, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A non-empty directory at the final name makes the rename fail.
	if err := os.MkdirAll(filepath.Join(final, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	err = f.Commit()
	if err == nil || !strings.Contains(err.Error(), "cannot write "+final) {
		t.Fatalf("Commit onto a directory: %v", err)
	}
	if strings.Contains(err.Error(), f.TempName()) {
		t.Errorf("error %q names the temporary file", err)
	}
	if got := entries(t, dir); len(got) != 1 || got[0] != "out" {
		t.Errorf("directory holds %v, want only out", got)
	}
}
