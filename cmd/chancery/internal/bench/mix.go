package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/chancery/chancery/cmd/chancery/internal/bench/measure"
	"github.com/chancery/chancery/cmd/chancery/internal/bench/mix"
)

// runMix measures the mix: every query at every concurrency, beside the
// bare handler, and the server's memory while it runs.
func (r *runner) runMix(ctx context.Context) error {
	cfg := r.cfg
	report := &measure.Report{
		Header: r.header(),
		Settings: measure.Settings{
			Requests: cfg.Requests, Warmup: cfg.Warmup, Concurrency: cfg.Concurrency,
			Seed: cfg.Seed, Inputs: cfg.Inputs, TimeLimitSeconds: cfg.TimeLimit.Seconds(),
		},
	}
	var baseline *measure.Report
	if cfg.Baseline != "" {
		var err error
		if baseline, err = readBaseline(cfg.Baseline); err != nil {
			return err
		}
		report.Baseline = cfg.Baseline
	}

	pid := cfg.PID
	if cfg.DataDir != "" {
		if err := r.startServer(ctx, report); err != nil {
			return err
		}
		pid = r.server.PID()
	} else {
		report.URL = cfg.URL
		if err := measure.CheckReachable(ctx, cfg.URL); err != nil {
			return err
		}
	}

	client := measure.NewClient(slices.Max(cfg.Concurrency))
	defer client.CloseIdleConnections()
	api := mix.NewClient(client, report.URL)
	r.progress("counting what the store holds")
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

	r.progress("choosing the queries' inputs from the data (seed %d)", cfg.Seed)
	queries, err := mix.Choose(ctx, api, cfg.Seed, cfg.Inputs, cfg.Only, r.progress)
	if err != nil {
		return err
	}
	bare, err := r.checkInputs(ctx, api, queries)
	if err != nil {
		return err
	}

	var sampler *measure.Sampler
	if pid != 0 {
		if m, err := measure.ReadMemory(pid); err != nil {
			report.Server.Note = err.Error()
			pid = 0
		} else {
			report.Server.RSSIdleBytes = &m.RSS
			sampler = measure.SampleMemory(pid, 50*time.Millisecond)
			defer func() {
				if sampler != nil {
					sampler.Stop()
				}
			}()
		}
	} else {
		report.Server.Note = "the server's process is not known; give --pid of a local server, or let bench start one with --data"
	}

	bareSrv, err := measure.StartBare(bare)
	if err != nil {
		return err
	}
	defer bareSrv.Close()
	report.Bare.Bytes = len(bare)
	report.Queries = make([]measure.QueryReport, len(queries), len(queries)+2)
	for i, q := range queries {
		report.Queries[i] = measure.QueryReport{Name: q.Name, Description: q.Description, Inputs: len(q.Bodies), Skipped: q.Skipped}
	}
	dashboard := dashboardBodies(queries, DashboardQueries)
	report.Queries = append(report.Queries, measure.QueryReport{Name: RepeatedName, Inputs: len(dashboard),
		Description: fmt.Sprintf("a dashboard: %d requests, the first inputs of the queries above, asked again and again", len(dashboard))})
	// The first query of the mix asked again too, its inputs unchanged:
	// the repeated counterpart of its cold figures.
	first := queries[0]
	if first.Skipped == "" {
		report.Queries = append(report.Queries, measure.QueryReport{Name: first.Name + RepeatedSuffix, Inputs: len(first.Bodies),
			Description: fmt.Sprintf("%s, its %d inputs asked again and again", first.Name, len(first.Bodies))})
	}
	repeated := report.Queries[len(queries):]
	entityBodies := queries[0].Bodies // the bare handler is sent what the first query is
	for _, conc := range cfg.Concurrency {
		f, err := r.load(ctx, client, "bare handler", bareSrv.URL, entityBodies, conc, max(cfg.Requests, BareMinRequests), false)
		if err != nil {
			return err
		}
		report.Bare.Results = append(report.Bare.Results, f)
		for i, q := range queries {
			if q.Skipped != "" {
				continue
			}
			f, err := r.load(ctx, client, q.Name, report.URL, q.Bodies, conc, cfg.Requests, true)
			if err != nil {
				return err
			}
			report.Queries[i].Results = append(report.Queries[i].Results, f)
		}
		f, err = r.load(ctx, client, RepeatedName, report.URL, dashboard, conc, cfg.Requests, false)
		if err != nil {
			return err
		}
		repeated[0].Results = append(repeated[0].Results, f)
		if len(repeated) > 1 {
			f, err = r.load(ctx, client, repeated[1].Name, report.URL, first.Bodies, conc, cfg.Requests, false)
			if err != nil {
				return err
			}
			repeated[1].Results = append(repeated[1].Results, f)
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
		if m, err := measure.ReadMemory(pid); err == nil {
			report.Server.RSSPeakSinceStartBytes = &m.Peak
		}
	}
	if err := r.stopServer(); err != nil {
		return err
	}

	compare(report, baseline)
	return r.write(report)
}

// checkInputs sends every input of every query once, so that a query the
// data cannot answer shows at once, and returns the answer the bare
// handler will give: one of the first query's answers, the one closest to
// their mean size.
func (r *runner) checkInputs(ctx context.Context, api *mix.Client, queries []*mix.Query) ([]byte, error) {
	var bare []byte
	for i, q := range queries {
		if q.Skipped != "" {
			r.progress("%s: skipped, %s", q.Name, q.Skipped)
			continue
		}
		var answers [][]byte
		var total int
		for j, body := range q.Bodies {
			status, answer, err := api.Post(ctx, body)
			if err == nil {
				err = measure.CheckAnswer(status, answer)
			}
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				r.progress("%s: input %d fails, and will count as errors: %v", q.Name, j+1, err)
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

// DashboardQueries is how many requests the repeated mix cycles through.
const DashboardQueries = 20

// RepeatedName names the repeated mix in the report.
const RepeatedName = "repeated-dashboard"

// RepeatedSuffix ends the name of the first query of the mix asked again
// and again, in the report.
const RepeatedSuffix = "-repeated"

// dashboardBodies are the first n requests of a dashboard built from the
// mix: each query's first input, then each one's second, and so on.
func dashboardBodies(queries []*mix.Query, n int) [][]byte {
	var out [][]byte
	for j := 0; len(out) < n; j++ {
		added := false
		for _, q := range queries {
			if q.Skipped == "" && j < len(q.Bodies) && len(out) < n {
				out = append(out, q.Bodies[j])
				added = true
			}
		}
		if !added {
			break
		}
	}
	return out
}

// load warms up and then sends one load of requests to target, and
// reports its figures. With fresh, every request is new to the server:
// each is sent with a variable of its own (benchRequest, which the
// operation does not declare and the server ignores), so that a server's
// response cache never has its answer and the query is run each time.
func (r *runner) load(ctx context.Context, client *http.Client, name, target string, bodies [][]byte, conc, requests int, fresh bool) (measure.Figures, error) {
	cfg := r.cfg
	load := measure.Load{Client: client, URL: target, Bodies: bodies, Concurrency: conc}
	if cfg.Warmup > 0 {
		load.Requests, load.TimeLimit = cfg.Warmup, cfg.TimeLimit/4
		if fresh {
			load.Bodies = r.freshBodies(bodies, cfg.Warmup)
		}
		load.Run(ctx)
	}
	load.Requests, load.TimeLimit = requests, cfg.TimeLimit
	if fresh {
		load.Bodies = r.freshBodies(bodies, requests)
	}
	res := load.Run(ctx)
	if err := ctx.Err(); err != nil {
		return measure.Figures{}, fmt.Errorf("interrupted while measuring %s: %w", name, err)
	}
	f := measure.NewFigures(res)
	note := ""
	if f.CutShort {
		note = fmt.Sprintf(" (cut short after %s)", cfg.TimeLimit)
	}
	if f.Errors > 0 {
		note += fmt.Sprintf("; %d errors, the first: %s", f.Errors, f.FirstError)
	}
	r.progress("concurrency %d, %s: %d requests, %.0f/s, p50 %.2f ms, p99 %.2f ms%s",
		conc, name, f.Done, f.RequestsPerSecond, f.P50Ms, f.P99Ms, note)
	return f, nil
}

// readBaseline reads the JSON report of an earlier run of the mix.
func readBaseline(file string) (*measure.Report, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("cannot read the baseline: %w", err)
	}
	var r measure.Report
	if err := json.Unmarshal(b, &r); err != nil || len(r.Queries) == 0 {
		return nil, fmt.Errorf("%s is not the JSON report of chancery bench (--json FILE writes one)", file)
	}
	return &r, nil
}

// compare fills in the ratios: each load's requests per second over the
// bare handler's at the same concurrency, and each p50 over the
// baseline's, if there is one.
func compare(r, baseline *measure.Report) {
	bareRate := map[int]float64{}
	for _, f := range r.Bare.Results {
		bareRate[f.Concurrency] = f.RequestsPerSecond
	}
	baseP50 := map[string]float64{}
	if baseline != nil {
		for _, f := range baseline.Bare.Results {
			baseP50[fmt.Sprint("bare handler/", f.Concurrency)] = f.P50Ms
		}
		for _, q := range baseline.Queries {
			for _, f := range q.Results {
				baseP50[fmt.Sprint(q.Name, "/", f.Concurrency)] = f.P50Ms
			}
		}
	}
	fill := func(name string, fs []measure.Figures) {
		for i := range fs {
			f := &fs[i]
			if b := bareRate[f.Concurrency]; b > 0 {
				v := f.RequestsPerSecond / b
				f.VsBare = &v
			}
			if b := baseP50[fmt.Sprint(name, "/", f.Concurrency)]; b > 0 {
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

// freshBodies returns n requests that cycle through bodies, each with a
// variable benchRequest of a number never sent before in this run.
func (r *runner) freshBodies(bodies [][]byte, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		var req map[string]any
		if err := json.Unmarshal(bodies[i%len(bodies)], &req); err != nil {
			out[i] = bodies[i%len(bodies)] // not ours to change; sent as it is
			continue
		}
		vars, _ := req["variables"].(map[string]any)
		if vars == nil {
			vars = map[string]any{}
		}
		r.sent++
		vars["benchRequest"] = r.sent
		req["variables"] = vars
		out[i], _ = json.Marshal(req)
	}
	return out
}
