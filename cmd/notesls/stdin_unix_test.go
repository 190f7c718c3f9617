//go:build unix

package main

import (
	"io"
	"os"
	"syscall"
	"testing"
	"time"
)

func nonBlocking(t *testing.T, fd int) bool {
	t.Helper()
	flags, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFL, 0)
	if errno != 0 {
		t.Fatalf("F_GETFL: %v", errno)
	}
	return flags&syscall.O_NONBLOCK != 0
}

// blockingPipe is a pipe as an editor hands it to the server: both ends blocking, unlike
// os.Pipe's.
func blockingPipe(t *testing.T) (r, w int) {
	t.Helper()
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(p[1]) })
	return p[0], p[1]
}

func TestPollableReadOfAPipe(t *testing.T) {
	r, w := blockingPipe(t)
	f, restore, ok := pollableRead(r, "pipe")
	if !ok {
		t.Fatal("a pipe of its own was left blocking")
	}
	defer f.Close()
	if !nonBlocking(t, r) {
		t.Fatal("the pipe is not non-blocking")
	}
	// Only a file the poller waits on takes a deadline: a blocking one answers
	// os.ErrNoDeadline.
	if err := f.SetReadDeadline(time.Now().Add(time.Minute)); err != nil {
		t.Fatalf("SetReadDeadline: %v (the read is not in the poller)", err)
	}
	go func() {
		time.Sleep(20 * time.Millisecond) // the read waits first, parked
		syscall.Write(w, []byte("Content-Length: 2\r\n\r\n{}"))
		syscall.Close(w)
	}()
	got, err := io.ReadAll(f)
	if err != nil || string(got) != "Content-Length: 2\r\n\r\n{}" {
		t.Fatalf("read %q, %v", got, err)
	}
	restore()
	if nonBlocking(t, r) {
		t.Fatal("restore left the pipe non-blocking")
	}
}

func TestPollableReadLeavesOthersAlone(t *testing.T) {
	regular, err := os.CreateTemp(t.TempDir(), "stdin")
	if err != nil {
		t.Fatal(err)
	}
	defer regular.Close()
	r, _ := blockingPipe(t)
	shared, err := syscall.Dup(r)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(shared)
	for _, c := range []struct {
		name   string
		fd     int
		others []int
	}{
		{"a regular file", int(regular.Fd()), nil},
		{"a pipe that another descriptor shares", r, []int{shared}},
	} {
		if _, _, ok := pollableRead(c.fd, c.name, c.others...); ok {
			t.Errorf("%s was made non-blocking", c.name)
		}
		if nonBlocking(t, c.fd) {
			t.Errorf("%s is non-blocking", c.name)
		}
	}
	syscall.Close(r)
}
