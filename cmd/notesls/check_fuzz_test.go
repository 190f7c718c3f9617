package main

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzCheck runs `notesls --check`'s whole pipeline in-process (run, as main calls it:
// discovery, reading, indexing, the report, --fix) on two files of arbitrary bytes, one
// in a subdirectory. Properties: no panic and no exit status 2; the JSON report parses
// strictly, names only those files at lines and columns inside them, and agrees with the
// exit status; after --fix no finding is fixable any more, the report --fix printed is
// the one a new check prints, and --fix kept every word and every other character.
func FuzzCheck(f *testing.F) {
	for _, seed := range checkSeeds(f) {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		if len(a)+len(b) > 1<<16 {
			return // bigger inputs find nothing more, and slow the fuzzer down
		}
		dir := t.TempDir()
		files := map[string][]byte{filepath.Join(dir, "a.notes"): a}
		if len(b) > 0 {
			files[filepath.Join(dir, "sub", "b.notes")] = b
		}
		for p, data := range files {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}

		checkJSON(t, dir, files, nil)
		fixed := checkJSON(t, dir, files, []string{"--fix"})
		after := checkJSON(t, dir, files, nil)
		if !bytes.Equal(fixed.raw, after.raw) {
			t.Fatalf("--fix reported\n%s\na check after it reports\n%s", fixed.raw, after.raw)
		}
		for _, d := range after.Diagnostics {
			if d.Fixable {
				t.Fatalf("after --fix, still fixable: %+v\nfile now %q", d, readBytes(t, d.Path))
			}
		}
		for p, old := range files {
			now := readBytes(t, p)
			wb, cb := contentSignature(string(old))
			wa, ca := contentSignature(string(now))
			if !maps.Equal(wb, wa) || !maps.Equal(cb, ca) {
				t.Fatalf("%s: --fix changed the content: words lost %v gained %v, characters lost %v gained %v\nbefore %q\n after %q",
					p, mapMinus(wb, wa), mapMinus(wa, wb), mapMinus(cb, ca), mapMinus(ca, cb), old, now)
			}
		}
	})
}

// checkReport is the JSON report, decoded strictly, and its bytes.
type checkReport struct {
	jsonReport
	raw []byte
}

// checkJSON runs `notesls --check --format json --fail-on info [extra] dir` in-process and
// checks its report against the files (as they are on disk now).
func checkJSON(t *testing.T, dir string, files map[string][]byte, extra []string) checkReport {
	t.Helper()
	args := append([]string{"--check", "--format", "json", "--fail-on", "info"}, extra...)
	args = append(args, dir)
	var stdout, stderr bytes.Buffer
	code := run(args, nil, &stdout, &stderr)
	if code != exitOK && code != exitFindings {
		t.Fatalf("notesls %s: exit %d: %s", strings.Join(args, " "), code, stderr.Bytes())
	}
	var rep checkReport
	rep.raw = stdout.Bytes()
	dec := json.NewDecoder(bytes.NewReader(rep.raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep.jsonReport); err != nil || dec.More() {
		t.Fatalf("notesls %s: the report does not parse (%v):\n%s", strings.Join(args, " "), err, rep.raw)
	}
	if rep.Files != len(files) {
		t.Fatalf("report of %d files, %d written", rep.Files, len(files))
	}
	if (code == exitFindings) != (len(rep.Diagnostics) > 0) {
		t.Fatalf("exit %d with %d findings at --fail-on info", code, len(rep.Diagnostics))
	}
	lines := map[string]int{}
	for p := range files {
		data := readBytes(t, p) // "\r\n" counts twice: an upper bound is enough here
		lines[p] = bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) + 1
	}
	for _, d := range rep.Diagnostics {
		n, ok := lines[d.Path]
		valid := ok && d.Line >= 1 && d.Line <= n && d.Column >= 1 && d.EndLine >= d.Line && d.EndLine <= n && d.EndColumn >= 1 &&
			(d.EndLine > d.Line || d.EndColumn >= d.Column) && d.Rule != "" && d.Message != "" &&
			slices.Contains([]string{"error", "warning", "info", "hint"}, d.Severity)
		for _, r := range d.Related {
			_, known := lines[r.Path]
			valid = valid && known && r.Line >= 1 && r.Line <= lines[r.Path] && r.Column >= 1
		}
		if !valid {
			t.Fatalf("notesls %s: finding %+v outside the files %v", strings.Join(args, " "), d, slices.Collect(maps.Keys(lines)))
		}
	}
	return rep
}

func readBytes(t *testing.T, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// checkSeeds are the rule fixtures (each alone, and each with the next as the second
// file, for the cross-file rules) and a few hostile shapes.
func checkSeeds(f *testing.F) [][2][]byte {
	paths, err := filepath.Glob(filepath.Join(repoRoot, "testdata", "rules", "*.notes"))
	if err != nil || len(paths) == 0 {
		f.Fatalf("rule fixtures: %v, %d found", err, len(paths))
	}
	var fixtures [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		fixtures = append(fixtures, data)
	}
	var seeds [][2][]byte
	for i, data := range fixtures {
		seeds = append(seeds, [2][]byte{data, nil}, [2][]byte{data, fixtures[(i+1)%len(fixtures)]})
	}
	for _, s := range []string{
		"",
		"\uFEFF",
		"\xff\xfe\x00a = b\n",
		"b = x\r\na = y\rc = [[a]] [[d]]\n\n\nz  --  y   = w \t\n",
		"a = https://x.io https://x.io\na = https://x.io\n",
		"[ ] paper https://x.io/p\n[x] done\n[] broken\n[ ]\n",
		"data store -- database = x\ndata stroe -- database = y\n01 alpha\n1. alpha\n2 alpha\nalpah\n",
		"API (application programming interface) = x\napplication programming interface\n",
		strings.Repeat("[[", 300) + strings.Repeat("]]", 299) + "\n",
		"a -- -- b = \n = \n -- \n:\n",
	} {
		seeds = append(seeds, [2][]byte{[]byte(s), nil}, [2][]byte{[]byte(s), []byte("a = defined here [[b]]\n")})
	}
	return seeds
}
