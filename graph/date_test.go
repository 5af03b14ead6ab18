package graph

import "testing"

func TestParseDate(t *testing.T) {
	for _, tt := range []struct {
		in   string
		ok   bool
		prec Precision
	}{
		{"1994", true, YearOnly},
		{"1994-09", true, YearMonth},
		{"1994-09-15", true, FullDate},
		{"2000-02-29", true, FullDate},
		{"0001-01-01", true, FullDate},
		{"1900-02-29", false, 0}, // 1900 was not a leap year
		{"1994-13", false, 0},
		{"1994-00", false, 0},
		{"1994-09-31", false, 0},
		{"1994-9-15", false, 0},
		{"94", false, 0},
		{"0000", false, 0},
		{"199a", false, 0},
		{"1994/09", false, 0},
		{"1994-09-15T00:00", false, 0},
		{"", false, 0},
		{"-1994", false, 0},
	} {
		t.Run(tt.in, func(t *testing.T) {
			d, err := ParseDate(tt.in)
			if !tt.ok {
				if err == nil {
					t.Fatalf("ParseDate(%q) = %v, want an error", tt.in, d)
				}
				if ErrorCode(err) != EINVALID {
					t.Fatalf("error code = %q, want %q", ErrorCode(err), EINVALID)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", tt.in, err)
			}
			if d.Precision() != tt.prec {
				t.Errorf("precision = %v, want %v", d.Precision(), tt.prec)
			}
			if d.String() != tt.in {
				t.Errorf("String() = %q, want %q", d.String(), tt.in)
			}
		})
	}
}

func TestDateBounds(t *testing.T) {
	for _, tt := range []struct{ date, first, last string }{
		{"1994", "1994-01-01", "1994-12-31"},
		{"1994-02", "1994-02-01", "1994-02-28"},
		{"1996-02", "1996-02-01", "1996-02-29"},
		{"1994-09-15", "1994-09-15", "1994-09-15"},
	} {
		d := MustDate(tt.date)
		if got, want := d.First(), MustDate(tt.first).First(); got != want {
			t.Errorf("%s.First() = %d, want %d (%s)", tt.date, got, want, tt.first)
		}
		if got, want := d.Last(), MustDate(tt.last).First(); got != want {
			t.Errorf("%s.Last() = %d, want %d (%s)", tt.date, got, want, tt.last)
		}
	}
	if MustDate("0001-01-01").First() != 1 {
		t.Errorf("0001-01-01 should be day 1")
	}
	if MustDate("1999-12-31").First()+1 != MustDate("2000").First() {
		t.Errorf("day numbers are not consecutive across a year boundary")
	}
}

func TestCivilOfDayInvertsDayNumber(t *testing.T) {
	if y, m, d := CivilOfDay(0); y != 0 || m != 0 || d != 0 {
		t.Fatalf("CivilOfDay(0) = %d-%d-%d, want 0-0-0", y, m, d)
	}
	prev := uint32(0)
	for y := 1; y <= 10000; y++ {
		for m := 1; m <= 12; m++ {
			for d := 1; d <= daysIn(y, m); d++ {
				n := dayNumber(y, m, d)
				if n != prev+1 {
					t.Fatalf("dayNumber(%d-%02d-%02d) = %d, want %d: day numbers must run on without gaps", y, m, d, n, prev+1)
				}
				prev = n
				if gy, gm, gd := CivilOfDay(n); gy != y || gm != m || gd != d {
					t.Fatalf("CivilOfDay(%d) = %d-%02d-%02d, want %d-%02d-%02d", n, gy, gm, gd, y, m, d)
				}
			}
		}
	}
}
