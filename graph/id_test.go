package graph

import (
	"strings"
	"testing"
)

func TestParseID(t *testing.T) {
	for _, tt := range []struct {
		in   string
		kind Kind // "" when the id must be rejected
	}{
		{"country:united-states", Country},
		{"org:united-nations", Organisation},
		{"mission:us-interests-section-havana", Mission},
		{"city:havana", City},
		{"person:leonard-woodcock", Person},
		{"agreement:vienna-convention-1961", Agreement},
		{"territory:hong-kong", Territory},
		{"country:", ""},
		{"united-states", ""},
		{"nation:france", ""},
		{"Country:france", ""},
		{"country:France", ""},
		{"country:-france", ""},
		{"country:france-", ""},
		{"country:cote--divoire", ""},
		{"country:côte-divoire", ""},
		{"country:a b", ""},
		{"country:" + strings.Repeat("a", MaxIDLength), ""},
	} {
		id, err := ParseID(tt.in)
		if tt.kind == "" {
			if err == nil {
				t.Errorf("ParseID(%q) accepted a malformed id", tt.in)
			} else if !strings.Contains(err.Error(), "id ") {
				t.Errorf("ParseID(%q) error %q does not name the id", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseID(%q): %v", tt.in, err)
			continue
		}
		if id.Kind() != tt.kind {
			t.Errorf("ParseID(%q).Kind() = %s, want %s", tt.in, id.Kind(), tt.kind)
		}
	}
}
