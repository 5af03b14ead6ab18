package store

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
)

// Bounds on the work one search does: how many index keys it reads for
// each way of matching, and how many candidates it loads to rank.
const (
	searchScanLimit  = 2000
	searchCandidates = 300
	// vocabPostingLimit bounds the keys read for each trigram of a word
	// being corrected; the vocabulary holds words, not entities, so even
	// a common trigram has a short list.
	vocabPostingLimit = 5000
	// typoCandidateLimit bounds the entities a typo search loads to
	// rank: each costs a read and a decoding.
	typoCandidateLimit = 64
	// maxVariants bounds the corrections kept for one word of the text,
	// and maxCursors the word lists one typo search walks at once.
	maxVariants = 8
	maxCursors  = 24
	// minVocabWord is the length below which a word is not in the
	// vocabulary and is taken as typed: "of", "in" and "to" are one edit
	// away from too many words to try them all.
	minVocabWord = 3
	// minTypoText is the length below which a text is not looked up as a
	// typo: too many names are a letter away from three letters.
	minTypoText = 4
)

// indexKeys returns every index key that points at e by name: the folded
// name, aliases and ISO codes, and the words of the names and aliases.
func indexKeys(e *graph.Entity) [][]byte {
	var keys [][]byte
	for _, n := range foldedNames(e) {
		keys = append(keys, nameKey(n, e.ID))
	}
	for _, w := range nameWords(e) {
		keys = append(keys, wordKey(w, e.ID))
	}
	return keys
}

// nameWords returns the distinct folded words of e's names and aliases,
// sorted.
func nameWords(e *graph.Entity) []string {
	words := map[string]bool{}
	for _, name := range e.Names() {
		for _, w := range strings.Fields(Fold(name)) {
			words[w] = true
		}
	}
	return slices.Sorted(maps.Keys(words))
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

// A vocabulary is the set of words one write has found in, or added to,
// the store's vocabulary index: the distinct words of all names, each
// with its trigrams, where a typo search looks for the words a misspelt
// one may stand for. Many entities share a word ("Embassy", a country's
// name), so a write looks each word up once, not once per entity.
type vocabulary map[string]bool

// add writes to w the vocabulary keys of the words of e that the store,
// as read reads it, does not have yet. Vocabulary keys are never deleted:
// a word that no name uses any more costs a few keys and finds nothing.
func (v vocabulary) add(w keyWriter, read *badger.Txn, e *graph.Entity) error {
	for _, word := range nameWords(e) {
		if v[word] || utf8.RuneCountInString(word) < minVocabWord {
			continue
		}
		v[word] = true
		_, err := read.Get(vocabKey(word))
		if err == nil {
			continue
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		for _, k := range vocabWordKeys(word) {
			if err := w.Set(k, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// distinct returns the strings of s without repeats, in their first order.
func distinct(s []string) []string {
	out := s[:0:0]
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
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
// whose words start with the words of the text, and the vocabulary for
// the words a misspelt one may stand for, so as to find names one or two
// typos away; then it adds the later names of the bodies it found (through
// RENAMED_FROM), ranks, and cuts to q.First.
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
		words := strings.Fields(f)
		cands, starts, err := nameCandidates(ctx, txn, f, words)
		if err != nil {
			return err
		}
		entities := &entityReader{db: db}
		direct, err := directHits(ctx, txn, entities, cands)
		if err != nil {
			return err
		}
		// Missions found through the names of their places, which rank
		// below every match of an entity's own names: only when those
		// leave room for them.
		if placeWanted(q, direct) {
			placed, err := placeHits(ctx, txn, entities, words, starts)
			if err != nil {
				return err
			}
			direct = append(direct, placed...)
		}
		sortHits(direct)
		hits, err = withLaterNames(txn, entities, q, direct)
		return err
	})
	if err != nil {
		return nil, db.translate(err)
	}
	sortHits(hits)
	if len(hits) > q.First {
		hits = hits[:q.First]
	}
	return hits, nil
}

// nameCandidates returns the entities whose names may match the folded
// text f, of words, each with how to score it, and the words of the
// vocabulary each of words starts (vocabStarts).
func nameCandidates(ctx context.Context, txn *badger.Txn, f string, words []string) (map[graph.ID]*candidate, [][]string, error) {
	cands := map[graph.ID]*candidate{}
	add := func(id graph.ID, how func(e *graph.Entity) (string, float64)) {
		if _, ok := cands[id]; !ok && len(cands) < searchCandidates {
			cands[id] = &candidate{id: id, how: how}
		}
	}
	// Names that start with the text, the exact ones among them.
	err := scanIDs(ctx, txn, nameStartPrefix(f), searchScanLimit, func(id graph.ID) { add(id, matchName(f)) })
	if err != nil {
		return nil, nil, err
	}
	// Names whose words start with the text's words.
	starts, err := vocabStarts(ctx, txn, words)
	if err != nil {
		return nil, nil, err
	}
	ids, err := wordCandidates(ctx, txn, words, starts)
	if err != nil {
		return nil, nil, err
	}
	for _, id := range ids {
		add(id, matchWords(words))
	}
	// Names a typo or two away, when the text is long enough to judge.
	if utf8.RuneCountInString(f) >= minTypoText {
		ids, err := typoCandidates(ctx, txn, words, typoAllowance(f))
		if err != nil {
			return nil, nil, err
		}
		for _, id := range ids {
			add(id, matchTypo(f))
		}
	}
	return cands, starts, nil
}

// directHits loads the candidates through entities and returns those
// whose names match, scored.
func directHits(ctx context.Context, txn *badger.Txn, entities *entityReader, cands map[graph.ID]*candidate) ([]graph.SearchHit, error) {
	found, err := loadEntities(ctx, txn, entities, cands)
	if err != nil {
		return nil, err
	}
	var direct []graph.SearchHit
	for id, c := range cands {
		if e := found[id]; e != nil {
			if matched, score := c.how(e); score > 0 {
				direct = append(direct, graph.SearchHit{Entity: e, Matched: matched, Score: score})
			}
		}
	}
	return direct, nil
}

// withLaterNames returns the hits of direct, sorted best first, of the
// kinds q asks for, with the later names of the bodies found, each
// entity once at its best score, in no order. A later name ranks below
// the hit it comes from, so once q.First hits rank at or above the
// current one, no later name can make the cut, and the rest need not be
// read.
func withLaterNames(txn *badger.Txn, entities *entityReader, q graph.SearchQuery, direct []graph.SearchHit) ([]graph.SearchHit, error) {
	best := map[graph.ID]graph.SearchHit{}
	keep := func(h graph.SearchHit) {
		if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, h.Entity.Kind) {
			return
		}
		if old, ok := best[h.Entity.ID]; !ok || h.Score > old.Score {
			best[h.Entity.ID] = h
		}
	}
	enough := false
	for _, h := range direct {
		keep(h)
		if enough = enough || atOrAbove(best, h.Score) >= q.First; enough {
			continue
		}
		later, err := laterNames(txn, entities, h.Entity, 0)
		if err != nil {
			return nil, err
		}
		for _, l := range later {
			keep(graph.SearchHit{Entity: l, Matched: h.Matched, Score: h.Score * graph.FormerNameFactor})
		}
	}
	var hits []graph.SearchHit
	for _, h := range best {
		hits = append(hits, h)
	}
	return hits, nil
}

// placeWanted reports whether a search for q, whose matches of names are
// direct, should look for missions by place: when q asks for missions,
// and fewer than q.First of the matches are of the kinds it asks for.
func placeWanted(q graph.SearchQuery, direct []graph.SearchHit) bool {
	if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, graph.Mission) {
		return false
	}
	n := 0
	for _, h := range direct {
		if len(q.Kinds) == 0 || slices.Contains(q.Kinds, h.Entity.Kind) {
			n++
		}
	}
	return n < q.First
}

// sortHits ranks hits: best score first, then the shorter name, then id.
func sortHits(hits []graph.SearchHit) {
	slices.SortFunc(hits, func(a, b graph.SearchHit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.Entity.Name), len(b.Entity.Name)); c != 0 {
			return c
		}
		return cmp.Compare(a.Entity.ID, b.Entity.ID)
	})
}

// atOrAbove counts the hits scored at least score.
func atOrAbove(hits map[graph.ID]graph.SearchHit, score float64) int {
	n := 0
	for _, h := range hits {
		if h.Score >= score {
			n++
		}
	}
	return n
}

// scanIDs calls fn with the entity id of each key under prefix, at most
// limit of them, and stops early with ctx's error once ctx is done (it
// looks every checkEvery keys, so that a request's timeout stops it).
func scanIDs(ctx context.Context, txn *badger.Txn, prefix []byte, limit int, fn func(graph.ID)) error {
	return scanKeys(ctx, txn, prefix, limit, func(k []byte) { fn(nameKeyID(k)) })
}

// scanKeys calls fn with each key under prefix, at most limit of them,
// and stops early with ctx's error once ctx is done. The key is valid
// only during the call.
func scanKeys(ctx context.Context, txn *badger.Txn, prefix []byte, limit int, fn func([]byte)) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	n := 0
	for it.Rewind(); it.Valid() && n < limit; it.Next() {
		if n%checkEvery == checkEvery-1 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		fn(it.Item().Key())
		n++
	}
	return nil
}

// vocabStarts returns, for each word of minVocabWord letters or more, the
// first maxVariants+1 words of the vocabulary that start with it (the
// word itself first, when it is one); nil for a shorter word.
func vocabStarts(ctx context.Context, txn *badger.Txn, words []string) ([][]string, error) {
	out := make([][]string, len(words))
	for i, w := range words {
		if utf8.RuneCountInString(w) < minVocabWord {
			continue
		}
		out[i] = []string{}
		err := scanKeys(ctx, txn, vocabKey(w), maxVariants+1, func(k []byte) { out[i] = append(out[i], string(k[2:])) })
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// wordCandidates returns entities that may have, for each word of the
// text, a word of a name that starts with it. Each word of minVocabWord
// letters or more stands for the words of the vocabulary it starts (the
// word itself, or those that complete it while it is typed); when that
// is a few words, the entities are the intersection of their lists. A
// word that starts no word in the vocabulary means that no name matches.
// When every word is short or starts many words, it falls back on the
// first searchScanLimit entities with a word that starts as the longest
// word does. starts holds the vocabulary's words that start each word
// (vocabStarts). matchWords checks each candidate.
func wordCandidates(ctx context.Context, txn *badger.Txn, words []string, starts [][]string) ([]graph.ID, error) {
	var lists [][]string
	for i, w := range words {
		switch {
		case utf8.RuneCountInString(w) < minVocabWord:
			continue
		case len(starts[i]) == 0:
			return nil, nil
		case len(starts[i]) <= maxVariants:
			lists = append(lists, slices.Clone(starts[i]))
		}
	}
	if len(lists) > 0 {
		return intersectWords(ctx, txn, lists, searchScanLimit)
	}
	longest := slices.MaxFunc(words, func(a, b string) int { return cmp.Compare(len(a), len(b)) })
	var ids []graph.ID
	err := scanIDs(ctx, txn, wordStartPrefix(longest), searchScanLimit, func(id graph.ID) { ids = append(ids, id) })
	return ids, err
}

// typoCandidates returns entities whose names have, for every word of the
// text, that word or one a typo or two from it (within allowed edits over
// the whole text, and one in a word shorter than eight letters), as long
// as some word of the text is not in the vocabulary as typed: otherwise
// the name and word indexes have found the matches already. Words shorter
// than minVocabWord are taken as typed.
//
// Corrections come from the vocabulary's trigram index: a word within k
// edits of w keeps all but at most 4k of w's distinct trigrams (an edit
// touches three windows, a swap four), so only words with that many in
// common are compared. The entities are the intersection of the words'
// lists, walked by seeking in each list to the largest id any other list
// is at, so the work follows the shortest list rather than the longest.
func typoCandidates(ctx context.Context, txn *badger.Txn, words []string, allowed int) ([]graph.ID, error) {
	lists := make([][]string, len(words))
	corrected := false
	for i, w := range words {
		switch {
		case hasPrefix(txn, wordPrefix(w)):
			lists[i] = []string{w}
		case utf8.RuneCountInString(w) < minVocabWord:
			return nil, nil
		default:
			k := allowed
			if utf8.RuneCountInString(w) < 8 {
				k = min(k, 1)
			}
			vs, err := corrections(ctx, txn, w, k)
			if err != nil || len(vs) == 0 {
				return nil, err
			}
			lists[i], corrected = vs, true
		}
	}
	if !corrected {
		return nil, nil
	}
	// The names that are the text with the nearest correction of each
	// word come first, so that a whole name is not crowded out by the
	// many longer names that hold it.
	nearest := make([]string, len(lists))
	for i, l := range lists {
		nearest[i] = l[0]
	}
	var ids []graph.ID
	err := scanIDs(ctx, txn, namePrefix(strings.Join(nearest, " ")), typoCandidateLimit, func(id graph.ID) { ids = append(ids, id) })
	if err != nil {
		return nil, err
	}
	more, err := intersectWords(ctx, txn, lists, typoCandidateLimit)
	return append(ids, more...), err
}

// typoAllowance is how many edits a typo search forgives in folded text:
// one, or two once the text has eight letters.
func typoAllowance(f string) int {
	if utf8.RuneCountInString(f) >= 8 {
		return 2
	}
	return 1
}

// hasPrefix reports whether any key starts with prefix.
func hasPrefix(txn *badger.Txn, prefix []byte) bool {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	it.Rewind()
	return it.Valid()
}

// corrections returns the words of the vocabulary within k edits of w,
// nearest first, at most maxVariants of them.
func corrections(ctx context.Context, txn *badger.Txn, w string, k int) ([]string, error) {
	grams := distinct(trigrams(w))
	shared := map[string]int{}
	for _, g := range grams {
		prefix := vocabGramPrefix(g)
		err := scanKeys(ctx, txn, prefix, vocabPostingLimit, func(k []byte) { shared[string(k[len(prefix):])]++ })
		if err != nil {
			return nil, err
		}
	}
	need := max(1, len(grams)-4*k)
	type near struct {
		word string
		d    int
	}
	var out []near
	for word, n := range shared {
		if n < need {
			continue
		}
		if d := editDistance(w, word, k); d <= k {
			out = append(out, near{word, d})
		}
	}
	slices.SortFunc(out, func(a, b near) int {
		if c := cmp.Compare(a.d, b.d); c != 0 {
			return c
		}
		return cmp.Compare(a.word, b.word)
	})
	words := make([]string, 0, min(len(out), maxVariants))
	for _, n := range out[:min(len(out), maxVariants)] {
		words = append(words, n.word)
	}
	return words, nil
}

// intersectWords returns up to limit ids, in order, of the entities that
// have, for each list, one of its words.
func intersectWords(ctx context.Context, txn *badger.Txn, lists [][]string, limit int) ([]graph.ID, error) {
	return intersectWordsIn(ctx, txn, lists, limit, nil)
}

// idRanges are runs of ids, [lo, hi) each, in order; nil stands for every
// id.
type idRanges [][2][]byte

// kindRanges returns the ranges of the ids of kinds.
func kindRanges(kinds ...graph.Kind) idRanges {
	var rs idRanges
	for _, k := range kinds {
		lo := []byte(k.IDPrefix())
		hi := bytes.Clone(lo)
		hi[len(hi)-1]++ // the byte after the colon
		rs = append(rs, [2][]byte{lo, hi})
	}
	slices.SortFunc(rs, func(a, b [2][]byte) int { return bytes.Compare(a[0], b[0]) })
	return rs
}

// next returns the first id at or after id in the ranges, or nil if none.
func (rs idRanges) next(id []byte) []byte {
	if rs == nil {
		return id
	}
	for _, r := range rs {
		if bytes.Compare(id, r[1]) < 0 {
			if bytes.Compare(id, r[0]) < 0 {
				return r[0]
			}
			return id
		}
	}
	return nil
}

// intersectWordsIn is intersectWords for the ids in ranges only.
func intersectWordsIn(ctx context.Context, txn *badger.Txn, lists [][]string, limit int, ranges idRanges) ([]graph.ID, error) {
	// Keep the nearest corrections of each word while there are too many
	// lists to walk at once; a list of one is a word as typed.
	for total(lists) > maxCursors {
		i := 0
		for j := range lists {
			if len(lists[j]) > len(lists[i]) {
				i = j
			}
		}
		if len(lists[i]) == 1 {
			break
		}
		lists[i] = lists[i][:len(lists[i])-1]
	}
	cursors := make([]*wordCursor, len(lists))
	for i, l := range lists {
		cursors[i] = newWordCursor(txn, l)
		defer cursors[i].close()
	}
	var out []graph.ID
	target := ranges.next([]byte{})
	for round := 0; len(out) < limit && target != nil; round++ {
		if round%checkEvery == checkEvery-1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		agreed := true
		for _, c := range cursors {
			id := c.seek(target)
			if id == nil {
				return out, nil
			}
			if !bytes.Equal(id, target) {
				target, agreed = ranges.next(id), false
				break
			}
		}
		if agreed {
			out = append(out, graph.ID(target))
			// The next id after target: ids never hold the separator.
			target = ranges.next(idAfter(target))
		}
	}
	return out, nil
}

func total(lists [][]string) int {
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	return n
}

// A wordCursor walks, in id order, the entities whose names have any of
// a few words: the union of the words' lists in the word index.
type wordCursor struct {
	its      []*badger.Iterator
	prefixes [][]byte
}

func newWordCursor(txn *badger.Txn, words []string) *wordCursor {
	c := &wordCursor{}
	for _, w := range words {
		p := wordPrefix(w)
		c.prefixes = append(c.prefixes, p)
		c.its = append(c.its, txn.NewIterator(badger.IteratorOptions{Prefix: p}))
	}
	return c
}

// seek returns the smallest id at or after target in any of the lists, or
// nil once they are all past their end. An iterator already at or after
// target stays where it is; one just behind it steps to the next key,
// which is where a walk that takes every id of a list goes, before it
// seeks.
func (c *wordCursor) seek(target []byte) []byte {
	var least []byte
	for i, it := range c.its {
		p := c.prefixes[i]
		if it.Valid() && bytes.Compare(it.Item().Key()[len(p):], target) < 0 {
			it.Next()
		}
		if !it.Valid() || bytes.Compare(it.Item().Key()[len(p):], target) < 0 {
			it.Seek(append(p[:len(p):len(p)], target...))
		}
		if !it.Valid() {
			continue
		}
		if id := it.Item().Key()[len(p):]; least == nil || bytes.Compare(id, least) < 0 {
			least = id
		}
	}
	return bytes.Clone(least)
}

func (c *wordCursor) close() {
	for _, it := range c.its {
		it.Close()
	}
}

// loadEntities reads the candidates' records through r, leaving out any
// that have gone, until ctx is done.
func loadEntities(ctx context.Context, txn *badger.Txn, r *entityReader, cands map[graph.ID]*candidate) (map[graph.ID]*graph.Entity, error) {
	out := make(map[graph.ID]*graph.Entity, len(cands))
	for id := range cands {
		if len(out)%(checkEvery/8) == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		e, err := r.get(txn, id)
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
func laterNames(txn *badger.Txn, r *entityReader, e *graph.Entity, depth int) ([]*graph.Entity, error) {
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
		n, err := r.get(txn, id)
		if graph.IsNotFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, n)
		more, err := laterNames(txn, r, n, depth+1)
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
				sc = prefixScore(f, fs)
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

// prefixScore scores a folded name fs that starts with the folded text f:
// ScorePrefix when the text is nearly all of the name, less the longer the
// rest of the name, but always more than ScoreWords, so that a name that
// starts with the text ranks above one whose words merely hold it.
func prefixScore(f, fs string) float64 {
	rest := 1 - float64(len(f))/float64(len(fs))
	return graph.ScorePrefix - (graph.ScorePrefix-graph.ScoreWords)/2*rest
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
	allowed := typoAllowance(f)
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

// reindex rebuilds the name and word indexes of every entity and the
// vocabulary of their words, after dropping the entity trigrams of older
// versions. It runs when a store written by an older version is opened,
// in batches so that no transaction grows too large.
func (db *DB) reindex(ctx context.Context) error {
	if err := db.renewHistory(); err != nil {
		return err
	}
	if err := db.bdb.DropPrefix(gramV3IndexPrefix()); err != nil {
		return err
	}
	var after []byte
	v := vocabulary{}
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
				if err := v.add(txn, txn, e); err != nil {
					return err
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
