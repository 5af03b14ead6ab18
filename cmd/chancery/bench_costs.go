package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/chancery/chancery/cmd/chancery/internal/bench"
	"github.com/chancery/chancery/cmd/chancery/internal/bench/mix"
	"github.com/chancery/chancery/schema"
)

// costsReport is what chancery bench --costs measured, as written in JSON.
type costsReport struct {
	Command []string      `json:"command"`
	Time    time.Time     `json:"time"`
	URL     string        `json:"url"`
	DataDir string        `json:"data_dir,omitempty"`
	Machine bench.Machine `json:"machine"`
	Store   bench.Store   `json:"store"`
	// Requests is how many times each input was timed, after one untimed.
	Requests int `json:"requests"`
	// Budget is this build's default --max-cost.
	Budget int          `json:"budget"`
	Shapes []costResult `json:"shapes"`
	// WorstMicrosPerCost is the highest median time over estimated cost of
	// any input: a query at the budget takes up to Budget times this.
	WorstMicrosPerCost float64 `json:"worst_micros_per_cost"`
	WorstShape         string  `json:"worst_shape"`
}

// costResult is one shape's inputs as measured.
type costResult struct {
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Query       string      `json:"query"`
	Inputs      []costInput `json:"inputs"`
}

// costInput is one input of a shape: its estimated cost and its time.
type costInput struct {
	Variables  map[string]any `json:"variables"`
	Cost       float64        `json:"cost"`
	P50Ms      float64        `json:"p50_ms"`
	MaxMs      float64        `json:"max_ms"`
	Bytes      int64          `json:"bytes"`
	Errors     int            `json:"errors"`
	FirstError string         `json:"first_error,omitempty"`
	// MicrosPerCost is the median time in microseconds over the cost.
	MicrosPerCost float64 `json:"micros_per_cost"`
}

// runCosts times every shape's inputs one request at a time and reports
// the time against the estimated cost.
func (c *Bench) runCosts(ctx context.Context, api *mix.Client, report *costsReport) error {
	s := mix.NewSampler(api, c.Seed, c.Inputs)
	c.progress("reading the data to choose inputs (seed %d)", c.Seed)
	if err := s.Gather(ctx); err != nil {
		return err
	}
	client := bench.NewClient(1)
	defer client.CloseIdleConnections()
	for _, shape := range mix.CostShapes(s) {
		for _, in := range shape.Inputs {
			// A variable left out takes the argument's default; sent as
			// null it would be refused for a non-null argument.
			for k, v := range in {
				if v == nil {
					delete(in, k)
				}
			}
		}
		if len(c.Only) > 0 && !slices.Contains(c.Only, shape.Name) {
			continue
		}
		res := costResult{Name: shape.Name, Description: shape.Description, Query: shape.Query}
		deadline := time.Now().Add(c.TimeLimit)
		for _, vars := range shape.Inputs {
			if c.TimeLimit > 0 && time.Now().After(deadline) {
				c.progress("%s: cut short after %s (--time-limit)", shape.Name, c.TimeLimit)
				break
			}
			in, err := c.timeInput(ctx, client, report.URL, shape.Query, vars)
			if err != nil {
				return err
			}
			res.Inputs = append(res.Inputs, in)
			if in.MicrosPerCost > report.WorstMicrosPerCost && in.Errors == 0 {
				report.WorstMicrosPerCost, report.WorstShape = in.MicrosPerCost, shape.Name
			}
		}
		c.progress("%s: %s", shape.Name, summarizeCost(res))
		report.Shapes = append(report.Shapes, res)
	}
	return nil
}

// timeInput sends one query once untimed, to warm the caches it uses,
// then --requests times, one at a time.
func (c *Bench) timeInput(ctx context.Context, client *http.Client, url, query string, vars map[string]any) (costInput, error) {
	in := costInput{Variables: vars}
	req := schema.Request{Query: query, Variables: vars}
	cost, err := schema.EstimateCost(req)
	if err != nil {
		return in, fmt.Errorf("estimate the cost of %s: %w", mix.FirstLine(query), err)
	}
	in.Cost = cost
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return in, err
	}
	load := bench.Load{Client: client, URL: url, Bodies: [][]byte{body}, Concurrency: 1, Requests: 1, TimeLimit: c.TimeLimit}
	load.Run(ctx)
	load.Requests = c.Requests
	r := load.Run(ctx)
	if err := ctx.Err(); err != nil {
		return in, err
	}
	f := bench.NewFigures(r)
	in.P50Ms, in.MaxMs, in.Bytes, in.Errors, in.FirstError = f.P50Ms, f.MaxMs, f.Bytes, f.Errors, f.FirstError
	if cost > 0 {
		in.MicrosPerCost = f.P50Ms * 1000 / cost
	}
	return in, nil
}

// summarizeCost is one line about a shape: its costs, times and worst
// ratio.
func summarizeCost(r costResult) string {
	if len(r.Inputs) == 0 {
		return "no inputs"
	}
	lo, hi := r.Inputs[0].Cost, r.Inputs[0].Cost
	var p50, maxMs, worst float64
	errs := 0
	for _, in := range r.Inputs {
		lo, hi = min(lo, in.Cost), max(hi, in.Cost)
		p50, maxMs = max(p50, in.P50Ms), max(maxMs, in.MaxMs)
		worst = max(worst, in.MicrosPerCost)
		errs += in.Errors
	}
	s := fmt.Sprintf("%d inputs, cost %.0f to %.0f, slowest median %.2f ms, slowest %.2f ms, %.3f µs per cost at worst", len(r.Inputs), lo, hi, p50, maxMs, worst)
	if errs > 0 {
		s += fmt.Sprintf("; %d errors", errs)
	}
	return s
}

// writeCostsTable prints the report for people.
func writeCostsTable(w io.Writer, r *costsReport) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", strings.Join(r.Command, " "))
	fmt.Fprintf(&b, "run      %s\n", r.Time.Format("2006-01-02 15:04:05 MST"))
	fmt.Fprintf(&b, "server   %s\n", r.URL)
	fmt.Fprintf(&b, "store    %s entities, %s relations\n", bench.Thousands(int64(r.Store.Entities)), bench.Thousands(int64(r.Store.Relations)))
	m := r.Machine
	fmt.Fprintf(&b, "machine  %s, %d CPUs, GOMAXPROCS %d, %s\n", m.CPUModel, m.CPUs, m.GOMAXPROCS, m.GoVersion)
	fmt.Fprintf(&b, "load     each input once to warm up, then %d requests one at a time\n\n", r.Requests)
	width := len("shape")
	for _, s := range r.Shapes {
		width = max(width, len(s.Name))
	}
	fmt.Fprintf(&b, "%-*s  %6s  %19s  %10s  %10s  %9s  %s\n", width, "shape", "inputs", "estimated cost", "p50 ms", "max ms", "µs/cost", "over budget")
	for _, s := range r.Shapes {
		if len(s.Inputs) == 0 {
			continue
		}
		lo, hi := s.Inputs[0].Cost, s.Inputs[0].Cost
		var p50, maxMs, worst float64
		over, errs := 0, 0
		for _, in := range s.Inputs {
			lo, hi = min(lo, in.Cost), max(hi, in.Cost)
			p50, maxMs, worst = max(p50, in.P50Ms), max(maxMs, in.MaxMs), max(worst, in.MicrosPerCost)
			if in.Cost > float64(r.Budget) {
				over++
			}
			errs += in.Errors
		}
		note := fmt.Sprintf("%d of %d", over, len(s.Inputs))
		if errs > 0 {
			note += fmt.Sprintf("; %d errors", errs)
		}
		fmt.Fprintf(&b, "%-*s  %6d  %8s–%-10s  %10s  %10s  %9.3f  %s\n", width, s.Name, len(s.Inputs),
			bench.Thousands(int64(lo)), bench.Thousands(int64(hi)), bench.Millis(p50), bench.Millis(maxMs), worst, note)
	}
	fmt.Fprintf(&b, "\np50 ms and max ms are of the slowest input; µs/cost is the highest median time over estimated cost of any input.\n")
	if r.WorstMicrosPerCost > 0 {
		fmt.Fprintf(&b, "At worst 1 cost took %.3f µs (%s): a query at the budget of %s would take about %.0f ms.\n",
			r.WorstMicrosPerCost, r.WorstShape, bench.Thousands(int64(r.Budget)), r.WorstMicrosPerCost*float64(r.Budget)/1000)
	}
	var errs []string
	for _, s := range r.Shapes {
		for _, in := range s.Inputs {
			if in.Errors > 0 {
				v, _ := json.Marshal(in.Variables)
				errs = append(errs, fmt.Sprintf("%s %s: %d errors; the first: %s", s.Name, v, in.Errors, in.FirstError))
			}
		}
	}
	if len(errs) > 0 {
		b.WriteString("\nerrors\n")
		for _, e := range errs {
			b.WriteString("  " + e + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeCosts prints the report and writes its JSON.
func (c *Bench) writeCosts(r *costsReport) error {
	if done, err := c.writeJSON(r); done || err != nil {
		return err
	}
	return writeCostsTable(c.stdout, r)
}

// runMode runs --costs or --hostile: it starts the server if asked, and
// measures.
func (c *Bench) runMode(ctx context.Context) error {
	base := &bench.Report{}
	if c.DataDir != "" {
		if len(c.Imports) > 0 {
			return fmt.Errorf("--import is for the mix; import first (chancery import --data %s FILE), then run bench --data %s", c.DataDir, c.DataDir)
		}
		if err := c.startOwnServer(ctx, base); err != nil {
			return err
		}
		defer c.Close()
	} else {
		base.URL = c.URL
		if err := bench.CheckReachable(ctx, c.URL); err != nil {
			return err
		}
	}
	client := bench.NewClient(max(slices.Max(c.Concurrency), c.HostileConcurrency))
	defer client.CloseIdleConnections()
	api := mix.NewClient(client, base.URL)
	counts, err := api.Counts(ctx)
	if err != nil {
		return err
	}
	command := append([]string{"chancery", "bench"}, c.args...)
	now := time.Now().UTC().Truncate(time.Second)
	if c.Costs {
		report := &costsReport{Command: command, Time: now, URL: base.URL, DataDir: base.DataDir, Machine: bench.ThisMachine(),
			Store: counts, Requests: c.Requests, Budget: schema.DefaultMaxCost}
		if err := c.runCosts(ctx, api, report); err != nil {
			return err
		}
		if err := c.Close(); err != nil {
			return err
		}
		return c.writeCosts(report)
	}
	report := &hostileReport{Command: command, Time: now, URL: base.URL, DataDir: base.DataDir, Machine: bench.ThisMachine(),
		Store: counts, Budget: c.Budget}
	if err := c.runHostile(ctx, api, client, report); err != nil {
		return err
	}
	if err := c.Close(); err != nil {
		return err
	}
	return c.writeHostile(report)
}
