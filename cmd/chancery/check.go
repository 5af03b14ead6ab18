package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/chancery/chancery/seeds"
)

// Check is the check command: it reads seed files, reports every problem
// with its file and line, and fails if there are any.
type Check struct {
	Files []string

	stdout, stderr io.Writer
}

// NewCheck returns the check command writing to the given streams.
func NewCheck(stdout, stderr io.Writer) *Check { return &Check{stdout: stdout, stderr: stderr} }

// ParseFlags reads the file arguments.
func (c *Check) ParseFlags(args []string) error {
	fs := flag.NewFlagSet("chancery check", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: chancery check [FILE...]

Checks seed files: the format, ids, dates, the kinds each relation type
joins, duplicate facts, and loops of renamings. With no files it checks the
seeds built into this binary. Each problem is printed as file:line: message.
`)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	c.Files = fs.Args()
	return nil
}

// Run checks the files.
func (c *Check) Run(ctx context.Context) error {
	var set *seeds.Set
	var problems []seeds.Problem
	var err error
	what := "built-in seeds"
	if len(c.Files) == 0 {
		set, problems, err = seeds.ReadFS(seeds.EmbeddedFS())
	} else {
		what = fmt.Sprintf("%d files", len(c.Files))
		set, problems, err = seeds.ReadFiles(os.ReadFile, c.Files...)
	}
	if err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintln(c.stdout, p)
	}
	if len(problems) > 0 {
		fmt.Fprintf(c.stderr, "%d problems in the %s\n", len(problems), what)
		return exitError(1)
	}
	b := set.Batch()
	fmt.Fprintf(c.stdout, "%s: %d entities and %d relations, no problems\n", what, len(b.Entities), len(b.Relations))
	return nil
}

// Close does nothing; check holds no resources.
func (c *Check) Close() error { return nil }
