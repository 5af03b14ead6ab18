package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chancery/chancery/cmd/chancery/internal/bench"
	"github.com/chancery/chancery/cmd/chancery/internal/bench/mix"
	"github.com/chancery/chancery/schema"
)

// Defaults of chancery bench's flags.
const (
	defaultBenchRequests  = 2000
	defaultBenchWarmup    = 100
	defaultBenchInputs    = 16
	defaultBenchTimeLimit = 2 * time.Minute
	// With --costs: each input is timed this many times, and each shape
	// has up to this many inputs.
	defaultCostRequests = 10
	defaultCostInputs   = 12
	// With --hostile: the normal traffic's concurrency.
	defaultHostileNormalConcurrency = 2
)

// Bench is the bench command: it measures a Chancery server over real
// HTTP on loopback with a fixed mix of queries, beside a bare handler that
// shows what the machine allows, and reports what it measured as a table
// and as JSON. It drives a server that is already running (--url), or
// starts one of its own on a data directory (--data), after importing
// into it if asked (--import), and stops it afterwards. Its flags fill
// Config; package bench does the run.
type Bench struct {
	Config         bench.Config
	stdout, stderr io.Writer
}

// NewBench returns the bench command writing to the given streams.
func NewBench(stdout, stderr io.Writer) *Bench {
	return &Bench{stdout: stdout, stderr: stderr}
}

// ParseFlags reads what to measure and how.
func (c *Bench) ParseFlags(args []string) error {
	cfg := &c.Config
	cfg.Command = append([]string{"chancery", "bench"}, args...)
	fs := flag.NewFlagSet("chancery bench", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.StringVar(&cfg.URL, "url", "", "measure the server already running at this GraphQL `URL`, such as http://localhost:8080/graphql")
	fs.StringVar(&cfg.DataDir, "data", "", "start a server of our own on this data `directory`, measure it and stop it")
	fs.Func("import", "with --data, first import this `FILE` (.jsonl, .yaml or .csv, as chancery import takes) into the new directory and measure the import; may be repeated", func(s string) error {
		cfg.Imports = append(cfg.Imports, s)
		return nil
	})
	fs.StringVar(&cfg.ResponseCache, "response-cache", "", "with --data, the server's --response-cache `size` (default: the server's); the mix's requests are each new and run whatever the cache, the repeated dashboard is answered from it")
	fs.IntVar(&cfg.PID, "pid", 0, "with --url, the server's process `id`, to read its resident memory (Linux)")
	fs.StringVar(&cfg.Bin, "bin", "", "the chancery `binary` to run for serve and import (default: this program)")
	fs.IntVar(&cfg.Requests, "requests", defaultBenchRequests, "send `n` requests for each query at each concurrency")
	fs.IntVar(&cfg.Warmup, "warmup", defaultBenchWarmup, "first send `n` requests, not counted, for each query at each concurrency")
	conc := fs.String("concurrency", "1,32", "comma-separated `levels` of concurrency: requests in flight at once")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "the random `seed` that chooses the queries' inputs from the data")
	fs.IntVar(&cfg.Inputs, "inputs", defaultBenchInputs, "cycle each query through `n` different inputs (entities, pairs, texts)")
	fs.DurationVar(&cfg.TimeLimit, "time-limit", defaultBenchTimeLimit, "stop sending a query at one concurrency after this `duration`, even before --requests; 0 for no limit")
	fs.DurationVar(&cfg.StartTimeout, "start-timeout", 5*time.Minute, "with --data, the longest `duration` the server may take to give its first answer")
	only := fs.String("queries", "", "comma-separated `names` of the queries to run (default: all): "+strings.Join(mix.Names(), ", "))
	fs.StringVar(&cfg.JSONFile, "json", "", "also write every figure as JSON to this `file` (- for standard output)")
	fs.StringVar(&cfg.Format, "format", "table", "the `format` to print on standard output: table or json")
	costs := fs.Bool("costs", false, "time queries at the edge of the limits, one at a time, against their estimated cost, instead of the mix; with --data the server is started with no cost budget")
	hostile := fs.Bool("hostile", false, "measure the mix alone and then beside --hostile-concurrency clients sending queries just under the cost budget, and compare")
	fs.IntVar(&cfg.HostileConcurrency, "hostile-concurrency", 8, "with --hostile, how many `clients` send costly queries at once")
	fs.IntVar(&cfg.Budget, "budget", schema.DefaultMaxCost, "with --hostile, the server's --max-cost, which the costly queries come just under")
	fs.StringVar(&cfg.Baseline, "baseline", "", "the JSON `file` of an earlier run, to compare each p50 with (such as the same mix on a smaller store)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: chancery bench --url URL [--pid PID] [flags]
       chancery bench --data DIR [--import FILE] [flags]

Measures a Chancery server over real HTTP on loopback with a fixed mix of
queries, each at every level of --concurrency for --requests requests:

  entity-20-relations  an entity and 20 of its relations, with both ends
  relations-page-deep  a page of 50 relations deep in the biggest sender's
  neighbourhood-d2     a neighbourhood, depth 2, limit 500
  paths-6              paths of at most 6 steps between two countries
  lineage              the lineage of a renamed body
  representation       how a sender is represented in a host of its missions
  search-typo          a search for a real name with one letter missing
  count-by-sender      count(groupBy: SENDER)

The inputs are chosen from the data through the API, the same for the same
data and --seed. Beside them, a bare Go handler on loopback answering a
fixed body the size of entity-20-relations' answer shows the most this
machine and client allow (it gets at least 10,000 requests, as it answers
in microseconds); "vs bare" is each query's requests per second over the
bare handler's.

With --data, bench starts "chancery serve" on the directory itself, and
also reports the time from starting it to its first answer, its resident
memory under load, and the directory's bytes on disk per relation; with
--import it first imports into a new directory and reports relations per
second. With --url it measures a server already running; give --pid of a
local server for its memory.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	fail := func(format string, a ...any) error {
		fmt.Fprintf(c.stderr, "chancery bench: "+format+"\n", a...)
		return errors.New("bad flags")
	}
	if fs.NArg() > 0 {
		return fail("takes no arguments, but was given %q; name files to import with --import", fs.Args())
	}
	switch {
	case cfg.URL == "" && cfg.DataDir == "":
		return fail("say what to measure: --url of a running server (chancery serve), or --data DIR to start one on that directory")
	case cfg.URL != "" && cfg.DataDir != "":
		return fail("give --url or --data, not both: --data starts a server of bench's own")
	case len(cfg.Imports) > 0 && cfg.DataDir == "":
		return fail("--import needs --data, the new directory to import into")
	case cfg.PID != 0 && cfg.URL == "":
		return fail("--pid is for a server given with --url; with --data bench knows its own server")
	case cfg.Requests < 1:
		return fail("--requests is %d; it must be at least 1", cfg.Requests)
	case cfg.Warmup < 0:
		return fail("--warmup is %d; it cannot be negative", cfg.Warmup)
	case cfg.Inputs < 1:
		return fail("--inputs is %d; it must be at least 1", cfg.Inputs)
	case cfg.TimeLimit < 0:
		return fail("--time-limit is %s; it cannot be negative", cfg.TimeLimit)
	case cfg.Format != "table" && cfg.Format != "json":
		return fail("--format is %q; use table or json", cfg.Format)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case *costs && *hostile:
		return fail("give --costs or --hostile, not both")
	case cfg.HostileConcurrency < 1:
		return fail("--hostile-concurrency is %d; it must be at least 1", cfg.HostileConcurrency)
	case cfg.Budget < 1:
		return fail("--budget is %d; it must be at least 1", cfg.Budget)
	}
	names := mix.Names()
	switch {
	case *costs:
		cfg.Mode = bench.Costs
		// Each input is timed one request at a time: fewer requests do.
		names = mix.CostShapeNames()
		if !set["requests"] {
			cfg.Requests = defaultCostRequests
		}
		if !set["inputs"] {
			cfg.Inputs = defaultCostInputs
		}
	case *hostile:
		cfg.Mode = bench.Hostile
		if !set["concurrency"] {
			*conc = fmt.Sprint(defaultHostileNormalConcurrency)
		}
	}
	for _, s := range strings.Split(*conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fail("--concurrency %q: give positive whole numbers separated by commas, such as 1,32", *conc)
		}
		if !slices.Contains(cfg.Concurrency, n) {
			cfg.Concurrency = append(cfg.Concurrency, n)
		}
	}
	if *only != "" {
		for _, s := range strings.Split(*only, ",") {
			s = strings.TrimSpace(s)
			if !slices.Contains(names, s) {
				return fail("--queries: there is no query %q; there are %s", s, strings.Join(names, ", "))
			}
			cfg.Only = append(cfg.Only, s)
		}
	}
	if cfg.URL != "" {
		u, err := url.Parse(cfg.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fail("--url %q: give the server's GraphQL address, such as http://localhost:8080/graphql", cfg.URL)
		}
		if u.Path == "" || u.Path == "/" {
			u.Path = "/graphql" // the server's root is the playground
		}
		cfg.URL = u.String()
	}
	return nil
}

// Run measures and reports.
func (c *Bench) Run(ctx context.Context) error {
	return bench.Run(ctx, c.Config, c.stdout, c.stderr)
}

// Close releases nothing: Run stops the server it started before it
// returns.
func (c *Bench) Close() error { return nil }
