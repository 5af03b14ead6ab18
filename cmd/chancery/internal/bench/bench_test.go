package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chancery/chancery/cmd/chancery/internal/bench/measure"
)

func TestCompareFillsTheRatios(t *testing.T) {
	r := &measure.Report{
		Bare: measure.BareReport{Results: []measure.Figures{{Concurrency: 1, RequestsPerSecond: 1000, P50Ms: 0.1}, {Concurrency: 32, RequestsPerSecond: 4000, P50Ms: 0.2}}},
		Queries: []measure.QueryReport{{Name: "lineage", Results: []measure.Figures{
			{Concurrency: 1, RequestsPerSecond: 250, P50Ms: 3},
			{Concurrency: 32, RequestsPerSecond: 2000, P50Ms: 8},
		}}},
	}
	baseline := &measure.Report{
		Queries: []measure.QueryReport{{Name: "lineage", Results: []measure.Figures{{Concurrency: 1, P50Ms: 2}}}},
	}
	compare(r, baseline)
	q := r.Queries[0].Results
	if q[0].VsBare == nil || *q[0].VsBare != 0.25 || q[1].VsBare == nil || *q[1].VsBare != 0.5 {
		t.Errorf("vs bare: %v, %v; want 0.25 and 0.5", q[0].VsBare, q[1].VsBare)
	}
	if q[0].P50VsBaseline == nil || *q[0].P50VsBaseline != 1.5 {
		t.Errorf("p50 over the baseline's: %v; want 1.5", q[0].P50VsBaseline)
	}
	if q[1].P50VsBaseline != nil || r.Bare.Results[0].P50VsBaseline != nil {
		t.Errorf("a ratio with no baseline figure to compare with: %v, %v", q[1].P50VsBaseline, r.Bare.Results[0].P50VsBaseline)
	}
	if b := r.Bare.Results[1].VsBare; b == nil || *b != 1 {
		t.Errorf("the bare handler against itself: %v", b)
	}
}

func TestReadBaselineRefusesWhatIsNotAReport(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	js, _ := json.Marshal(measure.Report{Queries: []measure.QueryReport{{Name: "lineage"}}})
	other := filepath.Join(dir, "other.json")
	for file, body := range map[string][]byte{good: js, other: []byte(`{"shapes":[]}`)} {
		if err := os.WriteFile(file, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if r, err := readBaseline(good); err != nil || r.Queries[0].Name != "lineage" {
		t.Errorf("readBaseline(good) = %+v, %v", r, err)
	}
	if _, err := readBaseline(other); err == nil || !strings.Contains(err.Error(), "not the JSON report of chancery bench") {
		t.Errorf("readBaseline(other): %v", err)
	}
	if _, err := readBaseline(filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "cannot read the baseline") {
		t.Errorf("readBaseline(missing): %v", err)
	}
}

func TestWriteAsTheConfigurationAsks(t *testing.T) {
	report := &measure.CostsReport{Header: measure.Header{Command: []string{"chancery", "bench", "--costs"}, URL: "http://x/graphql"}, Budget: 100}
	file := filepath.Join(t.TempDir(), "costs.json")
	for _, tc := range []struct {
		name                string
		cfg                 Config
		wantJSON, wantTable bool
	}{
		{"Table", Config{Format: "table"}, false, true},
		{"JSON", Config{Format: "json"}, true, false},
		{"JSONAndTable", Config{Format: "table", JSONFile: "-"}, true, true},
		{"File", Config{Format: "table", JSONFile: file}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout bytes.Buffer
			r := &runner{cfg: tc.cfg, stdout: &stdout}
			if err := r.write(report); err != nil {
				t.Fatal(err)
			}
			out := stdout.String()
			if got := strings.HasPrefix(out, "{"); got != tc.wantJSON {
				t.Errorf("JSON on standard output: %v, want %v:\n%s", got, tc.wantJSON, out)
			}
			if got := strings.Contains(out, "µs/cost"); got != tc.wantTable {
				t.Errorf("the table on standard output: %v, want %v:\n%s", got, tc.wantTable, out)
			}
		})
	}
	var back measure.CostsReport
	if b, err := os.ReadFile(file); err != nil || json.Unmarshal(b, &back) != nil || back.URL != "http://x/graphql" || back.Budget != 100 {
		t.Errorf("the JSON file: %+v, %v", back, err)
	}
}

func TestRunSaysWhenNoServerAnswers(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String() + "/graphql"
	ln.Close()
	for _, mode := range []Mode{Mix, Costs, Hostile} {
		var stdout, stderr bytes.Buffer
		err := Run(context.Background(), Config{Mode: mode, URL: url, Concurrency: []int{1}, HostileConcurrency: 1, Requests: 1, Inputs: 1, Format: "table"}, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), "no server answers at "+url) || stdout.Len() > 0 {
			t.Errorf("mode %d: %v; printed %q", mode, err, stdout.String())
		}
	}
}

func TestFreshBodiesAreEachNew(t *testing.T) {
	r := &runner{}
	bodies := [][]byte{
		[]byte(`{"query":"query A($id: ID!) { entity(id: $id) { name } }","variables":{"id":"country:cuba"}}`),
		[]byte(`{"query":"{ count(groupBy: KIND) { key count } }"}`),
	}
	seen := map[string]bool{}
	for _, n := range []int{5, 3} { // two loads: numbers go on across them
		for i, b := range r.freshBodies(bodies, n) {
			var req struct {
				Query     string         `json:"query"`
				Variables map[string]any `json:"variables"`
			}
			if err := json.Unmarshal(b, &req); err != nil {
				t.Fatal(err)
			}
			var want map[string]any
			json.Unmarshal(bodies[i%2], &want)
			if req.Query != want["query"] {
				t.Errorf("body %d asks %q, want %q", i, req.Query, want["query"])
			}
			if i%2 == 0 && req.Variables["id"] != "country:cuba" {
				t.Errorf("body %d lost its variables: %v", i, req.Variables)
			}
			if seen[string(b)] {
				t.Errorf("body %s sent twice", b)
			}
			seen[string(b)] = true
		}
	}
}
