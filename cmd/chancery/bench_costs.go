package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/chancery/chancery/cmd/chancery/internal/bench"
	"github.com/chancery/chancery/schema"
)

// costShape is one kind of query that chancery bench --costs times against
// its estimated cost: a query at the edge of what the limits allow, with
// inputs chosen from the data.
type costShape struct {
	name, description string
	query             string
	inputs            []map[string]any
}

// The shapes --costs measures. Each asks for the most the API allows of
// one kind of work (the largest neighbourhood, twenty paths of six
// relations, pages of 500 with pages of 50 under them), so that the
// fitted cost bounds the time of anything smaller.
const (
	costNeighbourhood = `query CostNeighbourhood($id: ID!, $depth: Int!) { neighbourhood(id: $id, depth: $depth, limit: 2000) {
  nodes { id kind name } relations { id type validFrom validTo from { id } to { id } } truncated } }`
	costPaths = `query CostPaths($from: ID!, $to: ID!, $asOf: Date, $maxLength: Int!, $first: Int!) { paths(from: $from, to: $to, maxLength: $maxLength, first: $first, asOf: $asOf) {
  length nodes { id name } relations { id type } } }`
	costRepresentation = `query CostRepresentation($of: ID!, $in: ID!) { representation(of: $of, in: $in) {
  kind mission { id name } via { id name } relations { id type from { id } to { id } } } }`
	costLineage = `query CostLineage($id: ID!) { lineage(id: $id) { entity { id name } change date relation { id } conflicting } }`
	costSearch  = `query CostSearch($text: String!) { search(text: $text, first: 100) { entity { id kind name } matched score } }`
	costCount   = `query CostCount($by: GroupBy!, $asOf: Date, $include: Include) { count(groupBy: $by, asOf: $asOf, include: $include, limit: 500) { key label count } }`
	costPages   = `query CostPages($kind: EntityKind) { entities(kind: $kind, first: 500) { edges { node { id
  relations(first: 50) { edges { node { type to { name } } } } } } } }`
	costHubPage = `query CostHubPage($id: ID!) { entity(id: $id) { relations(first: 500) { edges { node { id type
  from { id name } to { id name relations(first: 20) { edges { node { id type } } } } } } } } }`
	costRelations = `query CostRelations($types: [RelationType!]) { relations(types: $types, first: 500) { edges { node {
  id type validFrom validTo from { id kind name } to { id kind name } } } } }`
	costEntities = `query CostEntities($kind: EntityKind) { entities(kind: $kind, first: 500) { edges { node {
  id kind name aliases validFrom validTo attestedFrom attestedTo attributes { key value } } } } }`
	costRelationsAsOf = `query CostRelationsAsOf($asOf: Date!, $types: [RelationType!]) { relations(types: $types, asOf: $asOf, first: 500) {
  edges { node { id type } } totalCount } }`
	costEntitiesAsOf = `query CostEntitiesAsOf($asOf: Date!, $kind: EntityKind, $include: Include) { entities(kind: $kind, asOf: $asOf, include: $include, first: 500) {
  edges { node { id name } } totalCount } }`
	costHubTotal = `query CostHubTotal($id: ID!, $asOf: Date) { entity(id: $id) { relations(asOf: $asOf, first: 50) { edges { node { id type } } totalCount } } }`
)

// costShapeNames are the names of the shapes, in the order they run.
func costShapeNames() []string {
	return []string{"neighbourhood-d1-2000", "neighbourhood-d2-2000", "neighbourhood-d4-2000", "paths-6-20", "paths-6-20-asof", "paths-6-3", "paths-6-1", "paths-4-20", "paths-3-3",
		"representation-hubs", "lineage", "search-100", "count-500", "count-500-asof", "count-500-possible",
		"entities-500-relations-50", "entities-500-wide", "hub-500-relations-20", "relations-500",
		"relations-asof-total", "entities-asof-total", "hub-relations-total"}
}

// costShapes chooses the inputs of every shape from what s gathered.
func costShapes(s *sampler) []*costShape {
	label := func(b bucket) string { return b.Key }
	top := func(bs []bucket, n int) []bucket { return bs[:min(n, len(bs))] }
	var shapes []*costShape
	add := func(name, description, query string, inputs []map[string]any) {
		shapes = append(shapes, &costShape{name: name, description: description, query: query, inputs: inputs})
	}

	// Centres: the biggest senders, countries at random, missions.
	var centres []map[string]any
	for _, b := range top(s.senders, 4) {
		centres = append(centres, map[string]any{"id": label(b)})
	}
	for _, i := range s.pick(len(s.countries))[:min(4, len(s.countries))] {
		centres = append(centres, map[string]any{"id": s.countries[i].ID})
	}
	for _, m := range s.missions[:min(4, len(s.missions))] {
		centres = append(centres, map[string]any{"id": m.ID})
	}
	for _, depth := range []int{1, 2, 4} {
		var in []map[string]any
		for _, c := range centres {
			in = append(in, map[string]any{"id": c["id"], "depth": depth})
		}
		add(fmt.Sprintf("neighbourhood-d%d-2000", depth),
			fmt.Sprintf("neighbourhood(depth: %d, limit: 2000) of the biggest senders, countries and missions", depth), costNeighbourhood, in)
	}

	// Paths: between hubs, between a hub and a country, between countries.
	var pairs []map[string]any
	hubs := top(s.senders, 3)
	for i, a := range hubs {
		for _, b := range hubs[i+1:] {
			pairs = append(pairs, map[string]any{"from": a.Key, "to": b.Key})
		}
	}
	for range 8 {
		if len(s.countries) < 2 {
			break
		}
		a := s.rng.IntN(len(s.countries))
		b := s.rng.IntN(len(s.countries) - 1)
		if b >= a {
			b++
		}
		pairs = append(pairs, map[string]any{"from": s.countries[a].ID, "to": s.countries[b].ID})
	}
	for _, m := range s.missions[:min(3, len(s.missions))] {
		if len(s.countries) > 0 {
			pairs = append(pairs, map[string]any{"from": m.ID, "to": s.countries[s.rng.IntN(len(s.countries))].ID})
		}
	}
	for _, p := range []struct {
		maxLength, first int
		asOf             any
	}{{6, 20, nil}, {6, 20, "1990-01-01"}, {6, 3, nil}, {6, 1, nil}, {4, 20, nil}, {3, 3, nil}} {
		var in []map[string]any
		for _, pair := range pairs {
			in = append(in, map[string]any{"from": pair["from"], "to": pair["to"], "maxLength": p.maxLength, "first": p.first, "asOf": p.asOf})
		}
		name, desc := fmt.Sprintf("paths-%d-%d", p.maxLength, p.first), fmt.Sprintf("paths(maxLength: %d, first: %d)", p.maxLength, p.first)
		if p.asOf != nil {
			name, desc = name+"-asof", fmt.Sprintf("paths(maxLength: %d, first: %d, asOf: %s)", p.maxLength, p.first, p.asOf)
		}
		add(name, desc+" between hubs, countries and missions", costPaths, in)
	}

	// Representation between the biggest senders and hosts.
	var reps []map[string]any
	for _, a := range top(s.senders, 4) {
		for _, b := range top(s.hosts, 4) {
			if a.Key != b.Key {
				reps = append(reps, map[string]any{"of": a.Key, "in": b.Key})
			}
		}
	}
	add("representation-hubs", "representation between the biggest senders and hosts", costRepresentation, reps)

	var lineage []map[string]any
	for _, m := range s.missions[:min(8, len(s.missions))] {
		lineage = append(lineage, map[string]any{"id": m.ID})
	}
	add("lineage", "the lineage of missions", costLineage, lineage)

	var texts []map[string]any
	for _, t := range []string{"Embassy", "Embasy", "Consulate General", "of", "Mission to the"} {
		texts = append(texts, map[string]any{"text": t})
	}
	for _, c := range s.countries[:min(4, len(s.countries))] {
		if t, ok := typo(s.rng, c.Name); ok {
			texts = append(texts, map[string]any{"text": t})
		}
	}
	add("search-100", "search(first: 100) for common words and misspelt names", costSearch, texts)

	var counts, countsAsOf, countsPossible []map[string]any
	for _, by := range []string{"KIND", "MISSION_TYPE", "SENDER", "HOST", "CITY", "RELATION_TYPE", "YEAR", "DECADE", "YEAR_ENDED", "DECADE_ENDED"} {
		counts = append(counts, map[string]any{"by": by})
		countsAsOf = append(countsAsOf, map[string]any{"by": by, "asOf": "1990-01-01"})
		countsPossible = append(countsPossible, map[string]any{"by": by, "asOf": "1990-01-01", "include": "POSSIBLE"})
	}
	add("count-500", "count(limit: 500) by every grouping", costCount, counts)
	add("count-500-asof", "count(limit: 500, asOf: 1990-01-01) by every grouping", costCount, countsAsOf)
	add("count-500-possible", "count(limit: 500, asOf: 1990-01-01, include: POSSIBLE) by every grouping", costCount, countsPossible)

	kinds := []map[string]any{{"kind": nil}, {"kind": "COUNTRY"}, {"kind": "MISSION"}, {"kind": "CITY"}}
	add("entities-500-relations-50", "500 entities, each with 50 relations and their far ends' names", costPages, kinds)
	add("entities-500-wide", "500 entities with every scalar field", costEntities, kinds)
	var hubPages []map[string]any
	for _, b := range top(s.senders, 4) {
		hubPages = append(hubPages, map[string]any{"id": b.Key})
	}
	add("hub-500-relations-20", "500 relations of the biggest senders, each far end with 20 of its own", costHubPage, hubPages)
	add("relations-500", "500 relations, of every type and of one, with both ends", costRelations,
		[]map[string]any{{"types": nil}, {"types": []string{"SENT_BY"}}, {"types": []string{"ACCREDITS_TO"}}, {"types": []string{"RENAMED_FROM"}}})

	// Listings as of a date, which read what they skip and, for
	// totalCount, every match.
	add("relations-asof-total", "relations(asOf, first: 500) with totalCount", costRelationsAsOf,
		[]map[string]any{{"asOf": "1990-01-01", "types": nil}, {"asOf": "1800-01-01", "types": nil}, {"asOf": "1990-01-01", "types": []string{"SENT_BY"}}})
	add("entities-asof-total", "entities(asOf, first: 500) with totalCount", costEntitiesAsOf,
		[]map[string]any{{"asOf": "1990-01-01", "kind": nil, "include": nil}, {"asOf": "1800-01-01", "kind": nil, "include": nil},
			{"asOf": "1990-01-01", "kind": "MISSION", "include": "POSSIBLE"}})
	var hubTotals []map[string]any
	for _, b := range top(s.senders, 3) {
		hubTotals = append(hubTotals, map[string]any{"id": b.Key, "asOf": nil}, map[string]any{"id": b.Key, "asOf": "1990-01-01"})
	}
	add("hub-relations-total", "a page of 50 of the biggest senders' relations with totalCount, over all history and as of a date", costHubTotal, hubTotals)
	return shapes
}

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
func (c *Bench) runCosts(ctx context.Context, api *gqlClient, report *costsReport) error {
	rng := rand.New(rand.NewPCG(c.Seed, 0x6368616e63657279))
	s := &sampler{api: api, rng: rng, n: c.Inputs}
	c.progress("reading the data to choose inputs (seed %d)", c.Seed)
	if err := s.gather(ctx); err != nil {
		return err
	}
	client := bench.NewClient(1)
	defer client.CloseIdleConnections()
	for _, shape := range costShapes(s) {
		for _, in := range shape.inputs {
			// A variable left out takes the argument's default; sent as
			// null it would be refused for a non-null argument.
			for k, v := range in {
				if v == nil {
					delete(in, k)
				}
			}
		}
		if len(c.Only) > 0 && !slices.Contains(c.Only, shape.name) {
			continue
		}
		res := costResult{Name: shape.name, Description: shape.description, Query: shape.query}
		deadline := time.Now().Add(c.TimeLimit)
		for _, vars := range shape.inputs {
			if c.TimeLimit > 0 && time.Now().After(deadline) {
				c.progress("%s: cut short after %s (--time-limit)", shape.name, c.TimeLimit)
				break
			}
			in, err := c.timeInput(ctx, client, report.URL, shape.query, vars)
			if err != nil {
				return err
			}
			res.Inputs = append(res.Inputs, in)
			if in.MicrosPerCost > report.WorstMicrosPerCost && in.Errors == 0 {
				report.WorstMicrosPerCost, report.WorstShape = in.MicrosPerCost, shape.name
			}
		}
		c.progress("%s: %s", shape.name, summarizeCost(res))
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
		return in, fmt.Errorf("estimate the cost of %s: %w", firstLine(query), err)
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
	api := &gqlClient{http: client, url: base.URL}
	counts, err := api.counts(ctx)
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
