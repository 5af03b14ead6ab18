package export

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/chancery/chancery/graph"
)

// Dialect is the flavour of CSV header an export writes: Neo4j's import and
// Gephi's spreadsheet import each give meaning to column names the other
// does not understand (Neo4j wants "id:ID" and ":START_ID", Gephi "Id" and
// "Source", and Gephi reads an edge column "Type" as the edge's direction),
// so no one header serves both.
type Dialect string

// The CSV dialects.
const (
	// Neo4j writes the header neo4j-admin database import reads: id:ID and
	// :LABEL for nodes, :START_ID, :END_ID and :TYPE for relationships,
	// and typed property columns (aliases:string[], official:boolean,
	// firstDay:date, lastDay:date). Arrays use ';', Neo4j's default array
	// delimiter.
	Neo4j Dialect = "neo4j"
	// Gephi writes the columns Gephi's spreadsheet import recognises: Id
	// and Label for nodes; Source, Target, Type (Directed, or Undirected
	// for a symmetric relation), Kind (the relation type, which Gephi keeps
	// apart for parallel edges), Id and Label for edges. Other columns
	// become attributes.
	Gephi Dialect = "gephi"
)

// ParseDialect accepts a dialect name in any case.
func ParseDialect(s string) (Dialect, error) {
	d := Dialect(strings.ToLower(strings.TrimSpace(s)))
	if d != Neo4j && d != Gephi {
		return "", graph.Errorf(graph.EINVALID, "unknown CSV dialect %q; use neo4j or gephi", s)
	}
	return d, nil
}

// arrayDelimiter separates the elements of an array in Neo4j's CSV.
const arrayDelimiter = ";"

// csvWriter writes nodes and relationships as two CSV files.
type csvWriter struct {
	dialect     Dialect
	nodes, rels *csv.Writer
	attributes  []string // keys, in column order
	row         []string
}

// NewCSV returns a Writer of entities to nodes and relations to
// relationships in the given dialect, and writes both headers. attributes
// are the entity attribute keys to give columns to (see AttributeKeys);
// each column is named after its key, with characters other than letters,
// digits, '_', '.' and '-' turned into '_', and "attr_" in front if the
// name is taken by a column of the format.
//
// Every row has every column; an empty field is left unquoted, which both
// tools read as no value. Fields with commas, quotes or line breaks are
// quoted as RFC 4180 says (Neo4j needs --multiline-fields=true for the
// line breaks).
func NewCSV(nodes, relationships io.Writer, dialect Dialect, attributes []string) (Writer, error) {
	if _, err := ParseDialect(string(dialect)); err != nil {
		return nil, err
	}
	w := &csvWriter{dialect: dialect, nodes: csv.NewWriter(nodes), rels: csv.NewWriter(relationships), attributes: attributes}
	names := attributeNames(attributes, csvName)
	var nodeHeader, relHeader []string
	if dialect == Neo4j {
		nodeHeader = []string{"id:ID", ":LABEL", "name", "kind", "aliases:string[]", "validFrom", "validTo",
			"firstDay:date", "lastDay:date", "missionType", "official:boolean"}
		relHeader = []string{":START_ID", ":END_ID", ":TYPE", "id", "context", "validFrom", "validTo",
			"firstDay:date", "lastDay:date", "role", "note", "sources"}
	} else {
		nodeHeader = []string{"Id", "Label", "kind", "aliases", "validFrom", "validTo",
			"firstDay", "lastDay", "missionType", "official"}
		relHeader = []string{"Source", "Target", "Type", "Kind", "Id", "Label", "context", "validFrom", "validTo",
			"firstDay", "lastDay", "role", "note", "sources"}
	}
	nodeHeader = append(append(nodeHeader, names...), "sources")
	if err := w.nodes.Write(nodeHeader); err != nil {
		return nil, err
	}
	if err := w.rels.Write(relHeader); err != nil {
		return nil, err
	}
	return w, nil
}

// Entity writes a node row.
func (w *csvWriter) Entity(e *graph.Entity) error {
	row := w.row[:0]
	if w.dialect == Neo4j {
		for _, a := range e.Aliases {
			if strings.Contains(a, arrayDelimiter) {
				return graph.Errorf(graph.EINVALID, "entity %s has the alias %q, which holds %q, the array delimiter of Neo4j's import; the neo4j CSV dialect cannot write it",
					e.ID, a, arrayDelimiter)
			}
		}
		row = append(row, string(e.ID), "Entity"+arrayDelimiter+label(e.Kind), e.Name, string(e.Kind),
			strings.Join(e.Aliases, arrayDelimiter))
	} else {
		row = append(row, string(e.ID), e.Name, string(e.Kind), aliasesJSON(e.Aliases))
	}
	row = append(row, e.Period.From.String(), e.Period.To.String(), firstDay(e.Period.From), lastDay(e.Period.To),
		string(e.MissionType), officialText(e))
	for _, k := range w.attributes {
		row = append(row, e.Attributes[k])
	}
	row = append(row, sourcesJSON(e.Sources))
	w.row = row
	return w.nodes.Write(row)
}

// Relation writes a relationship row.
func (w *csvWriter) Relation(r *graph.Relation) error {
	row := w.row[:0]
	if w.dialect == Neo4j {
		row = append(row, string(r.From), string(r.To), string(r.Type), r.ID)
	} else {
		direction := "Directed"
		if r.Type.Symmetric() {
			direction = "Undirected"
		}
		row = append(row, string(r.From), string(r.To), direction, string(r.Type), r.ID, string(r.Type))
	}
	row = append(row, string(r.Context), r.Period.From.String(), r.Period.To.String(),
		firstDay(r.Period.From), lastDay(r.Period.To), r.Role, r.Note, sourcesJSON(r.Sources))
	w.row = row
	return w.rels.Write(row)
}

// Close flushes both files.
func (w *csvWriter) Close() error {
	w.nodes.Flush()
	w.rels.Flush()
	if err := w.nodes.Error(); err != nil {
		return err
	}
	return w.rels.Error()
}

// label is the Neo4j label of a kind: COUNTRY is Country.
func label(k graph.Kind) string {
	s := strings.ToLower(string(k))
	return strings.ToUpper(s[:1]) + s[1:]
}
