//go:build !unix

package main

import (
	"io/fs"
	"os"
)

// keepOwner does nothing where files have no Unix owner.
func keepOwner(f *os.File, info fs.FileInfo) {}

// hardLinks is 1 where the file system's link count is not at hand: the file is renamed
// over, as on Unix for a file with one name.
func hardLinks(info fs.FileInfo) uint64 { return 1 }

// processAlive cannot tell here: a leftover temporary file is kept rather than removed
// from under a run that may still be alive.
func processAlive(pid int) bool { return true }
