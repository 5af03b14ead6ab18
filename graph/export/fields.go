package export

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/chancery/chancery/graph"
)

// reservedNames are property names an entity attribute may not take as
// they are: the fields every format writes, and names that Gephi or Neo4j
// give a meaning of their own (a GraphML key called "size" or "x" becomes
// Gephi's node size or position). They are compared without case, as
// Gephi's spreadsheet import does.
var reservedNames = map[string]bool{
	"id": true, "label": true, "name": true, "kind": true, "aliases": true,
	"validfrom": true, "validto": true, "firstday": true, "lastday": true,
	"missiontype": true, "official": true, "sources": true, "type": true,
	"x": true, "y": true, "z": true, "xpos": true, "ypos": true, "size": true,
	"r": true, "g": true, "b": true, "weight": true,
}

// attributeNames returns the property name of each attribute key: the key
// itself, passed through clean, or "attr_" and the key if that would clash
// with a reserved name or an earlier attribute (compared without case),
// with a number added if even that is taken.
func attributeNames(keys []string, clean func(string) string) []string {
	used := map[string]bool{}
	out := make([]string, len(keys))
	for i, k := range keys {
		name := clean(k)
		low := strings.ToLower(name)
		if reservedNames[low] || used[low] {
			name = "attr_" + name
			low = strings.ToLower(name)
		}
		for n := 2; used[low]; n++ {
			name = clean(k) + "_" + strconv.Itoa(n)
			low = strings.ToLower(name)
		}
		used[low] = true
		out[i] = name
	}
	return out
}

// asIs leaves an attribute key as it is: GraphML escapes what it must.
func asIs(s string) string { return s }

// csvName keeps letters, digits, '_', '.' and '-' of an attribute key and
// turns anything else into '_', so that the key survives Neo4j's
// name:type header syntax and needs no quoting in Cypher beyond what '.'
// and '-' need.
func csvName(s string) string {
	b := []byte(s)
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'
		if !ok {
			b[i] = '_'
		}
	}
	return string(b)
}

// jsonText encodes v as compact JSON without HTML escaping.
func jsonText(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // strings and sources always encode
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// aliasesJSON is the aliases as a JSON array, "" when there are none.
func aliasesJSON(aliases []string) string {
	if len(aliases) == 0 {
		return ""
	}
	return jsonText(aliases)
}

// sourcesJSON is the sources as a JSON array of objects with the fields
// document, url and quote (url and quote left out when empty).
func sourcesJSON(sources []graph.Source) string {
	if len(sources) == 0 {
		return ""
	}
	return jsonText(sources)
}

// firstDay is the ISO date of the first day d covers: 1994 gives
// 1994-01-01. The zero Date gives "".
func firstDay(d graph.Date) string {
	s := d.String()
	switch d.Precision() {
	case graph.YearOnly:
		return s + "-01-01"
	case graph.YearMonth:
		return s + "-01"
	}
	return s
}

// lastDay is the ISO date of the last day d covers: 1994 gives 1994-12-31
// and 1996-02 gives 1996-02-29. The zero Date gives "".
func lastDay(d graph.Date) string {
	s := d.String()
	switch d.Precision() {
	case graph.YearOnly:
		return s + "-12-31"
	case graph.YearMonth:
		y, _ := strconv.Atoi(s[:4])
		m, _ := strconv.Atoi(s[5:7])
		return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	}
	return s
}

// officialText is "true" or "false" for a mission, "" for other entities,
// which have no official status.
func officialText(e *graph.Entity) string {
	if e.Kind != graph.Mission {
		return ""
	}
	return strconv.FormatBool(e.Official)
}
