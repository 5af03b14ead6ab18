package seeds_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/seeds"
)

func TestReport(t *testing.T) {
	set, problems, err := seeds.ReadFiles(func(string) ([]byte, error) {
		return []byte(`entities:
  - id: country:a
    name: A
    sources: [{document: Doc one}]
  - id: country:b
    name: B
    sources: [{document: Doc one}, {document: Doc two}]
  - id: mission:a-in-b
    name: Embassy of A in B
    missionType: embassy
    sources: [{document: Doc two}]
relations:
  - type: sent-by
    from: mission:a-in-b
    to: country:a
    validFrom: 1990
    sources: [{document: Doc two}]
  - type: accredits-to
    from: mission:a-in-b
    to: country:b
    sources: [{document: Doc two}, {document: Doc two}]
`), nil
	}, "report.yaml")
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	r := seeds.NewReport(set)
	if r.Entities != 3 || r.Relations != 2 || r.ByKind[graph.Country] != 2 || r.ByMissionType[graph.Embassy] != 1 {
		t.Errorf("counts: %+v", r)
	}
	if r.Dated != 1 || r.DatedByType[graph.SentBy] != 1 || r.DatedByType[graph.AccreditsTo] != 0 {
		t.Errorf("dated: %d, by type %v", r.Dated, r.DatedByType)
	}
	if r.BySource["Doc one"] != 2 || r.BySource["Doc two"] != 4 {
		t.Errorf("a fact citing a document twice counts once: %v", r.BySource)
	}
	var out strings.Builder
	if err := r.Write(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"3 entities, 2 relations; 50% of relations dated", "SENT_BY", "100%", "EMBASSY"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestReportTime counts what is known of the periods of a small file with
// one fact of each kind of period.
func TestReportTime(t *testing.T) {
	set, problems, err := seeds.ReadFiles(func(string) ([]byte, error) {
		return []byte(`entities:
  - id: country:listed        # open, attested on the list's date of record
    name: Listed
    sources: [{document: ISO 3166-1}]
  - id: country:dated         # both bounds stated, no attestation
    name: Dated
    validFrom: 1990
    validTo: 2000
    sources: [{document: Doc one}]
  - id: country:member        # attested by its Correlates of War row
    name: Member
    sources:
      - document: Correlates of War State System Membership List, v2016
        quote: CUB,40,Cuba,1902,5,20,1906,9,25,2016
  - id: mission:undated       # nothing dates it; its relations attest it
    name: Undated mission
    missionType: embassy
    sources: [{document: Doc one}]
  - id: mission:lonely        # nothing dates or attests it
    name: Lonely mission
    missionType: embassy
    sources: [{document: Doc one}]
  - id: mission:past          # put in the past without a date
    name: Past mission
    missionType: embassy
    attestedFrom: unknown
    sources: [{document: De facto embassy}]
relations:
  - type: sent-by             # stated start, open, no attestation
    from: mission:undated
    to: country:listed
    validFrom: 1990
    validTo: open
    sources: [{document: Doc one}]
  - type: accredits-to        # present in a document: attested
    from: mission:undated
    to: country:listed
    sources: [{document: De facto embassy}]
  - type: sent-by             # stated end only
    from: mission:past
    to: country:member
    validTo: 1979
    sources: [{document: Doc one}]
  - type: accredits-to        # nothing dates or attests it
    from: mission:past
    to: country:member
    sources: [{document: Doc one}]
`), nil
	}, "time.yaml")
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	r := seeds.NewReport(set)
	// The relations of the undated and the past mission attest them on
	// the days the relations are known (seeds.attestEnds).
	wantEntities := seeds.TimeCounts{Facts: 6,
		StartStated: 1, StartUnknown: 5,
		EndStated: 1, EndOpen: 1, EndUnknown: 4,
		Attested: 4, DatesOnly: 1, NeverKnown: 1}
	wantRelations := seeds.TimeCounts{Facts: 4,
		StartStated: 1, StartUnknown: 3,
		EndStated: 1, EndOpen: 1, EndUnknown: 2,
		Attested: 1, DatesOnly: 2, NeverKnown: 1}
	if r.EntityTime != wantEntities {
		t.Errorf("entities: %+v\nwant      %+v", r.EntityTime, wantEntities)
	}
	if r.RelationTime != wantRelations {
		t.Errorf("relations: %+v\nwant       %+v", r.RelationTime, wantRelations)
	}
	var out strings.Builder
	if err := r.Write(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"TIME                 entities  relations\n",
		"start stated                1          1\n",
		"end open                    1          1\n",
		"known on no day             1          1\n",
		"2 facts (1 entity, 1 relation) never known (no date, no attestation): only ever possible\n",
		"ENTITIES BY KIND", "FACTS BY SOURCE",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestReportTimeAddsUp checks the time counts of the embedded seeds: each
// group adds up to the number of entities or relations, and the line of
// facts never known says what the table does.
func TestReportTimeAddsUp(t *testing.T) {
	set, err := seeds.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	r := seeds.NewReport(set)
	for _, c := range []struct {
		what  string
		n     int
		times seeds.TimeCounts
	}{
		{"entities", r.Entities, r.EntityTime},
		{"relations", r.Relations, r.RelationTime},
	} {
		tc := c.times
		if tc.Facts != c.n || c.n == 0 {
			t.Errorf("%s: %d facts counted, want %d", c.what, tc.Facts, c.n)
		}
		if s := tc.StartStated + tc.StartUnknown; s != c.n {
			t.Errorf("%s: %d stated + %d unknown starts = %d, want %d", c.what, tc.StartStated, tc.StartUnknown, s, c.n)
		}
		if s := tc.EndStated + tc.EndOpen + tc.EndUnknown; s != c.n {
			t.Errorf("%s: %d stated + %d open + %d unknown ends = %d, want %d", c.what, tc.EndStated, tc.EndOpen, tc.EndUnknown, s, c.n)
		}
		if s := tc.Attested + tc.DatesOnly + tc.NeverKnown; s != c.n {
			t.Errorf("%s: %d attested + %d by dates only + %d never known = %d, want %d", c.what, tc.Attested, tc.DatesOnly, tc.NeverKnown, s, c.n)
		}
	}
	// The same counts, taken fact by fact.
	var attested, never int
	b := set.Batch()
	periods := make([]graph.Period, 0, len(b.Entities)+len(b.Relations))
	for _, e := range b.Entities {
		periods = append(periods, e.Period)
	}
	for _, rel := range b.Relations {
		periods = append(periods, rel.Period)
	}
	for _, p := range periods {
		if !p.AttestedFrom.IsZero() {
			attested++
		}
		if _, _, ok := p.KnownSpan(); !ok {
			never++
		}
	}
	if got := r.EntityTime.Attested + r.RelationTime.Attested; got != attested {
		t.Errorf("%d facts attested, a count fact by fact finds %d", got, attested)
	}
	if got := r.EntityTime.NeverKnown + r.RelationTime.NeverKnown; got != never {
		t.Errorf("%d facts never known, a count fact by fact finds %d", got, never)
	}
	var out strings.Builder
	if err := r.Write(&out); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("\n%d fact", never); !strings.Contains(out.String(), want+"s (") && !strings.Contains(out.String(), want+" (") {
		t.Errorf("report lacks the line of facts never known (%q):\n%s", want, out.String())
	}
}
