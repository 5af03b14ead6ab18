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
