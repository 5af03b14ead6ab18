package graph

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// period builds a Period from its written form: "1977..2015", "..2015",
// "1977..open", ".." (both unknown), with "@2020" or "@2020..2022" for
// attestations.
func period(t testing.TB, s string) Period {
	t.Helper()
	var p Period
	bounds, attested, _ := strings.Cut(s, "@")
	from, to, ok := strings.Cut(bounds, "..")
	if !ok {
		t.Fatalf("period %q has no ..", s)
	}
	date := func(s string) Date {
		if s == "" {
			return Date{}
		}
		return MustDate(s)
	}
	p.From = date(from)
	switch {
	case to == "open":
		p.Open = true
	case strings.HasPrefix(to, "<"): // ended by this date, on an unknown day
		p.EndedBy = date(to[1:])
	default:
		p.To = date(to)
	}
	if attested != "" {
		a, b, _ := strings.Cut(attested, "..")
		p.AttestedFrom, p.AttestedTo = date(a), date(b)
	}
	return p
}

func TestPeriodAt(t *testing.T) {
	for _, tt := range []struct {
		period, asOf string
		want         Holding
	}{
		// Stated bounds, as before: dates cover their whole precision.
		{"1977..2015", "2015-03", Known},
		{"1977..2015", "2015-12-31", Known},
		{"1977..2015", "2016", RuledOut},
		{"1977..2015", "1977", Known},
		{"1977..2015", "1976-12-31", RuledOut},
		{"1977-09..2015", "1977", RuledOut},
		{"1977-09..2015", "1977-09", Known},
		{"1994-09-15..1994-09-15", "1994-09-15", Known},
		{"1994-09-15..1994-09-15", "1994-09-16", RuledOut},
		{"1977..2015", "", Known}, // no asOf: all of history
		// An undated fact is not a fact of all time.
		{"..", "1990", Possible},
		{"..", "", Known},
		// An unknown start: known from the earliest attestation.
		{"..2015@1977", "1976", Possible},
		{"..2015@1977", "1977", Known},
		{"..2015@1977", "2015-12", Known},
		{"..2015@1977", "2016", RuledOut},
		{"..2015", "2015-06", Known}, // a stated end is a day it held
		{"..2015", "2014", Possible},
		// An unknown end: known until the latest attestation, possible after.
		{"1994..", "1994", Known},
		{"1994..", "1995", Possible},
		{"1994..@2020", "2010", Known},
		{"1994..@2020", "2021", Possible},
		{"1994..@2020", "1993", RuledOut},
		{"..@2020", "2020-06", Known},
		{"..@2020", "2019", Possible},
		{"..@2020..2022-11-16", "2021", Known},
		{"..@2020..2022-11-16", "2022-11-17", Possible},
		// Open: still holds, known from its start or first attestation on.
		{"..open@2022-11-16", "2022-11-16", Known},
		{"..open@2022-11-16", "2500", Known},
		{"..open@2022-11-16", "2022-11-15", Possible},
		{"1977..open", "2500", Known},
		{"..open", "2000", Possible}, // open, but nothing says since when
		// Ended by a date, on an unknown day: known while attested,
		// possible after until that date, ruled out from it on.
		{"..<2022-11-16@2020-10-22", "2020-10-22", Known},
		{"..<2022-11-16@2020-10-22", "2021-12-15", Possible},
		{"..<2022-11-16@2020-10-22", "2022-11-15", Possible},
		{"..<2022-11-16@2020-10-22", "2022-11-16", RuledOut},
		{"..<2022-11-16@2020-10-22", "2030", RuledOut},
		{"..<2022-11-16@2020-10-22", "2019", Possible},
		{"1994..<2000", "1994", Known},
		{"1994..<2000", "1999-12-31", Possible},
		{"1994..<2000", "2000", RuledOut},
	} {
		p := period(t, tt.period)
		if err := p.Validate(); err != nil {
			t.Fatalf("%s: %v", tt.period, err)
		}
		var asOf Date
		if tt.asOf != "" {
			asOf = MustDate(tt.asOf)
		}
		if got := p.At(asOf); got != tt.want {
			t.Errorf("%s (%s) as of %q is %s, want %s", tt.period, p, tt.asOf, got, tt.want)
		}
		if p.Holds(asOf) != (tt.want == Known) || p.Admits(asOf, true) != (tt.want != RuledOut) {
			t.Errorf("%s as of %q: Holds %v, Admits possible %v; disagree with At %s", tt.period, tt.asOf, p.Holds(asOf), p.Admits(asOf, true), tt.want)
		}
	}
}

func TestPeriodKinds(t *testing.T) {
	for _, tt := range []struct{ period, start, end, str string }{
		{"1977..2015", "STATED", "STATED", "1977–2015"},
		{"1977..open", "STATED", "OPEN", "1977–"},
		{"1977..", "STATED", "UNKNOWN", "1977–?"},
		{"..", "UNKNOWN", "UNKNOWN", "?–?"},
		{"..2015@1990", "UNKNOWN", "STATED", "?–2015"},
	} {
		p := period(t, tt.period)
		if p.StartKind().String() != tt.start || p.EndKind().String() != tt.end || p.String() != tt.str {
			t.Errorf("%s: start %s, end %s, %q; want %s, %s, %q", tt.period, p.StartKind(), p.EndKind(), p.String(), tt.start, tt.end, tt.str)
		}
	}
}

func TestPeriodValidate(t *testing.T) {
	for _, tt := range []struct {
		period string
		ok     bool
	}{
		{"1977..2015", true},
		{"1994-09..1994", true}, // a month inside the closing year
		{"1994..1994-01", true}, // overlapping precisions are not a contradiction
		{"1994-09-15..1994-09-15", true},
		{"1995..1994", false},
		{"1994-09-16..1994-09-15", false},
		{"1994-10..1994-09-30", false},
		{"..@1990..2000", true},
		{"..@2000..1990", false},
		{"..@..1990", false},
		{"1977..2015@2015", true},
		{"1977..2015@2016", false}, // attested after its stated end
		{"1977..2015@1976", false}, // attested before its stated start
		{"1977..@1976..1980", false},
		{"1977..@1977-06..1980", true},
		{"..<2022-11-16@2020-10-22", true},
		{"..<2020-10-22@2020-10-22", false}, // attested on the day it had ended by
		{"1994..<1994", false},              // ended by the year it started
		{"1994..<1995", true},
	} {
		err := period(t, tt.period).Validate()
		if (err == nil) != tt.ok {
			t.Errorf("%s: Validate() = %v, want ok=%v", tt.period, err, tt.ok)
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("%s: %v is not EINVALID", tt.period, err)
		}
	}
	if err := (Period{To: MustDate("2000"), Open: true}).Validate(); err == nil {
		t.Errorf("a period both open and ended is valid")
	}
}

func TestAttest(t *testing.T) {
	var p Period
	for _, d := range []string{"2020", "2022-11-16", "1977", "2000"} {
		p.Attest(MustDate(d))
	}
	if p.AttestedFrom.String() != "1977" || p.AttestedTo.String() != "2022-11-16" {
		t.Errorf("attested %s..%s, want 1977..2022-11-16", p.AttestedFrom, p.AttestedTo)
	}
	var q Period
	q.Attest(MustDate("2020"))
	q.Attest(Date{})
	if q.AttestedFrom.String() != "2020" || !q.AttestedTo.IsZero() {
		t.Errorf("one attestation: %s..%s, want 2020..", q.AttestedFrom, q.AttestedTo)
	}
}

// randomPeriod draws a valid period with any mix of stated, open and
// unknown bounds and attestations, over a few centuries.
func randomPeriod(rnd *rand.Rand) Period {
	day := func() Date {
		y := 1900 + rnd.IntN(150)
		switch rnd.IntN(3) {
		case 0:
			return MustDate(pad(y, 4))
		case 1:
			return MustDate(pad(y, 4) + "-" + pad(1+rnd.IntN(12), 2))
		}
		return MustDate(pad(y, 4) + "-" + pad(1+rnd.IntN(12), 2) + "-" + pad(1+rnd.IntN(28), 2))
	}
	for {
		var p Period
		if rnd.IntN(2) == 0 {
			p.From = day()
		}
		switch rnd.IntN(4) {
		case 0:
			p.To = day()
		case 1:
			p.Open = true
		case 2:
			p.EndedBy = day()
		}
		for range rnd.IntN(3) {
			p.Attest(day())
		}
		if p.Validate() == nil {
			return p
		}
	}
}

func pad(n, width int) string { return fmt.Sprintf("%0*d", width, n) }

// TestPeriodProperties checks, over random periods and days, what the
// definition promises: a day outside a stated bound is ruled out; the
// days a fact is known on are one unbroken run inside the possible ones;
// every attested day and every stated bound's day within the period is
// known; an open fact known on a day is known on every later day; an
// unknown end is never known past the last attestation or stated start;
// nothing at all is known of a fact nothing dates or attests; and one
// more attestation never makes a known day unknown.
func TestPeriodProperties(t *testing.T) {
	rnd := rand.New(rand.NewPCG(18, 3))
	for range 20000 {
		p := randomPeriod(rnd)
		lo, hi := p.PossibleSpan()
		klo, khi, known := p.KnownSpan()
		if known && (klo < lo || khi > hi || klo > khi) {
			t.Fatalf("%+v: known %d..%d outside possible %d..%d", p, klo, khi, lo, hi)
		}
		if !known && (!p.From.IsZero() || !p.To.IsZero() || !p.AttestedFrom.IsZero()) {
			t.Fatalf("%+v: dated or attested, but never known", p)
		}
		for _, d := range []Date{p.AttestedFrom, p.AttestedTo, p.From, p.To} {
			if !d.IsZero() && (p.On(d.First()) != Known && d.First() >= lo || p.On(d.Last()) != Known && d.Last() <= hi) {
				t.Fatalf("%#v: a date it gives, %s, is not known", p, d)
			}
		}
		day := MustDate("1890").First() + uint32(rnd.IntN(200*366))
		h := p.On(day)
		if (day < lo || day > hi) != (h == RuledOut) {
			t.Fatalf("%+v on day %d: %s, possible span %d..%d", p, day, h, lo, hi)
		}
		if h == Known && p.Open && p.On(day+uint32(rnd.IntN(100000))) != Known {
			t.Fatalf("%+v is open and known on %d, but not later", p, day)
		}
		if h == Known && p.EndKind() == Unknown {
			last := p.attestedTo()
			if last.IsZero() || !p.From.IsZero() && p.From.Last() > last.Last() {
				last = p.From
			}
			if day > last.Last() {
				t.Fatalf("%+v: known on %d, after every date a source gives (%s)", p, day, last)
			}
		}
		q := p
		q.Attest(func() Date {
			if p.From.IsZero() && p.To.IsZero() {
				return MustDate("1950")
			}
			if !p.From.IsZero() {
				return p.From
			}
			return p.To
		}())
		if h == Known && q.On(day) != Known {
			t.Fatalf("%+v known on %d, but not once attested again (%+v)", p, day, q)
		}
		for _, possible := range []bool{false, true} {
			if got := Admitted(h, possible); got != (h == Known || possible && h == Possible) {
				t.Fatalf("Admitted(%s, %v) = %v", h, possible, got)
			}
		}
	}
}
