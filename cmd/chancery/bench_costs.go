package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/chancery/chancery/cmd/chancery/internal/bench"
	"github.com/chancery/chancery/cmd/chancery/internal/bench/mix"
	"github.com/chancery/chancery/schema"
)

// runCosts times every shape's inputs one request at a time and reports
// the time against the estimated cost.
func (c *Bench) runCosts(ctx context.Context, api *mix.Client, report *bench.CostsReport) error {
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
		res := bench.CostResult{Name: shape.Name, Description: shape.Description, Query: shape.Query}
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
		c.progress("%s: %s", shape.Name, bench.SummarizeCost(res))
		report.Shapes = append(report.Shapes, res)
	}
	return nil
}

// timeInput sends one query once untimed, to warm the caches it uses,
// then --requests times, one at a time.
func (c *Bench) timeInput(ctx context.Context, client *http.Client, url, query string, vars map[string]any) (bench.CostInput, error) {
	in := bench.CostInput{Variables: vars}
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

// writeCosts prints the report and writes its JSON.
func (c *Bench) writeCosts(r *bench.CostsReport) error {
	if done, err := c.writeJSON(r); done || err != nil {
		return err
	}
	return bench.WriteCostsTable(c.stdout, r)
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
		report := &bench.CostsReport{Command: command, Time: now, URL: base.URL, DataDir: base.DataDir, Machine: bench.ThisMachine(),
			Store: counts, Requests: c.Requests, Budget: schema.DefaultMaxCost}
		if err := c.runCosts(ctx, api, report); err != nil {
			return err
		}
		if err := c.Close(); err != nil {
			return err
		}
		return c.writeCosts(report)
	}
	report := &bench.HostileReport{Command: command, Time: now, URL: base.URL, DataDir: base.DataDir, Machine: bench.ThisMachine(),
		Store: counts, Budget: c.Budget}
	if err := c.runHostile(ctx, api, client, report); err != nil {
		return err
	}
	if err := c.Close(); err != nil {
		return err
	}
	return c.writeHostile(report)
}
