package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// repoRoot is where the black-box tests run the binary, so that paths print as
// "testdata/...", as a user at the top of the repository sees them.
var repoRoot = filepath.Join("..", "..")

// runNotes runs the built binary in dir and returns its stdout, stderr and exit status.
func runNotes(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(notesBinary, args...)
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("run notesls %q: %v", args, err)
	}
	return out.String(), errOut.String(), code
}

// textFinding is one line of the default output, parsed.
type textFinding struct {
	path     string
	line     int
	col      int
	severity string
	message  string
	rule     string
}

var textLine = regexp.MustCompile(`^(.+?):(\d+):(\d+): (error|warning|info|hint): (.*) \[([a-z-]+)\]$`)

func parseText(t *testing.T, out string) []textFinding {
	t.Helper()
	var fs []textFinding
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if l == "" {
			continue
		}
		m := textLine.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("output line %q is not path:line:col: severity: message [rule]", l)
		}
		f := textFinding{path: m[1], severity: m[4], message: m[5], rule: m[6]}
		f.line, f.col = atoi(t, m[2]), atoi(t, m[3])
		fs = append(fs, f)
	}
	return fs
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCheckRealCorpus is the end-to-end golden test: on the real corpus, --check reports
// exactly the defects the spec lists, nothing more, and exits 1 (line 83 is an error).
func TestCheckRealCorpus(t *testing.T) {
	type key struct {
		line     int
		severity string
		rule     string
	}
	var want []key
	add := func(rule, severity string, lines ...int) {
		for _, l := range lines {
			want = append(want, key{l, severity, rule})
		}
	}
	add("malformed-separator", "error", 83)
	add("empty-definition", "warning", 349, 350, 354)
	add("duplicate-url", "warning", 309)
	add("redundant-stub", "info", 68, 382, 388, 488)
	// Near-duplicates: reported once a name, at its first line; here each has one match.
	add("near-duplicate", "info", 334, 475, 88, 120, 434, 441, 38, 362, 293, 301, 568, 569)
	add("unbalanced-brackets", "warning", 39, 82, 149, 281)

	stdout, stderr, code := runNotes(t, repoRoot, "--check", "testdata/system-design.notes")
	var got []key
	for _, f := range parseText(t, stdout) {
		if f.path != "testdata/system-design.notes" {
			t.Errorf("finding in %q, want testdata/system-design.notes", f.path)
		}
		got = append(got, key{f.line, f.severity, f.rule})
	}
	less := func(ks []key) func(i, j int) bool {
		return func(i, j int) bool {
			if ks[i].line != ks[j].line {
				return ks[i].line < ks[j].line
			}
			return ks[i].rule < ks[j].rule
		}
	}
	sort.Slice(want, less(want))
	sort.Slice(got, less(got))
	if !equalKeys(got, want) {
		t.Errorf("findings on the real corpus:\n got  %v\n want %v\nmissing %v\nextra   %v\n%s",
			got, want, minus(want, got), minus(got, want), stdout)
	}
	if code != 1 {
		t.Errorf("exit status %d, want 1 (line 83 is an error); stderr: %s", code, stderr)
	}
	count := map[string]int{}
	for _, k := range want {
		count[k.severity]++
	}
	summary := fmt.Sprintf("1 file, 582 lines: %s, %s, %s, 0 hints", plural(count["error"], "error"),
		plural(count["warning"], "warning"), plural(count["info"], "info"))
	if !strings.Contains(stderr, summary) {
		t.Errorf("summary on stderr = %q, want %q", stderr, summary)
	}
	// The whole output, messages included, is a golden file too.
	golden(t, "corpus.txt", []byte(stdout))
}

func equalKeys[K comparable](a, b []K) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// minus returns the elements of a not matched in b (as multisets).
func minus[K comparable](a, b []K) []K {
	left := map[K]int{}
	for _, k := range b {
		left[k]++
	}
	var out []K
	for _, k := range a {
		if left[k] > 0 {
			left[k]--
			continue
		}
		out = append(out, k)
	}
	return out
}

// TestCheckFormats runs each output format on a sample directory: a config with an include
// glob and a severity override, CRLF line ends, non-ASCII text (columns in code points), a
// skipped node_modules, and findings across files.
func TestCheckFormats(t *testing.T) {
	dir := filepath.Join("testdata", "check", "sample")
	for _, format := range []string{"text", "json", "sarif", "github"} {
		t.Run(format, func(t *testing.T) {
			stdout, stderr, code := runNotes(t, repoRoot, "--check", "--format", format, dir)
			if code != 1 {
				t.Errorf("exit status %d, want 1; stderr: %s", code, stderr)
			}
			out := stdout
			if format == "sarif" {
				// The tool version follows the build; the golden file holds a fixed one.
				out = regexp.MustCompile(`("driver": \{\s*"name": "notesls",\s*"version": )"[^"]*"`).
					ReplaceAllString(out, `$1"VERSION"`)
			}
			golden(t, "sample."+format, []byte(out))
		})
	}
}

// TestCheckSampleDetails checks by hand what the sample's golden files hold: the config was
// found and applied, the include glob and the skipped directory worked, and columns count
// code points on CRLF lines.
func TestCheckSampleDetails(t *testing.T) {
	stdout, _, _ := runNotes(t, repoRoot, "--check", "--format", "json", filepath.Join("testdata", "check", "sample"))
	var rep struct {
		Version     int `json:"version"`
		Files       int `json:"files"`
		Diagnostics []struct {
			Path, Severity, Rule, Message string
			Line, Column, EndLine         int
			EndColumn                     int `json:"endColumn"`
			Fixable                       bool
			Related                       []struct {
				Path         string
				Line, Column int
			}
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if rep.Version != 1 || rep.Files != 3 {
		t.Errorf("version %d, files %d; want 1 and 3 (a.notes, sub/b.notes, notes/c.txt)", rep.Version, rep.Files)
	}
	paths := map[string]bool{}
	type pos struct {
		rule      string
		line, col int
		endCol    int
	}
	var got []pos
	for _, d := range rep.Diagnostics {
		paths[filepath.ToSlash(d.Path)] = true
		if strings.HasSuffix(d.Path, "a.notes") {
			got = append(got, pos{d.Rule, d.Line, d.Column, d.EndColumn})
		}
		if d.Rule == "trailing-whitespace" && d.Severity != "warning" {
			t.Errorf("trailing-whitespace is %s, want warning from the sample's .notesls.json", d.Severity)
		}
	}
	if paths["testdata/check/sample/node_modules/d.notes"] {
		t.Error("node_modules was walked")
	}
	if !paths["testdata/check/sample/notes/c.txt"] {
		t.Error("notes/c.txt (the include glob) has no finding; its empty definition should be one")
	}
	// "café --crème = a drink \r\n": the hyphens are at code points 6-7 (bytes 7-8); the
	// trailing space at code point 23. CR is no white space to trim.
	for _, w := range []pos{{"malformed-separator", 1, 6, 8}, {"trailing-whitespace", 1, 23, 24}} {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			t.Errorf("no %s at 1:%d-%d in a.notes; got %v", w.rule, w.col, w.endCol, got)
		}
	}
}

func TestCheckExitStatus(t *testing.T) {
	ex := func(name string) string { return filepath.Join("testdata", "check", "exit", name) }
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"--check", ex("clean.notes")}, 0},
		{[]string{"--check", ex("error.notes")}, 1},
		{[]string{"--check", ex("warning.notes")}, 0},
		{[]string{"--check", "--fail-on", "warning", ex("warning.notes")}, 1},
		{[]string{"--check", "--fail-on=warning", ex("info.notes")}, 0},
		{[]string{"--check", "--fail-on", "info", ex("info.notes")}, 1},
		{[]string{"--check", "--fail-on", "warning", ex("hint.notes")}, 0},
		{[]string{"--check", "--fail-on", "info", ex("hint.notes")}, 1}, // info includes hints
		{[]string{"--check", "--fail-on", "info", ex("clean.notes")}, 0},
		{[]string{"--check", "--format", "json", ex("error.notes")}, 1},
		{[]string{"--check", "--format", "sarif", ex("clean.notes")}, 0},
		{[]string{"--check", ex("clean.notes"), ex("error.notes")}, 1},
	}
	for _, tt := range tests {
		_, stderr, code := runNotes(t, repoRoot, tt.args...)
		if code != tt.code {
			t.Errorf("notesls %s: exit status %d, want %d; stderr: %s", strings.Join(tt.args, " "), code, tt.code, stderr)
		}
	}
}

// TestCheckUsageErrors: a bad command line, a missing path, an unreadable file or a bad
// config exits 2 with one line on stderr naming the culprit, and nothing on stdout.
func TestCheckUsageErrors(t *testing.T) {
	dir := t.TempDir()
	writeTestFile(t, filepath.Join(dir, "a.notes"), "a = b\n", 0o644)
	badCfg := filepath.Join(dir, "bad")
	if err := os.Mkdir(badCfg, 0o755); err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, filepath.Join(badCfg, ".notesls.json"), `{"rules": {"unsorted": "loud"}}`, 0o644)
	writeTestFile(t, filepath.Join(badCfg, "x.notes"), "a = b\n", 0o644)
	unknownKey := filepath.Join(dir, "unknown.json")
	writeTestFile(t, unknownKey, `{"sort": true}`, 0o644)

	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"unknown flag", []string{"--check", "--frobnicate"}, []string{"--frobnicate"}},
		{"bad format", []string{"--check", "--format", "xml"}, []string{"xml"}},
		{"bad fail-on", []string{"--check", "--fail-on", "never"}, []string{"never"}},
		{"missing path", []string{"--check", filepath.Join(dir, "nope.notes")}, []string{"nope.notes", "no such file"}},
		{"missing among good", []string{"--check", filepath.Join(dir, "a.notes"), "missing-dir"}, []string{"missing-dir"}},
		{"bad config value", []string{"--check", badCfg}, []string{".notesls.json", `"unsorted"`, `"loud"`}},
		{"bad config from a file's directory", []string{"--check", filepath.Join(badCfg, "x.notes")}, []string{".notesls.json", `"unsorted"`}},
		{"unknown config key", []string{"--check", "--config", unknownKey, dir}, []string{"unknown.json", `"sort"`}},
		{"missing config", []string{"--check", "--config", filepath.Join(dir, "none.json"), dir}, []string{"none.json"}},
	}
	if _, err := os.Stat("/proc/self/mem"); err == nil {
		// Unreadable even for root: reading a process's memory at offset 0 fails.
		tests = append(tests, struct {
			name string
			args []string
			want []string
		}{"unreadable file", []string{"--check", "/proc/self/mem"}, []string{"/proc/self/mem"}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runNotes(t, dir, tt.args...)
			if code != 2 {
				t.Errorf("exit status %d, want 2; stderr: %s", code, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
				t.Errorf("stderr = %q, want exactly one line", stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not mention %s", stderr, w)
				}
			}
		})
	}
}

func TestCheckHelp(t *testing.T) {
	stdout, _, code := runNotes(t, repoRoot, "--check", "--help")
	if code != 0 || !strings.Contains(stdout, "usage: notesls --check") {
		t.Errorf("--help: status %d, output %q", code, stdout)
	}
}

// TestCheckDefaultsToCurrentDirectory: no PATH means ".", walked with its config.
func TestCheckDefaultsToCurrentDirectory(t *testing.T) {
	dir := t.TempDir()
	writeTestFile(t, filepath.Join(dir, "a.notes"), "API --gateway\n", 0o644)
	writeTestFile(t, filepath.Join(dir, "b.txt"), "proxy --reverse\n", 0o644)
	stdout, _, code := runNotes(t, dir, "--check")
	fs := parseText(t, stdout)
	if code != 1 || len(fs) != 1 || fs[0].path != "a.notes" || fs[0].rule != "malformed-separator" {
		t.Errorf("--check in a directory: status %d, findings %+v; want 1 malformed-separator in a.notes", code, fs)
	}
	// The config's include glob adds b.txt; turning the rule off empties the report.
	writeTestFile(t, filepath.Join(dir, ".notesls.json"), `{"include": ["*.txt"]}`, 0o644)
	stdout, _, _ = runNotes(t, dir, "--check")
	if fs := parseText(t, stdout); len(fs) != 2 || fs[1].path != "b.txt" {
		t.Errorf("with include *.txt: findings %+v, want a.notes and b.txt", fs)
	}
	writeTestFile(t, filepath.Join(dir, ".notesls.json"), `{"rules": {"malformed-separator": "off"}}`, 0o644)
	stdout, stderr, code := runNotes(t, dir, "--check")
	if code != 0 || stdout != "" {
		t.Errorf("with the rule off: status %d, output %q %q; want 0 and nothing", code, stdout, stderr)
	}
}

// TestCheckPositionsPointAtTheText checks lines and code-point columns on the real corpus,
// whose lines hold non-ASCII punctuation: each finding's range, cut out of the file by code
// points, is the text the rule is about.
func TestCheckPositionsPointAtTheText(t *testing.T) {
	stdout, _, _ := runNotes(t, repoRoot, "--check", "--format", "json", "testdata/system-design.notes")
	var rep struct {
		Diagnostics []struct {
			Rule                             string
			Line, Column, EndLine, EndColumn int
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(repoRoot, "testdata", "system-design.notes"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	check := map[string]func(string) bool{
		"malformed-separator": func(s string) bool { return strings.Trim(s, "-") == "" && s != "" },
		"duplicate-url":       func(s string) bool { return strings.HasPrefix(s, "http") && !strings.Contains(s, " ") },
		"unbalanced-brackets": func(s string) bool { return len(s) == 1 && strings.Contains(`()[]"`, s) },
		"empty-definition":    func(s string) bool { return s == "=" || s == "==" || s == ":" },
		"redundant-stub":      func(s string) bool { return s != "" && strings.TrimSpace(s) == s },
		"near-duplicate":      func(s string) bool { return s != "" && strings.TrimSpace(s) == s },
	}
	if len(rep.Diagnostics) == 0 {
		t.Fatal("no findings on the real corpus")
	}
	for _, d := range rep.Diagnostics {
		if d.EndLine != d.Line {
			t.Errorf("%s at %d:%d spans lines %d-%d", d.Rule, d.Line, d.Column, d.Line, d.EndLine)
			continue
		}
		line := []rune(lines[d.Line-1])
		if d.Column < 1 || d.EndColumn < d.Column || d.EndColumn-1 > len(line) {
			t.Errorf("%s at %d:%d-%d is outside its line of %d code points", d.Rule, d.Line, d.Column, d.EndColumn, len(line))
			continue
		}
		text := string(line[d.Column-1 : d.EndColumn-1])
		if ok := check[d.Rule]; ok != nil && !ok(text) {
			t.Errorf("%s at %d:%d-%d covers %q", d.Rule, d.Line, d.Column, d.EndColumn, text)
		}
	}
}

// TestCheckPathsEachByItsConfig: `--check A B` rules each path by its own nearest
// .notesls.json (a rule off and sorting off in one, a severity changed in the other),
// a finding across the two taking the severity of the file it is reported in; --config
// rules both; and --fix sorts only where sorting is on.
func TestCheckPathsEachByItsConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("one/.notesls.json", `{"rules": {"trailing-whitespace": "off"}, "sorting": false}`)
	write("two/.notesls.json", `{"rules": {"duplicate-line": "error"}}`)
	write("one/a.notes", "b = (first  \na = x\nshared = one line\n")
	write("two/b.notes", "d = (second  \nc = y\nshared = one line\n")
	findings := func(args ...string) string {
		t.Helper()
		out, stderr, _ := runNotes(t, dir, append([]string{"--check"}, args...)...)
		var got []string
		for _, f := range parseText(t, out) {
			got = append(got, fmt.Sprintf("%s:%d %s %s", f.path, f.line, f.rule, f.severity))
		}
		if strings.Contains(stderr, "error:") {
			t.Fatalf("stderr: %s", stderr)
		}
		return strings.Join(got, "\n")
	}
	want := strings.Join([]string{
		"one/a.notes:1 unbalanced-brackets warning",
		"two/b.notes:1 unsorted warning",
		"two/b.notes:1 unbalanced-brackets warning",
		"two/b.notes:1 trailing-whitespace hint",
		"two/b.notes:3 duplicate-line error",
	}, "\n")
	if got := findings("one", "two"); got != want {
		t.Errorf("each path by its own config:\n%s\nwant\n%s", got, want)
	}
	// The one-path case, as it always was: the second path's config rules its file alone.
	if got := findings("two"); !strings.Contains(got, "two/b.notes:1 unsorted warning") || strings.Contains(got, "one/") {
		t.Errorf("two alone:\n%s", got)
	}
	// --config rules every path.
	want = strings.Join([]string{
		"one/a.notes:1 unsorted warning",
		"one/a.notes:1 unbalanced-brackets warning",
		"one/a.notes:1 trailing-whitespace hint",
		"two/b.notes:1 unsorted warning",
		"two/b.notes:1 unbalanced-brackets warning",
		"two/b.notes:1 trailing-whitespace hint",
		"two/b.notes:3 duplicate-line error",
	}, "\n")
	if got := findings("--config", "two/.notesls.json", "one", "two"); got != want {
		t.Errorf("--config for both:\n%s\nwant\n%s", got, want)
	}
	// --fix sorts the blocks of two, not of one.
	if _, stderr, code := runNotes(t, dir, "--check", "--fix", "one", "two"); code == 2 {
		t.Fatalf("--fix: %s", stderr)
	}
	for name, want := range map[string]string{"one/a.notes": "b = (first\na = x\n", "two/b.notes": "c = y\nd = (second\n"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !strings.HasPrefix(string(data), want) {
			t.Errorf("%s after --fix: %q, want it to start %q", name, data, want)
		}
	}
}
