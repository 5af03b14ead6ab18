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
