package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store/storetest"
)

// countFixture has missions that open and close at known dates, a mission
// accredited to two hosts, a mission with two SENT_BY relations to one
// sender (two sources that disagree on a date), a LOCATED_IN to a country
// rather than a city, and an undated relation of a mission that closed.
func countFixture() *graph.Batch {
	mission := func(id, name string, t graph.MissionType, period ...string) *graph.Entity {
		e := entity(id, name)
		e.MissionType = t
		if len(period) > 0 {
			e.Period = graph.Period{From: graph.MustDate(period[0]), Open: true}
		}
		if len(period) > 1 {
			e.Period.To, e.Period.Open = graph.MustDate(period[1]), false
		}
		return e
	}
	gdr := entity("country:east-germany", "East Germany")
	gdr.Period = graph.Period{From: graph.MustDate("1949"), To: graph.MustDate("1990")}
	protects := rel(graph.Protects, "country:switzerland", "country:united-states", "1977", "2015")
	protects.Context = "country:cuba"
	return &graph.Batch{
		Entities: []*graph.Entity{
			entity("country:united-states", "United States"),
			entity("country:cuba", "Cuba"),
			entity("country:switzerland", "Switzerland"),
			entity("country:jamaica", "Jamaica"),
			gdr,
			entity("org:united-nations", "United Nations"),
			entity("city:havana", "Havana"),
			entity("city:new-york", "New York"),
			mission("mission:swiss-embassy-havana", "Embassy of Switzerland in Cuba", graph.Embassy),
			mission("mission:us-interests-section-havana", "US Interests Section in Havana", graph.InterestsSection, "1977", "2015"),
			mission("mission:us-embassy-havana", "Embassy of the United States in Havana", graph.Embassy, "2015-07-20"),
			mission("mission:us-mission-un", "US Mission to the UN", graph.PermanentMission),
			mission("mission:gdr-mission-un", "GDR Mission to the UN", graph.PermanentMission, "1973", "1990"),
		},
		Relations: []*graph.Relation{
			rel(graph.SentBy, "mission:swiss-embassy-havana", "country:switzerland"),
			rel(graph.SentBy, "mission:us-interests-section-havana", "country:united-states", "1977", "2015"),
			rel(graph.SentBy, "mission:us-interests-section-havana", "country:united-states", "1977-09", "2015"),
			rel(graph.SentBy, "mission:us-embassy-havana", "country:united-states", "2015-07-20"),
			rel(graph.SentBy, "mission:us-mission-un", "country:united-states"),
			rel(graph.SentBy, "mission:gdr-mission-un", "country:east-germany", "1973", "1990"),

			rel(graph.AccreditsTo, "mission:swiss-embassy-havana", "country:cuba"),
			rel(graph.AccreditsTo, "mission:swiss-embassy-havana", "country:jamaica", "1990"),
			rel(graph.AccreditsTo, "mission:us-interests-section-havana", "country:cuba", "1977", "2015"),
			rel(graph.AccreditsTo, "mission:us-embassy-havana", "country:cuba", "2015-07-20"),
			rel(graph.AccreditsTo, "mission:us-mission-un", "org:united-nations"),
			rel(graph.AccreditsTo, "mission:gdr-mission-un", "org:united-nations", "1973", "1990"),

			rel(graph.LocatedIn, "mission:swiss-embassy-havana", "city:havana"),
			rel(graph.LocatedIn, "mission:us-interests-section-havana", "city:havana"),
			rel(graph.LocatedIn, "mission:us-embassy-havana", "city:havana", "2015-07-20"),
			rel(graph.LocatedIn, "mission:us-mission-un", "city:new-york"),
			rel(graph.LocatedIn, "mission:us-mission-un", "country:united-states"),
			rel(graph.LocatedIn, "mission:gdr-mission-un", "city:new-york"),

			rel(graph.SectionOf, "mission:us-interests-section-havana", "mission:swiss-embassy-havana", "1977", "2015"),
			protects,
			rel(graph.DiplomaticRelations, "country:united-states", "country:cuba", "1902", "1961"),
			rel(graph.DiplomaticRelations, "country:united-states", "country:cuba", "2015-07-20"),
			rel(graph.MemberOf, "country:united-states", "org:united-nations", "1945"),
			rel(graph.MemberOf, "country:cuba", "org:united-nations", "1945"),
			rel(graph.MemberOf, "country:east-germany", "org:united-nations", "1973", "1990"),
		},
	}
}

// buckets writes expected buckets compactly: "KEY=3", or "id:x=Label=3".
func buckets(specs ...string) []graph.Bucket {
	out := make([]graph.Bucket, len(specs))
	for i, s := range specs {
		parts := strings.Split(s, "=")
		var n int
		fmt.Sscan(parts[len(parts)-1], &n)
		out[i] = graph.Bucket{Key: parts[0], Count: n}
		if len(parts) == 3 {
			out[i].Label = parts[1]
		}
	}
	return out
}

func TestDB_Count(t *testing.T) {
	db := storetest.Open(t)
	if err := db.Apply(ctx, countFixture()); err != nil {
		t.Fatal(err)
	}
	date := graph.MustDate
	for _, tt := range []struct {
		name string
		q    graph.CountQuery
		want []graph.Bucket
	}{
		{"Kind", graph.CountQuery{GroupBy: graph.ByKind},
			buckets("COUNTRY=5", "MISSION=5", "CITY=2", "ORGANISATION=1")},
		{"KindOneKind", graph.CountQuery{GroupBy: graph.ByKind, Kind: graph.Mission},
			buckets("MISSION=5")},
		{"KindBeforeMissionsOpened", graph.CountQuery{GroupBy: graph.ByKind, AsOf: date("1960")},
			buckets("COUNTRY=5", "CITY=2", "MISSION=2", "ORGANISATION=1")},
		{"KindAfterEastGermany", graph.CountQuery{GroupBy: graph.ByKind, AsOf: date("2000")},
			buckets("COUNTRY=4", "MISSION=3", "CITY=2", "ORGANISATION=1")},
		{"KindMissionsInside", graph.CountQuery{GroupBy: graph.ByKind, Kind: graph.Mission, AsOf: date("1980")},
			buckets("MISSION=4")},
		{"KindLastDayOfAPeriod", graph.CountQuery{GroupBy: graph.ByKind, Kind: graph.Mission, AsOf: date("2015-12-31")},
			buckets("MISSION=4")},

		{"MissionType", graph.CountQuery{GroupBy: graph.ByMissionType},
			buckets("EMBASSY=2", "PERMANENT_MISSION=2", "INTERESTS_SECTION=1")},
		{"MissionTypeKindMission", graph.CountQuery{GroupBy: graph.ByMissionType, Kind: graph.Mission, Limit: 1},
			buckets("EMBASSY=2")},
		{"MissionTypeInside", graph.CountQuery{GroupBy: graph.ByMissionType, AsOf: date("1985")},
			buckets("PERMANENT_MISSION=2", "EMBASSY=1", "INTERESTS_SECTION=1")},
		{"MissionTypeAfter", graph.CountQuery{GroupBy: graph.ByMissionType, AsOf: date("2016")},
			buckets("EMBASSY=2", "PERMANENT_MISSION=1")},

		{"SenderOncePerSender", graph.CountQuery{GroupBy: graph.BySender},
			buckets("country:united-states=United States=3", "country:east-germany=East Germany=1", "country:switzerland=Switzerland=1")},
		{"SenderBefore", graph.CountQuery{GroupBy: graph.BySender, AsOf: date("1976")},
			buckets("country:east-germany=East Germany=1", "country:switzerland=Switzerland=1", "country:united-states=United States=1")},
		{"SenderInside", graph.CountQuery{GroupBy: graph.BySender, AsOf: date("1985")},
			buckets("country:united-states=United States=2", "country:east-germany=East Germany=1", "country:switzerland=Switzerland=1")},
		{"SenderAfter", graph.CountQuery{GroupBy: graph.BySender, AsOf: date("2016")},
			buckets("country:united-states=United States=2", "country:switzerland=Switzerland=1")},
		{"SenderLimit", graph.CountQuery{GroupBy: graph.BySender, Limit: 1},
			buckets("country:united-states=United States=3")},

		{"HostEachOfSeveral", graph.CountQuery{GroupBy: graph.ByHost},
			buckets("country:cuba=Cuba=3", "org:united-nations=United Nations=2", "country:jamaica=Jamaica=1")},
		{"HostRelationNotYetBegun", graph.CountQuery{GroupBy: graph.ByHost, AsOf: date("1985")},
			buckets("country:cuba=Cuba=2", "org:united-nations=United Nations=2")},

		{"CityOnlyCities", graph.CountQuery{GroupBy: graph.ByCity},
			buckets("city:havana=Havana=3", "city:new-york=New York=2")},
		{"CityMissionClosed", graph.CountQuery{GroupBy: graph.ByCity, AsOf: date("1995")},
			buckets("city:havana=Havana=2", "city:new-york=New York=1")},
		{"CityUndatedAlwaysHold", graph.CountQuery{GroupBy: graph.ByCity, AsOf: date("1900")},
			buckets("city:havana=Havana=1", "city:new-york=New York=1")},

		{"RelationType", graph.CountQuery{GroupBy: graph.ByRelationType},
			buckets("ACCREDITS_TO=6", "LOCATED_IN=6", "SENT_BY=6", "MEMBER_OF=3", "DIPLOMATIC_RELATIONS=2", "PROTECTS=1", "SECTION_OF=1")},
		{"RelationTypeLimit", graph.CountQuery{GroupBy: graph.ByRelationType, Limit: 2},
			buckets("ACCREDITS_TO=6", "LOCATED_IN=6")},
		{"RelationTypeTypes", graph.CountQuery{GroupBy: graph.ByRelationType,
			Types: []graph.RelationType{graph.Protects, graph.MemberOf, graph.DiplomaticRelations, graph.MemberOf}},
			buckets("MEMBER_OF=3", "DIPLOMATIC_RELATIONS=2", "PROTECTS=1")},
		{"RelationTypeInside", graph.CountQuery{GroupBy: graph.ByRelationType, AsOf: date("1960"),
			Types: []graph.RelationType{graph.Protects, graph.MemberOf, graph.DiplomaticRelations}},
			buckets("MEMBER_OF=2", "DIPLOMATIC_RELATIONS=1")},
		{"RelationTypeBefore", graph.CountQuery{GroupBy: graph.ByRelationType, AsOf: date("1900"),
			Types: []graph.RelationType{graph.MemberOf, graph.DiplomaticRelations}},
			buckets()},

		{"YearOldestFirst", graph.CountQuery{GroupBy: graph.ByYear},
			buckets("1902=1", "1945=2", "1973=3", "1977=5", "1990=1", "2015=4")},
		{"YearEarliestWithinLimit", graph.CountQuery{GroupBy: graph.ByYear, Limit: 3},
			buckets("1902=1", "1945=2", "1973=3")},
		{"YearAsOf", graph.CountQuery{GroupBy: graph.ByYear, AsOf: date("2000")},
			buckets("1945=2", "1977=5", "1990=1")},
		{"Decade", graph.CountQuery{GroupBy: graph.ByDecade},
			buckets("1900s=1", "1940s=2", "1970s=8", "1990s=1", "2010s=4")},
		{"DecadeTypes", graph.CountQuery{GroupBy: graph.ByDecade, Types: []graph.RelationType{graph.SentBy}},
			buckets("1970s=3", "2010s=1")},
		{"DecadeEndedTypes", graph.CountQuery{GroupBy: graph.ByDecadeEnded, Types: []graph.RelationType{graph.SentBy}},
			buckets("1990s=1", "2010s=2")},
		{"YearEndedAsOf", graph.CountQuery{GroupBy: graph.ByYearEnded, AsOf: date("2000")},
			buckets("2015=5")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.q.Limit == 0 {
				tt.q.Limit = graph.DefaultCountBuckets
			}
			got, err := db.Count(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestDB_Count_YearBoundaries(t *testing.T) {
	db := storetest.Open(t)
	b := &graph.Batch{Entities: []*graph.Entity{
		entity("country:cuba", "Cuba"), entity("org:united-nations", "United Nations"),
	}}
	for _, from := range []string{"0001-01-01", "1999-12-31", "2000-01-01", "2000-02-29", "2000-12-31", "2001-01-01", "9999-12-31"} {
		b.Relations = append(b.Relations, rel(graph.MemberOf, "country:cuba", "org:united-nations", from))
	}
	if err := db.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	for g, want := range map[graph.GroupBy][]graph.Bucket{
		graph.ByYear:   buckets("0001=1", "1999=1", "2000=3", "2001=1", "9999=1"),
		graph.ByDecade: buckets("0000s=1", "1990s=1", "2000s=4", "9990s=1"),
	} {
		got, err := db.Count(ctx, graph.CountQuery{GroupBy: g, Limit: graph.MaxCountBuckets})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", g, got, want)
		}
	}
}

func TestDB_Count_Invalid(t *testing.T) {
	db := storetest.Open(t)
	for _, tt := range []struct {
		name string
		q    graph.CountQuery
		says string
	}{
		{"LimitZero", graph.CountQuery{GroupBy: graph.ByKind}, "between 1 and 500"},
		{"LimitOverMaximum", graph.CountQuery{GroupBy: graph.ByKind, Limit: 501}, "limit is 501"},
		{"UnknownGroupBy", graph.CountQuery{GroupBy: "COLOUR", Limit: 5}, `unknown groupBy "COLOUR"`},
		{"KindWithRelations", graph.CountQuery{GroupBy: graph.ByYear, Kind: graph.Country, Limit: 5}, "counts relations"},
		{"KindWithMissions", graph.CountQuery{GroupBy: graph.BySender, Kind: graph.Country, Limit: 5}, "counts missions"},
		{"TypesWithEntities", graph.CountQuery{GroupBy: graph.ByHost, Types: []graph.RelationType{graph.SentBy}, Limit: 5}, "counts entities"},
		{"UnknownType", graph.CountQuery{GroupBy: graph.ByYear, Types: []graph.RelationType{"ALLIED_WITH"}, Limit: 5}, "ALLIED_WITH"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.Count(ctx, tt.q)
			if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(graph.ErrorMessage(err), tt.says) {
				t.Errorf("err = %v, want invalid saying %q", err, tt.says)
			}
		})
	}
}

// TestDB_CountSeesWrites checks that a count kept from before a write is
// not answered after it.
func TestDB_CountSeesWrites(t *testing.T) {
	db := storetest.Open(t)
	if err := db.Apply(ctx, cubaFixture()); err != nil {
		t.Fatal(err)
	}
	q := graph.CountQuery{GroupBy: graph.ByKind, Limit: 10}
	count := func() int {
		t.Helper()
		buckets, err := db.Count(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range buckets {
			if b.Key == string(graph.Country) {
				return b.Count
			}
		}
		return 0
	}
	before := count()
	if again := count(); again != before {
		t.Fatalf("the same count twice: %d then %d", before, again)
	}
	if err := db.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{entity("country:iraq", "Iraq")}}); err != nil {
		t.Fatal(err)
	}
	if after := count(); after != before+1 {
		t.Errorf("countries after adding one: %d, want %d", after, before+1)
	}
}
