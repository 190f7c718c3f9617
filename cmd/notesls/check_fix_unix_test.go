//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
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
