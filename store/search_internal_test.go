package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
)

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b  string
		limit int
		want  int
	}{
		{"switzerland", "switzerland", 2, 0},
		{"switzerlnd", "switzerland", 2, 1},  // deletion
		{"swtizerland", "switzerland", 2, 1}, // swap of neighbours
		{"switzerlant", "switzerland", 2, 1}, // substitution
		{"swtizerlnad", "switzerland", 2, 2}, // two swaps
		{"sweden", "switzerland", 2, 3},      // beyond the limit
		{"ständige", "standige", 1, 1},       // runes, not bytes
		{"", "abc", 3, 3},
	} {
		if got := editDistance(tc.a, tc.b, tc.limit); got != tc.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tc.a, tc.b, tc.limit, got, tc.want)
		}
	}
}

// TestOpenReindexesOldStores opens a directory whose store has the indexes
// of version 3, as older binaries wrote them: trigrams of every entity and
// no vocabulary. Opening it must drop the old trigrams and build the
// vocabulary, so that the typo search works again.
func TestOpenReindexesOldStores(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	e := &graph.Entity{ID: "country:switzerland", Kind: graph.Country, Name: "Switzerland",
		Sources: []graph.Source{{Document: "Test fixture"}}}
	if err := db.Apply(ctx, &graph.Batch{Entities: []*graph.Entity{e}}); err != nil {
		t.Fatal(err)
	}
	oldGram := append([]byte{prefixGramV3, sep}, " sw\x00country:switzerland"...)
	err = db.bdb.Update(func(txn *badger.Txn) error {
		for _, p := range []byte{prefixVocab, prefixVocabGram} {
			if err := deleteUnder(txn, []byte{p, sep}); err != nil {
				return err
			}
		}
		if err := txn.Set(oldGram, nil); err != nil {
			return err
		}
		return txn.Set(metaKey(metaIndex), []byte("3"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if hits, _ := db.Search(ctx, graph.SearchQuery{Text: "switzerlnd", First: 5}); len(hits) != 0 {
		t.Fatalf("the typo search works without the vocabulary: %v", hits)
	}
	db.Close()

	db, err = Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hits, err := db.Search(ctx, graph.SearchQuery{Text: "switzerlnd", First: 5})
	if err != nil || len(hits) != 1 {
		t.Errorf("after reopening: %v %v; want the vocabulary built", hits, err)
	}
	err = db.bdb.View(func(txn *badger.Txn) error {
		if _, err := txn.Get(oldGram); !errors.Is(err, badger.ErrKeyNotFound) {
			t.Errorf("the trigram key of version 3 is still there after reopening (%v)", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// deleteUnder deletes every key under prefix.
func deleteUnder(txn *badger.Txn, prefix []byte) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	var keys [][]byte
	for it.Rewind(); it.Valid(); it.Next() {
		keys = append(keys, it.Item().KeyCopy(nil))
	}
	it.Close()
	for _, k := range keys {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// doneAfter is a context that turns cancelled after its Err has been asked
// a given number of times: a request whose timeout strikes mid-search.
type doneAfter struct {
	context.Context
	calls, after int
}

func (c *doneAfter) Err() error {
	c.calls++
	if c.calls > c.after {
		return context.Canceled
	}
	return nil
}

// TestSearchStopsWhenCancelled checks that a search reading many index
// keys looks at its context as it goes, so a request's timeout stops it
// rather than letting it run on after the client has been answered.
func TestSearchStopsWhenCancelled(t *testing.T) {
	db := openForTest(t, Options{})
	b := &graph.Batch{}
	for i := range 3 * checkEvery {
		b.Entities = append(b.Entities, &graph.Entity{
			ID: graph.ID(fmt.Sprintf("mission:embassy-%d", i)), Kind: graph.Mission, Name: fmt.Sprintf("Embassy number %d", i),
			MissionType: graph.Embassy,
			Sources:     []graph.Source{{Document: "Test fixture"}}})
	}
	if err := db.Apply(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	q := graph.SearchQuery{Text: "embassy number", First: 10}
	if hits, err := db.Search(context.Background(), q); err != nil || len(hits) == 0 {
		t.Fatalf("Search(%q) = %d hits, %v; want hits", q.Text, len(hits), err)
	}
	ctx := &doneAfter{Context: context.Background(), after: 1} // the first look is before any read
	hits, err := db.Search(ctx, q)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Search with a context cancelled after it started = %d hits, %v; want context.Canceled", len(hits), err)
	}
	if ctx.calls < 2 {
		t.Errorf("Search looked at its context %d times; want it to look while reading", ctx.calls)
	}
}

// TestIntersectWords checks the walk over word lists, over every id or
// those of some kinds, against a plain filter of every entity, on names
// drawn from a few words so that lists overlap in every way: each answer
// must be exactly the entities, in id order, whose names hold one word of
// each list.
func TestIntersectWords(t *testing.T) {
	db := openForTest(t, Options{})
	vocab := []string{"embassy", "consulate", "kekrara", "driveldesh", "of", "in", "ulmor", "trade", "office"}
	rng := rand.New(rand.NewPCG(1, 2))
	names := map[graph.ID][]string{}
	b := &graph.Batch{}
	for range 600 {
		var words []string
		for range 2 + rng.IntN(4) {
			words = append(words, vocab[rng.IntN(len(vocab))])
		}
		kind := []graph.Kind{graph.Mission, graph.Mission, graph.City, graph.Organisation}[rng.IntN(4)]
		id := graph.ID(fmt.Sprintf("%sm%04d", kind.IDPrefix(), rng.IntN(100000)))
		if names[id] != nil {
			continue
		}
		names[id] = words
		e := &graph.Entity{ID: id, Kind: kind, Name: strings.Join(words, " "), Sources: []graph.Source{{Document: "Test fixture"}}}
		if kind == graph.Mission {
			e.MissionType = graph.Embassy
		}
		b.Entities = append(b.Entities, e)
	}
	// Every id, or those of some kinds only.
	rangesOf := []struct {
		kinds  []graph.Kind
		ranges idRanges
	}{
		{nil, nil},
		{[]graph.Kind{graph.Mission}, kindRanges(graph.Mission)},
		{[]graph.Kind{graph.City, graph.Organisation}, kindRanges(graph.Organisation, graph.City)},
	}
	if err := db.Apply(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	for trial := range 200 {
		lists := make([][]string, 1+rng.IntN(3))
		for i := range lists {
			for range 1 + rng.IntN(3) {
				lists[i] = append(lists[i], vocab[rng.IntN(len(vocab))])
			}
		}
		in := rangesOf[trial%len(rangesOf)]
		var want []graph.ID
		for id, words := range names {
			ok := in.kinds == nil || slices.Contains(in.kinds, id.Kind())
			for _, l := range lists {
				ok = ok && slices.ContainsFunc(l, func(w string) bool { return slices.Contains(words, w) })
			}
			if ok {
				want = append(want, id)
			}
		}
		slices.Sort(want)
		var got []graph.ID
		err := db.bdb.View(func(txn *badger.Txn) error {
			var err error
			got, err = intersectWordsIn(context.Background(), txn, slices.Clone(lists), len(names), in.ranges)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d: intersectWordsIn(%q, kinds %v) = %d ids, want %d\ngot  %v\nwant %v", trial, lists, in.kinds, len(got), len(want), got, want)
		}
	}
}

// TestRelationEnds checks the ends read off a relation record against the
// decoded record, for records whose notes and quotes hold what the fields
// look like, and that a record of another form is decoded.
func TestRelationEnds(t *testing.T) {
	for _, r := range []*graph.Relation{
		{Type: graph.SentBy, From: "mission:embassy-of-sweden-in-cuba", To: "country:sweden",
			Sources: []graph.Source{{Document: "Test fixture"}}},
		{Type: graph.Protects, From: "country:switzerland", To: "country:united-states", Context: "country:cuba",
			Period: graph.Period{From: graph.MustDate("1977"), To: graph.MustDate("2015")}, Role: "protecting power",
			Note:    `"from":"country:x","to":"country:y"`,
			Sources: []graph.Source{{Document: "De facto embassy", Quote: `,"to":"city:elsewhere" and "from":"mission:z"`}}},
	} {
		r.Normalize()
		v, err := encodeRelation(r)
		if err != nil {
			t.Fatal(err)
		}
		from, to, err := relationEnds(v)
		if err != nil || from != r.From || to != r.To {
			t.Errorf("relationEnds(%s) = %s, %s, %v; want %s, %s", v, from, to, err, r.From, r.To)
		}
		if _, _, ok := recordID(v, `"from":"`); !ok {
			t.Errorf("the record %s is not read without decoding it", v)
		}
	}
	other := []byte(`{"to":"country:sweden","type":"SENT_BY","from":"mission:m","id":"rel:x","sources":[]}`)
	if from, to, err := relationEnds(other); err != nil || from != "mission:m" || to != "country:sweden" {
		t.Errorf("relationEnds of a record in another order = %s, %s, %v", from, to, err)
	}
	if _, _, err := relationEnds([]byte(`{"from":"mission:m"`)); err == nil {
		t.Error("relationEnds of a broken record: no error")
	}
}
