package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/graph/jsonl"
	"github.com/chancery/chancery/store/storetest/jsonltest"
)

// importChildEnv names the environment variables that make the test binary
// a child that imports a file and exits: the killed process of
// TestImportKilledLeavesACorrectOrRefusedStore.
const (
	importChildDir  = "CHANCERY_TEST_IMPORT_DIR"
	importChildFile = "CHANCERY_TEST_IMPORT_FILE"
)

// RunTestChild does the work of a kill test's child process and exits,
// when the test binary was started as one (its environment says so); it
// returns at once otherwise. TestMain calls it.
func RunTestChild() {
	switch {
	case os.Getenv(importChildDir) != "":
		importChild()
	case os.Getenv(bulkChildDir) != "":
		bulkChild()
	}
}

// importChild is the test binary run as the child of
// TestImportKilledLeavesACorrectOrRefusedStore (see TestMain): it imports a
// file into a directory, as chancery import does, reports when it starts
// writing, and exits.
func importChild() {
	dir, file := os.Getenv(importChildDir), os.Getenv(importChildFile)
	db, err := Open(Options{Dir: dir, Bulk: true})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(3)
	}
	_, err = db.Import(context.Background(), func() (ItemReader, error) {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		return jsonl.NewReader(f, file), nil
	}, ImportOptions{Progress: func(pass string, _ ImportStats) {
		if pass == "write" {
			fmt.Println("writing")
		}
	}})
	if err != nil {
		fmt.Println("import:", err)
		os.Exit(4)
	}
	if err := db.Close(); err != nil {
		os.Exit(5)
	}
	fmt.Println("done")
	os.Exit(0)
}

// TestImportKilledLeavesACorrectOrRefusedStore kills an import with
// SIGKILL at random moments, into a directory that holds more than the
// seeds (the batch writer) and into a new one (a sorted load), and checks
// every time that the store either opens whole, with counts that agree
// with its records and nothing for Verify to find, or is refused with a
// message that says the import was cut short and what to do, never opened
// part-way or reset; and that doing what it says (Repair, then the import
// again) leaves the whole world, which Verify finds sound.
func TestImportKilledLeavesACorrectOrRefusedStore(t *testing.T) {
	world := synthWorld(t, 3000, 17)
	half := &graph.Batch{Entities: world.Entities, Relations: world.Relations[:len(world.Relations)/2]}
	rest := &graph.Batch{Relations: world.Relations[len(world.Relations)/2:]}
	tmp := t.TempDir()
	write := func(name string, b *graph.Batch) string {
		path := filepath.Join(tmp, name)
		if err := os.WriteFile(path, jsonltest.Batch(t, b), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	halfFile, restFile, allFile := write("half.jsonl", half), write("rest.jsonl", rest), write("all.jsonl", world)

	rng := rand.New(rand.NewPCG(19, 3))
	outcomes := map[string]int{}
	for trial := range 8 {
		sorted := trial%2 == 1
		dir := filepath.Join(tmp, fmt.Sprintf("trial%d", trial))
		file := allFile
		if !sorted {
			// A store with data: half the world, imported whole.
			db, err := Open(Options{Dir: dir, Bulk: true})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Import(context.Background(), fileOpener(halfFile), ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			db.Close()
			file = restFile
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), importChildDir+"="+dir, importChildFile+"="+file)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = cmd.Stdout
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// The child's lines, read as it writes them.
		lines := make(chan string, 16)
		go func() {
			defer close(lines)
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
		}()
		var said []string
		for line := range lines {
			said = append(said, line)
			if line == "writing" || strings.HasPrefix(line, "import:") || strings.HasPrefix(line, "open:") {
				break
			}
		}
		// Kill it once it is writing, after a random while.
		time.Sleep(time.Duration(rng.IntN(150)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		for line := range lines {
			said = append(said, line)
		}
		cmd.Wait()
		all := strings.Join(said, "\n")
		if strings.Contains(all, "import:") || strings.Contains(all, "open:") {
			t.Fatalf("trial %d: the child failed on its own: %s", trial, all)
		}
		completed := slices.Contains(said, "done")

		db, err := Open(Options{Dir: dir})
		switch {
		case err != nil:
			if completed || graph.ErrorCode(err) != graph.ECONFLICT || !strings.Contains(graph.ErrorMessage(err), "cut short") ||
				!strings.Contains(graph.ErrorMessage(err), "import") {
				t.Fatalf("trial %d (sorted %v, completed %v): open: %v; want a refusal that says the import was cut short", trial, sorted, completed, err)
			}
			want := "chancery verify --repair"
			if sorted {
				want = "delete the directory and import again"
			}
			if !strings.Contains(graph.ErrorMessage(err), want) {
				t.Errorf("trial %d: the refusal %q does not say %q", trial, graph.ErrorMessage(err), want)
			}
			outcomes["refused"]++
			// Verify says so; for an import into a store with data, do
			// what the message says: repair, then import the file again,
			// which leaves the whole world with counts that agree.
			db, err := Open(Options{Dir: dir, Inspect: true})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := db.Verify(context.Background())
			if err != nil || rep.Total() == 0 {
				t.Fatalf("trial %d: verify of a store an import left part-way: %v, %+v; want it reported", trial, err, rep)
			}
			if sorted {
				if _, err := db.Repair(context.Background()); graph.ErrorCode(err) != graph.ECONFLICT {
					t.Errorf("trial %d: repair of a sorted load cut short: %v; want a refusal", trial, err)
				}
				db.Close()
				continue
			}
			rrep, err := db.Repair(context.Background())
			if err != nil || rrep.After.Total() != 0 {
				t.Fatalf("trial %d: repair: %v; after it: %+v", trial, err, rrep)
			}
			db.Close()
			if db, err = Open(Options{Dir: dir, Bulk: true}); err != nil {
				t.Fatalf("trial %d: open after the repair: %v", trial, err)
			}
			if _, err := db.Import(context.Background(), fileOpener(restFile), ImportOptions{}); err != nil {
				t.Fatalf("trial %d: the import again: %v", trial, err)
			}
			db.Close()
			if db, err = Open(Options{Dir: dir}); err != nil {
				t.Fatal(err)
			}
			page, err := db.Relations(context.Background(), graph.RelationQuery{First: 1, CountTotal: true})
			if err != nil || page.Total != len(world.Relations) {
				t.Fatalf("trial %d: after repairing and importing again: %d relations, %v; want %d", trial, page.Total, err, len(world.Relations))
			}
			assertCountsAgree(t, db, fmt.Sprintf("trial %d, repaired and imported again", trial), world.Relations)
			if rep, err := db.Verify(context.Background()); err != nil || rep.Total() != 0 {
				t.Errorf("trial %d: verify after repairing and importing again: %v, %+v", trial, err, rep)
			}
			db.Close()
			outcomes["repaired"]++
		default:
			// Whole: what was imported is there, with counts that agree.
			if _, err := os.Stat(filepath.Join(dir, importingFileName)); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("trial %d: the store opened with the importing file in it", trial)
			}
			page, err := db.Relations(context.Background(), graph.RelationQuery{First: 1, CountTotal: true})
			if err != nil {
				t.Fatal(err)
			}
			if seeded, _ := db.SeededWith(context.Background()); page.Total != len(world.Relations) || seeded != "" {
				t.Fatalf("trial %d (sorted %v, completed %v): the store opened with %d relations (seeded %q); want the whole world, %d",
					trial, sorted, completed, page.Total, seeded, len(world.Relations))
			}
			assertCountsAgree(t, db, fmt.Sprintf("trial %d, after the import", trial), world.Relations)
			if rep, err := db.Verify(context.Background()); err != nil || rep.Total() != 0 {
				t.Errorf("trial %d: verify of a whole store: %v, %+v", trial, err, rep)
			}
			db.Close()
			outcomes["whole"]++
		}
	}
	t.Logf("outcomes: %v", outcomes)
}

// fileOpener opens a JSON Lines file for Import.
func fileOpener(path string) func() (ItemReader, error) {
	return func() (ItemReader, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		return jsonl.NewReader(f, path), nil
	}
}

// bulkChildDir makes the test binary a child that writes more through a
// bulk store's batch writer than a serving store's memtable holds, and
// exits without closing: TestMemtablesABulkWriteLeftAreReplayed.
const bulkChildDir = "CHANCERY_TEST_BULK_DIR"

// bulkChildKeys is how many keys of bulkChildValue bytes the child writes:
// more than a serving store's memtable (64 MiB) takes, less than a bulk
// store's (128 MiB).
const bulkChildKeys, bulkChildValue = 110000, 900

// bulkChild is the test binary run as the child of
// TestMemtablesABulkWriteLeftAreReplayed (see TestMain and bulkChildDir).
func bulkChild() {
	dir := os.Getenv(bulkChildDir)
	db, err := Open(Options{Dir: dir, Bulk: true})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(3)
	}
	wb := db.bdb.NewWriteBatch()
	v := make([]byte, bulkChildValue)
	for i := range bulkChildKeys {
		if err := wb.Set(fmt.Appendf(nil, "x%08d", i), v); err != nil {
			os.Exit(4)
		}
	}
	if err := wb.Flush(); err != nil {
		os.Exit(5)
	}
	os.Exit(0) // as a kill would: nothing flushed to tables, nothing closed
}

// TestMemtablesABulkWriteLeftAreReplayed: a bulk import cut short leaves
// memtables larger than a serving store's, which Badger, opened as a
// server opens it, would stop the process replaying ("Arena too small").
// The store replays them at their own size first, and opens with all of
// them.
func TestMemtablesABulkWriteLeftAreReplayed(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), bulkChildDir+"="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the child: %v\n%s", err, out)
	}
	db, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := 0
	if err := db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("x")})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n != bulkChildKeys {
		t.Errorf("the store holds %d of the %d keys written", n, bulkChildKeys)
	}
}
