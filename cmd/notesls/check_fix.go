package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

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
// touched at all, so its modification time stays. SIGINT or SIGTERM lets the file being
// written finish, then ends the run with 130 or 143: no file is left half written and no
// temporary file is left behind.
func fixFiles(paths []string, contents map[string][]byte, sorting bool) (int, error) {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(stop)
	pause, _ := time.ParseDuration(os.Getenv(fixPauseEnv))
	fixed := 0
	for _, p := range paths {
		select {
		case sig := <-stop:
			exitInterrupted(sig, fixed)
		default:
		}
		old := contents[p]
		// A run killed while writing this file in place left its new text ready: finish
		// that first, and fix what it wrote, not the half-written file read before.
		restored, err := cleanStaleTemps(p)
		if err != nil {
			return fixed, fmt.Errorf("%s: %v", p, err)
		}
		if restored != nil {
			old = restored
			contents[p] = restored
		}
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
		time.Sleep(pause)
	}
	select {
	case sig := <-stop:
		exitInterrupted(sig, fixed)
	default:
	}
	return fixed, nil
}

// fixPauseEnv makes --fix wait after each file it writes, so that a test can interrupt it
// in the middle of a run.
const fixPauseEnv = "NOTESLS_TEST_FIX_PAUSE"

// exitInterrupted ends an interrupted --fix the way shells report a signal: 128 + its
// number.
func exitInterrupted(sig os.Signal, fixed int) {
	code := 130
	if sig == syscall.SIGTERM {
		code = 143
	}
	fmt.Fprintf(os.Stderr, "notesls: %v: stopped after fixing %d files; none is left half written\n", sig, fixed)
	os.Exit(code)
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
// original. A symbolic link is followed, so the link stays a link. A file with other hard
// links is written in place instead, after the synced copy is marked ready (see
// writeInPlace), so every name keeps seeing one file. A read-only file is an error rather
// than silently replaced.
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
	tmp, err := os.CreateTemp(dir, tempPrefix(target)+"*")
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
	if hardLinks(info) > 1 {
		return writeInPlace(path, target, tmp.Name())
	}
	if err = renameFile(tmp.Name(), target); err != nil {
		return fmt.Errorf("%s: %v", path, unwrapPathError(err))
	}
	syncDir(dir)
	return nil
}

// syncDir syncs a directory so that a rename in it survives a crash. Not every system can
// sync a directory; the file is in place either way.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// tempPrefix names the temporary files of target: hidden, after the file, with this
// process's id, so that a later run can tell a dead run's leftovers from a live one's.
func tempPrefix(target string) string {
	return fmt.Sprintf(".%s.notesls-%d-", filepath.Base(target), os.Getpid())
}

// readySuffix marks a synced copy about to be written into a hard-linked file in place:
// if the run dies while writing, the copy holds the whole new content.
const readySuffix = ".ready"

// writeInPlace writes the synced copy at tmp into target's own inode, so that its other
// names see the new text too. The copy is renamed ".ready" first: a run killed while
// writing leaves it, and the next run finishes the write from it (cleanStaleTemps).
func writeInPlace(path, target, tmp string) error {
	ready := tmp + readySuffix
	if err := os.Rename(tmp, ready); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: %v", path, unwrapPathError(err))
	}
	syncDir(filepath.Dir(target))
	if err := copyInto(ready, target); err != nil {
		return fmt.Errorf("%s: writing in place (the new text is kept in %s): %v", path, ready, err)
	}
	os.Remove(ready)
	return nil
}

// copyInto overwrites target's content with src's, then syncs it.
func copyInto(src, target string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return unwrapPathError(err)
	}
	f, err := os.OpenFile(target, os.O_WRONLY, 0)
	if err != nil {
		return unwrapPathError(err)
	}
	if _, err := f.WriteAt(data, 0); err != nil {
		f.Close()
		return unwrapPathError(err)
	}
	if err := f.Truncate(int64(len(data))); err != nil {
		f.Close()
		return unwrapPathError(err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return unwrapPathError(err)
	}
	return f.Close()
}

// cleanStaleTemps removes the temporary files that runs no longer alive left beside the
// file at path (killed between writing and renaming), and finishes an in-place write one
// left ready, returning the text it wrote (nil when there was none). Another live run's
// files are left alone.
func cleanStaleTemps(path string) ([]byte, error) {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	prefix := "." + filepath.Base(target) + ".notesls-"
	dir := filepath.Dir(target)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	var restored []byte
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, prefix) || !e.Type().IsRegular() {
			continue
		}
		pid, ok := tempOwner(strings.TrimPrefix(name, prefix))
		if !ok || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		stale := filepath.Join(dir, name)
		if strings.HasSuffix(name, readySuffix) {
			if err := copyInto(stale, target); err != nil {
				return nil, fmt.Errorf("finishing the write a killed run left in %s: %v", name, err)
			}
			if restored, err = os.ReadFile(target); err != nil {
				return nil, unwrapPathError(err)
			}
		}
		os.Remove(stale)
	}
	return restored, nil
}

// tempOwner reads the process id out of what follows a temporary file's prefix:
// "PID-RANDOM" or "PID-RANDOM.ready".
func tempOwner(rest string) (int, bool) {
	pidText, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	pid, err := strconv.Atoi(pidText)
	return pid, err == nil && pid > 0
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
