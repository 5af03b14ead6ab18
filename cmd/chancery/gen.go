package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/chancery/chancery/graph/jsonl"
	"github.com/chancery/chancery/graph/synth"
)

// Gen is the gen command: it writes a synthetic world as JSON Lines, for
// benchmarks and load tests.
type Gen struct {
	Relations int
	Seed      uint64
	Out       string

	stdout, stderr io.Writer
}

// NewGen returns the gen command writing to the given streams.
func NewGen(stdout, stderr io.Writer) *Gen { return &Gen{stdout: stdout, stderr: stderr} }

// ParseFlags reads the size, the seed and the output file.
func (c *Gen) ParseFlags(args []string) error {
	fs := flag.NewFlagSet("chancery gen", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.IntVar(&c.Relations, "relations", 10000, "how many `relations` the world has, at least 1000")
	fs.Uint64Var(&c.Seed, "seed", 1, "the random `seed`; the same seed and size give the same world")
	fs.StringVar(&c.Out, "out", "-", "the `file` to write, - for standard output")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: chancery gen [--relations N] [--seed S] [--out FILE.jsonl]

Writes a synthetic world of diplomatic representation as JSON Lines, for
chancery import: countries, territories, organisations, cities and people
with made-up names, and missions between them with a realistic skew,
renamings, upgrades, protecting powers and heads of mission, all dated.
Every fact cites the source "Chancery synthetic world": none of it is real.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(c.stderr, "chancery gen takes no arguments, but was given %q\n", fs.Args())
		fs.Usage()
		return errors.New("unexpected arguments")
	}
	if c.Relations < synth.MinRelations {
		fmt.Fprintf(c.stderr, "chancery gen: --relations is %d; it must be at least %d\n", c.Relations, synth.MinRelations)
		return errors.New("too small")
	}
	return nil
}

// Run writes the world.
func (c *Gen) Run(ctx context.Context) (err error) {
	out := c.stdout
	if c.Out != "-" {
		f, err := os.Create(c.Out)
		if err != nil {
			return fmt.Errorf("cannot write %s: %w", c.Out, errors.Unwrap(err))
		}
		defer func() {
			if cerr := f.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("write %s: %w", c.Out, cerr)
			}
		}()
		out = f
	}
	w := jsonl.NewWriter(out)
	err = synth.Generate(ctx, synth.Options{Relations: c.Relations, Seed: c.Seed}, func(it synth.Item) error {
		if it.Entity != nil {
			return w.Entity(it.Entity)
		}
		return w.Relation(it.Relation)
	})
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		return fmt.Errorf("write the synthetic world to %s: %w", c.Out, err)
	}
	return nil
}

// Close does nothing; gen closes its file when it is done.
func (c *Gen) Close() error { return nil }
