package store

import (
	"encoding/json"
	"fmt"

	"github.com/chancery/chancery/graph"
)

// Records are stored as JSON: readable with badger's own tools, and tolerant
// of fields added later.

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
