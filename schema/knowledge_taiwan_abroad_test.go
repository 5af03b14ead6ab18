package schema_test

import (
	"slices"
	"testing"

	"github.com/chancery/chancery/schema/schematest"
)

// TestTaiwanOfficesAbroad asks the default data about Taiwan's offices in
// Ireland, Australia, Russia, India, South Africa, the Pacific and
// Singapore, and about the bodies through which Taiwan and China deal with
// each other (seeds/taiwan-abroad.yaml), through the public API alone.
func TestTaiwanOfficesAbroad(t *testing.T) {
	s := schematest.NewServer(t)

	// representedBy returns the ids of the missions (or, where there is no
	// mission, the bodies) that represent of in in as of asOf ("" for all of
	// history), sorted, and fails unless every one of them is DE_FACTO.
	representedBy := func(t *testing.T, of, in, asOf string, include ...string) []string {
		t.Helper()
		vars := map[string]any{"of": of, "in": in, "include": "KNOWN"}
		if asOf != "" {
			vars["asOf"] = asOf
		}
		if len(include) > 0 {
			vars["include"] = include[0]
		}
		d := s.MustData(t, `query($of: ID!, $in: ID!, $asOf: Date, $include: Include) {
		  representation(of: $of, in: $in, asOf: $asOf, include: $include) { kind mission { id } via { id } } }`, vars)
		var ids []string
		for _, r := range schematest.At(d, "representation").([]any) {
			if k := schematest.At(r, "kind"); k != "DE_FACTO" {
				t.Errorf("%s in %s as of %s: kind %v, want DE_FACTO (%v)", of, in, asOf, k, r)
			}
			if id, ok := schematest.At(r, "mission", "id").(string); ok {
				ids = append(ids, id)
			} else if id, ok := schematest.At(r, "via", "id").(string); ok {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		return ids
	}

	t.Run("TaiwanInAustraliaBeforeAndAfter1991", func(t *testing.T) {
		// The Taiwan Marketing Service opened in 1988; the text dates only
		// the end (1991) of the Far East Trading Company offices, so in
		// 1990 they may have represented Taiwan, but only the Canberra
		// office is known to.
		got := representedBy(t, "country:taiwan", "country:australia", "1990")
		if want := []string{"mission:taiwan-marketing-service-canberra"}; !slices.Equal(got, want) {
			t.Errorf("known as of 1990: %v, want %v", got, want)
		}
		got = representedBy(t, "country:taiwan", "country:australia", "1990", "POSSIBLE")
		want := []string{"mission:far-east-trading-company-melbourne", "mission:far-east-trading-company-sydney", "mission:taiwan-marketing-service-canberra"}
		if !slices.Equal(got, want) {
			t.Errorf("possible as of 1990: %v, want %v", got, want)
		}
		got = representedBy(t, "country:taiwan", "country:australia", "1992")
		want = []string{"mission:teco-canberra", "mission:teco-melbourne", "mission:teco-sydney"}
		if !slices.Equal(got, want) {
			t.Errorf("as of 1992: %v, want %v", got, want)
		}
		// The Taiwan Marketing Service opened in 1988: nothing in Canberra before.
		d := s.MustData(t, `{ entity(id: "city:canberra") { relations(types: [LOCATED_IN], direction: IN, asOf: 1987) { edges { node { from { id } } } } } }`, nil)
		for _, e := range schematest.At(d, "entity", "relations", "edges").([]any) {
			if schematest.At(e, "node", "from", "id") == "mission:taiwan-marketing-service-canberra" {
				t.Errorf("the Taiwan Marketing Service is in Canberra as of 1987")
			}
		}
	})

	t.Run("MelbourneOfficeLineage", func(t *testing.T) {
		d := s.MustData(t, `{ lineage(id: "mission:far-east-trading-company-melbourne") { entity { id name ... on Mission { city { id } } } change date } }`, nil)
		steps := schematest.At(d, "lineage").([]any)
		if len(steps) != 2 ||
			schematest.At(steps[0], "entity", "name") != "Far East Trading Company" ||
			schematest.At(steps[1], "entity", "name") != "Taipei Economic and Cultural Office in Melbourne" ||
			schematest.At(steps[1], "change") != "RENAMED_FROM" || schematest.At(steps[1], "date") != "1991" {
			t.Fatalf("lineage = %v", steps)
		}
		for _, step := range steps {
			if c := schematest.At(step, "entity", "city", "id"); c != "city:melbourne" {
				t.Errorf("%v is in %v, want city:melbourne", schematest.At(step, "entity", "id"), c)
			}
		}
		d = s.MustData(t, `{ entity(id: "city:melbourne") { relations(types: [LOCATED_IN], direction: OUT) { edges { node { to { id } } } } } }`, nil)
		if to := schematest.At(d, "entity", "relations", "edges", 0, "node", "to", "id"); to != "country:australia" {
			t.Errorf("Melbourne is in %v, want Australia", to)
		}
	})

	t.Run("SingaporeOfficeRenamedIn1990", func(t *testing.T) {
		d := s.MustData(t, `{ lineage(id: "mission:taipei-representative-office-singapore") { entity { name ... on Mission { missionType official } } change date } }`, nil)
		var names, dates []string
		for _, step := range schematest.At(d, "lineage").([]any) {
			names = append(names, schematest.At(step, "entity", "name").(string))
			if schematest.At(step, "entity", "official") != false {
				t.Errorf("%v has official status", schematest.At(step, "entity", "name"))
			}
			if date, ok := schematest.At(step, "date").(string); ok {
				dates = append(dates, date)
			}
		}
		want := []string{"Trade Mission of the Republic of China", "Taipei Representative Office in Singapore"}
		if !slices.Equal(names, want) || !slices.Equal(dates, []string{"1990"}) {
			t.Errorf("lineage = %v (dates %v), want %v renamed in 1990", names, dates, want)
		}
		// "known as ... until 1990": known in 1990, possible before.
		if got := representedBy(t, "country:taiwan", "country:singapore", "1989", "POSSIBLE"); !slices.Equal(got, []string{"mission:roc-trade-mission-singapore"}) {
			t.Errorf("possible as of 1989: %v", got)
		}
		if got := representedBy(t, "country:taiwan", "country:singapore", "1989"); len(got) != 0 {
			t.Errorf("known as of 1989: %v, want nothing", got)
		}
		if got := representedBy(t, "country:taiwan", "country:singapore", "1990-01"); !slices.Contains(got, "mission:roc-trade-mission-singapore") {
			t.Errorf("known as of 1990-01: %v", got)
		}
		if got := representedBy(t, "country:taiwan", "country:singapore", "1991"); !slices.Equal(got, []string{"mission:taipei-representative-office-singapore"}) {
			t.Errorf("as of 1991: %v", got)
		}
	})

	t.Run("SearchTaipeiLiaisonOfficeFindsPretoria", func(t *testing.T) {
		d := s.MustData(t, `{ search(text: "Taipei Liaison Office", kinds: [MISSION], first: 5) {
		  entity { id ... on Mission { missionType official sender { id } city { id } } } } }`, nil)
		hit := schematest.At(d, "search", 0, "entity")
		if schematest.At(hit, "id") != "mission:taipei-liaison-office-pretoria" {
			t.Fatalf("best hit = %v", schematest.At(d, "search"))
		}
		if schematest.At(hit, "missionType") != "LIAISON_OFFICE" || schematest.At(hit, "official") != false ||
			schematest.At(hit, "sender", "id") != "country:taiwan" || schematest.At(hit, "city", "id") != "city:pretoria" {
			t.Errorf("Taipei Liaison Office = %v", hit)
		}
		if got := representedBy(t, "country:taiwan", "country:south-africa", ""); !slices.Equal(got, []string{"mission:taipei-liaison-office-pretoria"}) {
			t.Errorf("Taiwan in South Africa: %v", got)
		}
	})

	t.Run("MoscowNewDelhiAndTheirHosts", func(t *testing.T) {
		for in, want := range map[string]string{
			"country:russia": "mission:taipei-moscow-representative-office",
			"country:india":  "mission:taipei-economic-and-cultural-center-new-delhi",
		} {
			if got := representedBy(t, "country:taiwan", in, ""); !slices.Equal(got, []string{want}) {
				t.Errorf("Taiwan in %s: %v, want %s", in, got, want)
			}
		}
		// The en dash of the name is punctuation to search.
		d := s.MustData(t, `{ search(text: "Taipei-Moscow Economic and Cultural Coordination Commission", kinds: [MISSION], first: 3) { entity { id } } }`, nil)
		if id := schematest.At(d, "search", 0, "entity", "id"); id != "mission:taipei-moscow-representative-office" {
			t.Errorf("search = %v", schematest.At(d, "search"))
		}
	})

	t.Run("DublinOfficeHasNoDiplomaticStatus", func(t *testing.T) {
		d := s.MustData(t, `{ representation(of: "country:taiwan", in: "country:ireland") {
		  kind mission { name ... on Mission { official city { name } } } relations { type note } } }`, nil)
		reps := schematest.At(d, "representation").([]any)
		if len(reps) != 1 || schematest.At(reps[0], "kind") != "DE_FACTO" ||
			schematest.At(reps[0], "mission", "name") != "Taipei Representative Office in Dublin" ||
			schematest.At(reps[0], "mission", "official") != false || schematest.At(reps[0], "mission", "city", "name") != "Dublin" {
			t.Fatalf("Taiwan in Ireland: %v", reps)
		}
		if note, _ := schematest.At(reps[0], "relations", 0, "note").(string); note == "" {
			t.Errorf("the REPRESENTED_BY carries no note of the 2007 statement: %v", schematest.At(reps[0], "relations"))
		}
	})

	t.Run("PacificTradeMissionsDespiteRelationsWithBeijing", func(t *testing.T) {
		for in, want := range map[string]string{
			"country:papua-new-guinea": "mission:roc-trade-mission-papua-new-guinea",
			"country:fiji":             "mission:roc-trade-mission-fiji",
		} {
			if got := representedBy(t, "country:taiwan", in, ""); !slices.Equal(got, []string{want}) {
				t.Errorf("Taiwan in %s: %v, want %s", in, got, want)
			}
			d := s.MustData(t, `query($id: ID!) { entity(id: $id) { relations(types: [DIPLOMATIC_RELATIONS]) { edges { node { from { id } to { id } } } } } }`,
				map[string]any{"id": in})
			found := false
			for _, e := range schematest.At(d, "entity", "relations", "edges").([]any) {
				ends := []any{schematest.At(e, "node", "from", "id"), schematest.At(e, "node", "to", "id")}
				found = found || (slices.Contains(ends, any(in)) && slices.Contains(ends, any("country:china")))
			}
			if !found {
				t.Errorf("%s has no diplomatic relations with China", in)
			}
		}
	})

	t.Run("TaiwanAndChinaThroughSEFAndARATS", func(t *testing.T) {
		// Only the two bodies: the reciprocal offices were talked about in
		// 2012 and 2013 but never agreed, so neither side has a mission.
		if got := representedBy(t, "country:taiwan", "country:china", ""); !slices.Equal(got, []string{"org:straits-exchange-foundation"}) {
			t.Errorf("Taiwan in China: %v, want the SEF", got)
		}
		if got := representedBy(t, "country:china", "country:taiwan", ""); !slices.Equal(got, []string{"org:association-for-relations-across-the-taiwan-straits"}) {
			t.Errorf("China in Taiwan: %v, want ARATS", got)
		}
		for id, want := range map[string][2]string{
			"org:straits-exchange-foundation":                         {"city:taipei", "person:lin-join-sane"},
			"org:association-for-relations-across-the-taiwan-straits": {"city:beijing", "person:chen-yunlin"},
		} {
			d := s.MustData(t, `query($id: ID!) { entity(id: $id) { relations(types: [LOCATED_IN, HEADED_BY], direction: OUT) { edges { node { type role to { id } } } } } }`,
				map[string]any{"id": id})
			got := map[string]string{}
			for _, e := range schematest.At(d, "entity", "relations", "edges").([]any) {
				got[schematest.At(e, "node", "type").(string)] = schematest.At(e, "node", "to", "id").(string)
				if schematest.At(e, "node", "type") == "HEADED_BY" && schematest.At(e, "node", "role") != "chairman" {
					t.Errorf("%s: role %v", id, schematest.At(e, "node", "role"))
				}
			}
			if got["LOCATED_IN"] != want[0] || got["HEADED_BY"] != want[1] {
				t.Errorf("%s: %v, want in %s headed by %s", id, got, want[0], want[1])
			}
		}
		d := s.MustData(t, `{ search(text: "SEF", first: 5) { entity { id } } }`, nil)
		if id := schematest.At(d, "search", 0, "entity", "id"); id != "org:straits-exchange-foundation" {
			t.Errorf("search SEF = %v", schematest.At(d, "search"))
		}
	})
}
