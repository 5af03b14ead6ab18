package bench

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/chancery/chancery/cmd/chancery/internal/bench/measure"
	"github.com/chancery/chancery/cmd/chancery/internal/bench/mix"
	"github.com/chancery/chancery/schema"
)

// runHostile measures the mix alone, then beside the costly clients.
func (r *runner) runHostile(ctx context.Context, api *mix.Client, client *http.Client, report *measure.HostileReport) error {
	cfg := r.cfg
	queries, err := mix.Choose(ctx, api, cfg.Seed, cfg.Inputs, cfg.Only, r.progress)
	if err != nil {
		return err
	}
	if _, err := r.checkInputs(ctx, api, queries); err != nil {
		return err
	}
	// Normal traffic is the mix's cheap queries: those above the default
	// threshold of costly ones (a quarter of the budget) take turns with
	// the hostile clients' by design, and are left out.
	for _, q := range queries {
		if q.Skipped != "" || len(q.Inputs) == 0 {
			continue
		}
		if cost, err := schema.EstimateCost(schema.Request{Query: q.Query, Variables: q.Inputs[0]}); err == nil && cost > float64(cfg.Budget)/4 {
			q.Skipped = fmt.Sprintf("costly (estimated cost %.0f, above a quarter of the budget)", cost)
			report.Excluded = append(report.Excluded, fmt.Sprintf("%s: %s", q.Name, q.Skipped))
			r.progress("%s is left out of the normal traffic: %s", q.Name, q.Skipped)
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
	s := mix.NewSampler(api, 0, cfg.Inputs)
	if err := s.GatherBuckets(ctx); err != nil {
		return err
	}
	hostile, err := mix.CostlyQueries(s, cfg.Budget)
	if err != nil {
		return err
	}
	report.Costly = hostile
	report.NormalConcurrency, report.HostileConcurrency = cfg.Concurrency[0], cfg.HostileConcurrency
	for _, h := range hostile {
		r.progress("costly query %s: estimated cost %.0f of the budget %d", h.Name, h.Cost, cfg.Budget)
	}

	load := measure.Load{Client: client, URL: report.URL, Bodies: bodies, Concurrency: report.NormalConcurrency}
	measureMix := func(what string) measure.Figures {
		if cfg.Warmup > 0 {
			load.Requests, load.TimeLimit = cfg.Warmup, cfg.TimeLimit/4
			load.Run(ctx)
		}
		load.Requests, load.TimeLimit = cfg.Requests, cfg.TimeLimit
		f := measure.NewFigures(load.Run(ctx))
		note := ""
		if f.Errors > 0 {
			note = fmt.Sprintf("; %d errors, the first: %s", f.Errors, f.FirstError)
		}
		r.progress("the mix %s, concurrency %d: %d requests, %.0f/s, p50 %.2f ms, p99 %.2f ms%s",
			what, f.Concurrency, f.Done, f.RequestsPerSecond, f.P50Ms, f.P99Ms, note)
		return f
	}
	report.Alone = measureMix("alone")
	if err := ctx.Err(); err != nil {
		return err
	}

	h := measure.StartCostly(ctx, client, report.URL, hostile, cfg.HostileConcurrency)
	// Let every costly client have its first query in flight.
	time.Sleep(200 * time.Millisecond)
	h.Reset()
	report.Beside = measureMix(fmt.Sprintf("beside %d costly clients", cfg.HostileConcurrency))
	report.Costs = h.Stop()
	if err := ctx.Err(); err != nil {
		return err
	}
	o := report.Costs
	r.progress("costly queries meanwhile: %d sent, %d answered (p50 %.1f ms), %d busy, %d refused, %d failed",
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
