package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/seeds"
)

// seededDir returns a data directory holding the built-in seeds, closed,
// made once for the tests that damage copies of it.
func seededDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	db, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	set, err := seeds.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Seed(context.Background(), set.Batch(), set.Label); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// copyDir copies a closed data directory to a new one.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, filepath.Base(path)), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// openInspect opens dir as chancery verify does, and closes it when the
// test ends.
func openInspect(t *testing.T, dir string) *DB {
	t.Helper()
	db, err := Open(Options{Dir: dir, Inspect: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// firstKey returns the first key under prefix that match accepts, with
// its value.
func firstKey(t *testing.T, db *DB, prefix []byte, match func(k, v []byte) bool) (k, v []byte) {
	t.Helper()
	err := db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			val, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			if match == nil || match(it.Item().Key(), val) {
				k, v = it.Item().KeyCopy(nil), val
				return nil
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if k == nil {
		t.Fatalf("no key under %q as the test needs", prefix)
	}
	return k, v
}

// damage changes the store behind its back, as a fault would.
func damage(t *testing.T, db *DB, fn func(txn *badger.Txn) error) {
	t.Helper()
	if err := db.bdb.Update(fn); err != nil {
		t.Fatal(err)
	}
}

// verified verifies db and fails the test on an error.
func verified(t *testing.T, db *DB) *VerifyReport {
	t.Helper()
	rep, err := db.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// expectProblems fails unless the report lists exactly the kinds of
// problems in want, each as often as want says, and each with an example
// that holds the text given for it.
func expectProblems(t *testing.T, rep *VerifyReport, want map[problemKind]int, examples map[problemKind]string) {
	t.Helper()
	got := map[problemKind]*Problem{}
	for _, p := range rep.Problems {
		got[p.kind] = p
	}
	for k, n := range want {
		p := got[k]
		switch {
		case p == nil:
			t.Errorf("no problem %q reported", problemKinds[k].what)
		case p.Count != n:
			t.Errorf("%q: %d reported, want %d: %q", p.What, p.Count, n, p.Examples)
		}
	}
	for k, p := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected problem %q: %d, such as %q", p.What, p.Count, p.Examples)
		}
	}
	for k, text := range examples {
		if p := got[k]; p != nil && !strings.Contains(strings.Join(p.Examples, "\n"), text) {
			t.Errorf("%q: the examples %q do not show %q", p.What, p.Examples, text)
		}
	}
}

// aRelation returns a stored relation that accept accepts.
func aRelation(t *testing.T, db *DB, accept func(r *graph.Relation) bool) (*graph.Relation, []byte) {
	t.Helper()
	var r *graph.Relation
	_, v := firstKey(t, db, key(prefixRelation), func(_, v []byte) bool {
		rel, err := decodeRelation(v)
		if err == nil && accept(rel) {
			r = rel
			return true
		}
		return false
	})
	return r, v
}

// TestVerifyFindsNoProblemInAStoreItWrote verifies the stores the code
// writes: the seeds, and a synthetic world loaded by a sorted load, then
// changed by transactions (deletions with and without cascade, new dates
// of entities and relations) and a rebuild of its counts.
func TestVerifyFindsNoProblemInAStoreItWrote(t *testing.T) {
	ctx := context.Background()
	t.Run("Seeds", func(t *testing.T) {
		db := openInspect(t, seededDir(t))
		rep := verified(t, db)
		expectProblems(t, rep, nil, nil)
		if rep.Entities < 500 || rep.Relations < 500 || rep.Keys < 10*rep.Relations || rep.IndexVersion != indexVersion {
			t.Errorf("report %+v: fewer records or keys than the seeds hold", rep)
		}
	})
	t.Run("World", func(t *testing.T) {
		db := openForTest(t, Options{Dir: t.TempDir(), Bulk: true})
		world := synthWorld(t, 3000, 5)
		if _, err := db.Import(ctx, batchOpener(t, world), ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		rep := verified(t, db)
		expectProblems(t, rep, nil, nil)
		if rep.Entities != len(world.Entities) || rep.Relations != len(world.Relations) {
			t.Errorf("%d entities and %d relations verified, %d and %d imported", rep.Entities, rep.Relations, len(world.Entities), len(world.Relations))
		}

		// Changes by transactions, each counted as it is written.
		var mission, city *graph.Entity
		for _, e := range world.Entities {
			switch {
			case mission == nil && e.Kind == graph.Mission:
				mission = e
			case city == nil && e.Kind == graph.City:
				city = e
			}
		}
		moved := *city
		moved.Period = graph.Period{From: graph.MustDate("1950"), To: graph.MustDate("1990")}
		dated := *world.Relations[len(world.Relations)-1]
		dated.Period.To = graph.MustDate("2001-03")
		dated.ID = ""
		for _, b := range []*graph.Batch{
			{DeleteEntities: []graph.ID{mission.ID}, Cascade: true},
			{DeleteRelations: []string{world.Relations[0].ID}},
			{Entities: []*graph.Entity{&moved}},
			{Relations: []*graph.Relation{&dated}},
		} {
			if err := db.Apply(ctx, b); err != nil && graph.ErrorCode(err) != graph.EINVALID {
				t.Fatal(err)
			}
			expectProblems(t, verified(t, db), nil, nil)
		}
		if err := db.recount(ctx); err != nil {
			t.Fatal(err)
		}
		expectProblems(t, verified(t, db), nil, nil)
	})
}

// TestVerifyReportsDamage damages a seeded store in one way at a time,
// through Badger, and holds Verify to reporting exactly that, and Repair
// to mending what the records determine and refusing the rest.
func TestVerifyReportsDamage(t *testing.T) {
	ctx := context.Background()
	seeded := seededDir(t)
	france := graph.ID("country:france")
	notTie := func(r *graph.Relation) bool {
		for _, f := range farEndGroupings {
			if r.Type == f.t {
				return false
			}
		}
		return !r.Type.Symmetric()
	}

	for _, tc := range []struct {
		name string
		// damage damages the store, and returns the problems Verify must
		// report, with a text one example of each must hold.
		damage   func(t *testing.T, db *DB) (map[problemKind]int, map[problemKind]string)
		repaired bool   // whether Repair leaves no problem
		left     string // a text of the remedy of what Repair leaves, or of its refusal
		// after checks the store after Repair.
		after func(t *testing.T, db *DB)
	}{{
		name: "AdjacencyKeyDeleted",
		damage: func(t *testing.T, db *DB) (map[problemKind]int, map[problemKind]string) {
			r, _ := aRelation(t, db, notTie)
			damage(t, db, func(txn *badger.Txn) error { return txn.Delete(adjacencyKey(r.To, dirIn, r)) })
			return map[problemKind]int{probMissingRelIndex: 1},
				map[problemKind]string{probMissingRelIndex: string(r.ID) + ": adjacency of " + string(r.To) + " (" + string(r.Type) + ", in)"}
		},
		repaired: true,
	}, {
		// The ties of missions to their senders, hosts and cities are
		// counted from the adjacency, so the counts differ too, and are
		// mended once it is.
		name: "TieOfAMissionDeleted",
		damage: func(t *testing.T, db *DB) (map[problemKind]int, map[problemKind]string) {
			// A mission with a host, so that its pairs differ too.
			pair, _ := firstKey(t, db, key(prefixCount, []byte{countPair}), nil)
			parts := bytes.Split(pair[3:], []byte{sep})
			sender, mission := graph.ID(parts[0]), graph.ID(parts[2])
			r, _ := aRelation(t, db, func(r *graph.Relation) bool {
				return r.Type == graph.SentBy && r.From == mission && r.To == sender
			})
			damage(t, db, func(txn *badger.Txn) error { return txn.Delete(adjacencyKey(r.From, dirOut, r)) })
			return map[problemKind]int{probMissingRelIndex: 1, probCounts: -1, probPairs: -1},
				map[problemKind]string{probMissingRelIndex: r.ID + ": adjacency of " + string(r.From) + " (SENT_BY, out)",
					probCounts: "missions sent by " + string(sender) + ", ", probPairs: "pair index: mission " + string(mission)}
		},
		repaired: true,
	}, {
		name: "TieOfAMissionDoesNotDecode",
		damage: func(t *testing.T, db *DB) (map[problemKind]int, map[problemKind]string) {
			r, _ := aRelation(t, db, func(r *graph.Relation) bool { return r.Type == graph.AccreditsTo })
			damage(t, db, func(txn *badger.Txn) error { return txn.Set(adjacencyKey(r.From, dirOut, r), []byte("{")) })
			return map[problemKind]int{probWrongRelIndex: 1, probCountsUnread: 1},
				map[problemKind]string{probWrongRelIndex: r.ID + ": adjacency of " + string(r.From) + " (ACCREDITS_TO, out)",
					probCountsUnread: "relation of " + string(r.From)}
		},
		repaired: true,
	}, {
		name: "AdjacencyKeyHoldsAnotherRelation",
		damage: func(t *testing.T, db *DB) (map[problemKind]int, map[problemKind]string) {
			r, _ := aRelation(t, db, notTie)
			_, other := aRelation(t, db, func(o *graph.Relation) bool { return o.ID != r.ID })
			damage(t, db, func(txn *badger.Txn) error { return txn.Set(adjacencyKey(r.From, dirOut, r), other) })
			return map[problemKind]int{probWrongRelIndex: 1},
				map[problemKind]string{probWrongRelIndex: string(r.ID) + ": adjacency of " + string(r.From)}
		},
		repaired: true,
	}, {
		name: "OrphanTypeKey",
		damage: func(t *testing.T, db *DB) (map[problemKind]int, map[problemKind]string) {
			r, _ := aRelation(t, db, notTie)
			ghost := *r
			ghost.Role = "a role no relation has"
			ghost.Normalize()
			damage(t, db, func(txn *badger.Txn) error { return txn.Set(typeKey(&ghost), []byte(ghost.ID)) })
			return map[problemKind]int{probOrphanRelIndex: 1},
				map[problemKind]string{probOrphanRelIndex: ghost.ID + ": type index (" + string(r.Type) + "), which has no record"}
		},
		repaired: true,
	}, {
		name: "NameKeyDeleted",
		damage: func(t *testing.T, db *DB) (map[problemKind]int, map[problemKind]string) {
			damage(t, db, func(txn *badger.Txn) error { return txn.Delete(nameKey("france", france)) })
			return map[problemKind]int{probMissingName: 1},
				map[problemKind]string{probMissingName: `name "france" of country:france`}
		},
		repaired: true,
		after: func(t *testing.T, db *DB) {
			hits, err := db.Search(ctx, graph.SearchQuery{Text: "France", First: 1})
			if err != nil || len(hits) == 0 || hits[0].Entity.ID != france {
				t.Errorf("search for France after the repair: %v, %v", hits, err)
			}
		},
	}, {
		name: "VocabularyWordDeletedAndStrayTrigram",
		damage: func(t *testing.T, db *DB) (map[problemKind]int, map[problemKind]string) {
			damage(t, db, func(txn *badger.Txn) error {
				if err := txn.Delete(vocabKey("france")); err != nil {
					return err
				}
				return txn.Set(vocabGramKey("xyz", "france"), nil)
			})
			return map[problemKind]int{probMissingVocab: 1, probStrayGram: 1},
				map[problemKind]string{probMissingVocab: `word "france"`, probStrayGram: `trigram "xyz" given for the word "france"`}
		},
		repaired: true,
	}, {
		name: "CountCorrupted",
		damage: func(t *testing.T, db *DB) (map[problemKind]int, map[problemKind]string) {
			k := key(prefixCount, []byte{countKind, levelTotal}, []byte(graph.Country))
			damage(t, db, func(txn *badger.Txn) error { return txn.Set(k, binary.BigEndian.AppendUint64(nil, 999)) })
			return map[problemKind]int{probCounts: 1},
				map[problemKind]string{probCounts: "entities of kind COUNTRY, total: 999 stored, "}
		},
		repaired: true,
		after: func(t *testing.T, db *DB) {
			b, err := db.Count(ctx, graph.CountQuery{GroupBy: graph.ByKind, Limit: graph.MaxCountBuckets})
			if err != nil {
				t.Fatal(err)
			}
			e, err := db.Entities(ctx, graph.EntityQuery{Kind: graph.Country, CountTotal: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range b {
				if x.Key == string(graph.Country) && x.Count != e.Total {
					t.Errorf("after the repair, count says %d countries; the store holds %d", x.Count, e.Total)
				}
			}
		},
	}, {
		name: "PairKeyDeleted",
		damage: func(t *testing.T, db *DB) (map[problemKind]int, map[problemKind]string) {
			k, _ := firstKey(t, db, key(prefixCount, []byte{countPair}), nil)
			damage(t, db, func(txn *badger.Txn) error { return txn.Delete(k) })
			parts := bytes.Split(k[3:], []byte{sep})
			return map[problemKind]int{probPairs: 1},
				map[problemKind]string{probPairs: "pair index: mission " + string(parts[2]) + ", sent by " + string(parts[0]) + " to " + string(parts[1]) + ": none stored, 1 recounted"}
		},
		repaired: true,
	}, {
		name: "DegreeCorrupted",
		damage: func(t *testing.T, db *DB) (map[problemKind]int, map[problemKind]string) {
			damage(t, db, func(txn *badger.Txn) error { return txn.Set(degreeKey(france), []byte("x")) })
			return map[problemKind]int{probDegrees: 1},
				map[problemKind]string{probDegrees: "degree of country:france: holds 1 bytes, not a count"}
		},
		repaired: true,
	}, {
		name: "OldIndexVersion",
		damage: func(t *testing.T, db *DB) (map[problemKind]int, map[problemKind]string) {
			damage(t, db, func(txn *badger.Txn) error { return txn.Set(metaKey(metaIndex), []byte("6")) })
			return map[problemKind]int{probIndexVersion: 1}, map[problemKind]string{probIndexVersion: `version "6"`}
		},
		repaired: true,
	}, {
		name: "LeftoverRuns",
		damage: func(t *testing.T, db *DB) (map[problemKind]int, map[problemKind]string) {
			runs := filepath.Join(db.dir, "import-sort-123")
			if err := os.MkdirAll(runs, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(runs, "run-1"), []byte("keys"), 0o644); err != nil {
				t.Fatal(err)
			}
			return map[problemKind]int{probRuns: 1}, map[problemKind]string{probRuns: "import-sort-123"}
		},
		repaired: true,
		after: func(t *testing.T, db *DB) {
			if _, err := os.Stat(filepath.Join(db.dir, "import-sort-123")); !os.IsNotExist(err) {
				t.Errorf("the runs are still there: %v", err)
			}
		},
	}, {
		name: "ImportCutShort",
		damage: func(t *testing.T, db *DB) (map[problemKind]int, map[problemKind]string) {
			damage(t, db, func(txn *badger.Txn) error {
				return txn.Set(metaKey(metaImporting), []byte("2024-05-01T10:00:00Z"))
			})
			return map[problemKind]int{probImporting: 1}, map[problemKind]string{probImporting: "started at 2024-05-01T10:00:00Z"}
		},
		left: "delete the directory and import again",
	}, {
		name: "RestoreCutShort",
		damage: func(t *testing.T, db *DB) (map[problemKind]int, map[problemKind]string) {
			damage(t, db, func(txn *badger.Txn) error {
				if err := txn.Delete(nameKey("france", france)); err != nil {
					return err
				}
				return txn.Set(metaKey(metaRestoring), []byte("2024-05-01T10:00:00Z"))
			})
			return map[problemKind]int{probRestoring: 1, probMissingName: 1}, nil
		},
		left: "restore the backup again",
	}, {
		name: "EntityOfARelationDeleted",
		damage: func(t *testing.T, db *DB) (map[problemKind]int, map[problemKind]string) {
			r, _ := aRelation(t, db, func(r *graph.Relation) bool { return r.Type == graph.MemberOf })
			gone := r.To
			e, err := db.Entity(ctx, gone)
			if err != nil {
				t.Fatal(err)
			}
			var rels []*graph.Relation
			damage(t, db, func(txn *badger.Txn) (err error) {
				if rels, err = relationsOf(txn, gone); err != nil {
					return err
				}
				return txn.Delete(entityKey(gone))
			})
			// Its relations count on every day they hold, no longer
			// only while it does; it counts no more itself.
			return map[problemKind]int{probMissingEnd: len(rels), probOrphanName: len(indexKeys(e)), probCounts: -1},
				map[problemKind]string{probMissingEnd: r.ID + " (to " + string(gone) + ")", probOrphanName: ", which has no record"}
		},
		left: "restore a backup taken before the damage",
	}, {
		name: "RelationRecordDoesNotDecode",
		damage: func(t *testing.T, db *DB) (map[problemKind]int, map[problemKind]string) {
			r, _ := aRelation(t, db, notTie)
			damage(t, db, func(txn *badger.Txn) error { return txn.Set(relationKey(r.ID), []byte("{not json")) })
			return map[problemKind]int{probBadRecord: 1, probCounts: -1, probDegrees: -1}, map[problemKind]string{probBadRecord: r.ID + ": decode relation record"}
		},
		left: "export what is readable (chancery export)",
	}, {
		name: "UnknownKey",
		damage: func(t *testing.T, db *DB) (map[problemKind]int, map[problemKind]string) {
			damage(t, db, func(txn *badger.Txn) error { return txn.Set([]byte("z\x00left by another program"), nil) })
			return map[problemKind]int{probUnknownKey: 1}, map[problemKind]string{probUnknownKey: `"z\x00left by another program"`}
		},
		left: "open the directory with the chancery that wrote them",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := openInspect(t, copyDir(t, seeded))
			want, examples := tc.damage(t, db)
			rep := verified(t, db)
			// -1: some, as many as follow from the damage.
			for k, n := range want {
				if n == -1 {
					for _, p := range rep.Problems {
						if p.kind == k {
							want[k] = p.Count
						}
					}
				}
			}
			expectProblems(t, rep, want, examples)
			if t.Failed() {
				return
			}

			fixed, err := db.Repair(ctx)
			if rep.CutShort() {
				if err == nil || !strings.Contains(err.Error(), "was not repaired") || !strings.Contains(err.Error(), tc.left) {
					t.Fatalf("Repair of a store whose loading was cut short: %v; want a refusal that says %q", err, tc.left)
				}
				// Nothing changed.
				expectProblems(t, verified(t, db), want, examples)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range rep.Problems {
				if p.Repairable && !strings.Contains(strings.Join(fixed.Done, "\n"), p.What+": ") {
					t.Errorf("Repair does not say it mended %q: %q", p.What, fixed.Done)
				}
			}
			left := map[problemKind]int{}
			for _, p := range rep.Problems {
				if !p.Repairable {
					left[p.kind] = p.Count
				}
			}
			expectProblems(t, fixed.After, left, nil)
			if tc.repaired != (len(left) == 0) {
				t.Errorf("repaired: %v, but %d kinds of problem are left", tc.repaired, len(left))
			}
			for _, p := range fixed.After.Problems {
				if !strings.Contains(p.Remedy, tc.left) {
					t.Errorf("%q is left with the remedy %q, which does not say %q", p.What, p.Remedy, tc.left)
				}
			}
			// The report after Repair is what a new pass finds.
			expectProblems(t, verified(t, db), left, nil)
			if tc.after != nil {
				tc.after(t, db)
			}
		})
	}
}

// TestRepairOfAStoreWithoutProblemsChangesNothing: every key and value
// of a sound store stays as it is.
func TestRepairOfAStoreWithoutProblemsChangesNothing(t *testing.T) {
	db := openInspect(t, seededDir(t))
	snapshot := func() map[string]string {
		all := map[string]string{}
		if err := db.bdb.View(func(txn *badger.Txn) error {
			it := txn.NewIterator(badger.IteratorOptions{})
			defer it.Close()
			for it.Rewind(); it.Valid(); it.Next() {
				v, err := it.Item().ValueCopy(nil)
				if err != nil {
					return err
				}
				all[string(it.Item().Key())] = string(v)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return all
	}
	before := snapshot()
	fixed, err := db.Repair(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(fixed.Done) > 0 || fixed.After.Total() > 0 {
		t.Errorf("Repair of a sound store did %q and left %d problems", fixed.Done, fixed.After.Total())
	}
	after := snapshot()
	if len(after) != len(before) {
		t.Fatalf("%d keys before Repair, %d after", len(before), len(after))
	}
	for k, v := range before {
		if after[k] != v {
			t.Errorf("key %q changed", k)
		}
	}
}

// TestVerifyDescribesCountKeys names the grouping, bucket and time of
// each level of the counts index.
func TestVerifyDescribesCountKeys(t *testing.T) {
	typ := byte(graph.SentBy.Index())
	year := binary.BigEndian.AppendUint16(nil, 1961)
	for _, tc := range []struct {
		k    []byte
		want string
	}{
		{key(prefixCount, []byte{countSender, levelTotal}, []byte("country:france")), "missions sent by country:france, total"},
		{key(prefixCount, []byte{countType, levelDecade}, binary.BigEndian.AppendUint16(nil, decadeCode(1961)), []byte{typ}), "relations of type SENT_BY, changes in the 1960s"},
		{key(prefixCount, []byte{countKind, levelDecade, 0, 0}, []byte("CITY")), "entities of kind CITY, changes before any date"},
		{key(prefixCount, []byte{countStart, levelYear}, year, []byte{typ}, year), "relations of type SENT_BY starting in 1961, changes in 1961"},
		{key(prefixCount, []byte{countHost, levelMonth}, year, []byte{4}, []byte("country:cuba")), "missions accredited to country:cuba, changes in 1961-04"},
		{key(prefixCount, []byte{countMissionType, levelDay}, year, []byte{4, 18}, []byte("EMBASSY")), "missions of type EMBASSY, changes on 1961-04-18"},
		{degreeKey("city:havana"), "degree of city:havana"},
		{pairKey("country:usa", "country:cuba", "mission:x"), "pair index: mission mission:x, sent by country:usa to country:cuba"},
		{key(prefixCount, []byte{countType, levelDay}), `"c\x00Rd"`},
	} {
		if got := describeCountKey(tc.k); got != tc.want {
			t.Errorf("describeCountKey(%q) = %q, want %q", tc.k, got, tc.want)
		}
	}
}
