package schema_test

import (
	"slices"
	"testing"

	"github.com/chancery/chancery/schema/schematest"
)

// TestForeignOfficesInTaipei asks about the foreign offices in Taiwan of
// seeds/taiwan-foreign-offices.yaml, through the public API alone.
func TestForeignOfficesInTaipei(t *testing.T) {
	s := schematest.NewServer(t)

	// reps returns the representation of one country in Taiwan as
	// "KIND mission-id via-id" strings, sorted.
	reps := func(t *testing.T, of, asOf string) []string {
		t.Helper()
		d := s.MustData(t, `query($of: ID!, $asOf: Date) {
		  representation(of: $of, in: "country:taiwan", asOf: $asOf) { kind mission { id } via { id } } }`,
			map[string]any{"of": of, "asOf": asOf})
		var out []string
		for _, r := range schematest.At(d, "representation").([]any) {
			m, _ := schematest.At(r, "mission", "id").(string)
			v, _ := schematest.At(r, "via", "id").(string)
			out = append(out, schematest.At(r, "kind").(string)+" "+m+" "+v)
		}
		slices.Sort(out)
		return out
	}
	// possible returns, as reps does, what may have represented of in
	// Taiwan as of asOf (include: POSSIBLE), each with the holding of its
	// mission: "KIND mission-id via-id HOLDING".
	possible := func(t *testing.T, of, asOf string) []string {
		t.Helper()
		d := s.MustData(t, `query($of: ID!, $asOf: Date) {
		  representation(of: $of, in: "country:taiwan", asOf: $asOf, include: POSSIBLE) { kind mission { id holding } via { id } } }`,
			map[string]any{"of": of, "asOf": asOf})
		var out []string
		for _, r := range schematest.At(d, "representation").([]any) {
			m, _ := schematest.At(r, "mission", "id").(string)
			v, _ := schematest.At(r, "via", "id").(string)
			out = append(out, schematest.At(r, "kind").(string)+" "+m+" "+v+" "+schematest.At(r, "mission", "holding").(string))
		}
		slices.Sort(out)
		return out
	}
	// lineage returns the names, changes and dates of a body's chain, oldest first.
	lineage := func(t *testing.T, id string) (names, changes, dates []string) {
		t.Helper()
		d := s.MustData(t, `query($id: ID!) { lineage(id: $id) { entity { name } change date } }`, map[string]any{"id": id})
		for _, step := range schematest.At(d, "lineage").([]any) {
			names = append(names, schematest.At(step, "entity", "name").(string))
			c, _ := schematest.At(step, "change").(string)
			changes = append(changes, c)
			if date, ok := schematest.At(step, "date").(string); ok {
				dates = append(dates, date)
			}
		}
		return names, changes, dates
	}

	t.Run("UnitedKingdomInTaiwan", func(t *testing.T) {
		// The text dates none of the three British names. The two it puts
		// in the past are known on no day; the present one, the British
		// Office, on the day the text was taken. Any day may have seen
		// each of them; only the lineage orders them.
		if got := reps(t, "country:united-kingdom", "1990"); len(got) != 0 {
			t.Errorf("known as of 1990: %v, want nothing", got)
		}
		if got, want := possible(t, "country:united-kingdom", "1990"), []string{
			"DE_FACTO mission:anglo-taiwan-trade-committee  POSSIBLE",
			"DE_FACTO mission:british-office-taipei  POSSIBLE",
			"DE_FACTO mission:british-trade-and-cultural-office  POSSIBLE",
		}; !slices.Equal(got, want) {
			t.Errorf("possible as of 1990: %v, want %v", got, want)
		}
		if got, want := reps(t, "country:united-kingdom", "2026-11-22"), []string{"DE_FACTO mission:british-office-taipei "}; !slices.Equal(got, want) {
			t.Errorf("known as of 2026-11-22: %v, want %v", got, want)
		}
		names, changes, dates := lineage(t, "mission:british-office-taipei")
		wantNames := []string{"Anglo-Taiwan Trade Committee", "British Trade and Cultural Office", "British Office"}
		if !slices.Equal(names, wantNames) || !slices.Equal(changes, []string{"", "RENAMED_FROM", "RENAMED_FROM"}) || len(dates) != 0 {
			t.Errorf("lineage = %v %v %v, want %v renamed twice, undated", names, changes, dates, wantNames)
		}
	})

	t.Run("FrenchOfficeLineageAndCity", func(t *testing.T) {
		names, _, _ := lineage(t, "mission:french-trade-office-taipei")
		if want := []string{"French Trade Office", "French Institute", "French Office in Taipei"}; !slices.Equal(names, want) {
			t.Errorf("lineage = %v, want %v", names, want)
		}
		d := s.MustData(t, `{ entity(id: "mission:french-office-in-taipei") { ... on Mission { official missionType sender { id } city { id } } } }`, nil)
		if schematest.At(d, "entity", "official") != false || schematest.At(d, "entity", "missionType") != "REPRESENTATIVE_OFFICE" ||
			schematest.At(d, "entity", "sender", "id") != "country:france" || schematest.At(d, "entity", "city", "id") != "city:taipei" {
			t.Errorf("French Office in Taipei = %v", schematest.At(d, "entity"))
		}
	})

	t.Run("JapanTaiwanExchangeAssociationLineage", func(t *testing.T) {
		names, changes, dates := lineage(t, "mission:japan-taiwan-exchange-association")
		if !slices.Equal(names, []string{"Interchange Association, Japan", "Japan-Taiwan Exchange Association"}) ||
			!slices.Equal(changes, []string{"", "RENAMED_FROM"}) || !slices.Equal(dates, []string{"2017"}) {
			t.Errorf("lineage = %v %v %v, want the Interchange Association renamed in 2017", names, changes, dates)
		}
		if got, want := reps(t, "country:japan", "2000"), []string{
			"DE_FACTO mission:interchange-association-japan org:ministry-of-foreign-affairs-of-japan",
		}; !slices.Equal(got, want) {
			t.Errorf("Japan in Taiwan as of 2000: %v, want %v", got, want)
		}
		if got, want := reps(t, "country:japan", "2018"), []string{
			"DE_FACTO mission:japan-taiwan-exchange-association org:ministry-of-foreign-affairs-of-japan",
		}; !slices.Equal(got, want) {
			t.Errorf("Japan in Taiwan as of 2018: %v, want %v", got, want)
		}
	})

	t.Run("WhatReplacedThePhilippineEmbassy", func(t *testing.T) {
		names, changes, dates := lineage(t, "mission:embassy-of-the-philippines-in-taiwan")
		if !slices.Equal(names, []string{"Embassy of the Philippines in Taiwan", "Asian Exchange Center", "Manila Economic and Cultural Office"}) ||
			!slices.Equal(changes, []string{"", "REPLACES", "RENAMED_FROM"}) || !slices.Equal(dates, []string{"1975", "1989"}) {
			t.Errorf("lineage = %v %v %v, want the embassy replaced in 1975, renamed in 1989", names, changes, dates)
		}
		// The embassy's end is stated (1975), its start is not: it is
		// known in 1975, and only possible in 1970.
		if got := reps(t, "country:philippines", "1970"); len(got) != 0 {
			t.Errorf("Philippines in Taiwan, known as of 1970: %v, want nothing", got)
		}
		if got, want := possible(t, "country:philippines", "1970"), []string{"DIRECT mission:embassy-of-the-philippines-in-taiwan  POSSIBLE"}; !slices.Equal(got, want) {
			t.Errorf("Philippines in Taiwan, possible as of 1970: %v, want %v", got, want)
		}
		// In 1975 both hold: the text dates the change to the year, and a
		// year covers all its days.
		if got, want := reps(t, "country:philippines", "1975-01"), []string{"DE_FACTO mission:asian-exchange-center ", "DIRECT mission:embassy-of-the-philippines-in-taiwan "}; !slices.Equal(got, want) {
			t.Errorf("Philippines in Taiwan as of 1975-01: %v, want %v", got, want)
		}
		if got, want := reps(t, "country:philippines", "1980"), []string{"DE_FACTO mission:asian-exchange-center "}; !slices.Equal(got, want) {
			t.Errorf("Philippines in Taiwan as of 1980: %v, want %v", got, want)
		}
	})

	t.Run("AustraliaInTaiwan", func(t *testing.T) {
		if got := reps(t, "country:australia", "1975"); len(got) != 0 {
			t.Errorf("as of 1975: %v, want nothing (no office until 1981)", got)
		}
		if got, want := reps(t, "country:australia", "1990"), []string{
			"DE_FACTO mission:australian-commerce-and-industry-office org:australian-chamber-of-commerce",
		}; !slices.Equal(got, want) {
			t.Errorf("as of 1990: %v, want %v", got, want)
		}
		if got, want := reps(t, "country:australia", "2015"), []string{"DE_FACTO mission:australian-office-in-taipei "}; !slices.Equal(got, want) {
			t.Errorf("as of 2015: %v, want %v", got, want)
		}
	})

	t.Run("TaiwansDiplomaticPartnersLost", func(t *testing.T) {
		// partners lists Taiwan's diplomatic partners as of asOf, with
		// include, as "id HOLDING".
		partners := func(asOf, include string) []string {
			d := s.MustData(t, `query($asOf: Date, $include: Include) { entity(id: "country:taiwan") {
			  relations(types: [DIPLOMATIC_RELATIONS], asOf: $asOf, include: $include, first: 500) { edges { node { from { id } to { id } holding } } } } }`,
				map[string]any{"asOf": asOf, "include": include})
			var out []string
			for _, e := range schematest.At(d, "entity", "relations", "edges").([]any) {
				other := schematest.At(e, "node", "from", "id").(string)
				if other == "country:taiwan" {
					other = schematest.At(e, "node", "to", "id").(string)
				}
				out = append(out, other+" "+schematest.At(e, "node", "holding").(string))
			}
			slices.Sort(out)
			return out
		}
		// The text dates when each tie ended, never when it began: each is
		// known in the year it ended, and before that only possible.
		lost := map[string]string{"country:japan": "1972", "country:australia": "1972", "country:new-zealand": "1972",
			"country:philippines": "1975", "country:united-states": "1979", "country:south-korea": "1992", "country:south-africa": "1998"}
		if got := partners("1970", "KNOWN"); len(got) != 0 {
			t.Errorf("known as of 1970: Taiwan's partners %v; the text dates none of them then", got)
		}
		var want []string
		for c := range lost {
			want = append(want, c+" POSSIBLE")
		}
		slices.Sort(want)
		if got := partners("1970", "POSSIBLE"); !slices.Equal(got, want) {
			t.Errorf("possible as of 1970: Taiwan's partners %v, want %v", got, want)
		}
		for c, year := range lost {
			if got := partners(year, "KNOWN"); !slices.Contains(got, c+" KNOWN") {
				t.Errorf("as of %s, the year its ties ended, Taiwan's partners %v lack %s", year, got, c)
			}
		}
		if got := partners("1995", "POSSIBLE"); !slices.Equal(got, []string{"country:south-africa POSSIBLE"}) {
			t.Errorf("possible as of 1995: Taiwan's partners %v; want South Africa alone (ties ended 1998)", got)
		}
		if got := partners("1999", "POSSIBLE"); len(got) != 0 {
			t.Errorf("as of 1999, Taiwan's partners %v; every tie the text names had ended", got)
		}
	})

	t.Run("SingaporeAndThePRC", func(t *testing.T) {
		count := func(asOf string) float64 {
			d := s.MustData(t, `query($asOf: Date) { relations(types: [DIPLOMATIC_RELATIONS], from: "country:singapore", to: "country:china", asOf: $asOf) { totalCount } }`,
				map[string]any{"asOf": asOf})
			return schematest.At(d, "relations", "totalCount").(float64)
		}
		if n89, n91 := count("1989"), count("1991"); n89 != 0 || n91 != 1 {
			t.Errorf("Singapore-PRC relations: %v as of 1989, %v as of 1991; want 0 and 1", n89, n91)
		}
		if got, want := reps(t, "country:singapore", "1985"), []string{"DE_FACTO mission:singapore-trade-representative-office-taipei "}; !slices.Equal(got, want) {
			t.Errorf("Singapore in Taiwan as of 1985: %v, want %v", got, want)
		}
	})
}
