package schema_test

import (
	"slices"
	"testing"

	"github.com/chancery/chancery/schema/schematest"
)

// TestAnswersThroughTime holds the default data to the one definition of
// what holds on a day: the answers below were once wrong because a fact
// with no date was read as a fact of all time.
func TestAnswersThroughTime(t *testing.T) {
	s := schematest.NewServer(t)

	// kinds lists a representation's answers as "KIND mission-id".
	kinds := func(t *testing.T, query string) []string {
		t.Helper()
		var out []string
		for _, r := range schematest.At(s.MustData(t, query, nil), "representation").([]any) {
			m, _ := schematest.At(r, "mission", "id").(string)
			out = append(out, schematest.At(r, "kind").(string)+" "+m)
		}
		slices.Sort(out)
		return out
	}

	t.Run("TheRepublicOfChinasEmbassyClosedIn1979", func(t *testing.T) {
		const embassy = "DIRECT mission:embassy-of-the-republic-of-china-in-the-united-states"
		if got := kinds(t, `{ representation(of: "country:taiwan", in: "country:united-states", asOf: 2000) { kind mission { id } } }`); slices.Contains(got, embassy) {
			t.Errorf("as of 2000: %v; the embassy closed when the United States recognised the People's Republic in 1979", got)
		}
		if got := kinds(t, `{ representation(of: "country:taiwan", in: "country:united-states", asOf: 2000, include: POSSIBLE) { kind mission { id } } }`); slices.Contains(got, embassy) {
			t.Errorf("possible as of 2000: %v; its stated end rules 2000 out", got)
		}
		if got := kinds(t, `{ representation(of: "country:taiwan", in: "country:united-states", asOf: 1975) { kind mission { id } } }`); !slices.Contains(got, embassy) {
			t.Errorf("as of 1975: %v; want the embassy, which remained beside the liaison office of 1973", got)
		}
	})

	t.Run("NoCubanEmbassyInWashingtonIn1990", func(t *testing.T) {
		// Its only source speaks of the old building: nothing dates it.
		got := kinds(t, `{ representation(of: "country:cuba", in: "country:united-states", asOf: 1990) { kind mission { id } } }`)
		for _, k := range got {
			if k == "DIRECT mission:embassy-of-cuba-in-the-united-states" {
				t.Errorf("as of 1990: %v; want no Cuban embassy", got)
			}
		}
	})

	t.Run("NoProtectingPowersIn1960", func(t *testing.T) {
		d := s.MustData(t, `{ relations(types: [PROTECTS], asOf: 1960) { totalCount } }`, nil)
		if n := schematest.At(d, "relations", "totalCount"); n != float64(0) {
			t.Errorf("PROTECTS known as of 1960: %v; the documents date none so early", n)
		}
		// Switzerland's protection of the United States in Cuba is dated
		// 1977-2015, which rules 1960 out; Poland's in Iraq is dated by
		// nothing, so it may have held, and says so.
		d = s.MustData(t, `{ relations(types: [PROTECTS], asOf: 1960, include: POSSIBLE) { edges { node { from { id } context { id } holding } } } }`, nil)
		var poland bool
		for _, e := range schematest.At(d, "relations", "edges").([]any) {
			from, in := schematest.At(e, "node", "from", "id"), schematest.At(e, "node", "context", "id")
			if from == "country:switzerland" && in == "country:cuba" {
				t.Errorf("Switzerland protecting the United States in Cuba may have held in 1960; its stated start (1977) rules it out")
			}
			if h := schematest.At(e, "node", "holding"); h != "POSSIBLE" {
				t.Errorf("%v in %v as of 1960: holding %v, want POSSIBLE", from, in, h)
			}
			poland = poland || from == "country:poland" && in == "country:iraq"
		}
		if !poland {
			t.Errorf("possible as of 1960: %v; want Poland's protection of the United States in Iraq, which nothing dates", schematest.At(d, "relations", "edges"))
		}
	})

	t.Run("NoHostEndedBefore1990", func(t *testing.T) {
		// Southern Rhodesia ended in 1980: in 1990 no count, total or
		// listing has it, and over all history it is there.
		d := s.MustData(t, `{
		  in1990: count(groupBy: HOST, asOf: 1990, limit: 500) { key count }
		  ever: count(groupBy: HOST, limit: 500) { key count }
		  listed: relations(to: "territory:southern-rhodesia", asOf: 1990) { totalCount }
		  listedEver: relations(to: "territory:southern-rhodesia") { totalCount } }`, nil)
		has := func(bs any) bool {
			return slices.ContainsFunc(bs.([]any), func(b any) bool { return schematest.At(b, "key") == "territory:southern-rhodesia" })
		}
		if has(schematest.At(d, "in1990")) || schematest.At(d, "listed", "totalCount") != float64(0) {
			t.Errorf("as of 1990 Southern Rhodesia hosts %v missions and %v relations lead to it; it ended in 1980", schematest.At(d, "in1990"), schematest.At(d, "listed", "totalCount"))
		}
		if !has(schematest.At(d, "ever")) || schematest.At(d, "listedEver", "totalCount") == float64(0) {
			t.Errorf("over all history Southern Rhodesia hosts nothing: %v", schematest.At(d, "ever"))
		}
	})

	t.Run("ConflictingRenamingsAreBothShown", func(t *testing.T) {
		d := s.MustData(t, `{ lineage(id: "mission:australian-commission-hong-kong") {
		  entity { id } date conflicting relation { validFrom sources { quote } } conflicts { validFrom sources { quote } } } }`, nil)
		steps := schematest.At(d, "lineage").([]any)
		if len(steps) != 2 {
			t.Fatalf("lineage = %v; want the Commission and the Consulate-General", steps)
		}
		step := steps[1]
		dates := []any{schematest.At(step, "relation", "validFrom")}
		for _, c := range schematest.At(step, "conflicts").([]any) {
			dates = append(dates, schematest.At(c, "validFrom"))
			if len(schematest.At(c, "sources").([]any)) == 0 {
				t.Errorf("a conflicting account has no source: %v", c)
			}
		}
		if schematest.At(step, "conflicting") != true || !slices.Contains(dates, any("1986")) || !slices.Contains(dates, any("1997")) {
			t.Errorf("the renaming: %v; want both the 1986 and the 1997 account, marked as conflicting", step)
		}
		if schematest.At(steps[0], "conflicting") != false {
			t.Errorf("the first entry is marked conflicting: %v", steps[0])
		}
	})

	t.Run("BoundsSayWhatIsKnown", func(t *testing.T) {
		d := s.MustData(t, `{
		  cuba: entity(id: "country:cuba") { start { kind date } end { kind date } attestedFrom holding(asOf: 1902) }
		  usint: entity(id: "mission:us-interests-section-havana") { start { kind date } end { kind date } validFrom validTo holding(asOf: 1990) }
		  lonely: entity(id: "mission:embassy-of-cuba-in-the-united-states") { start { kind } end { kind } attestedFrom holding(asOf: 2026) } }`, nil)
		for _, c := range []struct {
			path []any
			want any
		}{
			// A state the Correlates of War list attests from 1902-05-20,
			// and ISO 3166-1 lists today: unknown start, open end.
			{[]any{"cuba", "start", "kind"}, "UNKNOWN"},
			{[]any{"cuba", "end", "kind"}, "OPEN"},
			{[]any{"cuba", "attestedFrom"}, "1902-05-20"},
			{[]any{"cuba", "holding"}, "POSSIBLE"}, // 1902 means 1902-01-01
			// Dated by its sentence: "From 1977 to 2015".
			{[]any{"usint", "start", "kind"}, "STATED"},
			{[]any{"usint", "start", "date"}, "1977"},
			{[]any{"usint", "end", "kind"}, "STATED"},
			{[]any{"usint", "end", "date"}, "2015"},
			{[]any{"usint", "validFrom"}, "1977"},
			{[]any{"usint", "holding"}, "KNOWN"},
			// Put in the past, undated: known on no day.
			{[]any{"lonely", "start", "kind"}, "UNKNOWN"},
			{[]any{"lonely", "end", "kind"}, "UNKNOWN"},
			{[]any{"lonely", "attestedFrom"}, nil},
			{[]any{"lonely", "holding"}, "POSSIBLE"},
		} {
			if got := schematest.At(d, c.path...); got != c.want {
				t.Errorf("%v = %v, want %v", c.path, got, c.want)
			}
		}
	})
}
