package httpapi

import (
	"context"

	"github.com/chancery/chancery/graph"
)

// countedReader passes every call to r and counts it.
type countedReader struct {
	r graph.Reader
	o *observation
}

var _ graph.Reader = countedReader{}

func (c countedReader) Entity(ctx context.Context, id graph.ID) (*graph.Entity, error) {
	c.o.read(readEntity)
	return c.r.Entity(ctx, id)
}

func (c countedReader) EntitiesByID(ctx context.Context, ids []graph.ID) (map[graph.ID]*graph.Entity, error) {
	c.o.read(readEntitiesByID)
	return c.r.EntitiesByID(ctx, ids)
}

func (c countedReader) Relation(ctx context.Context, id string) (*graph.Relation, error) {
	c.o.read(readRelation)
	return c.r.Relation(ctx, id)
}

func (c countedReader) RelationsByID(ctx context.Context, ids []string) (map[string]*graph.Relation, error) {
	c.o.read(readRelationsByID)
	return c.r.RelationsByID(ctx, ids)
}

func (c countedReader) Relations(ctx context.Context, q graph.RelationQuery) (*graph.RelationPage, error) {
	c.o.read(readRelations)
	return c.r.Relations(ctx, q)
}

func (c countedReader) Adjacent(ctx context.Context, q graph.AdjacencyQuery) (map[graph.ID]*graph.Adjacency, error) {
	c.o.read(readAdjacent)
	return c.r.Adjacent(ctx, q)
}

func (c countedReader) Entities(ctx context.Context, q graph.EntityQuery) (*graph.EntityPage, error) {
	c.o.read(readEntities)
	return c.r.Entities(ctx, q)
}

func (c countedReader) Degrees(ctx context.Context, ids []graph.ID) (map[graph.ID]int, error) {
	c.o.read(readDegrees)
	return c.r.Degrees(ctx, ids)
}

func (c countedReader) MissionsOf(ctx context.Context, sender, host graph.ID) ([]graph.ID, error) {
	c.o.read(readMissionsOf)
	return c.r.MissionsOf(ctx, sender, host)
}

func (c countedReader) LookupName(ctx context.Context, name string) ([]graph.ID, error) {
	c.o.read(readLookupName)
	return c.r.LookupName(ctx, name)
}

func (c countedReader) Search(ctx context.Context, q graph.SearchQuery) ([]graph.SearchHit, error) {
	c.o.read(readSearch)
	return c.r.Search(ctx, q)
}

func (c countedReader) Count(ctx context.Context, q graph.CountQuery) ([]graph.Bucket, error) {
	c.o.read(readCount)
	return c.r.Count(ctx, q)
}

// Joined passes the question to r's record of which entities relations
// join, if it keeps one; it is no read of the store, and is not counted.
func (c countedReader) Joined(ctx context.Context, a, b graph.ID) (joined, known bool) {
	if j, ok := c.r.(graph.Joiner); ok {
		return j.Joined(ctx, a, b)
	}
	return false, false
}
