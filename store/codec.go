package store

import (
	"fmt"

	json "github.com/goccy/go-json"

	"github.com/chancery/chancery/graph"
)

// Records are stored as JSON: readable with badger's own tools, and tolerant
// of fields added later. They are read and written with goccy/go-json, a
// drop-in for encoding/json that decodes them two to three times as fast
// without reflection on every field; traversals decode a record for every
// relation and entity they visit, and that was most of their time.

func encodeEntity(e *graph.Entity) ([]byte, error) { return json.Marshal(e) }

func decodeEntity(b []byte) (*graph.Entity, error) {
	var e graph.Entity
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("decode entity record: %w", err)
	}
	return &e, nil
}

func encodeRelation(r *graph.Relation) ([]byte, error) { return json.Marshal(r) }

func decodeRelation(b []byte) (*graph.Relation, error) {
	var r graph.Relation
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("decode relation record: %w", err)
	}
	return &r, nil
}

// relationEdge is the part of a relation record that a traversal follows;
// decoding into it skips the sources and note, most of a record's bytes.
type relationEdge struct {
	ID      string             `json:"id"`
	Type    graph.RelationType `json:"type"`
	From    graph.ID           `json:"from"`
	To      graph.ID           `json:"to"`
	Context graph.ID           `json:"context"`
	graph.Period
	Role string `json:"role"`
}

// decodeRelationSlim decodes what AdjacencyQuery.Slim asks for.
func decodeRelationSlim(b []byte) (*graph.Relation, error) {
	var e relationEdge
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("decode relation record: %w", err)
	}
	return &graph.Relation{ID: e.ID, Type: e.Type, From: e.From, To: e.To, Context: e.Context, Period: e.Period, Role: e.Role}, nil
}
