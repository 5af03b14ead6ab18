package initial_test

import (
	"bytes"
	"context"
	"log/slog"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/graph/wikidata"
	"github.com/chancery/chancery/seeds"
	"github.com/chancery/chancery/seeds/initial"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

var ctx = context.Background()

func TestParse(t *testing.T) {
	for in, want := range map[string]initial.Data{"world": initial.World, " Curated ": initial.Curated} {
		if got, err := initial.Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "seeds", "all"} {
		if _, err := initial.Parse(in); err == nil || !strings.Contains(err.Error(), "use world") {
			t.Errorf("Parse(%q): %v; want an error that names the choices", in, err)
		}
	}
}

// snapshotQIDs reads the QIDs a built-in snapshot, named by its path in
// seeds.SnapshotFS, lists.
func snapshotQIDs(t *testing.T, name string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, r := range storetest.Snapshot(t, path.Base(name)).Rows {
		if r.QID != "" {
			out[r.QID] = true
		}
	}
	return out
}

// eachEntity calls fn with every entity of the store.
func eachEntity(t *testing.T, db *store.DB, fn func(*graph.Entity)) {
	t.Helper()
	q := graph.EntityQuery{First: graph.MaxPageSize}
	for {
		page, err := db.Entities(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Entities {
			fn(e)
		}
		if !page.HasNext {
			return
		}
		q.After = page.Cursors[len(page.Cursors)-1]
	}
}

func TestWorld(t *testing.T) {
	db := storetest.Open(t)
	var logs bytes.Buffer
	filled, err := initial.Fill(ctx, db, initial.World, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil || !filled {
		t.Fatalf("Fill: %v, %v", filled, err)
	}
	t.Log(logs.String())
	if !strings.Contains(logs.String(), `msg="filling a new data directory"`) || !strings.Contains(logs.String(), "Wikidata's diplomatic missions as of 2020-10-22 and 2022-11-16") {
		t.Errorf("the log does not say what the fill loads:\n%s", logs.String())
	}
	set, err := seeds.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	label, _ := db.SeededWith(ctx)
	if label != set.Label+" + wikidata-embassies 2020-10-22,2022-11-16" || initial.SeedsOf(label) != set.Label {
		t.Errorf("label %q", label)
	}

	// Every mission of either snapshot that was imported is there; those
	// the later snapshot no longer lists are closed on its date, those it
	// lists are open; every fact cites a source.
	names := seeds.Snapshots()
	if len(names) != 2 {
		t.Fatalf("built-in snapshots %v, want two", names)
	}
	older, newer := snapshotQIDs(t, names[0]), snapshotQIDs(t, names[1])
	closedOn := graph.MustDate("2022-11-16")
	var missions, closed, open, curated int
	eachEntity(t, db, func(e *graph.Entity) {
		if len(e.Sources) == 0 {
			t.Errorf("%s cites no source", e.ID)
		}
		if e.Kind != graph.Mission {
			return
		}
		missions++
		if e.Attributes[wikidata.AttrDataset] != wikidata.Dataset {
			curated++
			return
		}
		q := e.Attributes[graph.AttrWikidata]
		switch {
		case newer[q]:
			open++
			if !e.Period.Open {
				t.Errorf("%s (%s) is listed in the later snapshot, but not open: %+v", e.ID, q, e.Period)
			}
		case older[q]:
			// Known while listed, ended by the snapshot that no longer
			// lists it, on a day neither gives.
			closed++
			if e.Period.Open || !e.Period.To.IsZero() || e.Period.EndedBy != closedOn ||
				e.Period.At(graph.MustDate("2020-10-22")) != graph.Known || e.Period.At(graph.MustDate("2021-06-01")) != graph.Possible || e.Period.At(closedOn) != graph.RuledOut {
				t.Errorf("%s (%s) is listed in 2020 only, but is not known then, possible after and ended by 2022-11-16: %+v", e.ID, q, e.Period)
			}
		default:
			t.Errorf("%s (%s) is in neither snapshot", e.ID, q)
		}
	})
	t.Logf("%d missions: %d curated, %d listed in 2022, %d closed between the snapshots", missions, curated, open, closed)
	if open < 9000 || closed < 100 || curated < 200 {
		t.Errorf("%d missions listed in 2022, %d closed, %d curated: the world is not all there", open, closed, curated)
	}
	q := graph.RelationQuery{First: graph.MaxPageSize}
	for relations := 0; ; {
		page, err := db.Relations(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Relations {
			relations++
			if len(r.Sources) == 0 {
				t.Errorf("%s cites no source", r.Describe())
			}
		}
		if !page.HasNext {
			if relations < 35000 {
				t.Errorf("%d relations", relations)
			}
			break
		}
		q.After = page.Cursors[len(page.Cursors)-1]
	}

	// What an analyst asks of it: who has embassies in Kenya.
	kenya, err := db.Relations(ctx, graph.RelationQuery{To: "country:kenya", Types: []graph.RelationType{graph.AccreditsTo}, AsOf: closedOn, CountTotal: true, First: 1})
	if err != nil {
		t.Fatal(err)
	}
	if kenya.Total < 40 {
		t.Errorf("%d missions accredited to Kenya as of 2022-11-16; the world's data has dozens", kenya.Total)
	}

	// The Holy See, which the curated seeds know only from the ISO list
	// taken in 2026, is attested by the snapshots that list its
	// nunciatures, citing each: they count as known on 2022-11-16, not
	// merely possible.
	senders, err := db.Count(ctx, graph.CountQuery{GroupBy: graph.BySender, AsOf: closedOn, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(senders, func(b graph.Bucket) bool { return b.Key == "country:holy-see" }); i < 0 || senders[i].Count < 150 {
		t.Errorf("the top senders as of 2022-11-16 leave out the Holy See's nunciatures: %v", senders)
	}
	holySee, err := db.Entity(ctx, "country:holy-see")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		date, _ := wikidata.SnapshotDate(name)
		if n := len(slices.DeleteFunc(slices.Clone(holySee.Sources), func(s graph.Source) bool { return s.Document != wikidata.Document(date) })); n != 1 {
			t.Errorf("country:holy-see cites the snapshot of %s %d times: %+v", date, n, holySee.Sources)
		}
	}
	if holySee.AttestedFrom != graph.MustDate("2020-10-22") {
		t.Errorf("country:holy-see is attested from %s; want the first snapshot's date", holySee.AttestedFrom)
	}

	// A second fill leaves the store as it is.
	if again, err := initial.Fill(ctx, db, initial.Curated, slog.New(slog.DiscardHandler)); err != nil || again {
		t.Errorf("Fill of a filled store: %v, %v", again, err)
	}
	report, err := db.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Problems) > 0 {
		t.Errorf("verify: %v", report.Problems)
	}
}

func TestCurated(t *testing.T) {
	db := storetest.Open(t)
	filled, err := initial.Fill(ctx, db, initial.Curated, slog.New(slog.DiscardHandler))
	if err != nil || !filled {
		t.Fatalf("Fill: %v, %v", filled, err)
	}
	set, err := seeds.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if label, _ := db.SeededWith(ctx); label != set.Label {
		t.Errorf("label %q, want the seeds' %q", label, set.Label)
	}
	eachEntity(t, db, func(e *graph.Entity) {
		if e.Attributes[wikidata.AttrDataset] == wikidata.Dataset {
			t.Errorf("%s is from Wikidata in a store filled with the curated seeds alone", e.ID)
		}
	})
}
