package store

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
)

// Bounds on the work one search does: how many index keys it reads for
// each way of matching, and how many candidates it loads to rank.
const (
	searchScanLimit  = 2000
	searchCandidates = 300
	gramPostingLimit = 5000
)

// indexKeys returns every index key that points at e by name: the folded
// name, aliases and ISO codes; the words of the names and aliases; and
// their trigrams.
func indexKeys(e *graph.Entity) [][]byte {
	var keys [][]byte
	for _, n := range foldedNames(e) {
		keys = append(keys, nameKey(n, e.ID))
	}
	words, grams := map[string]bool{}, map[string]bool{}
	for _, name := range e.Names() {
		f := Fold(name)
		for _, w := range strings.Fields(f) {
			words[w] = true
		}
		for _, g := range trigrams(f) {
			grams[g] = true
		}
	}
	for _, w := range sortedKeys(words) {
		keys = append(keys, wordKey(w, e.ID))
	}
	for _, g := range sortedKeys(grams) {
		keys = append(keys, gramKey(g, e.ID))
	}
	return keys
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// trigrams returns the three-letter windows of a folded string padded with
// a space at each end, so that short words have trigrams too.
func trigrams(folded string) []string {
	r := []rune(" " + folded + " ")
	if len(r) < 3 {
		return nil
	}
	out := make([]string, 0, len(r)-2)
	for i := 0; i+3 <= len(r); i++ {
		out = append(out, string(r[i:i+3]))
	}
	return out
}

// candidate is an entity a search may return, and its best match so far.
type candidate struct {
	id      graph.ID
	score   float64
	matched string // filled in once the entity is loaded
	how     func(e *graph.Entity) (string, float64)
}

// Search finds entities by name, alias, ISO code and former name. It reads
// the name index for exact and prefix matches, the word index for names
// whose words start with the words of the text, and the trigram index for
// names one or two typos away; then it adds the later names of every body
// it found (through RENAMED_FROM), ranks, and cuts to q.First.
func (db *DB) Search(ctx context.Context, q graph.SearchQuery) ([]graph.SearchHit, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	f := Fold(q.Text)
	if f == "" {
		return nil, graph.Errorf(graph.EINVALID, "the search text %q has no letters or digits", q.Text)
	}
	var hits []graph.SearchHit
	err := db.view(ctx, func(txn *badger.Txn) error {
		cands := map[graph.ID]*candidate{}
		add := func(id graph.ID, how func(e *graph.Entity) (string, float64)) {
			if _, ok := cands[id]; !ok && len(cands) < searchCandidates {
				cands[id] = &candidate{id: id, how: how}
			}
		}
		// Names that start with the text, the exact ones among them.
		err := scanIDs(ctx, txn, nameStartPrefix(f), searchScanLimit, func(id graph.ID) { add(id, matchName(f)) })
		if err != nil {
			return err
		}
		// Names whose words start with the text's words.
		words := strings.Fields(f)
		longest := slices.MaxFunc(words, func(a, b string) int { return cmp.Compare(len(a), len(b)) })
		err = scanIDs(ctx, txn, wordStartPrefix(longest), searchScanLimit, func(id graph.ID) { add(id, matchWords(words)) })
		if err != nil {
			return err
		}
		// Names a typo or two away, when the text is long enough to judge.
		if len([]rune(f)) >= 4 {
			ids, err := gramCandidates(ctx, txn, f)
			if err != nil {
				return err
			}
			for _, id := range ids {
				add(id, matchTypo(f))
			}
		}

		found, err := loadEntities(ctx, txn, cands)
		if err != nil {
			return err
		}
		best := map[graph.ID]graph.SearchHit{}
		keep := func(h graph.SearchHit) {
			if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, h.Entity.Kind) {
				return
			}
			if old, ok := best[h.Entity.ID]; !ok || h.Score > old.Score {
				best[h.Entity.ID] = h
			}
		}
		for id, c := range cands {
			e := found[id]
			if e == nil {
				continue
			}
			matched, score := c.how(e)
			if score == 0 {
				continue
			}
			h := graph.SearchHit{Entity: e, Matched: matched, Score: score}
			keep(h)
			later, err := laterNames(txn, e, 0)
			if err != nil {
				return err
			}
			for _, l := range later {
				keep(graph.SearchHit{Entity: l, Matched: matched, Score: score * graph.FormerNameFactor})
			}
		}
		for _, h := range best {
			hits = append(hits, h)
		}
		return nil
	})
	if err != nil {
		return nil, db.translate(err)
	}
	slices.SortFunc(hits, func(a, b graph.SearchHit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.Entity.Name), len(b.Entity.Name)); c != 0 {
			return c
		}
		return cmp.Compare(a.Entity.ID, b.Entity.ID)
	})
	if len(hits) > q.First {
		hits = hits[:q.First]
	}
	return hits, nil
}

// scanIDs calls fn with the entity id of each key under prefix, at most
// limit of them, and stops early with ctx's error once ctx is done (it
// looks every checkEvery keys, so that a request's timeout stops it).
func scanIDs(ctx context.Context, txn *badger.Txn, prefix []byte, limit int, fn func(graph.ID)) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	n := 0
	for it.Rewind(); it.Valid() && n < limit; it.Next() {
		if n%checkEvery == checkEvery-1 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		fn(nameKeyID(it.Item().Key()))
		n++
	}
	return nil
}

// gramCandidates returns the entities that share the most trigrams with
// the folded text, most first.
func gramCandidates(ctx context.Context, txn *badger.Txn, f string) ([]graph.ID, error) {
	shared := map[graph.ID]int{}
	grams := trigrams(f)
	for _, g := range grams {
		if err := scanIDs(ctx, txn, gramPrefix(g), gramPostingLimit, func(id graph.ID) { shared[id]++ }); err != nil {
			return nil, err
		}
	}
	// A name within two edits of the text keeps at least all but six of
	// its trigrams (each edit touches three); ask for a third of them.
	need := max(1, len(grams)/3)
	var ids []graph.ID
	for id, n := range shared {
		if n >= need {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b graph.ID) int {
		if c := cmp.Compare(shared[b], shared[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	if len(ids) > searchCandidates/2 {
		ids = ids[:searchCandidates/2]
	}
	return ids, nil
}

// loadEntities reads the candidates' records, leaving out any that have
// gone, until ctx is done.
func loadEntities(ctx context.Context, txn *badger.Txn, cands map[graph.ID]*candidate) (map[graph.ID]*graph.Entity, error) {
	out := make(map[graph.ID]*graph.Entity, len(cands))
	for id := range cands {
		if len(out)%(checkEvery/8) == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		e, err := getEntity(txn, id)
		if graph.IsNotFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		out[id] = e
	}
	return out, nil
}

// laterNames follows RENAMED_FROM backwards from e: the bodies that were
// renamed from it, and from them, up to a few steps.
func laterNames(txn *badger.Txn, e *graph.Entity, depth int) ([]*graph.Entity, error) {
	if depth >= 8 {
		return nil, nil
	}
	var out []*graph.Entity
	prefix := adjacencyTypePrefix(e.ID, graph.RenamedFrom, dirIn)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	var newer []graph.ID
	for it.Rewind(); it.Valid(); it.Next() {
		err := it.Item().Value(func(v []byte) error {
			r, err := decodeRelation(v)
			if err == nil {
				newer = append(newer, r.From)
			}
			return err
		})
		if err != nil {
			it.Close()
			return nil, err
		}
	}
	it.Close()
	for _, id := range newer {
		n, err := getEntity(txn, id)
		if graph.IsNotFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, n)
		more, err := laterNames(txn, n, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	return out, nil
}

// matchName scores an entity found by the prefix of a name, alias or code.
func matchName(f string) func(e *graph.Entity) (string, float64) {
	return func(e *graph.Entity) (string, float64) {
		best, score := "", 0.0
		try := func(s string, exact float64) {
			fs := Fold(s)
			var sc float64
			switch {
			case fs == f:
				sc = exact
			case strings.HasPrefix(fs, f):
				// A longer remainder is a weaker match.
				sc = graph.ScorePrefix * (0.75 + 0.25*float64(len(f))/float64(len(fs)))
			}
			if sc > score {
				best, score = s, sc
			}
		}
		try(e.Name, graph.ScoreExactName)
		for _, a := range e.Aliases {
			try(a, graph.ScoreExactAlias)
		}
		for _, k := range []string{graph.AttrISO2, graph.AttrISO3} {
			if c := e.Attributes[k]; c != "" && Fold(c) == f {
				try(c, graph.ScoreExactAlias)
			}
		}
		return best, score
	}
}

// matchWords scores an entity found by the words of a name: every word of
// the text must start a word of the same name or alias.
func matchWords(words []string) func(e *graph.Entity) (string, float64) {
	return func(e *graph.Entity) (string, float64) {
		for _, n := range e.Names() {
			have := strings.Fields(Fold(n))
			if allStartWords(words, have) {
				return n, graph.ScoreWords
			}
		}
		return "", 0
	}
}

func allStartWords(words, have []string) bool {
	for _, w := range words {
		if !slices.ContainsFunc(have, func(h string) bool { return strings.HasPrefix(h, w) }) {
			return false
		}
	}
	return true
}

// matchTypo scores an entity whose name, alias, or a run of words in one,
// is within one edit of the text (two for texts of eight letters or more).
func matchTypo(f string) func(e *graph.Entity) (string, float64) {
	allowed := 1
	if len([]rune(f)) >= 8 {
		allowed = 2
	}
	n := len(strings.Fields(f))
	return func(e *graph.Entity) (string, float64) {
		best, dist := "", allowed+1
		for _, name := range e.Names() {
			words := strings.Fields(Fold(name))
			for i := 0; i+n <= len(words); i++ {
				d := editDistance(f, strings.Join(words[i:i+n], " "), allowed)
				if d < dist {
					best, dist = name, d
				}
			}
		}
		if dist > allowed {
			return "", 0
		}
		return best, graph.ScoreTypo - graph.TypoPenalty*float64(dist)
	}
}

// editDistance is the optimal string alignment distance between a and b
// (insertions, deletions, substitutions and swaps of neighbours), or
// limit+1 once it must exceed limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(rb)], limit+1)
}

// reindex rebuilds the name, word and trigram indexes of every entity. It
// runs when a store written by an older version is opened, in batches so
// that no transaction grows too large.
func (db *DB) reindex(ctx context.Context) error {
	var after []byte
	for {
		var batch []*graph.Entity
		err := db.view(ctx, func(txn *badger.Txn) error {
			prefix := entityRecordsPrefix()
			it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
			defer it.Close()
			start := prefix
			if after != nil {
				start = after
			}
			for it.Seek(start); it.Valid() && len(batch) < 500; it.Next() {
				if after != nil && bytes.Equal(it.Item().Key(), after) {
					continue
				}
				if err := it.Item().Value(func(v []byte) error {
					e, err := decodeEntity(v)
					batch = append(batch, e)
					return err
				}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || len(batch) == 0 {
			return err
		}
		// Indexes are not data: writing them leaves the data version alone.
		err = db.bdb.Update(func(txn *badger.Txn) error {
			for _, e := range batch {
				for _, k := range indexKeys(e) {
					if err := txn.Set(k, nil); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		after = entityKey(batch[len(batch)-1].ID)
	}
}
