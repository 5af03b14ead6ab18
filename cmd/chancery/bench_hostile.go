package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chancery/chancery/cmd/chancery/internal/bench"
	"github.com/chancery/chancery/cmd/chancery/internal/bench/mix"
	"github.com/chancery/chancery/schema"
)

// hostileReport is what chancery bench --hostile measured, as written in
// JSON: the mix alone, and the same mix while other clients send queries
// just under the budget.
type hostileReport struct {
	Command []string      `json:"command"`
	Time    time.Time     `json:"time"`
	URL     string        `json:"url"`
	DataDir string        `json:"data_dir,omitempty"`
	Machine bench.Machine `json:"machine"`
	Store   bench.Store   `json:"store"`
	// Budget is the --max-cost the costly queries come just under.
	Budget             int      `json:"budget"`
	NormalConcurrency  int      `json:"normal_concurrency"`
	HostileConcurrency int      `json:"hostile_concurrency"`
	Normal             []string `json:"normal"` // the mix's queries, sent in turn
	// Excluded are the mix's queries left out of the normal traffic as
	// costly, and why.
	Excluded []string `json:"excluded,omitempty"`
	Costly   []costly `json:"costly"`
	// Alone is the mix with nothing else running; Beside is the same
	// load while the costly clients run.
	Alone  bench.Figures `json:"alone"`
	Beside bench.Figures `json:"beside"`
	Costs  costlyOutcome `json:"costly_outcome"`
	Ratios hostileRatios `json:"ratios"`
}

// costly is one query the hostile clients send.
type costly struct {
	Name  string  `json:"name"`
	Query string  `json:"query"`
	Cost  float64 `json:"cost"`
}

// costlyOutcome counts what became of the costly queries sent while the
// mix was measured beside them.
type costlyOutcome struct {
	Sent     int64 `json:"sent"`
	Answered int64 `json:"answered"`
	// Busy were refused because the server was running as many costly
	// queries as it allows (BUSY).
	Busy int64 `json:"busy"`
	// Refused were over a limit (QUERY_TOO_COMPLEX); none should be.
	Refused       int64   `json:"refused"`
	Failed        int64   `json:"failed"`
	FirstError    string  `json:"first_error,omitempty"`
	AnsweredP50Ms float64 `json:"answered_p50_ms"`
	AnsweredMaxMs float64 `json:"answered_max_ms"`
}

// hostileRatios compare the mix beside the costly queries with the mix
// alone.
type hostileRatios struct {
	P50        float64 `json:"p50"`
	P99        float64 `json:"p99"`
	Throughput float64 `json:"throughput"` // alone over beside: how many times fewer requests a second
}

// costlyTemplate is a query whose size argument %d is raised until its
// cost comes just under the budget.
type costlyTemplate struct {
	name     string
	template string // fmt format with one %d
	max      int
}

// costlyQueries builds the hostile clients' queries around the biggest
// senders and hosts: each as large as the budget allows.
func costlyQueries(s *mix.Sampler, budget int) ([]costly, error) {
	if len(s.Senders) == 0 || len(s.Hosts) == 0 {
		return nil, fmt.Errorf("the data has no missions, so no hubs to build costly queries around")
	}
	hub, host := s.Senders[0].Key, s.Hosts[0].Key
	if host == hub && len(s.Hosts) > 1 {
		host = s.Hosts[1].Key
	}
	lit := func(id string) string { b, _ := json.Marshal(id); return string(b) }
	templates := []costlyTemplate{
		{"neighbourhood", `query HostileNeighbourhood { neighbourhood(id: ` + lit(hub) + `, depth: 4, limit: %d) {
  nodes { id kind name } relations { id type validFrom validTo from { id } to { id } } } }`, 2000},
		{"entity-pages", `query HostilePages { entities(first: %d) { edges { node { id
  relations(first: 50) { edges { node { type to { name } } } } } } } }`, 500},
		{"hub-pages", `query HostileHubPages { entity(id: ` + lit(hub) + `) { relations(first: %d) { edges { node { id type
  from { id name } to { id name relations(first: 20) { edges { node { id type } } } } } } } } }`, 500},
		{"paths", `query HostilePaths { paths(from: ` + lit(hub) + `, to: ` + lit(host) + `, maxLength: 6, first: %d) {
  length nodes { id name } relations { id type } } }`, 20},
		{"relations", `query HostileRelations { relations(first: %d) { edges { node {
  id type validFrom validTo from { id kind name } to { id kind name } } } } }`, 500},
	}
	var out []costly
	for _, t := range templates {
		cost := func(n int) float64 {
			c, err := schema.EstimateCost(schema.Request{Query: fmt.Sprintf(t.template, n)})
			if err != nil {
				return -1
			}
			return c
		}
		// The largest size within the budget, by bisection: cost grows
		// with size.
		lo, hi := 0, t.max
		for lo < hi {
			mid := (lo + hi + 1) / 2
			if c := cost(mid); c >= 0 && c <= float64(budget) {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		if lo == 0 {
			continue
		}
		c := cost(lo)
		if c < float64(budget)/2 {
			continue // even the largest the API allows is cheap
		}
		out = append(out, costly{Name: fmt.Sprintf("%s (size %d)", t.name, lo), Query: fmt.Sprintf(t.template, lo), Cost: c})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no query of the hostile set comes within half of the budget %d; is --budget the server's --max-cost?", budget)
	}
	return out, nil
}

// runHostile measures the mix alone, then beside the costly clients.
func (c *Bench) runHostile(ctx context.Context, api *mix.Client, client *http.Client, report *hostileReport) error {
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
	hostile, err := costlyQueries(s, c.Budget)
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

	h := startCostly(ctx, client, report.URL, hostile, c.HostileConcurrency)
	// Let every costly client have its first query in flight.
	time.Sleep(200 * time.Millisecond)
	h.reset()
	report.Beside = measure(fmt.Sprintf("beside %d costly clients", c.HostileConcurrency))
	report.Costs = h.stop()
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

// costlyClients send costly queries without pause until stopped.
type costlyClients struct {
	stopCh chan struct{}
	wg     sync.WaitGroup

	mu       sync.Mutex
	outcome  costlyOutcome
	answered []time.Duration
	counting atomic.Bool
}

func startCostly(ctx context.Context, client *http.Client, url string, queries []costly, n int) *costlyClients {
	h := &costlyClients{stopCh: make(chan struct{})}
	var bodies [][]byte
	for _, q := range queries {
		b, _ := json.Marshal(map[string]any{"query": q.Query})
		bodies = append(bodies, b)
	}
	for i := range n {
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			for j := i; ; j++ {
				select {
				case <-h.stopCh:
					return
				case <-ctx.Done():
					return
				default:
				}
				start := time.Now()
				code, err := sendCostly(ctx, client, url, bodies[j%len(bodies)])
				h.record(code, err, time.Since(start))
			}
		}()
	}
	return h
}

// sendCostly sends one costly query and returns the code of its first
// error, "" if it was answered.
func sendCostly(ctx context.Context, client *http.Client, url string, body []byte) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	var r struct {
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
	}
	if err := json.Unmarshal(answer, &r); err != nil {
		return "", fmt.Errorf("status %d, not JSON: %v", resp.StatusCode, err)
	}
	if len(r.Errors) > 0 {
		return r.Errors[0].Extensions.Code, fmt.Errorf("%s: %s", r.Errors[0].Extensions.Code, r.Errors[0].Message)
	}
	return "", nil
}

func (h *costlyClients) record(code string, err error, took time.Duration) {
	if !h.counting.Load() {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	o := &h.outcome
	o.Sent++
	switch {
	case err == nil:
		o.Answered++
		h.answered = append(h.answered, took)
	case code == schema.CodeBusy:
		o.Busy++
	case code == schema.CodeTooComplex:
		o.Refused++
	default:
		o.Failed++
	}
	if err != nil && code != schema.CodeBusy && o.FirstError == "" {
		o.FirstError = err.Error()
	}
}

// reset starts counting from now.
func (h *costlyClients) reset() {
	h.mu.Lock()
	h.outcome, h.answered = costlyOutcome{}, nil
	h.mu.Unlock()
	h.counting.Store(true)
}

// stop stops the clients, waits for their last queries and returns what
// became of those counted.
func (h *costlyClients) stop() costlyOutcome {
	h.counting.Store(false)
	close(h.stopCh)
	h.wg.Wait()
	h.mu.Lock()
	defer h.mu.Unlock()
	r := bench.Result{Latencies: h.answered}
	slices.Sort(r.Latencies)
	h.outcome.AnsweredP50Ms = float64(r.Percentile(0.5)) / float64(time.Millisecond)
	if n := len(r.Latencies); n > 0 {
		h.outcome.AnsweredMaxMs = float64(r.Latencies[n-1]) / float64(time.Millisecond)
	}
	return h.outcome
}

// writeHostile prints the report and writes its JSON.
func (c *Bench) writeHostile(r *hostileReport) error {
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
