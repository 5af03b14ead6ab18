package seeds_test

import (
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
