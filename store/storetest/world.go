package storetest

import (
	"bytes"
	"context"

	"github.com/chancery/chancery/graph/jsonl"
	"github.com/chancery/chancery/graph/synth"
)

// WorldJSONL returns a synthetic world of n relations (graph/synth, seed 1)
// as JSON Lines, the input of chancery import: what the benchmarks of the
// store and of the traversals query.
func WorldJSONL(ctx context.Context, n int) ([]byte, error) {
	var buf bytes.Buffer
	jw := jsonl.NewWriter(&buf)
	err := synth.Generate(ctx, synth.Options{Relations: n, Seed: 1}, func(it synth.Item) error {
		if it.Entity != nil {
			return jw.Entity(it.Entity)
		}
		return jw.Relation(it.Relation)
	})
	if err != nil {
		return nil, err
	}
	if err := jw.Flush(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
