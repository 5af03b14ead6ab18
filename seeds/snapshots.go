package seeds

import (
	"embed"
	"io/fs"
	"path"
	"slices"
)

// snapshots are the Wikidata missions data set's snapshots (see
// datasets/README.md), which a new data directory is filled with after
// the curated seeds unless told otherwise.
//
//go:embed datasets/wikidata-embassies/database_of_embassies-*.csv
var snapshots embed.FS

// SnapshotDir is the folder of SnapshotFS that holds the snapshots.
const SnapshotDir = "datasets/wikidata-embassies"

// Snapshots returns the paths in SnapshotFS of the built-in Wikidata
// snapshots, oldest first: their names end with their dates.
func Snapshots() []string {
	entries, err := fs.ReadDir(snapshots, SnapshotDir)
	if err != nil {
		// The folder is embedded, so it is there.
		panic(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, path.Join(SnapshotDir, e.Name()))
	}
	slices.Sort(out)
	return out
}

// SnapshotFS holds the built-in Wikidata snapshots.
func SnapshotFS() fs.FS { return snapshots }
