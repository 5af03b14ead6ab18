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
		if !p.Holds(d) || p.On(d.Last()) != Known || p.On(d.First()-1) != RuledOut || p.On(d.Last()+1) != RuledOut {
			t.Fatalf("period %v does not hold exactly on days %d to %d", p, d.First(), d.Last())
		}
	})
}
