package main

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"

	"github.com/notesls/notesls/analysis"
	"github.com/notesls/notesls/index"
)

// Exit statuses of `notesls --check`.
const (
	exitOK       = 0 // nothing reached the failing severity (with --diff: nothing to change)
	exitFindings = 1 // a finding reached the failing severity (with --diff: a file would change)
	exitUsage    = 2 // a usage or I/O error: bad flag, missing path, unreadable file, bad config
)

const checkUsage = `usage: notesls --check [flags] [PATH...]

Checks notes files: each PATH is a file, or a directory walked for *.notes files and the
include globs of .notesls.json. No PATH means the current directory.

flags:
  --format text|full|json|sarif|github
                                    output format: text, one line a finding (the default
                                    when stdout is no terminal); full, each finding with
                                    its line and a caret under it, coloured unless
                                    NO_COLOR is set (the default on a terminal)
  --fail-on error|warning|info      lowest severity that makes the exit status 1
                                    (default error; info includes hints)
  --fix                             format the files and apply every safe fix, writing
                                    changed files in place, then report what remains
  --diff                            print the fixes as a unified diff instead of writing
                                    them; exit status 1 when a file would change
  --config FILE                     use FILE instead of the nearest .notesls.json
  --profile.cpu FILE                write a CPU profile of the check to FILE
  --version                         print the version and the build's revision
  --profile.mem FILE                write a heap profile to FILE once the report is out

exit status: 0 nothing reaches the failing severity, 1 something does,
             2 usage or I/O error.
`

// checkOptions are the parsed command line of `--check`.
type checkOptions struct {
	paths  []string
	format string
	// formatSet is true when --format was given; without it a terminal gets "full".
	formatSet bool
	// progress shows a progress line on stderr (a terminal) while many files are read.
	progress bool
	failOn   analysis.Severity // a finding at this severity or a more severe one fails
	fix      bool
	diff     bool
	config   string
	help     bool
	// cpuProfile names the file for a CPU profile of the check, for performance reports.
	cpuProfile string
	// memProfile names the file for a heap profile taken when the report has been
	// written, while the workspace and the findings are still live: the check's peak.
	memProfile string
}

// usageError is a bad command line or configuration; it exits with status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func parseCheckArgs(args []string) (checkOptions, error) {
	opts := checkOptions{format: "text", failOn: analysis.SeverityError}
	formatSet := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			opts.paths = append(opts.paths, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			opts.paths = append(opts.paths, a)
			continue
		}
		name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		value, hasValue := "", false
		if eq := strings.IndexByte(name, '='); eq >= 0 {
			name, value, hasValue = name[:eq], name[eq+1:], true
		}
		needValue := func() (string, error) {
			if hasValue {
				return value, nil
			}
			if i+1 >= len(args) {
				return "", usageError{fmt.Sprintf("flag --%s needs a value", name)}
			}
			i++
			return args[i], nil
		}
		switch name {
		case "check", "fix", "diff", "help", "h":
			if hasValue {
				return opts, usageError{fmt.Sprintf("flag --%s takes no value", name)}
			}
			switch name {
			case "fix":
				opts.fix = true
			case "diff":
				opts.diff = true
			case "help", "h":
				opts.help = true
			}
		case "format":
			v, err := needValue()
			if err != nil {
				return opts, err
			}
			switch v {
			case "text", "full", "json", "sarif", "github":
				opts.format, formatSet = v, true
			default:
				return opts, usageError{fmt.Sprintf("unknown --format %q (want text, full, json, sarif or github)", v)}
			}
		case "fail-on":
			v, err := needValue()
			if err != nil {
				return opts, err
			}
			switch v {
			case "error":
				opts.failOn = analysis.SeverityError
			case "warning":
				opts.failOn = analysis.SeverityWarning
			case "info":
				opts.failOn = analysis.SeverityHint
			default:
				return opts, usageError{fmt.Sprintf("unknown --fail-on %q (want error, warning or info)", v)}
			}
		case "config", "profile.cpu", "profile.mem":
			v, err := needValue()
			if err != nil {
				return opts, err
			}
			if v == "" {
				return opts, usageError{fmt.Sprintf("flag --%s needs a file name", name)}
			}
			switch name {
			case "config":
				opts.config = v
			case "profile.cpu":
				opts.cpuProfile = v
			default:
				opts.memProfile = v
			}
		default:
			return opts, usageError{fmt.Sprintf("unknown flag %s", a)}
		}
	}
	if opts.diff && formatSet {
		return opts, usageError{"--diff prints a unified diff; it takes no --format"}
	}
	if len(opts.paths) == 0 {
		opts.paths = []string{"."}
	}
	opts.formatSet = formatSet
	return opts, nil
}

// runCheck is `notesls --check`: it lints the notes files named by args and prints the
// findings; see checkUsage.
func runCheck(args []string, stdout, stderr io.Writer) int {
	opts, err := parseCheckArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "notesls: %v (see notesls --check --help)\n", err)
		return exitUsage
	}
	if opts.help {
		io.WriteString(stdout, checkUsage)
		return exitOK
	}
	if opts.cpuProfile != "" {
		stop, err := startCPUProfile(opts.cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "notesls: --profile.cpu: %v\n", err)
			return exitUsage
		}
		defer stop()
	}
	if !opts.formatSet && isTerminal(stdout) {
		opts.format = "full"
	}
	opts.progress = isTerminal(stderr)
	out := bufio.NewWriter(stdout)
	code, err := check(opts, out, stderr)
	if ferr := out.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("writing the report: %v", ferr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "notesls: %s\n", oneLine(err.Error()))
		return exitUsage
	}
	return code
}

// oneLine keeps an error message on one line, as the exit-2 contract promises.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// readFile is os.ReadFile, replaceable to test a file that vanishes after the walk.
var readFile = os.ReadFile

// readContents reads the discovered files and returns their texts and the paths read; a
// file removed since the walk is skipped with a warning.
func readContents(paths []string, stderr io.Writer, progress bool) (map[string][]byte, []string, error) {
	contents := make(map[string][]byte, len(paths))
	bar := newReadProgress(stderr, progress, len(paths))
	defer bar.done()
	var kept []string
	for _, p := range paths {
		data, err := readFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			// Deleted since the walk found it (an editor's save, a branch switch): the
			// others are still worth checking.
			fmt.Fprintf(stderr, "notesls: %s: removed while being checked; skipped\n", p)
			continue
		}
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return nil, nil, fmt.Errorf("%s: %v", p, err)
		}
		contents[p] = data
		kept = append(kept, p)
		bar.step(len(data))
	}
	return contents, kept, nil
}

// check runs one check; an error means exit status 2.
func check(opts checkOptions, out io.Writer, stderr io.Writer) (int, error) {
	cfg, scopes, paths, err := discoverConfigured(opts)
	if err != nil {
		return 0, err
	}
	contents, paths, err := readContents(paths, stderr, opts.progress)
	if err != nil {
		return 0, err
	}
	ws := index.NewWorkspace(cfg)
	if scopes != nil {
		ws.SetConfigs(cfg, scopes)
	}
	// sorting says whether a file's configuration sorts its blocks; the files are taken
	// in runs of one setting, in their order.
	sorting := ws.Snapshot().ConfigOf
	runs := func(do func(run []string, sorting bool) (int, error)) (int, error) {
		n := 0
		for lo := 0; lo < len(paths); {
			hi := lo + 1
			for hi < len(paths) && sorting(paths[hi]).Sorting == sorting(paths[lo]).Sorting {
				hi++
			}
			k, err := do(paths[lo:hi], sorting(paths[lo]).Sorting)
			n += k
			if err != nil {
				return n, err
			}
			lo = hi
		}
		return n, nil
	}

	if opts.diff {
		changed, err := runs(func(run []string, sorting bool) (int, error) { return diffFiles(out, run, contents, sorting) })
		if err != nil {
			return 0, err
		}
		if changed > 0 {
			return exitFindings, nil
		}
		return exitOK, nil
	}
	fixed := 0
	if opts.fix {
		if fixed, err = runs(func(run []string, sorting bool) (int, error) { return fixFiles(run, contents, sorting) }); err != nil {
			return 0, err
		}
	}

	limitMemory(contents)
	snap := ws.UpdateMany(contents)
	var w reportWriter
	switch opts.format {
	case "json":
		w = &jsonWriter{w: out}
	case "sarif":
		w = &sarifWriter{w: out, cfg: cfg, version: toolVersion()}
	case "github":
		w = &githubWriter{w: out}
	case "full":
		w = newFullWriter(out, contents, !noColor())
	default:
		w = &textWriter{w: out}
	}
	tot, err := writeReport(snap, paths, contents, w)
	if err != nil {
		return 0, err
	}
	// The findings go out before the summary, so that a terminal shows the summary last.
	if f, ok := out.(interface{ Flush() error }); ok {
		if err := f.Flush(); err != nil {
			return 0, fmt.Errorf("writing the report: %v", err)
		}
	}
	writeSummary(stderr, tot, fixed, opts.fix)
	if opts.memProfile != "" {
		writeHeapProfile(opts.memProfile, stderr)
		runtime.KeepAlive(snap)
	}
	if tot.fails(opts.failOn) {
		return exitFindings, nil
	}
	return exitOK, nil
}

// memoryPerInputByte is the heap budget of a check per byte of input: the index of a
// file takes about nine times its size, so a budget of ten lets a check finish without
// collecting garbage at all, while bounding what a pathological input can take.
//
// A messy file (a finding on half its lines) is where the budget is tight: at a million
// lines its index keeps 7.8 times the input, the near-duplicate and suggestion tables
// bring it to 8.8 by the end, and the whole check allocates 12.8 times (most of the
// rest is the suggestions of 53,000 broken references, made as their findings are
// printed). A budget of ten then costs a few collections in the last phase and keeps the
// process under 1 GB; a budget of thirteen would collect nothing and take 1.3 GB. The
// findings themselves are no longer what fills it: they are made one at a time as they
// are printed (held whole, they took 270 MB and the collector ran 18 times, not 11).
const memoryPerInputByte = 10

// memoryPerInputByteOfFiles is what a workspace of several files adds per byte of input:
// its workspace tables (1.3 at a million lines in 1,000 files), and each file's tables
// repeat the topic prefixes the files share; a check of 1M lines in 1,000 files allocates
// about fifteen times its input. A budget below what a check keeps would make the
// collector run without end.
const memoryPerInputByteOfFiles = 8

// minMemoryLimit keeps small checks from collecting garbage needlessly often.
const minMemoryLimit = 512 << 20

// limitMemory gives the check a memory budget sized to the input, unless GOMEMLIMIT or
// GOGC say otherwise: the collector runs only when the heap reaches the budget. A check
// keeps nearly everything it allocates until it ends, so collecting earlier (Go's default
// lets the heap double between collections) is work that frees little, and letting the heap
// double would take far more memory than a CI runner should need.
func limitMemory(contents map[string][]byte) {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		return
	}
	total := 0
	for _, c := range contents {
		total += len(c)
	}
	perByte := memoryPerInputByte
	if len(contents) > 1 {
		perByte += memoryPerInputByteOfFiles
	}
	debug.SetMemoryLimit(int64(max(minMemoryLimit, perByte*total)))
	debug.SetGCPercent(-1)
}

// discoverConfigured finds the files of the check, each path by its own configuration:
// --config for all, or else each path's nearest .notesls.json. It returns the
// configuration of the first path, and a scope for each path when theirs differ.
func discoverConfigured(opts checkOptions) (index.Config, []index.ConfigScope, []string, error) {
	if opts.config != "" || len(opts.paths) == 1 {
		cfg, cfgDir, err := loadConfig(opts)
		if err != nil {
			return index.Config{}, nil, nil, err
		}
		paths, err := index.Discover(opts.paths, cfg, cfgDir)
		return cfg, nil, paths, err
	}
	var scopes []index.ConfigScope
	var paths []string
	seen := map[string]bool{}
	differ := false
	firstFile := ""
	for i, p := range opts.paths {
		one := opts
		one.paths = []string{p}
		cfg, cfgDir, err := loadConfig(one)
		if err != nil {
			return index.Config{}, nil, nil, err
		}
		file := ""
		if cfgDir != "" {
			file = filepath.Join(cfgDir, index.ConfigFileName)
		}
		if i == 0 {
			firstFile = file
		} else if file != firstFile {
			differ = true
		}
		found, err := index.Discover([]string{p}, cfg, cfgDir)
		if err != nil {
			return index.Config{}, nil, nil, err
		}
		for _, f := range found {
			// A file under two paths is checked once, ruled by the deeper path's scope.
			if abs, err := filepath.Abs(f); err == nil && !seen[abs] {
				seen[abs] = true
				paths = append(paths, f)
			}
		}
		scopes = append(scopes, index.ConfigScope{Root: p, Config: cfg})
	}
	sort.Strings(paths)
	if !differ {
		return scopes[0].Config, nil, paths, nil
	}
	return scopes[0].Config, scopes, paths, nil
}

// loadConfig reads --config, or else the .notesls.json nearest to the first path. It
// returns the directory include globs are relative to.
func loadConfig(opts checkOptions) (index.Config, string, error) {
	if opts.config != "" {
		data, err := os.ReadFile(opts.config)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return index.Config{}, "", fmt.Errorf("%s: %v", opts.config, err)
		}
		cfg, err := index.ParseConfig(data)
		if err != nil {
			return index.Config{}, "", fmt.Errorf("%s: %v", opts.config, err)
		}
		return cfg, filepath.Dir(opts.config), nil
	}
	start := opts.paths[0]
	if info, err := os.Stat(start); err != nil || !info.IsDir() {
		start = filepath.Dir(start)
	}
	cfg, p, err := index.FindConfig(start)
	if err != nil {
		return index.Config{}, "", err
	}
	if p == "" {
		return cfg, "", nil
	}
	return cfg, filepath.Dir(p), nil
}

// A finding is a diagnostic with its positions resolved to 1-based lines and code-point
// columns. End positions are exclusive: the column just after the last character.
type finding struct {
	Path                 string
	Line, Column         int
	EndLine, EndColumn   int
	Severity             analysis.Severity
	Rule                 string
	Message              string
	Related              []relatedPos
	Fixable, Unnecessary bool
}

type relatedPos struct {
	Path         string
	Line, Column int
	Message      string
}

// A reportWriter prints a report in one format as the check resolves it, one finding at a
// time in output order, so that a check holds one file's findings rather than all of them:
// at a million lines with 450,000 findings, the whole report took 270 MB.
type reportWriter interface {
	begin(files int) error
	write(f *finding) error
	end() error
}

// reportTotals is what the summary and the exit status need of a report, counted as the
// findings go out.
type reportTotals struct {
	Files, Lines int
	bySeverity   [analysis.SeverityHint + 1]int
}

func (t *reportTotals) add(f *finding) { t.bySeverity[f.Severity]++ }

// fails tells whether a finding at failOn or a more severe one went out.
func (t *reportTotals) fails(failOn analysis.Severity) bool {
	for sev := analysis.SeverityError; sev <= failOn && sev <= analysis.SeverityHint; sev++ {
		if t.bySeverity[sev] > 0 {
			return true
		}
	}
	return false
}

// A placed diagnostic has its positions resolved, what ordering findings needs.
type placed struct {
	index.Diagnostic
	line, column, endLine, endColumn int
}

// writeReport resolves every file's diagnostics against the content the snapshot holds and
// hands them to w ordered by path, position, then severity, rule and message, so that the
// output is the same on every run.
//
// A file's diagnostics come ordered by offset, and a position grows with its offset: only
// those at one position may need reordering, so only they are held, not the file's.
func writeReport(snap *index.Snapshot, paths []string, contents map[string][]byte, w reportWriter) (reportTotals, error) {
	tot := reportTotals{Files: len(paths)}
	if err := w.begin(len(paths)); err != nil {
		return tot, err
	}
	indexes := map[string]*lineIndex{}
	lines := func(p string) *lineIndex {
		if x, ok := indexes[p]; ok {
			return x
		}
		src, ok := snap.Content(p)
		if !ok {
			src = contents[p]
		}
		x := newLineIndex(src)
		indexes[p] = x
		return x
	}
	var run []placed // the diagnostics at one position
	var f finding
	flush := func(path string) error {
		slices.SortStableFunc(run, func(a, b placed) int {
			if c := cmp.Compare(a.endLine, b.endLine); c != 0 {
				return c
			}
			if c := cmp.Compare(a.endColumn, b.endColumn); c != 0 {
				return c
			}
			if c := cmp.Compare(a.Severity, b.Severity); c != 0 {
				return c
			}
			if c := strings.Compare(a.Rule, b.Rule); c != 0 {
				return c
			}
			return strings.Compare(a.Message, b.Message)
		})
		for _, d := range run {
			f = finding{
				Path: path, Line: d.line, Column: d.column, EndLine: d.endLine, EndColumn: d.endColumn,
				Severity: d.Severity, Rule: d.Rule, Message: d.Message,
				Related: f.Related[:0], Fixable: d.Fixable, Unnecessary: d.Unnecessary,
			}
			if f.Related == nil {
				f.Related = []relatedPos{}
			}
			for _, r := range d.Related {
				rp := relatedPos{Path: r.Path, Message: r.Message}
				rp.Line, rp.Column = lines(r.Path).OffsetPosition(r.Span.Start)
				f.Related = append(f.Related, rp)
			}
			tot.add(&f)
			if err := w.write(&f); err != nil {
				return err
			}
		}
		clear(run) // let the messages go
		run = run[:0]
		return nil
	}
	// Discover lists distinct paths in order already; sorting a copy keeps the output
	// ordered by path whoever calls.
	byPath := slices.Clone(paths)
	sort.Strings(byPath)
	for _, p := range byPath {
		x := lines(p)
		tot.Lines += x.Lines()
		var err error
		snap.EachDiagnostic(p, func(d index.Diagnostic) bool {
			if d.Severity < analysis.SeverityError || d.Severity > analysis.SeverityHint {
				return true // turned off (RuleOff) or not a severity at all
			}
			pd := placed{Diagnostic: d}
			pd.line, pd.column = x.OffsetPosition(d.Span.Start)
			pd.endLine, pd.endColumn = x.OffsetPosition(d.Span.End)
			if len(run) > 0 && (run[0].line != pd.line || run[0].column != pd.column) {
				if err = flush(p); err != nil {
					return false
				}
			}
			run = append(run, pd)
			return true
		})
		if err == nil {
			err = flush(p)
		}
		if err != nil {
			return tot, err
		}
	}
	return tot, w.end()
}

// writeSummary prints the totals on stderr, e.g.
// "2 files, 610 lines: 1 error, 7 warnings, 10 infos, 0 hints".
func writeSummary(w io.Writer, tot reportTotals, fixed int, fix bool) {
	count := tot.bySeverity
	var b bytes.Buffer
	if fix {
		fmt.Fprintf(&b, "fixed %s; ", plural(fixed, "file"))
	}
	fmt.Fprintf(&b, "%s, %s: %s, %s, %s, %s\n",
		plural(tot.Files, "file"), plural(tot.Lines, "line"),
		plural(count[analysis.SeverityError], "error"), plural(count[analysis.SeverityWarning], "warning"),
		plural(count[analysis.SeverityInfo], "info"), plural(count[analysis.SeverityHint], "hint"))
	w.Write(b.Bytes())
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
