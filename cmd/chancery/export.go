package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chancery/chancery/cmd/chancery/internal/atomicfile"
	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/graph/export"
	"github.com/chancery/chancery/seeds/initial"
	"github.com/chancery/chancery/store"
)

// Export is the export command: it writes the graph in a data directory, or
// the part of it around some entities, as JSON Lines, CSV or GraphML.
type Export struct {
	// Settings, from flags or the environment.
	DataDir string
	// InitialData is what a new data directory is filled with first.
	InitialData initial.Data
	Format      export.Format
	Dialect     export.Dialect
	Out         string
	Scope       export.Scope

	stdout, stderr io.Writer
	getenv         func(string) string
	db             *store.DB
	outputs        []*atomicfile.File
}

// NewExport returns the export command writing to the given streams and
// reading defaults from getenv.
func NewExport(stdout, stderr io.Writer, getenv func(string) string) *Export {
	return &Export{stdout: stdout, stderr: stderr, getenv: getenv}
}

const exportUsage = `Usage: chancery export [flags]

Writes the graph in the data directory, or a part of it, for other tools:

  --format jsonl    JSON Lines, one {"entity": ...} or {"relation": ...} a
                    line: what chancery import reads back into the same graph
  --format csv      a nodes file and a relationships file, with the header
                    of --csv-dialect: neo4j for neo4j-admin database import,
                    gephi for Gephi's Import Spreadsheet (Data Laboratory)
  --format graphml  GraphML, for Gephi, yEd and NetworkX

Without --format, an --out ending in .graphml means graphml, otherwise
jsonl. Aliases and sources, in csv and graphml, are JSON arrays; validFrom
and validTo are dates as stored (1977, 1994-09), and firstDay and lastDay
the full days their period starts and ends on.

By default the whole graph is written, a page at a time, however large.
With --ids, only what lies within --depth hops of those entities is, found
as the neighbourhood query finds it (breadth first, following --direction),
with the context entity of each relation; more than --limit relations is an
error. --types keeps only relations of those types (the whole graph keeps
every entity). --as-of leaves out the entities and relations outside their
periods, what is reached only through them, and relations that name an
entity left out.

--out names the file to write, or - for standard output (the default). For
csv it names a directory (one that exists, or a path ending in /, which is
created) that receives nodes.csv and relationships.csv, or else a prefix:
--out exports/cuba- writes exports/cuba-nodes.csv and
exports/cuba-relationships.csv. Files appear complete or not at all.

The data directory is read as chancery serve would (a new one is first
filled with the --initial-data); stop the server that uses it first.

Examples:
  chancery export --out chancery.jsonl
  chancery export --format csv --out neo4j/
  neo4j-admin database import full neo4j --nodes=neo4j/nodes.csv \
      --relationships=neo4j/relationships.csv --multiline-fields=true
  chancery export --format csv --csv-dialect gephi --out gephi/
  chancery export --ids country:cuba --depth 1 --as-of 1990 --out cuba-1990.graphml

Flags:
`

// ParseFlags reads the flags and checks them, so that a mistake is reported
// before the data directory is opened.
func (c *Export) ParseFlags(args []string) error {
	fs := flag.NewFlagSet("chancery export", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	var format, ids, types, direction, asOf, dialect string
	fs.StringVar(&c.DataDir, "data", dataDefault(c.getenv), "data `directory` to export from (env CHANCERY_DATA)")
	if err := initialDataFlag(fs, c.getenv, &c.InitialData); err != nil {
		return err
	}
	fs.StringVar(&format, "format", "", "`format` to write: jsonl, csv or graphml (default jsonl, or graphml for an --out ending in .graphml)")
	fs.StringVar(&dialect, "csv-dialect", string(export.Neo4j), "CSV header `dialect`: neo4j or gephi")
	fs.StringVar(&c.Out, "out", "-", "`file` to write, - for standard output; for csv a directory or a file name prefix")
	fs.StringVar(&ids, "ids", "", "comma-separated entity `ids` to export the neighbourhood of, e.g. country:cuba,country:switzerland (default: the whole graph)")
	fs.IntVar(&c.Scope.Depth, "depth", 1, "with --ids, how many `hops` from them to go; 0 exports the entities alone")
	fs.StringVar(&direction, "direction", "both", "with --ids, which `way` to follow relations: out, in or both")
	fs.StringVar(&types, "types", "", "comma-separated relation `types` to keep, e.g. PROTECTS,SECTION_OF or protects,section-of (default: all)")
	fs.StringVar(&asOf, "as-of", "", "`date` (YYYY, YYYY-MM or YYYY-MM-DD): export only what exists then (default: all of history)")
	fs.IntVar(&c.Scope.Limit, "limit", export.DefaultLimit, fmt.Sprintf("with --ids, the most `relations` to export, at most %d", export.MaxLimit))
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), exportUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	bad := func(format string, a ...any) error {
		msg := fmt.Sprintf(format, a...)
		fmt.Fprintln(c.stderr, "chancery export:", msg)
		fmt.Fprintln(c.stderr, `Run "chancery export -h" for the flags.`)
		return errors.New(msg)
	}
	if fs.NArg() > 0 {
		return bad("unexpected arguments %q; name the output with --out", fs.Args())
	}
	if strings.TrimSpace(c.DataDir) == "" {
		return bad("the data directory is empty; give one with --data or CHANCERY_DATA")
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	var err error
	switch {
	case format != "":
		if c.Format, err = export.ParseFormat(format); err != nil {
			return bad("%s", graph.ErrorMessage(err))
		}
	case strings.HasSuffix(strings.ToLower(c.Out), ".graphml"):
		c.Format = export.GraphML
	default:
		c.Format = export.JSONL
	}
	if c.Dialect, err = export.ParseDialect(dialect); err != nil {
		return bad("%s", graph.ErrorMessage(err))
	}
	if set["csv-dialect"] && c.Format != export.CSV {
		return bad("--csv-dialect is for --format csv")
	}
	if c.Out == "" {
		return bad("--out is empty; name a file, or - for standard output")
	}
	if c.Format == export.CSV && (c.Out == "-" || strings.HasSuffix(strings.ToLower(c.Out), ".csv")) {
		return bad("csv writes two files, nodes and relationships; give --out a directory (such as out/) or a file name prefix (such as out/graph-)")
	}

	for _, s := range splitList(ids) {
		id, err := graph.ParseID(s)
		if err != nil {
			return bad("--ids: %s", graph.ErrorMessage(err))
		}
		c.Scope.IDs = append(c.Scope.IDs, id)
	}
	if len(c.Scope.IDs) == 0 {
		for _, name := range []string{"depth", "direction", "limit"} {
			if set[name] {
				return bad("--%s is for a subgraph; name the entities to start from with --ids", name)
			}
		}
	}
	if c.Scope.Depth < 0 {
		return bad("--depth is %d; it must be 0 or more", c.Scope.Depth)
	}
	if c.Scope.Limit < 1 || c.Scope.Limit > export.MaxLimit {
		return bad("--limit is %d; it must be between 1 and %d", c.Scope.Limit, export.MaxLimit)
	}
	switch strings.ToLower(strings.TrimSpace(direction)) {
	case "out":
		c.Scope.Direction = graph.Out
	case "in":
		c.Scope.Direction = graph.In
	case "both":
		c.Scope.Direction = graph.Both
	default:
		return bad("--direction is %q; use out, in or both", direction)
	}
	for _, s := range splitList(types) {
		t, err := graph.ParseRelationType(s)
		if err != nil {
			return bad("--types: %s", graph.ErrorMessage(err))
		}
		c.Scope.Types = append(c.Scope.Types, t)
	}
	if asOf != "" {
		if c.Scope.AsOf, err = graph.ParseDate(asOf); err != nil {
			return bad("--as-of: %s", graph.ErrorMessage(err))
		}
	}
	return nil
}

// Run opens the data directory and writes the export. The output files are
// written under temporary names and renamed into place when complete.
func (c *Export) Run(ctx context.Context) error {
	start := time.Now()
	db, seeded, err := openData(ctx, store.Options{Dir: c.DataDir}, c.InitialData, cliLogger(c.stderr))
	if err != nil {
		return err
	}
	c.db = db
	if seeded {
		fmt.Fprintf(c.stderr, "chancery export: %s was new, so it was filled with the initial data (%s) first\n", c.DataDir, c.InitialData)
	}
	if err := db.Announce("chancery export", ""); err != nil {
		return err
	}
	var out []io.Writer
	switch {
	case c.Out == "-":
		out = []io.Writer{c.stdout}
	case c.Format == export.CSV:
		nodes, rels, err := csvPaths(c.Out)
		if err != nil {
			return err
		}
		for _, name := range []string{nodes, rels} {
			if out, err = c.create(out, name); err != nil {
				return err
			}
		}
	default:
		if out, err = c.create(out, c.Out); err != nil {
			return err
		}
	}

	open := func(attributes []string) (export.Writer, error) {
		switch c.Format {
		case export.CSV:
			return export.NewCSV(out[0], out[1], c.Dialect, attributes)
		case export.GraphML:
			return export.NewGraphML(out[0], attributes)
		default:
			return export.NewJSONL(out[0]), nil
		}
	}
	last := start
	progress := func(s export.Stats) {
		if now := time.Now(); now.Sub(last) >= time.Second {
			last = now
			fmt.Fprintf(c.stderr, "chancery export: %d entities, %d relations\n", s.Entities, s.Relations)
		}
	}
	s, err := export.Export(ctx, db, c.Scope, open, export.Options{Progress: progress, SkipAttributeKeys: c.Format == export.JSONL})
	if err != nil {
		return c.describe(err)
	}
	var names []string
	for _, p := range c.outputs {
		if err := p.Commit(); err != nil {
			return err
		}
		names = append(names, p.Name())
	}
	summary, where := c.stdout, strings.Join(names, " and ")
	if c.Out == "-" {
		summary, where = c.stderr, "standard output"
	}
	if len(c.Scope.IDs) > 0 && s.Entities == 0 && !c.Scope.AsOf.IsZero() {
		fmt.Fprintf(c.stderr, "chancery export: none of %s exists as of %s\n", joinIDs(c.Scope.IDs), c.Scope.AsOf)
	}
	fmt.Fprintf(summary, "chancery export: wrote %d entities and %d relations as %s to %s in %s\n",
		s.Entities, s.Relations, c.formatName(), where, time.Since(start).Round(time.Millisecond))
	return nil
}

func (c *Export) formatName() string {
	if c.Format == export.CSV {
		return fmt.Sprintf("csv (%s)", c.Dialect)
	}
	return string(c.Format)
}

// describe turns an export's error into a message for people.
func (c *Export) describe(err error) error {
	if errors.Is(err, export.ErrLimit) {
		return fmt.Errorf("the subgraph within %d hops of %s has more than %d relations; narrow it with --depth, --types or --as-of, or raise --limit (at most %d)",
			c.Scope.Depth, joinIDs(c.Scope.IDs), c.Scope.Limit, export.MaxLimit)
	}
	return describe(err)
}

func joinIDs(ids []graph.ID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	return strings.Join(s, ", ")
}

// create starts the file name, under a temporary name beside it, and
// appends it to out.
func (c *Export) create(out []io.Writer, name string) ([]io.Writer, error) {
	p, err := atomicfile.Create(name, atomicfile.Options{Perm: 0o644})
	if err != nil {
		return nil, err
	}
	c.outputs = append(c.outputs, p)
	return append(out, p), nil
}

// Close removes output files not completed and closes the data directory.
func (c *Export) Close() error {
	var errs []error
	for _, p := range c.outputs {
		p.Abort()
	}
	if c.db != nil {
		if err := c.db.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// csvPaths returns the two files a csv export writes for --out: in it, if
// it is a directory or ends in a separator (created then), or else named
// with it as a prefix.
func csvPaths(out string) (nodes, relationships string, err error) {
	if strings.HasSuffix(out, "/") || strings.HasSuffix(out, string(filepath.Separator)) {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return "", "", fmt.Errorf("cannot create the directory %s: %v", out, errors.Unwrap(err))
		}
	}
	if fi, err := os.Stat(out); err == nil && fi.IsDir() {
		return filepath.Join(out, "nodes.csv"), filepath.Join(out, "relationships.csv"), nil
	}
	return out + "nodes.csv", out + "relationships.csv", nil
}
