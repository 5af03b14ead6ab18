package seeds

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/chancery/chancery/graph"
)

// Position is where a fact was written.
type Position struct {
	File string
	Line int
}

func (p Position) String() string {
	if p.Line == 0 {
		return p.File
	}
	return p.File + ":" + strconv.Itoa(p.Line)
}

// Problem is one thing wrong with the seed files, with where it is.
type Problem struct {
	Position
	Message string
}

func (p Problem) String() string { return p.Position.String() + ": " + p.Message }

// File is the parsed content of one seed file.
type File struct {
	Name      string
	Entities  []*graph.Entity
	Relations []*graph.Relation
	// EntityAt and RelationAt give where each entity and relation was written,
	// index for index.
	EntityAt   []Position
	RelationAt []Position
}

var (
	topFields      = []string{"entities", "relations"}
	entityFields   = []string{"id", "name", "aliases", "validFrom", "validTo", "attestedFrom", "attestedTo", "missionType", "official", "attributes", "note", "sources"}
	relationFields = []string{"type", "from", "to", "context", "validFrom", "validTo", "attestedFrom", "attestedTo", "role", "note", "sources"}
	sourceFields   = []string{"document", "url", "quote"}
)

// Parse reads one seed file. It returns what it could read and every problem
// it found, each with its line.
func Parse(name string, data []byte) (*File, []Problem) {
	p := &parser{file: &File{Name: name}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return p.file, []Problem{{Position{name, yamlErrorLine(err)}, "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}}
	}
	if len(doc.Content) == 0 {
		return p.file, nil // an empty file
	}
	top := p.fields(doc.Content[0], "the file", topFields)
	for _, n := range p.list(top["entities"], "entities") {
		p.entity(n)
	}
	for _, n := range p.list(top["relations"], "relations") {
		p.relation(n)
	}
	return p.file, p.problems
}

// yamlErrorLine finds the line number in a YAML syntax error, 0 if none.
func yamlErrorLine(err error) int {
	s := err.Error()
	if i := strings.Index(s, "line "); i >= 0 {
		rest := s[i+5:]
		end := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
		if end < 0 {
			end = len(rest)
		}
		n, _ := strconv.Atoi(rest[:end])
		return n
	}
	return 0
}

type parser struct {
	file     *File
	problems []Problem
}

func (p *parser) problem(n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	p.problems = append(p.problems, Problem{Position{p.file.Name, line}, fmt.Sprintf(format, args...)})
}

// fields reads a mapping, reporting keys that are unknown or repeated.
func (p *parser) fields(n *yaml.Node, what string, allowed []string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n.Kind != yaml.MappingNode {
		p.problem(n, "%s should be a mapping of fields (%s)", what, strings.Join(allowed, ", "))
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case !slices.Contains(allowed, k.Value):
			p.problem(k, "%s has unknown field %q; the fields are %s", what, k.Value, strings.Join(allowed, ", "))
		case out[k.Value] != nil:
			p.problem(k, "%s has field %q twice", what, k.Value)
		default:
			out[k.Value] = v
		}
	}
	return out
}

func (p *parser) list(n *yaml.Node, what string) []*yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.problem(n, "%s should be a list", what)
		return nil
	}
	return n.Content
}

func (p *parser) str(n *yaml.Node, what string) string {
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		p.problem(n, "%s should be a single value", what)
		return ""
	}
	return strings.TrimSpace(n.Value)
}

func (p *parser) required(fields map[string]*yaml.Node, parent *yaml.Node, name, what string) string {
	n := fields[name]
	if n == nil {
		p.problem(parent, "%s has no %s", what, name)
		return ""
	}
	s := p.str(n, what+" field "+name)
	if s == "" {
		p.problem(n, "%s has an empty %s", what, name)
	}
	return s
}

func (p *parser) id(n *yaml.Node, what string) graph.ID {
	s := p.str(n, what)
	if s == "" {
		if n != nil && n.Kind == yaml.ScalarNode {
			p.problem(n, "%s is empty; ids look like %q", what, "country:united-states")
		}
		return ""
	}
	id, err := graph.ParseID(s)
	if err != nil {
		p.problem(n, "%s: %s", what, graph.ErrorMessage(err))
	}
	return id
}

func (p *parser) date(n *yaml.Node, what string) graph.Date {
	s := p.str(n, what)
	if s == "" {
		return graph.Date{}
	}
	d, err := graph.ParseDate(s)
	if err != nil {
		p.problem(n, "%s: %s", what, graph.ErrorMessage(err))
	}
	return d
}

// period reads a fact's period: validFrom, validTo (a date, or "open" for
// a fact that still holds), attestedFrom (a date, or "unknown") and
// attestedTo. A bound left out is unknown. Unless the file gives the
// attested dates itself, a fact
// without a stated end is attested on the date of record of each
// document it cites that has one, and is open if one of them is a
// current list (see Document); the file gives them where the document puts
// the fact in the past. A change of name or status (event: renamed-from,
// upgraded-from, downgraded-from, replaces) is dated by the day it took
// effect, not attested on the documents' dates of record: the body it
// leads from had ended by then.
func (p *parser) period(fields map[string]*yaml.Node, parent *yaml.Node, what string, sources []graph.Source, event bool) graph.Period {
	// attestedFrom: unknown says the documents give no day the fact held
	// on (they put it in the past, undated): it is not attested on their
	// date of record either.
	unattested := false
	if a := fields["attestedFrom"]; a != nil && a.Kind == yaml.ScalarNode && strings.TrimSpace(a.Value) == "unknown" {
		unattested = true
		if fields["attestedTo"] != nil {
			p.problem(fields["attestedTo"], "%s has attestedFrom: unknown and an attestedTo; give both dates, or unknown alone", what)
		}
	}
	per := graph.Period{From: p.date(fields["validFrom"], what+" validFrom")}
	if !unattested {
		per.AttestedFrom = p.date(fields["attestedFrom"], what+" attestedFrom")
		per.AttestedTo = p.date(fields["attestedTo"], what+" attestedTo")
	}
	if to := fields["validTo"]; to != nil && to.Kind == yaml.ScalarNode && strings.TrimSpace(to.Value) == "open" {
		per.Open = true
	} else {
		per.To = p.date(to, what+" validTo")
	}
	if fields["attestedFrom"] == nil && fields["attestedTo"] == nil && per.To.IsZero() && !event {
		for _, s := range sources {
			if d, ok := document(s.Document); ok {
				per.Attest(d.Recorded)
				per.Open = per.Open || d.Current
			}
			if from, to, ok := cowAttestation(s); ok {
				per.Attest(from)
				per.Attest(to)
			}
		}
	}
	if err := per.Validate(); err != nil {
		at := fields["validFrom"]
		if at == nil {
			at = parent
		}
		p.problem(at, "%s: %s", what, graph.ErrorMessage(err))
	}
	return per
}

// cowDocument is the Correlates of War state list, whose rows the seeds
// quote whole.
const cowDocument = "Correlates of War State System Membership List, v2016"

// cowAttestation reads the days a Correlates of War row attests a state
// was a member of the state system, from its start to its end date:
// "GDR,265,German Democratic Republic,1954,3,25,1990,10,2,2016".
func cowAttestation(s graph.Source) (from, to graph.Date, ok bool) {
	if s.Document != cowDocument {
		return from, to, false
	}
	f := strings.Split(s.Quote, ",")
	if len(f) != 10 {
		return from, to, false
	}
	date := func(y, m, d string) (graph.Date, bool) {
		v, err := graph.ParseDate(fmt.Sprintf("%04s-%02s-%02s", y, m, d))
		return v, err == nil
	}
	from, ok1 := date(f[3], f[4], f[5])
	to, ok2 := date(f[6], f[7], f[8])
	return from, to, ok1 && ok2
}

func (p *parser) strings(n *yaml.Node, what string) []string {
	var out []string
	for _, item := range p.list(n, what) {
		if s := p.str(item, what); s != "" {
			out = append(out, s)
		} else {
			p.problem(item, "%s has an empty entry", what)
		}
	}
	return out
}

func (p *parser) sources(fields map[string]*yaml.Node, parent *yaml.Node, what string) []graph.Source {
	n := fields["sources"]
	if n == nil {
		p.problem(parent, "%s has no sources; every fact must cite the document and sentence that state it", what)
		return nil
	}
	var out []graph.Source
	for _, item := range p.list(n, what+" sources") {
		f := p.fields(item, what+" source", sourceFields)
		s := graph.Source{
			Document: p.required(f, item, "document", what+" source"),
			URL:      p.str(f["url"], what+" source url"),
			Quote:    p.str(f["quote"], what+" source quote"),
		}
		if s.URL == "" {
			s.URL = documentURL(s.Document)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		p.problem(n, "%s has an empty list of sources", what)
	}
	return out
}

func (p *parser) entity(n *yaml.Node) {
	f := p.fields(n, "entity", entityFields)
	id := p.id(f["id"], "entity id")
	what := "entity " + string(id)
	if f["id"] == nil {
		p.problem(n, "entity has no id")
		what = "entity"
	}
	e := &graph.Entity{
		ID:      id,
		Kind:    id.Kind(),
		Name:    p.required(f, n, "name", what),
		Aliases: p.strings(f["aliases"], what+" aliases"),
		Note:    p.str(f["note"], what+" note"),
		Sources: p.sources(f, n, what),
	}
	e.Period = p.period(f, n, what, e.Sources, false)
	if mt := f["missionType"]; mt != nil {
		t, err := graph.ParseMissionType(p.str(mt, what+" missionType"))
		if err != nil {
			p.problem(mt, "%s: %s", what, graph.ErrorMessage(err))
		}
		e.MissionType = t
		e.Official = t.OfficialByDefault()
	}
	if e.Kind == graph.Mission && f["missionType"] == nil {
		p.problem(n, "%s is a mission but has no missionType", what)
	}
	if e.Kind != graph.Mission && (f["missionType"] != nil || f["official"] != nil) {
		p.problem(n, "%s is a %s; only missions have missionType and official", what, e.Kind)
	}
	if o := f["official"]; o != nil {
		switch v := p.str(o, what+" official"); v {
		case "true":
			e.Official = true
		case "false":
			e.Official = false
		default:
			p.problem(o, "%s official is %q; write true or false", what, v)
		}
	}
	if a := f["attributes"]; a != nil {
		if a.Kind != yaml.MappingNode {
			p.problem(a, "%s attributes should be a mapping of names to values", what)
		} else {
			e.Attributes = map[string]string{}
			for i := 0; i+1 < len(a.Content); i += 2 {
				k := a.Content[i]
				if k.Kind != yaml.ScalarNode || strings.TrimSpace(k.Value) == "" {
					p.problem(k, "%s has an attribute without a name", what)
					continue
				}
				e.Attributes[k.Value] = p.str(a.Content[i+1], what+" attribute "+k.Value)
			}
		}
	}
	p.file.Entities = append(p.file.Entities, e)
	p.file.EntityAt = append(p.file.EntityAt, Position{p.file.Name, n.Line})
}

func (p *parser) relation(n *yaml.Node) {
	f := p.fields(n, "relation", relationFields)
	r := &graph.Relation{}
	if tn := f["type"]; tn == nil {
		p.problem(n, "relation has no type")
	} else {
		t, err := graph.ParseRelationType(p.str(tn, "relation type"))
		if err != nil {
			p.problem(tn, "relation: %s", graph.ErrorMessage(err))
		}
		r.Type = t
	}
	r.From, r.To = p.id(f["from"], "relation from"), p.id(f["to"], "relation to")
	for _, end := range []string{"from", "to"} {
		if f[end] == nil {
			p.problem(n, "relation has no %q", end)
		}
	}
	r.Context = p.id(f["context"], "relation context")
	what := "relation " + r.DescribeKebab()
	r.Role = p.str(f["role"], what+" role")
	r.Note = p.str(f["note"], what+" note")
	r.Sources = p.sources(f, n, what)
	r.Period = p.period(f, n, what, r.Sources, slices.Contains(graph.LineageTypes, r.Type))
	p.file.Relations = append(p.file.Relations, r)
	p.file.RelationAt = append(p.file.RelationAt, Position{p.file.Name, n.Line})
}
