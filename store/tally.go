package store

// Counts are kept up to date as the data changes, so that count reads a
// few keys per bucket instead of scanning what it counts.
//
// Each grouping has buckets (a kind, a sender's id, a relation type...),
// and each item of a bucket (an entity, a relation, a mission's tie to a
// far end) holds over spans of days. A bucket keeps:
//
//   - its total over all history, the answer without asOf (level 'T');
//   - for each day an item starts or stops holding, +1 or -1, written four
//     times: under the day's decade ('D'), year ('Y'), month ('M') and day
//     ('d').
//
// The items holding on day D are then the sum of the changes on or before
// D: those of the decades before D's, the years of D's decade before D's,
// the months of D's year before D's and the days of D's month up to D. That
// is at most the number of decades with changes plus 10 + 12 + 31 keys per
// bucket, however many items the bucket holds.
//
// A write does not recount: it tallies what it changes (-1 for what an
// item counted for before, +1 for what it counts for after) and adds the
// tally to the keys in the same transaction.

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/chancery/chancery/graph"
)

// The groupings the counts index keeps, one byte each.
const (
	countKind        = 'K' // entities by kind; bucket: the kind
	countMissionType = 'P' // missions by missionType; bucket: the type
	countSender      = 'S' // missions by the far end of SENT_BY; bucket: its id
	countHost        = 'H' // missions by the far end of ACCREDITS_TO
	countCity        = 'C' // missions by the city they are LOCATED_IN
	countType        = 'R' // relations by type; bucket: the type's index
	countStart       = 'y' // relations by type and the year they start; bucket: type index, year
	countEnd         = 'z' // relations by type and the year they end; bucket: type index, year

	// countPair is not a count of a bucket but an index: one key for each
	// mission and each pair of a far end of its SENT_BY and a far end of
	// its ACCREDITS_TO, over all history,
	// c 0 'm' <sender> 0 <host> 0 <mission>, holding 1. It is kept with
	// the counts because it changes exactly when they do (settle), and it
	// lets representation find the missions of one sender in one host
	// without reading either side's missions.
	countPair = 'm'
	// countDegree counts each entity's relations over all history, of
	// every type, at the total level only: c 0 'g' 'T' <entity id>. It lets
	// a traversal weigh a frontier before reading it.
	countDegree = 'g'
)

// The levels of the counts index: the total, and changes by decade, year,
// month and day.
const (
	levelTotal  = 'T'
	levelDecade = 'D'
	levelYear   = 'Y'
	levelMonth  = 'M'
	levelDay    = 'd'
)

// farEndGroupings maps the relation types that tie a mission to a far end
// to the grouping that counts them.
var farEndGroupings = []struct {
	t graph.RelationType
	g byte
}{{graph.SentBy, countSender}, {graph.AccreditsTo, countHost}, {graph.LocatedIn, countCity}}

// decadeCode numbers decades so that 0 is free for "before any date".
func decadeCode(year int) uint16 { return uint16(year/10 + 1) }

// whenWidth is the width of <when> in the keys of each level.
func whenWidth(level byte) int {
	switch level {
	case levelDecade, levelYear:
		return 2
	case levelMonth:
		return 3
	case levelDay:
		return 4
	}
	return 0
}

// span is a run of days an item holds, both ends included. from 0 means
// since before any date; to spanOpen means still holding.
type span struct{ from, to uint32 }

const spanOpen = math.MaxUint32

// lifeFunc gives the period of an entity as some view of the store holds
// it, and false if the view holds no such entity.
type lifeFunc func(graph.ID) (graph.Period, bool)

// lifeIn reads entities' periods from txn, for the relations a tally
// counts: the view a write is in, or one before or after it. It remembers
// what it read, for a write counts the relations of the same few
// countries over and over; the view must not change under it, or the
// writer must say which entities it changed (lives.forget).
func lifeIn(txn *badger.Txn) lifeFunc {
	return (&lives{txn: txn, read: map[graph.ID]life{}}).period
}

// lives reads entities' periods from a view of the store and remembers
// them.
type lives struct {
	txn  *badger.Txn
	read map[graph.ID]life
}

type life struct {
	period graph.Period
	found  bool
}

func (l *lives) period(id graph.ID) (graph.Period, bool) {
	if got, ok := l.read[id]; ok {
		return got.period, got.found
	}
	var got life
	if e, err := getEntity(l.txn, id); err == nil {
		got = life{e.Period, true}
	} else if !graph.IsNotFound(err) {
		// Not remembered: an error is not an answer about the entity.
		return graph.Period{}, false
	}
	l.read[id] = got
	return got.period, got.found
}

// forget drops what was read of id, which the write has changed.
func (l *lives) forget(id graph.ID) { delete(l.read, id) }

// relationSpans is the days relation r is known to hold where the
// entities it joins are known to hold too (graph.RelationAt): what the
// counts count of it. An end life does not find does not narrow it.
func relationSpans(r *graph.Relation, life lifeFunc) []span {
	spans := knownSpans(r.Period)
	for _, id := range [3]graph.ID{r.From, r.To, r.Context} {
		if id == "" || len(spans) == 0 {
			continue
		}
		p, ok := life(id)
		if !ok {
			continue
		}
		var narrowed []span
		for _, s := range spans {
			for _, e := range knownSpans(p) {
				if i, ok := s.intersect(e); ok {
					narrowed = append(narrowed, i)
				}
			}
		}
		spans = narrowed
	}
	return spans
}

// knownSpans is the days a fact with period p is known to hold: one span,
// or none if no day is known (graph.Period.KnownSpan). The counts index
// counts what is known to hold.
func knownSpans(p graph.Period) []span {
	from, to, ok := p.KnownSpan()
	if !ok {
		return nil
	}
	if to == graph.Forever {
		to = spanOpen
	}
	return []span{{from: from, to: to}}
}

// intersect returns the days both spans hold, and false if none.
func (s span) intersect(o span) (span, bool) {
	r := span{from: max(s.from, o.from), to: min(s.to, o.to)}
	return r, r.from <= r.to
}

// mergeSpans sorts spans and joins those that overlap or touch.
func mergeSpans(spans []span) []span {
	slices.SortFunc(spans, func(a, b span) int {
		if a.from != b.from {
			return cmpUint32(a.from, b.from)
		}
		return cmpUint32(a.to, b.to)
	})
	out := spans[:0]
	for _, s := range spans {
		if n := len(out); n > 0 && (out[n-1].to == spanOpen || s.from <= out[n-1].to+1) {
			out[n-1].to = max(out[n-1].to, s.to)
			continue
		}
		out = append(out, s)
	}
	return out
}

func cmpUint32(a, b uint32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// tally collects the changes a write makes to the counts index, to be
// added to it when the write is done.
type tally struct {
	deltas map[string]int64
	// ends, kept for a write of update (keepEnds), are the ends of the
	// relations it stores, for the record of components (components.go).
	ends     [][2]graph.ID
	keepEnds bool
	// journal, set for a write of update, is the journal's entry for each
	// key it deletes (journal.go); nil journals nothing.
	journal []byte
	// degrees, if set, holds the changes to the entities' degrees
	// (countDegree) by entity rather than in deltas, until they are
	// written: an import changes the degree of every entity it brings,
	// and a map keyed by the entity's id, which the import keeps anyway,
	// takes a third of the memory of one keyed by a new string for each.
	degrees map[graph.ID]int64
	// life gives the periods of the entities the relations it counts
	// join, as the write leaves them (see relationSpans).
	life lifeFunc
	// written, if set, is told of each entity the write stores or
	// removes, so that life does not answer with what it read before.
	written func(graph.ID)
	// before, if set, is a view of the store as it was just before the
	// write, at the write's own read time; joined holds, by the entities
	// they join or are the context of, the relations the write stored
	// (nil: removed), by id. See relationsDuring.
	before *badger.Txn
	joined map[graph.ID]map[string]*graph.Relation
	// missions whose ties to far ends the write may have changed: their
	// part of the counts is taken away as it was before the write and
	// added as it is after it. nil when every mission is counted anyway
	// (newRecordsTally).
	missions map[graph.ID]struct{}
	// ties are the relations of touched missions to far ends that the
	// write added (net > 0) or removed (net < 0), by id, for settling
	// inside the write's own transaction (settleIn). nil for a write that
	// settles against a view of the store after it (settle), which need
	// not keep them: an import would keep every mission's ties
	// (newImportTally).
	ties map[string]*tieChange
}

// tieChange is a relation of a mission to a far end that a write added
// or removed, or both (net 0), or rewrote with another period.
type tieChange struct {
	r       *graph.Relation // as the write last wrote it
	net     int
	present bool // the write leaves it stored
}

// newWriteTally is the tally of a write in one transaction: it keeps the
// missions the write touches and the ties it changes, to settle them
// inside the transaction (settleIn).
func newWriteTally(life lifeFunc) *tally {
	return &tally{deltas: map[string]int64{}, life: life, missions: map[graph.ID]struct{}{}, ties: map[string]*tieChange{}, keepEnds: true}
}

// newImportTally is the tally of an import: it keeps the missions the
// import touches, to settle them against views of the store from before
// and after it (settle), but not their ties, which it would keep for
// every mission.
func newImportTally(life lifeFunc) *tally {
	return &tally{deltas: map[string]int64{}, degrees: map[graph.ID]int64{}, life: life, missions: map[graph.ID]struct{}{}}
}

// newRecordsTally is the tally of a count of every record (recordsTally),
// which counts every mission's ties itself: it keeps neither the
// missions it touches nor their ties.
func newRecordsTally(life lifeFunc) *tally {
	return &tally{deltas: map[string]int64{}, life: life}
}

// item counts an item of a bucket, holding over spans, sign times (+1
// when it is written, -1 when it goes).
func (t *tally) item(g byte, bucket []byte, spans []span, sign int64) {
	t.deltas[string(countTotalKey(g, bucket))] += sign
	for _, s := range spans {
		for _, k := range countChangeKeys(g, bucket, s.from) {
			t.deltas[string(k)] += sign
		}
		if s.to != spanOpen {
			for _, k := range countChangeKeys(g, bucket, s.to+1) {
				t.deltas[string(k)] -= sign
			}
		}
	}
}

// joins notes that the write stored r, or removed it (stored false).
func (t *tally) joins(r *graph.Relation, stored bool) {
	if t.joined == nil {
		return
	}
	var now *graph.Relation
	if stored {
		now = r
	}
	for _, id := range [3]graph.ID{r.From, r.To, r.Context} {
		if id == "" {
			continue
		}
		if t.joined[id] == nil {
			t.joined[id] = map[string]*graph.Relation{}
		}
		t.joined[id][r.ID] = now
	}
}

// relationsDuring returns the relations of id as the write in txn leaves
// them so far: those it joins (with context, also those id is the
// context of). Badger sorts all of a transaction's pending writes for
// every iterator opened in it, which a write that reads the relations of
// many entities it changes (an import re-dating its missions) cannot
// afford; so they are read from the view before the write, and what the
// write stored or removed is laid over them.
func (t *tally) relationsDuring(txn *badger.Txn, id graph.ID, context bool) ([]*graph.Relation, error) {
	view := txn
	if t.before != nil {
		view = t.before
	}
	rels, err := relationsOf(view, id)
	if err != nil {
		return nil, err
	}
	if context {
		if rels, err = withContextOf(view, id, rels); err != nil {
			return nil, err
		}
	}
	changed := t.joined[id]
	if t.before == nil || len(changed) == 0 {
		return rels, nil
	}
	rels = slices.DeleteFunc(rels, func(r *graph.Relation) bool {
		_, ok := changed[r.ID]
		return ok
	})
	for _, r := range changed {
		if r != nil && (r.From == id || r.To == id || context && r.Context == id) {
			rels = append(rels, r)
		}
	}
	return rels, nil
}

// entity counts an entity written (sign +1) or removed (-1).
func (t *tally) entity(e *graph.Entity, sign int64) {
	if t.written != nil {
		t.written(e.ID)
	}
	if t.degrees != nil {
		// Keyed by the entity's own id, not the copy in the first of
		// its relations, which would be kept as well.
		t.degrees[e.ID] += 0
	}
	s := knownSpans(e.Period)
	t.item(countKind, []byte(e.ID.Kind()), s, sign)
	if e.ID.Kind() == graph.Mission {
		t.item(countMissionType, []byte(e.MissionType), s, sign)
		t.touch(e.ID)
	}
}

// relation counts a relation written (sign +1) or removed (-1), on the
// days it and the entities it joins hold as t.life reads them. A relation
// rewritten with the same id states the same type and period, so it is
// counted only when it is new.
func (t *tally) relation(r *graph.Relation, sign int64) {
	t.relationWith(r, t.life, sign)
	if t.degrees != nil {
		t.degrees[r.From] += sign
		t.degrees[r.To] += sign
	} else {
		t.deltas[string(degreeKey(r.From))] += sign
		t.deltas[string(degreeKey(r.To))] += sign
	}
	t.tie(r, sign)
}

// relationWith counts relation r sign times on the days it holds with the
// entities' periods life gives: the relation counts (type, start, end),
// not its degrees nor its ties.
func (t *tally) relationWith(r *graph.Relation, life lifeFunc, sign int64) {
	s := relationSpans(r, life)
	typ := byte(r.Type.Index())
	t.item(countType, []byte{typ}, s, sign)
	if !r.Period.From.IsZero() {
		t.item(countStart, binary.BigEndian.AppendUint16([]byte{typ}, uint16(r.Period.From.Year())), s, sign)
	}
	if !r.Period.To.IsZero() {
		t.item(countEnd, binary.BigEndian.AppendUint16([]byte{typ}, uint16(r.Period.To.Year())), s, sign)
	}
}

// relived counts again the relations of an entity whose period a write
// changes from old to new: off as they counted with old, on with new
// (the other ends as t.life reads them), and touches the missions tied
// to it, whose ties settle counts again.
func (t *tally) relived(id graph.ID, old, new graph.Period, rels []*graph.Relation) {
	with := func(p graph.Period) lifeFunc {
		return func(e graph.ID) (graph.Period, bool) {
			if e == id {
				return p, true
			}
			return t.life(e)
		}
	}
	for _, r := range rels {
		t.relationWith(r, with(old), -1)
		t.relationWith(r, with(new), +1)
		if r.From.Kind() == graph.Mission && r.To == id {
			for _, f := range farEndGroupings {
				if r.Type == f.t {
					t.touch(r.From)
				}
			}
		}
	}
}

// tie notes a relation of a mission to a far end that a write adds (sign
// +1) or removes (-1), for settle.
func (t *tally) tie(r *graph.Relation, sign int64) {
	if r.From.Kind() == graph.Mission {
		for _, f := range farEndGroupings {
			if r.Type == f.t && t.missions != nil {
				t.touch(r.From)
				if t.ties == nil {
					continue
				}
				c := t.ties[r.ID]
				if c == nil {
					c = &tieChange{r: r}
					t.ties[r.ID] = c
				}
				c.net += int(sign)
				c.present = sign > 0
				if sign > 0 {
					c.r = r
				}
			}
		}
	}
}

// touch notes a mission whose ties settle must count again.
func (t *tally) touch(m graph.ID) {
	if t.missions != nil {
		t.missions[m] = struct{}{}
	}
}

// missionThreshold is how many missions settle looks up one by one; past
// it, it reads every mission's ties in one pass instead. A variable so
// that tests can take both ways.
var missionThreshold = 2000

// settle tallies the ties of the missions the write touched to their
// senders, hosts and cities: minus what they were as before reads them,
// plus what they are as after reads them. before and after must be
// read-only views of the store from before the write and after all of it.
func (t *tally) settle(ctx context.Context, before, after *badger.Txn) error {
	if err := t.settleSide(ctx, before, -1); err != nil {
		return err
	}
	if err := t.settleSide(ctx, after, +1); err != nil {
		return err
	}
	t.settled()
	return nil
}

// settleSide is one side of settle: the touched missions' ties as txn
// reads them, counted sign times. A write that cannot keep a view of the
// store from before it open until it is done (a sorted load) takes the
// side before it first, then the side after, then calls settled.
func (t *tally) settleSide(ctx context.Context, txn *badger.Txn, sign int64) error {
	if len(t.missions) == 0 {
		return nil
	}
	life := lifeIn(txn)
	visit := func(m *graph.Entity, rels []*graph.Relation) {
		t.farEnds(m, rels, life, sign)
	}
	if len(t.missions) <= missionThreshold {
		return eachMissionTies(txn, t.missions, visit)
	}
	return allMissionTies(ctx, txn, t.missions, visit)
}

// settled forgets the touched missions once both sides are counted.
func (t *tally) settled() {
	clear(t.missions)
	clear(t.ties) // nil for an import, which keeps none
}

// settleIn does what settle does for a write still in its transaction
// txn, without iterating over txn: Badger sorts a transaction's pending
// writes for every iterator it opens, which a large write cannot afford
// once per mission. The ties after the write are those before it, less
// the ones it removed, plus the ones it added.
func (t *tally) settleIn(before, txn *badger.Txn) error {
	if len(t.missions) == 0 {
		return nil
	}
	changed := t.tiesByMission()
	then := lifeIn(before)
	for id := range t.missions {
		if err := t.settleMissionIn(id, before, then, txn, changed[id]); err != nil {
			return err
		}
	}
	t.missions, t.ties = map[graph.ID]struct{}{}, map[string]*tieChange{}
	return nil
}

// tiesByMission returns the ties the write changed, by their mission.
func (t *tally) tiesByMission() map[graph.ID][]*tieChange {
	changed := map[graph.ID][]*tieChange{}
	for _, c := range t.ties {
		changed[c.r.From] = append(changed[c.r.From], c)
	}
	return changed
}

// settleMissionIn is settleIn for one mission, id: counted off with its
// ties as before reads them (the far ends as then reads them), and
// counted again as txn reads its record, with those ties less the ones
// the write removed plus the ones it added (changes), unless the write
// removed it.
func (t *tally) settleMissionIn(id graph.ID, before *badger.Txn, then lifeFunc, txn *badger.Txn, changes []*tieChange) error {
	old, rels, err := missionTies(before, id)
	if err != nil {
		return err
	}
	if old != nil {
		t.farEnds(old, rels, then, -1)
	}
	m, err := getEntity(txn, id)
	if graph.IsNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	t.farEnds(m, tiesAfter(rels, changes), t.life, +1)
	return nil
}

// tiesAfter returns a mission's ties rels as they were before a write,
// less the ones the write removed plus the ones it added (changes).
func tiesAfter(rels []*graph.Relation, changes []*tieChange) []*graph.Relation {
	for _, c := range changes {
		rels = slices.DeleteFunc(rels, func(r *graph.Relation) bool { return r.ID == c.r.ID })
		if c.present {
			rels = append(rels, c.r)
		}
	}
	return rels
}

// farEnds counts a mission once for each distinct far end of its ties of
// each far-end type (a city only for LOCATED_IN), holding on the days one
// of its ties to that end holds with both ends (relationSpans, the mission
// as m and the far end as life reads it).
func (t *tally) farEnds(m *graph.Entity, rels []*graph.Relation, life lifeFunc, sign int64) {
	withM := func(id graph.ID) (graph.Period, bool) {
		if id == m.ID {
			return m.Period, true
		}
		return life(id)
	}
	for _, f := range farEndGroupings {
		ends := map[graph.ID][]span{}
		var order []graph.ID
		for _, r := range rels {
			if r.Type != f.t || r.From != m.ID || f.t == graph.LocatedIn && r.To.Kind() != graph.City {
				continue
			}
			if _, ok := ends[r.To]; !ok {
				order = append(order, r.To)
				ends[r.To] = nil
			}
			ends[r.To] = append(ends[r.To], relationSpans(r, withM)...)
		}
		for _, end := range order {
			t.item(f.g, []byte(end), mergeSpans(ends[end]), sign)
		}
	}
	t.pairs(m.ID, rels, sign)
}

// pairs adds (sign +1) or takes away (-1) the pair index keys of mission
// m, from its relations: one for each distinct sender and host.
func (t *tally) pairs(m graph.ID, rels []*graph.Relation, sign int64) {
	var senders, hosts []graph.ID
	for _, r := range rels {
		if r.From != m {
			continue
		}
		switch r.Type {
		case graph.SentBy:
			if !slices.Contains(senders, r.To) {
				senders = append(senders, r.To)
			}
		case graph.AccreditsTo:
			if !slices.Contains(hosts, r.To) {
				hosts = append(hosts, r.To)
			}
		}
	}
	for _, s := range senders {
		for _, h := range hosts {
			t.deltas[string(pairKey(s, h, m))] += sign
		}
	}
}

// missionTies reads what counting a mission needs from txn: its record and
// its relations of the far-end types leading out. It returns a nil entity
// for a mission not stored.
func missionTies(txn *badger.Txn, id graph.ID) (*graph.Entity, []*graph.Relation, error) {
	m, err := getEntity(txn, id)
	if graph.IsNotFound(err) {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	var rels []*graph.Relation
	for _, f := range farEndGroupings {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: adjacencyTypePrefix(id, f.t, dirOut)})
		for it.Rewind(); it.Valid(); it.Next() {
			if err := it.Item().Value(func(v []byte) error {
				r, err := decodeRelation(v)
				rels = append(rels, r)
				return err
			}); err != nil {
				it.Close()
				return nil, nil, fmt.Errorf("relation of %s: %w", id, err)
			}
		}
		it.Close()
	}
	return m, rels, nil
}

// eachMissionTies hands visit each of the missions stored in txn, with
// its ties, looking each up on its own.
func eachMissionTies(txn *badger.Txn, missions map[graph.ID]struct{}, visit func(*graph.Entity, []*graph.Relation)) error {
	for id := range missions {
		m, rels, err := missionTies(txn, id)
		if err != nil {
			return err
		}
		if m != nil {
			visit(m, rels)
		}
	}
	return nil
}

// allMissionTies does what eachMissionTies does in one pass over the
// adjacency of every mission, which lists each mission's relations
// together, for when a write touched too many missions to look up one by
// one. A nil set means every mission.
func allMissionTies(ctx context.Context, txn *badger.Txn, missions map[graph.ID]struct{}, visit func(*graph.Entity, []*graph.Relation)) error {
	wanted := func(id graph.ID) bool {
		if missions == nil {
			return true
		}
		_, ok := missions[id]
		return ok
	}
	isTie := map[byte]bool{}
	for _, f := range farEndGroupings {
		isTie[byte(f.t.Index())] = true
	}
	// Missions are visited in id order from their records; their ties are
	// read by an adjacency iterator that moves along in step.
	ents := txn.NewIterator(badger.IteratorOptions{Prefix: entityKindPrefix(graph.Mission)})
	defer ents.Close()
	adj := txn.NewIterator(badger.IteratorOptions{Prefix: adjacencyKindPrefix(graph.Mission)})
	defer adj.Close()
	adj.Rewind()
	steps := readSteps{ctx: ctx}
	for ents.Rewind(); ents.Valid(); ents.Next() {
		if err := steps.step(); err != nil {
			return err
		}
		id := entityKeyID(ents.Item().Key())
		if !wanted(id) {
			continue
		}
		var m *graph.Entity
		if err := ents.Item().Value(func(v []byte) (err error) {
			m, err = decodeEntity(v)
			return err
		}); err != nil {
			return fmt.Errorf("entity %s: %w", id, err)
		}
		start := adjacencyPrefix(id)
		var rels []*graph.Relation
		for adj.Seek(start); adj.Valid() && bytes.HasPrefix(adj.Item().Key(), start); adj.Next() {
			_, typ, dir, ok := parseAdjacencyKey(adj.Item().Key())
			if !ok {
				return fmt.Errorf("adjacency key %q is malformed", adj.Item().Key())
			}
			if dir != dirOut || !isTie[typ] {
				continue
			}
			if err := adj.Item().Value(func(v []byte) error {
				r, err := decodeRelation(v)
				rels = append(rels, r)
				return err
			}); err != nil {
				return fmt.Errorf("relation of %s: %w", id, err)
			}
		}
		visit(m, rels)
	}
	return nil
}

// keys returns the keys the tally changes, in order.
func (t *tally) keys() []string {
	t.foldDegrees()
	keys := make([]string, 0, len(t.deltas))
	for k, d := range t.deltas {
		if d != 0 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// foldDegrees moves the changes to degrees kept by entity into deltas.
func (t *tally) foldDegrees() {
	for id, d := range t.degrees {
		if d != 0 {
			t.deltas[string(degreeKey(id))] += d
		}
	}
	if t.degrees != nil {
		t.degrees = map[graph.ID]int64{}
	}
}

// write adds the tally to the counts in txn. The tally must be settled.
func (t *tally) write(txn *badger.Txn) error {
	return t.writeTo(txn, txn)
}

// writeTo adds the tally to the counts as read reads them, writing to w. A
// count that comes to zero is deleted. A nil read stands for a store with
// no counts.
func (t *tally) writeTo(w keyWriter, read *badger.Txn) error {
	for _, k := range t.keys() {
		var n int64
		var err error
		if read != nil {
			if n, err = readCount(read, []byte(k)); err != nil {
				return err
			}
		}
		n += t.deltas[k]
		switch {
		case n == 0 && read == nil:
			continue // nothing to delete
		case n == 0:
			err = t.delete(w, []byte(k))
		default:
			err = w.Set([]byte(k), binary.BigEndian.AppendUint64(nil, uint64(n)))
		}
		if err != nil {
			return fmt.Errorf("write count %q: %w", k, err)
		}
	}
	t.deltas = map[string]int64{}
	return nil
}

// readCount returns the count a counts key holds, 0 if none.
func readCount(txn *badger.Txn, k []byte) (int64, error) {
	item, err := txn.Get(k)
	if err == badger.ErrKeyNotFound {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	var n int64
	err = item.Value(func(v []byte) error {
		if len(v) != 8 {
			return fmt.Errorf("count %q has %d bytes, not 8", k, len(v))
		}
		n = int64(binary.BigEndian.Uint64(v))
		return nil
	})
	return n, err
}

// recount rebuilds the counts index from the records: for a store written
// before the index existed, or restored from such a store's backup.
func (db *DB) recount(ctx context.Context) error {
	if err := db.renewHistory(); err != nil {
		return err
	}
	if err := db.bdb.DropPrefix(countIndexPrefix()); err != nil {
		return fmt.Errorf("drop the old counts: %w", err)
	}
	var t *tally
	err := db.view(ctx, func(txn *badger.Txn) (err error) {
		t, err = recordsTally(ctx, txn, nil, nil)
		return err
	})
	if err != nil {
		return err
	}
	return db.writeTally(t, true) // the counts were dropped above
}

// recordFunc is handed each record recordsTally reads: its key and value,
// and the entity or relation decoded from it, or the error that stopped
// the decoding. An error it returns stops the count.
type recordFunc func(k, v []byte, e *graph.Entity, r *graph.Relation, err error) error

// recordsTally counts every record txn holds, as writes count them one by
// one: what the counts index holds when it is right. It reads the periods
// of the entities relations join with life, or from txn if life is nil.
// With each set, every record is handed to it, and one that does not
// decode is left out of the counts; without, the first stops the count.
func recordsTally(ctx context.Context, txn *badger.Txn, life lifeFunc, each recordFunc) (*tally, error) {
	if life == nil {
		life = lifeIn(txn)
	}
	t := newRecordsTally(life)
	for _, records := range []struct {
		prefix   []byte
		entities bool
	}{{entityRecordsPrefix(), true}, {relationRecordsPrefix(), false}} {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: records.prefix})
		n := 0
		for it.Rewind(); it.Valid(); it.Next() {
			if n++; n%checkEvery == 0 {
				if err := ctx.Err(); err != nil {
					it.Close()
					return nil, err
				}
			}
			k := it.Item().Key()
			err := it.Item().Value(func(v []byte) error {
				var e *graph.Entity
				var r *graph.Relation
				var err error
				if records.entities {
					if e, err = decodeEntity(v); err == nil {
						t.entity(e, 1)
					}
				} else if r, err = decodeRelation(v); err == nil {
					t.relation(r, 1)
				}
				if each == nil {
					return err
				}
				return each(k, v, e, r, err)
			})
			if err != nil {
				it.Close()
				return nil, fmt.Errorf("record %q: %w", k, err)
			}
		}
		it.Close()
	}
	err := allMissionTies(ctx, txn, nil, func(m *graph.Entity, rels []*graph.Relation) {
		t.farEnds(m, rels, t.life, 1)
	})
	return t, err
}

// writeTally adds a settled tally to the store with the batch writer, for
// tallies too large for one transaction. No other write may run meanwhile.
// With fresh set, the store has no counts yet, and none are read.
func (db *DB) writeTally(t *tally, fresh bool) error {
	var read *badger.Txn
	if !fresh {
		read = db.bdb.NewTransaction(false)
		defer read.Discard()
	}
	wb := db.bdb.NewWriteBatch()
	defer wb.Cancel()
	if err := t.writeTo(wb, read); err != nil {
		return err
	}
	if err := wb.Flush(); err != nil {
		return fmt.Errorf("write the counts: %w", err)
	}
	return nil
}
