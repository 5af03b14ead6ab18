package mix

import (
	"encoding/json"
	"fmt"

	"github.com/chancery/chancery/cmd/chancery/internal/bench/measure"
	"github.com/chancery/chancery/schema"
)

// costlyTemplate is a query whose size argument %d is raised until its
// cost comes just under the budget.
type costlyTemplate struct {
	name     string
	template string // fmt format with one %d
	max      int
}

// CostlyQueries builds the hostile clients' queries around the biggest
// senders and hosts: each as large as the budget allows.
func CostlyQueries(s *Sampler, budget int) ([]measure.Costly, error) {
	if len(s.Senders) == 0 || len(s.Hosts) == 0 {
		return nil, fmt.Errorf("the data has no missions, so no hubs to build costly queries around")
	}
	hub, host := s.Senders[0].Key, s.Hosts[0].Key
	if host == hub && len(s.Hosts) > 1 {
		host = s.Hosts[1].Key
	}
	lit := func(id string) string { b, _ := json.Marshal(id); return string(b) }
	templates := []costlyTemplate{
		{"neighbourhood", `query HostileNeighbourhood { neighbourhood(id: ` + lit(hub) + `, depth: 4, limit: %d) {
  nodes { id kind name } relations { id type validFrom validTo from { id } to { id } } } }`, 2000},
		{"entity-pages", `query HostilePages { entities(first: %d) { edges { node { id
  relations(first: 50) { edges { node { type to { name } } } } } } } }`, 500},
		{"hub-pages", `query HostileHubPages { entity(id: ` + lit(hub) + `) { relations(first: %d) { edges { node { id type
  from { id name } to { id name relations(first: 20) { edges { node { id type } } } } } } } } }`, 500},
		{"paths", `query HostilePaths { paths(from: ` + lit(hub) + `, to: ` + lit(host) + `, maxLength: 6, first: %d) {
  length nodes { id name } relations { id type } } }`, 20},
		{"relations", `query HostileRelations { relations(first: %d) { edges { node {
  id type validFrom validTo from { id kind name } to { id kind name } } } } }`, 500},
	}
	var out []measure.Costly
	for _, t := range templates {
		cost := func(n int) float64 {
			c, err := schema.EstimateCost(schema.Request{Query: fmt.Sprintf(t.template, n)})
			if err != nil {
				return -1
			}
			return c
		}
		// The largest size within the budget, by bisection: cost grows
		// with size.
		lo, hi := 0, t.max
		for lo < hi {
			mid := (lo + hi + 1) / 2
			if c := cost(mid); c >= 0 && c <= float64(budget) {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		if lo == 0 {
			continue
		}
		c := cost(lo)
		if c < float64(budget)/2 {
			continue // even the largest the API allows is cheap
		}
		out = append(out, measure.Costly{Name: fmt.Sprintf("%s (size %d)", t.name, lo), Query: fmt.Sprintf(t.template, lo), Cost: c})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no query of the hostile set comes within half of the budget %d; is --budget the server's --max-cost?", budget)
	}
	return out, nil
}
