package store

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
)

// TestCountIndexAgreesWithAScan holds the counts index that writes keep
// to what a scan of every record counts, for every grouping and many dates
// (including the first and last days of periods and the day after), after
// an import, deletions with and without cascade, re-additions, changes of
// type and dates, and a rebuild from the records.
func TestCountIndexAgreesWithAScan(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close() }()

	world := synthWorld(t, 1200, 7)
	// Half the world by import, the rest by transactions. The import
	// settles its missions in one pass, as a large one would.
	defer func(n int) { missionThreshold = n }(missionThreshold)
	missionThreshold = 10
	half := &graph.Batch{Entities: world.Entities, Relations: world.Relations[:len(world.Relations)/2]}
	if _, err := db.Import(ctx, batchOpener(t, half), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	assertCountsAgree(t, db, "after the import", world.Relations)
	assertPairsAgree(t, db, "after the import")
	missionThreshold = 2000
	if err := db.Apply(ctx, &graph.Batch{Relations: world.Relations[len(world.Relations)/2:]}); err != nil {
		t.Fatal(err)
	}
	assertCountsAgree(t, db, "after the rest was applied", world.Relations)
	assertPairsAgree(t, db, "after the rest was applied")

	rng := rand.New(rand.NewPCG(1, 2))
	byID := map[graph.ID]*graph.Entity{}
	for _, e := range world.Entities {
		byID[e.ID] = e
	}

	// Delete relations, then entities with cascade, then put it all back.
	var gone []string
	for _, i := range rng.Perm(len(world.Relations))[:60] {
		gone = append(gone, world.Relations[i].ID)
	}
	if err := db.Apply(ctx, &graph.Batch{DeleteRelations: gone}); err != nil {
		t.Fatal(err)
	}
	assertCountsAgree(t, db, "after deleting 60 relations", world.Relations)
	assertPairsAgree(t, db, "after deleting 60 relations")

	var doomed []graph.ID
	for _, k := range []graph.Kind{graph.Mission, graph.City, graph.Country} {
		var ids []graph.ID
		for _, e := range world.Entities {
			if e.ID.Kind() == k {
				ids = append(ids, e.ID)
			}
		}
		for _, i := range rng.Perm(len(ids))[:min(len(ids), 8)] {
			doomed = append(doomed, ids[i])
		}
	}
	if err := db.Apply(ctx, &graph.Batch{DeleteEntities: doomed, Cascade: true}); err != nil {
		t.Fatal(err)
	}
	assertCountsAgree(t, db, "after deleting missions, cities and countries with cascade", world.Relations)
	assertPairsAgree(t, db, "after deleting missions, cities and countries with cascade")

	var groups []*graph.Batch
	for _, e := range world.Entities {
		groups = append(groups, &graph.Batch{Entities: []*graph.Entity{e}})
	}
	for _, r := range world.Relations {
		groups = append(groups, &graph.Batch{Relations: []*graph.Relation{r}})
	}
	if err := db.ApplyGroups(ctx, groups, nil); err != nil {
		t.Fatal(err)
	}
	assertCountsAgree(t, db, "after putting everything back", world.Relations)
	assertPairsAgree(t, db, "after putting everything back")

	// Change missions' types and widen their lives.
	var changed []*graph.Entity
	for _, e := range world.Entities {
		if e.ID.Kind() != graph.Mission || rng.IntN(5) != 0 {
			continue
		}
		c := *e
		c.MissionType = graph.Consulate
		if !c.Period.From.IsZero() {
			c.Period.From = graph.MustDate(fmt.Sprint(c.Period.From.Year() - 1))
		}
		c.Period.To, c.Period.Open = graph.Date{}, true
		changed = append(changed, &c)
	}
	if err := db.Apply(ctx, &graph.Batch{Entities: changed}); err != nil {
		t.Fatal(err)
	}
	assertCountsAgree(t, db, fmt.Sprintf("after changing %d missions", len(changed)), world.Relations)
	assertPairsAgree(t, db, "after changing missions")

	// Change the lives of states and cities that relations and missions'
	// ties lead to: their relations count only while they hold.
	changed = nil
	for _, e := range world.Entities {
		if k := e.ID.Kind(); k == graph.Mission || rng.IntN(4) != 0 {
			continue
		}
		c := *e
		switch rng.IntN(3) {
		case 0: // known only in the 1930s, possible before and after
			c.Period = graph.Period{AttestedFrom: graph.MustDate("1930"), AttestedTo: graph.MustDate("1939")}
		case 1: // nothing dates or attests it: never known
			c.Period = graph.Period{}
		default: // open again, known from 1800
			c.Period = graph.Period{Open: true, AttestedFrom: graph.MustDate("1800")}
		}
		changed = append(changed, &c)
	}
	if err := db.Apply(ctx, &graph.Batch{Entities: changed}); err != nil {
		t.Fatal(err)
	}
	assertCountsAgree(t, db, fmt.Sprintf("after changing the lives of %d states, organisations and cities", len(changed)), world.Relations)
	assertPairsAgree(t, db, "after changing the lives of states")

	// A store whose index version predates the counts rebuilds them when
	// it is opened.
	want := countAnswers(t, db, world.Relations)
	if err := db.bdb.Update(func(txn *badger.Txn) error {
		if err := txn.Set(metaKey(metaIndex), []byte("2")); err != nil {
			return err
		}
		// Damage the counts, as a store written before them would lack them.
		return txn.Set(countLevelPrefix(countKind, levelTotal), []byte("garbage"))
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if db, err = Open(Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	if got := countAnswers(t, db, world.Relations); !maps.Equal(got, want) {
		for k, n := range want {
			if got[k] != n {
				t.Errorf("after a rebuild the counts differ from before it: %s: %d before, %d after", k, n, got[k])
				break
			}
		}
		for k, n := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("after a rebuild the counts differ from before it: %s: none before, %d after", k, n)
				break
			}
		}
	}
	assertCountsAgree(t, db, "after a rebuild", world.Relations)
	assertPairsAgree(t, db, "after a rebuild")

	// A store of index version 4 had counts but no pair index or
	// degrees; opening it builds them.
	for _, g := range []byte{countPair, countDegree} {
		if err := db.bdb.DropPrefix(key(prefixCount, []byte{g})); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.bdb.Update(func(txn *badger.Txn) error { return txn.Set(metaKey(metaIndex), []byte("4")) }); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if db, err = Open(Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	assertPairsAgree(t, db, "after opening a store of index version 4")
}

// countQueries lists the count queries the test asks: every grouping, with
// and without the filters each takes.
func countQueries() []graph.CountQuery {
	var qs []graph.CountQuery
	for _, g := range graph.GroupBys {
		qs = append(qs, graph.CountQuery{GroupBy: g, Limit: graph.MaxCountBuckets})
	}
	qs = append(qs,
		graph.CountQuery{GroupBy: graph.ByKind, Kind: graph.Mission, Limit: graph.MaxCountBuckets},
		graph.CountQuery{GroupBy: graph.ByRelationType, Types: []graph.RelationType{graph.SentBy, graph.RenamedFrom}, Limit: graph.MaxCountBuckets},
		graph.CountQuery{GroupBy: graph.ByYear, Types: []graph.RelationType{graph.AccreditsTo}, Limit: graph.MaxCountBuckets},
		graph.CountQuery{GroupBy: graph.ByDecade, Types: []graph.RelationType{graph.HeadedBy, graph.SentBy}, Limit: graph.MaxCountBuckets},
		graph.CountQuery{GroupBy: graph.ByDecadeEnded, Types: []graph.RelationType{graph.SentBy}, Limit: graph.MaxCountBuckets},
		graph.CountQuery{GroupBy: graph.ByYearEnded, Types: []graph.RelationType{graph.AccreditsTo, graph.RenamedFrom}, Limit: graph.MaxCountBuckets},
	)
	return qs
}

// countDates returns the dates the test counts as of: none, round years,
// and the first day, last day and day after of some relations' periods.
func countDates(rels []*graph.Relation) []graph.Date {
	dates := []graph.Date{{}}
	for y := 1800; y <= 2030; y += 46 {
		dates = append(dates, graph.MustDate(fmt.Sprint(y)))
	}
	day := func(n uint32) graph.Date {
		y, m, d := graph.CivilOfDay(n)
		return graph.MustDate(fmt.Sprintf("%04d-%02d-%02d", y, m, d))
	}
	for i := 0; i < len(rels); i += len(rels)/5 + 1 {
		p := rels[i].Period
		if !p.From.IsZero() {
			dates = append(dates, day(p.From.First()), day(p.From.First()-1))
		}
		if !p.To.IsZero() {
			dates = append(dates, day(p.To.Last()), day(p.To.Last()+1))
		}
	}
	return dates
}

// countAnswers returns what the counts index answers to every query of
// the test, keyed by the query and date.
func countAnswers(t *testing.T, db *DB, rels []*graph.Relation) map[string]int {
	t.Helper()
	out := map[string]int{}
	eachCount(t, db, rels, func(txn *badger.Txn, q graph.CountQuery) error {
		got, err := indexedCount(context.Background(), txn, q)
		if err != nil {
			return err
		}
		for k, n := range got {
			if n != 0 { // a bucket counted down to nothing is no bucket
				out[countKey(q)+"|"+k] = n
			}
		}
		return nil
	})
	return out
}

// eachCount calls fn, in one read of db, with every count query of the
// test as of every date of rels. fn returns an error when it cannot
// answer a query, which fails the test; a wrong answer it reports itself.
func eachCount(t *testing.T, db *DB, rels []*graph.Relation, fn func(txn *badger.Txn, q graph.CountQuery) error) {
	t.Helper()
	err := db.bdb.View(func(txn *badger.Txn) error {
		for _, q := range countQueries() {
			for _, d := range countDates(rels) {
				q.AsOf = d
				if err := fn(txn, q); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func assertCountsAgree(t *testing.T, db *DB, when string, rels []*graph.Relation) {
	t.Helper()
	start := time.Now()
	defer func() { t.Logf("%s: %v", when, time.Since(start)) }()
	eachCount(t, db, rels, func(txn *badger.Txn, q graph.CountQuery) error {
		got, err := indexedCount(context.Background(), txn, q)
		if err != nil {
			return fmt.Errorf("%s as of %q: %w", q.GroupBy, q.AsOf, err)
		}
		want, err := scanCount(context.Background(), txn, q)
		if err != nil {
			return err
		}
		maps.DeleteFunc(got, func(_ string, n int) bool { return n == 0 })
		maps.DeleteFunc(want, func(_ string, n int) bool { return n == 0 })
		// The first bucket that differs: of the index's, then of the
		// scan's.
		for _, k := range slices.Concat(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want))) {
			if got[k] != want[k] {
				t.Errorf("%s: count %s (kind %q types %v) as of %q, bucket %q: index says %d, a scan %d",
					when, q.GroupBy, q.Kind, q.Types, q.AsOf, k, got[k], want[k])
				return nil
			}
		}
		return nil
	})
	// The totals of entity and relation listings come from the same index.
	ctx := context.Background()
	for _, d := range countDates(rels)[:8] {
		for _, k := range []graph.Kind{"", graph.Mission, graph.City} {
			page, err := db.Entities(ctx, graph.EntityQuery{Kind: k, AsOf: d, First: 1, CountTotal: true})
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			if err := db.bdb.View(func(txn *badger.Txn) error {
				return scanEntities(ctx, txn, k, d, false, func(graph.ID, *entityFacts) { want++ })
			}); err != nil {
				t.Fatal(err)
			}
			if page.Total != want {
				t.Errorf("%s: entities of kind %q as of %q: totalCount %d, a scan finds %d", when, k, d, page.Total, want)
			}
		}
		for _, types := range [][]graph.RelationType{nil, {graph.SentBy, graph.HeadedBy}} {
			page, err := db.Relations(ctx, graph.RelationQuery{Types: types, AsOf: d, First: 1, CountTotal: true})
			if err != nil {
				t.Fatal(err)
			}
			// A relation is listed as of d where it and the entities it
			// joins are known to hold (graph.RelationAt); the total
			// counts the same.
			want := 0
			if err := db.bdb.View(func(txn *badger.Txn) error {
				life := func(id graph.ID) (graph.Period, bool) {
					e, err := getEntity(txn, id)
					if err != nil {
						return graph.Period{}, false
					}
					return e.Period, true
				}
				it := txn.NewIterator(badger.IteratorOptions{Prefix: key(prefixRelation)})
				defer it.Close()
				for it.Rewind(); it.Valid(); it.Next() {
					if err := it.Item().Value(func(v []byte) error {
						r, err := decodeRelation(v)
						if err == nil && (len(types) == 0 || slices.Contains(types, r.Type)) && graph.RelationAt(r, d, life) == graph.Known {
							want++
						}
						return err
					}); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if page.Total != want {
				t.Errorf("%s: relations of types %v as of %q: totalCount %d, a scan finds %d", when, types, d, page.Total, want)
			}
		}
	}
}

// assertPairsAgree holds the pair index to the missions' SENT_BY and
// ACCREDITS_TO relations as their records say, and the degrees to the
// relations naming each entity, and checks that MissionsOf and Degrees
// read them.
func assertPairsAgree(t *testing.T, db *DB, when string) {
	t.Helper()
	ctx := context.Background()
	senders, hosts := map[graph.ID][]graph.ID{}, map[graph.ID][]graph.ID{}
	want, got := map[string]bool{}, map[string]bool{}
	degrees := map[graph.ID]int{}
	err := db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: key(prefixRelation)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := it.Item().Value(func(v []byte) error {
				r, err := decodeRelation(v)
				if err != nil {
					return err
				}
				degrees[r.From]++
				degrees[r.To]++
				if r.From.Kind() != graph.Mission {
					return nil
				}
				switch r.Type {
				case graph.SentBy:
					senders[r.From] = append(senders[r.From], r.To)
				case graph.AccreditsTo:
					hosts[r.From] = append(hosts[r.From], r.To)
				}
				return nil
			}); err != nil {
				return err
			}
		}
		pairs := txn.NewIterator(badger.IteratorOptions{Prefix: key(prefixCount, []byte{countPair})})
		defer pairs.Close()
		for pairs.Rewind(); pairs.Valid(); pairs.Next() {
			k := string(pairs.Item().KeyCopy(nil))
			n, err := readCount(txn, []byte(k))
			if err != nil {
				return err
			}
			if n != 1 {
				t.Errorf("%s: pair key %q holds %d, not 1", when, k, n)
			}
			got[k] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for m, ss := range senders {
		for _, s := range ss {
			for _, h := range hosts[m] {
				want[string(pairKey(s, h, m))] = true
			}
		}
	}
	if len(want) == 0 {
		t.Fatalf("%s: the world has no mission both sent and accredited; the check checks nothing", when)
	}
	for k := range want {
		if !got[k] {
			t.Errorf("%s: the pair index lacks %q", when, k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("%s: the pair index holds %q, which no relations state", when, k)
		}
	}
	// Every entity's degree is the number of relation records naming it.
	var ids []graph.ID
	if err := db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: key(prefixEntity), PrefetchValues: false})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			ids = append(ids, entityKeyID(it.Item().KeyCopy(nil)))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	deg, err := db.Degrees(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if deg[id] != degrees[id] {
			t.Errorf("%s: the degree of %s is %d in the counts, %d by the records", when, id, deg[id], degrees[id])
		}
	}
	// MissionsOf lists, for a few pairs, the missions the records name.
	checked := 0
	for m, ss := range senders {
		if checked == 20 {
			break
		}
		for _, h := range hosts[m] {
			ids, err := db.MissionsOf(ctx, ss[0], h)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(ids, m) || !slices.IsSorted(ids) {
				t.Errorf("%s: MissionsOf(%s, %s) = %v, which should hold %s, in order", when, ss[0], h, ids, m)
			}
			for _, id := range ids {
				if !want[string(pairKey(ss[0], h, id))] {
					t.Errorf("%s: MissionsOf(%s, %s) lists %s, which is not sent by the one and accredited to the other", when, ss[0], h, id)
				}
			}
			checked++
		}
	}
}
