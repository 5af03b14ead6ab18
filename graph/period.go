package graph

import (
	"math"
	"strings"
)

// Period is the time a fact holds, and what is known of it.
//
// Each bound is of one of three kinds (see BoundKind): stated (a source
// gives the date), open (the end only: the fact still holds, because a
// current source lists it and no end is known) or unknown (nothing says).
// A missing bound is unknown, never open: an undated fact is not a fact of
// all time.
//
// Sources also attest that a fact held on some days without dating its
// bounds: a Wikidata snapshot lists a mission on its date, a document
// taken in 2023 describes an office in the present tense, a sentence says
// an embassy housed a section from 1977 to 2015. AttestedFrom and
// AttestedTo are the earliest and the latest of those days. A fact is known
// to hold from its stated start, or else from its earliest attestation,
// until its stated end, or for ever if open, or else until its latest
// attestation (see Known).
//
// Dates cover their whole precision, as everywhere: a start of 1977 holds
// from 1977-01-01, an end or attestation of 2015 until 2015-12-31.
type Period struct {
	From Date `json:"validFrom,omitzero"`
	To   Date `json:"validTo,omitzero"`
	// Open says the fact still holds: a current source lists it and no end
	// is known. Only a period without a stated end is open.
	Open bool `json:"open,omitempty"`
	// AttestedFrom and AttestedTo are the earliest and latest dates a
	// source attests the fact held on; AttestedTo is zero when there is
	// one such date.
	AttestedFrom Date `json:"attestedFrom,omitzero"`
	AttestedTo   Date `json:"attestedTo,omitzero"`
	// EndedBy, for an unknown end, is a date by which the fact had ended:
	// it did not hold then, though no source says when it stopped (a
	// snapshot that no longer lists a mission listed before). It rules out
	// its own first day and every day after.
	EndedBy Date `json:"endedBy,omitzero"`
}

// BoundKind is what is known of one bound of a period.
type BoundKind uint8

// The kinds of bound.
const (
	// Unknown: nothing says when the fact started or ended.
	Unknown BoundKind = iota
	// Stated: a source gives the date.
	Stated
	// Open: the fact still holds (an end only).
	Open
)

// String names the kind as the API does: STATED, OPEN or UNKNOWN.
func (k BoundKind) String() string {
	switch k {
	case Stated:
		return "STATED"
	case Open:
		return "OPEN"
	}
	return "UNKNOWN"
}

// StartKind is what is known of the period's start: stated or unknown.
func (p Period) StartKind() BoundKind {
	if p.From.IsZero() {
		return Unknown
	}
	return Stated
}

// EndKind is what is known of the period's end: stated, open or unknown.
func (p Period) EndKind() BoundKind {
	switch {
	case !p.To.IsZero():
		return Stated
	case p.Open:
		return Open
	}
	return Unknown
}

// Validate rejects a period that ends before it starts, is both open and
// ended, or is attested outside its stated bounds (the sources disagree:
// keep each fact with its own source instead).
func (p Period) Validate() error {
	if !p.From.IsZero() && !p.To.IsZero() && p.From.First() > p.To.Last() {
		return Errorf(EINVALID, "validFrom %s is after validTo %s", p.From, p.To)
	}
	if p.Open && !p.To.IsZero() {
		return Errorf(EINVALID, "the period is open (it still holds) but ends at validTo %s; give one or the other", p.To)
	}
	if p.AttestedFrom.IsZero() && !p.AttestedTo.IsZero() {
		return Errorf(EINVALID, "attestedTo %s is given without attestedFrom; give the earliest attested date as attestedFrom", p.AttestedTo)
	}
	if !p.AttestedTo.IsZero() && p.AttestedFrom.First() > p.AttestedTo.Last() {
		return Errorf(EINVALID, "attestedFrom %s is after attestedTo %s", p.AttestedFrom, p.AttestedTo)
	}
	if !p.EndedBy.IsZero() {
		if !p.To.IsZero() || p.Open {
			return Errorf(EINVALID, "endedBy %s is for an unknown end, but the end is %s; give one or the other", p.EndedBy, strings.ToLower(p.EndKind().String()))
		}
		if !p.From.IsZero() && p.EndedBy.First() <= p.From.First() {
			return Errorf(EINVALID, "the fact ended by %s, which is not after its validFrom %s", p.EndedBy, p.From)
		}
		if !p.AttestedFrom.IsZero() && p.attestedTo().Last() >= p.EndedBy.First() {
			return Errorf(EINVALID, "the fact is attested on %s, but had ended by %s", p.attestedTo(), p.EndedBy)
		}
	}
	if !p.AttestedFrom.IsZero() {
		if !p.From.IsZero() && p.AttestedFrom.Last() < p.From.First() {
			return Errorf(EINVALID, "the fact is attested on %s, before its validFrom %s", p.AttestedFrom, p.From)
		}
		if last := p.attestedTo(); !p.To.IsZero() && last.First() > p.To.Last() {
			return Errorf(EINVALID, "the fact is attested on %s, after its validTo %s", last, p.To)
		}
	}
	return nil
}

// attestedTo is the latest attested date: AttestedTo, or AttestedFrom
// when there is only one.
func (p Period) attestedTo() Date {
	if p.AttestedTo.IsZero() {
		return p.AttestedFrom
	}
	return p.AttestedTo
}

// Attest widens the attested days to take in d (a date a source attests
// the fact held on); the zero Date changes nothing. AttestedFrom keeps
// the date whose first day is earliest, AttestedTo the one whose last day
// is latest.
func (p *Period) Attest(d Date) {
	if d.IsZero() {
		return
	}
	if p.AttestedFrom.IsZero() {
		p.AttestedFrom = d
		return
	}
	latest := p.attestedTo()
	if d.First() < p.AttestedFrom.First() {
		p.AttestedFrom = d
	}
	if d.Last() > latest.Last() {
		latest = d
	}
	p.AttestedTo = latest
	if latest == p.AttestedFrom {
		p.AttestedTo = Date{}
	}
}

// attestedDays is the first and last day the attestations cover, and
// false if there are none.
func (p Period) attestedDays() (first, last uint32, ok bool) {
	if p.AttestedFrom.IsZero() {
		return 0, 0, false
	}
	to := p.attestedTo()
	return min(p.AttestedFrom.First(), to.First()), max(p.AttestedFrom.Last(), to.Last()), true
}

// Holding is how a fact stands on one day.
type Holding uint8

// The standings of a fact on a day, weakest first.
const (
	// RuledOut: a stated bound (or a stated end's absence from an open
	// fact) puts the day outside the fact's period.
	RuledOut Holding = iota
	// Possible: nothing rules the day out, but no source shows the fact
	// held then; an unknown bound leaves the day open to doubt.
	Possible
	// Known: the fact is known to hold on the day.
	Known
)

// String names the standing as the API does.
func (h Holding) String() string {
	switch h {
	case Known:
		return "KNOWN"
	case Possible:
		return "POSSIBLE"
	}
	return "RULED_OUT"
}

// Forever is the day number after every date, the end of an open span.
const Forever = math.MaxUint32

// PossibleSpan is the days no stated bound rules out, both ends included:
// from the stated start (day 0 if unknown) to the stated end (Forever if
// open or unknown), or to the day before EndedBy.
func (p Period) PossibleSpan() (from, to uint32) {
	from, to = 0, Forever
	if !p.From.IsZero() {
		from = p.From.First()
	}
	switch {
	case !p.To.IsZero():
		to = p.To.Last()
	case !p.EndedBy.IsZero() && p.EndedBy.First() > 0:
		to = p.EndedBy.First() - 1
	}
	return from, to
}

// KnownSpan is the days the fact is known to hold, both ends included, and
// false if there are none (nothing dates it and nothing attests it):
//
//   - it starts at the stated start, or else at the earliest attestation,
//     or else, with a stated end and no attestation, at that end;
//   - it ends at the stated end, or for ever if open, or else at the
//     latest attestation, or else, with a stated start and no
//     attestation, at that start.
//
// A stated bound is a day the fact held on (its start or its last day),
// so a fact with one stated bound is known on that bound's days at least.
func (p Period) KnownSpan() (from, to uint32, ok bool) {
	lo, hi := p.PossibleSpan()
	// The first and last days some source puts the fact on.
	first, last, ok := p.attestedDays()
	switch {
	case ok:
	case !p.From.IsZero():
		first, last = p.From.First(), p.From.Last()
	case !p.To.IsZero():
		first, last = p.To.First(), p.To.Last()
	default:
		return 0, 0, false
	}
	from, to = lo, hi
	if p.From.IsZero() {
		from = first
		if !p.To.IsZero() {
			from = min(from, p.To.First())
		}
	}
	if p.To.IsZero() && !p.Open {
		to = last
		if !p.From.IsZero() {
			to = max(to, p.From.Last())
		}
	}
	from, to = max(from, lo), min(to, hi)
	return from, to, from <= to
}

// On is how the fact stands on the day with the given number. This is the
// one definition every answer through time follows.
func (p Period) On(day uint32) Holding {
	if lo, hi := p.PossibleSpan(); day < lo || day > hi {
		return RuledOut
	}
	if lo, hi, ok := p.KnownSpan(); ok && lo <= day && day <= hi {
		return Known
	}
	return Possible
}

// At is how the fact stands as of asOf, taken at the start of its own
// precision (asOf 1990 means 1990-01-01). The zero asOf means all of
// history, on which every fact is known.
func (p Period) At(asOf Date) Holding {
	if asOf.IsZero() {
		return Known
	}
	return p.On(asOf.First())
}

// Holds reports whether the fact is known to hold as of asOf; the zero
// asOf means all of history, which every period covers.
func (p Period) Holds(asOf Date) bool { return p.At(asOf) == Known }

// Admits reports whether a query as of asOf shows the fact: when it is
// known to hold, or, when the query asks for what may have held too
// (possible), when nothing rules the day out.
func (p Period) Admits(asOf Date, possible bool) bool {
	return Admitted(p.At(asOf), possible)
}

// Admitted reports whether a fact of the given standing is shown by a
// query that asks for known facts only, or (possible) for possible ones
// too.
func Admitted(h Holding, possible bool) bool {
	return h == Known || possible && h == Possible
}

// Weakest is the standing of a fact that holds only where all of the given
// facts hold: a relation and the entities it joins.
func Weakest(hs ...Holding) Holding {
	w := Known
	for _, h := range hs {
		w = min(w, h)
	}
	return w
}

// String formats the period as "1977–2015", "1977–" (open), "1977–?"
// (an unknown end), "?–2015" or "?–?"; attestations are not shown.
func (p Period) String() string {
	from, to := p.From.String(), p.To.String()
	if from == "" {
		from = "?"
	}
	switch p.EndKind() {
	case Open:
		to = ""
	case Unknown:
		to = "?"
		if !p.EndedBy.IsZero() {
			to = "<" + p.EndedBy.String()
		}
	}
	return from + "–" + to
}

// When is the moment a query asks about, and what it counts as holding
// then.
type When struct {
	AsOf Date // zero: all of history, on which every fact is known
	// Possible counts too what may have held then (Possible), besides
	// what is known to hold.
	Possible bool
}

// Admits reports whether a query at w shows a fact with period p.
func (w When) Admits(p Period) bool { return p.Admits(w.AsOf, w.Possible) }

// RelationAt is how relation r stands as of asOf: as its own period does,
// weakened by each entity it joins, since an entity outside its period
// takes its relations with it. life gives the period of an entity; an end
// it does not know (false) does not weaken the relation.
func RelationAt(r *Relation, asOf Date, life func(ID) (Period, bool)) Holding {
	h := r.Period.At(asOf)
	if asOf.IsZero() || h == RuledOut {
		return h
	}
	for _, id := range [3]ID{r.From, r.To, r.Context} {
		if id == "" {
			continue
		}
		if p, ok := life(id); ok {
			h = min(h, p.At(asOf))
		}
	}
	return h
}

// AdmitsRelation reports whether a query at w shows relation r, whose
// ends' periods life gives (see RelationAt).
func (w When) AdmitsRelation(r *Relation, life func(ID) (Period, bool)) bool {
	if w.AsOf.IsZero() {
		return true
	}
	return Admitted(RelationAt(r, w.AsOf, life), w.Possible)
}
