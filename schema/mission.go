package schema

import (
	"context"

	"github.com/chancery/chancery/graph"
)

// missionResolver resolves Mission: the common fields plus where the
// mission sits in the graph, read from its outgoing relations.
type missionResolver struct{ entityResolver }

// MissionType resolves Mission.missionType.
func (r *missionResolver) MissionType() string {
	if r.e.MissionType == "" {
		return string(graph.OtherMission)
	}
	return string(r.e.MissionType)
}

// Official resolves Mission.official.
func (r *missionResolver) Official() bool { return r.e.Official }

type asOfArgs struct {
	AsOf    *Date
	Include string
}

// Sender resolves Mission.sender: the newest SENT_BY that holds.
func (r *missionResolver) Sender(ctx context.Context, args asOfArgs) (*entityResolver, error) {
	ends, err := r.ends(ctx, graph.SentBy, when(args.AsOf, args.Include))
	if err != nil || len(ends) == 0 {
		return nil, err
	}
	return ends[0], nil
}

// AccreditedTo resolves Mission.accreditedTo.
func (r *missionResolver) AccreditedTo(ctx context.Context, args asOfArgs) ([]*entityResolver, error) {
	return r.ends(ctx, graph.AccreditsTo, when(args.AsOf, args.Include))
}

// City resolves Mission.city: the newest LOCATED_IN that holds and leads to
// a city (a mission may also be recorded as located in a country).
func (r *missionResolver) City(ctx context.Context, args asOfArgs) (*cityResolver, error) {
	ends, err := r.ends(ctx, graph.LocatedIn, when(args.AsOf, args.Include))
	if err != nil {
		return nil, err
	}
	for _, e := range ends {
		if c, ok := e.ToCity(); ok {
			return c, nil
		}
	}
	return nil, nil
}

// SectionOf resolves Mission.sectionOf.
func (r *missionResolver) SectionOf(ctx context.Context) (*missionResolver, error) {
	ends, err := r.ends(ctx, graph.SectionOf, graph.When{})
	if err != nil {
		return nil, err
	}
	for _, e := range ends {
		if m, ok := e.ToMission(); ok {
			return m, nil
		}
	}
	return nil, nil
}

// ends returns the entities at the far end of the mission's outgoing
// relations of type t that w admits, newest first. It reads them for every
// sibling mission at once.
func (r *missionResolver) ends(ctx context.Context, t graph.RelationType, w graph.When) ([]*entityResolver, error) {
	adj, far, err := r.ld.adjacent(ctx, r.sib, r.e.ID, graph.AdjacencyQuery{
		Direction: graph.Out, Types: []graph.RelationType{t}, AsOf: w.AsOf, Possible: w.Possible, Limit: graph.MaxPageSize,
	})
	if err != nil {
		return nil, toAPI(ctx, r.ld.log, err)
	}
	ids := make([]graph.ID, len(adj.Relations))
	for i, rel := range adj.Relations {
		ids[i] = rel.To
	}
	found, err := r.ld.entities(ctx, ids)
	if err != nil {
		return nil, toAPI(ctx, r.ld.log, err)
	}
	es := make([]*graph.Entity, 0, len(ids))
	for _, id := range ids {
		if e := found[id]; e != nil {
			es = append(es, e)
		}
	}
	return entitiesIn(r.ld, far, es, w), nil
}
