//go:build !unix

package main

import (
	"io"
	"os"
)

// pollableStdin is stdin as it is: see stdin_unix.go for why Unix changes it.
func pollableStdin() (io.Reader, func()) { return os.Stdin, func() {} }
