package schema_test

import (
	"slices"
	"testing"

	"github.com/chancery/chancery/schema/schematest"
)

// TestAnalystQuestions asks the default data the questions an analyst
// brings, each through the public API alone.
func TestAnalystQuestions(t *testing.T) {
	s := schematest.NewServer(t)

	t.Run("WhoProtectedUSInterestsInIraqAfter1991", func(t *testing.T) {
		// The text says Poland became the protecting power when Iraq and
		// the United States broke relations over the Gulf War, and gives
		// no year: Poland may have protected them in 1992, and nothing
		// shows it did.
		d := s.MustData(t, `{ representation(of: "country:united-states", in: "country:iraq", asOf: 1992) { kind } }`, nil)
		if reps := schematest.At(d, "representation").([]any); len(reps) != 0 {
			t.Errorf("known as of 1992: %v; want nothing, as the text dates none of it", reps)
		}
		d = s.MustData(t, `{ representation(of: "country:united-states", in: "country:iraq", asOf: 1992, include: POSSIBLE) {
		  kind via { id } mission { name holding } relations { type holding } } }`, nil)
		found := false
		for _, r := range schematest.At(d, "representation").([]any) {
			if schematest.At(r, "kind") == "PROTECTING_POWER" && schematest.At(r, "via", "id") == "country:poland" {
				found = true
				if schematest.At(r, "mission", "holding") != "POSSIBLE" {
					t.Errorf("the interests section is %v as of 1992, want POSSIBLE", schematest.At(r, "mission", "holding"))
				}
				for _, rel := range schematest.At(r, "relations").([]any) {
					if schematest.At(rel, "type") == "PROTECTS" && schematest.At(rel, "holding") != "POSSIBLE" {
						t.Errorf("Poland's protection is %v as of 1992, want POSSIBLE", schematest.At(rel, "holding"))
					}
				}
			}
		}
		if !found {
			t.Errorf("representation = %v; want Poland as possible protecting power", schematest.At(d, "representation"))
		}
	})

	t.Run("TaiwansOfficeInJapanBeforeMay1992", func(t *testing.T) {
		d := s.MustData(t, `{ representation(of: "country:taiwan", in: "country:japan", asOf: "1992-04") { mission { name aliases } } }`, nil)
		reps := schematest.At(d, "representation").([]any)
		if len(reps) != 1 || schematest.At(reps[0], "mission", "name") != "Association of East Asian Relations" {
			t.Errorf("as of 1992-04: %v", reps)
		}
		// In May 1992 itself both names hold: the text dates the change to
		// the month, and a period covers the whole of its last month.
		d = s.MustData(t, `{ representation(of: "country:taiwan", in: "country:japan", asOf: "1992-06") { mission { id } } }`, nil)
		if reps := schematest.At(d, "representation").([]any); len(reps) != 1 || schematest.At(reps[0], "mission", "id") != "mission:tecro-japan" {
			t.Errorf("as of 1992-06: %v", reps)
		}
	})

	t.Run("NamesOfTaiwansOfficeInMacauInOrder", func(t *testing.T) {
		d := s.MustData(t, `{ lineage(id: "mission:teco-macau") { entity { name } change date } }`, nil)
		var names, dates []string
		for _, step := range schematest.At(d, "lineage").([]any) {
			names = append(names, schematest.At(step, "entity", "name").(string))
			if date, ok := schematest.At(step, "date").(string); ok {
				dates = append(dates, date)
			}
		}
		want := []string{"Taipei Trade and Tourism Office", "Taipei Trade and Cultural Office", "Taipei Economic and Cultural Office in Macau"}
		if !slices.Equal(names, want) || !slices.Equal(dates, []string{"1999", "2012-05"}) {
			t.Errorf("lineage = %v (dates %v), want %v renamed in 1999 and 2012-05", names, dates, want)
		}
	})
}
