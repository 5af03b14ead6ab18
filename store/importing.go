package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/chancery/chancery/graph"
)

// importingFileName is the file in a data directory that says an import is
// writing to it. It is made, and made durable, before the import writes
// anything, and removed only once everything the import writes (records,
// indexes, counts) is in the store. A store that opens with it present was
// left part-way by a crash, a kill or a full disk, and is refused until
// what can be rebuilt is (see the message of refuseCutShortImport).
//
// It is a file of its own rather than a key in Badger because a sorted
// load replaces all of Badger's data as it streams, and a key could be
// lost or come in late with the tables it is streamed with.
const importingFileName = "chancery.importing"

// importing is what the file says.
type importing struct {
	Started time.Time `json:"started"`
	// Sorted is true for a sorted load into a store that held at most the
	// seeds (sortload.go), false for the batch writer into one with data.
	Sorted bool `json:"sorted"`
	// Restore is true for a restore (Restore), which empties the store
	// before it loads the backup.
	Restore bool `json:"restore,omitempty"`
	// Fill is true for a new store's first fill (Fill), which Open
	// starts over rather than refuses.
	Fill bool `json:"fill,omitempty"`
}

// markImporting writes the importing file durably: the file is synced,
// and so is the directory that now names it.
func markImporting(dir string, sorted bool) error {
	return mark(dir, importing{Started: time.Now().UTC().Truncate(time.Second), Sorted: sorted})
}

// markRestoring writes the importing file for a restore.
func markRestoring(dir string) error {
	return mark(dir, importing{Started: time.Now().UTC().Truncate(time.Second), Restore: true})
}

func mark(dir string, im importing) error {
	b, _ := json.Marshal(im)
	path := filepath.Join(dir, importingFileName)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("mark the import under way: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("mark the import under way: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("mark the import under way: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("mark the import under way: %w", err)
	}
	return syncDir(dir)
}

// unmarkImporting removes the importing file once the import is whole,
// durably.
func unmarkImporting(dir string) error {
	if err := os.Remove(filepath.Join(dir, importingFileName)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("mark the import done: %w", err)
	}
	return syncDir(dir)
}

// syncDir makes the directory's entries durable: a file made or removed
// in it survives a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// cutShortImport reads the importing file of dir: nil if there is none.
func cutShortImport(dir string) (*importing, error) {
	b, err := os.ReadFile(filepath.Join(dir, importingFileName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, graph.Errorf(graph.EINTERNAL, "cannot read %s: %v", filepath.Join(dir, importingFileName), err)
	}
	var im importing
	if err := json.Unmarshal(b, &im); err != nil {
		// Written but not whole: the crash came as the import began,
		// before it wrote anything else.
		return &importing{}, nil
	}
	return &im, nil
}

// since says when the import or restore started, as messages give it.
func (im *importing) since() string {
	if im.Started.IsZero() {
		return "an unknown time"
	}
	return im.Started.Format(time.RFC3339)
}

// cutShortMessage says what a store an import was cut short in holds, and
// what to do.
func cutShortMessage(dir string, im *importing) string {
	since := im.since()
	if im.Fill {
		return fmt.Sprintf("%s holds part of its first fill, which started at %s and was cut short (a crash, a kill or a full disk): it never held anything else. Opening it to serve or import starts the fill again", dir, since)
	}
	if im.Restore {
		return fmt.Sprintf("%s holds part of a restore that started at %s and did not finish (a crash, a kill, a full disk, or a backup that failed to load): what it held before was dropped. Restore the backup again: chancery restore --force --data %s FILE", dir, since, dir)
	}
	if im.Sorted {
		return fmt.Sprintf("%s holds part of an import that started at %s and was cut short (a crash, a kill or a full disk); the store held nothing but what it was first filled with before it, so delete the directory and import again", dir, since)
	}
	return fmt.Sprintf("%s holds part of an import that started at %s and was cut short (a crash, a kill or a full disk): the facts it wrote are there, but the indexes and counts that go with them may not be. Run chancery verify --repair --data %s to rebuild them from the facts, then import the same file again, which writes what is missing; or restore a backup", dir, since, dir)
}
