package wikidata

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/chancery/chancery/graph"
)

// known are QIDs the data set names in a way the graph cannot take as it
// stands: whose label would match the wrong entity, whose kind the file
// cannot tell, or that are not entities of the graph at all. The file
// gives an operator's label and QID but not what it is an instance of, so
// which senders the graph cannot hold is decided here, QID by QID, on
// review of every entity an import of the snapshots would make.
//
// A QID is looked up here only when it matches nothing in the graph, by
// QID or by name: a curated entity (territory:quebec, territory:catalonia)
// is always matched first, so that a sub-national government the seeds
// hold sends its missions even where one the seeds lack is refused.
var known = map[string]struct {
	Name string
	Kind graph.Kind
	// ID, if set, is the entity the QID stands for.
	ID graph.ID
	// Refuse, if set, says why rows naming the QID as operator or host
	// are rejected, and why a jurisdiction naming it is left out.
	Refuse string
}{
	// The 2020 file labels the Sovereign Military Order of Malta "Malta",
	// which would send its embassies from the Republic of Malta. The Order
	// is sovereign but not a state: an organisation.
	"Q190353": {Name: "Sovereign Military Order of Malta", Kind: graph.Organisation},
	// De facto states, countries as the seeds make Northern Cyprus and
	// Somaliland; the 2020 file names them only as senders.
	"Q31354462": {Name: "Abkhazia", Kind: graph.Country},
	"Q23427":    {Name: "South Ossetia", Kind: graph.Country},
	// Senders made as organisations on review: a government in exile,
	// which runs the Offices of Tibet, and an institution of the European
	// Union with a liaison office of its own in Washington, beside the
	// Union's delegation.
	"Q326343": {Name: "Central Tibetan Administration", Kind: graph.Organisation},
	"Q8889":   {Name: "European Parliament", Kind: graph.Organisation},
	// The 2022 file names the Republic of China's foreign ministry
	// "Ministry of Foreign Affairs" as the sender of its embassy to the
	// Holy See; the seeds have Japan's ministry under that alias.
	"Q697158": {Name: "Ministry of Foreign Affairs of the Republic of China", ID: "country:taiwan"},
	// Hosts that are not states: the Apostolic Nunciature to the Nordic
	// Countries, and a slip of the 2022 file for Japan's consulate in
	// Belém, Brazil.
	"Q52062":   {Name: "Nordic countries", Refuse: refuseRegion},
	"Q2724951": {Name: "Portuguese colonization of the Americas", Refuse: "it is a period of history, not a state"},
	// Operators that are not states or organisations. The Aboriginal Tent
	// Embassy in Canberra (Q189212), a protest camp since 1972, is given
	// as an embassy operated by a people.
	"Q170355": {Name: "Indigenous Australians", Refuse: refusePeople},
	// Sub-national governments the seeds do not hold: a US state's
	// liaison office in Tokyo (Q48136350), and a German Land's liaison
	// office in Brussels (Q2210560). Both 2020 and 2022 list New Mexico's;
	// 2022 lists Saxony's.
	"Q16152647": {Name: "Government of New Mexico", Refuse: refuseSubNational},
	"Q1202":     {Name: "Saxony", Refuse: refuseSubNational},
}

// Why the graph cannot hold an operator or host of the known table.
const (
	refuseRegion      = "it is a region, not a state or organisation the graph could hold"
	refusePeople      = "it is a people, not a state or organisation the graph could hold"
	refuseSubNational = "it is a sub-national government, not a state or organisation the graph could hold " +
		"(curated sub-national governments that run offices abroad, such as Quebec or Catalonia, are matched from the seeds)"
)

// actorKinds are the kinds that send missions and receive them, in the
// order of preference when a name matches several.
var actorKinds = []graph.Kind{graph.Country, graph.Territory, graph.Organisation}

// placeKinds are the kinds a city can lie in.
var placeKinds = []graph.Kind{graph.Country, graph.Territory}

// world is what the store holds, as far as an import needs it, and the
// entities the import matched or made.
type world struct {
	r        graph.Reader
	doc      string // the document new entities cite
	entities map[graph.ID]*graph.Entity
	byQID    map[string][]*graph.Entity
	names    map[string][]graph.ID // LookupName answers
	actors   map[string]graph.ID   // QID -> the actor it was matched to or made as
	cities   map[string]graph.ID   // QID -> the city (or city-state) it was matched to or made as
	created  []*graph.Entity
	cityRels map[graph.ID]*graph.Relation // LOCATED_IN of the cities made
}

// loadKinds are the kinds of entity an import reads whole: what it matches
// against and the missions it may update.
var loadKinds = []graph.Kind{graph.Country, graph.Territory, graph.Organisation, graph.City, graph.Mission}

func loadWorld(ctx context.Context, r graph.Reader) (*world, error) {
	w := &world{
		r:        r,
		entities: map[graph.ID]*graph.Entity{},
		byQID:    map[string][]*graph.Entity{},
		names:    map[string][]graph.ID{},
		actors:   map[string]graph.ID{},
		cities:   map[string]graph.ID{},
		cityRels: map[graph.ID]*graph.Relation{},
	}
	for _, k := range loadKinds {
		q := graph.EntityQuery{Kind: k, First: graph.MaxPageSize}
		for {
			page, err := r.Entities(ctx, q)
			if err != nil {
				return nil, err
			}
			for _, e := range page.Entities {
				w.add(e)
			}
			if !page.HasNext {
				break
			}
			q.After = page.Cursors[len(page.Cursors)-1]
		}
	}
	return w, nil
}

func (w *world) add(e *graph.Entity) {
	w.entities[e.ID] = e
	if q := e.Attributes[graph.AttrWikidata]; q != "" {
		w.byQID[q] = append(w.byQID[q], e)
	}
}

// lookup returns the entities of the given kinds whose name, alias or ISO
// code folds like name, in the order of kinds and then of ids.
func (w *world) lookup(ctx context.Context, name string, kinds []graph.Kind) ([]graph.ID, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, nil
	}
	ids, ok := w.names[name]
	if !ok {
		var err error
		if ids, err = w.r.LookupName(ctx, name); err != nil {
			return nil, err
		}
		w.names[name] = ids
	}
	return ofKinds(ids, kinds), nil
}

// ofKinds keeps the ids of the given kinds, ordered by the kinds' order,
// then by id.
func ofKinds(ids []graph.ID, kinds []graph.Kind) []graph.ID {
	var out []graph.ID
	for _, k := range kinds {
		var these []graph.ID
		for _, id := range ids {
			if id.Kind() == k && !slices.Contains(these, id) {
				these = append(these, id)
			}
		}
		slices.Sort(these)
		out = append(out, these...)
	}
	return out
}

// byQIDOf returns the entities carrying qid of the given kinds, in the
// kinds' order.
func (w *world) byQIDOf(qid string, kinds []graph.Kind) []graph.ID {
	var ids []graph.ID
	for _, e := range w.byQID[qid] {
		ids = append(ids, e.ID)
	}
	return ofKinds(ids, kinds)
}

// matchActor finds the country, territory or organisation a reference
// names: by the known table, then by QID, then by name or ISO code (the
// store folds case and accents). A government body ("Government of
// Sweden", "Ministry of Foreign Affairs of the Russian Federation") is
// first looked for as the state it belongs to, since a mission represents
// the state rather than its ministry, and otherwise matches only an entity
// of its own name, not an alias. It reports "" when nothing matches, and
// whether the QID belongs to an entity of another kind (which must then
// not be made a second time).
func (w *world) matchActor(ctx context.Context, ref Ref) (graph.ID, bool, error) {
	if id, ok := w.actors[ref.QID]; ok && ref.QID != "" {
		return id, false, nil
	}
	remember := func(id graph.ID) (graph.ID, bool, error) {
		if ref.QID != "" {
			w.actors[ref.QID] = id
		}
		return id, false, nil
	}
	if k := known[ref.QID]; k.ID != "" && w.entities[k.ID] != nil {
		return remember(k.ID)
	}
	if ids := w.byQIDOf(ref.QID, actorKinds); len(ids) > 0 {
		return remember(ids[0])
	}
	taken := ref.QID != "" && len(w.byQID[ref.QID]) > 0
	label := ref.Label
	if k, ok := known[ref.QID]; ok {
		label = k.Name
	}
	body := strings.HasPrefix(label, "Government of ") || strings.HasPrefix(label, "Ministry of ")
	if body {
		rest := label
		for {
			_, after, ok := strings.Cut(rest, " of ")
			if !ok {
				break
			}
			rest = after
			ids, err := w.lookup(ctx, strings.TrimPrefix(after, "the "), placeKinds)
			if err != nil {
				return "", false, err
			}
			if len(ids) > 0 {
				return remember(ids[0])
			}
		}
	}
	ids, err := w.lookup(ctx, label, actorKinds)
	if err != nil {
		return "", false, err
	}
	for _, id := range ids {
		// "Ministry of Foreign Affairs" is every state's: a government
		// body matches by its own name, not by an alias.
		if !body || strings.EqualFold(w.entities[id].Name, label) {
			return remember(id)
		}
	}
	return "", taken, nil
}

// makeActor makes a new country, territory or organisation for a reference
// that matched nothing.
func (w *world) makeActor(ref Ref, k graph.Kind, quote string) graph.ID {
	name := ref.Label
	if kn, ok := known[ref.QID]; ok {
		name, k = kn.Name, kn.Kind
	}
	e := w.make(k, name, ref.QID, "", quote)
	w.actors[ref.QID] = e.ID
	return e.ID
}

// make adds a new entity of kind k named name, with an id from its name
// (or, failing that, from suffix, then its QID), citing the data set.
func (w *world) make(k graph.Kind, name, qid, suffix, quote string) *graph.Entity {
	id := w.freeID(k, name, qid, suffix)
	// The snapshot names it: it is attested on the snapshot's date, and
	// open, as what the snapshot lists is.
	snapshot, _ := documentDate(w.doc)
	e := &graph.Entity{
		ID:         id,
		Kind:       k,
		Name:       name,
		Period:     listed(graph.Date{}, snapshot),
		Attributes: map[string]string{graph.AttrWikidata: qid, AttrDataset: Dataset},
		Sources:    []graph.Source{{Document: w.doc, URL: qidURL(qid), Quote: quote}},
	}
	w.add(e)
	w.created = append(w.created, e)
	return e
}

// freeID returns the first id not in use of kind:slug, kind:slug-suffix
// and kind:slug-qid.
func (w *world) freeID(k graph.Kind, name, qid, suffix string) graph.ID {
	s := slug(name)
	var tries []string
	if s != "" {
		tries = append(tries, s)
		if suffix != "" {
			tries = append(tries, s+"-"+suffix)
		}
		tries = append(tries, s+"-"+strings.ToLower(qid))
	}
	tries = append(tries, "wd-"+strings.ToLower(qid))
	for _, t := range tries {
		id := graph.ID(k.IDPrefix() + t)
		if _, err := graph.ParseID(string(id)); err != nil {
			continue
		}
		if _, used := w.entities[id]; !used {
			return id
		}
	}
	// Every try is taken: wd-<qid> of this kind belongs to another QID's
	// entity only if someone wrote it by hand. Number it.
	for n := 2; ; n++ {
		id := graph.ID(k.IDPrefix() + "wd-" + strings.ToLower(qid) + "-" + strconv.Itoa(n))
		if _, used := w.entities[id]; !used {
			return id
		}
	}
}

// cityRef is a city the file names, with every host it is named with and
// the first coordinates given for a mission in it.
type cityRef struct {
	Ref
	hosts    []graph.ID
	lat, lon string
	line     int
	quote    string
}

// matchCities finds or makes the city of each reference. A city matches
// by QID; else by name, if it lies (through LOCATED_IN and PART_OF, up to
// three steps) in a host the rows give, or nothing says where it lies. A
// QID that is a country or territory (a city-state such as Singapore or
// Monaco, where Wikidata gives the state as the city) is the city of that
// name in the state, or the state itself.
// Cities that match nothing are made, LOCATED_IN the first host that is a
// country or territory.
func (w *world) matchCities(ctx context.Context, refs []*cityRef) error {
	candidates := map[string][]graph.ID{}
	states := map[string]graph.ID{} // city QIDs that are a country or territory
	var all []graph.ID
	for _, c := range refs {
		if _, done := w.cities[c.QID]; done {
			continue
		}
		if ids := w.byQIDOf(c.QID, []graph.Kind{graph.City}); len(ids) > 0 {
			w.cities[c.QID] = ids[0]
			continue
		}
		if ids := w.byQIDOf(c.QID, placeKinds); len(ids) > 0 {
			// A city-state: its capital city if the graph has one by that
			// name in it (city:singapore), else the state itself.
			states[c.QID] = ids[0]
			c.hosts = []graph.ID{ids[0]}
		}
		ids, err := w.lookup(ctx, c.Label, []graph.Kind{graph.City})
		if err != nil {
			return err
		}
		candidates[c.QID] = ids
		all = append(all, ids...)
	}
	within, err := w.within(ctx, all)
	if err != nil {
		return err
	}
	for _, c := range refs {
		if _, done := w.cities[c.QID]; done {
			continue
		}
		if id := pickCity(candidates[c.QID], within, c.hosts); id != "" {
			w.cities[c.QID] = id
			continue
		}
		if state := states[c.QID]; state != "" {
			w.cities[c.QID] = state
			continue
		}
		if len(w.byQID[c.QID]) > 0 {
			continue // the QID is something else; do not make it twice
		}
		var host graph.ID
		for _, h := range c.hosts {
			if slices.Contains(placeKinds, h.Kind()) {
				host = h
				break
			}
		}
		suffix := ""
		if host != "" {
			_, suffix, _ = strings.Cut(string(host), ":")
		}
		e := w.make(graph.City, c.Label, c.QID, suffix, c.quote)
		if c.lat != "" && c.lon != "" {
			e.Attributes[AttrLatitude], e.Attributes[AttrLongitude] = c.lat, c.lon
		}
		w.cities[c.QID] = e.ID
		if host != "" {
			rel := &graph.Relation{Type: graph.LocatedIn, From: e.ID, To: host, Period: e.Period, Sources: e.Sources}
			rel.Normalize()
			w.cityRels[e.ID] = rel
		}
	}
	return nil
}

// pickCity chooses among the cities a name matched: the first that lies
// in one of the hosts, or the only one if nothing says where it lies. When
// no host is a place (a mission to an organisation), the first city named
// so will do.
func pickCity(ids []graph.ID, within map[graph.ID][]graph.ID, hosts []graph.ID) graph.ID {
	placed := slices.ContainsFunc(hosts, func(h graph.ID) bool { return slices.Contains(placeKinds, h.Kind()) })
	if !placed && len(ids) > 0 {
		return ids[0]
	}
	for _, id := range ids {
		for _, h := range hosts {
			if slices.Contains(within[id], h) {
				return id
			}
		}
	}
	if len(ids) == 1 && !slices.ContainsFunc(within[ids[0]], func(p graph.ID) bool { return p.Kind() == graph.Country }) {
		return ids[0]
	}
	return ""
}

// within returns, for each id, the places it lies in through LOCATED_IN
// and PART_OF, up to three steps out, reading each step for all at once.
func (w *world) within(ctx context.Context, ids []graph.ID) (map[graph.ID][]graph.ID, error) {
	out := map[graph.ID][]graph.ID{}
	at := map[graph.ID][]graph.ID{} // place -> the ids that reach it
	for _, id := range ids {
		at[id] = append(at[id], id)
	}
	for range 3 {
		if len(at) == 0 {
			break
		}
		places := make([]graph.ID, 0, len(at))
		for p := range at {
			places = append(places, p)
		}
		slices.Sort(places)
		adj, err := w.r.Adjacent(ctx, graph.AdjacencyQuery{IDs: places, Direction: graph.Out,
			Types: []graph.RelationType{graph.LocatedIn, graph.PartOf}})
		if err != nil {
			return nil, err
		}
		next := map[graph.ID][]graph.ID{}
		for _, p := range places {
			a := adj[p]
			if a == nil {
				continue
			}
			for _, rel := range a.Relations {
				for _, id := range at[p] {
					if !slices.Contains(out[id], rel.To) {
						out[id] = append(out[id], rel.To)
						next[rel.To] = append(next[rel.To], id)
					}
				}
			}
		}
		at = next
	}
	return out, nil
}
