//go:build unix

package main

import (
	"io"
	"os"
	"syscall"
)

// pollableStdin returns stdin as a file that the Go runtime's poller waits on, and a
// function that gives the descriptor back its blocking mode at exit.
//
// A read of a blocking stdin is a system call, and its thread keeps its P (its slot to
// run Go code) while it waits. The goroutine of the request just read waits on that P
// until the runtime takes it back, which can be 10 ms, or until the other core's work
// pauses: an execution trace of typing showed completions answered in 1 ms waiting 5 ms
// for it. A read parked in the poller leaves the P to the request.
func pollableStdin() (io.Reader, func()) {
	if f, restore, ok := pollableRead(0, "/dev/stdin", 1, 2); ok {
		return f, restore
	}
	return os.Stdin, func() {}
}

// pollableRead makes fd non-blocking and returns a file over it that the poller waits on,
// with the function that makes fd blocking again. It changes only a pipe or a socket
// that none of others shares: O_NONBLOCK belongs to the open file, which a terminal
// shares with the shell, and which a socket that is stdout too shares with os.Stdout,
// whose writes would then fail instead of waiting.
func pollableRead(fd int, name string, others ...int) (_ *os.File, restore func(), ok bool) {
	var st syscall.Stat_t
	if syscall.Fstat(fd, &st) != nil {
		return nil, nil, false
	}
	if kind := st.Mode & syscall.S_IFMT; kind != syscall.S_IFIFO && kind != syscall.S_IFSOCK {
		return nil, nil, false
	}
	for _, o := range others {
		var ost syscall.Stat_t
		if syscall.Fstat(o, &ost) == nil && ost.Dev == st.Dev && ost.Ino == st.Ino {
			return nil, nil, false
		}
	}
	// A copy of the descriptor restores the mode even after the session closed fd.
	keep, err := syscall.Dup(fd)
	if err != nil {
		return nil, nil, false
	}
	if syscall.SetNonblock(fd, true) != nil {
		syscall.Close(keep)
		return nil, nil, false
	}
	restore = func() {
		_ = syscall.SetNonblock(keep, false)
		_ = syscall.Close(keep)
	}
	return os.NewFile(uintptr(fd), name), restore, true
}
