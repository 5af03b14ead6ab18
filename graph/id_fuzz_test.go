package graph

import (
	"slices"
	"strings"
	"testing"
)

// FuzzParseID checks that ParseID never panics, rejects with an EINVALID
// error, and accepts only ids that come back unchanged, fit the length
// limit, use the slug alphabet, and whose Kind is the kind of their prefix.
func FuzzParseID(f *testing.F) {
	for _, s := range []string{
		"country:united-states", "org:united-nations", "mission:us-interests-section-havana",
		"city:havana", "person:leonard-woodcock", "agreement:vienna-convention-1961",
		"territory:hong-kong", "country:a", "country:0", "country:a-b-c",
		"country:", ":cuba", "cuba", "", ":", "country::cuba", "country:cuba:havana",
		"nation:france", "Country:france", "country:France", "country:-france",
		"country:france-", "country:cote--divoire", "country:côte-divoire", "country:a b",
		"country:\x00", "country:a\xff", "COUNTRY:cuba", "org:",
		"country:" + strings.Repeat("a", MaxIDLength-len("country:")),
		"country:" + strings.Repeat("a", MaxIDLength),
		strings.Repeat("x", MaxIDLength+1),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseID(s)
		if err != nil {
			if ErrorCode(err) != EINVALID || !strings.HasPrefix(ErrorMessage(err), "id ") {
				t.Fatalf("ParseID(%q) error %v: want an EINVALID error about the id", s, err)
			}
			if id != "" {
				t.Fatalf("ParseID(%q) failed but returned %q", s, id)
			}
			return
		}
		if string(id) != s {
			t.Fatalf("ParseID(%q) = %q, want the input back", s, id)
		}
		if len(s) > MaxIDLength {
			t.Fatalf("ParseID accepted %q, %d bytes long; the limit is %d", s, len(s), MaxIDLength)
		}
		k := id.Kind()
		if !slices.Contains(Kinds, k) || !strings.HasPrefix(s, k.IDPrefix()) {
			t.Fatalf("ParseID(%q): Kind %q, whose prefix %q does not start the id", s, k, k.IDPrefix())
		}
		slug := strings.TrimPrefix(s, k.IDPrefix())
		if slug == "" || strings.Trim(slug, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" ||
			slug[0] == '-' || slug[len(slug)-1] == '-' || strings.Contains(slug, "--") {
			t.Fatalf("ParseID accepted %q, whose slug %q is not lowercase words joined by single hyphens", s, slug)
		}
		if pk, err := ParseKind(string(k)); err != nil || pk != k {
			t.Fatalf("the kind %q of %q does not parse back: %q, %v", k, s, pk, err)
		}
		if again, err := ParseID(string(id)); err != nil || again != id {
			t.Fatalf("ParseID(%q) = %q, but parsing that again gives %q, %v", s, id, again, err)
		}
	})
}
