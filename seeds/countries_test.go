package seeds

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
)

// The public data sets the backbone is checked against, relative to this
// package's directory (../shared beside the project).
var (
	countryCodesCSV = filepath.Join("..", "..", "shared", "datasets", "country-codes", "country-codes.csv")
	cowStatesCSV    = filepath.Join("..", "..", "shared", "datasets", "cow-states", "states2016.csv")
)

// The source documents the backbone files cite.
const (
	countryCodesDoc = "country-codes data set"
	cowDoc          = "Correlates of War State System Membership List, v2016"
)

// readCSV reads a data set into rows keyed by its header. A missing file
// fails the test: the checks are only worth having if they run.
func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open data set: %v (the tests expect ../shared beside the project)", err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if len(records) < 2 {
		t.Fatalf("%s has no rows", path)
	}
	header := records[0]
	var rows []map[string]string
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, col := range header {
			row[col] = strings.TrimSpace(rec[i])
		}
		rows = append(rows, row)
	}
	return rows
}

// embeddedBatch loads the embedded seeds through the package's own loader.
func embeddedBatch(t *testing.T) *graph.Batch {
	t.Helper()
	set, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return set.Batch()
}

var (
	footnote    = regexp.MustCompile(`\s*\*+$`)
	trailingThe = regexp.MustCompile(`\s*\(the\)$`)
	spaces      = regexp.MustCompile(`\s+`)
)

// normalizeName makes names comparable: case, whitespace, curly apostrophes,
// the UNTERM footnote stars and the "(the)" or leading "the" of UN names do
// not count.
func normalizeName(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "’", "'"))
	s = footnote.ReplaceAllString(s, "")
	s = trailingThe.ReplaceAllString(s, "")
	s = strings.ToLower(spaces.ReplaceAllString(s, " "))
	return strings.TrimPrefix(s, "the ")
}

func hasName(e *graph.Entity, names ...string) bool {
	for _, n := range e.Names() {
		for _, want := range names {
			if want != "" && normalizeName(n) == normalizeName(want) {
				return true
			}
		}
	}
	return false
}

// isoKindExceptions are the data set rows whose is_independent column does
// not give the entity's kind ("Yes" a country, anything else a territory).
var isoKindExceptions = map[string]graph.Kind{
	"PS": graph.Country, // "In contention"; the model lists Palestine as a state
}

func TestCountriesMatchISO3166(t *testing.T) {
	rows := readCSV(t, countryCodesCSV)
	b := embeddedBatch(t)
	byISO2 := map[string][]*graph.Entity{}
	for _, e := range b.Entities {
		if code, ok := e.Attributes[graph.AttrISO2]; ok {
			byISO2[code] = append(byISO2[code], e)
		}
	}
	inCSV := map[string]bool{}
	for _, row := range rows {
		code := row["ISO3166-1-Alpha-2"]
		if code == "" {
			continue
		}
		inCSV[code] = true
		es := byISO2[code]
		if len(es) != 1 {
			t.Errorf("%s (%s): %d entities have iso2 %s, want exactly one", code, row["official_name_en"], len(es), code)
			continue
		}
		e := es[0]
		if got := e.Attributes[graph.AttrISO3]; got != row["ISO3166-1-Alpha-3"] {
			t.Errorf("%s: iso3 %q, the data set has %q", e.ID, got, row["ISO3166-1-Alpha-3"])
		}
		names := []string{row["UNTERM English Short"], row["official_name_en"], row["CLDR display name"]}
		if !hasName(e, names...) {
			t.Errorf("%s: neither its name nor an alias is one of the data set's names %q", e.ID, names)
		}
		wantKind := graph.Territory
		if row["is_independent"] == "Yes" {
			wantKind = graph.Country
		}
		if k, ok := isoKindExceptions[code]; ok {
			wantKind = k
		}
		if e.Kind != wantKind {
			t.Errorf("%s: kind %s, but the data set says is_independent %q", e.ID, e.Kind, row["is_independent"])
		}
		if url := row["wikidata_id"]; url != "" {
			if want := url[strings.LastIndex(url, "/")+1:]; e.Attributes[graph.AttrWikidata] != want {
				t.Errorf("%s: wikidata %q, the data set has %q", e.ID, e.Attributes[graph.AttrWikidata], want)
			}
		}
	}
	if len(inCSV) < 249 {
		t.Errorf("the data set has %d ISO codes, want at least 249", len(inCSV))
	}
	for code, es := range byISO2 {
		if !inCSV[code] {
			for _, e := range es {
				t.Errorf("%s: iso2 %q is not in ISO 3166-1 (the data set)", e.ID, code)
			}
		}
	}
}

func TestCapitalsAreLocatedInTheirCountries(t *testing.T) {
	rows := readCSV(t, countryCodesCSV)
	b := embeddedBatch(t)
	entities := map[graph.ID]*graph.Entity{}
	byISO2 := map[string]*graph.Entity{}
	for _, e := range b.Entities {
		entities[e.ID] = e
		if code := e.Attributes[graph.AttrISO2]; code != "" {
			byISO2[code] = e
		}
	}
	locatedIn := map[graph.ID][]graph.ID{} // place -> cities in it
	for _, r := range b.Relations {
		if r.Type == graph.LocatedIn && r.From.Kind() == graph.City {
			locatedIn[r.To] = append(locatedIn[r.To], r.From)
		}
	}
	capitals := 0
	for _, row := range rows {
		code, capital := row["ISO3166-1-Alpha-2"], row["Capital"]
		country := byISO2[code]
		if capital == "" || country == nil {
			continue // a missing country is reported by TestCountriesMatchISO3166
		}
		var found []graph.ID
		for _, id := range locatedIn[country.ID] {
			if hasName(entities[id], capital) {
				found = append(found, id)
			}
		}
		if len(found) != 1 {
			t.Errorf("%s: %d cities named %q are LOCATED_IN it, want one (its capital in the data set)", country.ID, len(found), capital)
			continue
		}
		capitals++
	}
	if capitals == 0 {
		t.Fatal("no capital was checked")
	}
}

// TestCountryCodesQuotesMatchTheDataSet holds every fact citing the
// country-codes data set to its row: the quote is column=value pairs.
func TestCountryCodesQuotesMatchTheDataSet(t *testing.T) {
	rows := readCSV(t, countryCodesCSV)
	byISO2 := map[string]map[string]string{}
	for _, row := range rows {
		byISO2[row["ISO3166-1-Alpha-2"]] = row
	}
	b := embeddedBatch(t)
	checked := 0
	check := func(what string, sources []graph.Source) {
		for _, s := range sources {
			if s.Document != countryCodesDoc {
				continue
			}
			checked++
			fields := map[string]string{}
			for _, pair := range strings.Split(s.Quote, "; ") {
				k, v, ok := strings.Cut(pair, "=")
				if !ok {
					t.Errorf("%s: quote %q is not column=value pairs separated by \"; \"", what, s.Quote)
					return
				}
				fields[k] = v
			}
			row := byISO2[fields["ISO3166-1-Alpha-2"]]
			if row == nil {
				t.Errorf("%s: quote %q names no row of the data set", what, s.Quote)
				continue
			}
			for k, v := range fields {
				if got, ok := row[k]; !ok || got != v {
					t.Errorf("%s: quote says %s=%q, the data set has %q", what, k, v, got)
				}
			}
		}
	}
	for _, e := range b.Entities {
		check("entity "+string(e.ID), e.Sources)
	}
	for _, r := range b.Relations {
		check(r.Describe(), r.Sources)
	}
	if checked == 0 {
		t.Fatal("no quote of the country-codes data set was checked")
	}
}

// cowMember maps a former state to its Correlates of War member. Where the
// seed's date differs from CoW's, the difference is expected here, with why;
// the entity must then carry another source that quotes the date it uses.
type cowMember struct {
	ccode                  int
	fromDiffers, toDiffers string
}

var cowMembers = map[graph.ID]cowMember{
	"country:east-germany": {ccode: 265,
		fromDiffers: "CoW admits the GDR from the Soviet declaration of its sovereignty (1954-03-25); the state was founded on 1949-10-07"},
	"country:west-germany": {ccode: 260,
		fromDiffers: "CoW admits the FRG when the occupation ended (1955-05-05); the state was founded on 1949-05-23"},
	"country:rhodesia": {ccode: 552,
		toDiffers: "CoW counts Rhodesia and Zimbabwe as one member; Rhodesia ended when Britain resumed control in December 1979"},
	"country:south-vietnam": {ccode: 817,
		fromDiffers: "CoW starts with the State of Vietnam (1954-06-04); the Republic was proclaimed on 1955-10-26"},
	"country:yugoslavia": {ccode: 345,
		fromDiffers: "CoW's member 345 starts as Serbia in 1878; Yugoslavia was created on 1918-12-01",
		toDiffers:   "CoW's member 345 continues as the FRY and Serbia to 2016; this entity ends with the SFRY on 1992-04-27"},
	"country:soviet-union": {ccode: 365,
		fromDiffers: "CoW's member 365 is Russia from 1816; the Soviet Union was created on 1922-12-30",
		toDiffers:   "CoW's member 365 continues as the Russian Federation; the Soviet Union was dissolved on 1991-12-26"},
	"country:czechoslovakia": {ccode: 315},
}

// cowDate turns a CoW year, month and day into a date at full precision.
func cowDate(t *testing.T, y, m, d string) graph.Date {
	t.Helper()
	var n [3]int
	for i, s := range []string{y, m, d} {
		v, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("CoW date %s-%s-%s: %v", y, m, d, err)
		}
		n[i] = v
	}
	date, err := graph.ParseDate(fmt.Sprintf("%04d-%02d-%02d", n[0], n[1], n[2]))
	if err != nil {
		t.Fatalf("CoW date %s-%s-%s: %v", y, m, d, err)
	}
	return date
}

// samePrecision says whether a CoW date agrees with a seed date at the seed
// date's precision.
func samePrecision(seed, cow graph.Date) bool {
	s := seed.String()
	return strings.HasPrefix(cow.String(), s)
}

func TestFormerStatesAgreeWithCorrelatesOfWar(t *testing.T) {
	rows := readCSV(t, cowStatesCSV)
	lines := map[string]bool{} // each row as written, for the quotes
	spans := map[int][2]graph.Date{}
	for _, row := range rows {
		ccode, err := strconv.Atoi(row["ccode"])
		if err != nil {
			t.Fatalf("CoW ccode %q: %v", row["ccode"], err)
		}
		lines[strings.Join([]string{row["stateabb"], row["ccode"], row["statenme"], row["styear"], row["stmonth"], row["stday"], row["endyear"], row["endmonth"], row["endday"], row["version"]}, ",")] = true
		from := cowDate(t, row["styear"], row["stmonth"], row["stday"])
		to := cowDate(t, row["endyear"], row["endmonth"], row["endday"])
		span, seen := spans[ccode]
		if !seen || from.First() < span[0].First() {
			span[0] = from
		}
		if !seen || to.Last() > span[1].Last() {
			span[1] = to
		}
		spans[ccode] = span
	}
	b := embeddedBatch(t)
	entities := map[graph.ID]*graph.Entity{}
	for _, e := range b.Entities {
		entities[e.ID] = e
		for _, s := range e.Sources {
			if s.Document == cowDoc && !lines[s.Quote] {
				t.Errorf("%s: quotes %q, which is not a row of the CoW list", e.ID, s.Quote)
			}
		}
	}
	ids := make([]graph.ID, 0, len(cowMembers))
	for id := range cowMembers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		m := cowMembers[id]
		e := entities[id]
		if e == nil {
			t.Errorf("%s is not in the seeds", id)
			continue
		}
		span, ok := spans[m.ccode]
		if !ok {
			t.Errorf("%s: CoW has no member %d", id, m.ccode)
			continue
		}
		cites := false
		for _, s := range e.Sources {
			if s.Document == cowDoc && strings.Contains(s.Quote, ","+strconv.Itoa(m.ccode)+",") {
				cites = true
			}
		}
		if !cites {
			t.Errorf("%s does not cite its CoW row (member %d)", id, m.ccode)
		}
		for _, end := range []struct {
			name      string
			seed, cow graph.Date
			expected  string
		}{
			{"validFrom", e.Period.From, span[0], m.fromDiffers},
			{"validTo", e.Period.To, span[1], m.toDiffers},
		} {
			if end.seed.IsZero() {
				t.Errorf("%s has no %s; a former state needs both ends", id, end.name)
				continue
			}
			agrees := samePrecision(end.seed, end.cow)
			switch {
			case agrees && end.expected != "":
				t.Errorf("%s: %s %s now agrees with CoW; drop the expected difference (%s)", id, end.name, end.seed, end.expected)
			case !agrees && end.expected == "":
				t.Errorf("%s: %s %s, but CoW member %d has %s; fix the date or expect the difference, with a source that states it", id, end.name, end.seed, m.ccode, end.cow)
			case !agrees:
				other := 0
				for _, s := range e.Sources {
					if s.Document != cowDoc && s.Quote != "" {
						other++
					}
				}
				if len(e.Sources) < 2 || other == 0 {
					t.Errorf("%s: %s %s differs from CoW (%s) but no other quoted source states it", id, end.name, end.seed, end.expected)
				}
			}
		}
	}
}
