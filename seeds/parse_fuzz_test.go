package seeds_test

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/chancery/chancery/seeds"
)

// FuzzParse checks that Parse never panics on any YAML, that every problem
// names the file and a line, and that a file it finds no problem in is
// fit to load: each entity valid on its own, each relation with what Check
// relies on Parse to have reported (a type, both ends, sources, a period
// that does not end before it starts), and a position for every entry.
func FuzzParse(f *testing.F) {
	// The smallest real seed file (big inputs slow the fuzzer down), and
	// pieces of the format's edges.
	if b, err := fs.ReadFile(seeds.EmbeddedFS(), "taiwan-united-states.yaml"); err == nil {
		f.Add(b)
	}
	for _, s := range []string{
		"",
		"# only a comment\n",
		"entities: []\nrelations: []\n",
		"entities:\n  - id: country:atlantis\n    name: Atlantis\n    validFrom: 1900\n    validTo: 2000-02-29\n    aliases: [Atlantica]\n    attributes: {iso2: AT}\n    sources:\n      - document: Test\n        quote: Atlantis sank.\n",
		"entities:\n  - id: mission:m\n    name: M\n    missionType: embassy\n    official: false\n    sources: [{document: Test}]\n",
		"relations:\n  - type: protects\n    from: country:a\n    to: country:b\n    context: country:c\n    validFrom: 1977\n    validTo: 2015\n    sources: [{document: Test, url: 'https://example.org/', quote: q}]\n",
		"entities:\n  - id: ''\n    name: Nameless\n    sources: [{document: Test}]\n",
		"relations:\n  - type: sent-by\n    from: ''\n    to: country:b\n    sources: [{document: Test}]\n",
		"entities:\n  - id: city:x\n    name: X\n    attributes: {'': empty}\n    sources: [{document: Test}]\n",
		"entities:\n  - id: city:x\n    name: [unclosed\n",
		"entities: &a\n  - *a\n",
		"entities:\n  - &e {id: city:x, name: X, sources: [{document: Test}]}\n  - *e\n",
		"entities:\n  - <<: {id: city:x}\n",
		"relations: 3\nentities: {}\n",
		"entities:\n  - id: city:x\n    validFrom: 2000\n    validTo: 1999\n",
		"--- \n...\n---\nentities: []\n",
		"\t- bad indent",
		"entities:\n  - id: city:x\n    name: !!binary aGk=\n    sources: [{document: Test}]\n",
		"? [a, b]\n: c\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "fuzz.yaml"
		file, problems := seeds.Parse(name, data)
		if file == nil || file.Name != name {
			t.Fatalf("Parse returned file %+v", file)
		}
		for _, p := range problems {
			if p.File != name || p.Line < 0 || strings.TrimSpace(p.Message) == "" {
				t.Fatalf("problem %+v: want the file, a line >= 0 and a message", p)
			}
		}
		if len(file.EntityAt) != len(file.Entities) || len(file.RelationAt) != len(file.Relations) {
			t.Fatalf("%d entities at %d positions, %d relations at %d positions",
				len(file.Entities), len(file.EntityAt), len(file.Relations), len(file.RelationAt))
		}
		if len(problems) > 0 {
			return
		}
		for i, e := range file.Entities {
			if err := e.Validate(); err != nil {
				t.Fatalf("Parse found no problem, but entity %d (line %d) is invalid: %v", i, file.EntityAt[i].Line, err)
			}
			if file.EntityAt[i].File != name || file.EntityAt[i].Line < 1 {
				t.Fatalf("entity %s is at %+v", e.ID, file.EntityAt[i])
			}
		}
		for i, r := range file.Relations {
			if r.Type == "" || r.From == "" || r.To == "" || len(r.Sources) == 0 || r.Period.Validate() != nil {
				t.Fatalf("Parse found no problem, but relation %d (line %d) is incomplete: %+v", i, file.RelationAt[i].Line, r)
			}
			if file.RelationAt[i].File != name || file.RelationAt[i].Line < 1 {
				t.Fatalf("relation %s is at %+v", r.Describe(), file.RelationAt[i])
			}
		}
	})
}
