package store

// Search by place: a mission is found by the names of its sender (the far
// end of its SENT_BY), its hosts (the far ends of its ACCREDITS_TO, and
// the country it is LOCATED_IN, directly or through its city) and its city
// (LOCATED_IN a city), as well as by its own names. "Embassy of the United
// States in Havana" finds the United States Interests Section in Havana,
// whose names say neither "embassy" nor "of the"; "taipei washington"
// finds the Taipei office whose city is Washington.
//
// The place words are resolved when a search runs, from the relations, not
// kept in an index. An index of each mission's place words would have to
// follow every write that changes a tie or a place's names: renaming a
// country rewrites the keys of every mission it sends, hosts, or holds
// through its cities, thousands in a large store, in the transaction of
// one small write, and so would the sorted load, the reindexing of older
// stores and every import. Read at query time, the words are always those
// of the relations the search's own transaction sees, and nothing needs to
// be kept or rebuilt. It stays cheap because a search does not look for
// missions by their place words but for places by the text's words:
//
//  1. The text's words are cut into runs that name places: a run names the
//     countries, territories, organisations and cities with a name that
//     holds a word starting with each word of the run (the word index,
//     walked in the id ranges of those kinds only). Runs are taken longest
//     first from the left, so "united states" names the United States, not
//     every place called united and every place called states.
//  2. A matching mission has each word of the text in its own names or in
//     a run that names one of its places. So for every run, and every word
//     in no run, the matches lie among the missions whose own names hold
//     its words (the word index) and the missions tied to the places it
//     names (the adjacency index). The smallest of these sets, as the
//     counts index and the word index tell, is read, and no other. When
//     even the smallest is more than a search can check, as for two large
//     countries, the pair index answers instead: the missions of the one
//     in the other.
//  3. Each of its missions is checked against the whole text: first its
//     own names, then whether it is tied to the places of the other runs,
//     from their lists of missions when those are short, else from its own
//     ties and the places its cities are LOCATED_IN.
//
// Every step reads a bounded number of keys (the limits below), and the
// place search runs only when the matches of names have left room for
// its hits, which all rank below them.

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
)

// Bounds on the work of the place search.
const (
	// maxPlaceWords is the number of words above which a text is not
	// looked up by place.
	maxPlaceWords = 12
	// maxPlaceRun is the number of words one place's name may take up in
	// the text.
	maxPlaceRun = 6
	// placeLimit bounds the places one run of words names.
	placeLimit = 32
	// placeTieLimit bounds the relations read to list the missions tied to
	// the places of a run.
	placeTieLimit = searchScanLimit
	// placeCandidateLimit bounds the missions checked against the text.
	placeCandidateLimit = searchCandidates
	// placeFewCandidates is few enough missions to check that the search
	// looks for no fewer.
	placeFewCandidates = 64
	// maxPairScans bounds the pairs of places whose missions a search
	// reads from the pair index.
	maxPairScans = 4 * placeLimit
)

// placeKinds are the kinds of entity a mission's ties lead to.
var placeKinds = kindRanges(graph.Country, graph.Territory, graph.Organisation, graph.City)

var missionRange = kindRanges(graph.Mission)

// tieTypes are the relations that tie a mission to its places, and
// lastTieType the greatest of their indexes.
var (
	tieTypes    = []graph.RelationType{graph.SentBy, graph.AccreditsTo, graph.LocatedIn}
	lastTieType = slices.Max([]int{graph.SentBy.Index(), graph.AccreditsTo.Index(), graph.LocatedIn.Index()})
)

// fillerWords need not match anything in a search by place: "Embassy of
// the United States in Havana" asks for the same mission as "United
// States Havana".
var fillerWords = map[string]bool{
	"a": true, "an": true, "and": true, "at": true, "by": true, "de": true, "del": true, "der": true,
	"des": true, "di": true, "du": true, "el": true, "for": true, "from": true, "in": true, "la": true,
	"le": true, "les": true, "of": true, "on": true, "the": true, "to": true, "und": true, "von": true,
}

// kindWords are the words of the mission types ("embassy", "consulate",
// "office"...). They need not match either, so that "embassy" finds an
// interests section that acts as one, but a mission whose own names or
// type hold them ranks higher.
var kindWords = func() map[string]bool {
	m := map[string]bool{}
	for _, t := range graph.MissionTypes {
		if t == graph.OtherMission {
			continue
		}
		for _, w := range strings.Fields(Fold(string(t))) {
			m[w] = true
		}
	}
	return m
}()

type wordRole uint8

const (
	roleRequired wordRole = iota // must match, by a name of the mission or of a place of it
	roleKind                     // a word of a mission type: may match
	roleFiller                   // "of", "the": need not match
)

// placeText is a search text as the place search reads it.
type placeText struct {
	words []string
	roles []wordRole
	// lists holds the words of the vocabulary each word stands for: the
	// word itself, or those it starts while it is typed. It is empty for
	// a word no name holds, and nil for one that starts too many words to
	// list.
	lists [][]string
	runOf []int // the run each word is in, -1 for none
	runs  []*placeRun
}

// placeRun is a run of the text's words that names places.
type placeRun struct {
	start, end int                 // words[start:end]
	names      map[graph.ID]string // each place it names, with the name that holds its words
	places     []graph.ID          // the same places, in the order found
	tied       int64               // how many missions its places have, by the counts index; -1 until counted
	// missions are missions known to be tied to its places, each with
	// the place; all of them if complete.
	missions map[graph.ID]graph.ID
	complete bool
}

// placeGroup is a part of the text that every match must match: a run
// that names places, or a word in no run.
type placeGroup struct {
	run   *placeRun // nil for a word in no run
	words []int     // its words that must match
}

// tied is how many missions the places of g's run have, 0 for a word.
func (g *placeGroup) tied() int64 {
	if g.run == nil {
		return 0
	}
	return g.run.tied
}

// placeHits returns the missions the text finds through the names of
// their places, with their scores: at most placeCandidateLimit of them
// are checked. r reads the entities.
func placeHits(ctx context.Context, txn *badger.Txn, r *entityReader, words []string, starts [][]string) ([]graph.SearchHit, error) {
	if len(words) > maxPlaceWords {
		return nil, nil
	}
	pt := &placeText{words: words, roles: make([]wordRole, len(words)), lists: make([][]string, len(words)), runOf: make([]int, len(words))}
	required := 0
	for i, w := range words {
		switch {
		case fillerWords[w]:
			pt.roles[i] = roleFiller
		case kindWords[w]:
			pt.roles[i] = roleKind
		default:
			pt.roles[i] = roleRequired
			required++
		}
	}
	if required == 0 {
		return nil, nil
	}
	for i, w := range words {
		l := standsFor(txn, w, starts[i], pt.roles[i] == roleFiller)
		if l != nil && len(l) == 0 && pt.roles[i] == roleRequired {
			return nil, nil // no name holds the word: nothing can match it
		}
		pt.lists[i] = l
	}
	if err := pt.findRuns(ctx, txn, r); err != nil || len(pt.runs) == 0 {
		return nil, err
	}
	ties := newTieReader(txn)
	defer ties.close()
	cands, err := pt.candidates(ctx, txn, ties)
	if err != nil || len(cands) == 0 {
		return nil, err
	}
	if err := pt.listTied(ctx, txn, ties, len(cands)); err != nil {
		return nil, err
	}

	var hits []graph.SearchHit
	for i, id := range cands {
		if i%(checkEvery/8) == 0 {
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
		if e.Kind != graph.Mission {
			continue
		}
		// The runs' lists and its own names first, which rule most
		// missions out; its own ties only when they are still needed.
		tied, unknown := pt.knownTies(id)
		held := pt.held(e)
		if !pt.matches(held, tied, unknown) {
			continue
		}
		if slices.Contains(unknown, true) {
			mine, err := ties.placesOf(id)
			if err != nil {
				return nil, err
			}
			for k, run := range pt.runs {
				if unknown[k] {
					if j := slices.IndexFunc(run.places, func(p graph.ID) bool { return mine[p] }); j >= 0 {
						tied[k] = run.places[j]
					}
				}
			}
			if !pt.matches(held, tied, nil) {
				continue
			}
		}
		matched, score := pt.score(held, tied)
		hits = append(hits, graph.SearchHit{Entity: e, Matched: matched, Score: score})
	}
	return hits, nil
}

// standsFor returns the words of the vocabulary that w stands for (see
// placeText.lists), from starts, those that start it (vocabStarts). A
// filler, or a word shorter than minVocabWord, stands for itself alone, as
// does a word that starts too many others but is one itself ("san" of San
// Marino).
func standsFor(txn *badger.Txn, w string, starts []string, filler bool) []string {
	switch {
	case filler || utf8.RuneCountInString(w) < minVocabWord:
		if hasPrefix(txn, wordPrefix(w)) {
			return []string{w}
		}
		return []string{}
	case len(starts) <= maxVariants:
		return starts
	case starts[0] == w:
		return []string{w}
	}
	return nil
}

// findRuns cuts the text into runs that name places, longest first from
// the left. A run starts with a word that must match, not a filler or a
// kind word ("embassy"), and does not end with a filler, which may only
// join words ("Republic of Korea"). Adding a word to a run can only take
// places away, so a run grows while some place has a name with a word for
// each of its words, as the word index alone tells; then the places are
// read, and the run is cut back if none has the words in one name.
func (pt *placeText) findRuns(ctx context.Context, txn *badger.Txn, r *entityReader) error {
	for i := range pt.runOf {
		pt.runOf[i] = -1
	}
	n := len(pt.words)
	for i := 0; i < n; {
		if pt.roles[i] != roleRequired || pt.lists[i] == nil {
			i++
			continue
		}
		end := i
		for j := i + 1; j <= min(n, i+maxPlaceRun); j++ {
			if pt.lists[j-1] == nil {
				break
			}
			if pt.roles[j-1] == roleFiller {
				continue
			}
			ids, err := pt.placeIDs(ctx, txn, i, j, 1)
			if err != nil {
				return err
			}
			if len(ids) == 0 {
				break
			}
			end = j
		}
		var run *placeRun
		for ; end > i && run == nil; end-- {
			if pt.roles[end-1] == roleFiller {
				continue
			}
			var err error
			if run, err = pt.named(ctx, txn, r, i, end); err != nil {
				return err
			}
		}
		if run == nil {
			i++
			continue
		}
		for k := run.start; k < run.end; k++ {
			pt.runOf[k] = len(pt.runs)
		}
		pt.runs = append(pt.runs, run)
		i = run.end
	}
	return nil
}

// placeIDs returns up to limit places with a name that holds, for each of
// words[start:end], a word that starts with it, or with names that do
// between them.
func (pt *placeText) placeIDs(ctx context.Context, txn *badger.Txn, start, end, limit int) ([]graph.ID, error) {
	lists := make([][]string, 0, end-start)
	for _, l := range pt.lists[start:end] {
		if len(l) == 0 {
			return nil, nil
		}
		lists = append(lists, slices.Clone(l))
	}
	return intersectWordsIn(ctx, txn, lists, limit, placeKinds)
}

// named returns the run of words[start:end] with the places it names, or
// nil if it names none: the places with a name that holds, for every word
// of the run, a word that starts with it.
func (pt *placeText) named(ctx context.Context, txn *badger.Txn, r *entityReader, start, end int) (*placeRun, error) {
	ids, err := pt.placeIDs(ctx, txn, start, end, placeLimit)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	words := pt.words[start:end]
	run := &placeRun{start: start, end: end, names: map[graph.ID]string{}, tied: -1}
	for _, id := range ids {
		e, err := r.get(txn, id)
		if graph.IsNotFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		// The name of fewest words that holds them: "Washington" rather
		// than "Washington, D.C.".
		best, fewest := "", 0
		for _, name := range e.Names() {
			have := strings.Fields(Fold(name))
			if allStartWords(words, have) && (best == "" || len(have) < fewest) {
				best, fewest = name, len(have)
			}
		}
		if best != "" {
			run.names[id] = best
			run.places = append(run.places, id)
		}
	}
	if len(run.places) == 0 {
		return nil, nil
	}
	return run, nil
}

// candidates returns the missions the text may find by place: those of the
// part of the text that the fewest missions can match (see the top of
// this file), at most placeCandidateLimit of them, the ones whose own
// names hold its words first. The missions it lists as tied to the places
// of a run are noted in the run.
func (pt *placeText) candidates(ctx context.Context, txn *badger.Txn, ties *tieReader) ([]graph.ID, error) {
	var groups []*placeGroup
	for _, run := range pt.runs {
		g := &placeGroup{run: run} // a run starts with a word that must match
		for k := run.start; k < run.end; k++ {
			if pt.roles[k] == roleRequired {
				g.words = append(g.words, k)
			}
		}
		groups = append(groups, g)
	}
	for i, role := range pt.roles {
		if role == roleRequired && pt.runOf[i] < 0 {
			groups = append(groups, &placeGroup{words: []int{i}})
		}
	}
	if len(groups) > 1 {
		for _, g := range groups {
			if g.run != nil {
				if err := g.run.countTied(txn); err != nil {
					return nil, err
				}
			}
		}
	}
	// The group with the fewest missions. The runs come first, fewest
	// tied missions first, then the words in no run, whose missions are
	// all in the word index; a group's own missions are read only while
	// they could still make it fewer than the best so far, and never past
	// placeCandidateLimit, as many as the search can check. Once the best
	// has at most placeFewCandidates, a smaller one is not worth the reads:
	// the other groups' words rule most of its missions out on their own
	// names, before their ties are read.
	slices.SortStableFunc(groups, func(a, b *placeGroup) int {
		switch {
		case a.run != nil && b.run == nil:
			return -1
		case a.run == nil && b.run != nil:
			return 1
		}
		return cmp.Compare(a.tied(), b.tied())
	})
	var best *placeGroup
	var bestOwn []graph.ID
	var bestN int64
	for _, g := range groups {
		if best != nil && (g.tied() >= bestN || bestN <= placeFewCandidates) {
			continue
		}
		limit := placeCandidateLimit + 1
		if best != nil {
			limit = int(min(bestN-g.tied(), int64(limit)))
		}
		own, err := pt.ownMissions(ctx, txn, g, limit)
		if err != nil {
			return nil, err
		}
		if n := g.tied() + int64(len(own)); best == nil || n < bestN {
			best, bestOwn, bestN = g, own, n
		}
	}
	if bestN > placeCandidateLimit && len(groups) > 1 && groups[1].run != nil {
		return pt.pairCandidates(ctx, txn, groups)
	}
	cands := newCandidates(placeCandidateLimit)
	if !cands.addAll(bestOwn) {
		return cands.ids, nil
	}
	if run := best.run; run != nil {
		run.missions = map[graph.ID]graph.ID{}
		complete, err := ties.missions(ctx, run.places, func(m, place graph.ID) bool {
			if run.missions[m] == "" {
				run.missions[m] = place
			}
			return cands.add(m)
		})
		if err != nil {
			return nil, err
		}
		run.complete = complete
	}
	return cands.ids, nil
}

// candidates is a list of distinct ids, in the order first added, that
// holds at most limit.
type candidates struct {
	ids   []graph.ID
	seen  map[graph.ID]bool
	limit int
}

func newCandidates(limit int) *candidates {
	return &candidates{seen: map[graph.ID]bool{}, limit: limit}
}

// add adds id unless it is there already, and reports whether the list
// has room for more.
func (c *candidates) add(id graph.ID) bool {
	if !c.seen[id] {
		c.seen[id] = true
		c.ids = append(c.ids, id)
	}
	return len(c.ids) < c.limit
}

// addAll adds each of ids in turn until the list is full, and reports
// whether it has room for more.
func (c *candidates) addAll(ids []graph.ID) bool {
	for _, id := range ids {
		if !c.add(id) {
			return false
		}
	}
	return true
}

// pairCandidates returns the candidates of a text in which every part
// names places with more missions than a search can check, and at least
// two parts do: the missions whose own names hold all the words
// that must match, and the missions of one place named in the text in
// another, which the pair index lists by sender and host, as "Embassy of
// France in Germany" asks. They are most of the matches; what it leaves
// out (a mission tied to both through its city, or accredited to both)
// the search would not have reached among the thousands it cannot check.
func (pt *placeText) pairCandidates(ctx context.Context, txn *badger.Txn, groups []*placeGroup) ([]graph.ID, error) {
	all := &placeGroup{}
	for i, role := range pt.roles {
		if role == roleRequired {
			all.words = append(all.words, i)
		}
	}
	own, err := pt.ownMissions(ctx, txn, all, placeCandidateLimit)
	if err != nil {
		return nil, err
	}
	cands := newCandidates(placeCandidateLimit)
	if !cands.addAll(own) {
		return cands.ids, nil
	}
	var runs []*placeRun
	for _, g := range groups {
		if g.run != nil {
			runs = append(runs, g.run)
		}
	}
	scans := 0
	for i, a := range runs {
		for _, b := range runs[i+1:] {
			for _, p := range a.places {
				for _, q := range b.places {
					for _, pair := range [][2]*placeRun{{a, b}, {b, a}} {
						sender, host := p, q
						if pair[0] == b {
							sender, host = q, p
						}
						if scans++; scans > maxPairScans {
							return cands.ids, nil
						}
						prefix := pairPrefix(sender, host)
						stop := false
						err := scanKeys(ctx, txn, prefix, placeCandidateLimit, func(k []byte) {
							if stop {
								return
							}
							m := graph.ID(k[len(prefix):])
							note(pair[0], m, sender)
							note(pair[1], m, host)
							stop = !cands.add(m)
						})
						if err != nil || stop {
							return cands.ids, err
						}
					}
				}
			}
		}
	}
	return cands.ids, nil
}

// note records that mission m is tied to place, a place of run.
func note(run *placeRun, m, place graph.ID) {
	if run.missions == nil {
		run.missions = map[graph.ID]graph.ID{}
	}
	if run.missions[m] == "" {
		run.missions[m] = place
	}
}

// listTied lists the missions tied to the places of each run other than
// the candidates' (candidates), when that costs less than reading the
// ties of n candidates one by one: a mission has several ties, a place
// one for each of its missions.
func (pt *placeText) listTied(ctx context.Context, txn *badger.Txn, ties *tieReader, n int) error {
	for _, run := range pt.runs {
		if run.missions != nil {
			continue
		}
		if err := run.countTied(txn); err != nil {
			return err
		}
		if run.tied > max(placeFewCandidates, 3*int64(n)) {
			continue
		}
		run.missions = map[graph.ID]graph.ID{}
		complete, err := ties.missions(ctx, run.places, func(m, place graph.ID) bool {
			if run.missions[m] == "" {
				run.missions[m] = place
			}
			return true
		})
		if err != nil {
			return err
		}
		run.complete = complete
	}
	return nil
}

// countTied sets run.tied, once, to the number of missions the counts
// index has for its places as sender, host or city. Those in the cities
// of a country are not counted: the estimate can be low for a country
// whose cities hold missions to others, such as the United Nations.
func (run *placeRun) countTied(txn *badger.Txn) error {
	if run.tied >= 0 {
		return nil
	}
	run.tied = 0
	for _, p := range run.places {
		for _, f := range farEndGroupings {
			n, err := readCount(txn, countTotalKey(f.g, []byte(p)))
			if err != nil {
				return err
			}
			run.tied += n
		}
	}
	return nil
}

// ownMissions returns up to limit missions whose own names hold the words
// of g, or a word that starts with each.
func (pt *placeText) ownMissions(ctx context.Context, txn *badger.Txn, g *placeGroup, limit int) ([]graph.ID, error) {
	var lists [][]string
	for _, i := range g.words {
		if pt.lists[i] != nil {
			lists = append(lists, slices.Clone(pt.lists[i]))
		}
	}
	if len(lists) > 0 {
		return intersectWordsIn(ctx, txn, lists, limit, missionRange)
	}
	// Every word starts too many words to list: the missions among the
	// first entities with a word that starts as the longest does.
	longest := slices.MaxFunc(g.words, func(a, b int) int { return cmp.Compare(len(pt.words[a]), len(pt.words[b])) })
	var ids []graph.ID
	err := scanIDs(ctx, txn, wordStartPrefix(pt.words[longest]), searchScanLimit, func(id graph.ID) {
		if id.Kind() == graph.Mission && len(ids) < limit {
			ids = append(ids, id)
		}
	})
	return ids, err
}

// A tieReader reads the ties of missions and places with one iterator over
// the adjacency index, seeking to each entity's keys: a search reads those
// of dozens of entities, and an iterator costs more to open than a seek.
type tieReader struct {
	it     *badger.Iterator
	cities map[graph.ID][]graph.ID // the places of the cities read so far
}

func newTieReader(txn *badger.Txn) *tieReader {
	return &tieReader{
		it:     txn.NewIterator(badger.IteratorOptions{Prefix: adjacencyIndexPrefix()}),
		cities: map[graph.ID][]graph.ID{},
	}
}

func (t *tieReader) close() { t.it.Close() }

// each calls fn with each adjacency key under prefix and a function that
// reads the two ends of its relation, until fn returns false.
func (t *tieReader) each(prefix []byte, fn func(k []byte, ends func() (from, to graph.ID, err error)) (bool, error)) error {
	for t.it.Seek(prefix); t.it.ValidForPrefix(prefix); t.it.Next() {
		item := t.it.Item()
		ends := func() (from, to graph.ID, err error) {
			err = item.Value(func(v []byte) error {
				from, to, err = relationEnds(v)
				return err
			})
			return from, to, err
		}
		if more, err := fn(item.Key(), ends); !more || err != nil {
			return err
		}
	}
	return nil
}

// isTie reports whether an adjacency key under prefix, an entity's keys,
// is of a tie, and leads out of the entity when out is set, into it when
// not. done is set once the key is past the ties, which lead the keys.
func isTie(k, prefix []byte, out bool) (tie, done bool) {
	typ, dir := int(k[len(prefix)]), k[len(prefix)+1]
	if typ > lastTieType {
		return false, true
	}
	want := byte(dirIn)
	if out {
		want = dirOut
	}
	return dir == want && slices.ContainsFunc(tieTypes, func(t graph.RelationType) bool { return t.Index() == typ }), false
}

// missions calls add with the missions tied to places, as senders, hosts
// or cities, then with those in the cities LOCATED_IN them, each with its
// place, until add returns false or placeTieLimit relations have been
// read. It reports whether it listed them all.
func (t *tieReader) missions(ctx context.Context, places []graph.ID, add func(mission, place graph.ID) bool) (bool, error) {
	read := 0
	// near calls fn with the near end of each relation under prefix
	// that wanted takes, and reports whether to go on.
	near := func(prefix []byte, wanted func(k []byte) (bool, bool), fn func(graph.ID) bool) (bool, error) {
		more := true
		err := t.each(prefix, func(k []byte, ends func() (graph.ID, graph.ID, error)) (bool, error) {
			take, done := wanted(k)
			if done {
				return false, nil
			}
			if !take {
				return true, nil
			}
			if read++; read > placeTieLimit {
				more = false
				return false, nil
			}
			if read%checkEvery == 0 {
				if err := ctx.Err(); err != nil {
					return false, err
				}
			}
			from, _, err := ends()
			if err != nil {
				return false, err
			}
			more = fn(from)
			return more, nil
		})
		return more, err
	}
	var cities, of []graph.ID // the cities in places, and the place of each
	for _, p := range places {
		prefix := adjacencyPrefix(p)
		into := func(k []byte) (bool, bool) { return isTie(k, prefix, false) }
		more, err := near(prefix, into, func(from graph.ID) bool {
			switch from.Kind() {
			case graph.Mission:
				return add(from, p)
			case graph.City:
				cities, of = append(cities, from), append(of, p)
			}
			return true
		})
		if !more || err != nil {
			return false, err
		}
	}
	all := func([]byte) (bool, bool) { return true, false }
	for i, c := range cities {
		more, err := near(adjacencyTypePrefix(c, graph.LocatedIn, dirIn), all, func(from graph.ID) bool {
			return from.Kind() != graph.Mission || add(from, of[i])
		})
		if !more || err != nil {
			return false, err
		}
	}
	return true, nil
}

// placesOf returns the places of mission m: the far ends of its SENT_BY,
// ACCREDITS_TO and LOCATED_IN, and the places its cities are LOCATED_IN.
func (t *tieReader) placesOf(m graph.ID) (map[graph.ID]bool, error) {
	out := map[graph.ID]bool{}
	var inCities []graph.ID
	prefix := adjacencyPrefix(m)
	located := byte(graph.LocatedIn.Index())
	err := t.each(prefix, func(k []byte, ends func() (graph.ID, graph.ID, error)) (bool, error) {
		tie, done := isTie(k, prefix, true)
		if done || !tie {
			return !done, nil
		}
		_, to, err := ends()
		if err != nil {
			return false, err
		}
		out[to] = true
		if k[len(prefix)] == located && to.Kind() == graph.City {
			inCities = append(inCities, to)
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	for _, c := range inCities {
		ps, ok := t.cities[c]
		if !ok {
			err := t.each(adjacencyTypePrefix(c, graph.LocatedIn, dirOut), func(_ []byte, ends func() (graph.ID, graph.ID, error)) (bool, error) {
				_, to, err := ends()
				if err == nil {
					ps = append(ps, to)
				}
				return err == nil, err
			})
			if err != nil {
				return nil, err
			}
			t.cities[c] = ps
		}
		for _, p := range ps {
			out[p] = true
		}
	}
	return out, nil
}

// held reports, for each word of the text, whether the own names of
// mission e hold it (a word of one starts with it) or, for a kind word,
// its type does.
func (pt *placeText) held(e *graph.Entity) []bool {
	var own []string
	for _, n := range e.Names() {
		own = append(own, strings.Fields(Fold(n))...)
	}
	kind := strings.Fields(Fold(string(e.MissionType)))
	starts := func(have []string, w string) bool {
		return slices.ContainsFunc(have, func(h string) bool { return strings.HasPrefix(h, w) })
	}
	out := make([]bool, len(pt.words))
	for i, w := range pt.words {
		out[i] = pt.roles[i] != roleFiller && (starts(own, w) || pt.roles[i] == roleKind && starts(kind, w))
	}
	return out
}

// knownTies returns, for each run, the place of it that mission m is
// tied to as the run's list of missions tells ("" if none), and whether
// that is unknown, the list being incomplete.
func (pt *placeText) knownTies(m graph.ID) (tied []graph.ID, unknown []bool) {
	tied, unknown = make([]graph.ID, len(pt.runs)), make([]bool, len(pt.runs))
	for i, run := range pt.runs {
		if p := run.missions[m]; p != "" {
			tied[i] = p
		} else {
			unknown[i] = !run.complete
		}
	}
	return tied, unknown
}

// matches reports whether a mission whose own names hold the words held,
// and which is tied to the places tied of the runs, may match the text:
// every word that must match is held or is in a run it is tied to, and it
// is tied to at least one run. A run it is unknown whether it is tied to
// counts as tied.
func (pt *placeText) matches(held []bool, tied []graph.ID, unknown []bool) bool {
	maybe := func(i int) bool { return tied[i] != "" || unknown != nil && unknown[i] }
	any := false
	for i := range pt.runs {
		any = any || maybe(i)
	}
	if !any {
		return false
	}
	for i, role := range pt.roles {
		if role == roleRequired && !held[i] && (pt.runOf[i] < 0 || !maybe(pt.runOf[i])) {
			return false
		}
	}
	return true
}

// score scores a mission that matches: ScorePlace, less PlacePenalty in
// proportion to the words (fillers aside) that its own names do not hold.
// It returns the names of the places it matched by, in the text's order.
func (pt *placeText) score(held []bool, tied []graph.ID) (string, float64) {
	var matched []string
	for i, run := range pt.runs {
		if name := run.names[tied[i]]; tied[i] != "" && !slices.Contains(matched, name) {
			matched = append(matched, name)
		}
	}
	words, own := 0, 0
	for i, role := range pt.roles {
		if role != roleFiller {
			words++
			if held[i] {
				own++
			}
		}
	}
	// Rounded to four places, so that 0.3375 reads as such.
	score := graph.ScorePlace - graph.PlacePenalty*float64(words-own)/float64(words)
	return strings.Join(matched, ", "), math.Round(score*1e4) / 1e4
}
