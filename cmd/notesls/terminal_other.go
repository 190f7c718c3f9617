//go:build !linux && !darwin && !freebsd && !netbsd && !openbsd && !dragonfly && !windows

package main

import "os"

// isTTY tells a terminal from the null device, where no terminal ioctl is at hand.
func isTTY(f *os.File) bool {
	info, err := f.Stat()
	null, nerr := os.Stat(os.DevNull)
	return err == nil && (nerr != nil || !os.SameFile(info, null))
}
