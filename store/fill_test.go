package store_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

// fillInSteps fills a store with the Cuba fixture in two writes, as the
// world's fill writes the seeds and then each snapshot.
func fillInSteps(db *store.DB, fail error) func(context.Context) error {
	return func(ctx context.Context) error {
		b := cubaFixture()
		if err := db.Apply(ctx, &graph.Batch{Entities: b.Entities}); err != nil {
			return err
		}
		if fail != nil {
			return fail
		}
		return db.Apply(ctx, &graph.Batch{Relations: b.Relations})
	}
}

func TestDB_Fill(t *testing.T) {
	t.Run("Once", func(t *testing.T) {
		dir := t.TempDir()
		db := storetest.OpenDir(t, dir)
		filled, err := db.Fill(ctx, "cuba", fillInSteps(db, nil))
		if err != nil || !filled {
			t.Fatalf("Fill: %v, %v", filled, err)
		}
		if label, _ := db.SeededWith(ctx); label != "cuba" {
			t.Errorf("label %q, want cuba", label)
		}
		if _, err := os.Stat(filepath.Join(dir, "chancery.importing")); !os.IsNotExist(err) {
			t.Errorf("the fill's mark is left after it finished: %v", err)
		}
		ref := storetest.Open(t)
		if err := ref.Apply(ctx, cubaFixture()); err != nil {
			t.Fatal(err)
		}
		storetest.SameGraph(t, db, ref)
		again, err := db.Fill(ctx, "other", func(context.Context) error {
			t.Error("a filled store was filled again")
			return nil
		})
		if err != nil || again {
			t.Errorf("second Fill: %v, %v", again, err)
		}
		if label, _ := db.SeededWith(ctx); label != "cuba" {
			t.Errorf("label %q after a second Fill, want cuba", label)
		}
	})

	t.Run("CutShortStartsOver", func(t *testing.T) {
		dir := t.TempDir()
		db, err := store.Open(store.Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		// The fill stops after its first write, as a kill would: the
		// entities are in, the mark is left, the label is not.
		killed := errors.New("killed")
		if _, err := db.Fill(ctx, "cuba", fillInSteps(db, killed)); !errors.Is(err, killed) {
			t.Fatalf("Fill: %v, want the fill's error", err)
		}
		if _, err := db.Entity(ctx, "country:cuba"); err != nil {
			t.Fatalf("the first write of the fill is not there: %v", err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}

		var logs bytes.Buffer
		db, err = store.Open(store.Options{Dir: dir, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		if err != nil {
			t.Fatalf("Open after a fill cut short: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		if !strings.Contains(logs.String(), "first fill") || !strings.Contains(logs.String(), "filled again") {
			t.Errorf("Open did not say it started the fill over: %q", logs.String())
		}
		if _, err := db.Entity(ctx, "country:cuba"); !graph.IsNotFound(err) {
			t.Errorf("what the cut-short fill wrote is still there: %v", err)
		}
		if n, err := db.Version(ctx); err != nil || n != 0 {
			t.Errorf("version %d, %v after the store was emptied; want a new store", n, err)
		}
		filled, err := db.Fill(ctx, "cuba", fillInSteps(db, nil))
		if err != nil || !filled {
			t.Fatalf("Fill again: %v, %v", filled, err)
		}
		ref := storetest.Open(t)
		if err := ref.Apply(ctx, cubaFixture()); err != nil {
			t.Fatal(err)
		}
		storetest.SameGraph(t, db, ref)
		report, err := db.Verify(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(report.Problems) > 0 {
			t.Errorf("verify after the fill started over: %v", report.Problems)
		}
	})

	t.Run("RefusesFactsWithoutALabel", func(t *testing.T) {
		db := storetest.Open(t)
		if err := db.Apply(ctx, cubaFixture()); err != nil {
			t.Fatal(err)
		}
		_, err := db.Fill(ctx, "cuba", func(context.Context) error {
			t.Error("a store holding facts was filled")
			return nil
		})
		if graph.ErrorCode(err) != graph.ECONFLICT || !strings.Contains(graph.ErrorMessage(err), "chancery verify") {
			t.Errorf("Fill of a store with facts and no label: %v", err)
		}
	})

	// A bulk import into a store that holds only what its fill wrote, in
	// many writes, is still a sorted load, which carries the fill's facts.
	t.Run("SortedLoadOverTheFill", func(t *testing.T) {
		db := storetest.OpenWith(t, store.Options{Dir: t.TempDir(), Bulk: true})
		if _, err := db.Fill(ctx, "cuba", fillInSteps(db, nil)); err != nil {
			t.Fatal(err)
		}
		// Large enough beside what the store holds to be worth a sorted
		// load (which rewrites what the store holds).
		more := &graph.Batch{Entities: []*graph.Entity{entity("country:norway", "Norway")}}
		for i := range 200 {
			id := "mission:norwegian-office-" + strconv.Itoa(i)
			more.Entities = append(more.Entities, entity(id, "Norwegian office "+strconv.Itoa(i)))
			more.Relations = append(more.Relations, rel(graph.SentBy, id, "country:norway"), rel(graph.LocatedIn, id, "city:havana"))
		}
		var passes []string
		_, err := db.Import(ctx, storetest.BatchOpener(t, more), store.ImportOptions{Progress: func(pass string, _ store.ImportStats) {
			if len(passes) == 0 || passes[len(passes)-1] != pass {
				passes = append(passes, pass)
			}
		}})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(passes, " "), "sort") {
			t.Errorf("the import's passes were %v: not a sorted load", passes)
		}
		ref := storetest.Open(t)
		all := cubaFixture()
		all.Entities = append(all.Entities, more.Entities...)
		all.Relations = append(all.Relations, more.Relations...)
		if err := ref.Apply(ctx, all); err != nil {
			t.Fatal(err)
		}
		storetest.SameGraph(t, db, ref)
		if label, _ := db.SeededWith(ctx); label != "cuba" {
			t.Errorf("label %q after the sorted load, want cuba", label)
		}
	})
}
