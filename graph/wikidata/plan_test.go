package wikidata_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/graph/wikidata"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

var ctx = context.Background()

// columns are those of the 2022 generation that the importer reads.
var columns = []string{"operator", "operatorQID", "jurisdictions", "jurisdictionQIDs", "country", "countryQID",
	"city", "cityQID", "latitude", "longitude", "type", "creation", "QID"}

// row is a row of a test file by column name. Entity cells are written
// "Label=Q123" under the label's column and expanded to the QID column.
type row map[string]string

func csvOf(rows ...row) string {
	var b strings.Builder
	b.WriteString(strings.Join(columns, ";") + ";\n")
	for _, r := range rows {
		cells := map[string]string{}
		for col, v := range r {
			switch col {
			case "operator", "country", "city", "jurisdictions":
				var labels, qids []string
				for _, part := range strings.Split(v, "|") {
					label, qid, _ := strings.Cut(part, "=")
					labels = append(labels, label)
					if qid != "" {
						qid = "http://www.wikidata.org/entity/" + qid
					}
					qids = append(qids, qid)
				}
				qcol := col + "QID"
				if col == "jurisdictions" {
					qcol = "jurisdictionQIDs"
				}
				cells[col], cells[qcol] = strings.Join(labels, "|"), strings.Join(qids, "|")
			case "QID":
				if v != "" {
					v = "http://www.wikidata.org/entity/" + v
				}
				cells[col] = v
			default:
				cells[col] = v
			}
		}
		out := make([]string, len(columns))
		for i, c := range columns {
			out[i] = cells[c]
		}
		b.WriteString(strings.Join(out, ";") + "\n")
	}
	return b.String()
}

func mustPlan(t *testing.T, db *store.DB, date string, rows ...row) *wikidata.Plan {
	t.Helper()
	f, err := wikidata.Read(strings.NewReader(csvOf(rows...)), "test.csv")
	if err != nil {
		t.Fatal(err)
	}
	p, err := wikidata.MakePlan(ctx, db, f, graph.MustDate(date))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustApply(t *testing.T, db *store.DB, p *wikidata.Plan) {
	t.Helper()
	if err := db.ApplyGroups(ctx, p.Groups, nil); err != nil {
		t.Fatal(err)
	}
}

// relationsOf returns the relations leading out of id, as "TYPE to period";
// the period of a relation a snapshot lists, open from an unknown start,
// is left out.
func relationsOf(t *testing.T, db *store.DB, id graph.ID) []string {
	t.Helper()
	adj, err := db.Adjacent(ctx, graph.AdjacencyQuery{IDs: []graph.ID{id}, Direction: graph.Out})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range adj[id].Relations {
		s := string(r.Type) + " " + string(r.To)
		if p := r.Period.String(); p != "?–" {
			s += " " + p
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func mustEntity(t *testing.T, db *store.DB, id graph.ID) *graph.Entity {
	t.Helper()
	e, err := db.Entity(ctx, id)
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	return e
}

func TestMakePlan_Matching(t *testing.T) {
	db := storetest.OpenSeeded(t, "")
	p := mustPlan(t, db, "2022-11-16",
		// 2: everything matches the seeds: Ottawa by name, in Canada.
		row{"operator": "Afghanistan=Q889", "country": "Canada=Q16", "city": "Ottawa=Q1930", "type": "embassy",
			"latitude": "45.4112", "longitude": "-75.6913", "creation": "1927-01-01T00:00:00Z", "QID": "Q13634268"},
		// 3: a government is its state; a city that matches nothing is made in the host.
		row{"operator": "Government of Sweden=Q930729", "country": "United States of America=Q30", "city": "Redmond=Q47", "type": "consulates of Sweden",
			"latitude": "47.67", "longitude": "-122.12", "creation": "1993-05-01T00:00:00Z", "QID": "Q109834803"},
		// 4: the Order of Malta is not the Republic of Malta.
		row{"operator": "Malta=Q190353", "country": "Italy=Q38", "city": "Rome=Q220", "type": "embassy", "creation": "2001-07-05T00:00:00Z", "QID": "Q901"},
		// 5: Taiwan's ministry sends its embassy to the Holy See, in Rome.
		row{"operator": "Ministry of Foreign Affairs=Q697158", "jurisdictions": "Vatican City=Q237", "country": "Italy=Q38", "city": "Rome=Q220",
			"type": "embassy", "creation": "1300-01-01T00:00:00Z", "QID": "Q28065003"},
		// 6: a Kingston in Australia is not Jamaica's.
		row{"operator": "Jamaica=Q766", "country": "Australia=Q408", "city": "Kingston=Q9990001", "type": "British High Commission", "QID": "Q902"},
		// 7: a city-state given as its own city is its capital.
		row{"operator": "Japan=Q17", "country": "Singapore=Q334", "city": "Singapore=Q334", "type": "embassy", "QID": "Q903"},
		// 8: senders and hosts the graph lacks are made.
		row{"operator": "Abkhazia=Q31354462", "country": "Russia=Q159", "city": "Moscow=Q649", "type": "embassy", "QID": "Q904"},
		row{"operator": "Fooland Council=Q999001", "country": "Barland=Q999002", "type": "liaison office", "QID": "Q905"},
		// 10: a province is no accreditation; the host stands for it.
		row{"operator": "Germany=Q183", "jurisdictions": "Guangdong=Q15175|Guangxi=Q15176", "country": "People's Republic of China=Q148",
			"city": "Guangzhou=Q16572", "type": "consulate general", "QID": "Q906"},
		// 11-17: rows that cannot be used.
		row{"operator": "Turkey=Q43", "country": "Canada=Q16", "city": "Ottawa=Q1930", "type": "hospital", "QID": "Q907"},
		row{"operator": "Turkey=Q43", "country": "Canada=Q16", "type": "embassy", "QID": ""},
		row{"operator": "Iraq=Q796", "country": "Kuwait=Q817", "type": "embassy", "QID": "Q908"},
		row{"operator": "Nepal=Q837", "country": "Kuwait=Q817", "type": "embassy", "QID": "Q908"},
		row{"operator": "Nepal=Q837", "country": "Qatar=Q846", "type": "embassy", "QID": "Q909"},
		row{"operator": "Nepal=Q837", "country": "Qatar=Q846", "type": "embassy", "QID": "Q909"},
		row{"operator": "Vatican=Q237", "country": "Nordic countries=Q52062", "type": "apostolic nunciature", "QID": "Q85742475"},
	)

	t.Run("Counts", func(t *testing.T) {
		if len(p.Added) != 10 || len(p.Updated)+len(p.Unchanged)+len(p.Closed) != 0 {
			t.Errorf("added %d, updated %d, unchanged %d, closed %d; want 10 added", len(p.Added), len(p.Updated), len(p.Unchanged), len(p.Closed))
		}
		var got []string
		for _, r := range p.Rejected {
			got = append(got, strings.Join([]string{itoa(r.Line), r.QID, r.Why}, " "))
		}
		want := []string{
			`11 Q907 unknown mission type "hospital"`,
			"12  no QID",
			"13 Q908 QID on more than one row, which disagree",
			"14 Q908 QID on more than one row, which disagree",
			"16 Q909 repeats an earlier row",
			"17 Q85742475 country Nordic countries (Q52062): it is a region, not a state or organisation the graph could hold",
		}
		sameLines(t, "rejected", got, want)
		wantNotes := []string{
			"10 jurisdiction not linked: it matches no country, territory or organisation: Guangdong (Q15175)",
			"10 jurisdiction not linked: it matches no country, territory or organisation: Guangxi (Q15176)",
			"5 creation date ignored: 1300-01-01 is before 1400, earlier than any resident mission",
		}
		sameLines(t, "notes", noteLines(p), wantNotes)
		var made []string
		for _, e := range p.Created {
			made = append(made, string(e.ID)+" "+e.Attributes[graph.AttrWikidata])
		}
		wantMade := []string{"org:sovereign-military-order-of-malta Q190353", "country:abkhazia Q31354462", "org:fooland-council Q999001",
			"country:barland Q999002", "city:redmond Q47", "city:kingston Q9990001", "city:guangzhou Q16572"}
		if !slices.Equal(made, wantMade) {
			t.Errorf("made %q\nwant %q", made, wantMade)
		}
	})

	mustApply(t, db, p)
	for _, c := range []struct {
		id       graph.ID
		name     string
		typ      graph.MissionType
		official bool
		from     string
		rels     []string
	}{
		{"mission:wd-q13634268", "Embassy of Afghanistan in Canada", graph.Embassy, true, "1927",
			[]string{"ACCREDITS_TO country:canada", "LOCATED_IN city:ottawa", "SENT_BY country:afghanistan"}},
		{"mission:wd-q109834803", "Consulate of Sweden in Redmond", graph.Consulate, true, "1993-05",
			[]string{"ACCREDITS_TO country:united-states", "LOCATED_IN city:redmond", "SENT_BY country:sweden"}},
		{"mission:wd-q901", "Embassy of the Sovereign Military Order of Malta in Italy", graph.Embassy, true, "2001-07-05",
			[]string{"ACCREDITS_TO country:italy", "LOCATED_IN city:rome", "SENT_BY org:sovereign-military-order-of-malta"}},
		{"mission:wd-q28065003", "Embassy of Taiwan in Rome", graph.Embassy, true, "",
			[]string{"ACCREDITS_TO country:holy-see", "LOCATED_IN city:rome", "SENT_BY country:taiwan"}},
		{"mission:wd-q902", "High Commission of Jamaica in Australia", graph.HighCommission, true, "",
			[]string{"ACCREDITS_TO country:australia", "LOCATED_IN city:kingston", "SENT_BY country:jamaica"}},
		{"mission:wd-q903", "Embassy of Japan in Singapore", graph.Embassy, true, "",
			[]string{"ACCREDITS_TO country:singapore", "LOCATED_IN city:singapore", "SENT_BY country:japan"}},
		{"mission:wd-q904", "Embassy of Abkhazia in Russia", graph.Embassy, true, "",
			[]string{"ACCREDITS_TO country:russia", "LOCATED_IN city:moscow", "SENT_BY country:abkhazia"}},
		{"mission:wd-q905", "Liaison Office of Fooland Council in Barland", graph.LiaisonOffice, true, "",
			[]string{"ACCREDITS_TO country:barland", "LOCATED_IN country:barland", "SENT_BY org:fooland-council"}},
		{"mission:wd-q906", "Consulate General of Germany in Guangzhou", graph.ConsulateGeneral, true, "",
			[]string{"ACCREDITS_TO country:china", "LOCATED_IN city:guangzhou", "SENT_BY country:germany"}},
	} {
		t.Run(string(c.id), func(t *testing.T) {
			e := mustEntity(t, db, c.id)
			if e.Name != c.name || e.MissionType != c.typ || e.Official != c.official || e.From.String() != c.from || !e.To.IsZero() {
				t.Errorf("got %q %s official=%v %s; want %q %s official=%v from %q", e.Name, e.MissionType, e.Official, e.Period, c.name, c.typ, c.official, c.from)
			}
			qid := strings.ToUpper(strings.TrimPrefix(string(c.id), "mission:wd-"))
			if e.Attributes["dataset"] != "wikidata-embassies" || e.Attributes[graph.AttrWikidata] != qid ||
				len(e.Sources) != 1 || e.Sources[0].Document != "Wikidata diplomatic missions (database-of-embassies, 2022-11-16)" ||
				e.Sources[0].URL != "https://www.wikidata.org/wiki/"+qid || !strings.HasPrefix(e.Sources[0].Quote, "QID="+qid+"; operator=") {
				t.Errorf("attributes %v, sources %+v", e.Attributes, e.Sources)
			}
			if got := relationsOf(t, db, c.id); !slices.Equal(got, c.rels) {
				t.Errorf("relations %q\nwant %q", got, c.rels)
			}
		})
	}
	t.Run("NewCities", func(t *testing.T) {
		redmond := mustEntity(t, db, "city:redmond")
		if redmond.Attributes[wikidata.AttrLatitude] != "47.67" || redmond.Attributes[graph.AttrWikidata] != "Q47" {
			t.Errorf("city:redmond has attributes %v", redmond.Attributes)
		}
		if got := relationsOf(t, db, "city:redmond"); !slices.Equal(got, []string{"LOCATED_IN country:united-states"}) {
			t.Errorf("city:redmond: %q", got)
		}
	})
}

func TestMakePlan_Snapshots(t *testing.T) {
	db := storetest.OpenSeeded(t, "")
	ottawa := row{"operator": "Afghanistan=Q889", "country": "Canada=Q16", "city": "Ottawa=Q1930", "type": "embassy", "QID": "Q1"}
	uccle := row{"operator": "Afghanistan=Q889", "country": "Belgium=Q31", "city": "Uccle=Q203312", "type": "embassy",
		"latitude": "50.7985", "longitude": "4.3424", "QID": "Q2"}
	paris := row{"operator": "Germany=Q183", "country": "France=Q142", "city": "Paris=Q90", "type": "embassy", "QID": "Q3"}
	hospital := row{"operator": "Turkey=Q43", "country": "Canada=Q16", "city": "Ottawa=Q1930", "type": "hospital", "QID": "Q4"}

	a := mustPlan(t, db, "2020-10-22", ottawa, uccle, paris, hospital)
	if len(a.Added) != 3 || len(a.Rejected) != 1 {
		t.Fatalf("first snapshot: added %v, rejected %v", a.Added, a.Rejected)
	}
	mustApply(t, db, a)
	uccleBefore := relationsOf(t, db, "mission:wd-q2")

	// The newer snapshot moves Uccle's embassy, accredits it to Luxembourg
	// too, drops Paris, and lists the row rejected before as an embassy.
	uccle2 := row{"operator": "Afghanistan=Q889", "jurisdictions": "Belgium=Q31|Luxembourg=Q32", "country": "Belgium=Q31", "city": "Uccle=Q203312",
		"type": "embassy", "latitude": "50.8", "longitude": "4.3424", "QID": "Q2"}
	ankara := row{"operator": "Turkey=Q43", "country": "Canada=Q16", "city": "Ottawa=Q1930", "type": "embassy", "QID": "Q4"}
	b := mustPlan(t, db, "2022-11-16", ottawa, uccle2, ankara)
	if !slices.Equal(b.Added, []graph.ID{"mission:wd-q4"}) || !slices.Equal(b.Updated, []graph.ID{"mission:wd-q2"}) ||
		!slices.Equal(b.Unchanged, []graph.ID{"mission:wd-q1"}) || !slices.Equal(b.Closed, []graph.ID{"mission:wd-q3"}) {
		t.Fatalf("added %v, updated %v, unchanged %v, closed %v", b.Added, b.Updated, b.Unchanged, b.Closed)
	}
	if b.Changes["coordinates"] != 1 || b.Changes["accreditations"] != 1 || len(b.Changes) != 2 {
		t.Errorf("changes %v; want coordinates and accreditations", b.Changes)
	}
	before, _ := db.Version(ctx)
	mustApply(t, db, b)

	t.Run("Updated", func(t *testing.T) {
		e := mustEntity(t, db, "mission:wd-q2")
		if e.Attributes[wikidata.AttrLatitude] != "50.8" || e.Sources[0].Document != wikidata.Document(graph.MustDate("2022-11-16")) {
			t.Errorf("mission:wd-q2 is %+v", e)
		}
		got := relationsOf(t, db, "mission:wd-q2")
		want := append(slices.Clone(uccleBefore), "ACCREDITS_TO country:luxembourg")
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("relations %q, want %q", got, want)
		}
		// The city made by the first snapshot is found again by its QID.
		if got := relationsOf(t, db, "mission:wd-q2"); !slices.Contains(got, "LOCATED_IN city:uccle") {
			t.Errorf("relations %q", got)
		}
	})
	t.Run("ListedAgainIsAttestedAgain", func(t *testing.T) {
		if e := mustEntity(t, db, "mission:wd-q1"); e.AttestedFrom.String() != "2020-10-22" || e.AttestedTo.String() != "2022-11-16" || !e.Open {
			t.Errorf("mission:wd-q1, in both snapshots: %s attested %s..%s; want open, attested 2020-10-22..2022-11-16", e.Period, e.AttestedFrom, e.AttestedTo)
		}
		adj, err := db.Adjacent(ctx, graph.AdjacencyQuery{IDs: []graph.ID{"mission:wd-q1"}, Direction: graph.Out})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range adj["mission:wd-q1"].Relations {
			if r.AttestedFrom.String() != "2020-10-22" || r.AttestedTo.String() != "2022-11-16" {
				t.Errorf("%s attested %s..%s; want 2020-10-22..2022-11-16", r.Describe(), r.AttestedFrom, r.AttestedTo)
			}
		}
		// Known from the first snapshot, only possible before it.
		if e := mustEntity(t, db, "mission:wd-q1"); e.Period.At(graph.MustDate("2020-10-22")) != graph.Known || e.Period.At(graph.MustDate("2020-10-21")) != graph.Possible {
			t.Errorf("mission:wd-q1 is %s on 2020-10-22 and %s the day before", e.Period.At(graph.MustDate("2020-10-22")), e.Period.At(graph.MustDate("2020-10-21")))
		}
	})
	t.Run("Closed", func(t *testing.T) {
		// No longer open, and the snapshot does not say when it went: an
		// unknown end, ended by the snapshot; known while it was listed,
		// possible after until the snapshot, ruled out from it on.
		e := mustEntity(t, db, "mission:wd-q3")
		if e.Open || !e.To.IsZero() || e.EndedBy.String() != "2022-11-16" || len(e.Sources) != 2 || !strings.Contains(e.Sources[1].Quote, "not listed in this snapshot of 2022-11-16") {
			t.Errorf("mission:wd-q3 is %+v", e)
		}
		for day, want := range map[string]graph.Holding{"2020-10-22": graph.Known, "2021-06-01": graph.Possible, "2022-11-15": graph.Possible, "2022-11-16": graph.RuledOut} {
			if got := e.Period.At(graph.MustDate(day)); got != want {
				t.Errorf("mission:wd-q3 is %s on %s, want %s", got, day, want)
			}
		}
		want := []string{"ACCREDITS_TO country:france ?–<2022-11-16", "LOCATED_IN city:paris ?–<2022-11-16", "SENT_BY country:germany ?–<2022-11-16"}
		if got := relationsOf(t, db, "mission:wd-q3"); !slices.Equal(got, want) {
			t.Errorf("relations %q, want %q", got, want)
		}
	})
	t.Run("SameSnapshotAgain", func(t *testing.T) {
		again := mustPlan(t, db, "2022-11-16", ottawa, uccle2, ankara)
		if len(again.Unchanged) != 3 || len(again.Groups) != 0 || again.StillClosed != 1 {
			t.Errorf("unchanged %v, %d groups, %d still closed; want all unchanged and nothing to write", again.Unchanged, len(again.Groups), again.StillClosed)
		}
	})
	t.Run("ErrOlderSnapshot", func(t *testing.T) {
		f, _ := wikidata.Read(strings.NewReader(csvOf(ottawa)), "old.csv")
		_, err := wikidata.MakePlan(ctx, db, f, graph.MustDate("2020-10-22"))
		if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(graph.ErrorMessage(err), "import snapshots oldest first") {
			t.Errorf("got %v", err)
		}
		if after, _ := db.Version(ctx); after == before {
			t.Error("the newer snapshot wrote nothing")
		}
	})
	t.Run("Reopened", func(t *testing.T) {
		c := mustPlan(t, db, "2023-01-01", ottawa, uccle2, ankara, paris)
		if !slices.Equal(c.Updated, []graph.ID{"mission:wd-q3"}) || len(c.Closed) != 0 {
			t.Fatalf("updated %v, closed %v", c.Updated, c.Closed)
		}
		mustApply(t, db, c)
		if e := mustEntity(t, db, "mission:wd-q3"); !e.To.IsZero() || !e.Open || !e.EndedBy.IsZero() {
			t.Errorf("mission:wd-q3 is still closed: %s", e.Period)
		}
		want := []string{"ACCREDITS_TO country:france", "LOCATED_IN city:paris", "SENT_BY country:germany"}
		if got := relationsOf(t, db, "mission:wd-q3"); !slices.Equal(got, want) {
			t.Errorf("relations %q, want %q", got, want)
		}
	})
}

// TestMakePlan_NonModelSenders: an operator that is a people, a region or
// a sub-national government the seeds lack is no sender the graph can
// hold, and its row is rejected rather than made an organisation or a
// territory; one the seeds curate is matched and imported. A host or
// jurisdiction of that kind is left out, and the row kept if something
// else it is accredited to matches.
func TestMakePlan_NonModelSenders(t *testing.T) {
	db := storetest.OpenSeeded(t, "")
	p := mustPlan(t, db, "2022-11-16",
		// 2-4: the senders of the real files the graph cannot hold.
		row{"operator": "Indigenous Australians=Q170355", "jurisdictions": "Australia=Q408", "country": "Australia=Q408", "city": "Canberra=Q3114",
			"type": "embassy", "QID": "Q189212"},
		row{"operator": "Government of New Mexico=Q16152647", "country": "Japan=Q17", "city": "Akasaka=Q416131", "type": "liaison office", "QID": "Q48136350"},
		row{"operator": "Saxony=Q1202", "country": "Belgium=Q31", "city": "Brussels=Q239", "type": "liaison office", "QID": "Q2210560"},
		// 5-6: curated sub-national governments, by name and by the alias
		// of the seeds, are senders.
		row{"operator": "Quebec=Q176", "country": "France=Q142", "city": "Paris=Q90", "type": "Quebec Government Office", "QID": "Q911"},
		row{"operator": "Government of Catalonia=Q9990201", "country": "Belgium=Q31", "city": "Brussels=Q239", "type": "delegation", "QID": "Q912"},
		// 7: a region among the jurisdictions is left out.
		row{"operator": "Vatican=Q237", "jurisdictions": "Sweden=Q34|Nordic countries=Q52062", "country": "Sweden=Q34", "type": "apostolic nunciature", "QID": "Q913"},
		// 8: a region as the host is left out when the jurisdictions name states.
		row{"operator": "Vatican=Q237", "jurisdictions": "Denmark=Q35|Norway=Q20", "country": "Nordic countries=Q52062", "type": "apostolic nunciature", "QID": "Q914"},
		// 9: and rejects the row when nothing else matches.
		row{"operator": "Vatican=Q237", "jurisdictions": "Nordic countries=Q52062", "country": "Nordic countries=Q52062", "type": "apostolic nunciature", "QID": "Q915"},
	)
	var got []string
	for _, r := range p.Rejected {
		got = append(got, itoa(r.Line)+" "+r.String())
	}
	const subNational = "it is a sub-national government, not a state or organisation the graph could hold " +
		"(curated sub-national governments that run offices abroad, such as Quebec or Catalonia, are matched from the seeds)"
	want := []string{
		"2 operator Indigenous Australians (Q170355): it is a people, not a state or organisation the graph could hold",
		"3 operator Government of New Mexico (Q16152647): " + subNational,
		"4 operator Saxony (Q1202): " + subNational,
		"9 country Nordic countries (Q52062): it is a region, not a state or organisation the graph could hold",
	}
	sameLines(t, "rejected", got, want)
	wantNotes := []string{
		"7 jurisdiction not linked: it is a region, not a state or organisation the graph could hold: Nordic countries (Q52062)",
		"8 host country not linked: it is a region, not a state or organisation the graph could hold: Nordic countries (Q52062)",
	}
	sameLines(t, "notes", noteLines(p), wantNotes)
	for _, e := range p.Created {
		if e.Kind != graph.City {
			t.Errorf("made %s %q (%s); a sender that is not a state or organisation must not be made", e.ID, e.Name, e.Attributes[graph.AttrWikidata])
		}
	}
	mustApply(t, db, p)
	for _, id := range []graph.ID{"org:indigenous-australians", "org:government-of-new-mexico", "territory:saxony", "org:saxony",
		"mission:wd-q189212", "mission:wd-q48136350", "mission:wd-q2210560", "mission:wd-q915"} {
		if _, err := db.Entity(ctx, id); graph.ErrorCode(err) != graph.ENOTFOUND {
			t.Errorf("%s: %v; want it not made", id, err)
		}
	}
	for id, want := range map[graph.ID][]string{
		"mission:wd-q911": {"ACCREDITS_TO country:france", "LOCATED_IN city:paris", "SENT_BY territory:quebec"},
		"mission:wd-q912": {"ACCREDITS_TO country:belgium", "LOCATED_IN city:brussels", "SENT_BY territory:catalonia"},
		"mission:wd-q913": {"ACCREDITS_TO country:sweden", "LOCATED_IN country:sweden", "SENT_BY country:holy-see"},
		"mission:wd-q914": {"ACCREDITS_TO country:denmark", "ACCREDITS_TO country:norway", "SENT_BY country:holy-see"},
	} {
		if got := relationsOf(t, db, id); !slices.Equal(got, want) {
			t.Errorf("%s: relations %q\nwant %q", id, got, want)
		}
	}

	// Once a sub-national government is curated, its rows are imported:
	// what the graph holds is matched before the refusal applies.
	t.Run("Curated", func(t *testing.T) {
		db := storetest.OpenSeeded(t, "")
		err := db.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{
			{ID: "territory:saxony", Kind: graph.Territory, Name: "Saxony", Sources: []graph.Source{{Document: "Test fixture"}}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		p := mustPlan(t, db, "2022-11-16",
			row{"operator": "Saxony=Q1202", "country": "Belgium=Q31", "city": "Brussels=Q239", "type": "liaison office", "QID": "Q2210560"})
		if len(p.Rejected) != 0 || !slices.Equal(p.Added, []graph.ID{"mission:wd-q2210560"}) {
			t.Fatalf("rejected %v, added %v", p.Rejected, p.Added)
		}
		mustApply(t, db, p)
		want := []string{"ACCREDITS_TO country:belgium", "LOCATED_IN city:brussels", "SENT_BY territory:saxony"}
		if got := relationsOf(t, db, "mission:wd-q2210560"); !slices.Equal(got, want) {
			t.Errorf("relations %q\nwant %q", got, want)
		}
	})
}

// TestMakePlan_RealFilesMake holds the countries, territories and
// organisations an import of the real snapshots makes to the list they
// were reviewed against: each is a state (current, former or de facto) or
// an organisation. The people, the US state and the German Land the files
// name as operators are rejected instead, with their lines. A new entity
// here is to be reviewed, and refused in the known table if the graph
// cannot hold it.
func TestMakePlan_RealFilesMake(t *testing.T) {
	const subNational = "it is a sub-national government, not a state or organisation the graph could hold " +
		"(curated sub-national governments that run offices abroad, such as Quebec or Catalonia, are matched from the seeds)"
	const people = "it is a people, not a state or organisation the graph could hold"
	check := func(t *testing.T, p *wikidata.Plan, made, rejected []string) {
		t.Helper()
		var got []string
		for _, e := range p.Created {
			if e.Kind != graph.City {
				got = append(got, string(e.ID)+" "+e.Attributes[graph.AttrWikidata])
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, made) {
			t.Errorf("%s made\n%s\nwant\n%s", p.File, strings.Join(got, "\n"), strings.Join(made, "\n"))
		}
		for _, want := range rejected {
			if !slices.ContainsFunc(p.Rejected, func(r wikidata.Rejection) bool { return itoa(r.Line)+": "+r.String() == want }) {
				t.Errorf("%s: no rejection %q", p.File, want)
			}
		}
	}
	states := []string{"country:abkhazia Q31354462", "country:south-ossetia Q23427", "org:sovereign-military-order-of-malta Q190353"}
	since2022 := []string{"org:central-tibetan-administration Q326343", "org:european-parliament Q8889"}
	rejected2022 := []string{
		"2956: operator Government of New Mexico (Q16152647): " + subNational,
		"3498: operator Indigenous Australians (Q170355): " + people,
		"7059: operator Saxony (Q1202): " + subNational,
	}
	t.Run("2022", func(t *testing.T) {
		db := storetest.OpenSeeded(t, "")
		p, err := wikidata.MakePlan(ctx, db, storetest.Snapshot(t, "database_of_embassies-2022-11-16.csv"), graph.MustDate("2022-11-16"))
		if err != nil {
			t.Fatal(err)
		}
		made := append(slices.Clone(states), since2022...)
		slices.Sort(made)
		check(t, p, made, rejected2022)
	})
	t.Run("2020Then2022", func(t *testing.T) {
		db := storetest.OpenSeeded(t, "")
		p, err := wikidata.MakePlan(ctx, db, storetest.Snapshot(t, "database_of_embassies-2020-10-22.csv"), graph.MustDate("2020-10-22"))
		if err != nil {
			t.Fatal(err)
		}
		made := append(slices.Clone(states), "country:kingdom-of-prussia Q27306", "org:organisation-of-eastern-caribbean-states Q392770")
		slices.Sort(made)
		check(t, p, made, []string{
			"1123: operator Government of New Mexico (Q16152647): " + subNational,
			"1296: operator Indigenous Australians (Q170355): " + people,
		})
		mustApply(t, db, p)
		p, err = wikidata.MakePlan(ctx, db, storetest.Snapshot(t, "database_of_embassies-2022-11-16.csv"), graph.MustDate("2022-11-16"))
		if err != nil {
			t.Fatal(err)
		}
		check(t, p, since2022, rejected2022)
	})
}

func TestMakePlan_LeavesOthersAlone(t *testing.T) {
	db := storetest.OpenSeeded(t, "")
	src := []graph.Source{{Document: "Test fixture"}}
	err := db.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{
		{ID: "mission:curated-embassy", Kind: graph.Mission, Name: "Curated", MissionType: graph.Embassy, Official: true,
			Attributes: map[string]string{graph.AttrWikidata: "Q777"}, Sources: src},
		{ID: "mission:wd-q778", Kind: graph.Mission, Name: "Written by hand", MissionType: graph.Embassy, Official: true, Sources: src},
	}, Relations: []*graph.Relation{
		{Type: graph.SentBy, From: "mission:curated-embassy", To: "country:cuba", Sources: src},
	}})
	if err != nil {
		t.Fatal(err)
	}
	p := mustPlan(t, db, "2022-11-16",
		row{"operator": "Cuba=Q241", "country": "Canada=Q16", "type": "embassy", "QID": "Q777"},
		row{"operator": "Cuba=Q241", "country": "Canada=Q16", "type": "embassy", "QID": "Q778"},
	)
	if len(p.Rejected) != 2 || len(p.Groups) != 0 {
		t.Fatalf("rejected %v, %d groups; want both rows rejected", p.Rejected, len(p.Groups))
	}
	for i, want := range []string{"the QID is already a mission this data set did not make", "the mission's id is taken"} {
		if !strings.HasPrefix(p.Rejected[i].Why, want) {
			t.Errorf("rejection %d: %s", i, p.Rejected[i])
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// noteLines gives each of p's notes as "line why: detail".
func noteLines(p *wikidata.Plan) []string {
	var lines []string
	for _, n := range p.Notes {
		lines = append(lines, itoa(n.Line)+" "+n.Why+": "+n.Detail)
	}
	return lines
}

// sameLines fails the test unless got and want, the lines of what, are
// the same, and shows both if not.
func sameLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n%s\nwant:\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestMakePlan_AttestsWhatRowsName: a snapshot shows that the sender, host
// country, jurisdictions and city of each mission it lists held on its
// date, so it attests the entities the graph held that its rows name, and
// the missions' relations to them are known to hold then.
func TestMakePlan_AttestsWhatRowsName(t *testing.T) {
	db := storetest.OpenSeeded(t, t.TempDir())
	snapshot := graph.MustDate("2022-11-16")
	doc := wikidata.Document(snapshot)
	fixture := []graph.Source{{Document: "Test fixture"}}
	// Laterland and Latertown are known only from a list taken in 2026,
	// as the seeds know the Holy See; Earlyland only from 1990.
	later := graph.Period{Open: true}
	later.Attest(graph.MustDate("2026-11-22"))
	var early graph.Period
	early.Attest(graph.MustDate("1990"))
	err := db.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{
		{ID: "country:laterland", Kind: graph.Country, Name: "Laterland", Period: later,
			Attributes: map[string]string{graph.AttrWikidata: "Q999201"}, Sources: fixture},
		{ID: "city:latertown", Kind: graph.City, Name: "Latertown", Period: later,
			Attributes: map[string]string{graph.AttrWikidata: "Q999203"}, Sources: fixture},
		{ID: "country:earlyland", Kind: graph.Country, Name: "Earlyland", Period: early, Sources: fixture},
		// Stated dates that rule the snapshot's date out: an end before
		// it, a start after it.
		{ID: "country:oldland", Kind: graph.Country, Name: "Oldland",
			Period: graph.Period{From: graph.MustDate("1900"), To: graph.MustDate("2000")}, Sources: fixture},
		{ID: "country:newland", Kind: graph.Country, Name: "Newland", Period: graph.Period{From: graph.MustDate("2030")}, Sources: fixture},
	}})
	if err != nil {
		t.Fatal(err)
	}
	life := func(id graph.ID) (graph.Period, bool) {
		e, err := db.Entity(ctx, id)
		if err != nil {
			return graph.Period{}, false
		}
		return e.Period, true
	}
	if h := mustEntity(t, db, "country:laterland").Period.At(snapshot); h != graph.Possible {
		t.Fatalf("before the import, country:laterland is %s on %s; want POSSIBLE", h, snapshot)
	}
	rows := []row{
		{"operator": "Laterland=Q999201", "country": "Canada=Q16", "city": "Ottawa=Q1930", "type": "embassy", "QID": "Q960"},
		{"operator": "Canada=Q16", "jurisdictions": "Laterland=Q999201", "country": "Laterland=Q999201", "city": "Latertown=Q999203",
			"type": "embassy", "QID": "Q961"},
		{"operator": "Earlyland=Q999207", "country": "Canada=Q16", "city": "Ottawa=Q1930", "type": "embassy", "QID": "Q962"},
		{"operator": "Oldland=Q999202", "country": "Canada=Q16", "type": "embassy", "QID": "Q963"},
		{"operator": "Newland=Q999204", "country": "Canada=Q16", "type": "embassy", "QID": "Q964"},
		// Made by the import, and so attested already.
		{"operator": "Fooland Council=Q999205", "country": "Canada=Q16", "city": "Newtown=Q999206", "type": "liaison office", "QID": "Q965"},
		// A row that is rejected attests nothing.
		{"operator": "Fooland Council=Q999205", "country": "Earlyland=Q999207", "type": "hospital", "QID": "Q966"},
	}
	p := mustPlan(t, db, "2022-11-16", rows...)
	if len(p.Added) != 6 || len(p.Rejected) != 1 {
		t.Fatalf("added %v, rejected %v", p.Added, p.Rejected)
	}

	t.Run("Plan", func(t *testing.T) {
		for _, id := range []graph.ID{"country:laterland", "city:latertown", "country:earlyland", "country:canada", "city:ottawa"} {
			if !slices.Contains(p.Attested, id) {
				t.Errorf("%s is not attested; attested %v", id, p.Attested)
			}
		}
		for _, e := range p.Created {
			if e.AttestedFrom != snapshot || !e.AttestedTo.IsZero() {
				t.Errorf("%s, made by the import, is attested %s..%s; want %s", e.ID, e.AttestedFrom, e.AttestedTo, snapshot)
			}
			if slices.Contains(p.Attested, e.ID) {
				t.Errorf("%s, made by the import, is attested again", e.ID)
			}
		}
		var not []graph.ID
		for _, e := range p.NotAttested {
			not = append(not, e.ID)
		}
		if want := []graph.ID{"country:newland", "country:oldland"}; !slices.Equal(not, want) {
			t.Errorf("not attested %v, want %v", not, want)
		}
		var b strings.Builder
		if err := p.WriteSummary(&b); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			fmt.Sprintf("  attested   %6d entities the graph held that the rows name, on 2022-11-16 too (", len(p.Attested)),
			"  not attested    2 entities the rows name whose stated dates rule 2022-11-16 out",
			"    country:oldland \"Oldland\" (1900–2000)\n",
		} {
			if !strings.Contains(b.String(), want) {
				t.Errorf("the summary lacks %q:\n%s", want, b.String())
			}
		}
	})

	mustApply(t, db, p)

	t.Run("KnownOnTheSnapshotDate", func(t *testing.T) {
		e := mustEntity(t, db, "country:laterland")
		if e.AttestedFrom != snapshot || e.AttestedTo.String() != "2026-11-22" || !e.Open || !e.From.IsZero() {
			t.Errorf("country:laterland is %s attested %s..%s; want its open end kept, attested 2022-11-16..2026-11-22", e.Period, e.AttestedFrom, e.AttestedTo)
		}
		if h := e.Period.At(snapshot); h != graph.Known {
			t.Errorf("country:laterland is %s on %s; want KNOWN", h, snapshot)
		}
		if h := e.Period.At(graph.MustDate("2022-11-15")); h != graph.Possible {
			t.Errorf("country:laterland is %s the day before the snapshot; want POSSIBLE", h)
		}
		want := graph.Source{Document: doc, URL: "https://www.wikidata.org/wiki/Q999201",
			Quote: "Listed in this snapshot as operator of 1 mission, country of 1 mission and jurisdiction of 1 mission (as Laterland, Q999201)"}
		if len(e.Sources) != 2 || e.Sources[0] != fixture[0] || e.Sources[1] != want {
			t.Errorf("country:laterland cites %+v; want the fixture, then %+v", e.Sources, want)
		}
		if e := mustEntity(t, db, "country:earlyland"); e.AttestedFrom.String() != "1990" || e.AttestedTo != snapshot {
			t.Errorf("country:earlyland is attested %s..%s; want 1990..2022-11-16", e.AttestedFrom, e.AttestedTo)
		}
		for _, c := range []struct {
			mission, to graph.ID
			typ         graph.RelationType
		}{
			{"mission:wd-q960", "country:laterland", graph.SentBy},
			{"mission:wd-q961", "country:laterland", graph.AccreditsTo},
			{"mission:wd-q961", "city:latertown", graph.LocatedIn},
			{"mission:wd-q962", "country:earlyland", graph.SentBy},
		} {
			r := relationTo(t, db, c.mission, c.typ, c.to)
			if h := graph.RelationAt(r, snapshot, life); h != graph.Known {
				t.Errorf("%s is %s on %s; want KNOWN", r.Describe(), h, snapshot)
			}
		}
		// The counts, which the store keeps as it writes, agree.
		for _, c := range []struct {
			by graph.GroupBy
			id graph.ID
		}{{graph.BySender, "country:laterland"}, {graph.ByHost, "country:laterland"}, {graph.ByCity, "city:latertown"}, {graph.BySender, "country:earlyland"}} {
			buckets, err := db.Count(ctx, graph.CountQuery{GroupBy: c.by, AsOf: snapshot, Limit: graph.MaxCountBuckets})
			if err != nil {
				t.Fatal(err)
			}
			if i := slices.IndexFunc(buckets, func(b graph.Bucket) bool { return b.Key == string(c.id) }); i < 0 || buckets[i].Count != 1 {
				t.Errorf("count by %s as of %s: %s is not counted once: %v", c.by, snapshot, c.id, buckets)
			}
		}
	})

	t.Run("RuledOutIsLeftAlone", func(t *testing.T) {
		for _, c := range []struct {
			id      graph.ID
			mission graph.ID
			period  string
		}{{"country:oldland", "mission:wd-q963", "1900–2000"}, {"country:newland", "mission:wd-q964", "2030–?"}} {
			e := mustEntity(t, db, c.id)
			if e.Period.String() != c.period || !e.AttestedFrom.IsZero() || len(e.Sources) != 1 {
				t.Errorf("%s is %s attested %s, citing %v; want it left as it was", c.id, e.Period, e.AttestedFrom, e.Sources)
			}
			// Its mission is imported, and its relation to it does not
			// hold on the snapshot's date.
			r := relationTo(t, db, c.mission, graph.SentBy, c.id)
			if h := graph.RelationAt(r, snapshot, life); h != graph.RuledOut {
				t.Errorf("%s is %s on %s; want RULED_OUT", r.Describe(), h, snapshot)
			}
		}
	})

	t.Run("SameSnapshotAgain", func(t *testing.T) {
		before, _ := db.Version(ctx)
		again := mustPlan(t, db, "2022-11-16", rows...)
		if len(again.Groups) != 0 || len(again.Attested) != 0 || len(again.Unchanged) != 6 {
			t.Errorf("%d groups, attested %v, unchanged %v; want nothing to write", len(again.Groups), again.Attested, again.Unchanged)
		}
		mustApply(t, db, again)
		if after, _ := db.Version(ctx); after != before {
			t.Errorf("the data version went from %d to %d", before, after)
		}
		if e := mustEntity(t, db, "country:laterland"); len(e.Sources) != 2 {
			t.Errorf("country:laterland cites %+v; want the snapshot once", e.Sources)
		}
	})

	t.Run("LaterSnapshot", func(t *testing.T) {
		// A later snapshot inside what is attested already narrows
		// nothing, and is cited too.
		next := mustPlan(t, db, "2023-06-01", rows[:2]...)
		if !slices.Contains(next.Attested, "country:laterland") {
			t.Fatalf("attested %v", next.Attested)
		}
		mustApply(t, db, next)
		e := mustEntity(t, db, "country:laterland")
		if e.AttestedFrom != snapshot || e.AttestedTo.String() != "2026-11-22" || len(e.Sources) != 3 ||
			e.Sources[2].Document != wikidata.Document(graph.MustDate("2023-06-01")) {
			t.Errorf("country:laterland is attested %s..%s, citing %+v", e.AttestedFrom, e.AttestedTo, e.Sources)
		}
	})
}

// relationTo returns the relation of type typ from one entity to another.
func relationTo(t *testing.T, db *store.DB, from graph.ID, typ graph.RelationType, to graph.ID) *graph.Relation {
	t.Helper()
	adj, err := db.Adjacent(ctx, graph.AdjacencyQuery{IDs: []graph.ID{from}, Direction: graph.Out, Types: []graph.RelationType{typ}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range adj[from].Relations {
		if r.To == to {
			return r
		}
	}
	t.Fatalf("%s has no %s to %s", from, typ, to)
	return nil
}
