// Package mix chooses what chancery bench sends: the queries of its mix
// and of --costs, with inputs sampled from the data through the GraphQL
// API, the same for the same data and seed.
package mix

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"unicode"

	"github.com/chancery/chancery/cmd/chancery/internal/bench/measure"
)

// Query is one query of bench's mix, with the inputs chosen for it.
type Query struct {
	Name, Description string
	Query             string
	Inputs            []map[string]any
	Bodies            [][]byte
	// Skipped says why the query is not run, when the data has nothing
	// to ask it about.
	Skipped string
}

// The queries of the mix. Each is named, so that the server's metrics and
// logs tell them apart.
const (
	benchEntity20 = `query BenchEntity20($id: ID!) { entity(id: $id) { id kind name
  relations(first: 20) { edges { node { id type validFrom validTo from { id kind name } to { id kind name } } } } } }`
	benchDeepPage = `query BenchRelationsPage($id: ID!, $after: String) { entity(id: $id) { id
  relations(first: 50, after: $after) { edges { cursor node { id type validFrom validTo from { id name } to { id name } } }
    pageInfo { hasNextPage endCursor } } } }`
	benchNeighbourhood = `query BenchNeighbourhood($id: ID!) { neighbourhood(id: $id, depth: 2, limit: 500) {
  nodes { id kind name } relations { id type from { id } to { id } } truncated } }`
	benchPaths = `query BenchPaths($from: ID!, $to: ID!) { paths(from: $from, to: $to, maxLength: 6) {
  length nodes { id name } relations { id type } } }`
	benchLineage        = `query BenchLineage($id: ID!) { lineage(id: $id) { entity { id name } change date } }`
	benchRepresentation = `query BenchRepresentation($of: ID!, $in: ID!) { representation(of: $of, in: $in) {
  kind mission { id name } via { id name } relations { id type } } }`
	benchSearch = `query BenchSearch($text: String!) { search(text: $text, first: 10) { entity { id kind name } matched score } }`
	benchCount  = `query BenchCountBySender { count(groupBy: SENDER, limit: 20) { key label count } }`
)

// The names of the mix's queries, in the order they run.
const (
	mixEntity20       = "entity-20-relations"
	mixDeepPage       = "relations-page-deep"
	mixNeighbourhood  = "neighbourhood-d2"
	mixPaths          = "paths-6"
	mixLineage        = "lineage"
	mixRepresentation = "representation"
	mixSearch         = "search-typo"
	mixCount          = "count-by-sender"
)

func Names() []string {
	return []string{mixEntity20, mixDeepPage, mixNeighbourhood, mixPaths, mixLineage, mixRepresentation, mixSearch, mixCount}
}

// How bench looks for inputs.
const (
	// entity20Checked is how many entities it asks the relation count of,
	// at most, looking for ones with 20 to 30 relations.
	entity20Checked = 500
	// deepWalkLimit is how many of the biggest sender's relations it walks
	// through, at most, to find cursors deep in them.
	deepWalkLimit = 100_000
)

// Choose chooses n inputs for each query of the mix (or of only, if
// given) from the data, through the API, the same for the same data and
// seed.
func Choose(ctx context.Context, api *Client, seed uint64, n int, only []string, progress func(string, ...any)) ([]*Query, error) {
	want := func(name string) bool { return len(only) == 0 || slices.Contains(only, name) }
	s := NewSampler(api, seed, n)
	if err := s.Gather(ctx); err != nil {
		return nil, err
	}
	var mix []*Query
	add := func(name string, choose func(context.Context) (*Query, error)) error {
		if !want(name) {
			return nil
		}
		progress("choosing inputs for %s", name)
		q, err := choose(ctx)
		if err != nil {
			return fmt.Errorf("choose inputs for %s: %w", name, err)
		}
		q.Name = name
		if len(q.Inputs) == 0 && q.Skipped == "" {
			q.Skipped = "the data has nothing to ask it about"
		}
		for _, in := range q.Inputs {
			body, err := json.Marshal(map[string]any{"query": q.Query, "variables": in})
			if err != nil {
				return err
			}
			q.Bodies = append(q.Bodies, body)
		}
		mix = append(mix, q)
		return nil
	}
	for _, step := range []struct {
		name   string
		choose func(context.Context) (*Query, error)
	}{
		{mixEntity20, s.entity20},
		{mixDeepPage, s.deepPage},
		{mixNeighbourhood, s.neighbourhood},
		{mixPaths, s.paths},
		{mixLineage, s.lineage},
		{mixRepresentation, s.representation},
		{mixSearch, s.search},
		{mixCount, s.count},
	} {
		if err := add(step.name, step.choose); err != nil {
			return nil, err
		}
	}
	if mix[0].Skipped != "" {
		return nil, fmt.Errorf("%s cannot run on this data (%s), and the bare handler mimics its answer; choose other queries with --queries", mix[0].Name, mix[0].Skipped)
	}
	return mix, nil
}

// NewSampler returns a sampler that asks api and chooses n inputs of a
// kind, the same for the same data and seed.
func NewSampler(api *Client, seed uint64, n int) *Sampler {
	return &Sampler{api: api, rng: rand.New(rand.NewPCG(seed, 0x6368616e63657279)), n: n}
}

// Sampler holds what bench learnt of the data to choose inputs from.
type Sampler struct {
	api *Client
	rng *rand.Rand
	n   int

	Senders, Hosts, cities []Bucket
	countries              []named // those that send or host missions
	// places are the first cities in id order: unlike the buckets,
	// which list the biggest, they include small ones.
	places   []string
	missions []sampledMission
}

type Bucket struct {
	Key   string
	Label *string
	Count int
}

type named struct {
	ID   string
	Name string
}

type sampledMission struct {
	named
	sender string
	hosts  []string
}

// Gather reads the counts, the countries and a sample of missions, one
// from each of n senders chosen at random.
func (s *Sampler) Gather(ctx context.Context) error {
	if err := s.GatherBuckets(ctx); err != nil {
		return err
	}
	return s.gatherEntities(ctx)
}

// GatherBuckets reads the counts of missions by sender, host and city.
func (s *Sampler) GatherBuckets(ctx context.Context) error {
	for _, g := range []struct {
		by  string
		dst *[]Bucket
	}{{"SENDER", &s.Senders}, {"HOST", &s.Hosts}, {"CITY", &s.cities}} {
		var out struct{ Count []Bucket }
		if err := s.api.Ask(ctx, `query BenchBuckets($by: GroupBy!) { count(groupBy: $by, limit: 500) { key label count } }`,
			map[string]any{"by": g.by}, &out); err != nil {
			return err
		}
		*g.dst = out.Count
	}
	return nil
}

// gatherEntities reads the countries, cities and a sample of missions.
func (s *Sampler) gatherEntities(ctx context.Context) error {
	var countries struct {
		Entities struct{ Edges []struct{ Node named } }
	}
	if err := s.api.Ask(ctx, `query BenchCountries { entities(kind: COUNTRY, first: 500) { edges { node { id name } } } }`, nil, &countries); err != nil {
		return err
	}
	// Countries that send or host missions, so that paths and
	// neighbourhoods have something to walk; all of them if fewer than
	// two do.
	active := map[string]bool{}
	for _, b := range append(slices.Clone(s.Senders), s.Hosts...) {
		active[b.Key] = true
	}
	var all []named
	for _, e := range countries.Entities.Edges {
		all = append(all, e.Node)
		if active[e.Node.ID] {
			s.countries = append(s.countries, e.Node)
		}
	}
	if len(s.countries) < 2 {
		s.countries = all
	}
	var cities struct {
		Entities struct{ Edges []struct{ Node named } }
	}
	if err := s.api.Ask(ctx, `query BenchCities { entities(kind: CITY, first: 500) { edges { node { id } } } }`, nil, &cities); err != nil {
		return err
	}
	for _, e := range cities.Entities.Edges {
		s.places = append(s.places, e.Node.ID)
	}
	for _, i := range s.pick(len(s.Senders)) {
		sender := s.Senders[i].Key
		var out struct {
			Entity *struct {
				Relations struct {
					Edges []struct {
						Node struct {
							From struct {
								named
								AccreditedTo []struct{ ID string }
							}
						}
					}
				}
			}
		}
		if err := s.api.Ask(ctx, `query BenchMissions($id: ID!) { entity(id: $id) {
  relations(types: [SENT_BY], direction: IN, first: 100) { edges { node { from { id name ... on Mission { accreditedTo { id } } } } } } } }`,
			map[string]any{"id": sender}, &out); err != nil {
			return err
		}
		if out.Entity == nil || len(out.Entity.Relations.Edges) == 0 {
			continue
		}
		edges := out.Entity.Relations.Edges
		from := edges[s.rng.IntN(len(edges))].Node.From
		m := sampledMission{named: from.named, sender: sender}
		for _, h := range from.AccreditedTo {
			m.hosts = append(m.hosts, h.ID)
		}
		s.missions = append(s.missions, m)
	}
	return nil
}

// pick returns up to n distinct indices below size, at random.
func (s *Sampler) pick(size int) []int {
	p := s.rng.Perm(size)
	return p[:min(s.n, size)]
}

// entity20 finds entities with 20 to 30 relations, so that a page of 20
// is full: it asks the relation count of cities, senders and hosts with
// few missions first, then of others, and falls back to the nearest
// counts above 20.
func (s *Sampler) entity20(ctx context.Context) (*Query, error) {
	q := &Query{Query: benchEntity20}
	var few, many []string
	seen := map[string]bool{}
	for _, bs := range [][]Bucket{s.cities, s.Senders, s.Hosts} {
		for _, b := range bs {
			if seen[b.Key] {
				continue
			}
			seen[b.Key] = true
			if b.Count <= 30 {
				few = append(few, b.Key)
			} else {
				many = append(many, b.Key)
			}
		}
	}
	for _, id := range s.places {
		if !seen[id] {
			seen[id] = true
			few = append(few, id)
		}
	}
	s.rng.Shuffle(len(few), func(i, j int) { few[i], few[j] = few[j], few[i] })
	s.rng.Shuffle(len(many), func(i, j int) { many[i], many[j] = many[j], many[i] })
	for _, c := range s.countries {
		if !seen[c.ID] {
			seen[c.ID] = true
			many = append(many, c.ID)
		}
	}
	candidates := append(few, many...)
	candidates = candidates[:min(len(candidates), entity20Checked)]
	type degree struct {
		id string
		n  int
	}
	var good, other []degree
	// A total of an entity's relations reads them all, which the server
	// costs as work that grows with the data: three fit in its budget.
	for start := 0; start < len(candidates) && len(good) < s.n; start += 3 {
		batch := candidates[start:min(start+3, len(candidates))]
		var b strings.Builder
		b.WriteString("query BenchDegrees {")
		for i, id := range batch {
			lit, _ := json.Marshal(id)
			fmt.Fprintf(&b, " e%d: entity(id: %s) { id relations(first: 1) { totalCount } }", i, lit)
		}
		b.WriteString(" }")
		var out map[string]*struct {
			ID        string
			Relations struct{ TotalCount int }
		}
		if err := s.api.Ask(ctx, b.String(), nil, &out); err != nil {
			return nil, err
		}
		for i := range batch {
			e := out[fmt.Sprintf("e%d", i)]
			if e == nil {
				continue
			}
			d := degree{e.ID, e.Relations.TotalCount}
			if d.n >= 20 && d.n <= 30 {
				good = append(good, d)
			} else {
				other = append(other, d)
			}
		}
	}
	// Nearest to 20 first, those with at least 20 before those with fewer.
	slices.SortStableFunc(other, func(a, b degree) int {
		da, db := a.n-20, b.n-20
		if (da >= 0) != (db >= 0) {
			if da >= 0 {
				return -1
			}
			return 1
		}
		return abs(da) - abs(db)
	})
	// Fewer inputs with a full page of 20 are better than more without.
	chosen := good[:min(len(good), s.n)]
	for _, d := range other {
		if len(chosen) < s.n && (d.n >= 20 || len(chosen) == 0 || chosen[len(chosen)-1].n < 20) {
			chosen = append(chosen, d)
		}
	}
	if len(chosen) == 0 {
		q.Skipped = "the data has no entity with relations"
		return q, nil
	}
	lo, hi := chosen[0].n, chosen[0].n
	for _, d := range chosen {
		lo, hi = min(lo, d.n), max(hi, d.n)
		q.Inputs = append(q.Inputs, map[string]any{"id": d.id})
	}
	q.Description = fmt.Sprintf("an entity (with %d to %d relations) and 20 of its relations, each with both ends", lo, hi)
	return q, nil
}

// deepPage walks the biggest sender's relations once, and chooses cursors
// in the last quarter of them: each request asks for the page after one.
func (s *Sampler) deepPage(ctx context.Context) (*Query, error) {
	q := &Query{Query: benchDeepPage}
	if len(s.Senders) == 0 {
		q.Skipped = "the data has no missions, so no sender"
		return q, nil
	}
	hub := s.Senders[0]
	var cursors []string
	var after any
	capped := false
	for {
		var out struct {
			Entity *struct {
				Relations struct {
					Edges    []struct{ Cursor string }
					PageInfo struct {
						HasNextPage bool
						EndCursor   string
					}
				}
			}
		}
		if err := s.api.Ask(ctx, `query BenchWalk($id: ID!, $after: String) { entity(id: $id) {
  relations(first: 500, after: $after) { edges { cursor } pageInfo { hasNextPage endCursor } } } }`,
			map[string]any{"id": hub.Key, "after": after}, &out); err != nil {
			return nil, err
		}
		if out.Entity == nil {
			return nil, fmt.Errorf("the biggest sender %s is not there", hub.Key)
		}
		r := out.Entity.Relations
		for _, e := range r.Edges {
			cursors = append(cursors, e.Cursor)
		}
		if !r.PageInfo.HasNextPage || r.PageInfo.EndCursor == "" {
			break
		}
		if len(cursors) >= deepWalkLimit {
			capped = true
			break
		}
		after = r.PageInfo.EndCursor
	}
	total := len(cursors)
	if total == 0 {
		q.Skipped = fmt.Sprintf("the biggest sender %s has no relations", hub.Key)
		return q, nil
	}
	// A cursor at position i asks for the page from i+1 on.
	lo := total * 3 / 4
	hi := max(lo+1, total-1)
	for range s.n {
		i := lo + s.rng.IntN(hi-lo)
		if i >= total {
			i = total - 1
		}
		q.Inputs = append(q.Inputs, map[string]any{"id": hub.Key, "after": cursors[i]})
	}
	of := fmt.Sprintf("its %s relations", measure.Thousands(int64(total)))
	if capped {
		of = fmt.Sprintf("the first %s of its relations", measure.Thousands(int64(total)))
	}
	name := hub.Key
	if hub.Label != nil {
		name = *hub.Label
	}
	q.Description = fmt.Sprintf("a page of 50 relations of the biggest sender, %s, with both ends, after a cursor in the last quarter of %s", name, of)
	return q, nil
}

// neighbourhood asks around missions and countries, in turn.
func (s *Sampler) neighbourhood(context.Context) (*Query, error) {
	q := &Query{Query: benchNeighbourhood, Description: "the neighbourhood, depth 2, limit 500, of a mission or a country"}
	countries := s.pick(len(s.countries))
	for i := range s.n {
		switch {
		case i%2 == 0 && i/2 < len(s.missions):
			q.Inputs = append(q.Inputs, map[string]any{"id": s.missions[i/2].ID})
		case i/2 < len(countries):
			q.Inputs = append(q.Inputs, map[string]any{"id": s.countries[countries[i/2]].ID})
		}
	}
	return q, nil
}

// paths asks between pairs of countries chosen at random.
func (s *Sampler) paths(context.Context) (*Query, error) {
	q := &Query{Query: benchPaths, Description: "paths, maxLength 6, first 3, between two countries that send or host missions"}
	if len(s.countries) < 2 {
		q.Skipped = "the data has fewer than two countries"
		return q, nil
	}
	for range s.n {
		a := s.rng.IntN(len(s.countries))
		b := s.rng.IntN(len(s.countries) - 1)
		if b >= a {
			b++
		}
		q.Inputs = append(q.Inputs, map[string]any{"from": s.countries[a].ID, "to": s.countries[b].ID})
	}
	return q, nil
}

// lineage asks after bodies that were renamed.
func (s *Sampler) lineage(ctx context.Context) (*Query, error) {
	q := &Query{Query: benchLineage, Description: "the lineage of a body renamed at least once"}
	var out struct {
		Relations struct {
			Edges []struct {
				Node struct{ From struct{ ID string } }
			}
		}
	}
	if err := s.api.Ask(ctx, `query BenchRenamed { relations(types: [RENAMED_FROM], first: 500) { edges { node { from { id } } } } }`, nil, &out); err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range out.Relations.Edges {
		if !slices.Contains(ids, e.Node.From.ID) {
			ids = append(ids, e.Node.From.ID)
		}
	}
	if len(ids) == 0 {
		q.Skipped = "the data has no RENAMED_FROM relations"
		return q, nil
	}
	for _, i := range s.pick(len(ids)) {
		q.Inputs = append(q.Inputs, map[string]any{"id": ids[i]})
	}
	return q, nil
}

// representation asks how the sender of each sampled mission is
// represented in a host the mission is accredited to.
func (s *Sampler) representation(context.Context) (*Query, error) {
	q := &Query{Query: benchRepresentation, Description: "how a sender is represented in a host one of its missions is accredited to"}
	seen := map[string]bool{}
	for _, m := range s.missions {
		if len(m.hosts) == 0 {
			continue
		}
		host := m.hosts[s.rng.IntN(len(m.hosts))]
		if host == m.sender || seen[m.sender+" "+host] {
			continue
		}
		seen[m.sender+" "+host] = true
		q.Inputs = append(q.Inputs, map[string]any{"of": m.sender, "in": host})
	}
	if len(q.Inputs) == 0 {
		q.Skipped = "the data has no mission accredited to a host"
	}
	return q, nil
}

// search looks for the names of missions and countries, in turn, each
// with one letter left out.
func (s *Sampler) search(context.Context) (*Query, error) {
	q := &Query{Query: benchSearch, Description: "a search, first 10, for the name of a mission or a country with one letter left out"}
	var names []string
	countries := s.pick(len(s.countries))
	for i := range max(len(s.missions), len(countries)) {
		if i < len(s.missions) {
			names = append(names, s.missions[i].Name)
		}
		if i < len(countries) {
			names = append(names, s.countries[countries[i]].Name)
		}
	}
	for _, name := range names {
		if len(q.Inputs) == s.n {
			break
		}
		if text, ok := typo(s.rng, name); ok {
			q.Inputs = append(q.Inputs, map[string]any{"text": text})
		}
	}
	return q, nil
}

// typo leaves out one letter from inside a word of name, at random.
func typo(rng *rand.Rand, name string) (string, bool) {
	r := []rune(name)
	var at []int
	for i := 1; i+1 < len(r); i++ {
		if unicode.IsLetter(r[i-1]) && unicode.IsLetter(r[i]) && unicode.IsLetter(r[i+1]) {
			at = append(at, i)
		}
	}
	if len(at) == 0 {
		return "", false
	}
	i := at[rng.IntN(len(at))]
	return string(r[:i]) + string(r[i+1:]), true
}

// count asks the one count a dashboard asks most.
func (s *Sampler) count(context.Context) (*Query, error) {
	return &Query{Query: benchCount, Description: "count(groupBy: SENDER, limit: 20): the biggest senders",
		Inputs: []map[string]any{nil}}, nil
}

// NewClient returns a client of the GraphQL endpoint url.
func NewClient(client *http.Client, url string) *Client {
	return &Client{http: client, url: url}
}

// Client asks the server questions while bench chooses its inputs.
type Client struct {
	http *http.Client
	url  string
}

// Post sends a request body and returns the status and answer.
func (c *Client) Post(ctx context.Context, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("the server at %s does not answer: %w", c.url, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, fmt.Errorf("read the answer of %s: %w", c.url, err)
	}
	return resp.StatusCode, answer, nil
}

// Ask runs a query and decodes its data into out; GraphQL errors are
// errors.
func (c *Client) Ask(ctx context.Context, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	status, answer, err := c.Post(ctx, body)
	if err != nil {
		return err
	}
	if err := measure.CheckAnswer(status, answer); err != nil {
		return fmt.Errorf("%s: %w", FirstLine(query), err)
	}
	var r struct{ Data json.RawMessage }
	if err := json.Unmarshal(answer, &r); err != nil {
		return fmt.Errorf("%s: the answer is not JSON: %w", FirstLine(query), err)
	}
	return json.Unmarshal(r.Data, out)
}

// Counts asks how many entities and relations the store holds.
func (c *Client) Counts(ctx context.Context) (measure.Store, error) {
	var out struct {
		Entities  struct{ TotalCount int }
		Relations struct{ TotalCount int }
	}
	err := c.Ask(ctx, `query BenchTotals { entities(first: 1) { totalCount } relations(first: 1) { totalCount } }`, nil, &out)
	return measure.Store{Entities: out.Entities.TotalCount, Relations: out.Relations.TotalCount}, err
}

// FirstLine is the first line of s, to name a query in a message.
func FirstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimSuffix(strings.TrimSpace(line), "{")
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
