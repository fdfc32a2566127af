//go:build unix

package config

import (
	"io/fs"
	"os"
	"syscall"
)

// writableBy reports whether the directory described by info can be written
// (and traversed) by this process according to its permission bits. For root,
// which the kernel exempts from these checks, the owner bits decide, so that a
// directory deliberately made read-only is still reported.
func writableBy(info fs.FileInfo) bool {
	perm := info.Mode().Perm()
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return perm&0o300 == 0o300
	}
	euid := os.Geteuid()
	switch {
	case euid == 0 || uint32(euid) == st.Uid:
		return perm&0o300 == 0o300
	case inGroup(st.Gid):
		return perm&0o030 == 0o030
	default:
		return perm&0o003 == 0o003
	}
}

func inGroup(gid uint32) bool {
	if uint32(os.Getegid()) == gid {
		return true
	}
	groups, err := os.Getgroups()
	if err != nil {
		return false
	}
	for _, g := range groups {
		if uint32(g) == gid {
			return true
		}
	}
	return false
}
