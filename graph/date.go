package graph

import (
	"fmt"
	"strconv"
	"time"
)

// Precision is how much of a Date is known.
type Precision uint8

// The precisions of ISO 8601 partial dates.
const (
	NoDate    Precision = iota // the zero Date: no date at all
	YearOnly                   // 1994
	YearMonth                  // 1994-09
	FullDate                   // 1994-09-15
)

// Date is an ISO 8601 calendar date at year, month or day precision. The zero
// Date means "no date", an open bound of a Period.
type Date struct {
	year       int16
	month, day uint8
	prec       Precision
}

// ParseDate parses "1994", "1994-09" or "1994-09-15" (years 0001 to 9999).
func ParseDate(s string) (Date, error) {
	bad := func(why string) (Date, error) {
		return Date{}, Errorf(EINVALID, "date %q %s; write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 1994 or 1994-09-15", s, why)
	}
	if len(s) != 4 && len(s) != 7 && len(s) != 10 {
		return bad("has the wrong length")
	}
	y, ok := digits(s[0:4])
	if !ok {
		return bad("does not start with a four-digit year")
	}
	if y == 0 {
		return bad("has year 0000, which ISO 8601 calendars do not have")
	}
	d := Date{year: int16(y), prec: YearOnly}
	if len(s) == 4 {
		return d, nil
	}
	m, ok := digits(s[5:7])
	if s[4] != '-' || !ok {
		return bad("has no month after the year")
	}
	if m < 1 || m > 12 {
		return bad(fmt.Sprintf("has month %02d; months run from 01 to 12", m))
	}
	d.month, d.prec = uint8(m), YearMonth
	if len(s) == 7 {
		return d, nil
	}
	day, ok := digits(s[8:10])
	if s[7] != '-' || !ok {
		return bad("has no day after the month")
	}
	if last := daysIn(y, m); day < 1 || day > last {
		return bad(fmt.Sprintf("has day %02d; %04d-%02d has days 01 to %02d", day, y, m, last))
	}
	d.day, d.prec = uint8(day), FullDate
	return d, nil
}

// MustDate is ParseDate for literals known to be valid; it panics otherwise.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func digits(s string) (int, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// IsZero reports whether d is the zero Date (no date).
func (d Date) IsZero() bool { return d.prec == NoDate }

// Precision returns how much of d is known.
func (d Date) Precision() Precision { return d.prec }

// Year returns d's year, 0 for the zero Date.
func (d Date) Year() int { return int(d.year) }

// String formats d as it was written: "1994", "1994-09" or "1994-09-15"; the
// zero Date is "".
func (d Date) String() string {
	switch d.prec {
	case YearOnly:
		return fmt.Sprintf("%04d", d.year)
	case YearMonth:
		return fmt.Sprintf("%04d-%02d", d.year, d.month)
	case FullDate:
		return fmt.Sprintf("%04d-%02d-%02d", d.year, d.month, d.day)
	}
	return ""
}

// MarshalText writes d as String does.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses what MarshalText wrote; empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// dayNumber counts days in the proleptic Gregorian calendar so that
// 0001-01-01 is day 1 and 0 is free to mean "no date". It is Howard Hinnant's
// days_from_civil shifted to that origin; time.Duration cannot span the
// centuries involved.
func dayNumber(y, m, d int) uint32 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return uint32(era*146097 + doe - 305) // 0001-01-01 is day 306 of era 0
}

// CivilOfDay returns the year, month and day of a day number as
// Date.First and Date.Last count them: the inverse of their numbering, for
// stores that keep day numbers and must find the calendar again. Day 0 (no
// date) has no civil date and gives 0, 0, 0.
func CivilOfDay(day uint32) (year, month, dayOfMonth int) {
	if day == 0 {
		return 0, 0, 0
	}
	// Howard Hinnant's civil_from_days, from the same origin as dayNumber.
	z := int(day) + 305
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dayOfMonth = doy - (153*mp+2)/5 + 1
	month = mp + 3
	if mp >= 10 {
		month = mp - 9
	}
	year = yoe + era*400
	if month <= 2 {
		year++
	}
	return year, month, dayOfMonth
}

// First returns the day number of the first day d covers (1 for 0001-01-01),
// or 0 for the zero Date. Day numbers increase with time, so they sort.
func (d Date) First() uint32 {
	if d.IsZero() {
		return 0
	}
	return dayNumber(int(d.year), max(int(d.month), 1), max(int(d.day), 1))
}

// Last returns the day number of the last day d covers: 31 December for a
// year, the month's last day for a month. It is 0 for the zero Date.
func (d Date) Last() uint32 {
	switch d.prec {
	case YearOnly:
		return dayNumber(int(d.year), 12, 31)
	case YearMonth:
		return dayNumber(int(d.year), int(d.month), daysIn(int(d.year), int(d.month)))
	case FullDate:
		return d.First()
	}
	return 0
}
