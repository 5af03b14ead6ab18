package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/graph/export"
)

// awkward is an entity whose every text needs quoting or escaping
// somewhere.
var awkward = &graph.Entity{
	ID:      "org:awkward",
	Kind:    graph.Organisation,
	Name:    "Office of \"Quotes\", Commas & <Angles>\nsecond line",
	Aliases: []string{"A, B", `say "hi"`},
	Period:  graph.Period{From: graph.MustDate("1994-09"), To: graph.MustDate("1996-02")},
	Attributes: map[string]string{
		"iso2": "QQ", "size": "large", "seat, city": "Bern",
	},
	Sources: []graph.Source{{Document: "Test & fixture", Quote: `a "quoted", sentence`}},
}

var mission = &graph.Entity{
	ID: "mission:m", Kind: graph.Mission, Name: "M", MissionType: graph.MissionType("EMBASSY"), Official: true,
	Sources: []graph.Source{{Document: "D", URL: "https://example.org/d"}},
}

var relations = []*graph.Relation{
	{ID: "rel:aaaaaaaaaaaaaaaa", Type: graph.Protects, From: "country:ch", To: "country:us", Context: "country:cu",
		Period: graph.Period{From: graph.MustDate("1977"), To: graph.MustDate("2015")},
		Note:   "note, with \"quotes\"\nand a line break", Sources: []graph.Source{{Document: "D"}}},
	{ID: "rel:bbbbbbbbbbbbbbbb", Type: graph.DiplomaticRelations, From: "country:ch", To: "country:cu",
		Role: "r", Sources: []graph.Source{{Document: "D"}}},
}

func write(t *testing.T, w export.Writer, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []*graph.Entity{awkward, mission} {
		if err := w.Entity(e); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range relations {
		if err := w.Relation(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

var keys = []string{"iso2", "seat, city", "size"}

// checkCSV writes the fixture as CSV in dialect, with keys, and fails the
// test unless the nodes and relationships files are wantNodes and
// wantRels. It returns the nodes file, to be read back.
func checkCSV(t *testing.T, dialect export.Dialect, wantNodes, wantRels string) *bytes.Buffer {
	t.Helper()
	var nodes, rels bytes.Buffer
	w, err := export.NewCSV(&nodes, &rels, dialect, keys)
	write(t, w, err)
	if nodes.String() != wantNodes {
		t.Errorf("nodes:\n%s\nwant:\n%s", nodes.String(), wantNodes)
	}
	if rels.String() != wantRels {
		t.Errorf("relationships:\n%s\nwant:\n%s", rels.String(), wantRels)
	}
	return &nodes
}

func TestCSV(t *testing.T) {
	t.Run("Neo4j", func(t *testing.T) {
		const wantNodes = `id:ID,:LABEL,name,kind,aliases:string[],validFrom,validTo,firstDay:date,lastDay:date,missionType,official:boolean,iso2,seat__city,attr_size,sources
org:awkward,Entity;Organisation,"Office of ""Quotes"", Commas & <Angles>
second line",ORGANISATION,"A, B;say ""hi""",1994-09,1996-02,1994-09-01,1996-02-29,,,QQ,Bern,large,"[{""document"":""Test & fixture"",""quote"":""a \""quoted\"", sentence""}]"
mission:m,Entity;Mission,M,MISSION,,,,,,EMBASSY,true,,,,"[{""document"":""D"",""url"":""https://example.org/d""}]"
`
		const wantRels = `:START_ID,:END_ID,:TYPE,id,context,validFrom,validTo,firstDay:date,lastDay:date,role,note,sources
country:ch,country:us,PROTECTS,rel:aaaaaaaaaaaaaaaa,country:cu,1977,2015,1977-01-01,2015-12-31,,"note, with ""quotes""
and a line break","[{""document"":""D""}]"
country:ch,country:cu,DIPLOMATIC_RELATIONS,rel:bbbbbbbbbbbbbbbb,,,,,,r,,"[{""document"":""D""}]"
`
		nodes := checkCSV(t, export.Neo4j, wantNodes, wantRels)
		// What a CSV reader gets back is what was written.
		rows, err := csv.NewReader(nodes).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if rows[1][2] != awkward.Name || rows[1][4] != "A, B;say \"hi\"" {
			t.Errorf("read back %q and %q", rows[1][2], rows[1][4])
		}
	})

	t.Run("Gephi", func(t *testing.T) {
		const wantNodes = `Id,Label,kind,aliases,validFrom,validTo,firstDay,lastDay,missionType,official,iso2,seat__city,attr_size,sources
org:awkward,"Office of ""Quotes"", Commas & <Angles>
second line",ORGANISATION,"[""A, B"",""say \""hi\""""]",1994-09,1996-02,1994-09-01,1996-02-29,,,QQ,Bern,large,"[{""document"":""Test & fixture"",""quote"":""a \""quoted\"", sentence""}]"
mission:m,M,MISSION,,,,,,EMBASSY,true,,,,"[{""document"":""D"",""url"":""https://example.org/d""}]"
`
		const wantRels = `Source,Target,Type,Kind,Id,Label,context,validFrom,validTo,firstDay,lastDay,role,note,sources
country:ch,country:us,Directed,PROTECTS,rel:aaaaaaaaaaaaaaaa,PROTECTS,country:cu,1977,2015,1977-01-01,2015-12-31,,"note, with ""quotes""
and a line break","[{""document"":""D""}]"
country:ch,country:cu,Undirected,DIPLOMATIC_RELATIONS,rel:bbbbbbbbbbbbbbbb,DIPLOMATIC_RELATIONS,,,,,,r,,"[{""document"":""D""}]"
`
		nodes := checkCSV(t, export.Gephi, wantNodes, wantRels)
		rows, err := csv.NewReader(nodes).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var aliases []string
		if err := json.Unmarshal([]byte(rows[1][3]), &aliases); err != nil || strings.Join(aliases, "|") != `A, B|say "hi"` {
			t.Errorf("aliases read back as %q (%v)", aliases, err)
		}
	})

	t.Run("Neo4jArrayDelimiter", func(t *testing.T) {
		var nodes, rels bytes.Buffer
		w, err := export.NewCSV(&nodes, &rels, export.Neo4j, nil)
		if err != nil {
			t.Fatal(err)
		}
		e := *mission
		e.Aliases = []string{"a; b"}
		if err := w.Entity(&e); err == nil || !strings.Contains(err.Error(), `"a; b"`) {
			t.Errorf("an alias holding ';' in the neo4j dialect: %v", err)
		}
	})

	t.Run("UnknownDialect", func(t *testing.T) {
		if _, err := export.NewCSV(&bytes.Buffer{}, &bytes.Buffer{}, "excel", nil); err == nil {
			t.Error("no error for an unknown dialect")
		}
	})
}

// graphml is what the tests read back of a GraphML document.
type graphml struct {
	XMLName xml.Name `xml:"http://graphml.graphdrawing.org/xmlns graphml"`
	Keys    []struct {
		ID   string `xml:"id,attr"`
		For  string `xml:"for,attr"`
		Name string `xml:"attr.name,attr"`
		Type string `xml:"attr.type,attr"`
	} `xml:"key"`
	Graph struct {
		EdgeDefault string `xml:"edgedefault,attr"`
		Nodes       []struct {
			ID   string     `xml:"id,attr"`
			Data []xmlDatum `xml:"data"`
		} `xml:"node"`
		Edges []struct {
			ID     string     `xml:"id,attr"`
			Source string     `xml:"source,attr"`
			Target string     `xml:"target,attr"`
			Data   []xmlDatum `xml:"data"`
		} `xml:"edge"`
	} `xml:"graph"`
}

type xmlDatum struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

// values maps each datum to its key's attr.name, checking that the key is
// declared for the right domain.
func (g *graphml) values(t *testing.T, domain string, data []xmlDatum) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, d := range data {
		found := false
		for _, k := range g.Keys {
			if k.ID == d.Key {
				found = true
				if k.For != domain {
					t.Errorf("key %s is for %s, but a %s uses it", k.ID, k.For, domain)
				}
				out[k.Name] = d.Value
			}
		}
		if !found {
			t.Errorf("data with the undeclared key %q", d.Key)
		}
	}
	return out
}

func TestGraphML(t *testing.T) {
	var buf bytes.Buffer
	w, err := export.NewGraphML(&buf, keys)
	write(t, w, err)
	var g graphml
	if err := xml.Unmarshal(buf.Bytes(), &g); err != nil {
		t.Fatalf("not XML: %v\n%s", err, buf.String())
	}
	ids, names := map[string]bool{}, map[string]bool{}
	for _, k := range g.Keys {
		if ids[k.ID] {
			t.Errorf("key id %s declared twice", k.ID)
		}
		ids[k.ID] = true
		if names[k.For+" "+k.Name] {
			t.Errorf("%s attribute %s declared twice", k.For, k.Name)
		}
		names[k.For+" "+k.Name] = true
		if k.Type != "string" && k.Type != "boolean" {
			t.Errorf("key %s has attr.type %q", k.ID, k.Type)
		}
	}
	if g.Graph.EdgeDefault != "directed" || len(g.Graph.Nodes) != 2 || len(g.Graph.Edges) != 2 {
		t.Fatalf("edgedefault %q, %d nodes, %d edges", g.Graph.EdgeDefault, len(g.Graph.Nodes), len(g.Graph.Edges))
	}

	n := g.Graph.Nodes[0]
	got := g.values(t, "node", n.Data)
	want := map[string]string{
		"name": awkward.Name, "kind": "ORGANISATION", "aliases": `["A, B","say \"hi\""]`,
		"validFrom": "1994-09", "validTo": "1996-02", "firstDay": "1994-09-01", "lastDay": "1996-02-29",
		"iso2": "QQ", "seat, city": "Bern", "attr_size": "large",
		"sources": `[{"document":"Test & fixture","quote":"a \"quoted\", sentence"}]`,
	}
	if n.ID != "org:awkward" || !equalMaps(got, want) {
		t.Errorf("node %s: %q\nwant %q", n.ID, got, want)
	}
	if got := g.values(t, "node", g.Graph.Nodes[1].Data); got["official"] != "true" || got["missionType"] != "EMBASSY" {
		t.Errorf("mission: %q", got)
	}

	e := g.Graph.Edges[0]
	got = g.values(t, "edge", e.Data)
	want = map[string]string{
		"type": "PROTECTS", "context": "country:cu", "validFrom": "1977", "validTo": "2015",
		"firstDay": "1977-01-01", "lastDay": "2015-12-31", "note": relations[0].Note, "sources": `[{"document":"D"}]`,
	}
	if e.ID != "rel:aaaaaaaaaaaaaaaa" || e.Source != "country:ch" || e.Target != "country:us" || !equalMaps(got, want) {
		t.Errorf("edge %s %s->%s: %q\nwant %q", e.ID, e.Source, e.Target, got, want)
	}
	// Gephi takes the key ids "label" and "edgelabel" for labels.
	if !strings.Contains(buf.String(), `<data key="label">Office of &#34;Quotes&#34;, Commas &amp; &lt;Angles&gt;&#xA;second line</data>`) ||
		!strings.Contains(buf.String(), `<data key="edgelabel">PROTECTS</data>`) {
		t.Errorf("labels are not where Gephi looks for them:\n%s", buf.String())
	}
}

func TestGraphMLInvalidCharacters(t *testing.T) {
	var buf bytes.Buffer
	w, err := export.NewGraphML(&buf, []string{"odd\x01key"})
	if err != nil {
		t.Fatal(err)
	}
	e := *mission
	e.Name = "bell\x07"
	e.Attributes = map[string]string{"odd\x01key": "v"}
	if err := w.Entity(&e); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var g graphml
	if err := xml.Unmarshal(buf.Bytes(), &g); err != nil {
		t.Fatalf("a control character made the document unreadable: %v", err)
	}
	if got := g.values(t, "node", g.Graph.Nodes[0].Data); got["name"] != "bell\uFFFD" || got["odd\uFFFDkey"] != "v" {
		t.Errorf("read back %q", got)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
