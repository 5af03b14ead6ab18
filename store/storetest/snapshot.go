package storetest

import (
	"bufio"
	"path"
	"testing"

	"github.com/chancery/chancery/graph/wikidata"
	"github.com/chancery/chancery/seeds"
)

// Snapshot reads the built-in Wikidata snapshot of the given file name
// (such as "database_of_embassies-2022-11-16.csv") from seeds.SnapshotFS.
func Snapshot(tb testing.TB, name string) *wikidata.File {
	tb.Helper()
	f, err := seeds.SnapshotFS().Open(path.Join(seeds.SnapshotDir, name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	file, err := wikidata.Read(bufio.NewReader(f), name)
	if err != nil {
		tb.Fatal(err)
	}
	return file
}
