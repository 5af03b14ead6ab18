package export

import (
	"slices"
	"testing"

	"github.com/chancery/chancery/graph"
)

func TestDays(t *testing.T) {
	for _, tc := range []struct{ date, first, last string }{
		{"", "", ""},
		{"1977", "1977-01-01", "1977-12-31"},
		{"1994-09", "1994-09-01", "1994-09-30"},
		{"1996-02", "1996-02-01", "1996-02-29"},
		{"1900-02", "1900-02-01", "1900-02-28"},
		{"1994-09-15", "1994-09-15", "1994-09-15"},
		{"0042", "0042-01-01", "0042-12-31"},
		{"0042-12", "0042-12-01", "0042-12-31"},
	} {
		var d graph.Date
		if tc.date != "" {
			d = graph.MustDate(tc.date)
		}
		if got := firstDay(d); got != tc.first {
			t.Errorf("firstDay(%q) = %q, want %q", tc.date, got, tc.first)
		}
		if got := lastDay(d); got != tc.last {
			t.Errorf("lastDay(%q) = %q, want %q", tc.date, got, tc.last)
		}
	}
}

func TestAttributeNames(t *testing.T) {
	for _, tc := range []struct {
		keys []string
		csv  []string
		xml  []string
	}{
		{[]string{"iso2", "iso3", "wikidata"}, []string{"iso2", "iso3", "wikidata"}, []string{"iso2", "iso3", "wikidata"}},
		// Names a format uses, in any case, and names Gephi reads as a
		// size or a label, take a prefix.
		{[]string{"Label", "name", "size", "x"}, []string{"attr_Label", "attr_name", "attr_size", "attr_x"}, []string{"attr_Label", "attr_name", "attr_size", "attr_x"}},
		// CSV names keep to what Neo4j's header syntax allows.
		{[]string{"a:b", "seat, city", "ok.name-1"}, []string{"a_b", "seat__city", "ok.name-1"}, []string{"a:b", "seat, city", "ok.name-1"}},
		// Keys that clash once cleaned, or differ only in case, stay apart.
		{[]string{"A", "a", "a b", "a_b"}, []string{"A", "attr_a", "a_b", "attr_a_b"}, []string{"A", "attr_a", "a b", "a_b"}},
		{[]string{"a", "attr_a", "A"}, []string{"a", "attr_a", "A_2"}, []string{"a", "attr_a", "A_2"}},
	} {
		if got := attributeNames(tc.keys, csvName); !slices.Equal(got, tc.csv) {
			t.Errorf("csv names of %q = %q, want %q", tc.keys, got, tc.csv)
		}
		if got := attributeNames(tc.keys, asIs); !slices.Equal(got, tc.xml) {
			t.Errorf("graphml names of %q = %q, want %q", tc.keys, got, tc.xml)
		}
	}
}
