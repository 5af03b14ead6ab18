//go:build !unix

package bench

import "io/fs"

func allocatedSize(info fs.FileInfo) int64 { return info.Size() }
