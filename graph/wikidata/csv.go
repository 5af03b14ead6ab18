package wikidata

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/chancery/chancery/graph"
)

// The columns Read needs, by header name. The data set's files have more
// (address, phone, website, picture and its licence...), which are ignored,
// and the 2022 generation adds jurisdictions and jurisdictionQIDs.
var requiredColumns = []string{
	"operator", "operatorQID", "country", "countryQID", "city", "cityQID", "type", "QID",
}

// optionalColumns are read when the header has them.
var optionalColumns = []string{"latitude", "longitude", "creation", "jurisdictions", "jurisdictionQIDs"}

// Ref is an entity the file names: its label and its QID ("Q889"), either
// of which may be empty.
type Ref struct {
	Label string
	QID   string
}

// Row is one mission as the file gives it. QIDs are bare ("Q889"); a QID
// cell that is not a Wikidata entity URL is kept as written in the Bad*
// fields, and the row is rejected when it is mapped.
type Row struct {
	Line     int // the line the row starts on
	QID      string
	Operator Ref
	Country  Ref
	City     Ref
	// Jurisdictions are the places the mission is accredited to, in the
	// 2022 generation; nil when the file or the row has none.
	Jurisdictions []Ref
	Type          string
	Creation      string
	Latitude      string
	Longitude     string

	fields []string // the row's cells, to tell an exact repeat from a clash
	bad    string   // why the row cannot be used, found while reading it
}

// File is a whole data set file, read and checked for form.
type File struct {
	Name string
	// HasJurisdictions is true for the 2022 generation of the format.
	HasJurisdictions bool
	Rows             []*Row
}

// Read reads a file of the data set: ';'-separated, with a header row that
// names the columns, which are found by name. A malformed file (another
// delimiter, a required column missing, a row with the wrong number of
// fields, a quoted field never closed, text that is not UTF-8) is an
// EINVALID error naming the file and line, and nothing of it is returned.
// A row that is well formed but unusable (no QID, say) is returned; Plan
// rejects it with its line.
func Read(r io.Reader, name string) (*File, error) {
	cr := &csvReader{r: bufio.NewReaderSize(r, 1<<16), name: name, line: 1}
	header, _, err := cr.record()
	if errors.Is(err, io.EOF) {
		return nil, graph.Errorf(graph.EINVALID, "%s: the file is empty; it should start with a header row naming the columns", name)
	} else if err != nil {
		return nil, err
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	cols, err := checkHeader(name, header)
	if err != nil {
		return nil, err
	}
	f := &File{Name: name, HasJurisdictions: cols.has("jurisdictions")}
	width := cols.width
	for {
		fields, line, err := cr.record()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
		switch {
		case len(fields) == width:
		case len(fields) == width+1 && fields[width] == "":
			// A trailing ';', as the header has.
		default:
			return nil, graph.Errorf(graph.EINVALID, "%s:%d: the row has %d fields, but the header names %d columns (is the file cut short, or a ';' missing or extra?)",
				name, line, len(fields), width)
		}
		f.Rows = append(f.Rows, cols.row(fields[:width], line))
	}
	return f, nil
}

// columns maps the columns Read uses to their positions.
type columns struct {
	index map[string]int
	width int // how many named columns the header has
}

func (c columns) has(name string) bool { _, ok := c.index[name]; return ok }

func (c columns) get(fields []string, name string) string {
	if i, ok := c.index[name]; ok {
		return strings.TrimSpace(fields[i])
	}
	return ""
}

func checkHeader(name string, header []string) (columns, error) {
	if len(header) == 1 {
		hint := ""
		for _, d := range []string{",", "\t", "|"} {
			if strings.Contains(header[0], d) {
				hint = fmt.Sprintf(" and it contains %q", d)
				break
			}
		}
		return columns{}, graph.Errorf(graph.EINVALID, "%s:1: the header has one column%s; the data set's files are separated by ';'", name, hint)
	}
	width := len(header)
	if header[width-1] == "" {
		width-- // the data set's header ends with a ';'
	}
	c := columns{index: map[string]int{}, width: width}
	for i, h := range header[:width] {
		h = strings.TrimSpace(h)
		if h == "" {
			return c, graph.Errorf(graph.EINVALID, "%s:1: column %d of the header has no name", name, i+1)
		}
		if _, dup := c.index[h]; dup {
			return c, graph.Errorf(graph.EINVALID, "%s:1: the header names column %q twice", name, h)
		}
		c.index[h] = i
	}
	var missing []string
	for _, h := range requiredColumns {
		if !c.has(h) {
			missing = append(missing, h)
		}
	}
	if len(missing) > 0 {
		return c, graph.Errorf(graph.EINVALID, "%s:1: the header has no %s column; a diplomatic-missions file needs %s",
			name, strings.Join(quoteAll(missing), ", "), strings.Join(requiredColumns, ", "))
	}
	if c.has("jurisdictions") != c.has("jurisdictionQIDs") {
		return c, graph.Errorf(graph.EINVALID, "%s:1: the header has only one of jurisdictions and jurisdictionQIDs; give both or neither", name)
	}
	return c, nil
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// row makes a Row of a record's fields, noting what makes it unusable.
func (c columns) row(fields []string, line int) *Row {
	r := &Row{
		Line:      line,
		Type:      c.get(fields, "type"),
		Creation:  c.get(fields, "creation"),
		Latitude:  c.get(fields, "latitude"),
		Longitude: c.get(fields, "longitude"),
		fields:    fields,
	}
	var bad []string
	ref := func(label, qid string) Ref {
		l, q := c.get(fields, label), c.get(fields, qid)
		id, ok := ParseQID(q)
		if !ok && q != "" {
			bad = append(bad, fmt.Sprintf("%s %q is not a Wikidata entity URL", qid, q))
		}
		return Ref{Label: l, QID: id}
	}
	if q := c.get(fields, "QID"); q != "" {
		id, ok := ParseQID(q)
		if !ok {
			bad = append(bad, fmt.Sprintf("QID %q is not a Wikidata entity URL", q))
		}
		r.QID = id
	}
	r.Operator = ref("operator", "operatorQID")
	r.Country = ref("country", "countryQID")
	r.City = ref("city", "cityQID")
	if labels, qids := c.get(fields, "jurisdictions"), c.get(fields, "jurisdictionQIDs"); labels != "" || qids != "" {
		ls, qs := strings.Split(labels, "|"), strings.Split(qids, "|")
		if len(ls) != len(qs) {
			bad = append(bad, fmt.Sprintf("jurisdictions lists %d names but jurisdictionQIDs %d QIDs", len(ls), len(qs)))
		} else {
			for i := range ls {
				id, ok := ParseQID(strings.TrimSpace(qs[i]))
				if !ok {
					bad = append(bad, fmt.Sprintf("jurisdiction QID %q is not a Wikidata entity URL", qs[i]))
					continue
				}
				r.Jurisdictions = append(r.Jurisdictions, Ref{Label: strings.TrimSpace(ls[i]), QID: id})
			}
		}
	}
	r.bad = strings.Join(bad, "; ")
	return r
}

// ParseQID accepts a Wikidata entity URL (http://www.wikidata.org/entity/Q889,
// as the data set writes them, or https://) or a bare QID, and returns the
// bare QID "Q889".
func ParseQID(s string) (string, bool) {
	for _, p := range []string{"http://www.wikidata.org/entity/", "https://www.wikidata.org/entity/",
		"http://www.wikidata.org/wiki/", "https://www.wikidata.org/wiki/"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			s = rest
			break
		}
	}
	if len(s) < 2 || s[0] != 'Q' || s[1] == '0' {
		return "", false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	return s, true
}

// csvReader splits the data set's files into records. The files follow
// the convention of Python's csv module rather than RFC 4180 to the
// letter: a field that starts with a quote is quoted (a doubled quote
// inside stands for one, and it may span lines), while a quote inside an
// unquoted field is an ordinary character, as in the address
// `2nd & 3rd floor, "Cash Pharmacy Building", ...`.
type csvReader struct {
	r    *bufio.Reader
	name string
	line int // the line the reader is on
}

const delimiter = ';'

// record returns the fields of the next record that is not a blank line,
// and the line it starts on, or io.EOF.
func (c *csvReader) record() ([]string, int, error) {
	for {
		start := c.line
		fields, err := c.fields()
		if err != nil {
			return nil, start, err
		}
		if len(fields) == 1 && fields[0] == "" {
			continue // a blank line
		}
		for _, f := range fields {
			if !utf8.ValidString(f) {
				return nil, start, graph.Errorf(graph.EINVALID, "%s:%d: the row is not UTF-8 text", c.name, start)
			}
		}
		return fields, start, nil
	}
}

// fields reads one record, which quoted fields may spread over lines, and
// returns its fields, or io.EOF at the end of the file.
func (c *csvReader) fields() ([]string, error) {
	if _, err := c.r.Peek(1); err != nil {
		return nil, io.EOF
	}
	start := c.line
	var fields []string
	var field bytes.Buffer
	for {
		field.Reset()
		end, err := c.field(&field, start)
		if err != nil {
			return nil, err
		}
		fields = append(fields, field.String())
		switch end {
		case endOfFile: // the end of the file ends the record
			return fields, nil
		case endOfLine:
			c.line++
			return fields, nil
		}
	}
}

// fieldEnd is what ends a field.
type fieldEnd int

const (
	endOfField fieldEnd = iota // a delimiter: another field follows
	endOfLine                  // the end of the record
	endOfFile
)

// field reads one field, starting at the current byte, into field and
// says what ended it. start is the line the record starts on.
func (c *csvReader) field(field *bytes.Buffer, start int) (fieldEnd, error) {
	b, err := c.r.ReadByte()
	if err == nil && b == '"' {
		if err := c.quoted(field); err != nil {
			return 0, err
		}
		b, err = c.afterQuote()
		if err == nil && b != delimiter && b != '\n' {
			return 0, graph.Errorf(graph.EINVALID, "%s:%d: a quoted field is followed by %q; a quote inside a quoted field must be doubled", c.name, c.line, b)
		}
	} else {
		b, err = c.unquoted(field, b, err)
	}
	switch {
	case err != nil && !errors.Is(err, io.EOF):
		return 0, fmt.Errorf("read %s at line %d: %w", c.name, start, err)
	case err != nil:
		return endOfFile, nil
	case b == '\n':
		return endOfLine, nil
	}
	return endOfField, nil
}

// quoted reads the rest of a quoted field, after its opening quote, up to
// and with its closing quote, into field: a doubled quote is one.
func (c *csvReader) quoted(field *bytes.Buffer) error {
	quoteLine := c.line
	for {
		b, err := c.r.ReadByte()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return graph.Errorf(graph.EINVALID, "%s:%d: a quoted field starts on this line and is never closed (is the file cut short?)", c.name, quoteLine)
			}
			return fmt.Errorf("read %s at line %d: %w", c.name, c.line, err)
		}
		if b == '\n' {
			c.line++
		}
		if b != '"' {
			field.WriteByte(b)
			continue
		}
		next, err := c.r.Peek(1)
		if err == nil && next[0] == '"' {
			c.r.ReadByte()
			field.WriteByte('"')
			continue
		}
		return nil // the closing quote
	}
}

// afterQuote reads the byte after a closing quote, a line's end written
// \r\n as '\n'.
func (c *csvReader) afterQuote() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil && b == '\r' {
		if next, perr := c.r.Peek(1); perr == nil && next[0] == '\n' {
			b, err = c.r.ReadByte()
		}
	}
	return b, err
}

// unquoted reads into field an unquoted field whose first byte, or the
// error reading it, is b and err, up to the delimiter or the end of the
// line, without the \r of a \r\n. It returns the byte that ended the
// field, or the error that did.
func (c *csvReader) unquoted(field *bytes.Buffer, b byte, err error) (byte, error) {
	for err == nil && b != delimiter && b != '\n' {
		field.WriteByte(b)
		b, err = c.r.ReadByte()
	}
	if err == nil && b == '\n' {
		field.Truncate(len(bytes.TrimSuffix(field.Bytes(), []byte{'\r'})))
	}
	return b, err
}
