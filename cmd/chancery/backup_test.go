package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/seeds/initial"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

// runCommand runs a command as Run does, and returns its output and error.
func runCommand(t *testing.T, newCmd func(stdout, stderr io.Writer) command, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errs bytes.Buffer
	cmd := newCmd(&out, &errs)
	if err := cmd.ParseFlags(args); err != nil {
		return out.String(), errs.String(), err
	}
	err = cmd.Run(context.Background())
	if cerr := cmd.Close(); err == nil {
		err = cerr
	}
	return out.String(), errs.String(), err
}

func backupCmd(env map[string]string) func(stdout, stderr io.Writer) command {
	return func(stdout, stderr io.Writer) command {
		return NewBackup(stdout, stderr, testEnv(env))
	}
}

func restoreCmd(stdin io.Reader) func(stdout, stderr io.Writer) command {
	return func(stdout, stderr io.Writer) command {
		c := NewRestore(stdout, stderr, testEnv(nil))
		c.Stdin = stdin
		return c
	}
}

// seededDir is a data directory filled from the built-in seeds, as the
// first chancery serve leaves it, and how many entities and relations it
// holds.
func seededDir(t *testing.T) (string, int, int) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	db, _, err := openData(context.Background(), store.Options{Dir: dir}, initial.Curated, cliLogger(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e, r := storeTotals(t, db)
	return dir, e, r
}

func storeTotals(t *testing.T, db *store.DB) (int, int) { return storetest.Totals(t, db) }

// checkRestored fails unless dir holds the seeds: as many entities and
// relations, an entity, and a search that finds it.
func checkRestored(t *testing.T, dir string, entities, relations int) {
	t.Helper()
	db, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if e, r := storeTotals(t, db); e != entities || r != relations {
		t.Errorf("restored %d entities and %d relations, want %d and %d", e, r, entities, relations)
	}
	hits, err := db.Search(context.Background(), graph.SearchQuery{Text: "Switzerlnd", First: 1})
	if err != nil || len(hits) != 1 || hits[0].Entity.ID != "country:switzerland" {
		t.Errorf("search after the restore: %v, %v", hits, err)
	}
}

// noPartials fails if a temporary backup file was left in dir.
func noPartials(t *testing.T, dir string) {
	t.Helper()
	if left, _ := filepath.Glob(filepath.Join(dir, "*.partial")); len(left) > 0 {
		t.Errorf("partial files left behind: %v", left)
	}
}

func TestBackupRestore(t *testing.T) {
	src, entities, relations := seededDir(t)
	out := t.TempDir()
	file := filepath.Join(out, "chancery.backup")

	t.Run("File", func(t *testing.T) {
		stdout, _, err := runCommand(t, backupCmd(nil), "--data", src, file)
		if err != nil {
			t.Fatal(err)
		}
		if want := "backed up " + src + " to " + file + ": "; !strings.HasPrefix(stdout, want) {
			t.Errorf("stdout %q, want it to start %q", stdout, want)
		}
		noPartials(t, out)

		dst := filepath.Join(t.TempDir(), "restored")
		stdout, _, err = runCommand(t, restoreCmd(nil), "--data", dst, file)
		if err != nil || !strings.HasPrefix(stdout, "restored "+file+" into "+dst+": ") {
			t.Fatalf("restore: %v, %q", err, stdout)
		}
		checkRestored(t, dst, entities, relations)

		_, _, err = runCommand(t, restoreCmd(nil), "--data", dst, file)
		if err == nil || !strings.Contains(err.Error(), "is not empty") || !strings.Contains(err.Error(), "--force") {
			t.Errorf("a second restore without --force: %v", err)
		}
		if _, _, err := runCommand(t, restoreCmd(nil), "--data", dst, "--force", file); err != nil {
			t.Errorf("with --force: %v", err)
		}
		checkRestored(t, dst, entities, relations)
	})

	t.Run("Stdio", func(t *testing.T) {
		stdout, stderr, err := runCommand(t, backupCmd(map[string]string{"CHANCERY_DATA": src}), "-")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(stdout, "chancery-backup 1\n") || !strings.Contains(stderr, "to standard output") {
			t.Errorf("stdout starts %.20q; stderr %q", stdout, stderr)
		}
		dst := filepath.Join(t.TempDir(), "restored")
		out, _, err := runCommand(t, restoreCmd(strings.NewReader(stdout)), "--data", dst, "-")
		if err != nil || !strings.HasPrefix(out, "restored standard input into ") {
			t.Fatalf("restore from standard input: %v, %q", err, out)
		}
		checkRestored(t, dst, entities, relations)
	})

	t.Run("NotABackup", func(t *testing.T) {
		jsonl := filepath.Join(t.TempDir(), "world.jsonl")
		os.WriteFile(jsonl, []byte(`{"entity": {"id": "city:bern"}}`+"\n"), 0o644)
		dst := filepath.Join(t.TempDir(), "restored")
		_, _, err := runCommand(t, restoreCmd(nil), "--data", dst, jsonl)
		if err == nil || !strings.Contains(err.Error(), "cannot restore from "+jsonl+": the input is not a Chancery backup") || !strings.Contains(err.Error(), "chancery import") {
			t.Errorf("err = %v", err)
		}
		if _, err := os.Stat(dst); !os.IsNotExist(err) {
			t.Errorf("a failed restore left the new data directory behind: %v", err)
		}

		b, _ := os.ReadFile(file)
		half := filepath.Join(t.TempDir(), "half.backup")
		os.WriteFile(half, b[:len(b)/2], 0o644)
		_, _, err = runCommand(t, restoreCmd(nil), "--data", src, "--force", half)
		if err == nil || !strings.Contains(err.Error(), "the backup is cut short after") {
			t.Errorf("a backup cut in half: %v", err)
		}
		checkRestored(t, src, entities, relations)
	})

	t.Run("Held", func(t *testing.T) {
		db := storetest.OpenDir(t, src)
		db.Announce("chancery serve", "http://127.0.0.1:9/")
		_, _, err := runCommand(t, restoreCmd(nil), "--data", src, "--force", file)
		if err == nil || !strings.Contains(err.Error(), "chancery serve") || !strings.Contains(err.Error(), "http://127.0.0.1:9/") {
			t.Errorf("restore into a served directory: %v; want a refusal naming the server", err)
		}
		_, _, err = runCommand(t, backupCmd(nil), "--data", src, filepath.Join(out, "x.backup"))
		if err == nil || !strings.Contains(err.Error(), "CHANCERY_TOKEN or --token-file") {
			t.Errorf("backup of a served directory without a token: %v", err)
		}
	})

	t.Run("Usage", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "nothing")
		_, _, err := runCommand(t, backupCmd(nil), "--data", missing, file)
		if err == nil || !strings.Contains(err.Error(), "no data directory at "+missing) {
			t.Errorf("backup of a missing directory: %v", err)
		}
		if _, err := os.Stat(missing); !os.IsNotExist(err) {
			t.Error("backing up a missing directory created it")
		}
		for _, args := range [][]string{{}, {"a", "b"}, {file, "--force"}} {
			_, stderr, err := runCommand(t, restoreCmd(nil), args...)
			if err == nil || !strings.Contains(stderr, "Usage: chancery restore") {
				t.Errorf("restore %q: %v, %q", args, err, stderr)
			}
		}
		if _, stderr, _ := runCommand(t, restoreCmd(nil), file, "--force"); !strings.Contains(stderr, "flags go before the file") {
			t.Errorf("a flag after the file: %q", stderr)
		}
	})
}

// TestBackupThroughServer backs up a directory that a server holds, from
// the server's GET /admin/backup, served here by a handler that keeps the
// endpoint's contract over a real store.
func TestBackupThroughServer(t *testing.T) {
	dir, entities, relations := seededDir(t)
	db := storetest.OpenDir(t, dir)

	var mu sync.Mutex
	tokens := []string{"s3cret-token-0123456789"}
	cut := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		tokens, cut := tokens, cut
		mu.Unlock()
		fail := func(status int, msg string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			json.NewEncoder(w).Encode(map[string]string{"error": msg})
		}
		switch {
		case r.Method != http.MethodGet || r.URL.Path != "/admin/backup":
			fail(http.StatusNotFound, "not found")
			return
		case len(tokens) == 0:
			fail(http.StatusServiceUnavailable, "no admin tokens are configured on this server")
			return
		case r.Header.Get("Authorization") != "Bearer "+tokens[0]:
			fail(http.StatusUnauthorized, "the admin token is missing or wrong")
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		if cut {
			var buf bytes.Buffer
			db.Backup(r.Context(), &buf)
			w.Write(buf.Bytes()[:buf.Len()/2])
			return
		}
		db.Backup(r.Context(), w)
	}))
	defer srv.Close()
	if err := db.Announce("chancery serve", srv.URL+"/"); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	token := map[string]string{"CHANCERY_TOKEN": "s3cret-token-0123456789"}

	t.Run("OK", func(t *testing.T) {
		file := filepath.Join(out, "ok.backup")
		stdout, _, err := runCommand(t, backupCmd(token), "--data", dir, file)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(stdout, "through the server at "+srv.URL) {
			t.Errorf("stdout %q", stdout)
		}
		dst := filepath.Join(t.TempDir(), "restored")
		if _, _, err := runCommand(t, restoreCmd(nil), "--data", dst, file); err != nil {
			t.Fatal(err)
		}
		checkRestored(t, dst, entities, relations)
	})

	t.Run("TokenFile", func(t *testing.T) {
		tf := filepath.Join(t.TempDir(), "token")
		os.WriteFile(tf, []byte("# the admin token\n\n  s3cret-token-0123456789  \nsomething-else-0123456789\n"), 0o600)
		wrong := map[string]string{"CHANCERY_TOKEN": "not it"} // the flag wins
		if _, _, err := runCommand(t, backupCmd(wrong), "--data", dir, "--token-file", tf, filepath.Join(out, "tf.backup")); err != nil {
			t.Error(err)
		}
		os.WriteFile(tf, []byte("# nothing here\n"), 0o600)
		_, _, err := runCommand(t, backupCmd(nil), "--data", dir, "--token-file", tf, filepath.Join(out, "none.backup"))
		if err == nil || !strings.Contains(err.Error(), "holds no token") {
			t.Errorf("a token file without a token: %v", err)
		}
	})

	failures := []struct {
		name   string
		env    map[string]string
		tokens []string
		cut    bool
		want   []string
	}{
		{"WrongToken", map[string]string{"CHANCERY_TOKEN": "guess"}, []string{"s3cret-token-0123456789"}, false,
			[]string{"refused the admin token from CHANCERY_TOKEN", "the admin token is missing or wrong"}},
		{"NoTokens", token, nil, false,
			[]string{"takes no backups over HTTP", "no admin tokens are configured on this server"}},
		{"CutShort", token, []string{"s3cret-token-0123456789"}, true,
			[]string{"is not whole", "the backup is cut short after"}},
	}
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			mu.Lock()
			tokens, cut = tt.tokens, tt.cut
			mu.Unlock()
			file := filepath.Join(out, tt.name+".backup")
			_, _, err := runCommand(t, backupCmd(tt.env), "--data", dir, file)
			for _, w := range tt.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v; want it to say %q", err, w)
				}
			}
			if _, err := os.Stat(file); !os.IsNotExist(err) {
				t.Errorf("a failed backup left %s: %v", file, err)
			}
			noPartials(t, out)
		})
	}
}
