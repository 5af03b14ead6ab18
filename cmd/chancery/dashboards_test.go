package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chancery/chancery/seeds/initial"
)

// grafanaDashboard is what the test reads of deploy/grafana/chancery.json.
type grafanaDashboard struct {
	Title         string `json:"title"`
	UID           string `json:"uid"`
	SchemaVersion int    `json:"schemaVersion"`
	Templating    struct {
		List []grafanaVariable `json:"list"`
	} `json:"templating"`
	Panels []grafanaPanel `json:"panels"`
}

// grafanaVariable is one of a dashboard's variables: a data source's
// type, or the query that lists its values.
type grafanaVariable struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Query any    `json:"query"`
}

// grafanaPanel is one of a dashboard's panels, or a row of them.
type grafanaPanel struct {
	Type       string            `json:"type"`
	Title      string            `json:"title"`
	Datasource map[string]string `json:"datasource"`
	Targets    []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
}

// Parts of PromQL the test reads: a metric's name, with the label
// matchers after it, and the labels an aggregation keeps.
var (
	promSelector = regexp.MustCompile(`\b((?:chancery|go|process)_[a-z0-9_]+)(\{[^}]*\})?`)
	promMatcher  = regexp.MustCompile(`([a-z_]+)\s*(?:=~|!~|!=|=)`)
	promBy       = regexp.MustCompile(`by \(([^)]*)\)`)
)

// scrapeLabels reads the Prometheus text a server gives at /metrics and
// returns each series' name with the labels it has.
func scrapeLabels(t *testing.T, url string) map[string]map[string]bool {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %v", url, resp.Status, err)
	}
	series := map[string]map[string]bool{}
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, labels, _ := strings.Cut(strings.Fields(line)[0], "{")
		if series[name] == nil {
			series[name] = map[string]bool{}
		}
		for _, m := range promMatcher.FindAllStringSubmatch(labels, -1) {
			series[name][m[1]] = true
		}
	}
	return series
}

// TestGrafanaDashboard checks that every panel of the Grafana dashboard in
// deploy/grafana asks the dashboard's Prometheus data source for series a
// real server exposes at /metrics, with labels they have, so that a
// renamed metric or label fails here rather than leaving a panel empty.
func TestGrafanaDashboard(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "deploy", "grafana", "chancery.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d grafanaDashboard
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("deploy/grafana/chancery.json is not JSON: %v", err)
	}
	if d.Title == "" || d.UID == "" || d.SchemaVersion < 37 {
		t.Errorf("the dashboard has title %q, uid %q, schemaVersion %d; want a title, a uid and a schemaVersion of Grafana 10 or later", d.Title, d.UID, d.SchemaVersion)
	}
	if !slices.ContainsFunc(d.Templating.List, func(v grafanaVariable) bool {
		return v.Name == "datasource" && v.Type == "datasource" && v.Query == "prometheus"
	}) {
		t.Error("the dashboard has no variable $datasource choosing a Prometheus data source")
	}

	const token = "dashboard-token-0123456789"
	p := startServe(t, map[string]string{"CHANCERY_TOKEN": token}, "--data", t.TempDir())
	// Requests that make the labelled series: answered, refused, and
	// answered from the response cache.
	for range 2 {
		p.post(t, `query CubaRelations { relations(types: [PROTECTS], context: "country:cuba") { edges { node { from { name } } } } }`, "")
	}
	p.post(t, `{ entity(id: `, "")
	series := scrapeLabels(t, p.url+"metrics")
	// A replica of it has the replicas' series too.
	r := startServe(t, map[string]string{"CHANCERY_FOLLOW_TOKEN": token}, "--data", t.TempDir(), "--follow", p.url, "--follow-interval", "50ms")
	waitFor(t, 30*time.Second, "the replica caught up", func() bool { s, _ := readyz(r.url); return s == http.StatusOK })
	for name, labels := range scrapeLabels(t, r.url+"metrics") {
		if series[name] == nil {
			series[name] = labels
		}
	}
	// Prometheus adds these to every series it scrapes; histograms and
	// summaries have le and quantile.
	added := map[string]bool{"instance": true, "job": true, "le": true, "quantile": true}

	charted := map[string]bool{}
	for _, panel := range d.Panels {
		if panel.Type == "row" {
			continue
		}
		if len(panel.Targets) == 0 {
			t.Errorf("panel %q has no queries", panel.Title)
		}
		if panel.Datasource["uid"] != "${datasource}" {
			t.Errorf("panel %q uses data source %v; want the dashboard's ${datasource}", panel.Title, panel.Datasource)
		}
		for _, target := range panel.Targets {
			names := map[string]bool{}
			for _, m := range promSelector.FindAllStringSubmatch(target.Expr, -1) {
				name := m[1]
				names[name] = true
				charted[name] = true
				have, ok := series[name]
				if !ok {
					t.Errorf("panel %q asks for %s, which the server does not expose: %s", panel.Title, name, target.Expr)
					continue
				}
				for _, l := range promMatcher.FindAllStringSubmatch(m[2], -1) {
					if !have[l[1]] && !added[l[1]] {
						t.Errorf("panel %q selects %s by label %s, which it does not have", panel.Title, name, l[1])
					}
				}
			}
			if len(names) == 0 {
				t.Errorf("panel %q has a query that names no metric: %s", panel.Title, target.Expr)
			}
			for _, by := range promBy.FindAllStringSubmatch(target.Expr, -1) {
				for _, l := range strings.Split(by[1], ",") {
					l = strings.TrimSpace(l)
					for name := range names {
						if !series[name][l] && !added[l] {
							t.Errorf("panel %q groups %s by label %s, which it does not have", panel.Title, name, l)
						}
					}
				}
			}
		}
	}
	// Every metric of Chancery's own has a panel.
	for name := range series {
		base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
		if strings.HasPrefix(name, "chancery_") && !charted[name] && !charted[base+"_bucket"] {
			t.Errorf("the dashboard has no panel for %s", name)
		}
	}
}

// TestDashboardsCSV runs the curl | jq line of docs/dashboards.md against a
// fresh server on the default data and checks the CSV it writes holds the
// buckets count answers, beginning with the lines the page shows.
func TestDashboardsCSV(t *testing.T) {
	p := startServe(t, map[string]string{"CHANCERY_INITIAL_DATA": string(initial.Default)}, "--data", t.TempDir())
	line := docBlock(t, "docs/dashboards.md", "sh", "@csv")
	const documented = "http://localhost:8080/"
	if !strings.Contains(line, documented) {
		t.Fatalf("docs/dashboards.md's curl | jq line does not ask %s", documented)
	}
	dir := t.TempDir()
	runTool(t, dir, "sh", "-c", strings.ReplaceAll(line, documented, p.url))
	out, err := os.ReadFile(filepath.Join(dir, "hosts.csv"))
	if err != nil {
		t.Fatalf("the line writes no hosts.csv: %v", err)
	}
	if shown := docBlock(t, "docs/dashboards.md", "csv", ""); !strings.HasPrefix(string(out), shown) {
		t.Errorf("docs/dashboards.md shows\n%s\nbut the line writes\n%s", shown, out)
	}

	records, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("hosts.csv is not CSV: %v\n%s", err, out)
	}
	var counted struct {
		Count []struct {
			Key, Label string
			Count      int
		}
	}
	r, _ := p.post(t, `{ count(groupBy: HOST, asOf: "2022-11-16", limit: 10) { key label count } }`, "")
	if len(r.Errors) > 0 {
		t.Fatalf("count: %+v", r.Errors)
	}
	decode(t, r.Data, &counted)
	want := [][]string{{"id", "host", "missions"}}
	for _, b := range counted.Count {
		want = append(want, []string{b.Key, b.Label, strconv.Itoa(b.Count)})
	}
	if len(want) != 11 {
		t.Fatalf("count gives %d hosts; want 10", len(want)-1)
	}
	if fmt.Sprint(records) != fmt.Sprint(want) {
		t.Errorf("hosts.csv holds\n%q\nwant\n%q", records, want)
	}
}
