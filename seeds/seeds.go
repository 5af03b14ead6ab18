// Package seeds holds Chancery's curated knowledge base as YAML files, and
// reads and checks them. The files are embedded in the binary; a new data
// directory is filled from them on first start.
//
// See README.md in this directory for the format.
package seeds

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/chancery/chancery/graph"
)

//go:embed *.yaml
var embedded embed.FS

// Document is a source text that curated facts cite.
type Document struct {
	Title string
	URL   string
	// Recorded is the document's date of record: the day its text was
	// taken into this project. What the text states as present is known to
	// hold on that day (see attest).
	Recorded graph.Date
	// Current marks a list that is kept up to date, such as ISO 3166-1:
	// what it lists still holds, so a fact it lists with no stated end is
	// open.
	Current bool
}

// recorded is the day the seed documents and data sets were taken into the
// project; their texts say what held then.
var recorded = graph.MustDate("2026-11-22")

// Documents are the documents the seeds cite that have a date of record.
// A source that names one of them gets its URL filled in when the seed
// file leaves it out, and the facts it states are attested on its date of
// record. The Wikipedia articles cited for one former state's dates, and
// the Correlates of War list (whose rows attest their own dates, see
// cowAttestation), have none: they describe the past.
var Documents = []Document{
	{Title: "Diplomatic mission", URL: "https://en.wikipedia.org/wiki/Diplomatic_mission", Recorded: recorded},
	{Title: "De facto embassy", URL: "https://en.wikipedia.org/wiki/De_facto_embassy", Recorded: recorded},
	{Title: "What is a Permanent Mission?", Recorded: recorded},
	{Title: "ISO 3166-1", URL: "https://www.iso.org/iso-3166-country-codes.html", Recorded: recorded, Current: true},
	{Title: "country-codes data set", URL: "https://github.com/datasets/country-codes", Recorded: recorded, Current: true},
}

// document returns the registered document with the given title.
func document(title string) (Document, bool) {
	for _, d := range Documents {
		if d.Title == title {
			return d, true
		}
	}
	return Document{}, false
}

func documentURL(title string) string {
	d, _ := document(title)
	return d.URL
}

// Set is every fact of a group of seed files, with where each was written.
type Set struct {
	Files []*File
	// Label identifies the content: the same files give the same label.
	Label string
}

// Batch returns all entities and relations of the set, ready to write.
func (s *Set) Batch() *graph.Batch {
	b := &graph.Batch{}
	for _, f := range s.Files {
		b.Entities = append(b.Entities, f.Entities...)
		b.Relations = append(b.Relations, f.Relations...)
	}
	return b
}

// ReadFS reads every *.yaml file at the top of fsys, in name order, and
// returns the set with every problem found in the files and across them.
func ReadFS(fsys fs.FS) (*Set, []Problem, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, nil, err
	}
	slices.Sort(names)
	return read(names, func(name string) ([]byte, error) { return fs.ReadFile(fsys, name) })
}

// ReadFiles reads the named seed files.
func ReadFiles(readFile func(string) ([]byte, error), names ...string) (*Set, []Problem, error) {
	return read(names, readFile)
}

func read(names []string, readFile func(string) ([]byte, error)) (*Set, []Problem, error) {
	set := &Set{}
	var problems []Problem
	h := sha256.New()
	for _, name := range names {
		data, err := readFile(name)
		if err != nil {
			return nil, nil, fmt.Errorf("read seed file %s: %w", name, err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path.Base(name), len(data))
		h.Write(data)
		f, ps := Parse(name, data)
		set.Files = append(set.Files, f)
		problems = append(problems, ps...)
	}
	set.Label = "seeds-" + hex.EncodeToString(h.Sum(nil)[:8])
	problems = append(problems, Check(set)...)
	attestEnds(set)
	slices.SortStableFunc(problems, func(a, b Problem) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	return set, problems, nil
}

// Embedded returns the seed files built into the binary. They are checked in
// CI, so a problem here is a build error, reported as one.
func Embedded() (*Set, error) {
	set, problems, err := ReadFS(embedded)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("the embedded seeds have %d problems (run chancery check), the first: %s", len(problems), problems[0])
	}
	return set, nil
}

// EmbeddedFS gives the embedded seed files, for the checker.
func EmbeddedFS() fs.FS { return embedded }

// Items reads the entities and then the relations of a parsed file one at a
// time, as store.Import takes them; Errorf names the file and line of the
// item read last.
type Items struct {
	f  *File
	i  int
	at Position
}

// Items returns a reader of the file's entities and relations.
func (f *File) Items() *Items { return &Items{f: f} }

// Next returns the next entity or relation, or io.EOF after the last.
func (it *Items) Next() (*graph.Entity, *graph.Relation, error) {
	f := it.f
	switch i := it.i; {
	case i < len(f.Entities):
		it.i, it.at = i+1, f.EntityAt[i]
		return f.Entities[i], nil, nil
	case i < len(f.Entities)+len(f.Relations):
		j := i - len(f.Entities)
		it.i, it.at = i+1, f.RelationAt[j]
		return nil, f.Relations[j], nil
	}
	return nil, nil, io.EOF
}

// Errorf returns an EINVALID error about the item read last.
func (it *Items) Errorf(format string, args ...any) error {
	return graph.Errorf(graph.EINVALID, "%s: %s", it.at, fmt.Sprintf(format, args...))
}

// attestEnds attests each entity on the days a relation that joins it is
// known to hold by its own period: a source that puts a mission in Havana
// from 1977 to 2015 attests that Havana was there then. Only the
// relation's own dates and attestations count, not those it has from
// other entities, so nothing is inferred from an inference. An entity
// whose stated life the relation's days fall outside of is left as it is
// (the check reports the relation).
func attestEnds(set *Set) {
	entities := map[graph.ID]*graph.Entity{}
	for _, f := range set.Files {
		for _, e := range f.Entities {
			entities[e.ID] = e
		}
	}
	type days struct{ first, last uint32 }
	seen := map[graph.ID][]days{}
	for _, f := range set.Files {
		for _, r := range f.Relations {
			lo, hi, ok := r.Period.KnownSpan()
			if !ok {
				continue
			}
			if hi == graph.Forever {
				hi = lo // an open relation attests its ends from its start
			}
			for _, id := range [3]graph.ID{r.From, r.To, r.Context} {
				if id != "" {
					seen[id] = append(seen[id], days{lo, hi})
				}
			}
		}
	}
	for id, spans := range seen {
		e := entities[id]
		if e == nil {
			continue
		}
		p := e.Period
		for _, d := range spans {
			p.Attest(dayDate(d.first))
			p.Attest(dayDate(d.last))
		}
		if p.Validate() == nil {
			e.Period = p
		}
	}
}

// dayDate is the full date of a day number.
func dayDate(n uint32) graph.Date {
	y, m, d := graph.CivilOfDay(n)
	return graph.MustDate(fmt.Sprintf("%04d-%02d-%02d", y, m, d))
}
