// Package initial fills a new data directory with what it starts with:
// the world (the curated seeds, then the Wikidata missions snapshots,
// oldest first) or the curated seeds alone.
package initial

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"path"
	"strings"
	"time"

	"github.com/chancery/chancery/graph/wikidata"
	"github.com/chancery/chancery/seeds"
	"github.com/chancery/chancery/store"
)

// Data is what a new data directory is filled with.
type Data string

const (
	// World is the curated seeds and the world's missions: every built-in
	// Wikidata snapshot imported over them, oldest first, so that the
	// missions a later snapshot no longer lists are closed between the
	// two dates. The default.
	World Data = "world"
	// Curated is the curated seeds alone: a few hundred missions that the
	// seed documents tell of, loaded in a fraction of a second.
	Curated Data = "curated"
)

// Default is what a new data directory is filled with unless told
// otherwise.
const Default = World

// What each choice holds, as help and errors say it.
const (
	worldHolds   = " (the curated seeds and the world's missions from Wikidata)"
	curatedHolds = " (the curated seeds alone)"
)

// Usage describes the choices, for a flag's help; the flag package shows
// its value as "world".
const Usage = "what a new data directory is filled with: `world`" + worldHolds + " or curated" + curatedHolds

// Parse reads a choice of initial data, as a flag or an environment
// variable gives it.
func Parse(s string) (Data, error) {
	switch d := Data(strings.ToLower(strings.TrimSpace(s))); d {
	case World, Curated:
		return d, nil
	}
	return "", fmt.Errorf("there is no initial data %q: use world%s or curated%s", s, worldHolds, curatedHolds)
}

// String returns the choice's name.
func (d Data) String() string { return string(d) }

// Set reads a choice as Parse does, so that a *Data is a flag.Value.
func (d *Data) Set(s string) error {
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// snapshotSep joins the curated seeds' label and the snapshots' in a
// store's label.
const snapshotSep = " + wikidata-embassies "

// Label is what a store filled with d is labelled with (store.SeededWith):
// the curated seeds' label, and for the world the snapshots' dates.
func (d Data) Label(set *seeds.Set) string {
	if d != World {
		return set.Label
	}
	return set.Label + snapshotSep + strings.Join(snapshotDates(), ",")
}

// snapshotDates are the dates of the built-in snapshots, oldest first.
func snapshotDates() []string {
	var dates []string
	for _, name := range seeds.Snapshots() {
		date, _ := wikidata.SnapshotDate(name)
		dates = append(dates, date.String())
	}
	return dates
}

// SeedsOf returns the curated seeds' part of a store's label.
func SeedsOf(label string) string {
	seedsLabel, _, _ := strings.Cut(label, snapshotSep)
	return seedsLabel
}

// Loads says what filling a store with d loads, for a log line.
func (d Data) Loads() string {
	if d != World {
		return "the curated seeds"
	}
	return "the curated seeds, then Wikidata's diplomatic missions as of " + strings.Join(snapshotDates(), " and ")
}

// Fill fills db with d if it is new, and reports whether it did (see
// store.DB.Fill: a fill cut short is started again on the next open). It
// logs what it loads before it starts, and what it loaded when done.
func Fill(ctx context.Context, db *store.DB, d Data, log *slog.Logger) (bool, error) {
	if label, err := db.SeededWith(ctx); err != nil || label != "" {
		return false, err
	}
	set, err := seeds.Embedded()
	if err != nil {
		return false, err
	}
	start := time.Now()
	log.Info("filling a new data directory", "initial_data", string(d), "loading", d.Loads())
	var filled bool
	switch d {
	case Curated:
		// One transaction: a crash leaves the store new.
		filled, err = db.Seed(ctx, set.Batch(), set.Label)
	case World:
		filled, err = db.Fill(ctx, d.Label(set), func(ctx context.Context) error {
			if err := db.Apply(ctx, set.Batch()); err != nil {
				return fmt.Errorf("load the curated seeds: %w", err)
			}
			for _, name := range seeds.Snapshots() {
				if err := loadSnapshot(ctx, db, name, log); err != nil {
					return err
				}
			}
			return nil
		})
	default:
		_, err = Parse(string(d))
	}
	if err != nil {
		return false, err
	}
	if filled {
		log.Info("filled the new data directory", "initial_data", string(d), "took", time.Since(start).Round(time.Millisecond))
	}
	return filled, nil
}

// loadSnapshot imports one built-in snapshot as chancery import does.
func loadSnapshot(ctx context.Context, db *store.DB, name string, log *slog.Logger) error {
	start := time.Now()
	base := path.Base(name)
	date, ok := wikidata.SnapshotDate(name)
	if !ok {
		return fmt.Errorf("the built-in snapshot %s has no date in its name", base)
	}
	f, err := seeds.SnapshotFS().Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	file, err := wikidata.Read(bufio.NewReader(f), base)
	if err != nil {
		return fmt.Errorf("read the built-in snapshot: %w", err)
	}
	plan, err := wikidata.MakePlan(ctx, db, file, date)
	if err != nil {
		return fmt.Errorf("%s: %w", base, err)
	}
	if err := db.ApplyGroups(ctx, plan.Groups, nil); err != nil {
		return fmt.Errorf("%s: %w", base, err)
	}
	log.Info("loaded a Wikidata snapshot", "snapshot", date.String(), "rows", plan.Rows,
		"changes", len(plan.Groups), "rows_not_used", len(plan.Rejected), "took", time.Since(start).Round(time.Millisecond))
	return nil
}
