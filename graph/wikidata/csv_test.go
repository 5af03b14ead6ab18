package wikidata

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
)

// datasets is where the real data set files sit, beside the repository.
const datasets = "../../seeds/datasets/wikidata-embassies/"

const header2020 = "operator;operatorQID;country;countryQID;city;cityQID;address;latitude;longitude;phone;email;website;facebook;twitter;youtube;picture;type;typeQID;creation;QID;\n"

// row2020 is a row of the 2020 format with the given cells; the others are
// empty.
func row2020(operator, country, city, typ, creation, qid string) string {
	q := func(s string) string {
		if s == "" {
			return ""
		}
		label, id, _ := strings.Cut(s, "=")
		return label + ";http://www.wikidata.org/entity/" + id
	}
	ref := func(s string) string {
		if s == "" {
			return ";"
		}
		return q(s)
	}
	return strings.Join([]string{ref(operator), ref(country), ref(city), "", "", "", "", "", "", "", "", "", "", typ, "", creation,
		"http://www.wikidata.org/entity/" + qid}, ";") + "\n"
}

func TestRead(t *testing.T) {
	t.Run("RealFiles", func(t *testing.T) {
		for _, c := range []struct {
			file string
			rows int
			jur  bool
		}{
			{"database_of_embassies-2020-10-22.csv", 4830, false},
			{"database_of_embassies-2022-11-16.csv", 9852, true},
		} {
			f, err := os.Open(datasets + c.file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			file, err := Read(f, c.file)
			if err != nil {
				t.Fatal(err)
			}
			if len(file.Rows) != c.rows || file.HasJurisdictions != c.jur {
				t.Errorf("%s: %d rows, jurisdictions %v; want %d, %v", c.file, len(file.Rows), file.HasJurisdictions, c.rows, c.jur)
			}
			r := file.Rows[0]
			if r.Line != 2 || r.Operator != (Ref{"Afghanistan", "Q889"}) || r.QID == "" || r.Type != "embassy" {
				t.Errorf("%s: first row %+v", c.file, r)
			}
		}
	})

	t.Run("OK", func(t *testing.T) {
		text := "\ufeff" + strings.ReplaceAll(header2020, "\n", "\r\n") +
			// A quote inside an unquoted field is an ordinary character.
			`Germany;http://www.wikidata.org/entity/Q183;India;http://www.wikidata.org/entity/Q668;Bengaluru;http://www.wikidata.org/entity/Q1355;2nd & 3rd floor, "Cash Pharmacy Building";12.9683;77.6004;;;;;;;;consulate general;;;http://www.wikidata.org/entity/Q5164561` + "\r\n" +
			"\n" + // a blank line is skipped
			// A quoted field may hold the delimiter, doubled quotes and a line break.
			`Japan;Q17;Malaysia;Q833;Johor Bahru;Q1;"a;b ""c""` + "\n" + `d";;;;;;;;;;consular office;;1993-05-01T00:00:00Z;Q100260401;` + "\n"
		f, err := Read(strings.NewReader(text), "ok.csv")
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Rows) != 2 {
			t.Fatalf("%d rows, want 2", len(f.Rows))
		}
		a, b := f.Rows[0], f.Rows[1]
		if a.Line != 2 || a.City != (Ref{"Bengaluru", "Q1355"}) || a.Latitude != "12.9683" || a.QID != "Q5164561" || a.bad != "" {
			t.Errorf("first row: %+v", a)
		}
		if b.Line != 4 || b.fields[6] != "a;b \"c\"\nd" || b.QID != "Q100260401" || b.Creation != "1993-05-01T00:00:00Z" || b.Operator != (Ref{"Japan", "Q17"}) {
			t.Errorf("second row: line %d, address %q, %+v", b.Line, b.fields[6], b)
		}
	})

	t.Run("Malformed", func(t *testing.T) {
		good := row2020("Afghanistan=Q889", "Canada=Q16", "Ottawa=Q1930", "embassy", "", "Q13634268")
		for _, c := range []struct {
			name, text, want string
		}{
			{"Empty", "", "x.csv: the file is empty"},
			{"Commas", strings.ReplaceAll(header2020+good, ";", ","), `x.csv:1: the header has one column and it contains ","; the data set's files are separated by ';'`},
			{"MissingColumn", strings.Replace(header2020, "cityQID;", "", 1) + good, `x.csv:1: the header has no "cityQID" column`},
			{"DuplicateColumn", strings.Replace(header2020, "phone", "email", 1), `x.csv:1: the header names column "email" twice`},
			{"OneJurisdictionColumn", strings.Replace(header2020, "address", "jurisdictions", 1), "x.csv:1: the header has only one of jurisdictions and jurisdictionQIDs"},
			{"ShortRow", header2020 + good + "Cuba;Q241;United States\n" + good, "x.csv:3: the row has 3 fields, but the header names 20 columns"},
			{"CutShort", header2020 + good + good[:40], "x.csv:3: the row has 2 fields, but the header names 20 columns"},
			{"Unterminated", header2020 + good + good + `Germany;Q183;India;Q668;Bengaluru;Q1355;"2nd & 3rd floor,` + "\nCash Pharmacy", "x.csv:4: a quoted field starts on this line and is never closed (is the file cut short?)"},
			{"StrayQuote", header2020 + `"a"b;` + good, `x.csv:2: a quoted field is followed by 'b'`},
			{"NotUTF8", header2020 + strings.Replace(good, "Canada", "Canad\xe1", 1), "x.csv:2: the row is not UTF-8 text"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := Read(strings.NewReader(c.text), "x.csv")
				if graph.ErrorCode(err) != graph.EINVALID || !strings.HasPrefix(graph.ErrorMessage(err), c.want) {
					t.Errorf("got %v\nwant a message starting %q", err, c.want)
				}
			})
		}
	})

	t.Run("UnusableRows", func(t *testing.T) {
		text := header2020 +
			row2020("Afghanistan=Q889", "Canada=Q16", "", "embassy", "", "Q1") +
			strings.Replace(row2020("Afghanistan=Q889", "Canada=Q16", "", "embassy", "", "Q2"), "entity/Q16", "entity/canada", 1) +
			strings.Replace(row2020("Afghanistan=Q889", "Canada=Q16", "", "embassy", "", "Q3"), "http://www.wikidata.org/entity/Q3", "", 1)
		f, err := Read(strings.NewReader(text), "x.csv")
		if err != nil {
			t.Fatal(err)
		}
		got := []string{f.Rows[0].bad, f.Rows[1].bad, f.Rows[2].QID}
		want := []string{"", `countryQID "http://www.wikidata.org/entity/canada" is not a Wikidata entity URL`, ""}
		if !slices.Equal(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	})
}

func TestParseQID(t *testing.T) {
	for in, want := range map[string]string{
		"http://www.wikidata.org/entity/Q889": "Q889", "https://www.wikidata.org/wiki/Q30": "Q30", "Q5": "Q5",
		"": "", "Q": "", "Q0": "", "P31": "", "http://www.wikidata.org/entity/Q88x": "", "q889": "",
	} {
		if got, ok := ParseQID(in); got != want || ok != (want != "") {
			t.Errorf("ParseQID(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestSnapshotDate(t *testing.T) {
	for in, want := range map[string]string{
		"seeds/datasets/wikidata-embassies/database_of_embassies-2022-11-16.csv": "2022-11-16",
		"2020-10-22/missions-2021-01-05.csv":                                     "2021-01-05",
		"2020-10-22/missions.csv":                                                "",
		"missions-2022-13-01.csv":                                                "",
	} {
		d, ok := SnapshotDate(filepath.FromSlash(in))
		if d.String() != want || ok != (want != "") {
			t.Errorf("SnapshotDate(%q) = %s, %v; want %q", in, d, ok, want)
		}
	}
}
