//go:build unix

package main

import (
	"io/fs"
	"os"
	"syscall"
)

// keepOwner gives the replacement file the original's owner and group, so that running
// --fix as root on a user's file leaves it the user's. Without the right to do so (an
// ordinary user can only give a file away to themselves) the file stays the runner's, as
// with any editor's save.
func keepOwner(f *os.File, info fs.FileInfo) {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		f.Chown(int(st.Uid), int(st.Gid))
	}
}
