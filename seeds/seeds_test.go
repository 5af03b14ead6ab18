package seeds_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/seeds"
)

func TestEmbeddedSeedsAreClean(t *testing.T) {
	set, problems, err := seeds.ReadFS(seeds.EmbeddedFS())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	b := set.Batch()
	if len(b.Entities) == 0 || len(b.Relations) == 0 {
		t.Fatalf("the embedded seeds are empty: %d entities, %d relations", len(b.Entities), len(b.Relations))
	}
}

// seedDocuments maps each seed document's title to its file in
// documents/.
var seedDocuments = map[string]string{
	"Diplomatic mission":           "diplomatic-mission.txt",
	"What is a Permanent Mission?": "what-is-a-permanent-mission.txt",
	"De facto embassy":             "de-facto-embassy.txt",
}

var (
	space  = regexp.MustCompile(`\s+`)
	markup = regexp.MustCompile(`</?(strong|em|b|i)>`)
)

// normalize makes the comparison of a quote with its document blind to
// whitespace and to the inline HTML emphasis one of the documents carries,
// so quotes are clean sentences.
func normalize(s string) string {
	return strings.TrimSpace(space.ReplaceAllString(markup.ReplaceAllString(s, ""), " "))
}

// TestQuotesOccurInTheirDocuments holds every curated fact to the text it
// cites: a quote must occur, whitespace aside, in the document it names.
func TestQuotesOccurInTheirDocuments(t *testing.T) {
	texts := map[string]string{}
	for title, file := range seedDocuments {
		b, err := os.ReadFile(filepath.Join("documents", file))
		if err != nil {
			t.Fatalf("read seed document %q: %v", title, err)
		}
		texts[title] = normalize(string(b))
	}
	set, _, err := seeds.ReadFS(seeds.EmbeddedFS())
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	check := func(what string, at seeds.Position, sources []graph.Source) {
		for _, s := range sources {
			text, isSeedDoc := texts[s.Document]
			if !isSeedDoc {
				continue
			}
			if s.Quote == "" {
				t.Errorf("%s: %s cites %q without the sentence that states it", at, what, s.Document)
				continue
			}
			if !strings.Contains(text, normalize(s.Quote)) {
				t.Errorf("%s: %s quotes text that is not in %q: %q", at, what, s.Document, s.Quote)
			}
			checked++
		}
	}
	for _, f := range set.Files {
		for i, e := range f.Entities {
			check("entity "+string(e.ID), f.EntityAt[i], e.Sources)
		}
		for i, r := range f.Relations {
			check(r.Describe(), f.RelationAt[i], r.Sources)
		}
	}
	if checked == 0 {
		t.Fatal("no quote was checked")
	}
}

func TestParseReportsProblemsWithLines(t *testing.T) {
	const file = `entities:
  - id: country:atlantis
    name: Atlantis
    sources:
      - document: Test
  - id: Country:Nowhere
    name: Nowhere
    sources: [{document: Test}]
  - id: mission:m
    name: M
    missionType: embassy
    vaildFrom: 1990
    sources: [{document: Test}]
  - id: mission:n
    name: N
    missionType: spaceport
    validFrom: 1990-13
    sources: [{document: Test}]
  - id: country:atlantis
    name: Atlantis again
    sources: [{document: Test}]
  - id: city:nosource
    name: No Source
relations:
  - type: sent-by
    from: country:atlantis
    to: mission:m
    sources: [{document: Test}]
  - type: sent-by
    from: mission:m
    to: country:lemuria
    sources: [{document: Test}]
  - type: located-in
    from: mission:m
    to: city:nosource
    validFrom: 2000
    validTo: 1999
    sources: [{document: Test}]
  - type: renamed-from
    from: mission:m
    to: mission:n
    sources: [{document: Test}]
  - type: renamed-from
    from: mission:n
    to: mission:m
    sources: [{document: Test}]
  - type: accredits-to
    from: mission:m
    to: country:atlantis
    sources: [{document: Test}]
  - type: accredits-to
    from: mission:m
    to: country:atlantis
    sources: [{document: Other}]
`
	_, problems, err := seeds.ReadFiles(func(string) ([]byte, error) { return []byte(file), nil }, "bad.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		line int
		text string
	}{
		{6, `unknown kind prefix "Country"`},
		{12, `unknown field "vaildFrom"`},
		{16, `unknown mission type "spaceport"`},
		{17, "month 13"},
		{19, "already defined at bad.yaml:2"},
		{22, "no sources"},
		{25, "must be one of MISSION"},
		{29, "country:lemuria, which does not exist"},
		{36, "validFrom 2000 is after validTo 1999"},
		{43, "renamed-from loops"},
		{51, "already stated at bad.yaml:47"},
	}
	if len(problems) != len(want) {
		t.Errorf("%d problems, want %d: each problem reported once", len(problems), len(want))
	}
	got := make([]string, len(problems))
	for i, p := range problems {
		got[i] = p.String()
	}
	for _, w := range want {
		found := false
		for _, p := range problems {
			if p.File == "bad.yaml" && p.Line == w.line && strings.Contains(p.Message, w.text) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem at line %d mentioning %q; got:\n%s", w.line, w.text, strings.Join(got, "\n"))
		}
	}
}

func TestParseRejectsBrokenYAML(t *testing.T) {
	_, problems, err := seeds.ReadFiles(func(string) ([]byte, error) {
		return []byte("entities:\n  - id: city:x\n    name: [unclosed\n"), nil
	}, "broken.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || problems[0].Line == 0 || !strings.Contains(problems[0].Message, "not valid YAML") {
		t.Fatalf("problems = %v, want one YAML error with a line", problems)
	}
}

func TestCheckFindsRelationsOutsideTheLifeOfTheirEnds(t *testing.T) {
	const file = `entities:
  - id: mission:new-name
    name: New Name
    missionType: representative-office
    validFrom: 1994-09
    sources: [{document: Test}]
  - id: mission:old-name
    name: Old Name
    missionType: representative-office
    validFrom: 1979
    validTo: 1994-09
    sources: [{document: Test}]
relations:
  - type: renamed-from
    from: mission:new-name
    to: mission:old-name
    validFrom: 1992
    sources: [{document: Test}]
  - type: renamed-from
    from: mission:new-name
    to: mission:old-name
    validFrom: 1994-09
    sources: [{document: Test}]
`
	_, problems, err := seeds.ReadFiles(func(string) ([]byte, error) { return []byte(file), nil }, "life.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || problems[0].Line != 14 || !strings.Contains(problems[0].Message, "mission:new-name") {
		t.Errorf("problems = %v, want one at line 14: the renaming in 1992 predates the new name (1994-09)", problems)
	}
}
