package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/graph/jsonl"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

// runExport runs the export command as main runs a command, and returns its
// exit status and output.
func runExport(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr strings.Builder
	c := NewExport(&stdout, &stderr, testEnv(nil))
	if err := c.ParseFlags(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, stdout.String(), stderr.String()
		}
		return 2, stdout.String(), stderr.String()
	}
	err := c.Run(context.Background())
	if cerr := c.Close(); err == nil {
		err = cerr
	}
	return report(&stderr, err), stdout.String(), stderr.String()
}

// awkwardLines add to the seeds an organisation whose every text needs
// quoting somewhere, an attribute whose name a format already uses, and a
// relation with a note across two lines.
const awkwardLines = `{"entity": {"id": "org:awkward", "kind": "ORGANISATION", "name": "Office of \"Quotes\", Commas & <Angles>\nsecond line", "aliases": ["A, B", "say \"hi\""], "validFrom": "1994-09", "validTo": "1996-02", "attributes": {"size": "large", "iso2": "QQ"}, "sources": [{"document": "Test fixture", "quote": "a \"quoted\", sentence"}]}}
{"relation": {"type": "MEMBER_OF", "from": "country:switzerland", "to": "org:awkward", "validFrom": "1995", "note": "a note, with \"quotes\"\nand a line break", "sources": [{"document": "Test fixture"}]}}
`

// exportData returns a data directory holding the seeds and awkwardLines.
func exportData(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	file := filepath.Join(t.TempDir(), "awkward.jsonl")
	if err := os.WriteFile(file, []byte(awkwardLines), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCmd(t, "import", "--data", dir, file); code != 0 {
		t.Fatalf("import: exit %d, %s", code, stderr)
	}
	return dir
}

// storedGraph is every entity and relation of a store, read a page at a
// time as a client would.
type storedGraph struct {
	Entities  []*graph.Entity
	Relations []*graph.Relation
}

func readGraph(t *testing.T, r graph.Reader) storedGraph {
	t.Helper()
	ctx := context.Background()
	var g storedGraph
	for after := ""; ; {
		p, err := r.Entities(ctx, graph.EntityQuery{First: graph.MaxPageSize, After: after})
		if err != nil {
			t.Fatal(err)
		}
		g.Entities = append(g.Entities, p.Entities...)
		if !p.HasNext {
			break
		}
		after = p.Cursors[len(p.Cursors)-1]
	}
	for after := ""; ; {
		p, err := r.Relations(ctx, graph.RelationQuery{First: graph.MaxPageSize, After: after})
		if err != nil {
			t.Fatal(err)
		}
		g.Relations = append(g.Relations, p.Relations...)
		if !p.HasNext {
			break
		}
		after = p.Cursors[len(p.Cursors)-1]
	}
	return g
}

// readDir reads the graph in a data directory no process holds.
func readDir(t *testing.T, dir string) storedGraph {
	t.Helper()
	db, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return readGraph(t, db)
}

// sameGraph reports every difference between two graphs, item by item.
func sameGraph(t *testing.T, got, want storedGraph) {
	t.Helper()
	if len(got.Entities) != len(want.Entities) || len(got.Relations) != len(want.Relations) {
		t.Errorf("%d entities and %d relations, want %d and %d", len(got.Entities), len(got.Relations), len(want.Entities), len(want.Relations))
	}
	for i := range min(len(got.Entities), len(want.Entities)) {
		if !reflect.DeepEqual(got.Entities[i], want.Entities[i]) {
			t.Errorf("entity %d:\n%+v\nwant\n%+v", i, got.Entities[i], want.Entities[i])
		}
	}
	for i := range min(len(got.Relations), len(want.Relations)) {
		if !reflect.DeepEqual(got.Relations[i], want.Relations[i]) {
			t.Errorf("relation %d:\n%+v\nwant\n%+v", i, got.Relations[i], want.Relations[i])
		}
	}
}

func TestExportJSONL(t *testing.T) {
	t.Parallel()
	dir := exportData(t)
	want := readDir(t, dir)
	tmp := t.TempDir()
	file := filepath.Join(tmp, "graph.jsonl")
	code, stdout, stderr := runExport(t, "--data", dir, "--out", file)
	summary := fmt.Sprintf("wrote %d entities and %d relations as jsonl to %s", len(want.Entities), len(want.Relations), file)
	if code != 0 || !strings.Contains(stdout, summary) {
		t.Fatalf("exit %d, stdout %q, stderr %q; want %q", code, stdout, stderr, summary)
	}
	written, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("ImportIntoNewDirectory", func(t *testing.T) {
		// chancery import fills a new directory from the seeds, then loads
		// the file over them: the graph comes back item for item.
		again := filepath.Join(t.TempDir(), "data")
		if code, _, stderr := runCmd(t, "import", "--data", again, file); code != 0 {
			t.Fatalf("import: exit %d, %s", code, stderr)
		}
		sameGraph(t, readDir(t, again), want)
		// And it exports to the same bytes.
		file2 := filepath.Join(t.TempDir(), "again.jsonl")
		if code, _, stderr := runExport(t, "--data", again, "--out", file2); code != 0 {
			t.Fatalf("export again: exit %d, %s", code, stderr)
		}
		if b, _ := os.ReadFile(file2); !bytes.Equal(b, written) {
			t.Errorf("a second export differs from the first (%d and %d bytes)", len(b), len(written))
		}
	})

	t.Run("ImportIntoEmptyStore", func(t *testing.T) {
		// Without the seeds underneath, the file alone holds the graph.
		db := storetest.Open(t)
		if _, err := db.Import(context.Background(), storetest.JSONLOpener(written), store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		sameGraph(t, readGraph(t, db), want)
	})

	t.Run("Stdout", func(t *testing.T) {
		code, stdout, stderr := runExport(t, "--data", dir, "--format", "JSONL")
		if code != 0 || stdout != string(written) || !strings.Contains(stderr, "to standard output") {
			t.Errorf("exit %d, %d bytes on stdout (want %d), stderr %q", code, len(stdout), len(written), stderr)
		}
	})
}

// readCSV reads a whole CSV file.
func readCSV(t *testing.T, name string) (string, [][]string) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return string(b), rows
}

func TestExportCSV(t *testing.T) {
	t.Parallel()
	dir := exportData(t)
	want := readDir(t, dir)

	t.Run("Neo4jIntoDirectory", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "neo4j") + "/" // created
		if code, _, stderr := runExport(t, "--data", dir, "--format", "csv", "--out", out); code != 0 {
			t.Fatalf("exit %d, %s", code, stderr)
		}
		nodes, nodeRows := readCSV(t, filepath.Join(out, "nodes.csv"))
		rels, relRows := readCSV(t, filepath.Join(out, "relationships.csv"))
		if len(nodeRows) != len(want.Entities)+1 || len(relRows) != len(want.Relations)+1 {
			t.Errorf("%d node rows and %d relationship rows, want %d and %d with the headers", len(nodeRows), len(relRows), len(want.Entities)+1, len(want.Relations)+1)
		}
		for _, line := range []string{
			"id:ID,:LABEL,name,kind,aliases:string[],validFrom,validTo,firstDay:date,lastDay:date,missionType,official:boolean,iso2,iso3,attr_size,wikidata,sources\n",
			`country:cuba,Entity;Country,Cuba,COUNTRY,Republic of Cuba,,,,,,,CU,CUB,,Q241,"[{""document"":""ISO 3166-1"",""url"":""https://www.iso.org/iso-3166-country-codes.html""},`,
			"\n" + `org:awkward,Entity;Organisation,"Office of ""Quotes"", Commas & <Angles>` + "\n" +
				`second line",ORGANISATION,"A, B;say ""hi""",1994-09,1996-02,1994-09-01,1996-02-29,,,QQ,,large,,"[{""document"":""Test fixture"",""quote"":""a \""quoted\"", sentence""}]"` + "\n",
			"\n" + `mission:us-interests-section-havana,Entity;Mission,United States Interests Section in Havana,MISSION,USINT Havana,1977,2015,1977-01-01,2015-12-31,INTERESTS_SECTION,true,,,,,"[`,
		} {
			if !strings.Contains(nodes, line) {
				t.Errorf("nodes.csv lacks\n%s", line)
			}
		}
		for _, line := range []string{
			":START_ID,:END_ID,:TYPE,id,context,validFrom,validTo,firstDay:date,lastDay:date,role,note,sources\n",
			"\ncountry:switzerland,country:united-states,PROTECTS,rel:jov372puh34hoa5v,country:cuba,1977,2015,1977-01-01,2015-12-31,," +
				`"The interests section was staffed by Americans, with Switzerland as the protecting power.","[{""document"":""De facto embassy""`,
			"\ncountry:switzerland,org:awkward,MEMBER_OF,",
			`,,1995,,1995-01-01,,,"a note, with ""quotes""` + "\n" + `and a line break","[{""document"":""Test fixture""}]"` + "\n",
		} {
			if !strings.Contains(rels, line) {
				t.Errorf("relationships.csv lacks\n%s", line)
			}
		}
	})

	t.Run("GephiWithPrefix", func(t *testing.T) {
		prefix := filepath.Join(t.TempDir(), "cuba-")
		code, stdout, stderr := runExport(t, "--data", dir, "--format", "csv", "--csv-dialect", "gephi", "--out", prefix,
			"--ids", "country:cuba", "--as-of", "2026-11-22")
		if code != 0 || !strings.Contains(stdout, "as csv (gephi) to "+prefix+"nodes.csv and "+prefix+"relationships.csv") {
			t.Fatalf("exit %d, %q, %s", code, stdout, stderr)
		}
		nodes, nodeRows := readCSV(t, prefix+"nodes.csv")
		rels, _ := readCSV(t, prefix+"relationships.csv")
		if !strings.HasPrefix(nodes, "Id,Label,kind,aliases,validFrom,validTo,firstDay,lastDay,missionType,official,iso2,iso3,wikidata,sources\n"+
			`country:cuba,Cuba,COUNTRY,"[""Republic of Cuba""]",,,,,,,CU,CUB,Q241,"[{""document"":""ISO 3166-1""`) {
			t.Errorf("nodes:\n%s", nodes)
		}
		// As of the day the seeds were taken, Cuba and its capital are
		// known; its missions, which the seed documents date to earlier
		// years, only may still hold.
		if len(nodeRows) != 3 {
			t.Errorf("%d nodes as of 2026-11-22, want 2", len(nodeRows)-1)
		}
		const header = "Source,Target,Type,Kind,Id,Label,context,validFrom,validTo,firstDay,lastDay,role,note,sources\n"
		if !strings.HasPrefix(rels, header) || !strings.Contains(rels, "\ncity:havana,country:cuba,Directed,LOCATED_IN,rel:mp24ymcnjzc2bh67,LOCATED_IN,,,,,,,,") {
			t.Errorf("relationships:\n%s", rels)
		}
	})

	t.Run("GephiUndirected", func(t *testing.T) {
		out := t.TempDir()
		if code, _, stderr := runExport(t, "--data", dir, "--format", "csv", "--csv-dialect", "gephi", "--out", out,
			"--types", "diplomatic-relations"); code != 0 {
			t.Fatalf("exit %d, %s", code, stderr)
		}
		_, rows := readCSV(t, filepath.Join(out, "relationships.csv"))
		if len(rows) < 2 {
			t.Fatal("no relations")
		}
		for _, row := range rows[1:] {
			if row[2] != "Undirected" || row[3] != "DIPLOMATIC_RELATIONS" {
				t.Errorf("row %q", row)
			}
		}
	})
}

func TestExportGraphML(t *testing.T) {
	t.Parallel()
	dir := exportData(t)
	want := readDir(t, dir)
	file := filepath.Join(t.TempDir(), "chancery.graphml") // the extension chooses the format
	if code, _, stderr := runExport(t, "--data", dir, "--out", file); code != 0 {
		t.Fatalf("exit %d, %s", code, stderr)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Keys []struct {
			ID   string `xml:"id,attr"`
			For  string `xml:"for,attr"`
			Name string `xml:"attr.name,attr"`
			Type string `xml:"attr.type,attr"`
		} `xml:"key"`
		Nodes []struct {
			ID   string `xml:"id,attr"`
			Data []struct {
				Key   string `xml:"key,attr"`
				Value string `xml:",chardata"`
			} `xml:"data"`
		} `xml:"graph>node"`
		Edges []struct {
			ID     string `xml:"id,attr"`
			Source string `xml:"source,attr"`
			Target string `xml:"target,attr"`
			Data   []struct {
				Key   string `xml:"key,attr"`
				Value string `xml:",chardata"`
			} `xml:"data"`
		} `xml:"graph>edge"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	if len(doc.Nodes) != len(want.Entities) || len(doc.Edges) != len(want.Relations) {
		t.Fatalf("%d nodes and %d edges, want %d and %d", len(doc.Nodes), len(doc.Edges), len(want.Entities), len(want.Relations))
	}
	names := map[string]string{} // key id -> attr.name
	for _, k := range doc.Keys {
		names[k.ID] = k.For + " " + k.Name + " " + k.Type
	}
	nodes := map[string]bool{}
	for _, n := range doc.Nodes {
		nodes[n.ID] = true
		values := map[string]string{}
		for _, d := range n.Data {
			if !strings.HasPrefix(names[d.Key], "node ") {
				t.Fatalf("node %s uses key %q, declared as %q", n.ID, d.Key, names[d.Key])
			}
			values[strings.Fields(names[d.Key])[1]] = d.Value
		}
		switch n.ID {
		case "org:awkward":
			if values["name"] != "Office of \"Quotes\", Commas & <Angles>\nsecond line" || values["attr_size"] != "large" ||
				values["aliases"] != `["A, B","say \"hi\""]` || values["lastDay"] != "1996-02-29" {
				t.Errorf("%s: %q", n.ID, values)
			}
		case "mission:us-interests-section-havana":
			if values["name"] != "United States Interests Section in Havana" || values["missionType"] != "INTERESTS_SECTION" ||
				values["official"] != "true" || values["validFrom"] != "1977" || values["validTo"] != "2015" {
				t.Errorf("%s: %q", n.ID, values)
			}
		}
	}
	for _, e := range doc.Edges {
		if !nodes[e.Source] || !nodes[e.Target] {
			t.Errorf("edge %s joins %s and %s, which are not all nodes", e.ID, e.Source, e.Target)
		}
		for _, d := range e.Data {
			if !strings.HasPrefix(names[d.Key], "edge ") {
				t.Fatalf("edge %s uses key %q, declared as %q", e.ID, d.Key, names[d.Key])
			}
		}
		if e.ID == "rel:jov372puh34hoa5v" && (e.Source != "country:switzerland" || e.Target != "country:united-states" ||
			!slices.ContainsFunc(e.Data, func(d struct {
				Key   string `xml:"key,attr"`
				Value string `xml:",chardata"`
			}) bool {
				return names[d.Key] == "edge context string" && d.Value == "country:cuba"
			})) {
			t.Errorf("the PROTECTS edge: %+v", e)
		}
	}
}

// TestExportNetworkX opens an export with a real reader of GraphML.
func TestExportNetworkX(t *testing.T) {
	t.Parallel()
	python := networkxPython(t)
	dir := exportData(t)
	want := readDir(t, dir)
	for _, args := range [][]string{
		{"--format", "graphml"},
		{"--format", "graphml", "--ids", "country:cuba", "--as-of", "1990"},
	} {
		file := filepath.Join(t.TempDir(), "g.graphml")
		if code, _, stderr := runExport(t, append(args, "--data", dir, "--out", file)...); code != 0 {
			t.Fatalf("%q: exit %d, %s", args, code, stderr)
		}
		const script = `import sys, json, networkx as nx
g = nx.read_graphml(sys.argv[1])
print(g.number_of_nodes(), g.number_of_edges())
print(json.dumps(g.nodes["country:cuba"]["name"]))
if "org:awkward" in g:
    print(json.dumps(g.nodes["org:awkward"]["name"]), g.nodes["org:awkward"]["attr_size"])
`
		out, err := exec.Command(python, "-c", script, file).CombinedOutput()
		if err != nil {
			t.Fatalf("%q: networkx could not read the export: %v\n%s", args, err, out)
		}
		nodes, edges := len(want.Entities), len(want.Relations)
		extra := `"Office of \"Quotes\", Commas & <Angles>\nsecond line" large` + "\n"
		if len(args) > 2 {
			nodes, edges, extra = 3, 2, "" // as of 1990: what TestExportSubgraph lists
		}
		if got, wantOut := string(out), fmt.Sprintf("%d %d\n\"Cuba\"\n%s", nodes, edges, extra); got != wantOut {
			t.Errorf("%q: networkx read\n%s\nwant\n%s", args, got, wantOut)
		}
	}
}

// networkxPython returns a python3 that can import networkx, or fails the
// test: CI installs python3-networkx, so a missing one is a broken setup,
// not a reason to skip.
func networkxPython(t *testing.T) string {
	t.Helper()
	var tried []string
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		path, err := exec.LookPath(p)
		if err != nil || slices.Contains(tried, path) {
			continue
		}
		tried = append(tried, path)
		if exec.Command(path, "-c", "import networkx").Run() == nil {
			return path
		}
	}
	t.Fatalf("no python3 with networkx (tried %q); install it with: apt-get install -y python3-networkx (.ci/run does)", tried)
	return ""
}

// TestExportSubgraph exports the neighbourhood of Cuba as of two dates: the
// US interests section in Havana and Switzerland's protection of Cuba's
// interests in the United States ended in 2015.
func TestExportSubgraph(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	ids := func(asOf string) ([]string, []string, []byte) {
		t.Helper()
		code, stdout, stderr := runExport(t, "--data", dir, "--ids", "country:cuba", "--depth", "1", "--as-of", asOf)
		if code != 0 {
			t.Fatalf("as of %s: exit %d, %s", asOf, code, stderr)
		}
		r := jsonl.NewReader(strings.NewReader(stdout), "stdout")
		var entities, relations []string
		for {
			e, rel, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatal(err)
			}
			if e != nil {
				entities = append(entities, string(e.ID))
			} else {
				relations = append(relations, rel.Type.Kebab()+" "+string(rel.From)+" "+string(rel.To))
			}
		}
		return entities, relations, []byte(stdout)
	}
	e1990, r1990, _ := ids("1990")
	e2020, r2020, _ := ids("2020")
	_, r2015, file2015 := ids("2015")
	// What is known to hold: in 1990 the American interests section
	// (1977-2015) and the Swiss embassy it was a section of (attested
	// 1977-2015); the Cuban interests section, known only in the year its
	// end is stated (2015), the old Cuban embassy, which nothing dates,
	// and Havana, known as the capital from the day the country list was
	// taken, are not. In 2020 nothing of Cuba's is known but Cuba.
	if want := []string{"country:cuba", "mission:us-interests-section-havana", "mission:embassy-of-switzerland-in-cuba"}; !slices.Equal(e1990, want) {
		t.Errorf("entities as of 1990: %q\nwant %q", e1990, want)
	}
	if want := []string{"accredits-to mission:us-interests-section-havana country:cuba", "accredits-to mission:embassy-of-switzerland-in-cuba country:cuba"}; !slices.Equal(r1990, want) {
		t.Errorf("relations as of 1990: %q\nwant %q", r1990, want)
	}
	if want := []string{"country:cuba"}; !slices.Equal(e2020, want) {
		t.Errorf("entities as of 2020: %q\nwant %q", e2020, want)
	}
	if len(r2020) != 0 {
		t.Errorf("relations as of 2020: %q\nwant none", r2020)
	}

	// In 2015, the last year of the interests sections, Switzerland
	// protected Cuba in the United States. The subgraph is a graph of its
	// own: the United States comes as the context of that protection, so
	// the file loads into a store that has nothing else.
	if !slices.Contains(r2015, "protects country:switzerland country:cuba") {
		t.Errorf("relations as of 2015: %q; want Switzerland's protection of Cuba", r2015)
	}
	db := storetest.OpenMemory(t)
	if s, err := db.Import(context.Background(), storetest.JSONLOpener(file2015), store.ImportOptions{}); err != nil || s.Entities != 6 || s.Relations != len(r2015) {
		t.Errorf("import of the subgraph into an empty store: %+v, %v", s, err)
	}

	code, _, stderr := runExport(t, "--data", dir, "--ids", "country:united-states", "--depth", "2", "--limit", "10")
	if code != 1 || !strings.Contains(stderr, "more than 10 relations") || !strings.Contains(stderr, "raise --limit") {
		t.Errorf("over the limit: exit %d, %q", code, stderr)
	}
	code, _, stderr = runExport(t, "--data", dir, "--ids", "mission:tecro-united-states", "--as-of", "1990")
	if code != 0 || !strings.Contains(stderr, "none of mission:tecro-united-states exists as of 1990") ||
		!strings.Contains(stderr, "wrote 0 entities and 0 relations") {
		t.Errorf("an entity not yet founded: exit %d, %q", code, stderr)
	}
}

func TestExportErrors(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	tmp := t.TempDir()

	t.Run("Flags", func(t *testing.T) {
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"--format", "gexf"}, `unknown export format "gexf"`},
			{[]string{"--format", "csv"}, "csv writes two files"},
			{[]string{"--format", "csv", "--out", "graph.csv"}, "csv writes two files"},
			{[]string{"--csv-dialect", "gephi"}, "--csv-dialect is for --format csv"},
			{[]string{"--format", "csv", "--csv-dialect", "excel", "--out", tmp}, `unknown CSV dialect "excel"`},
			{[]string{"--depth", "2"}, "--depth is for a subgraph"},
			{[]string{"--limit", "5"}, "--limit is for a subgraph"},
			{[]string{"--ids", "Cuba"}, "--ids: "},
			{[]string{"--ids", "country:cuba", "--depth", "-1"}, "--depth is -1"},
			{[]string{"--ids", "country:cuba", "--limit", "0"}, "--limit is 0"},
			{[]string{"--ids", "country:cuba", "--direction", "up"}, `--direction is "up"`},
			{[]string{"--types", "friends"}, `--types: unknown relation type "friends"`},
			{[]string{"--as-of", "1990-13"}, "--as-of: date \"1990-13\""},
			{[]string{"out.jsonl"}, "unexpected arguments"},
			{[]string{"--data", ""}, "the data directory is empty"},
		} {
			code, _, stderr := runExport(t, append([]string{"--data", dir}, tc.args...)...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("%q: exit %d, %q; want 2 and %q", tc.args, code, stderr, tc.want)
			}
		}
		if code, _, stderr := runExport(t, "-h"); code != 0 || !strings.Contains(stderr, "Usage: chancery export") || !strings.Contains(stderr, "-csv-dialect") {
			t.Errorf("-h: exit %d, %q", code, stderr)
		}
	})

	t.Run("NothingLeftBehind", func(t *testing.T) {
		file := filepath.Join(tmp, "atlantis.jsonl")
		code, _, stderr := runExport(t, "--data", dir, "--ids", "country:atlantis", "--out", file)
		if code != 1 || !strings.Contains(stderr, "no entity with id country:atlantis") || strings.Contains(stderr, "not_found") {
			t.Errorf("an unknown id: exit %d, %q", code, stderr)
		}
		if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
			t.Errorf("a failed export left %v in %s", entries, tmp)
		}
		code, _, stderr = runExport(t, "--data", dir, "--out", filepath.Join(tmp, "no", "such", "dir.jsonl"))
		if code != 1 || !strings.Contains(stderr, "does not exist") {
			t.Errorf("into a missing directory: exit %d, %q", code, stderr)
		}
	})

	t.Run("ServedDirectory", func(t *testing.T) {
		p := startServe(t, nil, "--data", dir)
		code, _, stderr := runExport(t, "--data", dir, "--out", filepath.Join(tmp, "x.jsonl"))
		if code != 1 || !strings.Contains(stderr, "chancery serve") || !strings.Contains(stderr, strings.TrimSuffix(p.url, "/")) ||
			!strings.Contains(stderr, "stop that process first") {
			t.Errorf("export of a served directory: exit %d, %q; want a refusal naming the server", code, stderr)
		}
		p.stop(t)
		if code, _, stderr := runExport(t, "--data", dir, "--out", filepath.Join(tmp, "x.jsonl")); code != 0 {
			t.Errorf("once the server stopped: exit %d, %q", code, stderr)
		}
	})
}
