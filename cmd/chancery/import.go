package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/chancery/chancery/graph/jsonl"
	"github.com/chancery/chancery/store"
)

// Import is the import command: it loads JSON Lines files into a data
// directory, checking each file whole before writing any of it.
type Import struct {
	DataDir string
	Files   []string

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
	def := DefaultDataDir
	if v := c.getenv("CHANCERY_DATA"); v != "" {
		def = v
	}
	fs.StringVar(&c.DataDir, "data", def, "data `directory` to load into, created and filled from the built-in seeds if new (env CHANCERY_DATA)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: chancery import [--data DIR] FILE.jsonl...

Loads JSON Lines files (one {"entity": ...} or {"relation": ...} per line,
the format chancery gen writes) into the data directory; a new directory is
first filled from the built-in seeds, as chancery serve does, so files may
refer to the seeds' entities. Each file is checked whole first: a problem
is reported with its file and line and nothing of that file is written.
Then it is written in large batches. Stop the server that uses the
directory first.

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
	for _, f := range c.Files {
		if !strings.HasSuffix(f, ".jsonl") {
			fmt.Fprintf(c.stderr, "chancery import: %s: only JSON Lines files (.jsonl) can be imported\n", f)
			return errors.New("unknown format")
		}
	}
	return nil
}

// Run imports the files in order.
func (c *Import) Run(ctx context.Context) error {
	db, _, err := openData(ctx, store.Options{Dir: c.DataDir})
	if err != nil {
		return err
	}
	c.db = db
	if err := db.Announce("chancery import", ""); err != nil {
		return err
	}
	for _, name := range c.Files {
		if err := c.importFile(ctx, name); err != nil {
			return err
		}
	}
	return nil
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
		return jsonl.NewReader(f, name), nil
	}
	start := time.Now()
	last := start
	progress := func(pass string, s store.ImportStats) {
		if now := time.Now(); now.Sub(last) >= time.Second {
			last = now
			fmt.Fprintf(c.stderr, "%s: %s: %d entities, %d relations\n", name, pass, s.Entities, s.Relations)
		}
	}
	s, err := c.db.Import(ctx, open, store.ImportOptions{Progress: progress})
	if err != nil {
		return describe(err)
	}
	took := time.Since(start)
	fmt.Fprintf(c.stdout, "%s: imported %d entities and %d relations in %s (%.0f relations/s)\n",
		name, s.Entities, s.Relations, took.Round(time.Millisecond), float64(s.Relations)/took.Seconds())
	return nil
}

// Close closes the data directory.
func (c *Import) Close() error {
	if c.db == nil {
		return nil
	}
	return c.db.Close()
}
