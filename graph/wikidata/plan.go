package wikidata

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/chancery/chancery/graph"
)

// Attribute keys and values an import writes.
const (
	// AttrDataset marks what an import made, so that the next snapshot
	// recognises its missions: its value is Dataset.
	AttrDataset   = "dataset"
	Dataset       = "wikidata-embassies"
	AttrLatitude  = "latitude"
	AttrLongitude = "longitude"
)

const documentPrefix = "Wikidata diplomatic missions (database-of-embassies, "

// Document is the title every fact of the snapshot taken on date cites:
// "Wikidata diplomatic missions (database-of-embassies, 2022-11-16)".
func Document(date graph.Date) string { return documentPrefix + date.String() + ")" }

// documentDate returns the snapshot date of a Document title.
func documentDate(doc string) (graph.Date, bool) {
	rest, ok := strings.CutPrefix(doc, documentPrefix)
	if !ok {
		return graph.Date{}, false
	}
	d, err := graph.ParseDate(strings.TrimSuffix(rest, ")"))
	return d, err == nil
}

// SnapshotDate returns the date a file name carries, as the data set's
// files are named (database_of_embassies-2022-11-16.csv): the last
// YYYY-MM-DD in the base name.
func SnapshotDate(name string) (graph.Date, bool) {
	base := filepath.Base(name)
	for i := len(base) - 10; i >= 0; i-- {
		if d, err := graph.ParseDate(base[i : i+10]); err == nil && d.Precision() == graph.FullDate {
			return d, true
		}
	}
	return graph.Date{}, false
}

// MissionID is the id of the mission with the given QID: mission:wd-q68189173.
func MissionID(qid string) graph.ID { return graph.ID("mission:wd-" + strings.ToLower(qid)) }

func qidURL(qid string) string { return "https://www.wikidata.org/wiki/" + qid }

// Rejection is a row that was not used.
type Rejection struct {
	Line int
	QID  string
	// Why is the kind of problem, the same for every row that has it, so
	// that rows can be counted by it.
	Why string
	// Detail is what this row has, where Why does not say it all.
	Detail string
}

// String says where the row is and why it was not used.
func (r Rejection) String() string {
	if r.Detail == "" {
		return r.Why
	}
	return r.Why + ": " + r.Detail
}

// Note is something of a row that was left out while the row was used: a
// creation date that cannot be right, a jurisdiction that matches nothing.
type Note struct {
	Line        int
	Why, Detail string
}

// Plan is what importing a file would change, worked out whole before
// anything is written.
type Plan struct {
	File     string
	Snapshot graph.Date
	Rows     int
	// The missions added, updated, unchanged and closed, each once. An
	// unchanged mission is listed again with the same facts: it is
	// attested on this snapshot's date too.
	Added, Updated, Unchanged, Closed []graph.ID
	// Changes counts the updated missions by what changed in them: name,
	// type, dates, coordinates, sender, accreditations, location.
	Changes map[string]int
	// StillClosed counts missions closed by an earlier snapshot that this
	// one does not list either.
	StillClosed int
	Rejected    []Rejection
	// Created are the countries, territories, organisations and cities
	// the import makes because nothing in the graph matched them.
	Created []*graph.Entity
	// Attested are the countries, territories, organisations and cities
	// the graph already held that the rows used name (as operator, host
	// country, jurisdiction or city) and that this snapshot attests anew:
	// its date widens their attested days, or its document joins their
	// sources. NotAttested are those whose stated dates rule the
	// snapshot's date out; they are left as they are, and the missions'
	// relations to them do not hold on that date.
	Attested    []graph.ID
	NotAttested []*graph.Entity
	Notes       []Note
	// Groups are the writes, in order: the entities made (with the
	// LOCATED_IN of new cities), then one group for each entity attested,
	// then one group for each mission that changes, so that a mission is
	// written whole or not at all.
	Groups []*graph.Batch
}

// pending is a row on its way to becoming a mission.
type pending struct {
	row       *Row
	kind      missionKind
	sender    graph.ID
	host      graph.ID
	accredits []graph.ID
	city      graph.ID
	rejected  bool
	// hostStands says the host stands for jurisdictions that match
	// nothing (or that the row does not give): accredits is the host.
	hostStands bool
	// used says the row's mission is added, updated or listed again.
	used bool
	// refusedHost says why the host country cannot be held, when the
	// known table refuses it: the row is used if a jurisdiction matches.
	refusedHost string
}

// planner holds the state of one MakePlan.
type planner struct {
	*Plan
	w        *world
	doc      string
	pendings []*pending
}

func (pl *planner) reject(p *pending, why, detail string) {
	p.rejected = true
	pl.Rejected = append(pl.Rejected, Rejection{Line: p.row.Line, QID: p.row.QID, Why: why, Detail: detail})
}

func (pl *planner) note(row *Row, why, detail string) {
	pl.Notes = append(pl.Notes, Note{Line: row.Line, Why: why, Detail: detail})
}

// MakePlan works out what importing f, the snapshot taken on snapshot,
// changes in the graph r reads: which missions are added, updated, left
// unchanged and closed, which rows are rejected and why, and which
// countries, territories, organisations and cities must be made. It reads
// r and writes nothing.
//
// A mission is recognised by its id, mission:wd-<qid>, and its dataset
// attribute. A mission of an earlier snapshot that this one does not list
// is closed: its validTo, and that of its open relations from the data
// set, becomes the snapshot date. It is never deleted.
//
// The countries, territories, organisations and cities a used row names
// are attested on the snapshot's date too, as its mission is, citing the
// snapshot (see attestGroups): so that a mission listed on that date is
// known to hold then with its sender, hosts and city.
func MakePlan(ctx context.Context, r graph.Reader, f *File, snapshot graph.Date) (*Plan, error) {
	if snapshot.Precision() != graph.FullDate {
		return nil, graph.Errorf(graph.EINVALID, "the snapshot date %q must be a full date, YYYY-MM-DD", snapshot)
	}
	w, err := loadWorld(ctx, r)
	if err != nil {
		return nil, err
	}
	pl := &planner{Plan: &Plan{File: f.Name, Snapshot: snapshot, Rows: len(f.Rows), Changes: map[string]int{}}, w: w, doc: Document(snapshot)}
	w.doc = pl.doc
	imported, err := pl.imported(snapshot)
	if err != nil {
		return nil, err
	}
	listed := pl.screen(f)
	if err := pl.matchActors(ctx); err != nil {
		return nil, err
	}
	if err := pl.matchCities(ctx); err != nil {
		return nil, err
	}
	if err := pl.compare(ctx, imported, listed); err != nil {
		return nil, err
	}
	return pl.Plan, nil
}

// imported returns the missions earlier imports made, by QID, and refuses
// a snapshot older than one already imported: it would close, at its own
// date, missions first listed later.
func (pl *planner) imported(snapshot graph.Date) (map[string]*graph.Entity, error) {
	out := map[string]*graph.Entity{}
	var latest graph.Date
	for _, e := range pl.w.entities {
		if e.Kind != graph.Mission || e.Attributes[AttrDataset] != Dataset {
			continue
		}
		if q := e.Attributes[graph.AttrWikidata]; q != "" && e.ID == MissionID(q) {
			out[q] = e
		}
		for _, s := range e.Sources {
			if d, ok := documentDate(s.Document); ok && d.First() > latest.First() {
				latest = d
			}
		}
	}
	if latest.First() > snapshot.First() {
		return nil, graph.Errorf(graph.EINVALID, "the graph already holds the snapshot of %s; %s is older, and importing it would close at %s missions it never listed; import snapshots oldest first",
			latest, snapshot, snapshot)
	}
	return out, nil
}

// screen rejects the rows that cannot be used on their own: no QID, a QID
// on two rows, no operator, no host, a type that is not a mission's. It
// returns every QID the file lists, usable or not: a mission whose row is
// rejected is left as it is rather than closed.
func (pl *planner) screen(f *File) map[string]bool {
	rowsOf := map[string][]*Row{}
	for _, row := range f.Rows {
		if row.QID != "" {
			rowsOf[row.QID] = append(rowsOf[row.QID], row)
		}
	}
	listed := map[string]bool{}
	for _, row := range f.Rows {
		p := &pending{row: row}
		pl.pendings = append(pl.pendings, p)
		if row.QID != "" {
			listed[row.QID] = true
		}
		same := rowsOf[row.QID]
		switch {
		case row.bad != "":
			pl.reject(p, "malformed QID", row.bad)
		case row.QID == "":
			pl.reject(p, "no QID", "")
		case len(same) > 1 && !allSame(same):
			pl.reject(p, "QID on more than one row, which disagree", fmt.Sprintf("%s is on lines %s", row.QID, lines(same)))
		case len(same) > 1 && same[0] != row:
			pl.reject(p, "repeats an earlier row", fmt.Sprintf("%s as on line %d", row.QID, same[0].Line))
		case row.Operator == Ref{}:
			pl.reject(p, "no operator", "")
		case row.Country == Ref{} && len(row.Jurisdictions) == 0:
			pl.reject(p, "no host country", "")
		default:
			mk, why := classify(row.Type)
			if why != "" {
				pl.reject(p, why, "")
			}
			p.kind = mk
		}
	}
	return listed
}

func allSame(rows []*Row) bool {
	for _, r := range rows[1:] {
		if !slices.Equal(r.fields, rows[0].fields) {
			return false
		}
	}
	return true
}

func lines(rows []*Row) string {
	parts := make([]string, len(rows))
	for i, r := range rows {
		parts[i] = strconv.Itoa(r.Line)
	}
	return strings.Join(parts, ", ")
}

// live returns the rows not rejected so far.
func (pl *planner) live() []*pending {
	var out []*pending
	for _, p := range pl.pendings {
		if !p.rejected {
			out = append(out, p)
		}
	}
	return out
}

// matchActors finds each row's operator, host and jurisdictions. An
// operator or host that matches nothing is made: a country if its QID is a
// host anywhere in the file (Wikidata gives states as the country of a
// mission), otherwise an organisation, since a sender that is not a state
// is a body acting for one or an international organisation. Jurisdictions
// are never made: those that match nothing are mostly the provinces of a
// consular district, and the host stands for them.
//
// An operator the known table refuses (a people, a region, a sub-national
// government the seeds do not hold) rejects the row, since a mission needs
// its sender. A host or jurisdiction it refuses is left out, with its
// reason, and the row is rejected only if nothing else it is accredited to
// matches.
func (pl *planner) matchActors(ctx context.Context) error {
	toMake, err := pl.matchSendersAndHosts(ctx)
	if err != nil {
		return err
	}
	pl.makeActors(toMake)
	return pl.matchJurisdictions(ctx)
}

// missingActor is an operator or host that matches nothing, to be made as
// kind.
type missingActor struct {
	p    *pending
	ref  Ref
	kind graph.Kind
	col  string
}

// matchSendersAndHosts matches each row's operator and host country, and
// returns those that match nothing and are to be made.
func (pl *planner) matchSendersAndHosts(ctx context.Context) ([]missingActor, error) {
	hosts := pl.hostQIDs()
	var toMake []missingActor
	for _, p := range pl.live() {
		for _, c := range []struct {
			ref  Ref
			col  string
			dest *graph.ID
		}{{p.row.Operator, "operator", &p.sender}, {p.row.Country, "country", &p.host}} {
			if c.ref == (Ref{}) || p.rejected {
				continue
			}
			id, m, err := pl.matchSenderOrHost(ctx, p, c.ref, c.col, hosts)
			if err != nil {
				return nil, err
			}
			if id != "" {
				*c.dest = id
			}
			if m != nil {
				toMake = append(toMake, *m)
			}
		}
	}
	return toMake, nil
}

// hostQIDs are the QIDs of every row's host country.
func (pl *planner) hostQIDs() map[string]bool {
	hosts := map[string]bool{}
	for _, p := range pl.live() {
		if p.row.Country.QID != "" {
			hosts[p.row.Country.QID] = true
		}
	}
	return hosts
}

// matchSenderOrHost matches ref, the row's operator or country (col), and
// returns the entity it matches; or else, if it is to be made, what to
// make; or neither, having rejected the row or noted a refused host.
func (pl *planner) matchSenderOrHost(ctx context.Context, p *pending, ref Ref, col string, hosts map[string]bool) (graph.ID, *missingActor, error) {
	id, taken, err := pl.w.matchActor(ctx, ref)
	if err != nil {
		return "", nil, err
	}
	switch {
	case id != "":
		return id, nil, nil
	case known[ref.QID].Refuse != "":
		why := fmt.Sprintf("%s %s (%s): %s", col, ref.Label, ref.QID, known[ref.QID].Refuse)
		if col == "country" && len(p.row.Jurisdictions) > 0 {
			p.refusedHost = why
			return "", nil, nil
		}
		pl.reject(p, why, "")
	case ref.QID == "":
		pl.reject(p, col+" has no QID and matches nothing in the graph", ref.Label)
	case ref.Label == "" && known[ref.QID].Name == "":
		pl.reject(p, col+" has no name and matches nothing in the graph", ref.QID)
	case taken:
		pl.reject(p, col+" is an entity that cannot send or receive missions",
			fmt.Sprintf("%s (%s) is %s", ref.Label, ref.QID, pl.w.byQID[ref.QID][0].ID))
	default:
		k := graph.Organisation
		if col == "country" || hosts[ref.QID] {
			k = graph.Country
		}
		return "", &missingActor{p, ref, k, col}, nil
	}
	return "", nil, nil
}

// makeActors makes the operators and hosts that match nothing, each QID
// once, for the rows still kept, and gives each row its own.
func (pl *planner) makeActors(toMake []missingActor) {
	for _, m := range toMake {
		if m.p.rejected {
			continue
		}
		id, ok := pl.w.actors[m.ref.QID]
		if !ok {
			id = pl.w.makeActor(m.ref, m.kind, m.col+"="+m.ref.Label+"; "+m.col+"QID="+m.ref.QID)
		}
		if m.col == "operator" {
			m.p.sender = id
		} else {
			m.p.host = id
		}
	}
}

// matchJurisdictions accredits each row's mission to its jurisdictions
// that match, or else to its host, and rejects the rows accredited to
// nothing. What a kept row leaves out becomes its notes.
func (pl *planner) matchJurisdictions(ctx context.Context) error {
	for _, p := range pl.live() {
		notes, err := pl.linkJurisdictions(ctx, p)
		if err != nil {
			return err
		}
		if len(p.accredits) == 0 && p.host != "" {
			p.accredits = []graph.ID{p.host}
			p.hostStands = true
		}
		switch {
		case len(p.accredits) == 0 && p.refusedHost != "":
			pl.reject(p, p.refusedHost, "")
		case len(p.accredits) == 0:
			pl.reject(p, "no jurisdiction or host country matches anything in the graph", "")
		default:
			if p.refusedHost != "" {
				notes = append(notes, leftOut(p, "host country not linked: "+known[p.row.Country.QID].Refuse, p.row.Country))
			}
			pl.Notes = append(pl.Notes, notes...)
		}
	}
	return nil
}

// linkJurisdictions adds the jurisdictions of p that match to what its
// mission is accredited to, and returns a note for each of the others.
func (pl *planner) linkJurisdictions(ctx context.Context, p *pending) ([]Note, error) {
	var notes []Note
	for _, j := range p.row.Jurisdictions {
		id, _, err := pl.w.matchActor(ctx, j)
		if err != nil {
			return nil, err
		}
		switch {
		case id != "":
			if !slices.Contains(p.accredits, id) {
				p.accredits = append(p.accredits, id)
			}
		case known[j.QID].Refuse != "":
			notes = append(notes, leftOut(p, "jurisdiction not linked: "+known[j.QID].Refuse, j))
		default:
			notes = append(notes, leftOut(p, "jurisdiction not linked: it matches no country, territory or organisation", j))
		}
	}
	return notes, nil
}

// leftOut is the note that p's mission is not linked to ref, and why.
func leftOut(p *pending, why string, ref Ref) Note {
	return Note{Line: p.row.Line, Why: why, Detail: ref.Label + " (" + ref.QID + ")"}
}

// matchCities finds or makes the city of each row.
func (pl *planner) matchCities(ctx context.Context) error {
	byQID := map[string]*cityRef{}
	var refs []*cityRef
	for _, p := range pl.live() {
		c := p.row.City
		switch {
		case c == Ref{}:
			continue
		case c.QID == "" || c.Label == "":
			pl.note(p.row, "city not linked: it has no QID or no name", c.Label+c.QID)
			continue
		}
		ref := byQID[c.QID]
		if ref == nil {
			ref = &cityRef{Ref: c, line: p.row.Line, quote: "city=" + c.Label + "; cityQID=" + c.QID}
			byQID[c.QID] = ref
			refs = append(refs, ref)
		}
		if !slices.Contains(ref.hosts, p.host) && p.host != "" {
			ref.hosts = append(ref.hosts, p.host)
		}
		if ref.lat == "" {
			if lat, lon, ok := coordinates(p.row); ok {
				ref.lat, ref.lon = lat, lon
			}
		}
	}
	if err := pl.w.matchCities(ctx, refs); err != nil {
		return err
	}
	for _, p := range pl.live() {
		if q := p.row.City.QID; q != "" {
			p.city = pl.w.cities[q]
			if p.city == "" {
				pl.note(p.row, "city not linked: its QID is an entity that is not a place", p.row.City.Label+" ("+q+")")
			}
		}
	}
	return nil
}

// coordinates returns the row's latitude and longitude if both are
// numbers in range.
func coordinates(row *Row) (string, string, bool) {
	lat, err1 := strconv.ParseFloat(row.Latitude, 64)
	lon, err2 := strconv.ParseFloat(row.Longitude, 64)
	ok := err1 == nil && err2 == nil && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180
	return row.Latitude, row.Longitude, ok
}

// earliestCreation is the first year a creation date may have: resident
// missions began with the Italian states of the fifteenth century, so an
// earlier date (the data set has "1300" for two embassies in Bratislava,
// in a state founded in 1993) is a slip.
const earliestCreation = 1400

// creation reads the creation column ("1927-01-01T00:00:00Z") at the
// precision it can be trusted to: Wikidata writes a year as its 1 January
// and a month as its first day, so 01-01 is a year and a first of the
// month a month. It says why it ignores a date that cannot be right.
func creation(s string, snapshot graph.Date) (graph.Date, string) {
	if s == "" {
		return graph.Date{}, ""
	}
	day, _, _ := strings.Cut(strings.TrimPrefix(s, "+"), "T")
	d, err := graph.ParseDate(day)
	if err != nil || d.Precision() != graph.FullDate {
		return graph.Date{}, fmt.Sprintf("%q is not a date", s)
	}
	switch {
	case d.Year() < earliestCreation:
		return graph.Date{}, fmt.Sprintf("%s is before %d, earlier than any resident mission", day, earliestCreation)
	case d.First() > snapshot.Last():
		return graph.Date{}, fmt.Sprintf("%s is after the snapshot date %s", day, snapshot)
	case strings.HasSuffix(day, "-01-01"):
		return graph.MustDate(day[:4]), ""
	case strings.HasSuffix(day, "-01"):
		return graph.MustDate(day[:7]), ""
	}
	return d, ""
}

// compare builds each usable row's mission and relations, compares them
// with what an earlier import stored, and closes the missions this
// snapshot no longer lists.
func (pl *planner) compare(ctx context.Context, imported map[string]*graph.Entity, listed map[string]bool) error {
	ids := make([]graph.ID, 0, len(imported))
	for _, e := range imported {
		ids = append(ids, e.ID)
	}
	slices.Sort(ids)
	stored, err := pl.managedRelations(ctx, ids)
	if err != nil {
		return err
	}
	var groups []*graph.Batch
	for _, p := range pl.live() {
		e, rels := pl.mission(p)
		kindOf := func(id graph.ID) (graph.Kind, bool) {
			_, ok := pl.w.entities[id]
			return id.Kind(), ok || id == e.ID
		}
		if err := e.Validate(); err != nil {
			pl.reject(p, "the mission is not valid", graph.ErrorMessage(err))
			continue
		}
		if bad := slices.IndexFunc(rels, func(r *graph.Relation) bool { return r.Validate(kindOf) != nil }); bad >= 0 {
			pl.reject(p, "a relation of the mission is not valid", graph.ErrorMessage(rels[bad].Validate(kindOf)))
			continue
		}
		old := pl.w.entities[e.ID]
		switch {
		case old == nil:
			if others := pl.w.byQIDOf(p.row.QID, []graph.Kind{graph.Mission}); len(others) > 0 {
				pl.reject(p, "the QID is already a mission this data set did not make; left as it is",
					fmt.Sprintf("%s is %s", p.row.QID, others[0]))
				continue
			}
			pl.Added = append(pl.Added, e.ID)
			p.used = true
			groups = append(groups, &graph.Batch{Entities: []*graph.Entity{e}, Relations: rels})
			continue
		case old.Attributes[AttrDataset] != Dataset:
			pl.reject(p, "the mission's id is taken by an entity this data set did not make; left as it is", string(e.ID))
			continue
		}
		// What earlier snapshots listed stays attested on their dates,
		// and a mission listed again is attested on this one's too: a
		// write, but no change of what is known of it beyond that.
		alsoAttested(&e.Period, old.Period)
		b := &graph.Batch{}
		reattested := true
		if !sameFacts(old, e) {
			b.Entities = []*graph.Entity{e}
			reattested = sameFacts(old, attestedAs(e, old.Period))
		}
		have := stored[e.ID]
		for _, r := range rels {
			if h := have[r.ID]; h != nil {
				alsoAttested(&r.Period, h.Period)
				if h.Period == r.Period {
					continue
				}
			} else {
				reattested = false
			}
			b.Relations = append(b.Relations, r)
		}
		for _, id := range slices.Sorted(maps.Keys(have)) {
			if !slices.ContainsFunc(rels, func(r *graph.Relation) bool { return r.ID == id }) {
				b.DeleteRelations = append(b.DeleteRelations, id)
				reattested = false
			}
		}
		p.used = true
		if reattested {
			pl.Unchanged = append(pl.Unchanged, e.ID)
			if len(b.Entities)+len(b.Relations) > 0 {
				groups = append(groups, b)
			}
			continue
		}
		pl.Updated = append(pl.Updated, e.ID)
		for _, what := range changes(old, e, b, have) {
			pl.Changes[what]++
		}
		groups = append(groups, b)
	}
	for _, id := range ids {
		e := pl.w.entities[id]
		if listed[e.Attributes[graph.AttrWikidata]] {
			continue
		}
		if !e.Open {
			pl.StillClosed++
			continue
		}
		groups = append(groups, pl.close(e, stored[id]))
		pl.Closed = append(pl.Closed, id)
	}
	pl.Groups = append(append(pl.createdGroups(), pl.attestGroups()...), groups...)
	return nil
}

// mission builds the mission of a row and its relations.
func (pl *planner) mission(p *pending) (*graph.Entity, []*graph.Relation) {
	row := p.row
	src := graph.Source{Document: pl.doc, URL: qidURL(row.QID), Quote: rowQuote(row)}
	name := func(id graph.ID) string {
		if e := pl.w.entities[id]; e != nil {
			return e.Name
		}
		return ""
	}
	e := &graph.Entity{
		ID:   MissionID(row.QID),
		Kind: graph.Mission,
		Name: missionName(p.kind, name(p.sender), where{city: name(p.city), host: name(p.host),
			hostAccredited: p.host == "" || slices.Contains(p.accredits, p.host), accredited: name(p.accredits[0])}),
		MissionType: p.kind.Type,
		Official:    p.kind.Official,
		Attributes:  map[string]string{AttrDataset: Dataset, graph.AttrWikidata: row.QID},
		Sources:     []graph.Source{src},
	}
	d, why := creation(row.Creation, pl.Snapshot)
	if why != "" {
		pl.note(row, "creation date ignored", why)
	}
	// The snapshot lists the mission: it holds on the snapshot's date and,
	// as far as anything says, still does. It is known to hold from its
	// creation date, or else from the snapshot's.
	e.Period = listed(d, pl.Snapshot)
	if lat, lon, ok := coordinates(row); ok {
		e.Attributes[AttrLatitude], e.Attributes[AttrLongitude] = lat, lon
	} else if row.Latitude != "" || row.Longitude != "" {
		pl.note(row, "coordinates ignored: not a latitude and longitude", row.Latitude+", "+row.Longitude)
	}
	var rels []*graph.Relation
	add := func(t graph.RelationType, to graph.ID) {
		r := &graph.Relation{Type: t, From: e.ID, To: to, Period: listed(graph.Date{}, pl.Snapshot), Sources: []graph.Source{src}}
		r.Normalize()
		if !slices.ContainsFunc(rels, func(o *graph.Relation) bool { return o.ID == r.ID }) {
			rels = append(rels, r)
		}
	}
	add(graph.SentBy, p.sender)
	for _, a := range p.accredits {
		add(graph.AccreditsTo, a)
	}
	switch {
	case p.city != "":
		add(graph.LocatedIn, p.city)
	case p.host != "" && slices.Contains(placeKinds, p.host.Kind()):
		// No city: the mission still lies in its host, which tells a
		// resident mission from one accredited from abroad.
		add(graph.LocatedIn, p.host)
	}
	return e, rels
}

// listed is the period of a fact a snapshot lists: open, attested on the
// snapshot's date, and stated to start at from if the row gives a date.
func listed(from, snapshot graph.Date) graph.Period {
	p := graph.Period{From: from, Open: true}
	p.Attest(snapshot)
	return p
}

// attestedAs is e with the attestations of p, to compare the rest.
func attestedAs(e *graph.Entity, p graph.Period) *graph.Entity {
	c := *e
	c.AttestedFrom, c.AttestedTo = p.AttestedFrom, p.AttestedTo
	return &c
}

// alsoAttested widens p's attestations to take in those of old, a period
// an earlier snapshot gave the same fact.
func alsoAttested(p *graph.Period, old graph.Period) {
	p.Attest(old.AttestedFrom)
	p.Attest(old.AttestedTo)
}

// rowQuote describes a row for a source's quote, in the column=value
// style the seeds use for data sets.
func rowQuote(row *Row) string {
	parts := []string{"QID=" + row.QID, "operator=" + row.Operator.Label, "country=" + row.Country.Label}
	if len(row.Jurisdictions) > 0 {
		labels := make([]string, len(row.Jurisdictions))
		for i, j := range row.Jurisdictions {
			labels[i] = j.Label
		}
		parts = append(parts, "jurisdictions="+strings.Join(labels, "|"))
	}
	for _, kv := range [][2]string{{"city", row.City.Label}, {"type", row.Type}, {"creation", row.Creation}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	return strings.Join(parts, "; ")
}

// sameFacts reports whether two entities state the same facts, whatever
// they cite.
func sameFacts(a, b *graph.Entity) bool {
	return a.ID == b.ID && a.Kind == b.Kind && a.Name == b.Name && slices.Equal(a.Aliases, b.Aliases) &&
		a.Period == b.Period && a.MissionType == b.MissionType && a.Official == b.Official &&
		maps.Equal(a.Attributes, b.Attributes)
}

// changes names what an update changes in a mission.
func changes(old, e *graph.Entity, b *graph.Batch, have map[string]*graph.Relation) []string {
	var out []string
	if len(b.Entities) > 0 {
		for _, c := range []struct {
			what    string
			differs bool
		}{
			{"name", old.Name != e.Name},
			{"type", old.MissionType != e.MissionType || old.Official != e.Official},
			{"dates", old.From != e.From || old.To != e.To || old.Open != e.Open},
			{"coordinates", old.Attributes[AttrLatitude] != e.Attributes[AttrLatitude] || old.Attributes[AttrLongitude] != e.Attributes[AttrLongitude]},
		} {
			if c.differs {
				out = append(out, c.what)
			}
		}
	}
	types := map[graph.RelationType]bool{}
	for _, r := range b.Relations {
		if have[r.ID] == nil { // one held already is attested again, no more
			types[r.Type] = true
		}
	}
	for _, id := range b.DeleteRelations {
		types[have[id].Type] = true
	}
	for _, c := range []struct {
		what string
		t    graph.RelationType
	}{{"sender", graph.SentBy}, {"accreditations", graph.AccreditsTo}, {"location", graph.LocatedIn}} {
		if types[c.t] {
			out = append(out, c.what)
		}
	}
	return out
}

// managedTypes are the types of relation an import writes.
var managedTypes = []graph.RelationType{graph.SentBy, graph.AccreditsTo, graph.LocatedIn}

// managedRelations returns, for each mission, the relations leading out of
// it that cite this data set: the ones an import may replace or close.
// Relations added by hand are left alone.
func (pl *planner) managedRelations(ctx context.Context, ids []graph.ID) (map[graph.ID]map[string]*graph.Relation, error) {
	out := map[graph.ID]map[string]*graph.Relation{}
	const chunk = 1000
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		adj, err := pl.w.r.Adjacent(ctx, graph.AdjacencyQuery{IDs: part, Direction: graph.Out, Types: managedTypes})
		if err != nil {
			return nil, err
		}
		for _, id := range part {
			a := adj[id]
			if a == nil {
				continue
			}
			if a.More {
				return nil, graph.Errorf(graph.EINVALID, "%s has more than %d relations; an import cannot compare them", id, graph.MaxAdjacency)
			}
			for _, r := range a.Relations {
				if slices.ContainsFunc(r.Sources, func(s graph.Source) bool { return strings.HasPrefix(s.Document, documentPrefix) }) {
					if out[id] == nil {
						out[id] = map[string]*graph.Relation{}
					}
					out[id][r.ID] = r
				}
			}
		}
	}
	return out, nil
}

// close ends a mission the snapshot no longer lists, and its open
// relations from the data set, citing the snapshot for the end. The end
// is not open any more, but it is not stated either: the mission was last
// listed on the date it is last attested, and the snapshot does not say
// when it went; stating the snapshot's date would say it held until then.
// So the end is unknown, and had come by the snapshot's date (EndedBy):
// the mission is known to hold on the days it was listed, possible
// between them and the snapshot, ruled out from the snapshot on.
func (pl *planner) close(e *graph.Entity, rels map[string]*graph.Relation) *graph.Batch {
	qid := e.Attributes[graph.AttrWikidata]
	gone := graph.Source{Document: pl.doc, URL: qidURL(qid), Quote: qid + " is not listed in this snapshot of " + pl.Snapshot.String() + ": it had ended by then, on a day after it was last listed that no snapshot gives"}
	c := *e
	c.Open, c.EndedBy = false, pl.Snapshot
	c.Sources = append(slices.Clone(e.Sources), gone)
	b := &graph.Batch{Entities: []*graph.Entity{&c}}
	for _, id := range slices.Sorted(maps.Keys(rels)) {
		r := rels[id]
		if !r.Period.Open {
			continue
		}
		n := *r
		n.Period.Open, n.Period.EndedBy = false, pl.Snapshot
		n.Sources = append(slices.Clone(r.Sources), gone)
		n.Normalize()
		b.DeleteRelations = append(b.DeleteRelations, r.ID)
		b.Relations = append(b.Relations, &n)
	}
	return b
}

// createdGroups writes the entities the import makes, in groups of a few
// hundred: states and organisations first, then cities with their
// LOCATED_IN, since a city may lie in a country made here. Entities no
// mission ended up using are left out.
func (pl *planner) createdGroups() []*graph.Batch {
	used := map[graph.ID]bool{}
	for _, p := range pl.live() {
		for _, id := range append([]graph.ID{p.sender, p.host, p.city}, p.accredits...) {
			used[id] = true
		}
	}
	for _, r := range pl.w.cityRels {
		if used[r.From] {
			used[r.To] = true
		}
	}
	const size = 200
	var groups []*graph.Batch
	for _, cities := range []bool{false, true} {
		var b *graph.Batch
		for _, e := range pl.w.created {
			if (e.Kind == graph.City) != cities || !used[e.ID] {
				continue
			}
			if b == nil || len(b.Entities) == size {
				b = &graph.Batch{}
				groups = append(groups, b)
			}
			b.Entities = append(b.Entities, e)
			if r := pl.w.cityRels[e.ID]; r != nil {
				b.Relations = append(b.Relations, r)
			}
			pl.Created = append(pl.Created, e)
		}
	}
	return groups
}
