package mix

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestTypoLeavesOutOneLetterInsideAWord(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	name := "Embassy of Ghana in Bern"
	for range 50 {
		got, ok := typo(rng, name)
		if !ok || len([]rune(got)) != len([]rune(name))-1 {
			t.Fatalf("typo(%q) = %q, %v; want one letter fewer", name, got, ok)
		}
		// The letter left out has letters on both sides: the first and
		// last letters of words, and the spaces, stay.
		i := 0
		for i < len(got) && got[i] == name[i] {
			i++
		}
		if got[i:] != name[i+1:] || i == 0 || name[i-1] == ' ' || i+1 >= len(name) || name[i+1] == ' ' || name[i] == ' ' {
			t.Fatalf("typo(%q) = %q: left out %q at %d", name, got, name[i], i)
		}
	}
	if got, ok := typo(rng, "Ab Cd"); ok {
		t.Errorf("typo of words of two letters = %q; want none", got)
	}
}

func TestNamesAreDistinct(t *testing.T) {
	for _, names := range [][]string{Names(), CostShapeNames()} {
		sorted := slices.Clone(names)
		slices.Sort(sorted)
		if len(slices.Compact(sorted)) != len(names) {
			t.Errorf("names repeat: %v", names)
		}
	}
}

func TestFirstLine(t *testing.T) {
	if got := FirstLine("  query BenchPaths($from: ID!){\n  paths { length } }"); got != "query BenchPaths($from: ID!)" {
		t.Errorf("FirstLine = %q", got)
	}
}
