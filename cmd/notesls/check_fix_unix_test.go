//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestWriteFileAtomicKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root can give a file to another user")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "a.notes")
	writeTestFile(t, p, "old\n", 0o644)
	const uid, gid = 12345, 23456
	if err := os.Chown(p, uid, gid); err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(p, []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	sys := st.Sys().(*syscall.Stat_t)
	if sys.Uid != uid || sys.Gid != gid {
		t.Errorf("owner after the fix = %d:%d, want %d:%d", sys.Uid, sys.Gid, uid, gid)
	}
}

// deadPID returns the id of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".notesls-") {
			out = append(out, e.Name())
		}
	}
	return out
}

// A file with two names is fixed in place: both names see the fix, one inode.
func TestCheckFixKeepsHardLinks(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.notes"), filepath.Join(dir, "b.txt")
	writeTestFile(t, a, "beta --x = two\nalpha = one  \n", 0o644)
	if err := os.Link(a, b); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runNotes(t, dir, "--check", "--fix", "a.notes"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := "alpha = one\nbeta -- x = two\n"
	for _, p := range []string{a, b} {
		if got, _ := os.ReadFile(p); string(got) != want {
			t.Errorf("%s: %q, want %q", p, got, want)
		}
	}
	sa, _ := os.Stat(a)
	sb, _ := os.Stat(b)
	if !os.SameFile(sa, sb) || sa.Sys().(*syscall.Stat_t).Nlink != 2 {
		t.Errorf("the names no longer share one file")
	}
	if l := leftovers(t, dir); len(l) != 0 {
		t.Errorf("left behind: %v", l)
	}
}

// A killed run's temporary files are removed by the next; the in-place write it left
// ready is finished before anything is read from the half-written file; a live run's
// files are left alone.
func TestCheckFixCleansAfterAKilledRun(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.notes")
	writeTestFile(t, a, "alpha = one\nbeta -- x = t", 0o644) // cut short by the kill
	dead := deadPID(t)
	junk := filepath.Join(dir, fmt.Sprintf(".a.notes.notesls-%d-123", dead))
	ready := filepath.Join(dir, fmt.Sprintf(".a.notes.notesls-%d-456.ready", dead))
	live := filepath.Join(dir, fmt.Sprintf(".a.notes.notesls-%d-789", os.Getpid()))
	writeTestFile(t, junk, "half a copy", 0o644)
	writeTestFile(t, ready, "alpha = one\nbeta -- x = two\n", 0o644)
	writeTestFile(t, live, "another run's, alive", 0o644)
	if _, stderr, code := runNotes(t, dir, "--check", "--fix", "a.notes"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if got, _ := os.ReadFile(a); string(got) != "alpha = one\nbeta -- x = two\n" {
		t.Errorf("a.notes: %q, want the text the killed run had ready", got)
	}
	if l := leftovers(t, dir); len(l) != 1 || l[0] != filepath.Base(live) {
		t.Errorf("left: %v, want only the live run's file", l)
	}
}

// SIGINT or SIGTERM in the middle of --fix: the file in flight is finished, the run ends
// with 130 or 143, every file is either as it was or fully fixed, and nothing is left.
func TestCheckFixInterrupted(t *testing.T) {
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			const n = 20
			for i := 0; i < n; i++ {
				writeTestFile(t, filepath.Join(dir, fmt.Sprintf("f%02d.notes", i)), "b --x = 2\na = 1  \n", 0o644)
			}
			cmd := exec.Command(notesBinary, "--check", "--fix", dir)
			cmd.Env = append(os.Environ(), fixPauseEnv+"=50ms")
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait until a first file is fixed, then interrupt.
			deadline := time.Now().Add(20 * time.Second)
			for time.Now().Before(deadline) {
				if got, _ := os.ReadFile(filepath.Join(dir, "f00.notes")); string(got) == "a = 1\nb -- x = 2\n" {
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != tc.code {
				t.Fatalf("exit %v, want %d; stderr %s", err, tc.code, stderr.String())
			}
			fixedCount := 0
			for i := 0; i < n; i++ {
				got, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("f%02d.notes", i)))
				switch string(got) {
				case "a = 1\nb -- x = 2\n":
					fixedCount++
				case "b --x = 2\na = 1  \n":
				default:
					t.Errorf("f%02d.notes half written: %q", i, got)
				}
			}
			if fixedCount == 0 || fixedCount == n || !strings.Contains(stderr.String(), fmt.Sprintf("stopped after fixing %d files", fixedCount)) {
				t.Errorf("%d of %d fixed; stderr %q", fixedCount, n, stderr.String())
			}
			if l := leftovers(t, dir); len(l) != 0 {
				t.Errorf("left behind: %v", l)
			}
		})
	}
}
