package measure

import (
	"io/fs"
	"path/filepath"
)

// DirSize returns the bytes the files under dir take on disk (the blocks
// allocated to them, where the system says, so that sparse files count
// for what they hold) and their apparent size.
func DirSize(dir string) (allocated, apparent int64, err error) {
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		apparent += info.Size()
		allocated += allocatedSize(info)
		return nil
	})
	return allocated, apparent, err
}
