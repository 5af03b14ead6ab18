package mix

import (
	"fmt"
)

// CostShape is one kind of query that chancery bench --costs times against
// its estimated cost: a query at the edge of what the limits allow, with
// inputs chosen from the data.
type CostShape struct {
	Name, Description string
	Query             string
	Inputs            []map[string]any
}

// The shapes --costs measures. Each asks for the most the API allows of
// one kind of work (the largest neighbourhood, twenty paths of six
// relations, pages of 500 with pages of 50 under them), so that the
// fitted cost bounds the time of anything smaller.
const (
	costNeighbourhood = `query CostNeighbourhood($id: ID!, $depth: Int!) { neighbourhood(id: $id, depth: $depth, limit: 2000) {
  nodes { id kind name } relations { id type validFrom validTo from { id } to { id } } truncated } }`
	costPaths = `query CostPaths($from: ID!, $to: ID!, $asOf: Date, $maxLength: Int!, $first: Int!) { paths(from: $from, to: $to, maxLength: $maxLength, first: $first, asOf: $asOf) {
  length nodes { id name } relations { id type } } }`
	costRepresentation = `query CostRepresentation($of: ID!, $in: ID!) { representation(of: $of, in: $in) {
  kind mission { id name } via { id name } relations { id type from { id } to { id } } } }`
	costLineage = `query CostLineage($id: ID!) { lineage(id: $id) { entity { id name } change date relation { id } conflicting } }`
	costSearch  = `query CostSearch($text: String!) { search(text: $text, first: 100) { entity { id kind name } matched score } }`
	costCount   = `query CostCount($by: GroupBy!, $asOf: Date, $include: Include) { count(groupBy: $by, asOf: $asOf, include: $include, limit: 500) { key label count } }`
	costPages   = `query CostPages($kind: EntityKind) { entities(kind: $kind, first: 500) { edges { node { id
  relations(first: 50) { edges { node { type to { name } } } } } } } }`
	costHubPage = `query CostHubPage($id: ID!) { entity(id: $id) { relations(first: 500) { edges { node { id type
  from { id name } to { id name relations(first: 20) { edges { node { id type } } } } } } } } }`
	costRelations = `query CostRelations($types: [RelationType!]) { relations(types: $types, first: 500) { edges { node {
  id type validFrom validTo from { id kind name } to { id kind name } } } } }`
	costEntities = `query CostEntities($kind: EntityKind) { entities(kind: $kind, first: 500) { edges { node {
  id kind name aliases validFrom validTo attestedFrom attestedTo attributes { key value } } } } }`
	costRelationsAsOf = `query CostRelationsAsOf($asOf: Date!, $types: [RelationType!]) { relations(types: $types, asOf: $asOf, first: 500) {
  edges { node { id type } } totalCount } }`
	costEntitiesAsOf = `query CostEntitiesAsOf($asOf: Date!, $kind: EntityKind, $include: Include) { entities(kind: $kind, asOf: $asOf, include: $include, first: 500) {
  edges { node { id name } } totalCount } }`
	costHubTotal = `query CostHubTotal($id: ID!, $asOf: Date) { entity(id: $id) { relations(asOf: $asOf, first: 50) { edges { node { id type } } totalCount } } }`
)

// CostShapeNames are the names of the shapes, in the order they run.
func CostShapeNames() []string {
	return []string{"neighbourhood-d1-2000", "neighbourhood-d2-2000", "neighbourhood-d4-2000", "paths-6-20", "paths-6-20-asof", "paths-6-3", "paths-6-1", "paths-4-20", "paths-3-3",
		"representation-hubs", "lineage", "search-100", "count-500", "count-500-asof", "count-500-possible",
		"entities-500-relations-50", "entities-500-wide", "hub-500-relations-20", "relations-500",
		"relations-asof-total", "entities-asof-total", "hub-relations-total"}
}

// CostShapes chooses the inputs of every shape from what s gathered.
func CostShapes(s *Sampler) []*CostShape {
	label := func(b Bucket) string { return b.Key }
	top := func(bs []Bucket, n int) []Bucket { return bs[:min(n, len(bs))] }
	var shapes []*CostShape
	add := func(name, description, query string, inputs []map[string]any) {
		shapes = append(shapes, &CostShape{Name: name, Description: description, Query: query, Inputs: inputs})
	}

	// Centres: the biggest senders, countries at random, missions.
	var centres []map[string]any
	for _, b := range top(s.Senders, 4) {
		centres = append(centres, map[string]any{"id": label(b)})
	}
	for _, i := range s.pick(len(s.countries))[:min(4, len(s.countries))] {
		centres = append(centres, map[string]any{"id": s.countries[i].ID})
	}
	for _, m := range s.missions[:min(4, len(s.missions))] {
		centres = append(centres, map[string]any{"id": m.ID})
	}
	for _, depth := range []int{1, 2, 4} {
		var in []map[string]any
		for _, c := range centres {
			in = append(in, map[string]any{"id": c["id"], "depth": depth})
		}
		add(fmt.Sprintf("neighbourhood-d%d-2000", depth),
			fmt.Sprintf("neighbourhood(depth: %d, limit: 2000) of the biggest senders, countries and missions", depth), costNeighbourhood, in)
	}

	// Paths: between hubs, between a hub and a country, between countries.
	var pairs []map[string]any
	hubs := top(s.Senders, 3)
	for i, a := range hubs {
		for _, b := range hubs[i+1:] {
			pairs = append(pairs, map[string]any{"from": a.Key, "to": b.Key})
		}
	}
	for range 8 {
		if len(s.countries) < 2 {
			break
		}
		a := s.rng.IntN(len(s.countries))
		b := s.rng.IntN(len(s.countries) - 1)
		if b >= a {
			b++
		}
		pairs = append(pairs, map[string]any{"from": s.countries[a].ID, "to": s.countries[b].ID})
	}
	for _, m := range s.missions[:min(3, len(s.missions))] {
		if len(s.countries) > 0 {
			pairs = append(pairs, map[string]any{"from": m.ID, "to": s.countries[s.rng.IntN(len(s.countries))].ID})
		}
	}
	for _, p := range []struct {
		maxLength, first int
		asOf             any
	}{{6, 20, nil}, {6, 20, "1990-01-01"}, {6, 3, nil}, {6, 1, nil}, {4, 20, nil}, {3, 3, nil}} {
		var in []map[string]any
		for _, pair := range pairs {
			in = append(in, map[string]any{"from": pair["from"], "to": pair["to"], "maxLength": p.maxLength, "first": p.first, "asOf": p.asOf})
		}
		name, desc := fmt.Sprintf("paths-%d-%d", p.maxLength, p.first), fmt.Sprintf("paths(maxLength: %d, first: %d)", p.maxLength, p.first)
		if p.asOf != nil {
			name, desc = name+"-asof", fmt.Sprintf("paths(maxLength: %d, first: %d, asOf: %s)", p.maxLength, p.first, p.asOf)
		}
		add(name, desc+" between hubs, countries and missions", costPaths, in)
	}

	// Representation between the biggest senders and hosts.
	var reps []map[string]any
	for _, a := range top(s.Senders, 4) {
		for _, b := range top(s.Hosts, 4) {
			if a.Key != b.Key {
				reps = append(reps, map[string]any{"of": a.Key, "in": b.Key})
			}
		}
	}
	add("representation-hubs", "representation between the biggest senders and hosts", costRepresentation, reps)

	var lineage []map[string]any
	for _, m := range s.missions[:min(8, len(s.missions))] {
		lineage = append(lineage, map[string]any{"id": m.ID})
	}
	add("lineage", "the lineage of missions", costLineage, lineage)

	var texts []map[string]any
	for _, t := range []string{"Embassy", "Embasy", "Consulate General", "of", "Mission to the"} {
		texts = append(texts, map[string]any{"text": t})
	}
	for _, c := range s.countries[:min(4, len(s.countries))] {
		if t, ok := typo(s.rng, c.Name); ok {
			texts = append(texts, map[string]any{"text": t})
		}
	}
	add("search-100", "search(first: 100) for common words and misspelt names", costSearch, texts)

	var counts, countsAsOf, countsPossible []map[string]any
	for _, by := range []string{"KIND", "MISSION_TYPE", "SENDER", "HOST", "CITY", "RELATION_TYPE", "YEAR", "DECADE", "YEAR_ENDED", "DECADE_ENDED"} {
		counts = append(counts, map[string]any{"by": by})
		countsAsOf = append(countsAsOf, map[string]any{"by": by, "asOf": "1990-01-01"})
		countsPossible = append(countsPossible, map[string]any{"by": by, "asOf": "1990-01-01", "include": "POSSIBLE"})
	}
	add("count-500", "count(limit: 500) by every grouping", costCount, counts)
	add("count-500-asof", "count(limit: 500, asOf: 1990-01-01) by every grouping", costCount, countsAsOf)
	add("count-500-possible", "count(limit: 500, asOf: 1990-01-01, include: POSSIBLE) by every grouping", costCount, countsPossible)

	kinds := []map[string]any{{"kind": nil}, {"kind": "COUNTRY"}, {"kind": "MISSION"}, {"kind": "CITY"}}
	add("entities-500-relations-50", "500 entities, each with 50 relations and their far ends' names", costPages, kinds)
	add("entities-500-wide", "500 entities with every scalar field", costEntities, kinds)
	var hubPages []map[string]any
	for _, b := range top(s.Senders, 4) {
		hubPages = append(hubPages, map[string]any{"id": b.Key})
	}
	add("hub-500-relations-20", "500 relations of the biggest senders, each far end with 20 of its own", costHubPage, hubPages)
	add("relations-500", "500 relations, of every type and of one, with both ends", costRelations,
		[]map[string]any{{"types": nil}, {"types": []string{"SENT_BY"}}, {"types": []string{"ACCREDITS_TO"}}, {"types": []string{"RENAMED_FROM"}}})

	// Listings as of a date, which read what they skip and, for
	// totalCount, every match.
	add("relations-asof-total", "relations(asOf, first: 500) with totalCount", costRelationsAsOf,
		[]map[string]any{{"asOf": "1990-01-01", "types": nil}, {"asOf": "1800-01-01", "types": nil}, {"asOf": "1990-01-01", "types": []string{"SENT_BY"}}})
	add("entities-asof-total", "entities(asOf, first: 500) with totalCount", costEntitiesAsOf,
		[]map[string]any{{"asOf": "1990-01-01", "kind": nil, "include": nil}, {"asOf": "1800-01-01", "kind": nil, "include": nil},
			{"asOf": "1990-01-01", "kind": "MISSION", "include": "POSSIBLE"}})
	var hubTotals []map[string]any
	for _, b := range top(s.Senders, 3) {
		hubTotals = append(hubTotals, map[string]any{"id": b.Key, "asOf": nil}, map[string]any{"id": b.Key, "asOf": "1990-01-01"})
	}
	add("hub-relations-total", "a page of 50 of the biggest senders' relations with totalCount, over all history and as of a date", costHubTotal, hubTotals)
	return shapes
}
