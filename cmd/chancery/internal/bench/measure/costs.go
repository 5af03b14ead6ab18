package measure

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// CostsReport is what chancery bench --costs measured, as written in JSON.
type CostsReport struct {
	Header
	// Requests is how many times each input was timed, after one untimed.
	Requests int `json:"requests"`
	// Budget is this build's default --max-cost.
	Budget int          `json:"budget"`
	Shapes []CostResult `json:"shapes"`
	// WorstMicrosPerCost is the highest median time over estimated cost of
	// any input: a query at the budget takes up to Budget times this.
	WorstMicrosPerCost float64 `json:"worst_micros_per_cost"`
	WorstShape         string  `json:"worst_shape"`
}

// CostResult is one shape's inputs as measured.
type CostResult struct {
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Query       string      `json:"query"`
	Inputs      []CostInput `json:"inputs"`
}

// CostInput is one input of a shape: its estimated cost and its time.
type CostInput struct {
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

// SummarizeCost is one line about a shape: its costs, times and worst
// ratio.
func SummarizeCost(r CostResult) string {
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

// WriteTable writes the report for people, as aligned columns.
func (r *CostsReport) WriteTable(w io.Writer) error {
	var b strings.Builder
	r.Header.write(&b, "", "")
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
			Thousands(int64(lo)), Thousands(int64(hi)), millis(p50), millis(maxMs), worst, note)
	}
	fmt.Fprintf(&b, "\np50 ms and max ms are of the slowest input; µs/cost is the highest median time over estimated cost of any input.\n")
	if r.WorstMicrosPerCost > 0 {
		fmt.Fprintf(&b, "At worst 1 cost took %.3f µs (%s): a query at the budget of %s would take about %.0f ms.\n",
			r.WorstMicrosPerCost, r.WorstShape, Thousands(int64(r.Budget)), r.WorstMicrosPerCost*float64(r.Budget)/1000)
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
	return writeWithErrors(w, &b, errs)
}
