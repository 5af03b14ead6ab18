package graph

import (
	"strings"
	"testing"
)

// FuzzParseDate checks that ParseDate never panics, rejects with an
// EINVALID error that quotes the input, and that what it accepts is written
// back exactly as it was read and covers a non-empty run of days.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"1994", "1994-09", "1994-09-15", "0001", "0001-01-01", "9999-12-31",
		"2000-02-29", "1900-02-29", "2024-02-29", "2023-02-29", "1994-04-31",
		"0000", "1994-00", "1994-13", "1994-09-00", "1994-09-32", "1994-9-15",
		"+994", "-994", " 994", "1e10", "1994/09/15", "1994-09-15T00:00Z",
		"", "94", "1994-", "1994-09-", "١٩٩٤", "1994-\x00\x00", "19\xff4",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "date ") {
				t.Fatalf("ParseDate(%q) error %v: want an EINVALID error about the date", s, err)
			}
			if !d.IsZero() {
				t.Fatalf("ParseDate(%q) failed but returned %v", s, d)
			}
			return
		}
		if d.IsZero() || d.Year() < 1 || d.Year() > 9999 {
			t.Fatalf("ParseDate(%q) = %#v: a zero date or a year out of range", s, d)
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q).String() = %q, want the input back", s, d.String())
		}
		back, err := ParseDate(d.String())
		if err != nil || back != d {
			t.Fatalf("ParseDate(%q) = %#v, but its String %q parses to %#v, %v", s, d, d.String(), back, err)
		}
		text, _ := d.MarshalText()
		var un Date
		if err := un.UnmarshalText(text); err != nil || un != d {
			t.Fatalf("UnmarshalText(MarshalText(%#v)) = %#v, %v", d, un, err)
		}
		if d.First() < 1 || d.First() > d.Last() {
			t.Fatalf("%v: First %d, Last %d; want 1 <= First <= Last", d, d.First(), d.Last())
		}
		if d.Precision() == FullDate && d.First() != d.Last() {
			t.Fatalf("%v: a full date covers days %d to %d", d, d.First(), d.Last())
		}
		// A date is a period of its own: valid, and holding on its first
		// and last day but not the days either side.
		p := Period{From: d, To: d}
		if err := p.Validate(); err != nil {
			t.Fatalf("period %v: %v", p, err)
		}
		if !p.Holds(d) || !p.HoldsOn(d.Last()) || p.HoldsOn(d.First()-1) || p.HoldsOn(d.Last()+1) {
			t.Fatalf("period %v does not hold exactly on days %d to %d", p, d.First(), d.Last())
		}
	})
}

// FuzzPeriod checks Period.Validate and Holds on any three dates (an empty
// string is the zero Date, an open bound): Validate accepts exactly the
// periods that do not end before they start, a valid period holds on its
// start, and the days a period holds on are one unbroken run.
func FuzzPeriod(f *testing.F) {
	for _, s := range [][3]string{
		{"1977", "2015", "1990"},
		{"1977", "2015", "2016"},
		{"1977", "2015", "1976-12-31"},
		{"1994-09-15", "1994", "1994-01"},
		{"1994-09-15", "1994-09", "1994-09-14"},
		{"2000", "1999", "2000"},
		{"2000-03", "2000-02-29", "2000-02"},
		{"", "2015", "0001"},
		{"1977", "", "9999-12-31"},
		{"", "", "1990"},
		{"1990", "1990", ""},
		{"0001-01-01", "9999-12-31", "5000-06"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, from, to, asOf string) {
		date := func(s string) Date {
			if s == "" {
				return Date{}
			}
			d, err := ParseDate(s)
			if err != nil {
				t.Skip()
			}
			return d
		}
		p, at := Period{From: date(from), To: date(to)}, date(asOf)
		err := p.Validate()
		wantValid := p.From.IsZero() || p.To.IsZero() || p.From.First() <= p.To.Last()
		if (err == nil) != wantValid {
			t.Fatalf("%v.Validate() = %v; want valid %v", p, err, wantValid)
		}
		if err != nil && (ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "validFrom")) {
			t.Fatalf("%v.Validate() = %v, want an EINVALID error about validFrom", p, err)
		}
		if !p.Holds(Date{}) {
			t.Fatalf("%v does not hold on the zero date (all of history)", p)
		}
		if p.From.IsZero() && p.To.IsZero() && !p.Holds(at) {
			t.Fatalf("the open period does not hold on %v", at)
		}
		if err == nil && !p.From.IsZero() && !p.Holds(p.From) {
			t.Fatalf("valid %v does not hold on its start", p)
		}
		if err == nil && !p.To.IsZero() && !p.HoldsOn(p.To.Last()) {
			t.Fatalf("valid %v does not hold on the last day of its end", p)
		}
		want := p.From.String() + "–" + p.To.String()
		if p.From.IsZero() && p.To.IsZero() {
			want = ""
		}
		if s := p.String(); s != want {
			t.Fatalf("%#v.String() = %q, want %q", p, s, want)
		}
		if at.IsZero() {
			return
		}
		if p.Holds(at) != p.HoldsOn(at.First()) {
			t.Fatalf("%v: Holds(%v) and HoldsOn(%d) disagree", p, at, at.First())
		}
		// Unbroken: if it holds on a day, it holds on every day between
		// that one and its start, and between that one and its end.
		if p.Holds(at) {
			if !p.From.IsZero() && !p.HoldsOn(p.From.First()+(at.First()-p.From.First())/2) {
				t.Fatalf("%v holds on %v but not between it and the start", p, at)
			}
			if !p.To.IsZero() && !p.HoldsOn(at.First()+(p.To.Last()-at.First())/2) {
				t.Fatalf("%v holds on %v but not between it and the end", p, at)
			}
		}
	})
}
