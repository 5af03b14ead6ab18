package graph

import (
	"crypto/sha256"
	"encoding/base32"
	"strings"
)

// RelationIDPrefix starts every relation id, which keeps relation ids apart
// from entity ids in Query.node.
const RelationIDPrefix = "rel:"

// Relation is a directed, dated, sourced edge: From -[Type]-> To, optionally
// with a third participant, Context (the host country of a PROTECTS or
// REPRESENTED_BY).
type Relation struct {
	ID      string       `json:"id"`
	Type    RelationType `json:"type"`
	From    ID           `json:"from"`
	To      ID           `json:"to"`
	Context ID           `json:"context,omitempty"`
	Period
	Role    string   `json:"role,omitempty"`
	Note    string   `json:"note,omitempty"`
	Sources []Source `json:"sources"`
}

var relIDEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Normalize puts r in canonical form and sets its ID. A symmetric relation
// is stored with its ends in id order, so that it has one id whichever way
// it was written. The id is derived from what the relation states (type,
// ends, context, period, role), so loading the same fact twice writes it
// once, and two sources that disagree about a date make two relations.
func (r *Relation) Normalize() {
	if r.Type.Symmetric() && r.To < r.From {
		r.From, r.To = r.To, r.From
	}
	h := sha256.New()
	for _, part := range []string{string(r.Type), string(r.From), string(r.To), string(r.Context),
		r.Period.From.String(), r.Period.To.String(), r.Role} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	r.ID = RelationIDPrefix + relIDEncoding.EncodeToString(h.Sum(nil)[:10])
}

// IsRelationID reports whether s has the form of a relation id.
func IsRelationID(s string) bool {
	rest, ok := strings.CutPrefix(s, RelationIDPrefix)
	if !ok || len(rest) != 16 {
		return false
	}
	// The decoder skips line breaks, so only what encodes back to the same
	// text is an id.
	b, err := relIDEncoding.DecodeString(rest)
	return err == nil && relIDEncoding.EncodeToString(b) == rest
}

// Other returns the end of r that is not id (From when id is neither).
func (r *Relation) Other(id ID) ID {
	if r.From == id {
		return r.To
	}
	return r.From
}

// Describe names the relation for messages, with its type as the API and
// JSON Lines spell it: "PROTECTS country:switzerland ->
// country:united-states in country:cuba".
func (r *Relation) Describe() string { return r.describe(string(r.Type)) }

// DescribeKebab is Describe with the type as the seed files spell it:
// "protects country:switzerland -> country:united-states in country:cuba".
func (r *Relation) DescribeKebab() string { return r.describe(r.Type.Kebab()) }

func (r *Relation) describe(typ string) string {
	s := typ + " " + string(r.From) + " -> " + string(r.To)
	if r.Context != "" {
		s += " in " + string(r.Context)
	}
	return s
}
