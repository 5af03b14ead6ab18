package initial_test

import (
	"flag"
	"strings"
	"testing"

	"github.com/chancery/chancery/seeds/initial"
)

// TestFlag checks that a Data is a flag whose bad values the flag package
// refuses with the choices.
func TestFlag(t *testing.T) {
	var out strings.Builder
	fs := flag.NewFlagSet("chancery serve", flag.ContinueOnError)
	fs.SetOutput(&out)
	d := initial.World
	fs.Var(&d, "initial-data", initial.Usage)
	if err := fs.Parse([]string{"--initial-data", "Curated"}); err != nil || d != initial.Curated {
		t.Fatalf("--initial-data Curated: %q, %v", d, err)
	}
	if got := fs.Lookup("initial-data").Value.String(); got != "curated" {
		t.Errorf("the flag's value reads %q", got)
	}
	err := fs.Parse([]string{"--initial-data", "seeds"})
	if err == nil || d != initial.Curated {
		t.Fatalf("--initial-data seeds: %q, %v; want an error and the value unchanged", d, err)
	}
	for _, want := range []string{`invalid value "seeds" for flag -initial-data`, "use world", "or curated"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the flag package does not say %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	fs.PrintDefaults()
	if !strings.Contains(out.String(), "-initial-data world") {
		t.Errorf("the help does not show the flag's value as a choice:\n%s", out.String())
	}
}
