package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/notesls/notesls/analysis"
)

// formatSource returns the canonical form of a notes file with every safe fix applied:
// analysis.Fix is analysis.Format (trailing white space, path operators, space runs,
// sorting, final newline) plus dropping a URL repeated in one line. It is a variable so
// that the fix machinery can be tested on its own.
var formatSource = analysis.Fix

// renameFile is os.Rename, replaceable to test a failure of the last step.
var renameFile = os.Rename

// fixFiles formats every file and writes those that change, atomically; contents is updated
// to what is now on disk. It returns how many files were written. An unchanged file is not
// touched at all, so its modification time stays.
func fixFiles(paths []string, contents map[string][]byte, sorting bool) (int, error) {
	fixed := 0
	for _, p := range paths {
		old := contents[p]
		formatted := formatSource(old, sorting)
		if bytes.Equal(old, formatted) {
			continue
		}
		// An editor may have saved the file since it was read: then the fix would undo
		// that save. Refuse rather than lose it.
		if now, err := os.ReadFile(p); err != nil || !bytes.Equal(now, old) {
			return fixed, fmt.Errorf("%s: changed on disk while being checked; not fixed", p)
		}
		if err := writeFileAtomic(p, formatted); err != nil {
			return fixed, err
		}
		contents[p] = formatted
		fixed++
	}
	return fixed, nil
}

// diffFiles prints a unified diff of what --fix would change and reports how many files
// would change.
func diffFiles(w io.Writer, paths []string, contents map[string][]byte, sorting bool) (int, error) {
	changed := 0
	for _, p := range paths {
		old := contents[p]
		formatted := formatSource(old, sorting)
		if bytes.Equal(old, formatted) {
			continue
		}
		changed++
		name := strings.TrimPrefix(filepath.ToSlash(p), "/")
		if _, err := io.WriteString(w, unifiedDiff("a/"+name, "b/"+name, old, formatted)); err != nil {
			return changed, err
		}
	}
	return changed, nil
}

// writeFileAtomic replaces the file at path with data so that a reader (or a crash) sees
// either the old or the new content, never a mix: it writes a temporary file in the same
// directory, syncs it, gives it the original's permission bits, and renames it over the
// original. A symbolic link is followed, so the link stays a link. A read-only file is an
// error rather than silently replaced.
func writeFileAtomic(path string, data []byte) (err error) {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("%s: %v", path, unwrapPathError(err))
	}
	info, err := os.Stat(target)
	if err != nil {
		return fmt.Errorf("%s: %v", path, unwrapPathError(err))
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file", path)
	}
	if info.Mode().Perm()&0o222 == 0 {
		return fmt.Errorf("%s: file is read-only; not fixed", path)
	}
	dir := filepath.Dir(target)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".notesls-*")
	if err != nil {
		return fmt.Errorf("%s: %v", path, unwrapPathError(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("%s: %v", path, unwrapPathError(err))
	}
	keepOwner(tmp, info)
	mode := info.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
	if err = tmp.Chmod(mode); err != nil {
		return fmt.Errorf("%s: %v", path, unwrapPathError(err))
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("%s: %v", path, unwrapPathError(err))
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("%s: %v", path, unwrapPathError(err))
	}
	if err = renameFile(tmp.Name(), target); err != nil {
		return fmt.Errorf("%s: %v", path, unwrapPathError(err))
	}
	// Sync the directory so that the rename itself survives a crash. Not every system can
	// sync a directory; the file is in place either way.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
