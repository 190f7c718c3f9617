//go:build unix

package main

import (
	"errors"
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

// hardLinks counts the names the file has.
func hardLinks(info fs.FileInfo) uint64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}

// processAlive reports whether a process with this id runs: signal 0 checks without
// sending anything. A process of another user counts as alive (EPERM).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
