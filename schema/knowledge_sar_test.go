package schema_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/chancery/chancery/schema/schematest"
)

// TestSpecialAdministrativeRegions asks the default data what "De facto
// embassy" says about Hong Kong and Macau and the territories' offices in
// London (seeds/special-administrative-regions.yaml), through the API alone.
func TestSpecialAdministrativeRegions(t *testing.T) {
	s := schematest.NewServer(t)

	// ids returns the id at path inside each edge's node.
	ids := func(d map[string]any, conn []any, path ...any) []string {
		var out []string
		for _, e := range schematest.At(d, conn...).([]any) {
			if id, ok := schematest.At(e, append([]any{"node"}, path...)...).(string); ok {
				out = append(out, id)
			}
		}
		return out
	}

	t.Run("AustralianConsulateGeneralKeepsBothRenamingDates", func(t *testing.T) {
		d := s.MustData(t, `{ entity(id: "mission:consulate-general-of-australia-in-hong-kong") {
		  relations(types: [RENAMED_FROM], direction: OUT) { edges { node { validFrom to { id } sources { document quote } } } } } }`, nil)
		edges := schematest.At(d, "entity", "relations", "edges").([]any)
		quoteOf := map[string]string{}
		for _, e := range edges {
			n := schematest.At(e, "node")
			if schematest.At(n, "to", "id") != "mission:australian-commission-hong-kong" {
				t.Errorf("renamed from %v; want the Australian Commission", schematest.At(n, "to", "id"))
			}
			date, _ := schematest.At(n, "validFrom").(string)
			srcs := schematest.At(n, "sources").([]any)
			if len(srcs) != 1 || schematest.At(srcs[0], "document") != "De facto embassy" {
				t.Errorf("%s: sources %v; want one quote from De facto embassy", date, srcs)
				continue
			}
			quoteOf[date] = schematest.At(srcs[0], "quote").(string)
		}
		if len(edges) != 2 || len(quoteOf) != 2 {
			t.Fatalf("RENAMED_FROM = %v; want two, dated 1986 and 1997", edges)
		}
		if q := quoteOf["1986"]; !strings.Contains(q, "Australian Commission was renamed the consulate-general in 1986") {
			t.Errorf("1986 renaming quotes %q", q)
		}
		if q := quoteOf["1997"]; !strings.Contains(q, "became consulates-general in name in 1997") {
			t.Errorf("1997 renaming quotes %q", q)
		}
	})

	t.Run("AustralianEntitiesHaveOpenBounds", func(t *testing.T) {
		for _, id := range []string{"mission:consulate-general-of-australia-in-hong-kong", "mission:australian-commission-hong-kong"} {
			d := s.MustData(t, `query($id: ID!) { entity(id: $id) { validFrom validTo } }`, map[string]any{"id": id})
			if schematest.At(d, "entity", "validFrom") != nil || schematest.At(d, "entity", "validTo") != nil {
				t.Errorf("%s: %v; the two accounts disagree, so its bounds stay open", id, schematest.At(d, "entity"))
			}
		}
	})

	t.Run("USConsulateGeneralReportsToTheDepartmentOfState", func(t *testing.T) {
		d := s.MustData(t, `{ entity(id: "mission:consulate-general-of-the-united-states-in-hong-kong") {
		  ... on Mission { missionType }
		  relations(types: [REPORTS_TO, SENT_BY, LOCATED_IN], direction: OUT) { edges { node { type to { id name } note } } } } }`, nil)
		if schematest.At(d, "entity", "missionType") != "CONSULATE_GENERAL" {
			t.Errorf("missionType = %v", schematest.At(d, "entity", "missionType"))
		}
		got := map[string]string{}
		for _, e := range schematest.At(d, "entity", "relations", "edges").([]any) {
			got[schematest.At(e, "node", "type").(string)] = schematest.At(e, "node", "to", "id").(string)
			if schematest.At(e, "node", "type") == "REPORTS_TO" {
				if note, _ := schematest.At(e, "node", "note").(string); !strings.Contains(note, "Chief of Mission") {
					t.Errorf("REPORTS_TO note = %q; want the Consul General as Chief of Mission", note)
				}
			}
		}
		want := map[string]string{"REPORTS_TO": "org:us-department-of-state", "SENT_BY": "country:united-states", "LOCATED_IN": "territory:hong-kong"}
		for typ, to := range want {
			if got[typ] != to {
				t.Errorf("%s -> %q; want %s", typ, got[typ], to)
			}
		}
	})

	t.Run("NigeriasMissionInHongKongBeforeAndAfter1997", func(t *testing.T) {
		q := `query($asOf: Date) { entity(id: "country:nigeria") {
		  relations(types: [SENT_BY], direction: IN, asOf: $asOf) { edges { node { from { id } } } } } }`
		conn := []any{"entity", "relations", "edges"}
		commission, cg := "mission:nigerian-commission-hong-kong", "mission:consulate-general-of-nigeria-in-hong-kong"
		// The text dates the Commission's end (1997), not its start: it is
		// known in 1997, possible in 1990; the Consulate-General, from
		// 1997, is neither in 1990.
		if in1990 := ids(s.MustData(t, q, map[string]any{"asOf": "1990"}), conn, "from", "id"); slices.Contains(in1990, commission) || slices.Contains(in1990, cg) {
			t.Errorf("known as of 1990: %v; want neither", in1990)
		}
		qp := strings.Replace(q, "asOf: $asOf)", "asOf: $asOf, include: POSSIBLE)", 1)
		if in1990 := ids(s.MustData(t, qp, map[string]any{"asOf": "1990"}), conn, "from", "id"); !slices.Contains(in1990, commission) || slices.Contains(in1990, cg) {
			t.Errorf("possible as of 1990: %v; want the Commission, not the Consulate-General", in1990)
		}
		if in1997 := ids(s.MustData(t, q, map[string]any{"asOf": "1997-03"}), conn, "from", "id"); !slices.Contains(in1997, commission) {
			t.Errorf("known as of 1997-03: %v; want the Commission", in1997)
		}
		in1998 := ids(s.MustData(t, q, map[string]any{"asOf": "1998"}), conn, "from", "id")
		if slices.Contains(in1998, commission) || !slices.Contains(in1998, cg) {
			t.Errorf("as of 1998: %v; want the Consulate-General, not the Commission", in1998)
		}
		d := s.MustData(t, `{ lineage(id: "mission:consulate-general-of-nigeria-in-hong-kong") { entity { id } change date } }`, nil)
		steps := schematest.At(d, "lineage").([]any)
		if len(steps) != 2 || schematest.At(steps[0], "entity", "id") != commission || schematest.At(steps[1], "change") != "RENAMED_FROM" || schematest.At(steps[1], "date") != "1997" {
			t.Errorf("lineage = %v; want the Commission renamed in 1997", steps)
		}
	})

	t.Run("HongKongChangesSovereigntyIn1997", func(t *testing.T) {
		q := `query($asOf: Date) { entity(id: "territory:hong-kong") {
		  relations(types: [PART_OF], direction: OUT, asOf: $asOf) { edges { node { to { id } } } } } }`
		conn := []any{"entity", "relations", "edges"}
		// British administration "until 1997": known in 1997, possible
		// before, when the text gives no start.
		// In 1997 both hold: the text dates the transfer to the year.
		if got := ids(s.MustData(t, q, map[string]any{"asOf": "1997-03"}), conn, "to", "id"); !slices.Equal(got, []string{"country:china", "country:united-kingdom"}) {
			t.Errorf("part of, as of 1997-03: %v", got)
		}
		qp := strings.Replace(q, "asOf: $asOf)", "asOf: $asOf, include: POSSIBLE)", 1)
		if got := ids(s.MustData(t, qp, map[string]any{"asOf": "1990"}), conn, "to", "id"); !slices.Equal(got, []string{"country:united-kingdom"}) {
			t.Errorf("part of, possible as of 1990: %v", got)
		}
		if got := ids(s.MustData(t, q, map[string]any{"asOf": "1990"}), conn, "to", "id"); len(got) != 0 {
			t.Errorf("part of, known as of 1990: %v; the text dates only the end", got)
		}
		if got := ids(s.MustData(t, q, map[string]any{"asOf": "1998"}), conn, "to", "id"); !slices.Equal(got, []string{"country:china"}) {
			t.Errorf("part of, as of 1998: %v", got)
		}
	})

	t.Run("EconomicAndTradeOfficesWereGovernmentOffices", func(t *testing.T) {
		d := s.MustData(t, `{ lineage(id: "mission:hong-kong-economic-and-trade-offices") { entity { name } change } }`, nil)
		var names []string
		for _, step := range schematest.At(d, "lineage").([]any) {
			names = append(names, schematest.At(step, "entity", "name").(string))
		}
		if !slices.Equal(names, []string{"Hong Kong Government Offices", "Hong Kong Economic and Trade Offices"}) {
			t.Errorf("lineage = %v", names)
		}
	})

	t.Run("TerritoriesRepresentedDeFacto", func(t *testing.T) {
		cases := []struct{ of, in, mission string }{
			{"territory:bermuda", "country:united-kingdom", "mission:bermuda-house"},
			{"territory:falkland-islands", "country:united-kingdom", "mission:falkland-house"},
			{"territory:gibraltar", "country:united-kingdom", "mission:gibraltar-house"},
			{"territory:hong-kong", "country:canada", "mission:hong-kong-economic-and-trade-office-toronto"},
			{"territory:hong-kong", "country:australia", "mission:hong-kong-economic-and-trade-offices"},
			{"territory:macau", "country:belgium", "mission:macau-economic-and-trade-offices"},
			{"territory:macau", "country:portugal", "mission:macau-economic-and-trade-offices"},
		}
		for _, c := range cases {
			d := s.MustData(t, `query($of: ID!, $in: ID!) { representation(of: $of, in: $in) { kind mission { id } } }`,
				map[string]any{"of": c.of, "in": c.in})
			found := false
			for _, r := range schematest.At(d, "representation").([]any) {
				found = found || (schematest.At(r, "kind") == "DE_FACTO" && schematest.At(r, "mission", "id") == c.mission)
			}
			if !found {
				t.Errorf("%s in %s: %v; want %s, de facto", c.of, c.in, schematest.At(d, "representation"), c.mission)
			}
		}
	})
}
