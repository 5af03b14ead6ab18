//go:build !unix

package measure

import "io/fs"

func allocatedSize(info fs.FileInfo) int64 { return info.Size() }
