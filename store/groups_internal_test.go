package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
)

// TestApplyGroupsSplitsLargeTransactions makes the first transaction far
// too large for Badger and checks that ApplyGroups halves it until it fits.
func TestApplyGroupsSplitsLargeTransactions(t *testing.T) {
	db := openForTest(t, Options{Dir: t.TempDir()})
	defer func(n int) { groupItems = n }(groupItems)
	groupItems = 1 << 30
	// Names of random letters have some two hundred distinct trigrams
	// each, every one an index key.
	rng := rand.New(rand.NewPCG(1, 2))
	name := func() string {
		var b strings.Builder
		for range 200 {
			b.WriteByte(byte('a' + rng.IntN(26)))
		}
		return b.String()
	}
	var groups []*graph.Batch
	for i := range 1000 {
		e := &graph.Entity{ID: graph.ID(fmt.Sprintf("city:c%d", i)), Kind: graph.City, Name: name(),
			Sources: []graph.Source{{Document: "Test fixture"}}}
		groups = append(groups, &graph.Batch{Entities: []*graph.Entity{e}})
	}
	txns := 0
	if err := db.ApplyGroups(context.Background(), groups, func(int) { txns++ }); err != nil {
		t.Fatal(err)
	}
	if txns < 2 {
		t.Errorf("%d transactions; the test meant to overflow one", txns)
	}
	if _, err := db.Entity(context.Background(), "city:c999"); err != nil {
		t.Error(err)
	}
}
