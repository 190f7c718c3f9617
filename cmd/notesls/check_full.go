package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/notesls/notesls/analysis"
)

// fullWriter prints each finding as the text format does, then the line it is on with a
// caret under its range, the way compilers show errors in a terminal.
type fullWriter struct {
	w        io.Writer
	contents map[string][]byte
	color    bool
	indexes  map[string]*lineIndex
	buf      bytes.Buffer
}

func newFullWriter(w io.Writer, contents map[string][]byte, color bool) *fullWriter {
	return &fullWriter{w: w, contents: contents, color: color, indexes: map[string]*lineIndex{}}
}

func (f *fullWriter) begin(int) error { return nil }
func (f *fullWriter) end() error      { return nil }

// ANSI styles: bold, and a colour a severity.
const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
)

var severityColor = map[analysis.Severity]string{
	analysis.SeverityError:   "\x1b[1;31m",
	analysis.SeverityWarning: "\x1b[1;33m",
	analysis.SeverityInfo:    "\x1b[1;36m",
	analysis.SeverityHint:    "\x1b[2m",
}

func (f *fullWriter) style(s, text string) string {
	if !f.color || s == "" {
		return text
	}
	return s + text + ansiReset
}

func (f *fullWriter) write(d *finding) error {
	b := &f.buf
	b.Reset()
	sev := severityColor[d.Severity]
	fmt.Fprintf(b, "%s: %s: %s %s\n", f.style(ansiBold, fmt.Sprintf("%s:%d:%d", d.Path, d.Line, d.Column)),
		f.style(sev, d.Severity.String()), lineBreaks.Replace(d.Message), f.style(ansiDim, "["+d.Rule+"]"))
	if line, ok := f.sourceLine(d.Path, d.Line); ok {
		num := strconv.Itoa(d.Line)
		gutter := fmt.Sprintf("%*s | ", len(num), "")
		fmt.Fprintf(b, "%s%s\n", f.style(ansiDim, num+" | "), shown(line))
		// Columns count code points, as the shown line does; a range running past its
		// line is underlined to the line's end.
		width := utf8.RuneCount(line)
		start := min(max(d.Column-1, 0), width)
		end := width
		if d.EndLine == d.Line {
			end = min(max(d.EndColumn-1, start), width)
		}
		carets := max(end-start, 1)
		fmt.Fprintf(b, "%s%s%s\n", f.style(ansiDim, gutter), bytes.Repeat([]byte{' '}, start), f.style(sev, string(bytes.Repeat([]byte{'^'}, carets))))
	}
	for _, r := range d.Related {
		fmt.Fprintf(b, "  %s %s:%d:%d: %s\n", f.style(ansiDim, "note:"), r.Path, r.Line, r.Column, r.Message)
	}
	_, err := f.w.Write(b.Bytes())
	return err
}

// sourceLine returns line n (1-based) of the file, without its line end.
func (f *fullWriter) sourceLine(path string, n int) ([]byte, bool) {
	src, ok := f.contents[path]
	if !ok {
		return nil, false
	}
	x, ok := f.indexes[path]
	if !ok {
		x = newLineIndex(src)
		f.indexes[path] = x
	}
	if n < 1 || n > len(x.starts) {
		return nil, false
	}
	start := x.starts[n-1]
	end, _ := analysis.LineEnd(src, start)
	return src[start:end], true
}

// shown makes a line safe to print on one terminal line: a tab or control character
// becomes one space, so that the caret below stays under its column.
func shown(line []byte) string {
	out := make([]rune, 0, len(line))
	for _, r := range string(line) {
		if r < ' ' || r == 0x7f {
			r = ' '
		}
		out = append(out, r)
	}
	return string(out)
}

// noColor reports whether colour is off: NO_COLOR set (https://no-color.org), or a dumb
// terminal.
func noColor() bool {
	_, set := os.LookupEnv("NO_COLOR")
	return set || os.Getenv("TERM") == "dumb"
}

// isTerminal reports whether w is a terminal. Being a character device is not enough:
// /dev/null is one, and `notesls --check > /dev/null` (for the exit status alone) got
// the coloured form with every source line, which at a million messy lines allocated
// 600 MB more than the text form.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0 && isTTY(f)
}

// readProgress shows "reading N/M files" on a terminal's stderr while a large workspace
// is read, at most ten times a second, and clears it when done.
type readProgress struct {
	w           io.Writer
	on          bool
	total, read int
	bytes       int
	last        time.Time
	shown       bool
}

// progressFrom is the workspace size from which reading shows progress.
const progressFrom = 200

func newReadProgress(w io.Writer, terminal bool, total int) *readProgress {
	return &readProgress{w: w, on: terminal && total >= progressFrom, total: total, last: time.Now()}
}

func (p *readProgress) step(n int) {
	p.read++
	p.bytes += n
	if !p.on || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	p.shown = true
	fmt.Fprintf(p.w, "\rnotesls: reading %d/%d files (%.1f MB)\x1b[K", p.read, p.total, float64(p.bytes)/1e6)
}

func (p *readProgress) done() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
