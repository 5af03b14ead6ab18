package store

import (
	"context"
	"testing"
	"time"
)

// BenchmarkComponentsBuild builds the record of components of a store of
// 10^5 synthetic relations, as the first paths query after a start does
// in the background, and reports what it holds an entity.
func BenchmarkComponentsBuild(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	bulk, err := Open(Options{Dir: dir, Bulk: true})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := bulk.Import(ctx, batchOpener(b, synthWorld(b, 100_000, 7)), ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	bulk.Close()
	db := openForTest(b, Options{Dir: dir})
	for b.Loop() {
		db.comps.drop()
		for {
			if _, known := db.Joined(ctx, "country:a", "country:b"); known {
				break
			}
			time.Sleep(100 * time.Microsecond)
		}
	}
	s := db.comps.sets
	b.ReportMetric(float64(len(s.sorted)), "entities")
	b.ReportMetric(float64(cap(s.sorted)*8+cap(s.parent)*4)/float64(len(s.parent)), "B/entity")
}
