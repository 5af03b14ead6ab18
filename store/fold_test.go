package store

import "testing"

func TestFold(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Ständige Vertretung", "standige vertretung"},
		{"standige-vertretung", "standige vertretung"},
		{"  Côte d’Ivoire ", "cote divoire"},
		{"Côte d'Ivoire", "cote divoire"},
		{"U.S. Interests Section", "us interests section"},
		{"Straße", "strasse"},
		{"TECRO", "tecro"},
		{"Taipei Economic and Cultural Representative Office (TECRO)", "taipei economic and cultural representative office tecro"},
		{"São Tomé & Príncipe", "sao tome principe"},
		{"", ""},
	} {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestFoldASCII checks the fast path for ASCII against the general one, on
// every ASCII character and on names made of them.
func TestFoldASCII(t *testing.T) {
	var all []byte
	for c := 0; c < 0x80; c++ {
		all = append(all, byte(c))
	}
	for _, s := range []string{string(all), "  U.S. -- People's Republic ", "Washington, D.C.", "...", "A", ""} {
		if got, want := foldASCII(s), foldUnicode(s); got != want {
			t.Errorf("foldASCII(%q) = %q, foldUnicode %q", s, got, want)
		}
	}
	for c := range all {
		for d := range all {
			s := string([]byte{'x', byte(c), 'Y', byte(d)})
			if got, want := foldASCII(s), foldUnicode(s); got != want {
				t.Fatalf("foldASCII(%q) = %q, foldUnicode %q", s, got, want)
			}
		}
	}
}
