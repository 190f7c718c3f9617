package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// openPTY opens a pseudo-terminal pair: what a user's terminal gives the process.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Skipf("unlockpt: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Skipf("ptsname: %v", e)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("opening the pty's slave: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return m, s
}

func TestIsTerminal(t *testing.T) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	file, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for name, f := range map[string]*os.File{"/dev/null": null, "a file": file, "a pipe": w} {
		if isTerminal(f) {
			t.Errorf("%s is taken for a terminal", name)
		}
	}
	_, pts := openPTY(t)
	if !isTerminal(pts) {
		t.Errorf("a pseudo-terminal is not taken for a terminal")
	}
}

// The built binary writes the full form to a terminal (a pseudo-terminal here, as a
// user's shell gives it) and one line a finding to a pipe, as CI reads it. (/dev/null,
// where nothing can be seen, is TestIsTerminal's.)
func TestCheckFormatFollowsTheTerminal(t *testing.T) {
	corpus := filepath.Join("..", "..", "testdata", "system-design.notes")
	master, pts := openPTY(t)
	cmd := exec.Command(notesBinary, "--check", corpus)
	cmd.Stdout, cmd.Stderr = pts, io.Discard
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pts.Close() // the child holds its own copy; the master sees EOF once it exits
	var shown bytes.Buffer
	done := make(chan struct{})
	go func() { io.Copy(&shown, master); close(done) }()
	cmd.Wait()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the pseudo-terminal never closed")
	}
	text := strings.ReplaceAll(shown.String(), "\r\n", "\n")
	if !strings.Contains(text, "API --gateway") || !strings.Contains(text, "^") {
		t.Errorf("on a terminal: no source line with a caret under it:\n%.600s", text)
	}

	piped, _, _ := runNotes(t, ".", "--check", corpus)
	if strings.Contains(piped, "^") || strings.Count(piped, "\n") != 25 {
		t.Errorf("to a pipe: want 25 lines, one a finding:\n%.600s", piped)
	}
}
