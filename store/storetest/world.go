package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

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
		return jsonl.NewReaderWith(bytes.NewReader(data), "world.jsonl", store.DecodeJSONLine), nil
	}
}

// World is a store holding a synthetic world, which the benchmarks of a
// package open once and share.
type World struct {
	// DB is the store, opened as a server opens it.
	DB  *store.DB
	tmp string // the directory the world was generated in, if it was
}

// OpenWorld opens the data directory dir, which must exist, or, if dir is
// "", imports a synthetic world of n relations (ImportWorld) into a new
// temporary directory and opens that afresh, as a server would. Close
// closes the store and removes a directory it generated.
func OpenWorld(ctx context.Context, dir string, n int) (_ *World, err error) {
	w := &World{}
	if dir == "" {
		if w.tmp, err = os.MkdirTemp("", "chancery-world-"); err != nil {
			return nil, err
		}
		dir = filepath.Join(w.tmp, "data")
		if err := ImportWorld(ctx, dir, n); err != nil {
			os.RemoveAll(w.tmp)
			return nil, fmt.Errorf("import a synthetic world of %d relations: %w", n, err)
		}
	} else if _, err := os.Stat(dir); err != nil {
		// Open would create a missing directory: say so instead.
		return nil, fmt.Errorf("the world's data directory: %w", err)
	}
	if w.DB, err = store.Open(store.Options{Dir: dir}); err != nil {
		if w.tmp != "" {
			os.RemoveAll(w.tmp)
		}
		return nil, err
	}
	return w, nil
}

// Close closes the world's store, and removes its directory if OpenWorld
// generated it.
func (w *World) Close() error {
	err := w.DB.Close()
	if w.tmp != "" {
		err = errors.Join(err, os.RemoveAll(w.tmp))
	}
	return err
}
