package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/graph/jsonl"
	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

// runCmd runs chancery with args and returns its exit status and output.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr strings.Builder
	code := Run(context.Background(), args, &stdout, &stderr, testEnv(nil))
	return code, stdout.String(), stderr.String()
}

func TestImport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	file := filepath.Join(t.TempDir(), "extra.jsonl")
	const lines = `{"entity": {"id": "city:bern", "kind": "CITY", "name": "Bern", "sources": [{"document": "Test fixture"}]}}
{"relation": {"type": "LOCATED_IN", "from": "city:bern", "to": "country:switzerland", "sources": [{"document": "Test fixture"}]}}
`
	if err := os.WriteFile(file, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}

	t.Run("IntoTheServedData", func(t *testing.T) {
		// A first serve seeds the directory; stop it, import, serve again.
		p := startServe(t, nil, "--data", dir)
		// While the server holds the directory, import says who has it.
		code, _, stderr := runCmd(t, "import", "--data", dir, file)
		if code != 1 || !strings.Contains(stderr, "chancery serve") || !strings.Contains(stderr, p.url[:len(p.url)-1]) {
			t.Errorf("import into a served directory: exit %d, %q; want a refusal naming the server", code, stderr)
		}
		p.stop(t)
		code, stdout, stderr := runCmd(t, "import", "--data", dir, file)
		if code != 0 || !strings.Contains(stdout, "imported 1 entities and 1 relations") {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
		p = startServe(t, nil, "--data", dir)
		r, _ := p.post(t, `{ entity(id: "city:bern") { name relations { edges { node { to { name } } } } } }`, "")
		if got := jsonString(t, r.Data); got != `{"entity":{"name":"Bern","relations":{"edges":[{"node":{"to":{"name":"Switzerland"}}}]}}}` {
			t.Errorf("after the import: %s", got)
		}
	})

	t.Run("BadFileWritesNothing", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.jsonl")
		text := lines + `{"relation": {"type": "SENT_BY", "from": "city:bern", "to": "country:switzerland", "sources": [{"document": "Test fixture"}]}}` + "\n"
		if err := os.WriteFile(bad, []byte(strings.ReplaceAll(text, "bern", "thun")), 0o644); err != nil {
			t.Fatal(err)
		}
		empty := filepath.Join(t.TempDir(), "data")
		code, _, stderr := runCmd(t, "import", "--data", empty, bad)
		if code != 1 || !strings.Contains(stderr, bad+":3: ") || strings.Contains(stderr, "goroutine") {
			t.Errorf("exit %d, stderr %q; want exit 1 and a problem at %s:3", code, stderr, bad)
		}
		p := startServe(t, nil, "--data", empty)
		r, _ := p.post(t, `{ entity(id: "city:thun") { name } }`, "")
		if got := jsonString(t, r.Data); got != `{"entity":null}` {
			t.Errorf("the lines before the problem were written: %s", got)
		}
	})

	t.Run("Usage", func(t *testing.T) {
		for _, args := range [][]string{{"import"}, {"import", "data.csv"}} {
			if code, _, stderr := runCmd(t, args...); code != 2 || stderr == "" {
				t.Errorf("%q: exit %d, %q; want 2 and a usage message", args, code, stderr)
			}
		}
		code, _, stderr := runCmd(t, "import", "--data", filepath.Join(t.TempDir(), "d"), filepath.Join(t.TempDir(), "missing.jsonl"))
		if code != 1 || !strings.Contains(stderr, "missing.jsonl") {
			t.Errorf("a missing file: exit %d, %q", code, stderr)
		}
	})
}

// jsonString renders v as compact JSON.
func jsonString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestGenThenImport writes a small synthetic world and loads it: what gen
// writes, import takes, and the same seed gives the same file.
func TestGenThenImport(t *testing.T) {
	tmp := t.TempDir()
	a, b := filepath.Join(tmp, "a.jsonl"), filepath.Join(tmp, "b.jsonl")
	for _, out := range []string{a, b} {
		if code, _, stderr := runCmd(t, "gen", "--relations", "2000", "--seed", "7", "--out", out); code != 0 {
			t.Fatalf("gen: exit %d, %s", code, stderr)
		}
	}
	fa, _ := os.ReadFile(a)
	fb, _ := os.ReadFile(b)
	if len(fa) == 0 || string(fa) != string(fb) {
		t.Errorf("the same seed and size gave different files (%d and %d bytes)", len(fa), len(fb))
	}
	if n := strings.Count(string(fa), `{"relation":`); n != 2000 {
		t.Errorf("%d relations written, want 2000", n)
	}
	code, stdout, stderr := runCmd(t, "import", "--data", filepath.Join(tmp, "data"), a)
	if code != 0 || !strings.Contains(stdout, "and 2000 relations") {
		t.Errorf("import: exit %d, %q, %q", code, stdout, stderr)
	}
	if code, _, stderr := runCmd(t, "gen", "--relations", "10"); code != 2 || !strings.Contains(stderr, "at least 1000") {
		t.Errorf("a world too small: exit %d, %q", code, stderr)
	}
}

// wdDir is where the Wikidata diplomatic-missions snapshots sit, beside
// the repository.
const wdDir = "../../seeds/datasets/wikidata-embassies/"

const (
	wd2020 = wdDir + "database_of_embassies-2020-10-22.csv"
	wd2022 = wdDir + "database_of_embassies-2022-11-16.csv"
)

// wdFile is a snapshot as the test reads it, with encoding/csv rather than
// the importer's reader: its rows by QID and which of them the importer
// must reject, by rules the test states for itself.
type wdFile struct {
	rows   int
	listed map[string]bool              // every QID on a row
	usable map[string]map[string]string // QID -> the row's cells by column, for the rows to import
}

func readWDFile(t *testing.T, name string) wdFile {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma, r.LazyQuotes, r.FieldsPerRecord = ';', true, -1
	records, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := records[0]
	// Types that are not missions', hosts that are not states, and
	// operators that are neither states nor organisations: a people, a US
	// state's government and a German Land.
	unusable := map[string]bool{"hospital": true, "government agency": true, "nonprofit organization": true,
		"vice-ministerial level institution": true, "defunct diplomatic mission": true}
	notStates := map[string]bool{"Q52062": true, "Q2724951": true}
	notSenders := map[string]bool{"Q170355": true, "Q16152647": true, "Q1202": true}
	qid := func(s string) string { return strings.TrimPrefix(s, "http://www.wikidata.org/entity/") }
	out := wdFile{rows: len(records) - 1, listed: map[string]bool{}, usable: map[string]map[string]string{}}
	count := map[string]int{}
	for _, rec := range records[1:] {
		cells := map[string]string{}
		for i, h := range header {
			if i < len(rec) {
				cells[h] = rec[i]
			}
		}
		q := qid(cells["QID"])
		out.listed[q] = true
		count[q]++
		if !unusable[cells["type"]] && !notStates[qid(cells["countryQID"])] && !notSenders[qid(cells["operatorQID"])] {
			out.usable[q] = cells
		}
	}
	for q, n := range count {
		if n > 1 { // the duplicates of both files disagree: every row is rejected
			delete(out.usable, q)
		}
	}
	return out
}

// summaryCount reads one figure of an import's summary: "  added   4816 missions".
func summaryCount(t *testing.T, summary, what string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^  ` + what + ` +(\d+)`).FindStringSubmatch(summary)
	if m == nil {
		t.Fatalf("the summary has no %q figure:\n%s", what, summary)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// missionStates reads every mission the data set made: its facts and the
// relations leading out of it, sources aside, as one string each.
func missionStates(t *testing.T, dir string) map[graph.ID]string {
	t.Helper()
	db, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[graph.ID]string{}
	q := graph.EntityQuery{Kind: graph.Mission, First: graph.MaxPageSize}
	for {
		page, err := db.Entities(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		var ids []graph.ID
		facts := map[graph.ID]string{}
		for _, e := range page.Entities {
			if e.Attributes["dataset"] == "wikidata-embassies" {
				// The facts, not the snapshots that attest them: a
				// mission listed again is unchanged.
				c := *e
				c.Sources, c.AttestedFrom, c.AttestedTo = nil, graph.Date{}, graph.Date{}
				facts[e.ID] = jsonString(t, &c)
				ids = append(ids, e.ID)
			}
		}
		adj, err := db.Adjacent(context.Background(), graph.AdjacencyQuery{IDs: ids, Direction: graph.Out})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			var rels []string
			for _, r := range adj[id].Relations {
				rels = append(rels, r.Describe()+" "+r.Period.String())
			}
			slices.Sort(rels)
			out[id] = facts[id] + "\n" + strings.Join(rels, "\n")
		}
		if !page.HasNext {
			return out
		}
		q.After = page.Cursors[len(page.Cursors)-1]
	}
}

func missionID(qid string) graph.ID { return graph.ID("mission:wd-" + strings.ToLower(qid)) }

// TestImportWikidata imports the two real snapshots of the data set, the
// older first, into a seeded data directory, and checks what each wrote
// against the files themselves.
func TestImportWikidata(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	old, cur := readWDFile(t, wd2020), readWDFile(t, wd2022)

	code, stdout, stderr := runCmd(t, "import", "--data", dir, wd2020)
	if code != 0 {
		t.Fatalf("import 2020: exit %d\n%s\n%s", code, stdout, stderr)
	}
	t.Run("2020", func(t *testing.T) {
		if got := summaryCount(t, stdout, "added"); got != len(old.usable) {
			t.Errorf("added %d missions; the file has %d usable rows", got, len(old.usable))
		}
		if got := summaryCount(t, stdout, "rejected"); got != old.rows-len(old.usable) {
			t.Errorf("rejected %d rows, want %d", got, old.rows-len(old.usable))
		}
		for _, want := range []string{
			wd2020 + ":3790: rejected: unknown mission type \"hospital\"",
			wd2020 + ":1208: rejected: QID on more than one row, which disagree: Q16821663 is on lines 1208, 4708",
			wd2020 + ":4708: rejected: QID on more than one row",
			wd2020 + ":1123: rejected: operator Government of New Mexico (Q16152647): it is a sub-national government, not a state or organisation the graph could hold",
			wd2020 + ":1296: rejected: operator Indigenous Australians (Q170355): it is a people, not a state or organisation the graph could hold",
		} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q", want)
			}
		}
	})
	before := missionStates(t, dir)
	t.Run("Missions", func(t *testing.T) {
		db := storetest.OpenDir(t, dir)
		for _, c := range []struct {
			qid, name string
			rels      []string
		}{
			// Ottawa is the seeded capital, found by name in Canada.
			{"Q13634268", "Embassy of Afghanistan in Canada",
				[]string{"sent-by -> country:afghanistan", "accredits-to -> country:canada", "located-in -> city:ottawa"}},
			// Uccle is made, in Belgium.
			{"Q68189173", "Embassy of Afghanistan in Belgium",
				[]string{"sent-by -> country:afghanistan", "accredits-to -> country:belgium", "located-in -> city:uccle"}},
			// The row whose address holds quotes.
			{"Q5164561", "Consulate General of Germany in Bengaluru",
				[]string{"sent-by -> country:germany", "accredits-to -> country:india", "located-in -> city:bengaluru"}},
			// The Holy See's Wikidata item is not the one the seeds carry.
			{"Q1993290", "Apostolic Nunciature to Spain",
				[]string{"sent-by -> country:holy-see", "accredits-to -> country:spain", "located-in -> city:madrid"}},
		} {
			id := missionID(c.qid)
			e, err := db.Entity(context.Background(), id)
			if err != nil {
				t.Errorf("%s: %v", id, err)
				continue
			}
			if e.Name != c.name || e.Attributes["wikidata"] != c.qid || !e.To.IsZero() {
				t.Errorf("%s: %q %v %s", id, e.Name, e.Attributes, e.Period)
			}
			adj, _ := db.Adjacent(context.Background(), graph.AdjacencyQuery{IDs: []graph.ID{id}, Direction: graph.Out})
			var got []string
			for _, r := range adj[id].Relations {
				got = append(got, r.Type.Kebab()+" -> "+string(r.To))
			}
			if !slices.Equal(got, c.rels) {
				t.Errorf("%s: relations %q, want %q", id, got, c.rels)
			}
		}
		if ids, _ := db.LookupName(context.Background(), "Ottawa"); len(ids) != 1 {
			t.Errorf("Ottawa names %v; want the seeded capital alone", ids)
		}
		uccle, err := db.Entity(context.Background(), "city:uccle")
		if err != nil || uccle.Attributes["wikidata"] != "Q203312" {
			t.Errorf("city:uccle: %v %v", uccle, err)
		}
	})

	code, stdout, stderr = runCmd(t, "import", "--data", dir, wd2022)
	if code != 0 {
		t.Fatalf("import 2022: exit %d\n%s\n%s", code, stdout, stderr)
	}
	after := missionStates(t, dir)
	t.Run("2022", func(t *testing.T) {
		var added, closed, common, moved []string
		for q := range cur.usable {
			if old.usable[q] == nil {
				added = append(added, q)
			} else {
				common = append(common, q)
				if o, c := old.usable[q], cur.usable[q]; o["latitude"] != c["latitude"] || o["longitude"] != c["longitude"] {
					moved = append(moved, q)
				}
			}
		}
		for q := range old.usable {
			if !cur.listed[q] {
				closed = append(closed, q)
			}
		}
		updated := 0
		for _, q := range common {
			if before[missionID(q)] != after[missionID(q)] {
				updated++
			}
		}
		// Every mission both snapshots list is attested on both dates.
		if db, err := store.Open(store.Options{Dir: dir}); err != nil {
			t.Fatal(err)
		} else {
			for _, q := range common {
				e, err := db.Entity(context.Background(), missionID(q))
				if err != nil {
					t.Fatal(err)
				}
				if e.AttestedFrom.String() != "2020-10-22" || e.AttestedTo.String() != "2022-11-16" {
					t.Errorf("%s, in both snapshots, is attested %s..%s; want 2020-10-22..2022-11-16", e.ID, e.AttestedFrom, e.AttestedTo)
					break
				}
			}
			db.Close()
		}
		for what, want := range map[string]int{"added": len(added), "closed": len(closed), "updated": updated,
			"unchanged": len(common) - updated, "rejected": cur.rows - len(cur.usable)} {
			if got := summaryCount(t, stdout, what); got != want {
				t.Errorf("%s %d, want %d", what, got, want)
			}
		}
		if !strings.Contains(stdout, fmt.Sprintf("coordinates %d,", len(moved))) {
			t.Errorf("the summary does not count the %d missions whose coordinates changed:\n%s", len(moved), stdout)
		}
		if len(after) != len(before)+len(added) {
			t.Errorf("%d missions after, %d before and %d added", len(after), len(before), len(added))
		}
		for _, q := range closed {
			// No longer open, and no end stated: the snapshot does not
			// say when it went, only that it had by then.
			if s := after[missionID(q)]; strings.Contains(s, `"open":true`) || strings.Contains(s, `"validTo"`) || !strings.Contains(s, `"endedBy":"2022-11-16"`) || strings.Contains(s, "–\n") || strings.HasSuffix(s, "–") {
				t.Errorf("%s was not closed with its relations:\n%s", missionID(q), s)
				break
			}
		}
		for _, want := range []string{wd2022 + ":3682: rejected: QID on more than one row", wd2022 + ":5186: rejected: QID on more than one row",
			wd2022 + ":2956: rejected: operator Government of New Mexico (Q16152647): it is a sub-national government, not a state or organisation the graph could hold",
			wd2022 + ":3498: rejected: operator Indigenous Australians (Q170355): it is a people, not a state or organisation the graph could hold",
			wd2022 + ":7059: rejected: operator Saxony (Q1202): it is a sub-national government, not a state or organisation the graph could hold",
		} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q", want)
			}
		}
		if !strings.Contains(stdout, "new entities: 0 countries, 0 territories, 2 organisations,") {
			t.Errorf("the 2022 snapshot made other entities than the reviewed two organisations:\n%s", stdout)
		}
	})
	// docs/data.md shows this report, as the commands it gives print it
	// from the repository's root, without the time it took.
	t.Run("KnownFromTheSnapshotsOn", func(t *testing.T) {
		// A mission the snapshots list is known to hold from its creation
		// date, or else from the first snapshot that lists it: as of
		// 1990, Cuba's neighbourhood holds only the missions whose rows
		// date them before then.
		code, stdout, stderr := runExport(t, "--data", dir, "--ids", "country:cuba", "--as-of", "1990")
		if code != 0 {
			t.Fatalf("export: exit %d, %s", code, stderr)
		}
		r := jsonl.NewReader(strings.NewReader(stdout), "stdout")
		wd, listed := 0, 0
		for {
			e, _, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatal(err)
			}
			if e == nil || e.Attributes["dataset"] != "wikidata-embassies" {
				continue
			}
			wd++
			if e.Period.From.IsZero() || e.Period.From.First() > graph.MustDate("1990").First() {
				t.Errorf("%s, known from %s, is in Cuba's neighbourhood as of 1990", e.ID, e.Period.AttestedFrom)
			}
		}
		code, stdout, _ = runExport(t, "--data", dir, "--ids", "country:cuba", "--as-of", "2022-11-16")
		if code != 0 {
			t.Fatal("export as of 2022-11-16 failed")
		}
		listed = strings.Count(stdout, `"dataset":"wikidata-embassies"`)
		t.Logf("missions of the snapshots in Cuba's neighbourhood: %d as of 1990, %d as of 2022-11-16", wd, listed)
		if listed < 50 || wd >= listed/4 {
			t.Errorf("as of 1990 Cuba's neighbourhood holds %d missions of the snapshots, as of 2022-11-16 %d; want many more then", wd, listed)
		}
	})

	t.Run("ReadmeSample", func(t *testing.T) {
		raw := []byte(readDoc(t, "docs/data.md"))
		m := regexp.MustCompile("(?ms)^```\n(" + regexp.QuoteMeta("seeds/datasets/wikidata-embassies/database_of_embassies-2022-11-16.csv") + ": snapshot of .*?)^```\n").FindSubmatch(raw)
		if m == nil {
			t.Fatal("docs/data.md shows no report of the 2022 snapshot")
		}
		got := regexp.MustCompile(`(?m)^  took .*\n`).ReplaceAllString(strings.ReplaceAll(stdout, wdDir, "seeds/datasets/wikidata-embassies/"), "")
		if got != string(m[1]) {
			t.Errorf("docs/data.md shows an old report of the 2022 snapshot; the import now prints:\n%s", got)
		}
	})
	t.Run("NotSenders", func(t *testing.T) {
		db := storetest.OpenDir(t, dir)
		for _, id := range []graph.ID{"org:indigenous-australians", "org:government-of-new-mexico", "territory:saxony", "org:saxony"} {
			if _, err := db.Entity(context.Background(), id); graph.ErrorCode(err) != graph.ENOTFOUND {
				t.Errorf("%s: %v; want it not made", id, err)
			}
		}
		// Quebec, curated in the seeds, sends the offices the files list.
		e, err := db.Entity(context.Background(), "mission:wd-q335453")
		if err != nil {
			t.Fatal(err)
		}
		adj, _ := db.Adjacent(context.Background(), graph.AdjacencyQuery{IDs: []graph.ID{e.ID}, Direction: graph.Out, Types: []graph.RelationType{graph.SentBy}})
		if rels := adj[e.ID].Relations; len(rels) != 1 || rels[0].To != "territory:quebec" {
			t.Errorf("%s (%s) is sent by %v; want territory:quebec", e.ID, e.Name, rels)
		}
	})

	// The rest runs the command's import on the store opened once, so that
	// the data version shows what the imports themselves wrote: opening a
	// data directory seeds it, which counts as a write.
	db := storetest.OpenDir(t, dir)
	var out, errs strings.Builder
	c := &Import{stdout: &out, stderr: &errs, db: db}
	version, _ := db.Version(context.Background())
	t.Run("SameSnapshotAgain", func(t *testing.T) {
		out.Reset()
		if err := c.importSnapshot(context.Background(), wd2022); err != nil {
			t.Fatal(err)
		}
		summary := out.String()
		if summaryCount(t, summary, "unchanged") != len(cur.usable) || summaryCount(t, summary, "added") != 0 ||
			summaryCount(t, summary, "updated") != 0 || summaryCount(t, summary, "closed") != 0 || summaryCount(t, summary, "attested") != 0 {
			t.Errorf("a second import of the same file:\n%s", summary)
		}
	})
	t.Run("ErrOlderSnapshot", func(t *testing.T) {
		err := c.importSnapshot(context.Background(), wd2020)
		if err == nil || !strings.Contains(err.Error(), "import snapshots oldest first") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("ErrMalformed", func(t *testing.T) {
		raw, err := os.ReadFile(wd2022)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfter(string(raw), "\n")
		head := strings.Join(lines[:100], "")
		tmp := t.TempDir()
		for _, f := range []struct {
			name, text, want string
		}{
			{"commas-2022-11-16.csv", strings.ReplaceAll(head, ";", ","), `:1: the header has one column and it contains ","`},
			{"cut-2022-11-16.csv", head + lines[100][:80], ":101: the row has 6 fields, but the header names 25 columns"},
			{"quote-2022-11-16.csv", head + `Germany;http://www.wikidata.org/entity/Q183;India;http://www.wikidata.org/entity/Q668;"2nd & 3rd floor`,
				":101: a quoted field starts on this line and is never closed"},
		} {
			name := filepath.Join(tmp, f.name)
			if err := os.WriteFile(name, []byte(f.text), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := c.importSnapshot(context.Background(), name); err == nil || !strings.HasPrefix(err.Error(), name+f.want) {
				t.Errorf("%s: %v; want %q", f.name, err, name+f.want)
			}
		}
	})
	if v, _ := db.Version(context.Background()); v != version {
		t.Errorf("the data version went from %d to %d; a file that changes nothing, or cannot be read, must write nothing", version, v)
	}
}

// TestImportWikidataFlags checks the command line: a snapshot's date, a
// dry run, and a malformed file reported as file:line.
func TestImportWikidataFlags(t *testing.T) {
	raw, err := os.ReadFile(wd2022)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "missions.csv")
	if err := os.WriteFile(name, []byte(strings.Join(strings.SplitAfter(string(raw), "\n")[:4], "")), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, stderr := runCmd(t, "import", "--data", dir, name); code != 2 || !strings.Contains(stderr, "--snapshot-date") {
		t.Errorf("a file name without a date: exit %d, %q", code, stderr)
	}
	for _, args := range [][]string{
		{"--snapshot-date", "2022-11", name},
		{"--snapshot-date", "2022-11-16", name, wd2020},
		{"--dry-run", name, "x.jsonl"},
	} {
		if code, _, stderr := runCmd(t, append([]string{"import", "--data", dir}, args...)...); code != 2 || stderr == "" {
			t.Errorf("%q: exit %d, %q; want a usage error", args, code, stderr)
		}
	}
	code, stdout, stderr := runCmd(t, "import", "--data", dir, "--snapshot-date", "2023-01-31", "--dry-run", name)
	if code != 0 || !strings.Contains(stdout, "dry run: nothing written") || !strings.Contains(stdout, "snapshot of 2023-01-31, 3 rows") ||
		summaryCount(t, stdout, "added") != 3 {
		t.Errorf("dry run: exit %d\n%s\n%s", code, stdout, stderr)
	}
	db, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if page, _ := db.Entities(context.Background(), graph.EntityQuery{Kind: graph.Mission, First: 500}); slices.ContainsFunc(page.Entities,
		func(e *graph.Entity) bool { return e.Attributes["dataset"] != "" }) {
		t.Error("the dry run wrote missions")
	}
	db.Close()

	bad := filepath.Join(t.TempDir(), "commas-2022-11-16.csv")
	os.WriteFile(bad, []byte(strings.ReplaceAll(strings.Join(strings.SplitAfter(string(raw), "\n")[:4], ""), ";", ",")), 0o644)
	code, _, stderr = runCmd(t, "import", "--data", dir, bad)
	if code != 1 || stderr != "chancery: "+bad+":1: the header has one column and it contains \",\"; the data set's files are separated by ';'\n" {
		t.Errorf("a malformed file: exit %d, %q", code, stderr)
	}
}

func TestImportSeedFormat(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	good := filepath.Join(t.TempDir(), "thun.yaml")
	os.WriteFile(good, []byte(`entities:
  - id: city:thun
    name: Thun
    sources: [{document: Test fixture}]
relations:
  - type: located-in
    from: city:thun
    to: country:switzerland
    sources: [{document: Test fixture}]
`), 0o644)
	if code, stdout, stderr := runCmd(t, "import", "--data", dir, good); code != 0 || !strings.Contains(stdout, "imported 1 entities and 1 relations") {
		t.Fatalf("exit %d, %q, %q", code, stdout, stderr)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte(`entities:
  - id: city:spiez
    name: Spiez
    sources: [{document: Test fixture}]
relations:
  - type: located-in
    from: city:spiez
    to: country:nowhere
    sources: [{document: Test fixture}]
  - type: located-in
    from: city:spiez
    to: country:switzerland
    validFrom: 1994-13
    sources: [{document: Test fixture}]
`), 0o644)
	code, _, stderr := runCmd(t, "import", "--data", dir, bad)
	if code != 1 || !strings.Contains(stderr, bad+":13: ") {
		t.Errorf("a malformed date: exit %d, %q; want a problem at %s:13", code, stderr, bad)
	}
	os.WriteFile(bad, []byte(strings.Replace(mustRead(t, bad), "    validFrom: 1994-13\n", "", 1)), 0o644)
	code, _, stderr = runCmd(t, "import", "--data", dir, bad)
	if code != 1 || !strings.Contains(stderr, bad+":6: ") || !strings.Contains(stderr, "country:nowhere") {
		t.Errorf("a dangling reference: exit %d, %q; want it reported at %s:6", code, stderr, bad)
	}
	db := storetest.OpenDir(t, dir)
	if _, err := db.Entity(context.Background(), "city:spiez"); !graph.IsNotFound(err) {
		t.Errorf("a refused file wrote its entity: %v", err)
	}
	if _, err := db.Entity(context.Background(), "city:thun"); err != nil {
		t.Errorf("the good file's entity: %v", err)
	}
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
