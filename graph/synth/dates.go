package synth

import (
	"sync"

	"github.com/chancery/chancery/graph"
)

// The years a synthetic world spans. Lives of states and organisations, and
// so every fact, fall between firstYear and presentYear; missions and
// protecting powers start in missionFloor or later.
const (
	firstYear    = 1800
	diplomacy    = 1816 // the Congress of Vienna's settlement: the oldest relations start here
	missionFloor = 1900
	presentYear  = 2024
	lastYear     = 2030 // the date tables reach a little past the present
)

// dateTable holds every year and month of the span as a graph.Date, so that
// the generator does not parse a string for each date it writes.
type dateTable struct {
	years  [lastYear - firstYear + 1]graph.Date
	months [(lastYear - firstYear + 1) * 12]graph.Date
}

var dates = sync.OnceValue(func() *dateTable {
	t := &dateTable{}
	for y := firstYear; y <= lastYear; y++ {
		b := appendYear(nil, y)
		t.years[y-firstYear] = graph.MustDate(string(b))
		for m := 1; m <= 12; m++ {
			t.months[(y-firstYear)*12+m-1] = graph.MustDate(string(append2(append(b, '-'), m)))
		}
	}
	return t
})

func appendYear(b []byte, y int) []byte {
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
}

func append2(b []byte, n int) []byte { return append(b, byte('0'+n/10), byte('0'+n%10)) }

// year returns the date "y".
func year(y int) graph.Date { return dates().years[y-firstYear] }

// month returns the date "y-m".
func month(y, m int) graph.Date { return dates().months[(y-firstYear)*12+m-1] }

// day returns the date "y-m-d"; d must exist in that month (days up to 28
// always do).
func day(y, m, d int) graph.Date {
	var buf [10]byte
	b := append2(append(append2(append(appendYear(buf[:0], y), '-'), m), '-'), d)
	return graph.MustDate(string(b))
}

// dateIn returns a date somewhere in year y, mostly at year precision, as
// sources usually give them, sometimes to the month or the day.
func (g *gen) dateIn(y int) graph.Date {
	switch x := g.r.IntN(100); {
	case x < 78:
		return year(y)
	case x < 95:
		return month(y, 1+g.r.IntN(12))
	default:
		return day(y, 1+g.r.IntN(12), 1+g.r.IntN(28))
	}
}

// endIn returns a date in year ty to close a period that opened in year fy
// (fy <= ty); in the same year it is the whole year, which cannot fall
// before a start inside it.
func (g *gen) endIn(fy, ty int) graph.Date {
	if ty == fy {
		return year(ty)
	}
	return g.dateIn(ty)
}

// laterYear draws a year in [lo, hi], more often late than early: there are
// more missions, relations and memberships now than there were a century
// ago.
func (g *gen) laterYear(lo, hi int) int {
	n := hi - lo + 1
	return lo + max(g.r.IntN(n), g.r.IntN(n))
}

// earlyYear draws a year in [lo, hi], more often early than late: a state
// joins an organisation or a treaty soon after it can.
func (g *gen) earlyYear(lo, hi int) int {
	n := hi - lo + 1
	return lo + min(g.r.IntN(n), g.r.IntN(n))
}

// window is the range of whole years [lo, hi] in which a fact may hold,
// given the lives of its participants. When one of them ends, end is the
// earliest such end (a year-precision date), and a fact dated in the window
// must end by then.
type window struct {
	lo, hi int
	end    graph.Date
}

// lifeWindow is the window the two lives share, starting no earlier than
// floor. Lives are whole years, so any date inside the window lies inside
// both.
func lifeWindow(floor int, a, b graph.Period) window {
	w := window{lo: floor, hi: presentYear}
	w.narrow(a)
	w.narrow(b)
	return w
}

// narrow shrinks w to the life p.
func (w *window) narrow(p graph.Period) {
	if !p.From.IsZero() {
		w.lo = max(w.lo, p.From.Year())
	}
	if !p.To.IsZero() && p.To.Year() <= w.hi {
		w.hi = p.To.Year()
		w.end = p.To
	}
}

// ok reports whether the window has at least one year in it.
func (w window) ok() bool { return w.lo <= w.hi }

// capped ends the window in year y at the latest, as if a life ended then.
func (w window) capped(y int) window {
	if w.hi > y {
		w.hi, w.end = y, year(y)
	}
	return w
}

// periodIn draws a period in w: dated with the given percentage (always,
// when a participant's life ends in the window, so that the fact ends with
// it), starting late rather than early, and closed now and then.
func (g *gen) periodIn(w window, datedPct int) graph.Period {
	closed := !w.end.IsZero()
	if !closed && g.r.IntN(100) >= datedPct {
		return graph.Period{}
	}
	fy := g.laterYear(w.lo, w.hi)
	p := graph.Period{From: g.dateIn(fy)}
	switch {
	case closed && (fy == w.hi || g.r.IntN(2) == 0):
		p.To = w.end
	case closed || g.r.IntN(100) < 22:
		p.To = g.endIn(fy, fy+g.r.IntN(w.hi-fy+1))
	}
	return p
}

// chain draws the boundaries of k+1 successive periods in w (a body under
// k+1 names or statuses): bounds[0] opens the first, bounds[i] (1 <= i <= k)
// is the day the i-th change took effect, and bounds[k+1] closes the last or
// is zero while it goes on. Boundary years strictly increase, so each period
// is valid whatever the precision of its dates. It reports false when w is
// too short.
func (g *gen) chain(w window, k int) ([]graph.Date, bool) {
	closed := !w.end.IsZero() || g.r.IntN(100) < 25
	last := w.hi + 1 // an open chain may change in the window's last year
	if closed {
		last = w.hi
	}
	if last-w.lo < k+1 {
		return nil, false
	}
	fy := g.laterYear(w.lo, last-k-1)
	years := g.distinctYears(fy+1, last-1, k)
	b := g.bounds[:0]
	b = append(b, g.dateIn(fy))
	for _, y := range years {
		b = append(b, g.dateIn(y))
	}
	switch {
	case !closed:
		b = append(b, graph.Date{})
	case !w.end.IsZero() && g.r.IntN(2) == 0:
		b = append(b, w.end)
	default:
		ly := years[len(years)-1]
		b = append(b, g.dateIn(ly+1+g.r.IntN(w.hi-ly)))
	}
	g.bounds = b
	return b, true
}

// distinctYears draws k distinct years in [lo, hi] (which holds at least k),
// in increasing order.
func (g *gen) distinctYears(lo, hi, k int) []int {
	ys := g.years[:0]
	for len(ys) < k {
		y := lo + g.r.IntN(hi-lo+1)
		i := 0
		for i < len(ys) && ys[i] < y {
			i++
		}
		if i < len(ys) && ys[i] == y {
			continue
		}
		ys = append(ys, 0)
		copy(ys[i+1:], ys[i:])
		ys[i] = y
	}
	g.years = ys
	return ys
}

// intersect returns the part of p that lies in life, and false when there
// is none. Each bound of the result is a bound of p or of life, chosen by
// the days they cover, so the result lies within both.
func intersect(p, life graph.Period) (graph.Period, bool) {
	out := p
	if !life.From.IsZero() && (out.From.IsZero() || life.From.First() > out.From.First()) {
		out.From = life.From
	}
	if !life.To.IsZero() && (out.To.IsZero() || life.To.Last() < out.To.Last()) {
		out.To = life.To
	}
	return out, out.Validate() == nil
}

// contains reports whether every day of inner lies within outer.
func contains(outer, inner graph.Period) bool {
	if !outer.From.IsZero() && (inner.From.IsZero() || inner.From.First() < outer.From.First()) {
		return false
	}
	if !outer.To.IsZero() && (inner.To.IsZero() || inner.To.Last() > outer.To.Last()) {
		return false
	}
	return true
}
