//go:build !unix

package server

import "os"

// openNoBlock is a plain open where opening cannot block on a FIFO.
func openNoBlock(path string) (*os.File, error) { return os.Open(path) }
