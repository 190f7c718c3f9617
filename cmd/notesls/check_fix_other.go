//go:build !unix

package main

import (
	"io/fs"
	"os"
)

// keepOwner does nothing where files have no Unix owner.
func keepOwner(f *os.File, info fs.FileInfo) {}
