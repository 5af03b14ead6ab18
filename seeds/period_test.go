package seeds

import (
	"strings"
	"testing"
)

// TestPeriods reads each way a seed file can date a fact, and what it is
// attested on.
func TestPeriods(t *testing.T) {
	for _, tt := range []struct {
		name, fields, source string
		want                 string // From..To open? attestedFrom..attestedTo
		problem              string
	}{
		{"PresentInADocument", "", "document: De facto embassy", "?–? @2026-11-22..", ""},
		{"StatedEndIsNotAttestedLater", "validTo: 1979", "document: De facto embassy", "?–1979 @..", ""},
		{"CurrentList", "", "document: ISO 3166-1", "?– @2026-11-22..", ""},
		{"Open", "validFrom: 1990\n    validTo: open", "document: De facto embassy", "1990– @2026-11-22..", ""},
		{"GivenAttestation", "attestedFrom: 1977\n    attestedTo: 2015", "document: De facto embassy", "?–? @1977..2015", ""},
		{"PastUndated", "attestedFrom: unknown", "document: De facto embassy", "?–? @..", ""},
		{"UnknownWithATo", "attestedFrom: unknown\n    attestedTo: 2015", "document: De facto embassy", "", "attestedFrom: unknown and an attestedTo"},
		{"CorrelatesOfWar", "", "document: Correlates of War State System Membership List, v2016\n        quote: CUB,40,Cuba,1902,5,20,2016,12,31,2016", "?–? @1902-05-20..2016-12-31", ""},
		{"AttestedAfterItsEnd", "validTo: 1979\n    attestedFrom: 2000", "document: De facto embassy", "", "after its validTo"},
		{"BadOpen", "validTo: opened", "document: De facto embassy", "", "validTo"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			yaml := "entities:\n  - id: country:testland\n    name: Testland\n"
			if tt.fields != "" {
				yaml += "    " + tt.fields + "\n"
			}
			yaml += "    sources:\n      - " + tt.source + "\n"
			f, problems := Parse("t.yaml", []byte(yaml))
			if tt.problem != "" {
				if len(problems) == 0 || !strings.Contains(problems[0].Message, tt.problem) {
					t.Fatalf("problems %v; want one saying %q", problems, tt.problem)
				}
				return
			}
			if len(problems) > 0 {
				t.Fatal(problems)
			}
			p := f.Entities[0].Period
			got := p.String() + " @" + p.AttestedFrom.String() + ".." + p.AttestedTo.String()
			if got != tt.want {
				t.Errorf("period %q, want %q", got, tt.want)
			}
		})
	}
}

// TestKnownOutsideLife: a relation a document states in the present is
// attested on its date of record, which the check refuses where an end of
// the relation had ended by then; a change of name is an event on its
// date, not attested later.
func TestKnownOutsideLife(t *testing.T) {
	files := map[string]string{"t.yaml": `entities:
  - id: territory:oldland
    name: Oldland
    validFrom: 1923
    validTo: 1980
    sources:
      - document: De facto embassy
  - id: mission:oldland-house
    name: Oldland House
    missionType: other
    sources:
      - document: De facto embassy
  - id: mission:new-house
    name: New House
    missionType: other
    validFrom: 1980
    sources:
      - document: De facto embassy
relations:
  - type: sent-by
    from: mission:oldland-house
    to: territory:oldland
    sources:
      - document: De facto embassy
  - type: renamed-from
    from: mission:new-house
    to: mission:oldland-house
    validFrom: 1980
    sources:
      - document: De facto embassy
`}
	set, problems, err := ReadFiles(func(name string) ([]byte, error) { return []byte(files[name]), nil }, "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, p := range problems {
		msgs = append(msgs, p.String())
	}
	if len(problems) != 1 || problems[0].Line != 20 || !strings.Contains(problems[0].Message, "after territory:oldland ended in 1980") {
		t.Fatalf("problems %q; want one at t.yaml:20 about the sent-by known after Oldland ended", msgs)
	}
	for _, r := range set.Files[0].Relations {
		if r.Type == "RENAMED_FROM" && !r.Period.AttestedFrom.IsZero() {
			t.Errorf("the renaming is attested on %s; a change is an event on its date", r.Period.AttestedFrom)
		}
	}
}
