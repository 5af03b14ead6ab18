package wikidata

import (
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
)

// TestClassify covers every type string of the two generations of the
// data set.
func TestClassify(t *testing.T) {
	for _, c := range []struct {
		typ      string
		want     graph.MissionType
		official bool
	}{
		{"embassy", graph.Embassy, true},
		{"Embassy of the United States", graph.Embassy, true},
		{"embassy of El Salvador", graph.Embassy, true},
		{"high commission", graph.HighCommission, true},
		{"British High Commission", graph.HighCommission, true},
		{"Australian High Commission", graph.HighCommission, true},
		{"assistant high commission", graph.Consulate, true},
		{"consulate general", graph.ConsulateGeneral, true},
		{"Consulate General of Sweden", graph.ConsulateGeneral, true},
		{"Consulate General of Belgium", graph.ConsulateGeneral, true},
		{"consulate", graph.Consulate, true},
		{"consulates of Sweden", graph.Consulate, true},
		{"consular office", graph.Consulate, true},
		{"Consular Agency", graph.Consulate, true},
		{"honorary consulate", graph.HonoraryConsulate, true},
		{"apostolic nunciature", graph.Nunciature, true},
		{"apostolic Nunciature", graph.Nunciature, true},
		{"Apostolic delegation", graph.Delegation, false},
		{"permanent mission", graph.PermanentMission, true},
		{"Interests Section", graph.InterestsSection, true},
		{"liaison office", graph.LiaisonOffice, true},
		{"de facto embassy", graph.RepresentativeOffice, false},
		{"de facto consulate", graph.RepresentativeOffice, false},
		{"representative office", graph.RepresentativeOffice, false},
		{"overseas representative office", graph.RepresentativeOffice, false},
		{"Taipei Economic and Cultural Representative Office", graph.RepresentativeOffice, false},
		{"Taipei Representative Office", graph.RepresentativeOffice, false},
		{"trade office", graph.TradeOffice, false},
		{"Quebec Government Office", graph.Delegation, false},
		{"diplomatic mission", graph.OtherMission, true},
		{"diplomatic mission of El Salvador", graph.OtherMission, true},
		{"  Consulate-General ", graph.ConsulateGeneral, true},
	} {
		mk, why := classify(c.typ)
		if why != "" || mk.Type != c.want || mk.Official != c.official {
			t.Errorf("classify(%q) = %s official=%v %q; want %s official=%v", c.typ, mk.Type, mk.Official, why, c.want, c.official)
		}
	}
	for typ, want := range map[string]string{
		"hospital":                           `unknown mission type "hospital"`,
		"government agency":                  `unknown mission type "government agency"`,
		"nonprofit organization":             `unknown mission type "nonprofit organization"`,
		"vice-ministerial level institution": `unknown mission type "vice-ministerial level institution"`,
		"defunct diplomatic mission":         `type "defunct diplomatic mission": the mission is defunct`,
		"":                                   "the row has no type",
	} {
		if _, why := classify(typ); !strings.HasPrefix(why, want) {
			t.Errorf("classify(%q) says %q; want %q", typ, why, want)
		}
	}
}

func TestCreation(t *testing.T) {
	snapshot := graph.MustDate("2022-11-16")
	for in, want := range map[string]string{
		"":                      "",
		"1927-01-01T00:00:00Z":  "1927",
		"1993-05-01T00:00:00Z":  "1993-05",
		"2001-07-05T00:00:00Z":  "2001-07-05",
		"1474-01-01T00:00:00Z":  "1474",
		"+1955-01-01T00:00:00Z": "1955",
		"1300-01-01T00:00:00Z":  "ignored: 1300-01-01 is before 1400",
		"2023-01-01T00:00:00Z":  "ignored: 2023-01-01 is after the snapshot date 2022-11-16",
		"1993-02-30T00:00:00Z":  `ignored: "1993-02-30T00:00:00Z" is not a date`,
		"sometime":              `ignored: "sometime" is not a date`,
	} {
		d, why := creation(in, snapshot)
		got := d.String()
		if why != "" {
			got = "ignored: " + why
		}
		if !strings.HasPrefix(got, want) || (want == "" && got != "") {
			t.Errorf("creation(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestMissionName(t *testing.T) {
	kind := func(typ string) missionKind {
		mk, why := classify(typ)
		if why != "" {
			t.Fatal(why)
		}
		return mk
	}
	in := func(city, host string) where {
		return where{city: city, host: host, hostAccredited: true, accredited: host}
	}
	for _, c := range []struct {
		typ, sender string
		at          where
		want        string
	}{
		{"embassy", "Afghanistan", in("Uccle", "Belgium"), "Embassy of Afghanistan in Belgium"},
		{"embassy", "United States", in("", "Cuba"), "Embassy of the United States in Cuba"},
		{"embassy", "Chile", where{city: "Rome", host: "Italy", accredited: "Albania"}, "Embassy of Chile in Rome"},
		{"embassy", "Chile", where{host: "Italy", accredited: "Albania"}, "Embassy of Chile in Italy"},
		{"consulate general", "Germany", in("Bengaluru", "India"), "Consulate General of Germany in Bengaluru"},
		{"consulate general", "Germany", in("", "India"), "Consulate General of Germany in India"},
		{"apostolic nunciature", "Holy See", in("Brussels", "Belgium"), "Apostolic Nunciature to Belgium"},
		{"apostolic nunciature", "Holy See", where{city: "Rome", host: "Italy", accredited: "Sovereign Military Order of Malta"},
			"Apostolic Nunciature to the Sovereign Military Order of Malta"},
		{"Taipei Economic and Cultural Representative Office", "Taiwan", in("", "Belgium"), "Taipei Economic and Cultural Representative Office in Belgium"},
		{"de facto embassy", "Germany", in("Taipei", "Taiwan"), "Representative Office of Germany in Taipei"},
		{"high commission", "Gambia", in("", "United Kingdom"), "High Commission of the Gambia in the United Kingdom"},
	} {
		if got := missionName(kind(c.typ), c.sender, c.at); got != c.want {
			t.Errorf("%s of %s %+v: %q; want %q", c.typ, c.sender, c.at, got, c.want)
		}
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Ottawa":                              "ottawa",
		"Miramar, Havana":                     "miramar-havana",
		"Chūō-ku":                             "chuo-ku",
		"São Tomé":                            "sao-tome",
		"People's Republic":                   "peoples-republic",
		"Łódź":                                "lodz",
		"Saint-Gilles - Sint-Gillis":          "saint-gilles-sint-gillis",
		"Москва":                              "",
		"16th arrondissement of Paris":        "16th-arrondissement-of-paris",
		strings.Repeat("Municipality of ", 8): "municipality-of-municipality-of-municipality-of-municipality",
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q; want %q", in, got, want)
		}
	}
}
