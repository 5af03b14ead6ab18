package seeds

import (
	"encoding/csv"
	"fmt"
	"maps"
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
// package's directory.
var (
	countryCodesCSV = filepath.Join("datasets", "country-codes", "country-codes.csv")
	cowStatesCSV    = filepath.Join("datasets", "cow-states", "states2016.csv")
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
		t.Fatalf("open data set: %v", err)
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

// cowRow is one row of the CoW list: a member's code and name, the span the
// row gives it, and the row as the seeds quote it.
type cowRow struct {
	ccode    int
	name     string
	from, to graph.Date
	line     string
}

// readCoW reads the CoW list, row by row in its order (each member's rows in
// the order of their dates).
func readCoW(t *testing.T) []cowRow {
	t.Helper()
	var out []cowRow
	for _, row := range readCSV(t, cowStatesCSV) {
		ccode, err := strconv.Atoi(row["ccode"])
		if err != nil {
			t.Fatalf("CoW ccode %q: %v", row["ccode"], err)
		}
		out = append(out, cowRow{
			ccode: ccode,
			name:  row["statenme"],
			from:  cowDate(t, row["styear"], row["stmonth"], row["stday"]),
			to:    cowDate(t, row["endyear"], row["endmonth"], row["endday"]),
			line:  strings.Join([]string{row["stateabb"], row["ccode"], row["statenme"], row["styear"], row["stmonth"], row["stday"], row["endyear"], row["endmonth"], row["endday"], row["version"]}, ","),
		})
	}
	return out
}

func TestFormerStatesAgreeWithCorrelatesOfWar(t *testing.T) {
	lines := map[string]bool{} // each row as written, for the quotes
	spans := map[int][2]graph.Date{}
	for _, row := range readCoW(t) {
		lines[row.line] = true
		span, seen := spans[row.ccode]
		if !seen || row.from.First() < span[0].First() {
			span[0] = row.from
		}
		if !seen || row.to.Last() > span[1].Last() {
			span[1] = row.to
		}
		spans[row.ccode] = span
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

// cowURL is the page of the CoW list that every citation of it gives.
const cowURL = "https://correlatesofwar.org/data-sets/state-system-membership/"

// cowCountryIDs maps the CoW members whose name in the list is none of the
// names of the country of countries.yaml that stands for them. Every other
// member is found by its name.
var cowCountryIDs = map[int]graph.ID{
	57:  "country:saint-vincent-and-the-grenadines", // St. Vincent and the Grenadines
	60:  "country:saint-kitts-and-nevis",            // St. Kitts and Nevis
	345: "country:serbia",                           // Yugoslavia: see cowSplits
}

// cowNotInCountries are the CoW members that no country of countries.yaml
// stands for, and why.
var cowNotInCountries = map[int]string{
	240: "Hanover, to 1866; not in the seeds",
	245: "Bavaria, to 1871; not in the seeds",
	260: "country:west-germany, in former-states.yaml (see cowMembers)",
	265: "country:east-germany, in former-states.yaml (see cowMembers)",
	267: "Baden, to 1871; not in the seeds",
	269: "Saxony, to 1867; not in the seeds",
	271: "Württemberg, to 1871; not in the seeds",
	273: "Hesse-Kassel, to 1866; not in the seeds",
	275: "Hesse-Darmstadt, to 1867; not in the seeds",
	280: "Mecklenburg-Schwerin, to 1867; not in the seeds",
	300: "Austria-Hungary, to 1918; not in the seeds (Austria and Hungary are members 305 and 310)",
	315: "country:czechoslovakia, in former-states.yaml (see cowMembers)",
	327: "the Papal States, to 1870; not in the seeds (the Holy See is not a member)",
	329: "the Two Sicilies, to 1861; not in the seeds",
	332: "Modena, to 1860; not in the seeds",
	335: "Parma, to 1860; not in the seeds",
	337: "Tuscany, to 1860; not in the seeds",
	347: "Kosovo has no ISO 3166-1 entry; country:kosovo is in liaison-offices.yaml",
	511: "Zanzibar, 1963-1964, before its union with Tanganyika; not in the seeds",
	678: "the Yemen Arab Republic, to 1990; not in the seeds (Yemen is member 679)",
	680: "the Yemen People's Republic, to 1990; not in the seeds (Yemen is member 679)",
	730: "Korea, 1887-1905; not in the seeds (North and South Korea are members 731 and 732)",
	817: "country:south-vietnam, in former-states.yaml (see cowMembers)",
}

// cowSplit is a country whose CoW member the seeds divide among several
// entities: the country is that member only after the others end. It cites
// the member's rows that reach past their end, and is known from the day
// after it (the file gives that day as attestedFrom where a cited row
// starts earlier).
type cowSplit struct {
	others []graph.ID
	why    string
}

var cowSplits = map[graph.ID]cowSplit{
	"country:germany": {[]graph.ID{"country:west-germany", "country:east-germany"},
		"CoW's member 255 is Prussia and the German Reich to 1945, and united Germany from 3 October 1990; the two German states between are entities of their own, the Reich is not in the seeds"},
	"country:russia": {[]graph.ID{"country:soviet-union"},
		"CoW's member 365 is Russia from 1816, the Soviet Union and the Russian Federation"},
	"country:serbia": {[]graph.ID{"country:yugoslavia", "country:federal-republic-of-yugoslavia", "country:serbia-and-montenegro"},
		"CoW's member 345 is Serbia from 1878, Yugoslavia, the Federal Republic of Yugoslavia, Serbia and Montenegro, and Serbia; the two last but one (regions.yaml) carry no dates yet"},
	"country:zimbabwe": {[]graph.ID{"country:rhodesia"},
		"CoW's member 552 is Rhodesia from its declaration of independence in 1965, and Zimbabwe"},
}

// countriesOfFile returns the countries defined in countries.yaml.
func countriesOfFile(t *testing.T, set *Set) []*graph.Entity {
	t.Helper()
	var out []*graph.Entity
	for _, f := range set.Files {
		if f.Name != "countries.yaml" {
			continue
		}
		for _, e := range f.Entities {
			if e.Kind == graph.Country {
				out = append(out, e)
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("countries.yaml has no countries")
	}
	return out
}

// cowCountries maps each CoW member that a country of countries.yaml stands
// for to that country: by cowCountryIDs, or else by the member's name, which
// must be a name of exactly one country. A member that maps to none must be
// in cowNotInCountries.
func cowCountries(t *testing.T, rows []cowRow, countries []*graph.Entity) map[int]*graph.Entity {
	t.Helper()
	byID := map[graph.ID]*graph.Entity{}
	for _, e := range countries {
		byID[e.ID] = e
	}
	out := map[int]*graph.Entity{}
	member := map[graph.ID]int{}
	for _, row := range rows {
		if _, done := out[row.ccode]; done {
			continue
		}
		if _, ok := cowNotInCountries[row.ccode]; ok {
			continue
		}
		var found []*graph.Entity
		if id, ok := cowCountryIDs[row.ccode]; ok {
			if e := byID[id]; e != nil {
				found = append(found, e)
			}
		} else {
			for _, e := range countries {
				if hasName(e, row.name) {
					found = append(found, e)
				}
			}
		}
		if len(found) != 1 {
			t.Errorf("CoW member %d (%s) is %d countries of countries.yaml, want one; map it in cowCountryIDs or say why in cowNotInCountries", row.ccode, row.name, len(found))
			continue
		}
		e := found[0]
		if other, dup := member[e.ID]; dup {
			t.Errorf("%s is CoW members %d and %d", e.ID, other, row.ccode)
			continue
		}
		member[e.ID] = row.ccode
		out[row.ccode] = e
	}
	return out
}

// cowCitation is what a country should cite of its CoW member's rows, and
// the first day it is known to hold.
func cowCitation(t *testing.T, e *graph.Entity, rows []cowRow, entities map[graph.ID]*graph.Entity) ([]cowRow, uint32) {
	t.Helper()
	split, ok := cowSplits[e.ID]
	if !ok {
		return rows, rows[0].from.First()
	}
	var end uint32
	for _, id := range split.others {
		o := entities[id]
		if o == nil {
			t.Errorf("%s: cowSplits names %s, which is not in the seeds", e.ID, id)
			continue
		}
		if !o.Period.To.IsZero() {
			end = max(end, o.Period.To.Last())
		}
	}
	if end == 0 {
		t.Errorf("%s: none of %v has a validTo to start it after", e.ID, split.others)
		return rows, rows[0].from.First()
	}
	var kept []cowRow
	for _, r := range rows {
		if r.to.Last() > end {
			kept = append(kept, r)
		}
	}
	if len(kept) == 0 {
		t.Errorf("%s: no CoW row of its member reaches past %v", e.ID, split.others)
		return rows, rows[0].from.First()
	}
	return kept, max(end+1, kept[0].from.First())
}

// dayString formats a day number as a full date.
func dayString(day uint32) string {
	y, m, d := graph.CivilOfDay(day)
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

// TestCountriesCiteCorrelatesOfWar holds every country that is a CoW member
// to its rows: it cites each of them, verbatim, and nothing else of the
// list, and is known to hold from the first row's start (or, for a member
// the seeds divide, from the day after the other entities end) on every day
// of every row. Territories and capitals cite no row.
func TestCountriesCiteCorrelatesOfWar(t *testing.T) {
	rows := readCoW(t)
	byMember := map[int][]cowRow{}
	for _, r := range rows {
		byMember[r.ccode] = append(byMember[r.ccode], r)
	}
	set, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	entities := map[graph.ID]*graph.Entity{}
	for _, e := range set.Batch().Entities {
		entities[e.ID] = e
	}
	members := cowCountries(t, rows, countriesOfFile(t, set))
	isMember := map[graph.ID]bool{}
	for _, e := range members {
		isMember[e.ID] = true
	}
	citesCoW := func(sources []graph.Source) bool {
		return slices.ContainsFunc(sources, func(s graph.Source) bool { return s.Document == cowDoc })
	}
	for _, f := range set.Files {
		if f.Name != "countries.yaml" {
			continue
		}
		for _, e := range f.Entities {
			if !isMember[e.ID] && citesCoW(e.Sources) {
				t.Errorf("%s cites the CoW list but is not a member (territories and capitals cite no row)", e.ID)
			}
		}
		for _, r := range f.Relations {
			if citesCoW(r.Sources) {
				t.Errorf("%s cites the CoW list; only countries do", r.Describe())
			}
		}
	}
	ccodes := slices.Sorted(maps.Keys(members))
	if len(ccodes) < 180 {
		t.Errorf("%d CoW members map to countries, want the current members (over 180)", len(ccodes))
	}
	for _, ccode := range ccodes {
		e := members[ccode]
		want, from := cowCitation(t, e, byMember[ccode], entities)
		var wantLines, got []string
		for _, r := range want {
			wantLines = append(wantLines, r.line)
		}
		for _, s := range e.Sources {
			if s.Document == cowDoc {
				got = append(got, s.Quote)
				if s.URL != cowURL {
					t.Errorf("%s: CoW source url %q, want %q", e.ID, s.URL, cowURL)
				}
			}
		}
		if !slices.Equal(got, wantLines) {
			t.Errorf("%s cites the CoW rows %q, want %q", e.ID, got, wantLines)
			continue
		}
		p := e.Period
		if p.StartKind() != graph.Unknown || p.EndKind() != graph.Open {
			t.Errorf("%s: period %s; CoW attests a country, it states neither end, and ISO 3166-1 keeps it open", e.ID, p)
		}
		// A relation the documents date may attest the country earlier
		// than its row (attestEnds); otherwise it is known from the row.
		if p.AttestedFrom.IsZero() || p.AttestedFrom.First() > from {
			t.Errorf("%s: attested from %s, want %s or earlier", e.ID, p.AttestedFrom, dayString(from))
		}
		if h := p.On(from - 1); p.AttestedFrom.First() == from && h != graph.Possible {
			t.Errorf("%s is %s on %s, the day before CoW's row makes it known; want POSSIBLE", e.ID, h, dayString(from-1))
		}
		for _, r := range want {
			for _, day := range []uint32{max(r.from.First(), from), r.to.Last()} {
				if h := p.On(day); h != graph.Known {
					t.Errorf("%s is %s on %s, in its CoW row %s", e.ID, h, dayString(day), r.line)
				}
			}
		}
	}
	for _, c := range []struct {
		id   graph.ID
		asOf string
		want graph.Holding
	}{
		{"country:united-states", "1990-01-01", graph.Known},
		{"country:united-states", "1816-01-01", graph.Known},
		{"country:cuba", "1990-01-01", graph.Known},
		{"country:cuba", "1902-05-20", graph.Known},
		{"country:cuba", "1902-05-19", graph.Possible},
		{"country:germany", "1970", graph.Possible},
		{"country:germany", "1990-10-03", graph.Known},
		{"country:russia", "1991-12-26", graph.Possible},
		{"country:russia", "1991-12-27", graph.Known},
		{"country:zimbabwe", "1979-12-11", graph.Possible},
		{"country:serbia", "1992-04-28", graph.Known},
		{"territory:puerto-rico", "1990", graph.Possible},
	} {
		e := entities[c.id]
		if e == nil {
			t.Errorf("%s is not in the seeds", c.id)
			continue
		}
		if h := e.Period.At(graph.MustDate(c.asOf)); h != c.want {
			t.Errorf("%s as of %s is %s, want %s", c.id, c.asOf, h, c.want)
		}
	}
}
