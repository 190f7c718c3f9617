package index

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// makeTree creates the files (slash-separated paths, relative to root) with small contents.
func makeTree(t *testing.T, root string, files ...string) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("term = def\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestDiscover(t *testing.T) {
	root := t.TempDir()
	makeTree(t, root,
		"a.notes", "b.txt", "README.md",
		"notes/x.txt", "notes/y.notes", "notes/deep/z.txt",
		"other/w.txt", "other/v.notes",
		".git/config.notes", "node_modules/pkg/p.notes", "sub/node_modules/q.notes",
		"sub/.git/r.notes", ".hidden/h.notes",
	)
	t.Chdir(root)

	tests := []struct {
		name   string
		paths  []string
		cfg    Config
		cfgDir string
		want   []string
	}{
		{"current directory", []string{"."}, DefaultConfig(), "",
			[]string{".hidden/h.notes", "a.notes", "notes/y.notes", "other/v.notes"}},
		{"include one level", []string{"."}, Config{Include: []string{"notes/*.txt"}}, ".",
			[]string{".hidden/h.notes", "a.notes", "notes/x.txt", "notes/y.notes", "other/v.notes"}},
		{"include recursive", []string{"."}, Config{Include: []string{"**/*.txt"}}, ".",
			[]string{".hidden/h.notes", "a.notes", "b.txt", "notes/deep/z.txt", "notes/x.txt", "notes/y.notes", "other/v.notes", "other/w.txt"}},
		{"globs relative to the config dir", []string{"notes"}, Config{Include: []string{"*.txt"}}, "notes",
			[]string{"notes/x.txt", "notes/y.notes"}},
		{"walked dir below the config dir", []string{"notes"}, Config{Include: []string{"notes/**/*.txt"}}, root,
			[]string{"notes/deep/z.txt", "notes/x.txt", "notes/y.notes"}},
		{"a file is taken as it is", []string{"README.md"}, DefaultConfig(), "",
			[]string{"README.md"}},
		{"files and dirs, sorted, without repeats", []string{"other", "a.notes", "other/v.notes", "./a.notes"}, DefaultConfig(), "",
			[]string{"a.notes", "other/v.notes"}},
		{"skipped dir given explicitly is walked", []string{"node_modules"}, DefaultConfig(), "",
			[]string{"node_modules/pkg/p.notes"}},
		{"no paths", nil, DefaultConfig(), "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Discover(tt.paths, tt.cfg, tt.cfgDir)
			if err != nil {
				t.Fatal(err)
			}
			for i := range got {
				got[i] = filepath.ToSlash(got[i])
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Discover(%q) = %q, want %q", tt.paths, got, tt.want)
			}
		})
	}
}

func TestDiscoverAbsolutePaths(t *testing.T) {
	root := t.TempDir()
	makeTree(t, root, "a.notes", "d/b.notes")
	got, err := Discover([]string{root}, DefaultConfig(), "")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(root, "a.notes"), filepath.Join(root, "d", "b.notes")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Discover(%q) = %q, want %q", root, got, want)
	}
}

func TestDiscoverMissingPath(t *testing.T) {
	root := t.TempDir()
	makeTree(t, root, "a.notes")
	missing := filepath.Join(root, "nope.notes")
	_, err := Discover([]string{filepath.Join(root, "a.notes"), missing}, DefaultConfig(), "")
	if err == nil || !strings.Contains(err.Error(), missing) {
		t.Fatalf("Discover with a missing path: err = %v, want one naming %s", err, missing)
	}
}

func TestDiscoverSymlinks(t *testing.T) {
	root := t.TempDir()
	makeTree(t, root, "real/a.notes")
	if err := os.Symlink(filepath.Join(root, "real", "a.notes"), filepath.Join(root, "link.notes")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	// A link to a directory is not followed (a loop of links must not hang the walk).
	if err := os.Symlink(root, filepath.Join(root, "real", "loop")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "gone"), filepath.Join(root, "dangling.notes")); err != nil {
		t.Fatal(err)
	}
	got, err := Discover([]string{root}, DefaultConfig(), "")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(root, "link.notes"), filepath.Join(root, "real", "a.notes")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Discover = %q, want %q", got, want)
	}
}
