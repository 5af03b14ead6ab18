package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/chancery/chancery/seeds"
)

// SeedsReport is "chancery seeds report": counts of what the seeds hold.
type SeedsReport struct {
	Files []string

	stdout, stderr io.Writer
}

// NewSeedsReport returns the report command writing to the given streams.
func NewSeedsReport(stdout, stderr io.Writer) *SeedsReport {
	return &SeedsReport{stdout: stdout, stderr: stderr}
}

// ParseFlags reads "report" and the file arguments.
func (c *SeedsReport) ParseFlags(args []string) error {
	fs := flag.NewFlagSet("chancery seeds", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: chancery seeds report [FILE...]

Prints what the seed files hold: entities by kind, missions by type,
relations by type with the share that is dated, what is known of the
entities' and relations' periods (starts stated or unknown; ends stated,
open or unknown; facts attested, known by their dates only, or known on no
day and so only ever possible), and facts by source. With no files it
reports on the seeds built into this binary.
`)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 || fs.Arg(0) != "report" {
		fmt.Fprintf(c.stderr, "chancery seeds: expected the subcommand report, got %q\n\n", fs.Args())
		fs.Usage()
		return errors.New("no subcommand")
	}
	c.Files = fs.Args()[1:]
	return nil
}

// Run prints the report. Seeds with problems are reported on anyway, after
// a warning, because the counts help to find what is wrong.
func (c *SeedsReport) Run(ctx context.Context) error {
	var set *seeds.Set
	var problems []seeds.Problem
	var err error
	if len(c.Files) == 0 {
		set, problems, err = seeds.ReadFS(seeds.EmbeddedFS())
	} else {
		set, problems, err = seeds.ReadFiles(os.ReadFile, c.Files...)
	}
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		fmt.Fprintf(c.stderr, "warning: the seeds have %d problems; run chancery check to see them\n", len(problems))
	}
	return seeds.NewReport(set).Write(c.stdout)
}

// Close does nothing; the report holds no resources.
func (c *SeedsReport) Close() error { return nil }
