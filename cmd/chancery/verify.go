package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/chancery/chancery/store"
)

// Verify is the verify command: it checks every invariant of a data
// directory and prints what is wrong, and with --repair rebuilds what the
// records determine.
type Verify struct {
	DataDir string
	Repair  bool

	stdout, stderr io.Writer
	getenv         func(string) string
	db             *store.DB
}

// NewVerify returns the verify command writing to the given streams and
// reading defaults from getenv.
func NewVerify(stdout, stderr io.Writer, getenv func(string) string) *Verify {
	return &Verify{stdout: stdout, stderr: stderr, getenv: getenv}
}

// ParseFlags reads the flags; verify takes no arguments.
func (c *Verify) ParseFlags(args []string) error {
	fs := flag.NewFlagSet("chancery verify", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.StringVar(&c.DataDir, "data", dataDefault(c.getenv), "data `directory` to verify (env CHANCERY_DATA)")
	fs.BoolVar(&c.Repair, "repair", false, "rebuild the indexes and counts from the records, then verify again")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: chancery verify [--data DIR] [--repair]

Reads every key of the data directory and checks it: that every record
decodes, that the entities each relation names exist, that every index
(adjacency, type, context, names, words, vocabulary) holds exactly what the
records give, that the counts index agrees with a recount, and that no
import or restore was cut short. It prints one line for each kind of
problem, with how many and the first few ids, then a summary, and exits
with status 1 if it found any.

With --repair it rebuilds what the records determine (every index, and the
counts) and verifies again. Lost or damaged records it cannot rebuild: it
says what to do (restore a backup, or export what is readable and import
it into a new directory). A directory whose import or restore was cut short
it leaves as it is.

The directory must not be in use: stop the server that holds it first.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(c.stderr, "chancery verify takes no arguments, but was given %q; name the directory with --data\n", fs.Args())
		fs.Usage()
		return errors.New("bad arguments")
	}
	return nil
}

// Run verifies the directory and, with --repair, repairs it.
func (c *Verify) Run(ctx context.Context) error {
	if !store.IsDataDir(c.DataDir) {
		return fmt.Errorf("there is no data directory at %s to verify; pass --data with the directory chancery serve uses", c.DataDir)
	}
	db, err := store.Open(store.Options{Dir: c.DataDir, Inspect: true})
	if err != nil {
		return describe(err) // a held directory: the message names the holder
	}
	c.db = db
	command := "chancery verify"
	if c.Repair {
		command += " --repair"
	}
	if err := db.Announce(command, ""); err != nil {
		return err
	}
	if c.Repair {
		return c.repair(ctx)
	}
	rep, err := db.Verify(ctx)
	if err != nil {
		return fmt.Errorf("cannot verify %s: %s", c.DataDir, describe(err))
	}
	c.print(rep, "")
	if rep.Total() > 0 {
		return exitError(1)
	}
	return nil
}

// repair repairs the directory and says what it found, what it did, and
// what is left.
func (c *Verify) repair(ctx context.Context) error {
	fixed, err := c.db.Repair(ctx)
	if fixed != nil && fixed.Before != nil {
		c.print(fixed.Before, "")
	}
	if err != nil {
		return describe(err)
	}
	if fixed.Before.Total() == 0 {
		fmt.Fprintln(c.stdout, "nothing to repair")
		return nil
	}
	if len(fixed.Done) > 0 {
		fmt.Fprintf(c.stdout, "repaired %s:\n", c.DataDir)
		for _, d := range fixed.Done {
			fmt.Fprintln(c.stdout, "  "+d)
		}
	}
	c.print(fixed.After, "after repairing, ")
	if fixed.After.Total() > 0 {
		return exitError(1)
	}
	return nil
}

// print writes a report: a line for each kind of problem, then a summary
// that starts with prefix.
func (c *Verify) print(rep *store.VerifyReport, prefix string) {
	checked := fmt.Sprintf("%d entities, %d relations, %d keys checked", rep.Entities, rep.Relations, rep.Keys)
	if rep.Total() == 0 {
		fmt.Fprintf(c.stdout, "%sno problems: %s in %s\n", prefix, checked, c.DataDir)
		return
	}
	repairable := 0
	for _, p := range rep.Problems {
		line := fmt.Sprintf("%s: %d", p.What, p.Count)
		if len(p.Examples) > 0 {
			line += ", such as " + strings.Join(p.Examples, "; ")
		}
		if p.Repairable {
			repairable += p.Count
		} else {
			line += " [cannot be repaired: " + p.Remedy + "]"
		}
		fmt.Fprintln(c.stdout, line)
	}
	total := rep.Total()
	problems := "problems"
	if total == 1 {
		problems = "problem"
	}
	summary := fmt.Sprintf("%s%d %s in %s (%s)", prefix, total, problems, c.DataDir, checked)
	switch {
	case c.Repair:
	case rep.CutShort():
		summary += "; chancery verify --repair changes nothing in a directory whose loading was cut short"
	case repairable == total:
		summary += "; chancery verify --repair rebuilds them"
	case repairable > 0:
		summary += fmt.Sprintf("; chancery verify --repair rebuilds %d of them, not the other %d", repairable, total-repairable)
	default:
		summary += "; chancery verify --repair cannot rebuild them"
	}
	fmt.Fprintln(c.stdout, summary)
}

// Close closes the data directory.
func (c *Verify) Close() error {
	if c.db == nil {
		return nil
	}
	return c.db.Close()
}
