package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestSeedsReportOfFiles reports on files given on the command line,
// with what is known of their periods.
func TestSeedsReportOfFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mine.yaml")
	if err := os.WriteFile(path, []byte(`entities:
  - id: country:listed
    name: Listed
    sources: [{document: ISO 3166-1}]
  - id: country:undated
    name: Undated
    sources: [{document: A history}]
relations:
  - type: diplomatic-relations
    from: country:listed
    to: country:undated
    validFrom: 1990
    sources: [{document: A history}]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errs strings.Builder
	c := NewSeedsReport(&out, &errs)
	if err := c.ParseFlags([]string{"report", path}); err != nil {
		t.Fatal(err)
	}
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err, errs.String())
	}
	if errs.Len() > 0 {
		t.Errorf("stderr: %s", errs.String())
	}
	// Columns are aligned with spaces; compare with one space for each run.
	spaces := regexp.MustCompile(` +`)
	got := spaces.ReplaceAllString(out.String(), " ")
	for _, want := range []string{
		"2 entities, 1 relations; 100% of relations dated\n",
		"start stated 0 1\n",
		"start unknown 2 0\n",
		"end open 1 0\n",
		"end unknown 1 1\n",
		// The relation, known from 1990, attests the undated country.
		"attested 2 0\n",
		"known by dates only 0 1\n",
		"known on no day 0 0\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}
