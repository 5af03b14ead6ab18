package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chancery/chancery/cmd/chancery/internal/bench"
	"github.com/chancery/chancery/cmd/chancery/internal/bench/mix"
	"github.com/chancery/chancery/schema"
)

// Defaults of chancery bench.
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
	bareMinRequests                 = 10000
)

// Bench is the bench command: it measures a Chancery server over real
// HTTP on loopback with a fixed mix of queries, beside a bare handler that
// shows what the machine allows, and reports what it measured as a table
// and as JSON. It drives a server that is already running (--url), or
// starts one of its own on a data directory (--data), after importing
// into it if asked (--import), and stops it afterwards.
type Bench struct {
	URL     string
	DataDir string
	Imports []string
	// PID is the process of the server at URL, whose memory is then read.
	PID int
	// Bin is the chancery binary run for serve and import: this one
	// unless set.
	Bin          string
	Requests     int
	Warmup       int
	Concurrency  []int
	Seed         uint64
	Inputs       int
	TimeLimit    time.Duration
	StartTimeout time.Duration
	Only         []string
	JSONFile     string
	Format       string
	Baseline     string
	// Costs times queries at the edge of the limits against their
	// estimated cost, instead of the mix (see bench_costs.go).
	Costs bool
	// Hostile measures the mix alone and beside queries just under the
	// budget (see bench_hostile.go).
	Hostile            bool
	HostileConcurrency int
	// Budget is the server's --max-cost, which the hostile queries are
	// built to come just under.
	Budget int
	// serveArgs are added to chancery serve's when bench starts one.
	serveArgs []string

	args           []string
	stdout, stderr io.Writer
	server         *bench.ServerProcess
}

// NewBench returns the bench command writing to the given streams.
func NewBench(stdout, stderr io.Writer) *Bench {
	return &Bench{stdout: stdout, stderr: stderr}
}

// ParseFlags reads what to measure and how.
func (c *Bench) ParseFlags(args []string) error {
	c.args = args
	fs := flag.NewFlagSet("chancery bench", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.StringVar(&c.URL, "url", "", "measure the server already running at this GraphQL `URL`, such as http://localhost:8080/graphql")
	fs.StringVar(&c.DataDir, "data", "", "start a server of our own on this data `directory`, measure it and stop it")
	fs.Func("import", "with --data, first import this `FILE` (.jsonl, .yaml or .csv, as chancery import takes) into the new directory and measure the import; may be repeated", func(s string) error {
		c.Imports = append(c.Imports, s)
		return nil
	})
	fs.IntVar(&c.PID, "pid", 0, "with --url, the server's process `id`, to read its resident memory (Linux)")
	fs.StringVar(&c.Bin, "bin", "", "the chancery `binary` to run for serve and import (default: this program)")
	fs.IntVar(&c.Requests, "requests", defaultBenchRequests, "send `n` requests for each query at each concurrency")
	fs.IntVar(&c.Warmup, "warmup", defaultBenchWarmup, "first send `n` requests, not counted, for each query at each concurrency")
	conc := fs.String("concurrency", "1,32", "comma-separated `levels` of concurrency: requests in flight at once")
	fs.Uint64Var(&c.Seed, "seed", 1, "the random `seed` that chooses the queries' inputs from the data")
	fs.IntVar(&c.Inputs, "inputs", defaultBenchInputs, "cycle each query through `n` different inputs (entities, pairs, texts)")
	fs.DurationVar(&c.TimeLimit, "time-limit", defaultBenchTimeLimit, "stop sending a query at one concurrency after this `duration`, even before --requests; 0 for no limit")
	fs.DurationVar(&c.StartTimeout, "start-timeout", 5*time.Minute, "with --data, the longest `duration` the server may take to give its first answer")
	only := fs.String("queries", "", "comma-separated `names` of the queries to run (default: all): "+strings.Join(mix.Names(), ", "))
	fs.StringVar(&c.JSONFile, "json", "", "also write every figure as JSON to this `file` (- for standard output)")
	fs.StringVar(&c.Format, "format", "table", "the `format` to print on standard output: table or json")
	fs.BoolVar(&c.Costs, "costs", false, "time queries at the edge of the limits, one at a time, against their estimated cost, instead of the mix; with --data the server is started with no cost budget")
	fs.BoolVar(&c.Hostile, "hostile", false, "measure the mix alone and then beside --hostile-concurrency clients sending queries just under the cost budget, and compare")
	fs.IntVar(&c.HostileConcurrency, "hostile-concurrency", 8, "with --hostile, how many `clients` send costly queries at once")
	fs.IntVar(&c.Budget, "budget", schema.DefaultMaxCost, "with --hostile, the server's --max-cost, which the costly queries come just under")
	fs.StringVar(&c.Baseline, "baseline", "", "the JSON `file` of an earlier run, to compare each p50 with (such as the same mix on a smaller store)")
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
	case c.URL == "" && c.DataDir == "":
		return fail("say what to measure: --url of a running server (chancery serve), or --data DIR to start one on that directory")
	case c.URL != "" && c.DataDir != "":
		return fail("give --url or --data, not both: --data starts a server of bench's own")
	case len(c.Imports) > 0 && c.DataDir == "":
		return fail("--import needs --data, the new directory to import into")
	case c.PID != 0 && c.URL == "":
		return fail("--pid is for a server given with --url; with --data bench knows its own server")
	case c.Requests < 1:
		return fail("--requests is %d; it must be at least 1", c.Requests)
	case c.Warmup < 0:
		return fail("--warmup is %d; it cannot be negative", c.Warmup)
	case c.Inputs < 1:
		return fail("--inputs is %d; it must be at least 1", c.Inputs)
	case c.TimeLimit < 0:
		return fail("--time-limit is %s; it cannot be negative", c.TimeLimit)
	case c.Format != "table" && c.Format != "json":
		return fail("--format is %q; use table or json", c.Format)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case c.Costs && c.Hostile:
		return fail("give --costs or --hostile, not both")
	case c.HostileConcurrency < 1:
		return fail("--hostile-concurrency is %d; it must be at least 1", c.HostileConcurrency)
	case c.Budget < 1:
		return fail("--budget is %d; it must be at least 1", c.Budget)
	}
	names := mix.Names()
	if c.Costs {
		// Each input is timed one request at a time: fewer requests do.
		names = mix.CostShapeNames()
		if !set["requests"] {
			c.Requests = defaultCostRequests
		}
		if !set["inputs"] {
			c.Inputs = defaultCostInputs
		}
		c.serveArgs = []string{"--max-cost", "1000000000000"}
	}
	if c.Hostile && !set["concurrency"] {
		*conc = fmt.Sprint(defaultHostileNormalConcurrency)
	}
	for _, s := range strings.Split(*conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fail("--concurrency %q: give positive whole numbers separated by commas, such as 1,32", *conc)
		}
		if !slices.Contains(c.Concurrency, n) {
			c.Concurrency = append(c.Concurrency, n)
		}
	}
	if *only != "" {
		for _, s := range strings.Split(*only, ",") {
			s = strings.TrimSpace(s)
			if !slices.Contains(names, s) {
				return fail("--queries: there is no query %q; there are %s", s, strings.Join(names, ", "))
			}
			c.Only = append(c.Only, s)
		}
	}
	if c.URL != "" {
		u, err := url.Parse(c.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fail("--url %q: give the server's GraphQL address, such as http://localhost:8080/graphql", c.URL)
		}
		if u.Path == "" || u.Path == "/" {
			u.Path = "/graphql" // the server's root is the playground
		}
		c.URL = u.String()
	}
	return nil
}

// Run measures and reports.
func (c *Bench) Run(ctx context.Context) error {
	if c.Costs || c.Hostile {
		return c.runMode(ctx)
	}
	report := &bench.Report{
		Command: append([]string{"chancery", "bench"}, c.args...),
		Time:    time.Now().UTC().Truncate(time.Second),
		Machine: bench.ThisMachine(),
		Settings: bench.Settings{
			Requests: c.Requests, Warmup: c.Warmup, Concurrency: c.Concurrency,
			Seed: c.Seed, Inputs: c.Inputs, TimeLimitSeconds: c.TimeLimit.Seconds(),
		},
	}
	var baseline *bench.Report
	if c.Baseline != "" {
		var err error
		if baseline, err = readBaseline(c.Baseline); err != nil {
			return err
		}
		report.Baseline = c.Baseline
	}

	pid := c.PID
	if c.DataDir != "" {
		if err := c.startOwnServer(ctx, report); err != nil {
			return err
		}
		pid = c.server.PID()
	} else {
		report.URL = c.URL
		if err := bench.CheckReachable(ctx, c.URL); err != nil {
			return err
		}
	}

	maxConc := slices.Max(c.Concurrency)
	client := bench.NewClient(maxConc)
	defer client.CloseIdleConnections()
	api := mix.NewClient(client, report.URL)
	c.progress("counting what the store holds")
	counts, err := api.Counts(ctx)
	if err != nil {
		return err
	}
	report.Store = counts
	if report.Disk != nil && counts.Relations > 0 {
		report.Disk.BytesPerRelation = float64(report.Disk.Bytes) / float64(counts.Relations)
	}
	if report.Import != nil && report.Import.Relations == 0 {
		// The import printed no count (a Wikidata snapshot does not):
		// the store's count, seeds included, stands for it.
		report.Import.Relations = counts.Relations
		report.Import.FromStore = true
		report.Import.RelationsPerSecond = float64(counts.Relations) / report.Import.Seconds
	}

	c.progress("choosing the queries' inputs from the data (seed %d)", c.Seed)
	queries, err := mix.Choose(ctx, api, c.Seed, c.Inputs, c.Only, c.progress)
	if err != nil {
		return err
	}
	bare, err := c.checkInputs(ctx, api, queries)
	if err != nil {
		return err
	}

	var sampler *bench.Sampler
	if pid != 0 {
		if m, err := bench.ReadMemory(pid); err != nil {
			report.Server.Note = err.Error()
			pid = 0
		} else {
			report.Server.RSSIdleBytes = &m.RSS
			sampler = bench.SampleMemory(pid, 50*time.Millisecond)
			defer func() {
				if sampler != nil {
					sampler.Stop()
				}
			}()
		}
	} else {
		report.Server.Note = "the server's process is not known; give --pid of a local server, or let bench start one with --data"
	}

	bareSrv, err := bench.StartBare(bare)
	if err != nil {
		return err
	}
	defer bareSrv.Close()
	report.Bare.Bytes = len(bare)
	report.Queries = make([]bench.QueryReport, len(queries))
	for i, q := range queries {
		report.Queries[i] = bench.QueryReport{Name: q.Name, Description: q.Description, Inputs: len(q.Bodies), Skipped: q.Skipped}
	}
	entityBodies := queries[0].Bodies // the bare handler is sent what the first query is
	for _, conc := range c.Concurrency {
		// The bare handler answers in microseconds, so that a single
		// stall of the machine would skew a short run: it gets at least
		// bareMinRequests.
		f, err := c.measure(ctx, client, "bare handler", bareSrv.URL, entityBodies, conc, max(c.Requests, bareMinRequests))
		if err != nil {
			return err
		}
		report.Bare.Results = append(report.Bare.Results, f)
		for i, q := range queries {
			if q.Skipped != "" {
				continue
			}
			f, err := c.measure(ctx, client, q.Name, report.URL, q.Bodies, conc, c.Requests)
			if err != nil {
				return err
			}
			report.Queries[i].Results = append(report.Queries[i].Results, f)
		}
	}
	if sampler != nil {
		peak := sampler.Stop()
		sampler = nil
		report.Server.RSSPeakUnderLoadBytes = &peak.RSS
		if peak.Anon+peak.File > 0 {
			report.Server.RSSPeakUnderLoadAnonBytes = &peak.Anon
			report.Server.RSSPeakUnderLoadFileBytes = &peak.File
		}
		if m, err := bench.ReadMemory(pid); err == nil {
			report.Server.RSSPeakSinceStartBytes = &m.Peak
		}
	}
	if c.server != nil {
		c.progress("stopping the server")
		err := c.server.Stop()
		c.server = nil
		if err != nil {
			return err
		}
	}

	compare(report, baseline)
	return c.write(report)
}

// startOwnServer imports if asked, measures the data directory, starts the
// server on it and waits for its first answer.
func (c *Bench) startOwnServer(ctx context.Context, report *bench.Report) error {
	bin := c.Bin
	if bin == "" {
		var err error
		if bin, err = os.Executable(); err != nil {
			return fmt.Errorf("cannot find this program to start chancery serve: %v; give the chancery binary with --bin", err)
		}
	}
	dir, err := filepath.Abs(c.DataDir)
	if err != nil {
		return err
	}
	report.DataDir = dir
	report.StartedServer = true
	if len(c.Imports) > 0 {
		if err := bench.CheckNewDir(dir); err != nil {
			return err
		}
		c.progress("importing %s into %s", strings.Join(c.Imports, ", "), dir)
		im, err := bench.RunImport(ctx, bin, dir, c.Imports, c.stderr)
		if err != nil {
			return err
		}
		report.Import = im
	} else if err := bench.CheckDataDir(dir); err != nil {
		return err
	}
	if allocated, apparent, err := bench.DirSize(dir); err == nil {
		report.Disk = &bench.DiskReport{Bytes: allocated, ApparentBytes: apparent}
	}
	c.progress("starting chancery serve on %s", dir)
	srv, firstAnswer, err := bench.StartServer(ctx, bin, dir, c.StartTimeout, c.serveArgs...)
	if err != nil {
		return err
	}
	c.server = srv
	report.URL = srv.URL()
	report.Server.PID = srv.PID()
	ms := float64(firstAnswer) / float64(time.Millisecond)
	report.Server.FirstAnswerMs = &ms
	c.progress("first answer %.0f ms after start, at %s", ms, srv.URL())
	return nil
}

// checkInputs sends every input of every query once, so that a query the
// data cannot answer shows at once, and returns the answer the bare
// handler will give: one of the first query's answers, the one closest to
// their mean size.
func (c *Bench) checkInputs(ctx context.Context, api *mix.Client, queries []*mix.Query) ([]byte, error) {
	var bare []byte
	for i, q := range queries {
		if q.Skipped != "" {
			c.progress("%s: skipped, %s", q.Name, q.Skipped)
			continue
		}
		var answers [][]byte
		var total int
		for j, body := range q.Bodies {
			status, answer, err := api.Post(ctx, body)
			if err == nil {
				err = bench.CheckAnswer(status, answer)
			}
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				c.progress("%s: input %d fails, and will count as errors: %v", q.Name, j+1, err)
			}
			answers = append(answers, answer)
			total += len(answer)
		}
		if i == 0 && len(answers) > 0 {
			mean := total / len(answers)
			bare = answers[0]
			for _, a := range answers {
				if abs(len(a)-mean) < abs(len(bare)-mean) {
					bare = a
				}
			}
		}
	}
	if bare == nil {
		return nil, errors.New("the first query of the mix could not be run, so the bare handler has no answer to mimic")
	}
	return bare, nil
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// measure warms up and then sends one load.
func (c *Bench) measure(ctx context.Context, client *http.Client, name, target string, bodies [][]byte, conc, requests int) (bench.Figures, error) {
	load := bench.Load{Client: client, URL: target, Bodies: bodies, Concurrency: conc}
	if c.Warmup > 0 {
		load.Requests, load.TimeLimit = c.Warmup, c.TimeLimit/4
		load.Run(ctx)
	}
	load.Requests, load.TimeLimit = requests, c.TimeLimit
	res := load.Run(ctx)
	if err := ctx.Err(); err != nil {
		return bench.Figures{}, fmt.Errorf("interrupted while measuring %s: %w", name, err)
	}
	f := bench.NewFigures(res)
	note := ""
	if f.CutShort {
		note = fmt.Sprintf(" (cut short after %s)", c.TimeLimit)
	}
	if f.Errors > 0 {
		note += fmt.Sprintf("; %d errors, the first: %s", f.Errors, f.FirstError)
	}
	c.progress("concurrency %d, %s: %d requests, %.0f/s, p50 %.2f ms, p99 %.2f ms%s",
		conc, name, f.Done, f.RequestsPerSecond, f.P50Ms, f.P99Ms, note)
	return f, nil
}

// progress tells the person waiting what the benchmark is doing.
func (c *Bench) progress(format string, a ...any) {
	fmt.Fprintf(c.stderr, "bench: "+format+"\n", a...)
}

// write prints the report and writes its JSON.
func (c *Bench) write(report *bench.Report) error {
	if done, err := c.writeJSON(report); done || err != nil {
		return err
	}
	return report.WriteTable(c.stdout)
}

// writeJSON writes a report as JSON where --json and --format ask for it:
// to the --json file, or to standard output for --json - or --format
// json. done says the report was printed as JSON alone, without its
// table, which every report kind prints otherwise.
func (c *Bench) writeJSON(report any) (done bool, err error) {
	js, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		return false, err
	}
	js = append(js, '\n')
	if c.JSONFile != "" && c.JSONFile != "-" {
		if err := os.WriteFile(c.JSONFile, js, 0o644); err != nil {
			return false, fmt.Errorf("cannot write the JSON report: %w", err)
		}
	}
	if c.Format == "json" || c.JSONFile == "-" {
		if _, err := c.stdout.Write(js); err != nil {
			return false, err
		}
	}
	return c.Format == "json", nil
}

// Close stops the server bench started, if it is still running.
func (c *Bench) Close() error {
	if c.server == nil {
		return nil
	}
	err := c.server.Stop()
	c.server = nil
	return err
}

// readBaseline reads the JSON report of an earlier run.
func readBaseline(file string) (*bench.Report, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("cannot read the baseline: %w", err)
	}
	var r bench.Report
	if err := json.Unmarshal(b, &r); err != nil || len(r.Queries) == 0 {
		return nil, fmt.Errorf("%s is not the JSON report of chancery bench (--json FILE writes one)", file)
	}
	return &r, nil
}

// compare fills in the ratios: each load's requests per second over the
// bare handler's at the same concurrency, and each p50 over the
// baseline's.
func compare(r, baseline *bench.Report) {
	bareRate := map[int]float64{}
	for _, f := range r.Bare.Results {
		bareRate[f.Concurrency] = f.RequestsPerSecond
	}
	basePar := map[string]float64{}
	if baseline != nil {
		for _, f := range baseline.Bare.Results {
			basePar[fmt.Sprint("bare handler/", f.Concurrency)] = f.P50Ms
		}
		for _, q := range baseline.Queries {
			for _, f := range q.Results {
				basePar[fmt.Sprint(q.Name, "/", f.Concurrency)] = f.P50Ms
			}
		}
	}
	fill := func(name string, fs []bench.Figures) {
		for i := range fs {
			f := &fs[i]
			if b := bareRate[f.Concurrency]; b > 0 {
				v := f.RequestsPerSecond / b
				f.VsBare = &v
			}
			if b := basePar[fmt.Sprint(name, "/", f.Concurrency)]; b > 0 {
				v := f.P50Ms / b
				f.P50VsBaseline = &v
			}
		}
	}
	fill("bare handler", r.Bare.Results)
	for i := range r.Queries {
		fill(r.Queries[i].Name, r.Queries[i].Results)
	}
}
