package store

// Size returns the bytes the store takes on disk: its LSM tree (the .sst
// files, which hold keys and small values) and its value log (the .vlog
// files). Badger measures them when it opens and then once a minute, so
// the figures may be up to a minute old; an in-memory store is 0, 0.
func (db *DB) Size() (lsm, vlog int64) {
	return db.bdb.Size()
}
