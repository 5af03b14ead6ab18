package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/chancery/chancery/cmd/chancery/internal/bench"
	"github.com/chancery/chancery/cmd/chancery/internal/bench/mix"
	"github.com/chancery/chancery/schema"
)

// runHostile measures the mix alone, then beside the costly clients.
func (c *Bench) runHostile(ctx context.Context, api *mix.Client, client *http.Client, report *bench.HostileReport) error {
	queries, err := mix.Choose(ctx, api, c.Seed, c.Inputs, c.Only, c.progress)
	if err != nil {
		return err
	}
	if _, err := c.checkInputs(ctx, api, queries); err != nil {
		return err
	}
	// Normal traffic is the mix's cheap queries: those above the default
	// threshold of costly ones (a quarter of the budget) take turns with
	// the hostile clients' by design, and are left out.
	for _, q := range queries {
		if q.Skipped != "" || len(q.Inputs) == 0 {
			continue
		}
		if cost, err := schema.EstimateCost(schema.Request{Query: q.Query, Variables: q.Inputs[0]}); err == nil && cost > float64(c.Budget)/4 {
			q.Skipped = fmt.Sprintf("costly (estimated cost %.0f, above a quarter of the budget)", cost)
			report.Excluded = append(report.Excluded, fmt.Sprintf("%s: %s", q.Name, q.Skipped))
			c.progress("%s is left out of the normal traffic: %s", q.Name, q.Skipped)
		}
	}
	// The mix's queries in turn, input by input.
	var bodies [][]byte
	for i := 0; ; i++ {
		added := false
		for _, q := range queries {
			if q.Skipped == "" && i < len(q.Bodies) {
				bodies = append(bodies, q.Bodies[i])
				added = true
			}
		}
		if !added {
			break
		}
	}
	for _, q := range queries {
		if q.Skipped == "" {
			report.Normal = append(report.Normal, q.Name)
		}
	}
	s := mix.NewSampler(api, 0, c.Inputs)
	if err := s.GatherBuckets(ctx); err != nil {
		return err
	}
	hostile, err := mix.CostlyQueries(s, c.Budget)
	if err != nil {
		return err
	}
	report.Costly = hostile
	report.NormalConcurrency, report.HostileConcurrency = c.Concurrency[0], c.HostileConcurrency
	for _, h := range hostile {
		c.progress("costly query %s: estimated cost %.0f of the budget %d", h.Name, h.Cost, c.Budget)
	}

	load := bench.Load{Client: client, URL: report.URL, Bodies: bodies, Concurrency: report.NormalConcurrency}
	measure := func(what string) bench.Figures {
		if c.Warmup > 0 {
			load.Requests, load.TimeLimit = c.Warmup, c.TimeLimit/4
			load.Run(ctx)
		}
		load.Requests, load.TimeLimit = c.Requests, c.TimeLimit
		f := bench.NewFigures(load.Run(ctx))
		note := ""
		if f.Errors > 0 {
			note = fmt.Sprintf("; %d errors, the first: %s", f.Errors, f.FirstError)
		}
		c.progress("the mix %s, concurrency %d: %d requests, %.0f/s, p50 %.2f ms, p99 %.2f ms%s",
			what, f.Concurrency, f.Done, f.RequestsPerSecond, f.P50Ms, f.P99Ms, note)
		return f
	}
	report.Alone = measure("alone")
	if err := ctx.Err(); err != nil {
		return err
	}

	h := bench.StartCostly(ctx, client, report.URL, hostile, c.HostileConcurrency)
	// Let every costly client have its first query in flight.
	time.Sleep(200 * time.Millisecond)
	h.Reset()
	report.Beside = measure(fmt.Sprintf("beside %d costly clients", c.HostileConcurrency))
	report.Costs = h.Stop()
	if err := ctx.Err(); err != nil {
		return err
	}
	o := report.Costs
	c.progress("costly queries meanwhile: %d sent, %d answered (p50 %.1f ms), %d busy, %d refused, %d failed",
		o.Sent, o.Answered, o.AnsweredP50Ms, o.Busy, o.Refused, o.Failed)
	if report.Alone.P50Ms > 0 {
		report.Ratios.P50 = report.Beside.P50Ms / report.Alone.P50Ms
	}
	if report.Alone.P99Ms > 0 {
		report.Ratios.P99 = report.Beside.P99Ms / report.Alone.P99Ms
	}
	if report.Beside.RequestsPerSecond > 0 {
		report.Ratios.Throughput = report.Alone.RequestsPerSecond / report.Beside.RequestsPerSecond
	}
	return nil
}

// writeHostile prints the report and writes its JSON.
func (c *Bench) writeHostile(r *bench.HostileReport) error {
	if done, err := c.writeJSON(r); done || err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", strings.Join(r.Command, " "))
	fmt.Fprintf(&b, "run      %s\n", r.Time.Format("2006-01-02 15:04:05 MST"))
	fmt.Fprintf(&b, "server   %s\n", r.URL)
	fmt.Fprintf(&b, "store    %s entities, %s relations\n", bench.Thousands(int64(r.Store.Entities)), bench.Thousands(int64(r.Store.Relations)))
	m := r.Machine
	fmt.Fprintf(&b, "machine  %s, %d CPUs, GOMAXPROCS %d, %s\n", m.CPUModel, m.CPUs, m.GOMAXPROCS, m.GoVersion)
	fmt.Fprintf(&b, "normal   the mix (%s) in turn, %d at a time\n", strings.Join(r.Normal, ", "), r.NormalConcurrency)
	for _, e := range r.Excluded {
		fmt.Fprintf(&b, "         left out: %s\n", e)
	}
	fmt.Fprintf(&b, "costly   %d clients at once, each sending in turn, just under the budget of %s:\n", r.HostileConcurrency, bench.Thousands(int64(r.Budget)))
	for _, q := range r.Costly {
		fmt.Fprintf(&b, "           %s, estimated cost %s\n", q.Name, bench.Thousands(int64(q.Cost)))
	}
	fmt.Fprintf(&b, "\n%-26s  %6s  %6s  %9s  %8s  %8s\n", "normal traffic", "done", "errors", "req/s", "p50 ms", "p99 ms")
	row := func(name string, f bench.Figures) {
		fmt.Fprintf(&b, "%-26s  %6d  %6d  %9s  %8s  %8s\n", name, f.Done, f.Errors, bench.Rate(f.RequestsPerSecond), bench.Millis(f.P50Ms), bench.Millis(f.P99Ms))
	}
	row("alone", r.Alone)
	row("beside the costly queries", r.Beside)
	fmt.Fprintf(&b, "%-26s  %6s  %6s  %8.1fx  %7.1fx  %7.1fx\n", "beside / alone", "", "", 1/nonZero(r.Ratios.Throughput), r.Ratios.P50, r.Ratios.P99)
	o := r.Costs
	fmt.Fprintf(&b, "\ncostly queries meanwhile: %d sent, %d answered (p50 %s ms, slowest %s ms), %d refused as BUSY, %d over a limit, %d failed\n",
		o.Sent, o.Answered, bench.Millis(o.AnsweredP50Ms), bench.Millis(o.AnsweredMaxMs), o.Busy, o.Refused, o.Failed)
	if o.FirstError != "" {
		fmt.Fprintf(&b, "  the first failure: %s\n", o.FirstError)
	}
	for _, f := range []struct {
		name string
		f    bench.Figures
	}{{"alone", r.Alone}, {"beside", r.Beside}} {
		if f.f.Errors > 0 {
			fmt.Fprintf(&b, "normal traffic %s: %d errors; the first: %s\n", f.name, f.f.Errors, f.f.FirstError)
		}
	}
	_, err := io.WriteString(c.stdout, b.String())
	return err
}

func nonZero(v float64) float64 {
	if v == 0 {
		return 1
	}
	return v
}
