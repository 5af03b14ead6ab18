package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/chancery/chancery/cmd/chancery/internal/progress"
	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/graph/jsonl"
	"github.com/chancery/chancery/graph/wikidata"
	"github.com/chancery/chancery/seeds"
	"github.com/chancery/chancery/seeds/initial"
	"github.com/chancery/chancery/store"
)

// Import is the import command: it loads JSON Lines files, and snapshots
// of the Wikidata diplomatic-missions data set, into a data directory,
// checking each file whole before writing any of it.
type Import struct {
	DataDir string
	// InitialData is what a new data directory is filled with first.
	InitialData initial.Data
	Files       []string
	// Snapshot overrides the date a data set file's name carries.
	Snapshot graph.Date
	// DryRun works out and reports what a data set file would change,
	// and writes nothing.
	DryRun bool

	stdout, stderr io.Writer
	getenv         func(string) string
	db             *store.DB
}

// NewImport returns the import command writing to the given streams.
func NewImport(stdout, stderr io.Writer, getenv func(string) string) *Import {
	return &Import{stdout: stdout, stderr: stderr, getenv: getenv}
}

// ParseFlags reads the data directory and the files.
func (c *Import) ParseFlags(args []string) error {
	fs := flag.NewFlagSet("chancery import", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.StringVar(&c.DataDir, "data", dataDefault(c.getenv), "data `directory` to load into, created and filled with the --initial-data if new (env CHANCERY_DATA)")
	if err := initialDataFlag(fs, c.getenv, &c.InitialData); err != nil {
		return err
	}
	snapshot := fs.String("snapshot-date", "", "the `date` (YYYY-MM-DD) a .csv snapshot was taken, instead of the date in its file name")
	fs.BoolVar(&c.DryRun, "dry-run", false, "for .csv files, report what the import would change and write nothing")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: chancery import [--data DIR] [--initial-data world|curated] [--snapshot-date YYYY-MM-DD] [--dry-run] FILE...

Loads files into the data directory, in the order given; a new directory is
first filled, as chancery serve does, with the curated seeds and the
world's missions from Wikidata (or with --initial-data curated, the curated
seeds alone), so files may refer to their entities. Stop the server that
uses the directory first.

FILE.jsonl  JSON Lines (one {"entity": ...} or {"relation": ...} per line,
            the format chancery gen writes). The file is checked whole
            first: a problem is reported with its file and line and nothing
            of that file is written. Then it is written in large batches.

FILE.yaml   a file in the seed format (seeds/README.md). It must have no
            problem that chancery check finds within a file; it is then
            loaded as a JSON Lines file is, and may refer to what the data
            directory already holds.

FILE.csv    a snapshot of the Wikidata diplomatic-missions data set
            (database_of_embassies-2022-11-16.csv). Each row becomes a
            mission, matched to the countries and cities already known.
            Missions an earlier snapshot imported are updated, and those
            this one no longer lists are closed at its date, which is taken
            from the file name or --snapshot-date. Rows that cannot be used
            are reported with their line and the rest is imported; a
            malformed file stops with its line and writes nothing. Import
            snapshots oldest first.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	c.Files = fs.Args()
	if len(c.Files) == 0 {
		fmt.Fprintln(c.stderr, "chancery import: name at least one file to import")
		fs.Usage()
		return errors.New("no files")
	}
	if *snapshot != "" {
		d, err := graph.ParseDate(*snapshot)
		if err == nil && d.Precision() != graph.FullDate {
			err = errors.New("it must be a full date")
		}
		if err != nil {
			fmt.Fprintf(c.stderr, "chancery import: --snapshot-date %q: write the day the snapshot was taken as YYYY-MM-DD\n", *snapshot)
			return errors.New("bad snapshot date")
		}
		c.Snapshot = d
	}
	csvs := 0
	for _, f := range c.Files {
		switch filepath.Ext(f) {
		case ".jsonl", ".yaml", ".yml":
		case ".csv":
			csvs++
			if _, ok := wikidata.SnapshotDate(f); !ok && c.Snapshot.IsZero() {
				fmt.Fprintf(c.stderr, "chancery import: %s: the file name carries no date (YYYY-MM-DD); say when the snapshot was taken with --snapshot-date\n", f)
				return errors.New("no snapshot date")
			}
		default:
			fmt.Fprintf(c.stderr, "chancery import: %s: only JSON Lines (.jsonl), seed files (.yaml) and Wikidata diplomatic-missions (.csv) files can be imported\n", f)
			return errors.New("unknown format")
		}
	}
	if csvs > 1 && !c.Snapshot.IsZero() {
		fmt.Fprintln(c.stderr, "chancery import: --snapshot-date gives one date, but several .csv files are named; import them one at a time")
		return errors.New("one snapshot date for several files")
	}
	if c.DryRun && csvs < len(c.Files) {
		fmt.Fprintln(c.stderr, "chancery import: --dry-run works for .csv files only")
		return errors.New("dry run of JSON Lines")
	}
	return nil
}

// Run imports the files in order.
func (c *Import) Run(ctx context.Context) error {
	db, _, err := openData(ctx, store.Options{Dir: c.DataDir, Bulk: true}, c.InitialData, cliLogger(c.stderr))
	if err != nil {
		return err
	}
	c.db = db
	if err := db.Announce("chancery import", ""); err != nil {
		return err
	}
	for _, name := range c.Files {
		switch filepath.Ext(name) {
		case ".csv":
			err = c.importSnapshot(ctx, name)
		case ".yaml", ".yml":
			err = c.importSeeds(ctx, name)
		default:
			err = c.importFile(ctx, name)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// importSeeds loads a file in the seed format: it must parse without a
// problem, and is then loaded as a JSON Lines file is.
func (c *Import) importSeeds(ctx context.Context, name string) error {
	data, err := os.ReadFile(name)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", name, errors.Unwrap(err))
	}
	f, problems := seeds.Parse(name, data)
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(c.stderr, p)
		}
		fmt.Fprintf(c.stderr, "%s: %d problems; nothing was imported (chancery check %s lists them too)\n", name, len(problems), name)
		return exitError(1)
	}
	return c.load(ctx, name, func() (store.ItemReader, error) { return f.Items(), nil })
}

func (c *Import) importFile(ctx context.Context, name string) error {
	var f *os.File
	defer func() {
		if f != nil {
			f.Close()
		}
	}()
	open := func() (store.ItemReader, error) {
		if f != nil {
			f.Close()
		}
		var err error
		if f, err = os.Open(name); err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", name, errors.Unwrap(err))
		}
		return jsonl.NewReaderWith(f, name, store.DecodeJSONLine), nil
	}
	return c.load(ctx, name, open)
}

// load imports the items open gives, with progress on stderr and a
// summary on stdout.
func (c *Import) load(ctx context.Context, name string, open func() (store.ItemReader, error)) error {
	start := time.Now()
	bar := progress.NewImport(c.stderr, name)
	s, err := c.db.Import(ctx, open, store.ImportOptions{Progress: bar.Update})
	bar.Finish()
	if err != nil {
		return describe(err)
	}
	took := time.Since(start)
	fmt.Fprintf(c.stdout, "%s: imported %d entities and %d relations in %s (%.0f relations/s)\n",
		name, s.Entities, s.Relations, took.Round(time.Millisecond), float64(s.Relations)/took.Seconds())
	return nil
}

// importSnapshot imports a snapshot of the Wikidata diplomatic-missions
// data set: the whole file is read, matched and compared with the graph,
// then the changes are written in transactions of many missions each.
func (c *Import) importSnapshot(ctx context.Context, name string) error {
	start := time.Now()
	date := c.Snapshot
	if date.IsZero() {
		date, _ = wikidata.SnapshotDate(name)
	}
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", name, errors.Unwrap(err))
	}
	file, err := wikidata.Read(bufio.NewReader(f), name)
	f.Close()
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(c.stderr, "%s: %d rows read; matching them with the graph\n", name, len(file.Rows))
	plan, err := wikidata.MakePlan(ctx, c.db, file, date)
	if err != nil {
		return fmt.Errorf("%s: %w", name, describe(err))
	}
	for _, r := range plan.Rejected {
		fmt.Fprintf(c.stderr, "%s:%d: rejected: %s\n", name, r.Line, r)
	}
	fmt.Fprintf(c.stderr, "%s: matched in %s; %d changes to write\n", name, time.Since(start).Round(time.Millisecond), len(plan.Groups))
	if c.DryRun {
		fmt.Fprintf(c.stdout, "dry run: nothing written\n")
		return plan.WriteSummary(c.stdout)
	}
	last := time.Now()
	progress := func(done int) {
		if now := time.Now(); now.Sub(last) >= time.Second || done == len(plan.Groups) {
			last = now
			fmt.Fprintf(c.stderr, "%s: written %d of %d changes\n", name, done, len(plan.Groups))
		}
	}
	if err := c.db.ApplyGroups(ctx, plan.Groups, progress); err != nil {
		return fmt.Errorf("%s: %w; what was written before is whole, and importing the file again finishes the job", name, describe(err))
	}
	if err := plan.WriteSummary(c.stdout); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "  took %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// Close closes the data directory.
func (c *Import) Close() error {
	if c.db == nil {
		return nil
	}
	return c.db.Close()
}
