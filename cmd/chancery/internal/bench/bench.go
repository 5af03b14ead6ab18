// Package bench runs chancery bench: from what its flags ask, it reaches a
// running server or starts one of its own on a data directory (after
// importing into it if asked), measures it with package mix's queries and
// package measure's instruments, stops the server it started, and writes
// the report as a table, as JSON or both.
//
// It measures one of three things (Mode): the mix, each query at each
// concurrency beside a bare handler; the costs, queries at the edge of
// the limits timed against their estimated cost; or the mix beside
// hostile clients sending queries just under the cost budget.
package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chancery/chancery/cmd/chancery/internal/bench/measure"
)

// Mode is what a run measures.
type Mode int

const (
	// Mix measures the query mix at every concurrency, beside a bare
	// handler that shows what the machine allows.
	Mix Mode = iota
	// Costs times queries at the edge of the limits, one request at a
	// time, against their estimated cost.
	Costs
	// Hostile measures the mix alone and then beside clients sending
	// queries just under the cost budget, and compares.
	Hostile
)

// BareMinRequests is the fewest requests the bare handler gets at each
// concurrency: it answers in microseconds, so that a single stall of the
// machine would skew a short run.
const BareMinRequests = 10000

// Config is what a run measures and how. The command's flags fill it.
type Config struct {
	// Command is the command line, as the report records it.
	Command []string
	Mode    Mode

	// URL is the GraphQL endpoint of a server already running, to
	// measure; PID, if known, is its process, whose memory is then read.
	URL string
	PID int
	// DataDir, instead of URL, is a data directory to start a server of
	// the run's own on, after importing Imports into it (the mix only).
	DataDir string
	Imports []string
	// Bin is the chancery binary run for serve and import: this program
	// unless set.
	Bin string
	// StartTimeout is the longest the started server may take to give
	// its first answer.
	StartTimeout time.Duration
	// ResponseCache, if set, is the started server's --response-cache;
	// "" leaves the server's default. The mix's queries are sent fresh
	// each time, and so run whatever the cache; the repeated mix is
	// answered from it.
	ResponseCache string

	// Requests are sent for each query at each concurrency (for Costs,
	// for each input), after Warmup that are not counted; TimeLimit, if
	// not 0, cuts a load short.
	Requests    int
	Warmup      int
	Concurrency []int
	TimeLimit   time.Duration
	// Seed chooses the queries' inputs from the data, Inputs of each.
	Seed   uint64
	Inputs int
	// Only names the queries (or for Costs, the shapes) to run; all if
	// empty.
	Only []string

	// HostileConcurrency is how many clients send costly queries at once
	// (Hostile); Budget is the server's --max-cost they come just under.
	HostileConcurrency int
	Budget             int

	// JSONFile, if set, is where the JSON report is written, - for
	// standard output. Format is what standard output gets: "table" or
	// "json".
	JSONFile string
	Format   string
	// Baseline is the JSON report of an earlier run of the mix, to
	// compare each p50 with.
	Baseline string
}

// Run measures what cfg asks and writes the report to stdout (and to
// cfg.JSONFile); stderr gets its progress, and the output of the import
// it runs. A server it started is stopped before it returns.
func Run(ctx context.Context, cfg Config, stdout, stderr io.Writer) (err error) {
	r := &runner{cfg: cfg, stdout: stdout, stderr: stderr}
	defer func() {
		if serr := r.stopServer(); err == nil {
			err = serr
		}
	}()
	switch cfg.Mode {
	case Costs, Hostile:
		return r.runMode(ctx)
	default:
		return r.runMix(ctx)
	}
}

// runner is one run: its settings, where it writes, and the server it
// started, until it is stopped.
type runner struct {
	cfg            Config
	stdout, stderr io.Writer
	server         *measure.ServerProcess
	sent           uint64 // the requests made fresh so far (freshBodies)
}

// header starts a report's header: what the command was and when it ran.
func (r *runner) header() measure.Header {
	return measure.Header{
		Command: r.cfg.Command,
		Time:    time.Now().UTC().Truncate(time.Second),
		Machine: measure.ThisMachine(),
	}
}

// startServer imports if asked, measures the data directory, starts the
// server on it with extra arguments and waits for its first answer, and
// records what it measured in report.
func (r *runner) startServer(ctx context.Context, report *measure.Report, extra ...string) error {
	bin := r.cfg.Bin
	if bin == "" {
		var err error
		if bin, err = os.Executable(); err != nil {
			return fmt.Errorf("cannot find this program to start chancery serve: %v; give the chancery binary with --bin", err)
		}
	}
	dir, err := filepath.Abs(r.cfg.DataDir)
	if err != nil {
		return err
	}
	report.DataDir = dir
	report.StartedServer = true
	if len(r.cfg.Imports) > 0 {
		if err := measure.CheckNewDir(dir); err != nil {
			return err
		}
		r.progress("importing %s into %s", strings.Join(r.cfg.Imports, ", "), dir)
		im, err := measure.RunImport(ctx, bin, dir, r.cfg.Imports, r.stderr)
		if err != nil {
			return err
		}
		report.Import = im
	} else if err := measure.CheckDataDir(dir); err != nil {
		return err
	}
	if allocated, apparent, err := measure.DirSize(dir); err == nil {
		report.Disk = &measure.DiskReport{Bytes: allocated, ApparentBytes: apparent}
	}
	r.progress("starting chancery serve on %s", dir)
	if r.cfg.ResponseCache != "" {
		extra = append(extra, "--response-cache", r.cfg.ResponseCache)
	}
	srv, firstAnswer, err := measure.StartServer(ctx, bin, dir, r.cfg.StartTimeout, extra...)
	if err != nil {
		return err
	}
	r.server = srv
	report.URL = srv.URL()
	report.Server.PID = srv.PID()
	ms := float64(firstAnswer) / float64(time.Millisecond)
	report.Server.FirstAnswerMs = &ms
	r.progress("first answer %.0f ms after start, at %s", ms, srv.URL())
	return nil
}

// stopServer stops the server the run started, if it is still running.
func (r *runner) stopServer() error {
	if r.server == nil {
		return nil
	}
	r.progress("stopping the server")
	err := r.server.Stop()
	r.server = nil
	return err
}

// progress tells the person waiting what the run is doing.
func (r *runner) progress(format string, a ...any) {
	fmt.Fprintf(r.stderr, "bench: "+format+"\n", a...)
}

// table is a report that writes itself for people.
type table interface {
	WriteTable(w io.Writer) error
}

// write writes the report as the configuration asks: as JSON to
// JSONFile, or to standard output for JSONFile - or Format json; and as
// a table on standard output unless Format is json.
func (r *runner) write(report table) error {
	js, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		return err
	}
	js = append(js, '\n')
	if f := r.cfg.JSONFile; f != "" && f != "-" {
		if err := os.WriteFile(f, js, 0o644); err != nil {
			return fmt.Errorf("cannot write the JSON report: %w", err)
		}
	}
	if r.cfg.Format == "json" || r.cfg.JSONFile == "-" {
		if _, err := r.stdout.Write(js); err != nil {
			return err
		}
	}
	if r.cfg.Format == "json" {
		return nil
	}
	return report.WriteTable(r.stdout)
}
