package synth

import (
	"slices"

	"github.com/chancery/chancery/graph"
)

// Missions are the bulk of the world. Each unit below yields one mission,
// or a small story of missions (a renamed office, an upgraded legation, an
// interests section under a protecting power), entities first, and checks
// before it starts that the budget has room for all of its required
// relations; optional extras take what is left. A plain mission fits any
// budget, down to a single relation, so the world ends on exactly the
// number of relations asked for.

// unit yields the next unit: mostly plain missions, now and then a story.
func (g *gen) unit() {
	switch x := g.r.IntN(1000); {
	case x < 60:
		if g.renamed() {
			return
		}
	case x < 90:
		if g.upgraded() {
			return
		}
	case x < 97:
		if g.downgraded() {
			return
		}
	case x < 105:
		if g.replaced() {
			return
		}
	case x < 117:
		if g.protected() {
			return
		}
	case x < 125:
		if g.liaison() {
			return
		}
	}
	g.plain()
}

// weighted is a mission type and its share, in thousandths.
type weighted struct {
	t graph.MissionType
	w int
}

// plainTypes are the types of plain missions: mostly embassies and
// consular posts, then permanent missions and de facto offices. Interests
// sections come only with a protecting power (protected).
var plainTypes = []weighted{
	{graph.Embassy, 300}, {graph.ConsulateGeneral, 170}, {graph.Consulate, 120},
	{graph.HonoraryConsulate, 100}, {graph.PermanentMission, 60}, {graph.Delegation, 20},
	{graph.Nunciature, 5}, {graph.Legation, 10}, {graph.LiaisonOffice, 20},
	{graph.RepresentativeOffice, 40}, {graph.TradeOffice, 60}, {graph.CulturalOffice, 25},
	{graph.Commission, 10}, {graph.ResidualMission, 5}, {graph.OtherMission, 15},
}

// renamedTypes are the types whose missions change their names: de facto
// offices most of all (as Taipei's did).
var renamedTypes = []weighted{
	{graph.RepresentativeOffice, 25}, {graph.TradeOffice, 20}, {graph.PermanentMission, 10},
	{graph.LiaisonOffice, 10}, {graph.ConsulateGeneral, 10}, {graph.Consulate, 5},
	{graph.Embassy, 5}, {graph.Commission, 5}, {graph.OtherMission, 5}, {graph.CulturalOffice, 5},
}

func (g *gen) pickType(ts []weighted) graph.MissionType {
	total := 0
	for _, t := range ts {
		total += t.w
	}
	x := g.r.IntN(total)
	for _, t := range ts {
		if x < t.w {
			return t.t
		}
		x -= t.w
	}
	return ts[len(ts)-1].t
}

// template draws one of the templates that name missions of type t.
func (g *gen) template(t graph.MissionType) int {
	ts := templatesOf[t]
	return ts[g.r.IntN(len(ts))]
}

// otherTemplate draws a template of the same type as t, but not t itself
// when the type has another.
func (g *gen) otherTemplate(t int) int {
	ts := templatesOf[templates[t].typ]
	if len(ts) == 1 {
		return t
	}
	i := slices.Index(ts, t)
	return ts[(i+1+g.r.IntN(len(ts)-1))%len(ts)]
}

// cityIn draws a city of host h: its capital with the given percentage (or
// when it has no other), otherwise one of its other cities, the first ones
// more often.
func (g *gen) cityIn(h int32, capitalPct int) int32 {
	a := &g.actors[h]
	if len(a.cities) == 0 || g.r.IntN(100) < capitalPct {
		return a.capital
	}
	n := len(a.cities)
	return a.cities[min(g.r.IntN(n), g.r.IntN(n))]
}

// ends draws the sender, host and city of a mission of type t, with the
// window of years in which both sender and host exist. It reports false
// when repeated draws found no pair that coexisted after 1900.
func (g *gen) ends(t graph.MissionType) (s, h, c int32, w window, ok bool) {
	for range 16 {
		switch t {
		case graph.PermanentMission:
			s, h = g.sendCountry.pick(g.r), g.intlOrgs.pick(g.r)
			c = g.actors[h].capital
		case graph.Delegation:
			s, h = g.intlOrgs.pick(g.r), g.hostCountry.pick(g.r)
			c = g.cityIn(h, 95)
		case graph.Nunciature:
			s, h = g.see, g.hostCountry.pick(g.r)
			c = g.cityIn(h, 95)
		case graph.ConsulateGeneral, graph.Consulate, graph.HonoraryConsulate:
			s, h = g.sendCountry.pick(g.r), g.host(85)
			c = g.cityIn(h, 15)
		case graph.LiaisonOffice, graph.RepresentativeOffice, graph.TradeOffice, graph.CulturalOffice, graph.OtherMission:
			s = g.sendCountry.pick(g.r)
			if t != graph.LiaisonOffice && g.r.IntN(100) < 30 {
				s = g.sendTerritory.pick(g.r)
			}
			h = g.host(90)
			c = g.cityIn(h, 60)
		default:
			s, h = g.sendCountry.pick(g.r), g.hostCountry.pick(g.r)
			c = g.cityIn(h, 92)
		}
		if s == h || g.actors[h].sovereign == s || g.actors[s].sovereign == h {
			continue
		}
		w = lifeWindow(missionFloor, g.actors[s].life, g.actors[h].life)
		if t == graph.Legation {
			w = w.capped(1965)
		}
		if w.ok() {
			return s, h, c, w, true
		}
	}
	return 0, 0, 0, window{}, false
}

// host draws a country with the given percentage, else a territory.
func (g *gen) host(countryPct int) int32 {
	if g.r.IntN(100) < countryPct {
		return g.hostCountry.pick(g.r)
	}
	return g.hostTerritory.pick(g.r)
}

// core yields what every mission states: who sent it, where it is
// accredited and where it sits, over the mission's own period.
func (g *gen) core(m graph.ID, s, h, c int32, p graph.Period) {
	g.rel(graph.SentBy, m, g.actors[s].id, "", p, "")
	g.rel(graph.AccreditsTo, m, g.actors[h].id, "", p, "")
	g.rel(graph.LocatedIn, m, g.cities[c].id, "", p, "")
}

// noteEmbassy remembers the first embassy of s in h, for protecting powers.
func (g *gen) noteEmbassy(s, h int32, m graph.ID, p graph.Period) {
	if int(s) >= g.nCountry || int(h) >= g.nCountry {
		return
	}
	if ref := &g.firstEmbassy[int(s)*g.nCountry+int(h)]; ref.id == "" {
		*ref = embassyRef{id: m, period: p}
	}
}

// plain yields one mission with its core relations and a few extras. It
// fits any budget: with fewer than three relations left it states only
// what there is room for.
func (g *gen) plain() {
	t := g.pickType(plainTypes)
	s, h, c, w, ok := g.ends(t)
	if !ok {
		t, s, h = graph.Embassy, g.fallback[0], g.fallback[1]
		c = g.actors[h].capital
		w = lifeWindow(missionFloor, g.actors[s].life, g.actors[h].life)
	}
	if t == graph.Embassy && g.isMember(orgCommonwealth, s) && g.isMember(orgCommonwealth, h) {
		t = graph.HighCommission
	}
	p := g.periodIn(w, 70)
	m := g.newMission(g.template(t), s, h, c, p, !official(t) && g.r.IntN(2) == 0)
	g.core(m, s, h, c, p)
	if t == graph.Embassy {
		g.noteEmbassy(s, h, m, p)
	}
	g.extras(m, t, s, h, p)
}

// extras yields the optional facts of a mission, as the budget allows:
// further accreditations, heads, the state a de facto office represents and
// the agency that runs it, and whom it reports to.
func (g *gen) extras(m graph.ID, t graph.MissionType, s, h int32, p graph.Period) {
	if (t == graph.Embassy || t == graph.HighCommission) && g.r.IntN(100) < 10 {
		g.nonResident(m, s, h, p, 1+g.r.IntN(3))
	}
	if !p.From.IsZero() && g.r.IntN(100) < 15 {
		g.heads(m, t, p, 1+g.r.IntN(3))
	}
	sa := &g.actors[s]
	if !official(t) {
		if sa.kind != graph.Organisation && g.r.IntN(100) < 35 {
			g.rel(graph.RepresentedBy, sa.id, m, g.actors[h].id, p, "")
		}
		if sa.agency >= 0 && g.r.IntN(100) < 60 {
			if q, ok := intersect(p, g.actors[sa.agency].life); ok {
				g.rel(graph.OperatedBy, m, g.actors[sa.agency].id, "", q, "")
			}
		}
	}
	switch t {
	case graph.ConsulateGeneral, graph.Consulate, graph.HonoraryConsulate:
		if g.actors[h].kind == graph.Territory && g.r.IntN(100) < 50 {
			g.rel(graph.ReportsTo, m, sa.id, "", p, "")
		}
	case graph.Commission, graph.ResidualMission:
		if g.r.IntN(100) < 50 {
			g.rel(graph.ReportsTo, m, sa.id, "", p, "")
		}
	}
}

// nonResident accredits mission m, sent by s and resident in h, to up to k
// further countries (as an embassy covers its neighbours), for the part of
// its period each of them existed.
func (g *gen) nonResident(m graph.ID, s, h int32, p graph.Period, k int) {
	seen := append(g.picked[:0], s, h)
	for range k {
		x := g.hostCountry.pick(g.r)
		if slices.Contains(seen, x) {
			continue
		}
		seen = append(seen, x)
		if q, ok := intersect(p, g.actors[x].life); ok {
			g.rel(graph.AccreditsTo, m, g.actors[x].id, "", q, "")
		}
	}
	g.picked = seen
}

// heads yields up to k successive heads of mission m, each a new person
// whose term is a slice of the mission's dated period p.
func (g *gen) heads(m graph.ID, t graph.MissionType, p graph.Period, k int) {
	fy, ey := p.From.Year(), presentYear+1
	if !p.To.IsZero() {
		ey = p.To.Year()
	}
	k = max(1, min(k, ey-fy))
	years := g.distinctYears(fy+1, ey-1, k-1)
	role := roles[t]
	if t == graph.Embassy && g.r.IntN(100) < 15 {
		role = "chargé d'affaires"
	}
	from := p.From
	for i := range k {
		if g.left <= 0 {
			return
		}
		to := p.To
		if i < k-1 {
			to = year(years[i])
		}
		person := g.newPerson()
		g.rel(graph.HeadedBy, m, person, "", graph.Period{From: from, To: to}, role)
		from = to
	}
}

// renamed yields a mission under one to four successive names: each name a
// new entity, RENAMED_FROM its predecessor from the day of the change, on
// which the old name's period ends and the new one's begins.
func (g *gen) renamed() bool {
	t := g.pickType(renamedTypes)
	k := 1
	if x := g.r.IntN(100); x >= 90 {
		k = 3
	} else if x >= 60 {
		k = 2
	}
	if g.left < (k+1)*3+k {
		return false
	}
	s, h, c, w, ok := g.ends(t)
	if !ok {
		return false
	}
	b, ok := g.chain(w, k)
	if !ok {
		return false
	}
	tpl := g.template(t)
	ids := make([]graph.ID, 0, 4)
	for i := range k + 1 {
		if i > 0 {
			tpl = g.otherTemplate(tpl)
		}
		p := graph.Period{From: b[i], To: b[i+1]}
		m := g.newMission(tpl, s, h, c, p, true)
		g.core(m, s, h, c, p)
		if i > 0 {
			g.rel(graph.RenamedFrom, m, ids[i-1], "", graph.Period{From: b[i]}, "")
		}
		ids = append(ids, m)
	}
	if !official(t) && g.actors[s].kind != graph.Organisation {
		for i, m := range ids {
			if g.r.IntN(2) == 0 {
				g.rel(graph.RepresentedBy, g.actors[s].id, m, g.actors[h].id, graph.Period{From: b[i], To: b[i+1]}, "")
			}
		}
	}
	last := graph.Period{From: b[k], To: b[k+1]}
	if g.r.IntN(100) < 20 {
		g.heads(ids[k], t, last, 1+g.r.IntN(2))
	}
	return true
}

// upgraded yields an office that rose in status (a legation or liaison
// office that became an embassy, a consulate that became a
// consulate-general): two entities, the later UPGRADED_FROM the earlier.
func (g *gen) upgraded() bool {
	if g.left < 7 {
		return false
	}
	low, high := graph.Legation, graph.Embassy
	switch x := g.r.IntN(4); x {
	case 2:
		low = graph.LiaisonOffice
	case 3:
		low, high = graph.Consulate, graph.ConsulateGeneral
	}
	s, h, c, w, ok := g.ends(high)
	if !ok {
		return false
	}
	if low == graph.Legation && w.end.IsZero() {
		w.hi = min(w.hi, 1975) // legations became embassies by the 1970s
	}
	return g.succession(graph.UpgradedFrom, low, high, s, h, c, w)
}

// downgraded yields an embassy reduced to a liaison office, a residual
// mission or a consulate-general, DOWNGRADED_FROM the embassy.
func (g *gen) downgraded() bool {
	if g.left < 7 {
		return false
	}
	low := []graph.MissionType{graph.LiaisonOffice, graph.ResidualMission, graph.ConsulateGeneral}[g.r.IntN(3)]
	s, h, c, w, ok := g.ends(graph.Embassy)
	if !ok {
		return false
	}
	return g.succession(graph.DowngradedFrom, graph.Embassy, low, s, h, c, w)
}

// succession yields a mission of type before that became one of type after,
// linked by rel from the new to the old on the day of the change.
func (g *gen) succession(rel graph.RelationType, before, after graph.MissionType, s, h, c int32, w window) bool {
	b, ok := g.chain(w, 1)
	if !ok {
		return false
	}
	old := graph.Period{From: b[0], To: b[1]}
	m0 := g.newMission(g.template(before), s, h, c, old, !official(before))
	g.core(m0, s, h, c, old)
	cur := graph.Period{From: b[1], To: b[2]}
	m1 := g.newMission(g.template(after), s, h, c, cur, !official(after))
	g.core(m1, s, h, c, cur)
	g.rel(rel, m1, m0, "", graph.Period{From: b[1]}, "")
	for _, e := range []struct {
		t graph.MissionType
		m graph.ID
		p graph.Period
	}{{before, m0, old}, {after, m1, cur}} {
		if e.t == graph.Embassy {
			g.noteEmbassy(s, h, e.m, e.p)
		}
	}
	if g.r.IntN(100) < 20 {
		g.heads(m1, after, cur, 1+g.r.IntN(2))
	}
	return true
}

// replaced yields the embassy that replaced another when a country ceased:
// a third country's embassy in the former country replaced by its embassy
// in the successor (in the same city, which passed to the successor), or
// the former country's embassy somewhere replaced by its successor's.
func (g *gen) replaced() bool {
	if g.left < 7 || len(g.formers) == 0 {
		return false
	}
	f := g.formers[g.r.IntN(len(g.formers))]
	fa := &g.actors[f]
	n := fa.successor
	end := fa.life.To
	ey := end.Year()
	hostSide := g.r.IntN(2) == 0
	for range 8 {
		var other int32
		if hostSide {
			other = g.sendCountry.pick(g.r)
		} else {
			other = g.hostCountry.pick(g.r)
		}
		oa := &g.actors[other]
		if other == f || other == n || (!oa.life.To.IsZero() && oa.life.To.Year() <= ey) {
			continue
		}
		before := lifeWindow(missionFloor, oa.life, fa.life)
		if before.lo > ey-1 {
			continue
		}
		after := lifeWindow(ey, oa.life, g.actors[n].life)
		if !after.ok() {
			continue
		}
		old := graph.Period{From: g.dateIn(g.laterYear(before.lo, ey-1)), To: end}
		cur := graph.Period{From: end}
		switch {
		case !after.end.IsZero():
			cur.To = after.end
		case g.r.IntN(100) < 15:
			cur.To = g.endIn(ey, ey+g.r.IntN(presentYear-ey+1))
		}
		var m0, m1 graph.ID
		if hostSide {
			c := fa.capital
			m0 = g.newMission(tEmbassy, other, f, c, old, false)
			g.core(m0, other, f, c, old)
			m1 = g.newMission(tEmbassy, other, n, c, cur, false)
			g.core(m1, other, n, c, cur)
			g.noteEmbassy(other, n, m1, cur)
		} else {
			c := g.cityIn(other, 92)
			m0 = g.newMission(tEmbassy, f, other, c, old, false)
			g.core(m0, f, other, c, old)
			m1 = g.newMission(tEmbassy, n, other, c, cur, false)
			g.core(m1, n, other, c, cur)
			g.noteEmbassy(n, other, m1, cur)
		}
		g.rel(graph.Replaces, m1, m0, "", graph.Period{From: end}, "")
		return true
	}
	return false
}

// protected yields a protecting power for a country in a host with which
// it broke relations, for the length of the break: PROTECTS from the power
// to the protected country in the host, and the protected country's
// interests section, SECTION_OF the power's embassy there (opened for the
// purpose if the power had none that covers the break).
func (g *gen) protected() bool {
	if len(g.protections) == 0 || g.left < 3+1+4 {
		return false
	}
	x := g.protections[len(g.protections)-1]
	g.protections = g.protections[:len(g.protections)-1]
	gp := g.gaps[x/2]
	s, h := gp.a, gp.b
	if x%2 == 1 {
		s, h = h, s
	}
	var power int32 = -1
	start := g.r.IntN(len(g.neutrals))
	for i := range g.neutrals {
		if c := g.neutrals[(start+i)%len(g.neutrals)]; c != s && c != h {
			power = c
			break
		}
	}
	if power < 0 {
		return false
	}
	c := g.actors[h].capital
	ref := g.firstEmbassy[int(power)*g.nCountry+int(h)]
	if ref.id == "" || !contains(ref.period, gp.period) {
		w := lifeWindow(missionFloor, g.actors[power].life, g.actors[h].life)
		ep := graph.Period{From: year(g.laterYear(w.lo, gp.period.From.Year())), To: w.end}
		ref.id, ref.period = g.newMission(tEmbassy, power, h, c, ep, false), ep
		g.core(ref.id, power, h, c, ep)
		g.noteEmbassy(power, h, ref.id, ep)
	}
	g.rel(graph.Protects, g.actors[power].id, g.actors[s].id, g.actors[h].id, gp.period, "")
	sec := g.newMission(tInterestsSection, s, h, c, gp.period, true)
	g.core(sec, s, h, c, gp.period)
	g.rel(graph.SectionOf, sec, ref.id, "", gp.period, "")
	if !gp.period.From.IsZero() && g.r.IntN(100) < 30 {
		g.heads(sec, graph.InterestsSection, gp.period, 1)
	}
	return true
}

// liaison yields a liaison or representative office ESTABLISHED_UNDER a
// bilateral treaty between its sender and its host, opened after the
// treaty.
func (g *gen) liaison() bool {
	if len(g.treaties) == 0 || g.left < 4 {
		return false
	}
	tr := g.treaties[g.r.IntN(len(g.treaties))]
	s, h := tr.a, tr.b
	if g.r.IntN(2) == 0 {
		s, h = h, s
	}
	w := lifeWindow(max(missionFloor, tr.from), g.actors[s].life, g.actors[h].life)
	if !w.ok() {
		return false
	}
	t := graph.LiaisonOffice
	if g.r.IntN(100) < 30 {
		t = graph.RepresentativeOffice
	}
	p := g.periodIn(w, 100)
	c := g.cityIn(h, 80)
	m := g.newMission(g.template(t), s, h, c, p, true)
	g.core(m, s, h, c, p)
	g.rel(graph.EstablishedUnder, m, tr.id, "", graph.Period{}, "")
	g.extras(m, t, s, h, p)
	return true
}
