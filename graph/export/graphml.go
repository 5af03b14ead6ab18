package export

import (
	"bufio"
	"encoding/xml"
	"io"
	"strconv"

	"github.com/chancery/chancery/graph"
)

// graphmlKey declares one GraphML attribute.
type graphmlKey struct {
	id, domain, name, typ string
}

// The keys every GraphML export declares. Their ids are chosen for the
// readers: Gephi takes a node key with the id "label" for the node's label
// and an edge key "edgelabel" for the edge's, so the entity's name and the
// relation's type show in the drawing, while NetworkX and yEd name each
// value after attr.name. No other id or attr.name is one Gephi reads as a
// size, colour or position.
var (
	nodeKeys = []graphmlKey{
		{"label", "node", "name", "string"},
		{"n_kind", "node", "kind", "string"},
		{"n_aliases", "node", "aliases", "string"},
		{"n_validFrom", "node", "validFrom", "string"},
		{"n_validTo", "node", "validTo", "string"},
		{"n_firstDay", "node", "firstDay", "string"},
		{"n_lastDay", "node", "lastDay", "string"},
		{"n_missionType", "node", "missionType", "string"},
		{"n_official", "node", "official", "boolean"},
		{"n_sources", "node", "sources", "string"},
	}
	edgeKeys = []graphmlKey{
		{"edgelabel", "edge", "type", "string"},
		{"e_context", "edge", "context", "string"},
		{"e_validFrom", "edge", "validFrom", "string"},
		{"e_validTo", "edge", "validTo", "string"},
		{"e_firstDay", "edge", "firstDay", "string"},
		{"e_lastDay", "edge", "lastDay", "string"},
		{"e_role", "edge", "role", "string"},
		{"e_note", "edge", "note", "string"},
		{"e_sources", "edge", "sources", "string"},
	}
)

const graphmlHeader = `<?xml version="1.0" encoding="UTF-8"?>
<!-- Chancery graph export. Nodes are entities, edges relations, directed
     from -> to; DIPLOMATIC_RELATIONS is symmetric, stored once with its
     ends in id order. aliases is a JSON array of strings; sources a JSON
     array of objects with document, url and quote. validFrom and validTo
     are ISO 8601 dates at the precision known (1977, 1994-09); firstDay and
     lastDay the days the period starts and ends on. An empty value is
     left out. -->
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">
`

// graphmlWriter writes one GraphML document.
type graphmlWriter struct {
	w          *bufio.Writer
	attributes []string // keys of entity attributes, in key order
	err        error
}

// NewGraphML returns a Writer of one GraphML document to w and writes its
// head: a <key> for every field and for each entity attribute key in
// attributes (see AttributeKeys), named after the key, or "attr_" and the
// key if a field has its name. Names and values are XML-escaped; characters
// XML 1.0 cannot carry at all (control characters other than tab and line
// breaks) become U+FFFD. Edges are directed from a relation's from to its
// to.
func NewGraphML(w io.Writer, attributes []string) (Writer, error) {
	g := &graphmlWriter{w: bufio.NewWriterSize(w, 1<<16), attributes: attributes}
	g.str(graphmlHeader)
	keys := append([]graphmlKey{}, nodeKeys...)
	for i, name := range attributeNames(attributes, asIs) {
		keys = append(keys, graphmlKey{"a" + strconv.Itoa(i), "node", name, "string"})
	}
	for _, k := range append(keys, edgeKeys...) {
		g.str(`  <key id="`)
		g.esc(k.id)
		g.str(`" for="` + k.domain + `" attr.name="`)
		g.esc(k.name)
		g.str(`" attr.type="` + k.typ + "\"/>\n")
	}
	g.str(`  <graph id="chancery" edgedefault="directed">` + "\n")
	return g, g.err
}

// Entity writes a <node>.
func (g *graphmlWriter) Entity(e *graph.Entity) error {
	g.str(`    <node id="`)
	g.esc(string(e.ID))
	g.str("\">\n")
	g.data("label", e.Name)
	g.data("n_kind", string(e.Kind))
	g.data("n_aliases", aliasesJSON(e.Aliases))
	g.data("n_validFrom", e.Period.From.String())
	g.data("n_validTo", e.Period.To.String())
	g.data("n_firstDay", firstDay(e.Period.From))
	g.data("n_lastDay", lastDay(e.Period.To))
	g.data("n_missionType", string(e.MissionType))
	g.data("n_official", officialText(e))
	for i, k := range g.attributes {
		g.data("a"+strconv.Itoa(i), e.Attributes[k])
	}
	g.data("n_sources", sourcesJSON(e.Sources))
	g.str("    </node>\n")
	return g.err
}

// Relation writes an <edge>.
func (g *graphmlWriter) Relation(r *graph.Relation) error {
	g.str(`    <edge id="`)
	g.esc(r.ID)
	g.str(`" source="`)
	g.esc(string(r.From))
	g.str(`" target="`)
	g.esc(string(r.To))
	g.str("\">\n")
	g.data("edgelabel", string(r.Type))
	g.data("e_context", string(r.Context))
	g.data("e_validFrom", r.Period.From.String())
	g.data("e_validTo", r.Period.To.String())
	g.data("e_firstDay", firstDay(r.Period.From))
	g.data("e_lastDay", lastDay(r.Period.To))
	g.data("e_role", r.Role)
	g.data("e_note", r.Note)
	g.data("e_sources", sourcesJSON(r.Sources))
	g.str("    </edge>\n")
	return g.err
}

// Close ends the document and flushes it.
func (g *graphmlWriter) Close() error {
	g.str("  </graph>\n</graphml>\n")
	if g.err != nil {
		return g.err
	}
	return g.w.Flush()
}

// data writes a <data> element, or nothing for an empty value.
func (g *graphmlWriter) data(key, value string) {
	if value == "" {
		return
	}
	g.str(`      <data key="` + key + `">`)
	g.esc(value)
	g.str("</data>\n")
}

func (g *graphmlWriter) str(s string) {
	if g.err == nil {
		_, g.err = g.w.WriteString(s)
	}
}

// esc writes s escaped for XML text or a quoted attribute value.
func (g *graphmlWriter) esc(s string) {
	if g.err == nil {
		g.err = xml.EscapeText(g.w, []byte(s))
	}
}
