package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/chancery/chancery/cmd/chancery/internal/bench/measure"
	"github.com/chancery/chancery/cmd/chancery/internal/bench/mix"
	"github.com/chancery/chancery/schema"
)

// noBudget is the --max-cost a server started for Costs is given, so
// that it runs the queries over the budget too.
const noBudget = "1000000000000"

// runMode runs Costs or Hostile: it reaches or starts the server,
// measures, stops the server it started and writes the report.
func (r *runner) runMode(ctx context.Context) error {
	cfg := r.cfg
	base := &measure.Report{}
	if cfg.DataDir != "" {
		if len(cfg.Imports) > 0 {
			return fmt.Errorf("--import is for the mix; import first (chancery import --data %s FILE), then run bench --data %s", cfg.DataDir, cfg.DataDir)
		}
		var extra []string
		if cfg.Mode == Costs {
			extra = []string{"--max-cost", noBudget}
		}
		if err := r.startServer(ctx, base, extra...); err != nil {
			return err
		}
	} else {
		base.URL = cfg.URL
		if err := measure.CheckReachable(ctx, cfg.URL); err != nil {
			return err
		}
	}
	client := measure.NewClient(max(slices.Max(cfg.Concurrency), cfg.HostileConcurrency))
	defer client.CloseIdleConnections()
	api := mix.NewClient(client, base.URL)
	counts, err := api.Counts(ctx)
	if err != nil {
		return err
	}
	header := r.header()
	header.URL, header.DataDir, header.Store = base.URL, base.DataDir, counts
	var report table
	if cfg.Mode == Costs {
		costs := &measure.CostsReport{Header: header, Requests: cfg.Requests, Budget: schema.DefaultMaxCost}
		if err := r.runCosts(ctx, api, costs); err != nil {
			return err
		}
		report = costs
	} else {
		hostile := &measure.HostileReport{Header: header, Budget: cfg.Budget}
		if err := r.runHostile(ctx, api, client, hostile); err != nil {
			return err
		}
		report = hostile
	}
	if err := r.stopServer(); err != nil {
		return err
	}
	return r.write(report)
}

// runCosts times every shape's inputs one request at a time and reports
// the time against the estimated cost.
func (r *runner) runCosts(ctx context.Context, api *mix.Client, report *measure.CostsReport) error {
	cfg := r.cfg
	s := mix.NewSampler(api, cfg.Seed, cfg.Inputs)
	r.progress("reading the data to choose inputs (seed %d)", cfg.Seed)
	if err := s.Gather(ctx); err != nil {
		return err
	}
	client := measure.NewClient(1)
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
		if len(cfg.Only) > 0 && !slices.Contains(cfg.Only, shape.Name) {
			continue
		}
		res := measure.CostResult{Name: shape.Name, Description: shape.Description, Query: shape.Query}
		deadline := time.Now().Add(cfg.TimeLimit)
		for _, vars := range shape.Inputs {
			if cfg.TimeLimit > 0 && time.Now().After(deadline) {
				r.progress("%s: cut short after %s (--time-limit)", shape.Name, cfg.TimeLimit)
				break
			}
			in, err := r.timeInput(ctx, client, report.URL, shape.Query, vars)
			if err != nil {
				return err
			}
			res.Inputs = append(res.Inputs, in)
			if in.MicrosPerCost > report.WorstMicrosPerCost && in.Errors == 0 {
				report.WorstMicrosPerCost, report.WorstShape = in.MicrosPerCost, shape.Name
			}
		}
		r.progress("%s: %s", shape.Name, measure.SummarizeCost(res))
		report.Shapes = append(report.Shapes, res)
	}
	return nil
}

// timeInput sends one query once untimed, to warm the caches it uses,
// then Requests times, one at a time.
func (r *runner) timeInput(ctx context.Context, client *http.Client, url, query string, vars map[string]any) (measure.CostInput, error) {
	in := measure.CostInput{Variables: vars}
	cost, err := schema.EstimateCost(schema.Request{Query: query, Variables: vars})
	if err != nil {
		return in, fmt.Errorf("estimate the cost of %s: %w", mix.FirstLine(query), err)
	}
	in.Cost = cost
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return in, err
	}
	load := measure.Load{Client: client, URL: url, Bodies: [][]byte{body}, Concurrency: 1, Requests: 1, TimeLimit: r.cfg.TimeLimit}
	load.Run(ctx)
	load.Requests = r.cfg.Requests
	res := load.Run(ctx)
	if err := ctx.Err(); err != nil {
		return in, err
	}
	f := measure.NewFigures(res)
	in.P50Ms, in.MaxMs, in.Bytes, in.Errors, in.FirstError = f.P50Ms, f.MaxMs, f.Bytes, f.Errors, f.FirstError
	if cost > 0 {
		in.MicrosPerCost = f.P50Ms * 1000 / cost
	}
	return in, nil
}
