package wikidata

import (
	"bytes"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
)

// errorAt matches the start of Read's errors for a file named x.csv.
var errorAt = regexp.MustCompile(`^x\.csv:([0-9]+): `)

// FuzzRead checks that Read never panics on any bytes; that it rejects
// with an EINVALID error naming the file and a line of it (only an empty
// file has no line to name); and that the rows it returns start on lines
// of the file, in order, after the header, with well-formed QIDs.
func FuzzRead(f *testing.F) {
	// The first rows of the real files, when they sit beside the repository.
	for _, name := range []string{"database_of_embassies-2020-10-22.csv", "database_of_embassies-2022-11-16.csv"} {
		if b, err := os.ReadFile(datasets + name); err == nil {
			lines := bytes.SplitAfterN(b, []byte("\n"), 5)
			f.Add(bytes.Join(lines[:len(lines)-1], nil))
		}
	}
	good := row2020("Afghanistan=Q889", "Canada=Q16", "Ottawa=Q1930", "embassy", "2001", "Q13634268")
	const header2022 = "operator;operatorQID;jurisdictions;jurisdictionQIDs;country;countryQID;city;cityQID;type;creation;QID\n"
	for _, s := range []string{
		header2020 + good,
		"\ufeff" + strings.ReplaceAll(header2020+good, "\n", "\r\n"),
		header2022 + "A;Q1;B|C;Q2|Q3;B;Q2;D;Q4;embassy;;Q5\n",
		header2022 + "A;Q1;B|C;Q2;B;Q2;D;Q4;embassy;;Q5\n",
		header2022 + "A;Q1;B;Q0;B;Q2;D;Q4;embassy;;https://www.wikidata.org/wiki/Q5\n",
		header2020 + `Japan;Q17;Malaysia;Q833;Johor Bahru;Q1;"a;b ""c""` + "\n" + `d";;;;;;;;;;consular office;;1993;Q100260401;` + "\n",
		header2020 + `Germany;Q183;India;Q668;Bengaluru;Q1355;2nd & 3rd floor, "Cash Pharmacy Building";;;;;;;;;;;;;Q1` + "\n",
		header2020 + good + good[:40],
		header2020 + `"a"b;` + good,
		header2020 + "\"a\"\r;" + good,
		header2020 + `"never closed` + "\n\n",
		header2020 + strings.Replace(good, "Canada", "Canad\xe1", 1),
		header2020 + "\n\n\n" + good,
		strings.ReplaceAll(header2020, ";", ","),
		";", ";;", "\ufeff", "\n", "", "\"", "\"\"", "a;a", "QID;\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Count(data, []byte("\n")) + 1
		file, err := Read(bytes.NewReader(data), "x.csv")
		if err != nil {
			msg := graph.ErrorMessage(err)
			if graph.ErrorCode(err) != graph.EINVALID {
				t.Fatalf("error %v: want EINVALID", err)
			}
			if strings.HasPrefix(msg, "x.csv: the file is empty") {
				// Blank lines and empty quoted fields ("") are all it may hold.
				if len(bytes.Trim(data, "\r\n\"")) > 0 {
					t.Fatalf("%q is not empty, but Read says it is", data)
				}
				return
			}
			m := errorAt.FindStringSubmatch(msg)
			if m == nil {
				t.Fatalf("error %q does not start with the file and line", msg)
			}
			if n, _ := strconv.Atoi(m[1]); n < 1 || n > lines {
				t.Fatalf("error %q names a line beyond the %d of the file", msg, lines)
			}
			if file != nil {
				t.Fatalf("Read failed but returned %+v", file)
			}
			return
		}
		if file == nil || file.Name != "x.csv" {
			t.Fatalf("Read returned %+v", file)
		}
		last := 1
		for _, r := range file.Rows {
			if r.Line <= last || r.Line > lines {
				t.Fatalf("a row starts on line %d, after one on line %d, in a file of %d lines", r.Line, last, lines)
			}
			last = r.Line
			for _, q := range []string{r.QID, r.Operator.QID, r.Country.QID, r.City.QID} {
				if _, ok := ParseQID(q); q != "" && !ok {
					t.Fatalf("line %d: QID %q is not well formed", r.Line, q)
				}
			}
			if !file.HasJurisdictions && r.Jurisdictions != nil {
				t.Fatalf("line %d has jurisdictions, but the file has no such column", r.Line)
			}
			for _, j := range r.Jurisdictions {
				if _, ok := ParseQID(j.QID); !ok {
					t.Fatalf("line %d: jurisdiction QID %q is not well formed", r.Line, j.QID)
				}
			}
		}
	})
}
