// Command notesls-bench measures a language server over stdio on a notes workspace.
//
//	notesls-bench -workspace DIR [-file F] [-refs R] [-requests 1000] [-edits 200] [-insert x] [-seed S] [-json] -- CMD ARGS...
//
// It starts CMD (any LSP server: the command line is an argument), initializes it with
// DIR as the workspace folder, opens one file (-file, default DIR's biggest *.notes) and
// reports:
//   - initialize time, the time from didOpen to the first publishDiagnostics, and to the
//     first answered hover (sent right after didOpen, repeated while empty until the
//     diagnostics come);
//   - hover, definition and completion latency (p50, p99, max) over -requests requests
//     each, one at a time, at random positions (random line, random UTF-16 column);
//   - the same -requests times at the places that ask the workspace something: hover and
//     definition inside the file's [[references]], completion right after a " -- " of a
//     head and after "[[" with up to two characters typed; how many items or locations
//     the answers held, and how many definitions lead into another file;
//   - edit-to-diagnostics latency over -edits single-character incremental edits (insert
//     "x", or the -insert character, `\n` for Enter; then delete it), each until the next
//     publishDiagnostics of that version;
//   - the server's peak RSS (VmHWM) before shutdown.
//
// -scenario picks what to measure, comma-separated (default probes, all of the above):
//   - typing: a new entry (a path of the file, a new name, a [[reference]] to one of its
//     terms) typed a character at a time on a new last line of the -refs file (else the
//     opened one), each didChange followed at once by a completion at the cursor, as VS
//     Code sends them, and that version's diagnostics awaited; then taken away again;
//     -typing-entries N types N such entries in turn;
//   - enter: -edits Enters in the middle line of the opened file, each deleted again, to
//     that version's diagnostics;
//   - open: hover, definition and completion in turn at random positions during the first
//     second after didOpen, before the server has published anything.
//
// With -refs R (such as the refs.notes of `notesgen -refs`) it opens R as well, after
// the first file, and measures it the same way: first diagnostics and hover, the
// targeted requests, whose references resolve into the other files, and edits.
//
// Every wait is bounded (-timeout, -start-timeout, -deadline), so it never hangs; each
// kind of request gets an equal share of the time left. Exit status: 0 measured, 1 the
// server failed (could not start, initialize or open), 2 usage.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("notesls-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o Options
	fs.StringVar(&o.Workspace, "workspace", "", "workspace folder (required)")
	fs.StringVar(&o.File, "file", "", "file to open (default: the workspace's biggest *.notes other than -refs)")
	fs.StringVar(&o.Refs, "refs", "", "also open this file of [[references]] into the others and measure it (e.g. DIR/refs.notes of notesgen -refs)")
	fs.IntVar(&o.Requests, "requests", 1000, "hover, definition and completion requests, each")
	fs.IntVar(&o.Edits, "edits", 200, "single-character edits to time (inserts and deletes alternate)")
	insert := fs.String("insert", "x", `the character each edit types and deletes again, with Go escapes: "\\n" is Enter`)
	fs.Uint64Var(&o.Seed, "seed", 1, "seed for the random positions")
	fs.StringVar(&o.LanguageID, "language-id", "notes", "languageId sent in didOpen")
	fs.DurationVar(&o.Timeout, "timeout", 10*time.Second, "longest wait for one answer or one edit's diagnostics")
	fs.DurationVar(&o.StartTimeout, "start-timeout", 2*time.Minute, "longest wait for initialize and for the first diagnostics")
	fs.DurationVar(&o.Deadline, "deadline", 15*time.Minute, "the whole run stops measuring after this")
	fs.StringVar(&o.ServerStderr, "server-stderr", "", "copy the server's stderr to this file")
	scenarios := fs.String("scenario", "probes", "what to measure, comma-separated: probes (the requests and edits above), typing (an entry typed a character at a time, each followed by completion, diagnostics awaited), enter (Enter in the middle of the file), open (requests in the first second after didOpen)")
	fs.IntVar(&o.TypingEntries, "typing-entries", 1, "entries the typing scenario types, one after the other (each taken away before the next)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: notesls-bench -workspace DIR [flags] -- SERVER-COMMAND [ARGS...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	o.Command = fs.Args()
	typed, err := strconv.Unquote(`"` + *insert + `"`)
	if err != nil || utf8.RuneCountInString(typed) != 1 || typed == "\r" {
		fmt.Fprintf(stderr, "notesls-bench: -insert %q: want one character other than CR\n", *insert)
		return 2
	}
	o.Insert = typed
	if o.Scenarios, err = parseScenarios(*scenarios); err != nil {
		fmt.Fprintf(stderr, "notesls-bench: -scenario: %v\n", err)
		return 2
	}
	switch {
	case o.Workspace == "":
		fmt.Fprintln(stderr, "notesls-bench: -workspace is required")
		return 2
	case len(o.Command) == 0:
		fmt.Fprintln(stderr, "notesls-bench: no server command; put it after --")
		return 2
	case o.Requests < 0 || o.Edits < 0 || o.Timeout <= 0 || o.StartTimeout <= 0 || o.Deadline <= 0:
		fmt.Fprintln(stderr, "notesls-bench: counts must not be negative and timeouts must be positive")
		return 2
	}
	rep, err := Run(o)
	if err != nil {
		fmt.Fprintf(stderr, "notesls-bench: %v\n", err)
		if rep != nil && *asJSON {
			writeJSON(stdout, rep)
		}
		return 1
	}
	if *asJSON {
		writeJSON(stdout, rep)
	} else {
		writeTable(stdout, rep)
	}
	return 0
}

func writeJSON(w io.Writer, rep *Report) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(rep)
}

func writeTable(w io.Writer, r *Report) {
	fmt.Fprintf(w, "server      %s (pid %d, %s text sync)\n", strings.Join(r.Command, " "), r.ServerPID, r.TextSync)
	fmt.Fprintf(w, "workspace   %s (%d *.notes files)\n", r.Workspace, r.NotesFiles)
	fmt.Fprintf(w, "opened      %s (%d lines, %.1f MB%s)\n", r.File, r.FileLines, float64(r.FileBytes)/1e6, places(r.Targeted))
	if f := r.Refs; f != nil {
		fmt.Fprintf(w, "also opened %s (%d lines, %.1f MB%s)\n", f.File, f.FileLines, float64(f.FileBytes)/1e6, places(f.Targeted))
	}
	fmt.Fprintf(w, "initialize  %.1f ms\n", r.InitializeMs)
	writeFirst(w, "", r.FirstDiagnosticsMs, r.FirstDiagnostics, r.FirstHover)
	if f := r.Refs; f != nil {
		writeFirst(w, filepath.Base(f.File)+": ", f.FirstDiagnosticsMs, f.FirstDiagnostics, f.FirstHover)
	}
	fmt.Fprintln(w)
	type row struct {
		name string
		l    Latency
		show bool // the file had places for it
	}
	rows := []row{
		{"hover", r.Hover, true}, {"definition", r.Definition, true}, {"completion", r.Completion, true},
	}
	targeted := func(prefix string, t Targeted) []row {
		return []row{
			{prefix + "hover at [[ref]]", t.HoverAtReference, t.References > 0},
			{prefix + "definition at [[ref]]", t.DefinitionAtReference, t.References > 0},
			{prefix + `completion after " -- "`, t.CompletionAfterPath, t.PathOperators > 0},
			{prefix + "completion in [[", t.CompletionInReference, t.References > 0},
		}
	}
	probes := r.Hover.Count+r.Definition.Count+r.Completion.Count+r.EditToDiagnostics.Count > 0
	for i := range rows {
		rows[i].show = probes
	}
	if probes {
		rows = append(rows, targeted("", r.Targeted)...)
		rows = append(rows, row{"edit -> diagnostics", r.EditToDiagnostics, true})
		if f := r.Refs; f != nil {
			name := filepath.Base(f.File) + ": "
			rows = append(rows, targeted(name, f.Targeted)...)
			rows = append(rows, row{name + "edit -> diagnostics", f.EditToDiagnostics, true})
		}
	}
	if sc := r.Scenarios; sc != nil {
		if o := sc.Open; o != nil {
			rows = append(rows, row{"open: hover in the first second", o.Hover, true},
				row{"open: definition in the first second", o.Definition, true},
				row{"open: completion in the first second", o.Completion, true})
		}
		if ty := sc.Typing; ty != nil {
			name := "typing in " + filepath.Base(ty.File)
			rows = append(rows, row{name + ": keystroke -> completion", ty.KeystrokeToCompletion, true},
				row{name + ": keystroke -> diagnostics", ty.KeystrokeToDiagnostics, true})
		}
		if sc.Enter.Count > 0 {
			rows = append(rows, row{"enter in the middle -> diagnostics", sc.Enter, true})
		}
	}
	width := len("edit -> diagnostics")
	for _, x := range rows {
		if x.show {
			width = max(width, len(x.name))
		}
	}
	fmt.Fprintf(w, "%-*s %6s %6s %8s %6s %7s %10s %10s %10s %10s\n", width, "latency (ms)", "count", "errors", "timeouts", "empty", "items", "p50", "p99", "max", "mean")
	var firstErr string
	var cross []string
	for _, x := range rows {
		if !x.show {
			continue
		}
		l := x.l
		items := "-"
		if answered := l.Count - l.Errors; answered > 0 && (strings.Contains(x.name, "completion") || strings.Contains(x.name, "definition")) {
			items = fmt.Sprintf("%.1f", float64(l.Items)/float64(answered))
		}
		fmt.Fprintf(w, "%-*s %6d %6d %8d %6d %7s %10.3f %10.3f %10.3f %10.3f\n", width, x.name, l.Count, l.Errors, l.Timeouts, l.Empty, items, l.P50, l.P99, l.Max, l.Mean)
		if firstErr == "" && l.FirstError != "" {
			firstErr = x.name + ": " + l.FirstError
		}
		if strings.Contains(x.name, "definition at") && l.Count > 0 {
			cross = append(cross, fmt.Sprintf("%s %d of %d", x.name, l.CrossFile, l.Count-l.Errors))
		}
	}
	fmt.Fprintln(w, "(items: completion items or definition locations per answer)")
	fmt.Fprintln(w)
	if len(cross) > 0 {
		fmt.Fprintf(w, "cross-file  answers leading into another file: %s\n", strings.Join(cross, "; "))
	}
	if sc := r.Scenarios; sc != nil && len(sc.CPUMs) > 0 {
		var parts []string
		for _, name := range []string{"enter", "typing"} {
			if c, ok := sc.CPUMs[name]; ok {
				n := sc.Enter.Count
				if name == "typing" {
					n = sc.Typing.KeystrokeToDiagnostics.Count
				}
				parts = append(parts, fmt.Sprintf("%s %.0f ms (%.1f ms an edit)", name, c, c/float64(max(n, 1))))
			}
		}
		fmt.Fprintf(w, "server CPU  %s\n", strings.Join(parts, ", "))
	}
	if r.PeakRSSBytes > 0 {
		fmt.Fprintf(w, "peak RSS    %.1f MiB (VmHWM of pid %d)\n", float64(r.PeakRSSBytes)/(1<<20), r.ServerPID)
	} else {
		fmt.Fprintln(w, "peak RSS    not measured")
	}
	fmt.Fprintf(w, "shutdown    %s\n", r.Shutdown)
	if firstErr != "" {
		fmt.Fprintf(w, "first error %s\n", firstErr)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note        %s\n", n)
	}
}

// places says where a file has targeted requests to ask.
func places(t Targeted) string {
	return fmt.Sprintf("; %d [[references]], %d \" -- \" in heads", t.References, t.PathOperators)
}

func writeFirst(w io.Writer, prefix string, diagMs float64, diags int, h FirstHover) {
	if diagMs >= 0 {
		fmt.Fprintf(w, "%sfirst diagnostics  %.1f ms after didOpen (%d diagnostics)\n", prefix, diagMs, diags)
	} else {
		fmt.Fprintf(w, "%sfirst diagnostics  none received\n", prefix)
	}
	tries := "1 try"
	if h.Tries != 1 {
		tries = fmt.Sprintf("%d tries", h.Tries)
	}
	empty := ""
	if h.Empty {
		empty = ", empty"
	}
	if h.Ms >= 0 {
		fmt.Fprintf(w, "%sfirst hover        %.1f ms after didOpen (%s, line %d%s)\n", prefix, h.Ms, tries, h.At.Line+1, empty)
	} else {
		fmt.Fprintf(w, "%sfirst hover        no answer (%s)\n", prefix, tries)
	}
}
