package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

var ctx = context.Background()

var src = []graph.Source{{Document: "Test fixture", Quote: "made up for a test"}}

// sinceAttested is the period of a fixture's undated fact: its start is
// unknown, a source attests it in 1900, and it still holds, so it is known
// to hold from 1900 on.
var sinceAttested = graph.Period{Open: true, AttestedFrom: graph.MustDate("1900")}

func entity(id string, name string, aliases ...string) *graph.Entity {
	e := &graph.Entity{ID: graph.ID(id), Kind: graph.ID(id).Kind(), Name: name, Aliases: aliases, Period: sinceAttested, Sources: src}
	if e.Kind == graph.Mission {
		e.MissionType = graph.Embassy
		e.Official = true
	}
	return e
}

func rel(t graph.RelationType, from, to string, period ...string) *graph.Relation {
	r := &graph.Relation{Type: t, From: graph.ID(from), To: graph.ID(to), Period: sinceAttested, Sources: src}
	if len(period) > 0 && period[0] != "" {
		r.Period = graph.Period{From: graph.MustDate(period[0]), Open: true}
	}
	if len(period) > 1 && period[1] != "" {
		r.Period.To, r.Period.Open = graph.MustDate(period[1]), false
	}
	return r
}

// cubaFixture is the protecting-power story of the United States in Cuba.
func cubaFixture() *graph.Batch {
	return &graph.Batch{
		Entities: []*graph.Entity{
			entity("country:united-states", "United States", "USA", "United States of America"),
			entity("country:cuba", "Cuba"),
			entity("country:switzerland", "Switzerland", "Schweiz"),
			entity("mission:swiss-embassy-havana", "Embassy of Switzerland in Cuba"),
			entity("mission:us-interests-section-havana", "United States Interests Section in Havana"),
			entity("mission:us-embassy-havana", "Embassy of the United States in Havana"),
			entity("city:havana", "Havana", "La Habana"),
		},
		Relations: []*graph.Relation{
			rel(graph.SentBy, "mission:swiss-embassy-havana", "country:switzerland"),
			rel(graph.AccreditsTo, "mission:swiss-embassy-havana", "country:cuba"),
			rel(graph.SentBy, "mission:us-interests-section-havana", "country:united-states", "1977", "2015"),
			rel(graph.SectionOf, "mission:us-interests-section-havana", "mission:swiss-embassy-havana", "1977", "2015"),
			rel(graph.LocatedIn, "mission:us-interests-section-havana", "city:havana"),
			rel(graph.SentBy, "mission:us-embassy-havana", "country:united-states", "2015-07-20"),
			rel(graph.LocatedIn, "mission:us-embassy-havana", "city:havana", "2015-07-20"),
			{Type: graph.Protects, From: "country:switzerland", To: "country:united-states", Context: "country:cuba",
				Period: graph.Period{From: graph.MustDate("1977"), To: graph.MustDate("2015")}, Sources: src},
			rel(graph.DiplomaticRelations, "country:united-states", "country:cuba", "2015-07-20"),
		},
	}
}

func relationIDs(rs []*graph.Relation) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Describe()
	}
	return out
}

func TestDB_Entity(t *testing.T) {
	db := storetest.Open(t)
	if err := db.Apply(ctx, cubaFixture()); err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		e, err := db.Entity(ctx, "country:switzerland")
		if err != nil {
			t.Fatal(err)
		}
		if e.Name != "Switzerland" || e.Kind != graph.Country || !slices.Equal(e.Aliases, []string{"Schweiz"}) {
			t.Errorf("got %+v", e)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := db.Entity(ctx, "country:atlantis")
		if graph.ErrorCode(err) != graph.ENOTFOUND {
			t.Fatalf("err = %v, want not_found", err)
		}
	})
	t.Run("Batch", func(t *testing.T) {
		got, err := db.EntitiesByID(ctx, []graph.ID{"country:cuba", "city:havana", "country:atlantis", "country:cuba"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got["country:cuba"].Name != "Cuba" || got["city:havana"].Name != "Havana" {
			t.Errorf("got %v", got)
		}
	})
	t.Run("UpsertReplacesNameIndex", func(t *testing.T) {
		e := entity("city:havana", "Havana", "San Cristóbal de la Habana")
		if err := db.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{e}}); err != nil {
			t.Fatal(err)
		}
		if ids, _ := db.LookupName(ctx, "la habana"); len(ids) != 0 {
			t.Errorf("old alias still indexed: %v", ids)
		}
		if ids, _ := db.LookupName(ctx, "san cristobal de la habana"); !slices.Equal(ids, []graph.ID{"city:havana"}) {
			t.Errorf("new alias not indexed: %v", ids)
		}
	})
}

func TestDB_LookupName(t *testing.T) {
	db := storetest.Open(t)
	b := cubaFixture()
	b.Entities = append(b.Entities, entity("mission:german-mission-bonn", "Ständige Vertretung der DDR"))
	b.Entities[0].Attributes = map[string]string{graph.AttrISO2: "US", graph.AttrISO3: "USA"}
	if err := db.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		want []graph.ID
	}{
		{"switzerland", []graph.ID{"country:switzerland"}},
		{"SCHWEIZ", []graph.ID{"country:switzerland"}},
		{"standige vertretung der ddr", []graph.ID{"mission:german-mission-bonn"}},
		{"us", []graph.ID{"country:united-states"}},
		{"usa", []graph.ID{"country:united-states"}},
		{"United States", []graph.ID{"country:united-states"}},
		{"united", nil}, // exact folded names only; prefix search is the search index's job
		{"  ", nil},
	} {
		got, err := db.LookupName(ctx, tt.name)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("LookupName(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDB_Relations(t *testing.T) {
	db := storetest.Open(t)
	if err := db.Apply(ctx, cubaFixture()); err != nil {
		t.Fatal(err)
	}
	list := func(t *testing.T, q graph.RelationQuery) []string {
		t.Helper()
		if q.First == 0 {
			q.First = graph.MaxPageSize
		}
		q.CountTotal = true
		page, err := db.Relations(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != len(page.Relations) {
			t.Errorf("Total = %d for a complete page of %d", page.Total, len(page.Relations))
		}
		return relationIDs(page.Relations)
	}
	for _, tt := range []struct {
		name string
		q    graph.RelationQuery
		want []string
	}{
		{"OutByType", graph.RelationQuery{Of: "mission:us-interests-section-havana", Direction: graph.Out, Types: []graph.RelationType{graph.SentBy}},
			[]string{"SENT_BY mission:us-interests-section-havana -> country:united-states"}},
		{"InByType", graph.RelationQuery{Of: "country:united-states", Direction: graph.In, Types: []graph.RelationType{graph.SentBy}},
			[]string{ // newest first
				"SENT_BY mission:us-embassy-havana -> country:united-states",
				"SENT_BY mission:us-interests-section-havana -> country:united-states",
			}},
		{"BothInTypeOrder", graph.RelationQuery{Of: "mission:us-interests-section-havana", Direction: graph.Both},
			[]string{
				"SENT_BY mission:us-interests-section-havana -> country:united-states",
				"LOCATED_IN mission:us-interests-section-havana -> city:havana",
				"SECTION_OF mission:us-interests-section-havana -> mission:swiss-embassy-havana",
			}},
		{"InOnlyIsEmptyForALeaf", graph.RelationQuery{Of: "mission:us-interests-section-havana", Direction: graph.In}, []string{}},
		{"SymmetricFromEitherEnd", graph.RelationQuery{Of: "country:united-states", Direction: graph.Out, Types: []graph.RelationType{graph.DiplomaticRelations}},
			[]string{"DIPLOMATIC_RELATIONS country:cuba -> country:united-states"}},
		{"SymmetricOnceWithBoth", graph.RelationQuery{Of: "country:cuba", Direction: graph.Both, Types: []graph.RelationType{graph.DiplomaticRelations}},
			[]string{"DIPLOMATIC_RELATIONS country:cuba -> country:united-states"}},
		{"ByContext", graph.RelationQuery{Context: "country:cuba"},
			[]string{"PROTECTS country:switzerland -> country:united-states in country:cuba"}},
		{"FromTo", graph.RelationQuery{From: "mission:us-interests-section-havana", To: "city:havana"},
			[]string{"LOCATED_IN mission:us-interests-section-havana -> city:havana"}},
		{"ToOnly", graph.RelationQuery{To: "city:havana"},
			[]string{
				"LOCATED_IN mission:us-embassy-havana -> city:havana",
				"LOCATED_IN mission:us-interests-section-havana -> city:havana",
			}},
		{"SymmetricFromToEitherWay", graph.RelationQuery{From: "country:united-states", To: "country:cuba"},
			[]string{"DIPLOMATIC_RELATIONS country:cuba -> country:united-states"}},
		{"ByType", graph.RelationQuery{Types: []graph.RelationType{graph.Protects, graph.SectionOf}},
			[]string{
				"PROTECTS country:switzerland -> country:united-states in country:cuba",
				"SECTION_OF mission:us-interests-section-havana -> mission:swiss-embassy-havana",
			}},
		{"AsOfInside", graph.RelationQuery{Of: "country:united-states", Direction: graph.In, AsOf: graph.MustDate("1990")},
			[]string{
				"SENT_BY mission:us-interests-section-havana -> country:united-states",
				"PROTECTS country:switzerland -> country:united-states in country:cuba",
			}},
		{"AsOfLastYearOfPeriod", graph.RelationQuery{Of: "country:united-states", Direction: graph.In, AsOf: graph.MustDate("2015-03"),
			Types: []graph.RelationType{graph.Protects}},
			[]string{"PROTECTS country:switzerland -> country:united-states in country:cuba"}},
		{"AsOfBefore", graph.RelationQuery{Of: "country:united-states", Direction: graph.In, AsOf: graph.MustDate("1976")}, []string{}},
		{"AsOfAfter", graph.RelationQuery{Of: "country:united-states", Direction: graph.Both, AsOf: graph.MustDate("2016")},
			[]string{
				"SENT_BY mission:us-embassy-havana -> country:united-states",
				"DIPLOMATIC_RELATIONS country:cuba -> country:united-states",
			}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := list(t, tt.q); !slices.Equal(got, tt.want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

// hubFixture gives one country many relations of several types in both
// directions, some sharing a date, so that pages split inside runs.
func hubFixture(n int) *graph.Batch {
	b := &graph.Batch{Entities: []*graph.Entity{entity("country:hub", "Hub"), entity("org:club", "Club")}}
	for i := range n {
		m := fmt.Sprintf("mission:m%03d", i)
		b.Entities = append(b.Entities, entity(m, "Mission "+m))
		year := fmt.Sprint(1950 + i%7)
		if i%5 == 0 {
			year = "" // undated
		}
		b.Relations = append(b.Relations, rel(graph.SentBy, m, "country:hub", year))
		if i%3 == 0 {
			b.Relations = append(b.Relations, rel(graph.AccreditsTo, m, "country:hub", year))
		}
	}
	b.Relations = append(b.Relations, rel(graph.MemberOf, "country:hub", "org:club", "1960"))
	return b
}

func TestDB_RelationsPagination(t *testing.T) {
	db := storetest.Open(t)
	if err := db.Apply(ctx, hubFixture(120)); err != nil {
		t.Fatal(err)
	}
	for _, q := range []graph.RelationQuery{
		{Of: "country:hub", Direction: graph.Both},
		{Of: "country:hub", Direction: graph.In, Types: []graph.RelationType{graph.AccreditsTo, graph.SentBy}},
		{Of: "country:hub", Direction: graph.Both, AsOf: graph.MustDate("1953-06")},
		{To: "country:hub"},
		{Types: []graph.RelationType{graph.SentBy, graph.MemberOf}},
	} {
		t.Run(fmt.Sprintf("%+v", q), func(t *testing.T) {
			all := q
			all.First, all.CountTotal = graph.MaxPageSize, true
			whole, err := db.Relations(ctx, all)
			if err != nil {
				t.Fatal(err)
			}
			if whole.HasNext || len(whole.Relations) != whole.Total || whole.Total < 20 {
				t.Fatalf("whole listing: %d relations, total %d, hasNext %v", len(whole.Relations), whole.Total, whole.HasNext)
			}
			for _, size := range []int{1, 7, 50} {
				var got []string
				q := q
				q.First, q.CountTotal = size, true
				for pages := 0; ; pages++ {
					if pages > whole.Total {
						t.Fatal("pagination does not end")
					}
					page, err := db.Relations(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					if page.Total != whole.Total {
						t.Fatalf("page total %d, want %d", page.Total, whole.Total)
					}
					for _, r := range page.Relations {
						got = append(got, r.ID)
					}
					if !page.HasNext {
						break
					}
					if len(page.Relations) != size {
						t.Fatalf("a page with a next page has %d relations, want %d", len(page.Relations), size)
					}
					q.After = page.Cursors[len(page.Cursors)-1]
				}
				want := make([]string, len(whole.Relations))
				for i, r := range whole.Relations {
					want[i] = r.ID
				}
				if !slices.Equal(got, want) {
					t.Errorf("pages of %d: %d ids in a different order or with gaps or duplicates; want the %d of one page", size, len(got), len(want))
				}
			}
		})
	}
	t.Run("NewestFirstUndatedLast", func(t *testing.T) {
		page, err := db.Relations(ctx, graph.RelationQuery{Of: "country:hub", Direction: graph.In, Types: []graph.RelationType{graph.SentBy}, First: graph.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(page.Relations); i++ {
			prev, cur := page.Relations[i-1].Period.From, page.Relations[i].Period.From
			if prev.IsZero() && !cur.IsZero() || !cur.IsZero() && cur.First() > prev.First() {
				t.Fatalf("relation %d (%s) is listed after an older one (%s)", i, cur, prev)
			}
		}
	})
	t.Run("ErrBadCursor", func(t *testing.T) {
		for _, c := range []string{"nonsense", "AAAA", "%%%"} {
			_, err := db.Relations(ctx, graph.RelationQuery{Of: "country:hub", First: 5, After: c})
			if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(err.Error(), "cursor") {
				t.Errorf("cursor %q: err = %v, want an invalid-cursor error", c, err)
			}
		}
	})
	t.Run("ErrFirstTooLarge", func(t *testing.T) {
		_, err := db.Relations(ctx, graph.RelationQuery{Of: "country:hub", First: graph.MaxPageSize + 1})
		if graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("err = %v, want invalid", err)
		}
	})
}

func TestDB_Entities(t *testing.T) {
	db := storetest.Open(t)
	b := cubaFixture()
	b.Entities = append(b.Entities, &graph.Entity{ID: "country:german-democratic-republic", Kind: graph.Country, Name: "East Germany",
		Period: graph.Period{From: graph.MustDate("1949-10-07"), To: graph.MustDate("1990-10-03")}, Sources: src})
	if err := db.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	ids := func(q graph.EntityQuery) ([]string, int) {
		q.CountTotal = true
		var out []string
		for {
			page, err := db.Entities(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range page.Entities {
				out = append(out, string(e.ID))
			}
			if !page.HasNext {
				return out, page.Total
			}
			q.After = page.Cursors[len(page.Cursors)-1]
		}
	}
	got, total := ids(graph.EntityQuery{Kind: graph.Country, First: 1})
	want := []string{"country:cuba", "country:german-democratic-republic", "country:switzerland", "country:united-states"}
	if !slices.Equal(got, want) || total != 4 {
		t.Errorf("countries = %v (total %d), want %v", got, total, want)
	}
	got, total = ids(graph.EntityQuery{Kind: graph.Country, First: 2, AsOf: graph.MustDate("1995")})
	if want := []string{"country:cuba", "country:switzerland", "country:united-states"}; !slices.Equal(got, want) || total != 3 {
		t.Errorf("countries as of 1995 = %v (total %d), want %v", got, total, want)
	}
	if got, total = ids(graph.EntityQuery{First: 3}); len(got) != 8 || total != 8 {
		t.Errorf("all entities = %v (total %d), want 8", got, total)
	}
	if _, err := db.Entities(ctx, graph.EntityQuery{First: 3, After: "bm9wZQ"}); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("bad cursor: err = %v, want invalid", err)
	}
}

func TestDB_Apply(t *testing.T) {
	t.Run("ErrDanglingReferenceWritesNothing", func(t *testing.T) {
		db := storetest.Open(t)
		b := cubaFixture()
		b.Relations = append(b.Relations, rel(graph.SentBy, "mission:us-embassy-havana", "country:atlantis"))
		err := db.Apply(ctx, b)
		if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(err.Error(), "country:atlantis") {
			t.Fatalf("err = %v, want an invalid error naming country:atlantis", err)
		}
		if _, err := db.Entity(ctx, "country:cuba"); !graph.IsNotFound(err) {
			t.Errorf("a rejected batch left entities behind: %v", err)
		}
		if v, _ := db.Version(ctx); v != 0 {
			t.Errorf("version = %d after a rejected write, want 0", v)
		}
	})
	t.Run("ErrWrongKinds", func(t *testing.T) {
		db := storetest.Open(t)
		b := cubaFixture()
		b.Relations = append(b.Relations, rel(graph.SentBy, "country:cuba", "country:switzerland"))
		if err := db.Apply(ctx, b); graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(err.Error(), "MISSION") {
			t.Fatalf("err = %v, want an invalid error about kinds", err)
		}
	})
	t.Run("ReapplyIsIdempotent", func(t *testing.T) {
		db := storetest.Open(t)
		for range 2 {
			if err := db.Apply(ctx, cubaFixture()); err != nil {
				t.Fatal(err)
			}
		}
		page, err := db.Relations(ctx, graph.RelationQuery{First: graph.MaxPageSize, CountTotal: true})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != len(cubaFixture().Relations) {
			t.Errorf("%d relations after applying the fixture twice, want %d", page.Total, len(cubaFixture().Relations))
		}
		if v, _ := db.Version(ctx); v != 2 {
			t.Errorf("version = %d after two writes, want 2", v)
		}
	})
	t.Run("SeedOnce", func(t *testing.T) {
		db := storetest.Open(t)
		if ok, err := db.Seed(ctx, cubaFixture(), "v1"); err != nil || !ok {
			t.Fatalf("first seed: %v, %v", ok, err)
		}
		if ok, err := db.Seed(ctx, hubFixture(3), "v2"); err != nil || ok {
			t.Fatalf("second seed wrote again: %v, %v", ok, err)
		}
		if _, err := db.Entity(ctx, "country:hub"); !graph.IsNotFound(err) {
			t.Errorf("second seed was applied")
		}
		if label, _ := db.SeededWith(ctx); label != "v1" {
			t.Errorf("SeededWith = %q", label)
		}
	})
}

func TestDB_Reopen(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Apply(ctx, cubaFixture()); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = storetest.OpenDir(t, dir)
	e, err := db.Entity(ctx, "mission:us-interests-section-havana")
	if err != nil || e.Name != "United States Interests Section in Havana" {
		t.Fatalf("after reopen: %v, %v", e, err)
	}
	page, err := db.Relations(ctx, graph.RelationQuery{Of: "mission:us-interests-section-havana", First: 10, CountTotal: true})
	if err != nil || page.Total != 3 {
		t.Fatalf("after reopen: %d relations, %v", page.Total, err)
	}
	if page.Relations[0].Period.To.String() != "2015" || page.Relations[0].Sources[0].Quote != src[0].Quote {
		t.Errorf("relation lost detail: %+v", page.Relations[0])
	}
}

func TestDB_Locked(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	db := storetest.OpenDir(t, dir)
	if err := db.Announce("chancery serve", "127.0.0.1:8080"); err != nil {
		t.Fatal(err)
	}
	_, err := store.Open(store.Options{Dir: dir})
	if err == nil {
		t.Fatal("a second open of a held directory succeeded")
	}
	for _, want := range []string{dir, "chancery serve", "127.0.0.1:8080", "pid", "--data"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if graph.ErrorCode(err) != graph.ECONFLICT {
		t.Errorf("code = %s, want conflict", graph.ErrorCode(err))
	}
}

func TestDB_ApplyDeletes(t *testing.T) {
	setup := func(t *testing.T) *store.DB {
		db := storetest.Open(t)
		if err := db.Apply(ctx, cubaFixture()); err != nil {
			t.Fatal(err)
		}
		return db
	}
	relationsOf := func(t *testing.T, db *store.DB, id graph.ID) []string {
		t.Helper()
		page, err := db.Relations(ctx, graph.RelationQuery{Of: id, First: graph.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		return relationIDs(page.Relations)
	}

	t.Run("Relation", func(t *testing.T) {
		db := setup(t)
		page, _ := db.Relations(ctx, graph.RelationQuery{Types: []graph.RelationType{graph.Protects}, First: 1})
		id := page.Relations[0].ID
		if err := db.Apply(ctx, &graph.Batch{DeleteRelations: []string{id}}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Relation(ctx, id); !graph.IsNotFound(err) {
			t.Errorf("the deleted relation: %v", err)
		}
		for _, end := range []graph.ID{"country:switzerland", "country:united-states", "country:cuba"} {
			for _, r := range relationsOf(t, db, end) {
				if strings.HasPrefix(r, "protects") {
					t.Errorf("%s still lists %s", end, r)
				}
			}
		}
		if page, _ := db.Relations(ctx, graph.RelationQuery{Context: "country:cuba", First: 10}); len(page.Relations) != 0 {
			t.Errorf("the context index still lists %v", relationIDs(page.Relations))
		}
		if err := db.Apply(ctx, &graph.Batch{DeleteRelations: []string{id}}); !graph.IsNotFound(err) {
			t.Errorf("deleting it again: %v, want not found", err)
		}
	})

	t.Run("EntityInUse", func(t *testing.T) {
		db := setup(t)
		err := db.Apply(ctx, &graph.Batch{DeleteEntities: []graph.ID{"city:havana"}})
		if graph.ErrorCode(err) != graph.ECONFLICT || !strings.Contains(graph.ErrorMessage(err), "cascade") {
			t.Fatalf("deleting a city missions are located in: %v, want a conflict that mentions cascade", err)
		}
		if _, err := db.Entity(ctx, "city:havana"); err != nil {
			t.Errorf("the refused delete removed the city: %v", err)
		}
	})

	t.Run("EntityCascade", func(t *testing.T) {
		db := setup(t)
		if err := db.Apply(ctx, &graph.Batch{DeleteEntities: []graph.ID{"city:havana"}, Cascade: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Entity(ctx, "city:havana"); !graph.IsNotFound(err) {
			t.Errorf("the city after a cascading delete: %v", err)
		}
		for _, r := range relationsOf(t, db, "mission:us-interests-section-havana") {
			if strings.HasSuffix(r, "-> city:havana") {
				t.Errorf("a relation to the deleted city remains: %s", r)
			}
		}
		if ids, _ := db.LookupName(ctx, "la habana"); len(ids) != 0 {
			t.Errorf("the name index still finds %v", ids)
		}
	})

	t.Run("AllOrNothing", func(t *testing.T) {
		db := setup(t)
		before, _ := db.Version(ctx)
		err := db.Apply(ctx, &graph.Batch{DeleteEntities: []graph.ID{"country:switzerland"}, Cascade: true,
			Relations: []*graph.Relation{rel(graph.SentBy, "mission:swiss-embassy-havana", "country:switzerland")}})
		if err == nil {
			t.Fatal("a batch that deletes an entity and adds a relation to it was accepted")
		}
		if after, _ := db.Version(ctx); after != before {
			t.Error("a refused batch changed the data version")
		}
		if _, err := db.Entity(ctx, "country:switzerland"); err != nil {
			t.Errorf("a refused batch deleted an entity: %v", err)
		}
	})
}

// TestDB_ApplyChecksAsCheckDoes holds writes to the rules chancery check
// holds seeds to, beyond each fact on its own.
func TestDB_ApplyChecksAsCheckDoes(t *testing.T) {
	dated := func(id, name, from, to string) *graph.Entity {
		e := entity(id, name)
		if from != "" {
			e.Period = graph.Period{From: graph.MustDate(from), Open: true}
		}
		if to != "" {
			e.Period.To, e.Period.Open = graph.MustDate(to), false
		}
		return e
	}
	setup := func(t *testing.T) *store.DB {
		db := storetest.Open(t)
		if err := db.Apply(ctx, &graph.Batch{
			Entities: []*graph.Entity{
				dated("mission:old", "Old Office", "1970", "1994-09"),
				dated("mission:new", "New Office", "1994-09", ""),
				entity("country:home", "Home"),
			},
			Relations: []*graph.Relation{
				rel(graph.RenamedFrom, "mission:new", "mission:old", "1994-09"),
				rel(graph.SentBy, "mission:old", "country:home", "1970"),
			},
		}); err != nil {
			t.Fatal(err)
		}
		return db
	}
	for _, tt := range []struct {
		name string
		b    *graph.Batch
		want string
	}{
		{"RelationBeforeItsEnd", &graph.Batch{Relations: []*graph.Relation{rel(graph.SentBy, "mission:new", "country:home", "1980")}},
			"before mission:new existed"},
		{"RelationAfterItsEnd", &graph.Batch{Relations: []*graph.Relation{rel(graph.SentBy, "mission:old", "country:home", "2001")}},
			"after mission:old ceased"},
		{"EntityDatesStrandARelation", &graph.Batch{Entities: []*graph.Entity{dated("mission:old", "Old Office", "1975", "1994-09")}},
			"before mission:old existed"},
		{"RenamingLoop", &graph.Batch{Relations: []*graph.Relation{rel(graph.RenamedFrom, "mission:old", "mission:new")}},
			"loop"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := setup(t)
			err := db.Apply(ctx, tt.b)
			if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(graph.ErrorMessage(err), tt.want) {
				t.Errorf("error %v; want an invalid-argument error saying %q", err, tt.want)
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		db := setup(t)
		if err := db.Apply(ctx, &graph.Batch{
			Entities:  []*graph.Entity{dated("mission:old", "Old Office", "1965", "1994-09")},
			Relations: []*graph.Relation{rel(graph.SentBy, "mission:new", "country:home", "1994-10")},
		}); err != nil {
			t.Errorf("a batch within the rules: %v", err)
		}
	})
}

// TestDB_SeedOnceKeepsTheVersion checks that opening a seeded store, which
// asks to seed again, leaves the data version as it was, so caches keyed
// by it survive restarts.
func TestDB_SeedOnceKeepsTheVersion(t *testing.T) {
	db := storetest.Open(t)
	if seeded, err := db.Seed(ctx, cubaFixture(), "label"); err != nil || !seeded {
		t.Fatalf("first seed: %v %v", seeded, err)
	}
	before, _ := db.Version(ctx)
	if seeded, err := db.Seed(ctx, cubaFixture(), "label"); err != nil || seeded {
		t.Fatalf("second seed: %v %v; want nothing written", seeded, err)
	}
	if after, _ := db.Version(ctx); after != before {
		t.Errorf("the version moved from %d to %d on a seed that wrote nothing", before, after)
	}
}

// TestAnEmptyLogIsNoObstacle: a process killed between creating a
// memtable's or a value log's file and sizing it leaves a file of no
// bytes, which Badger alone cannot open again. The store opens, with what
// it held, and takes writes.
func TestAnEmptyLogIsNoObstacle(t *testing.T) {
	for _, ext := range []string{"mem", "vlog"} {
		t.Run(ext, func(t *testing.T) {
			dir := t.TempDir()
			db := storetest.OpenDir(t, dir)
			if err := db.Apply(ctx, cubaFixture()); err != nil {
				t.Fatal(err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			logs, _ := filepath.Glob(filepath.Join(dir, "*."+ext))
			empty := filepath.Join(dir, fmt.Sprintf("%06d.%s", 90+len(logs), ext))
			if ext == "mem" {
				empty = filepath.Join(dir, fmt.Sprintf("%05d.mem", 90+len(logs)))
			}
			if err := os.WriteFile(empty, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			db, err := store.Open(store.Options{Dir: dir})
			if err != nil {
				t.Fatalf("open with an empty .%s file: %v", ext, err)
			}
			defer db.Close()
			if _, err := db.Entity(ctx, "country:cuba"); err != nil {
				t.Errorf("what the store held: %v", err)
			}
			if err := db.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{entity("country:norway", "Norway")}}); err != nil {
				t.Errorf("a write after: %v", err)
			}
		})
	}
}
