package synth

import (
	"cmp"
	"slices"

	"github.com/chancery/chancery/graph"
)

// The frame of the world: states, cities, organisations, and the relations
// among them that do not involve missions. It is made first, scaled to the
// budget, and never takes more than half of it.

const regions = 8 // regions group states for regional organisations and non-resident accreditation

// The styles of international organisation: the first is universal, the
// second a commonwealth whose members exchange high commissions rather
// than embassies, the rest regional.
const (
	orgUniversal = iota
	orgCommonwealth
	orgRegional
)

func clamp(x, lo, hi int) int { return max(lo, min(hi, x)) }

func (g *gen) world() {
	n := g.total
	nC := clamp(n/50, 20, 200)
	g.makeCountries(nC)
	g.makeTerritories(clamp(n/300, 3, 50))
	g.makeOrganisations(clamp(n/400, 3, 30), clamp(nC/12, 1, 16))
	g.serial = make([]uint32, numTemplates*len(g.actors)*len(g.actors))
	g.firstEmbassy = make([]embassyRef, nC*nC)

	g.emitStates()
	g.emitCities(n / 400)
	g.emitOrganisations()
	g.emitPartOf()
	g.emitMemberships()
	g.emitAgencies()
	g.emitDiplomaticRelations(min(nC*(nC-1)/2*6/10, n/15))
	g.emitAgreements()
	g.r.Shuffle(len(g.protections), func(i, j int) {
		g.protections[i], g.protections[j] = g.protections[j], g.protections[i]
	})
}

func (g *gen) newActor(kind graph.Kind, name string) actor {
	return actor{
		id: graph.ID(kind.IDPrefix() + slugOf(name)), name: name, kind: kind,
		capital: -1, successor: -1, sovereign: -1, agency: -1,
	}
}

// makeCountries draws the countries: a few former ones, about two in five
// that became states after 1900, the rest as old as the state system; a
// holy see that sends nunciatures; and the prominence that skews who sends
// and hosts missions.
func (g *gen) makeCountries(nC int) {
	nFormer := max(2, nC/25)
	g.nCountry = nC
	ranks := g.r.Perm(nC)
	for i := range nC {
		var a actor
		if i == nFormer {
			a = g.newActor(graph.Country, g.names.unique(func() string { return "See of " + g.names.word(2) }))
		} else {
			a = g.newActor(graph.Country, g.names.country())
		}
		a.rank, a.region = ranks[i]+1, g.r.IntN(regions)
		switch {
		case i < nFormer:
			to := 1945 + g.r.IntN(51)
			a.life.To = year(to)
			if g.r.IntN(100) < 45 {
				a.life.From = year(diplomacy + g.r.IntN(to-20-diplomacy))
			}
			g.formers = append(g.formers, int32(i))
		case i > nFormer && g.r.IntN(100) < 40:
			a.life.From = year(g.laterYear(1900, 2011))
		}
		g.actors = append(g.actors, a)
	}
	g.see = int32(nFormer)

	// The most prominent current states are old: two of them are the
	// fallback of last resort, the next four the neutrals that act as
	// protecting powers.
	byRank := make([]int32, 0, nC)
	for i := range nC {
		if i > nFormer {
			byRank = append(byRank, int32(i))
		}
	}
	slices.SortFunc(byRank, func(x, y int32) int { return cmp.Compare(g.actors[x].rank, g.actors[y].rank) })
	for i, c := range byRank[:6] {
		g.actors[c].life = graph.Period{}
		if i < 2 {
			g.fallback[i] = c
		} else {
			g.neutrals = append(g.neutrals, c)
		}
	}
	for _, f := range g.formers {
		end := g.actors[f].life.To.Year()
		for {
			s := byRank[g.r.IntN(len(byRank))]
			if from := g.actors[s].life.From; from.IsZero() || from.Year() <= end {
				g.actors[f].successor = s
				break
			}
		}
	}

	ids := make([]int32, nC)
	for i := range ids {
		ids[i] = int32(i)
	}
	g.sendCountry = newSampler(ids, func(i int) uint64 {
		if int32(i) == g.see {
			return 0
		}
		return zipf15(g.actors[i].rank + 2)
	})
	// Hosts follow senders' prominence loosely: big senders are big hosts,
	// give or take a quarter of the table.
	score := make([]int, nC)
	for i := range score {
		score[i] = g.actors[i].rank + g.r.IntN(nC/4+1)
	}
	order := slices.Clone(ids)
	slices.SortStableFunc(order, func(x, y int32) int { return cmp.Compare(score[x], score[y]) })
	hostRank := make([]int, nC)
	for k, i := range order {
		hostRank[i] = k + 1
	}
	g.hostCountry = newSampler(ids, func(i int) uint64 { return zipf125(hostRank[i] + 2) })
}

// oldCountry draws a prominent current state that has existed throughout.
func (g *gen) oldCountry() int32 {
	for {
		c := g.hostCountry.pick(g.r)
		if a := &g.actors[c]; c != g.see && a.life.From.IsZero() && a.life.To.IsZero() {
			return c
		}
	}
}

// makeTerritories draws dependent territories, each part of an old state.
func (g *gen) makeTerritories(nT int) {
	ids := make([]int32, nT)
	ranks := g.r.Perm(nT)
	for i := range nT {
		a := g.newActor(graph.Territory, g.names.territory())
		a.sovereign = g.oldCountry()
		a.region, a.rank = g.actors[a.sovereign].region, ranks[i]+1
		ids[i] = int32(len(g.actors))
		g.actors = append(g.actors, a)
	}
	g.orgStart = len(g.actors)
	g.sendTerritory = newSampler(ids, func(i int) uint64 { return zipf1(g.actors[ids[i]].rank) })
	g.hostTerritory = g.sendTerritory
}

// makeOrganisations draws international organisations (universal,
// commonwealth, regional; one defunct) and the agencies that act for the
// most prominent countries where they have no official relations.
func (g *gen) makeOrganisations(nIntl, nAgency int) {
	g.nIntl = nIntl
	ids := make([]int32, nIntl)
	for i := range nIntl {
		style := min(i, orgRegional)
		a := g.newActor(graph.Organisation, g.names.organisation(style))
		a.rank, a.region = i+1, i%regions
		switch style {
		case orgUniversal:
			a.life.From = year(1945)
		case orgCommonwealth:
			a.life.From = year(1931 + g.r.IntN(19))
		default:
			from := 1919 + g.r.IntN(77)
			a.life.From = year(from)
			if i == nIntl-1 && nIntl >= 5 {
				a.life.To = year(min(from+10+g.r.IntN(30), 2015))
			}
		}
		ids[i] = int32(len(g.actors))
		g.actors = append(g.actors, a)
	}
	g.intlOrgs = newSampler(ids, func(i int) uint64 { return zipf1(i + 1) })

	byRank := make([]int32, g.nCountry)
	for i := range byRank {
		byRank[i] = int32(i)
	}
	slices.SortFunc(byRank, func(x, y int32) int { return cmp.Compare(g.actors[x].rank, g.actors[y].rank) })
	for _, c := range byRank {
		ca := &g.actors[c]
		if nAgency == 0 {
			break
		}
		if c == g.see || !ca.life.To.IsZero() {
			continue
		}
		a := g.newActor(graph.Organisation, g.names.agency(ca.name))
		from := 1949 + g.r.IntN(40)
		if !ca.life.From.IsZero() {
			from = max(from, ca.life.From.Year())
		}
		a.life.From = year(from)
		a.sovereign = c // the country the agency acts for, until its headquarters is set
		ca.agency = int32(len(g.actors))
		g.actors = append(g.actors, a)
		nAgency--
	}
}

// emitStates yields the countries and territories, each with a code from
// the range ISO 3166-1 leaves to users (QMA to QZZ), so that no synthetic
// state passes for a real one by its code.
func (g *gen) emitStates() {
	codes := g.r.Perm(14 * 26)
	for i := range g.orgStart {
		a := &g.actors[i]
		code := codes[i]
		e := &graph.Entity{
			ID: a.id, Kind: a.kind, Name: a.name, Period: a.life,
			Attributes: map[string]string{
				SyntheticAttr:  "true",
				graph.AttrISO3: string([]byte{'Q', byte('M' + code/26), byte('A' + code%26)}),
			},
		}
		if a.kind == graph.Country && int32(i) != g.see && g.r.IntN(100) < 30 {
			e.Aliases = []string{countryStyles[g.r.IntN(len(countryStyles))] + a.name}
		}
		g.entity(e)
	}
}

// emitCities yields a capital for every state, then extra cities spread as
// missions are (most in prominent states), each LOCATED_IN its state. A
// former country's cities pass to its successor on the day it ended.
func (g *gen) emitCities(extra int) {
	for i := range g.orgStart {
		g.actors[i].capital = g.newCity(int32(i))
	}
	for range extra {
		if !g.spare(2) {
			return
		}
		var s int32
		if g.r.IntN(100) < 85 {
			s = g.hostCountry.pick(g.r)
		} else {
			s = g.hostTerritory.pick(g.r)
		}
		g.actors[s].cities = append(g.actors[s].cities, g.newCity(s))
	}
}

func (g *gen) newCity(state int32) int32 {
	name := g.names.city()
	c := city{id: graph.ID("city:" + slugOf(name)), name: name, state: state}
	g.cities = append(g.cities, c)
	g.entity(&graph.Entity{ID: c.id, Kind: graph.City, Name: name})
	a := &g.actors[state]
	if a.successor >= 0 {
		g.rel(graph.LocatedIn, c.id, a.id, "", graph.Period{To: a.life.To}, "")
		g.rel(graph.LocatedIn, c.id, g.actors[a.successor].id, "", graph.Period{From: a.life.To}, "")
	} else {
		g.rel(graph.LocatedIn, c.id, a.id, "", graph.Period{}, "")
	}
	return int32(len(g.cities) - 1)
}

// emitOrganisations yields the organisations, each LOCATED_IN its
// headquarters city: a city of a prominent state for the international
// ones, the capital of its country for an agency.
func (g *gen) emitOrganisations() {
	for i := g.orgStart; i < len(g.actors); i++ {
		a := &g.actors[i]
		if i < g.orgStart+g.nIntl {
			a.capital = g.cityIn(g.oldCountry(), 50)
		} else {
			a.capital = g.actors[a.sovereign].capital
			a.sovereign = -1
		}
		e := &graph.Entity{ID: a.id, Kind: a.kind, Name: a.name, Period: a.life}
		if ac := acronym(a.name); ac != "" {
			e.Aliases = []string{ac}
		}
		g.entity(e)
		g.rel(graph.LocatedIn, a.id, g.cities[a.capital].id, "", graph.Period{}, "")
	}
}

// emitPartOf yields each territory's PART_OF its state; one in five passed
// from another state to its present one.
func (g *gen) emitPartOf() {
	for i := g.nCountry; i < g.orgStart; i++ {
		a := &g.actors[i]
		sov := g.actors[a.sovereign].id
		if prev := g.oldCountry(); prev != a.sovereign && g.r.IntN(100) < 20 {
			y := year(1950 + g.r.IntN(51))
			g.rel(graph.PartOf, a.id, g.actors[prev].id, "", graph.Period{To: y}, "")
			g.rel(graph.PartOf, a.id, sov, "", graph.Period{From: y}, "")
			continue
		}
		g.rel(graph.PartOf, a.id, sov, "", graph.Period{}, "")
	}
}

// emitMemberships yields MEMBER_OF: every country in the universal
// organisation, about a quarter in the commonwealth, and most of a region
// (with a few territories and outsiders) in each regional one.
func (g *gen) emitMemberships() {
	words := (len(g.actors) + 63) / 64
	g.members = make([][]uint64, g.nIntl)
	for o := range g.nIntl {
		g.members[o] = make([]uint64, words)
		oa := &g.actors[g.orgStart+o]
		for c := range g.orgStart {
			ca := &g.actors[c]
			pct := 0
			switch {
			case o == orgUniversal:
				if ca.kind == graph.Country {
					pct = 100
				}
			case int32(c) == g.see:
			case o == orgCommonwealth:
				if ca.kind == graph.Country {
					pct = 25
				}
			case ca.region == oa.region:
				pct = 75
				if ca.kind == graph.Territory {
					pct = 15
				}
			case ca.kind == graph.Country:
				pct = 4
			}
			if pct == 0 || g.r.IntN(100) >= pct {
				continue
			}
			w := lifeWindow(oa.life.From.Year(), oa.life, ca.life)
			if !w.ok() {
				continue
			}
			if !g.spare(1) {
				return
			}
			g.rel(graph.MemberOf, ca.id, oa.id, "", g.joinPeriod(w), "")
			g.members[o][c/64] |= 1 << (c % 64)
		}
	}
}

// joinPeriod draws the period of a membership or of being party to a treaty
// in w: often from the first possible year, otherwise soon after it, and
// over when a party ends.
func (g *gen) joinPeriod(w window) graph.Period {
	closed := !w.end.IsZero()
	if !closed && g.r.IntN(100) >= 65 {
		return graph.Period{}
	}
	fy := w.lo
	if g.r.IntN(100) >= 40 {
		fy = g.earlyYear(w.lo, w.hi)
	}
	p := graph.Period{From: year(fy)}
	switch {
	case closed:
		p.To = w.end
	case g.r.IntN(100) < 5:
		p.To = g.endIn(fy, fy+g.r.IntN(w.hi-fy+1))
	}
	return p
}

func (g *gen) isMember(org int, a int32) bool {
	return org < len(g.members) && g.members[org][a/64]&(1<<(a%64)) != 0
}

// emitAgencies yields REPRESENTED_BY from each country that has an agency to
// the agency, in one to three hosts (as the United States is represented by
// the American Institute in Taiwan).
func (g *gen) emitAgencies() {
	for c := range g.nCountry {
		ag := g.actors[c].agency
		if ag < 0 {
			continue
		}
		hosts := g.picked[:0]
		for range 1 + g.r.IntN(3) {
			h := g.hostCountry.pick(g.r)
			if h == int32(c) || slices.Contains(hosts, h) {
				continue
			}
			hosts = append(hosts, h)
			w := lifeWindow(missionFloor, g.actors[c].life, g.actors[ag].life)
			w.narrow(g.actors[h].life)
			if !w.ok() || !g.spare(1) {
				continue
			}
			g.rel(graph.RepresentedBy, g.actors[c].id, g.actors[ag].id, g.actors[h].id, g.periodIn(w, 80), "")
		}
		g.picked = hosts
	}
}

// emitDiplomaticRelations yields DIPLOMATIC_RELATIONS between about n pairs
// of countries, prominent ones first. One pair in eight broke relations
// (most restored them later); each break is a gap that a protecting power
// may bridge.
func (g *gen) emitDiplomaticRelations(n int) {
	nC := g.nCountry
	done := make([]uint64, (nC*nC+63)/64)
	for made, tries := 0, 0; made < n && tries < 40*n; tries++ {
		if !g.spare(2) {
			return
		}
		a, b := g.hostCountry.pick(g.r), g.hostCountry.pick(g.r)
		if a == b {
			continue
		}
		if a > b {
			a, b = b, a
		}
		if k := int(a)*nC + int(b); done[k/64]&(1<<(k%64)) != 0 {
			continue
		} else {
			done[k/64] |= 1 << (k % 64)
		}
		made++
		if w := lifeWindow(diplomacy, g.actors[a].life, g.actors[b].life); w.ok() {
			g.diplomaticRelations(a, b, w)
		}
	}
}

func (g *gen) diplomaticRelations(a, b int32, w window) {
	ida, idb := g.actors[a].id, g.actors[b].id
	closed := !w.end.IsZero()
	if !closed && g.r.IntN(100) < 15 {
		g.rel(graph.DiplomaticRelations, ida, idb, "", graph.Period{}, "")
		return
	}
	fy := g.laterYear(w.lo, w.hi)
	from := g.dateIn(fy)
	if lo := max(fy+1, missionFloor); lo < w.hi && g.r.IntN(100) < 12 {
		by := lo + g.r.IntN(w.hi-lo)
		brk := g.dateIn(by)
		g.rel(graph.DiplomaticRelations, ida, idb, "", graph.Period{From: from, To: brk}, "")
		gp := graph.Period{From: brk}
		if g.r.IntN(100) < 60 {
			rst := g.dateIn(by + 1 + g.r.IntN(w.hi-by))
			gp.To = rst
			again := graph.Period{From: rst}
			if closed {
				again.To = w.end
			}
			g.rel(graph.DiplomaticRelations, ida, idb, "", again, "")
		} else if closed {
			gp.To = w.end
		}
		g.protections = append(g.protections, int32(2*len(g.gaps)), int32(2*len(g.gaps)+1))
		g.gaps = append(g.gaps, gap{a: a, b: b, period: gp})
		return
	}
	p := graph.Period{From: from}
	if closed {
		p.To = w.end
	}
	g.rel(graph.DiplomaticRelations, ida, idb, "", p, "")
}

// emitAgreements yields a few multilateral conventions with many parties,
// and bilateral treaties under which liaison offices are set up.
func (g *gen) emitAgreements() {
	multi := 2
	if g.total >= 100_000 {
		multi = 3
	}
	styles := []string{"Convention of ", "Protocol of ", "Accord of "}
	for range multi {
		if !g.spare(1) {
			return
		}
		y := 1920 + g.r.IntN(71)
		style := styles[g.r.IntN(len(styles))]
		name := g.names.unique(func() string { return style + g.cities[g.r.IntN(len(g.cities))].name })
		id := g.newAgreement(name, y)
		for c := range g.nCountry {
			ca := &g.actors[c]
			if int32(c) == g.see || g.r.IntN(100) >= 45 {
				continue
			}
			w := lifeWindow(y, graph.Period{From: year(y)}, ca.life)
			if !w.ok() {
				continue
			}
			if !g.spare(1) {
				return
			}
			g.rel(graph.PartyTo, ca.id, id, "", g.joinPeriod(w), "")
		}
	}
	want := clamp(g.total/5000, 2, 40)
	for tries := 0; len(g.treaties) < want && tries < 10*want; tries++ {
		if !g.spare(2) {
			return
		}
		a, b := g.hostCountry.pick(g.r), g.hostCountry.pick(g.r)
		w := lifeWindow(1950, g.actors[a].life, g.actors[b].life)
		if a == b || a == g.see || b == g.see || !w.ok() {
			continue
		}
		y := g.laterYear(w.lo, w.hi)
		name := g.names.unique(func() string {
			c := g.actors[a].capital
			if g.r.IntN(100) < 70 {
				c = int32(g.r.IntN(len(g.cities)))
			}
			return "Treaty of " + g.cities[c].name
		})
		id := g.newAgreement(name, y)
		g.rel(graph.PartyTo, g.actors[a].id, id, "", graph.Period{From: year(y)}, "")
		g.rel(graph.PartyTo, g.actors[b].id, id, "", graph.Period{From: year(y)}, "")
		g.treaties = append(g.treaties, treaty{id: id, a: a, b: b, from: y})
	}
}

func (g *gen) newAgreement(name string, y int) graph.ID {
	id := graph.ID("agreement:" + slugOf(name))
	g.entity(&graph.Entity{ID: id, Kind: graph.Agreement, Name: name, Period: graph.Period{From: year(y)}})
	return id
}
