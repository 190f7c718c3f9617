package server

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// errNotRegular refuses what is not a plain file: a FIFO named x.notes would block the
// read for good, a device would never end.
var errNotRegular = errors.New("not a regular file")

// readRegular reads the file at path only if it is a regular file (a symbolic link to one
// counts). It opens without blocking (openNoBlock) and checks the opened file again, so a
// FIFO put in its place between the check and the open cannot block the server either.
func readRegular(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w (%v)", path, errNotRegular, info.Mode().Type())
	}
	f, err := openNoBlock(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info, err = f.Stat(); err != nil {
		return nil, err
	} else if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w (%v)", path, errNotRegular, info.Mode().Type())
	}
	data := make([]byte, 0, info.Size()+512)
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
}
