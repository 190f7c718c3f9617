package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// withFormatter swaps formatSource for the test's duration, so that the fix machinery is
// tested apart from the formatter's rules.
func withFormatter(t *testing.T, f func([]byte, bool) []byte) {
	t.Helper()
	saved := formatSource
	formatSource = f
	t.Cleanup(func() { formatSource = saved })
}

// trimTrailing is a stand-in formatter: it trims trailing spaces of each line.
func trimTrailing(src []byte, _ bool) []byte {
	lines := strings.SplitAfter(string(src), "\n")
	for i, l := range lines {
		nl := strings.HasSuffix(l, "\n")
		l = strings.TrimRight(strings.TrimSuffix(l, "\n"), " ")
		if nl {
			l += "\n"
		}
		lines[i] = l
	}
	return []byte(strings.Join(lines, ""))
}

func writeTestFile(t *testing.T, p, content string, mode fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.notes")
	writeTestFile(t, p, "old\n", 0o640)
	if err := writeFileAtomic(p, []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "new\n" {
		t.Errorf("content = %q, want %q", got, "new\n")
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o640 {
		t.Errorf("mode = %v, want the original -rw-r-----", st.Mode())
	}
	assertOnlyFiles(t, dir, "a.notes")
}

func TestWriteFileAtomicKeepsSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.notes")
	link := filepath.Join(dir, "link.notes")
	writeTestFile(t, real, "old\n", 0o600)
	if err := os.Symlink("real.notes", link); err != nil {
		t.Skip("no symlinks:", err)
	}
	if err := writeFileAtomic(link, []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("the link was replaced by a file: %v %v", st.Mode(), err)
	}
	if got, _ := os.ReadFile(real); string(got) != "new\n" {
		t.Errorf("target content = %q", got)
	}
	assertOnlyFiles(t, dir, "link.notes", "real.notes")
}

func TestWriteFileAtomicReadOnly(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.notes")
	writeTestFile(t, p, "old\n", 0o444)
	err := writeFileAtomic(p, []byte("new\n"))
	if err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("writeFileAtomic on a read-only file: %v, want an error naming it", err)
	}
	if got, _ := os.ReadFile(p); string(got) != "old\n" {
		t.Errorf("read-only file changed to %q", got)
	}
	assertOnlyFiles(t, dir, "a.notes")
}

func TestWriteFileAtomicFailureLeavesOriginal(t *testing.T) {
	saved := renameFile
	renameFile = func(string, string) error { return errors.New("disk on fire") }
	t.Cleanup(func() { renameFile = saved })
	dir := t.TempDir()
	p := filepath.Join(dir, "a.notes")
	writeTestFile(t, p, "old\n", 0o644)
	err := writeFileAtomic(p, []byte("new\n"))
	if err == nil || !strings.Contains(err.Error(), "disk on fire") || !strings.Contains(err.Error(), p) {
		t.Fatalf("writeFileAtomic with a failing rename: %v", err)
	}
	if got, _ := os.ReadFile(p); string(got) != "old\n" {
		t.Errorf("original changed to %q", got)
	}
	assertOnlyFiles(t, dir, "a.notes") // the temporary file is gone
}

func TestFixFilesTouchesOnlyChangedFiles(t *testing.T) {
	withFormatter(t, trimTrailing)
	dir := t.TempDir()
	clean := filepath.Join(dir, "clean.notes")
	dirty := filepath.Join(dir, "dirty.notes")
	writeTestFile(t, clean, "a = b\n", 0o644)
	writeTestFile(t, dirty, "a = b   \nc\n", 0o600)
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	for _, p := range []string{clean, dirty} {
		if err := os.Chtimes(p, past, past); err != nil {
			t.Fatal(err)
		}
	}
	cleanBefore, err := os.Stat(clean)
	if err != nil {
		t.Fatal(err)
	}

	contents := map[string][]byte{clean: []byte("a = b\n"), dirty: []byte("a = b   \nc\n")}
	n, err := fixFiles([]string{clean, dirty}, contents, true)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("fixed %d files, want 1", n)
	}
	if st, _ := os.Stat(clean); !st.ModTime().Equal(past) || !os.SameFile(st, cleanBefore) {
		t.Errorf("the unchanged file was touched: mtime %v (was %v)", st.ModTime(), past)
	}
	st, _ := os.Stat(dirty)
	if st.ModTime().Equal(past) {
		t.Errorf("the changed file keeps its old mtime")
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("the changed file's mode = %v, want -rw-------", st.Mode())
	}
	if got, _ := os.ReadFile(dirty); string(got) != "a = b\nc\n" {
		t.Errorf("fixed content = %q", got)
	}
	if !bytes.Equal(contents[dirty], []byte("a = b\nc\n")) {
		t.Errorf("contents not updated to what was written: %q", contents[dirty])
	}
	assertOnlyFiles(t, dir, "clean.notes", "dirty.notes")
}

func TestDiffFiles(t *testing.T) {
	withFormatter(t, trimTrailing)
	var b bytes.Buffer
	contents := map[string][]byte{"d/clean.notes": []byte("a\n"), "d/dirty.notes": []byte("a \nb\n")}
	n, err := diffFiles(&b, []string{"d/clean.notes", "d/dirty.notes"}, contents, true)
	if err != nil {
		t.Fatal(err)
	}
	want := "--- a/d/dirty.notes\n+++ b/d/dirty.notes\n@@ -1,2 +1,2 @@\n-a \n+a\n b\n"
	if n != 1 || b.String() != want {
		t.Errorf("diffFiles = %d,\n%s\nwant 1,\n%s", n, b.String(), want)
	}
}

// assertOnlyFiles checks that dir holds exactly the names: no temporary file is left.
func assertOnlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(names, " ") {
		t.Errorf("directory holds %q, want %q", got, names)
	}
}

// TestFixFilesRefusesAChangedFile: a file saved by someone else after it was read is not
// overwritten with a fix of its old content.
func TestFixFilesRefusesAChangedFile(t *testing.T) {
	withFormatter(t, trimTrailing)
	dir := t.TempDir()
	p := filepath.Join(dir, "a.notes")
	writeTestFile(t, p, "saved by the editor \n", 0o644)
	_, err := fixFiles([]string{p}, map[string][]byte{p: []byte("as read \n")}, true)
	if err == nil || !strings.Contains(err.Error(), "changed on disk") {
		t.Fatalf("fixFiles over a changed file: %v, want a refusal", err)
	}
	if got, _ := os.ReadFile(p); string(got) != "saved by the editor \n" {
		t.Errorf("the newer content was overwritten: %q", got)
	}
}
