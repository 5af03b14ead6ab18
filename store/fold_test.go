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
