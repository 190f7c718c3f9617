// Command notesls-bench measures a language server over stdio on a notes workspace.
//
//	notesls-bench -workspace DIR [-requests 1000] [-edits 200] [-insert x] [-seed S] [-json] -- CMD ARGS...
//
// It starts CMD (any LSP server: the command line is an argument), initializes it with
// DIR as the workspace folder, opens DIR's biggest *.notes file and reports:
//   - initialize time and the time from didOpen to the first publishDiagnostics;
//   - hover, definition and completion latency (p50, p99, max) over -requests requests
//     each, one at a time, at random positions (random line, random UTF-16 column);
//   - edit-to-diagnostics latency over -edits single-character incremental edits (insert
//     "x", or the -insert character, `\n` for Enter; then delete it), each until the next
//     publishDiagnostics of that version;
//   - the server's peak RSS (VmHWM) before shutdown.
//
// Every wait is bounded (-timeout, -start-timeout, -deadline), so it never hangs. Exit
// status: 0 measured, 1 the server failed (could not start, initialize or open), 2 usage.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
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
	fs.StringVar(&o.File, "file", "", "file to open (default: the workspace's biggest *.notes)")
	fs.IntVar(&o.Requests, "requests", 1000, "hover, definition and completion requests, each")
	fs.IntVar(&o.Edits, "edits", 200, "single-character edits to time (inserts and deletes alternate)")
	insert := fs.String("insert", "x", `the character each edit types and deletes again, with Go escapes: "\\n" is Enter`)
	fs.Uint64Var(&o.Seed, "seed", 1, "seed for the random positions")
	fs.StringVar(&o.LanguageID, "language-id", "notes", "languageId sent in didOpen")
	fs.DurationVar(&o.Timeout, "timeout", 10*time.Second, "longest wait for one answer or one edit's diagnostics")
	fs.DurationVar(&o.StartTimeout, "start-timeout", 2*time.Minute, "longest wait for initialize and for the first diagnostics")
	fs.DurationVar(&o.Deadline, "deadline", 15*time.Minute, "the whole run stops measuring after this")
	fs.StringVar(&o.ServerStderr, "server-stderr", "", "copy the server's stderr to this file")
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
	fmt.Fprintf(w, "opened      %s (%d lines, %.1f MB)\n", r.File, r.FileLines, float64(r.FileBytes)/1e6)
	fmt.Fprintf(w, "initialize  %.1f ms\n", r.InitializeMs)
	if r.FirstDiagnosticsMs >= 0 {
		fmt.Fprintf(w, "first diagnostics  %.1f ms after didOpen (%d diagnostics)\n", r.FirstDiagnosticsMs, r.FirstDiagnostics)
	} else {
		fmt.Fprintln(w, "first diagnostics  none received")
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-20s %6s %6s %8s %6s %10s %10s %10s %10s\n", "latency (ms)", "count", "errors", "timeouts", "empty", "p50", "p99", "max", "mean")
	for _, row := range []struct {
		name string
		l    Latency
	}{{"hover", r.Hover}, {"definition", r.Definition}, {"completion", r.Completion}, {"edit -> diagnostics", r.EditToDiagnostics}} {
		l := row.l
		fmt.Fprintf(w, "%-20s %6d %6d %8d %6d %10.3f %10.3f %10.3f %10.3f\n", row.name, l.Count, l.Errors, l.Timeouts, l.Empty, l.P50, l.P99, l.Max, l.Mean)
	}
	fmt.Fprintln(w)
	if r.PeakRSSBytes > 0 {
		fmt.Fprintf(w, "peak RSS    %.1f MiB (VmHWM of pid %d)\n", float64(r.PeakRSSBytes)/(1<<20), r.ServerPID)
	} else {
		fmt.Fprintln(w, "peak RSS    not measured")
	}
	fmt.Fprintf(w, "shutdown    %s\n", r.Shutdown)
	for _, l := range []Latency{r.Hover, r.Definition, r.Completion, r.EditToDiagnostics} {
		if l.FirstError != "" {
			fmt.Fprintf(w, "first error %s\n", l.FirstError)
			break
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note        %s\n", n)
	}
}
