package store

import (
	"bytes"
	"errors"
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

// relationEnds returns the two ends of a relation record. Records are
// written with their fields in the order of graph.Relation, so the ends
// are the first "from" and "to" of the record and can be read off it
// without decoding the rest (the sources, most of its bytes); a record of
// any other form is decoded.
func relationEnds(b []byte) (from, to graph.ID, err error) {
	if from, rest, ok := recordID(b, `"from":"`); ok {
		if to, _, ok := recordID(rest, `,"to":"`); ok {
			return from, to, nil
		}
	}
	r, err := decodeRelationSlim(b)
	if err != nil {
		return "", "", err
	}
	return r.From, r.To, nil
}

// recordID reads the id that follows the first field in b (a field name
// with its quotes and colon, and the id's opening quote) and returns it
// and what follows its closing quote; ok is false unless the id is all
// lower case letters, digits, hyphens and colons, which need no escaping.
// The first "from" of a record is the field: the fields before it, the
// relation's id and type, cannot hold it.
func recordID(b []byte, field string) (graph.ID, []byte, bool) {
	i := bytes.Index(b, []byte(field))
	if i < 0 || field[0] == ',' && i != 0 {
		return "", nil, false
	}
	b = b[i+len(field):]
	for j, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == ':':
		case c == '"' && j > 0:
			return graph.ID(b[:j]), b[j+1:], true
		default:
			return "", nil, false
		}
	}
	return "", nil, false
}

// DecodeJSONLine decodes b, exactly one JSON value, into v, refusing
// fields v does not have: a jsonl.Decoder, given to jsonl.NewReaderWith
// for what is imported, that decodes a line in about a fifth of the time
// encoding/json takes. It reads every line it accepts as encoding/json
// does (FuzzDecodeJSONLineAgrees holds it to that).
func DecodeJSONLine(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value")
	}
	return nil
}
