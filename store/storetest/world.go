package storetest

import (
	"bytes"
	"context"
	"errors"

	"github.com/chancery/chancery/graph/jsonl"
	"github.com/chancery/chancery/graph/synth"
	"github.com/chancery/chancery/store"
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

// ImportWorld imports a synthetic world of n relations (WorldJSONL) into a
// new data directory, as chancery import does.
func ImportWorld(ctx context.Context, dir string, n int) error {
	data, err := WorldJSONL(ctx, n)
	if err != nil {
		return err
	}
	db, err := store.Open(store.Options{Dir: dir, Bulk: true})
	if err != nil {
		return err
	}
	_, err = db.Import(ctx, JSONLOpener(data), store.ImportOptions{})
	return errors.Join(err, db.Close())
}

// JSONLOpener is an Import's open for JSON Lines held in memory: each pass
// reads them from the start.
func JSONLOpener(data []byte) func() (store.ItemReader, error) {
	return func() (store.ItemReader, error) {
		return jsonl.NewReader(bytes.NewReader(data), "world.jsonl"), nil
	}
}
