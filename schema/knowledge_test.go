package schema_test

import (
	"slices"
	"testing"

	"github.com/chancery/chancery/schema"
)

// TestAnalystQuestions asks the default data the questions an analyst
// brings, each through the public API alone.
func TestAnalystQuestions(t *testing.T) {
	s := newServer(t, schema.HandlerOptions{})

	t.Run("WhoProtectedUSInterestsInIraqAfter1991", func(t *testing.T) {
		// The text says Poland became the protecting power when Iraq and
		// the United States broke relations over the Gulf War, and gives
		// no year: Poland may have protected them in 1992, and nothing
		// shows it did.
		d := s.mustData(t, `{ representation(of: "country:united-states", in: "country:iraq", asOf: 1992) { kind } }`, nil)
		if reps := at(d, "representation").([]any); len(reps) != 0 {
			t.Errorf("known as of 1992: %v; want nothing, as the text dates none of it", reps)
		}
		d = s.mustData(t, `{ representation(of: "country:united-states", in: "country:iraq", asOf: 1992, include: POSSIBLE) {
		  kind via { id } mission { name holding } relations { type holding } } }`, nil)
		found := false
		for _, r := range at(d, "representation").([]any) {
			if at(r, "kind") == "PROTECTING_POWER" && at(r, "via", "id") == "country:poland" {
				found = true
				if at(r, "mission", "holding") != "POSSIBLE" {
					t.Errorf("the interests section is %v as of 1992, want POSSIBLE", at(r, "mission", "holding"))
				}
				for _, rel := range at(r, "relations").([]any) {
					if at(rel, "type") == "PROTECTS" && at(rel, "holding") != "POSSIBLE" {
						t.Errorf("Poland's protection is %v as of 1992, want POSSIBLE", at(rel, "holding"))
					}
				}
			}
		}
		if !found {
			t.Errorf("representation = %v; want Poland as possible protecting power", at(d, "representation"))
		}
	})

	t.Run("TaiwansOfficeInJapanBeforeMay1992", func(t *testing.T) {
		d := s.mustData(t, `{ representation(of: "country:taiwan", in: "country:japan", asOf: "1992-04") { mission { name aliases } } }`, nil)
		reps := at(d, "representation").([]any)
		if len(reps) != 1 || at(reps[0], "mission", "name") != "Association of East Asian Relations" {
			t.Errorf("as of 1992-04: %v", reps)
		}
		// In May 1992 itself both names hold: the text dates the change to
		// the month, and a period covers the whole of its last month.
		d = s.mustData(t, `{ representation(of: "country:taiwan", in: "country:japan", asOf: "1992-06") { mission { id } } }`, nil)
		if reps := at(d, "representation").([]any); len(reps) != 1 || at(reps[0], "mission", "id") != "mission:tecro-japan" {
			t.Errorf("as of 1992-06: %v", reps)
		}
	})

	t.Run("NamesOfTaiwansOfficeInMacauInOrder", func(t *testing.T) {
		d := s.mustData(t, `{ lineage(id: "mission:teco-macau") { entity { name } change date } }`, nil)
		var names, dates []string
		for _, step := range at(d, "lineage").([]any) {
			names = append(names, at(step, "entity", "name").(string))
			if date, ok := at(step, "date").(string); ok {
				dates = append(dates, date)
			}
		}
		want := []string{"Taipei Trade and Tourism Office", "Taipei Trade and Cultural Office", "Taipei Economic and Cultural Office in Macau"}
		if !slices.Equal(names, want) || !slices.Equal(dates, []string{"1999", "2012-05"}) {
			t.Errorf("lineage = %v (dates %v), want %v renamed in 1999 and 2012-05", names, dates, want)
		}
	})
}
