//go:build !unix

package config

import "io/fs"

// writableBy reports whether the directory's owner may write to it.
func writableBy(info fs.FileInfo) bool {
	return info.Mode().Perm()&0o200 != 0
}
