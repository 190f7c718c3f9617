package index

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// NotesExt is the extension of notes files, always indexed when a directory is walked.
const NotesExt = ".notes"

// skipDirs are directories never walked into: version control and package caches hold
// copies, not the user's notes.
var skipDirs = map[string]bool{".git": true, "node_modules": true}

// Discover expands paths into the notes files to check. A file is taken as it is, whatever
// its name. A directory is walked for `*.notes` files and for files matching one of
// cfg.Include, whose patterns are relative to cfgDir (the config file's directory; "" means
// the current directory). `.git` and `node_modules` are skipped. The result is sorted and
// without repeats (one file reached twice is listed once, spelled as first reached). A
// missing path is an error naming it.
func Discover(paths []string, cfg Config, cfgDir string) ([]string, error) {
	baseAbs := ""
	if len(cfg.Include) > 0 {
		var err error
		if cfgDir == "" {
			cfgDir = "."
		}
		if baseAbs, err = filepath.Abs(cfgDir); err != nil {
			return nil, err
		}
	}
	seen := map[string]bool{}
	var files []string
	add := func(p string) error {
		abs, err := filepath.Abs(p)
		if err != nil {
			return err
		}
		if !seen[abs] {
			seen[abs] = true
			files = append(files, p)
		}
		return nil
	}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			return nil, pathError(root, err)
		}
		if !info.IsDir() {
			if err := add(root); err != nil {
				return nil, err
			}
			continue
		}
		rootAbs, err := filepath.Abs(root)
		if err != nil {
			return nil, err
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return pathError(p, err)
			}
			if d.IsDir() {
				if p != root && skipDirs[d.Name()] {
					return filepath.SkipDir
				}
				return nil
			}
			if !wanted(p, d, rootAbs, root, baseAbs, cfg.Include) {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				// A link is followed to a regular file only; links to directories are not
				// walked, which also keeps a cycle of links from looping.
				if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
					return nil
				}
			} else if !d.Type().IsRegular() {
				return nil
			}
			return add(p)
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(files)
	return files, nil
}

// wanted reports whether the walked file p is a notes file: named `*.notes`, or matching an
// include pattern relative to baseAbs.
func wanted(p string, d fs.DirEntry, rootAbs, root, baseAbs string, include []string) bool {
	if strings.HasSuffix(d.Name(), NotesExt) {
		return true
	}
	if len(include) == 0 {
		return false
	}
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return false
	}
	rel, err = filepath.Rel(baseAbs, filepath.Join(rootAbs, rel))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return false
	}
	rel = filepath.ToSlash(rel)
	for _, pattern := range include {
		if MatchGlob(pattern, rel) {
			return true
		}
	}
	return false
}

func pathError(p string, err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return fmt.Errorf("%s: %v", p, pe.Err)
	}
	return fmt.Errorf("%s: %v", p, err)
}
