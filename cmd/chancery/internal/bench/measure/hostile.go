package measure

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

	"github.com/chancery/chancery/schema"
)

// HostileReport is what chancery bench --hostile measured, as written in
// JSON: the mix alone, and the same mix while other clients send queries
// just under the budget.
type HostileReport struct {
	Header
	// Budget is the --max-cost the costly queries come just under.
	Budget             int      `json:"budget"`
	NormalConcurrency  int      `json:"normal_concurrency"`
	HostileConcurrency int      `json:"hostile_concurrency"`
	Normal             []string `json:"normal"` // the mix's queries, sent in turn
	// Excluded are the mix's queries left out of the normal traffic as
	// costly, and why.
	Excluded []string `json:"excluded,omitempty"`
	Costly   []Costly `json:"costly"`
	// Alone is the mix with nothing else running; Beside is the same
	// load while the costly clients run.
	Alone  Figures       `json:"alone"`
	Beside Figures       `json:"beside"`
	Costs  CostlyOutcome `json:"costly_outcome"`
	Ratios HostileRatios `json:"ratios"`
}

// HostileRatios compare the mix beside the costly queries with the mix
// alone.
type HostileRatios struct {
	P50        float64 `json:"p50"`
	P99        float64 `json:"p99"`
	Throughput float64 `json:"throughput"` // alone over beside: how many times fewer requests a second
}

// WriteTable writes the report for people: the normal traffic alone and
// beside the costly queries, and what became of those.
func (r *HostileReport) WriteTable(w io.Writer) error {
	var b strings.Builder
	r.Header.write(&b, "", "")
	fmt.Fprintf(&b, "normal   the mix (%s) in turn, %d at a time\n", strings.Join(r.Normal, ", "), r.NormalConcurrency)
	for _, e := range r.Excluded {
		fmt.Fprintf(&b, "         left out: %s\n", e)
	}
	fmt.Fprintf(&b, "costly   %d clients at once, each sending in turn, just under the budget of %s:\n", r.HostileConcurrency, Thousands(int64(r.Budget)))
	for _, q := range r.Costly {
		fmt.Fprintf(&b, "           %s, estimated cost %s\n", q.Name, Thousands(int64(q.Cost)))
	}
	fmt.Fprintf(&b, "\n%-26s  %6s  %6s  %9s  %8s  %8s\n", "normal traffic", "done", "errors", "req/s", "p50 ms", "p99 ms")
	row := func(name string, f Figures) {
		fmt.Fprintf(&b, "%-26s  %6d  %6d  %9s  %8s  %8s\n", name, f.Done, f.Errors, rate(f.RequestsPerSecond), millis(f.P50Ms), millis(f.P99Ms))
	}
	row("alone", r.Alone)
	row("beside the costly queries", r.Beside)
	fmt.Fprintf(&b, "%-26s  %6s  %6s  %8.1fx  %7.1fx  %7.1fx\n", "beside / alone", "", "", 1/nonZero(r.Ratios.Throughput), r.Ratios.P50, r.Ratios.P99)
	o := r.Costs
	fmt.Fprintf(&b, "\ncostly queries meanwhile: %d sent, %d answered (p50 %s ms, slowest %s ms), %d refused as BUSY, %d over a limit, %d failed\n",
		o.Sent, o.Answered, millis(o.AnsweredP50Ms), millis(o.AnsweredMaxMs), o.Busy, o.Refused, o.Failed)
	if o.FirstError != "" {
		fmt.Fprintf(&b, "  the first failure: %s\n", o.FirstError)
	}
	for _, f := range []struct {
		name string
		f    Figures
	}{{"alone", r.Alone}, {"beside", r.Beside}} {
		if f.f.Errors > 0 {
			fmt.Fprintf(&b, "normal traffic %s: %d errors; the first: %s\n", f.name, f.f.Errors, f.f.FirstError)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// nonZero returns v, or 1 for 0, to divide by.
func nonZero(v float64) float64 {
	if v == 0 {
		return 1
	}
	return v
}

// Costly is one query the hostile clients send.
type Costly struct {
	Name  string  `json:"name"`
	Query string  `json:"query"`
	Cost  float64 `json:"cost"`
}

// CostlyOutcome counts what became of the costly queries sent while the
// mix was measured beside them.
type CostlyOutcome struct {
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

// CostlyClients send costly queries without pause until stopped.
type CostlyClients struct {
	stopCh chan struct{}
	wg     sync.WaitGroup

	mu       sync.Mutex
	outcome  CostlyOutcome
	answered []time.Duration
	counting atomic.Bool
}

// StartCostly starts n clients sending queries in turn to url; they count
// nothing until Reset.
func StartCostly(ctx context.Context, client *http.Client, url string, queries []Costly, n int) *CostlyClients {
	h := &CostlyClients{stopCh: make(chan struct{})}
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

// record counts one query's outcome, if counting has started.
func (h *CostlyClients) record(code string, err error, took time.Duration) {
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

// Reset starts counting from now.
func (h *CostlyClients) Reset() {
	h.mu.Lock()
	h.outcome, h.answered = CostlyOutcome{}, nil
	h.mu.Unlock()
	h.counting.Store(true)
}

// Stop stops the clients, waits for their last queries and returns what
// became of those counted.
func (h *CostlyClients) Stop() CostlyOutcome {
	h.counting.Store(false)
	close(h.stopCh)
	h.wg.Wait()
	h.mu.Lock()
	defer h.mu.Unlock()
	r := Result{Latencies: h.answered}
	slices.Sort(r.Latencies)
	h.outcome.AnsweredP50Ms = float64(r.Percentile(0.5)) / float64(time.Millisecond)
	if n := len(r.Latencies); n > 0 {
		h.outcome.AnsweredMaxMs = float64(r.Latencies[n-1]) / float64(time.Millisecond)
	}
	return h.outcome
}
