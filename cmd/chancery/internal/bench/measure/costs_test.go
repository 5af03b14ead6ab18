package measure

import (
	"strings"
	"testing"
)

func TestSummarizeCostGivesTheRangeAndTheWorst(t *testing.T) {
	r := CostResult{Name: "paths-6-20", Inputs: []CostInput{
		{Cost: 400, P50Ms: 2, MaxMs: 3, MicrosPerCost: 5},
		{Cost: 100, P50Ms: 1.5, MaxMs: 9, MicrosPerCost: 15, Errors: 2},
	}}
	got := SummarizeCost(r)
	for _, want := range []string{"2 inputs", "cost 100 to 400", "slowest median 2.00 ms", "slowest 9.00 ms", "15.000 µs per cost at worst", "; 2 errors"} {
		if !strings.Contains(got, want) {
			t.Errorf("SummarizeCost = %q; want %q in it", got, want)
		}
	}
	if got := SummarizeCost(CostResult{}); got != "no inputs" {
		t.Errorf("no inputs: %q", got)
	}
}

func TestCostsTableListsErrorsWithTheirVariables(t *testing.T) {
	r := &CostsReport{Header: Header{Command: []string{"chancery", "bench", "--costs"}, URL: "http://x/graphql"}, Budget: 10000,
		WorstMicrosPerCost: 2, WorstShape: "lineage",
		Shapes: []CostResult{{Name: "lineage", Inputs: []CostInput{{Variables: map[string]any{"id": "Q1"}, Cost: 10, Errors: 1, FirstError: "NOT_FOUND"}}}}}
	var b strings.Builder
	if err := r.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"chancery bench --costs", "http://x/graphql", "about 20 ms", `lineage {"id":"Q1"}: 1 errors; the first: NOT_FOUND`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}
