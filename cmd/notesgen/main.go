// Command notesgen writes a synthetic notes corpus for benchmarks and tests.
//
//	notesgen -lines N -seed S [-o FILE] [-files K -dir DIR [-refs N]] [-defects RATE] [-RULE RATE ...]
//
// The corpus recombines the vocabulary and line shapes of the real corpus
// (testdata/system-design.notes): topic paths of one to four segments, every separator,
// URLs, [[references]] to terms that exist, tasks, +++ markers, aliases such as (ABC) and
// numbered siblings. Top-level topics are numbered variants of the real names once those
// run out, so the number of distinct terms grows with N. Lines are sorted as the spec
// requires (case-folded, then bytes) within one block.
//
// A small share of lines carries each defect a checker should find: -defects sets the
// share for every kind, and a flag named after a rule (-near-duplicate 0.01) sets one.
// The same flags always give the same bytes. -defects 0.06 makes a messy corpus, with
// about 45% of lines flagged. Misspellings are finite: a near-duplicate must pair with one
// vocabulary name only (about 2900 fit) and a broken reference must name nothing (about
// 116,000); a rate that asks for more is capped, and -stats prints "of N asked: capped".
//
// With -dir, -refs N also writes refs.notes beside the corpus files: N entries filed under
// topics of the corpus, whose bodies reference terms of the other files (by full path,
// last segment or alias), a share -refs-broken of them misspelled so that they resolve to
// nothing. It is the file a user keeps open while the rest of the workspace sits on disk,
// and it leaves the corpus files unchanged.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("notesgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lines := fs.Int("lines", 1000, "number of lines to write (all files together)")
	seed := fs.Uint64("seed", 1, "random seed; the same flags give the same bytes")
	out := fs.String("o", "", "output file (default: standard output)")
	files := fs.Int("files", 1, "split the corpus into this many files, each sorted (needs -dir)")
	dir := fs.String("dir", "", "directory for -files output, created if missing")
	rate := fs.Float64("defects", DefaultDefectRate, "share of lines carrying each defect, 0..1")
	refs := fs.Int("refs", 0, "with -dir: also write "+RefsFileName+", this many lines of [[references]] into the corpus")
	refsBroken := fs.Float64("refs-broken", DefaultRefsBroken, "share of "+RefsFileName+"'s references that resolve to nothing, 0..1")
	stats := fs.Bool("stats", false, "print the number of planted defects of each kind to stderr")
	var perRule [numDefects]*float64
	for d := Defect(0); d < numDefects; d++ {
		perRule[d] = fs.Float64(d.String(), -1, "share of lines with a "+d.String()+" defect (default: -defects)")
	}
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: notesgen -lines N -seed S [-o FILE] [-files K -dir DIR [-refs N]] [-defects RATE] [-RULE RATE ...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "notesgen: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	cfg := Config{Lines: *lines, Seed: *seed}
	for d := Defect(0); d < numDefects; d++ {
		r := *rate
		if *perRule[d] >= 0 {
			r = *perRule[d]
		}
		if r < 0 || r > 1 {
			fmt.Fprintf(stderr, "notesgen: rate %v for %s is outside 0..1\n", r, d)
			return 2
		}
		cfg.Rates[d] = r
	}
	if *lines < 0 {
		fmt.Fprintln(stderr, "notesgen: -lines must not be negative")
		return 2
	}
	if *files < 1 || (*files > 1 && *dir == "") || (*dir != "" && *out != "") {
		fmt.Fprintln(stderr, "notesgen: -files K needs -dir DIR, and -dir excludes -o")
		return 2
	}
	if *refs < 0 || (*refs > 0 && *dir == "") || *refsBroken < 0 || *refsBroken > 1 {
		fmt.Fprintln(stderr, "notesgen: -refs N needs -dir DIR and N >= 0; -refs-broken is a share 0..1")
		return 2
	}

	c := Generate(cfg)
	var err error
	switch {
	case *dir != "":
		err = c.WriteFiles(*dir, *files)
		if err == nil && *refs > 0 {
			r := GenerateRefs(c, RefsConfig{Lines: *refs, Seed: *seed, Broken: *refsBroken})
			err = os.WriteFile(filepath.Join(*dir, RefsFileName), r.Bytes(), 0o644)
			if *stats {
				fmt.Fprintf(stderr, "%s\t%d lines, references by form: %d path, %d last, %d alias, %d broken\n", RefsFileName,
					len(r.Lines), r.Targets["path"], r.Targets["last"], r.Targets["alias"], r.Targets["broken"])
			}
		}
	case *out != "":
		err = writeFile(*out, c, 0, c.Len())
	default:
		w := bufio.NewWriterSize(stdout, 1<<20)
		if err = c.WriteTo(w, 0, c.Len()); err == nil {
			err = w.Flush()
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "notesgen: %v\n", err)
		return 1
	}
	if *stats {
		writeStats(stderr, c)
	}
	return 0
}

// capReason says why a capped defect planted fewer than asked.
var capReason = [numDefects]string{
	NearDuplicate:   "no misspelling is left that pairs with one name only",
	BrokenReference: "no misspelling is left that resolves to nothing",
}

// writeStats prints one line a defect: the number planted and, when the rate asked for
// more, how many it asked and, if the defect was capped, why.
func writeStats(w io.Writer, c *Corpus) {
	for d := Defect(0); d < numDefects; d++ {
		fmt.Fprintf(w, "%s\t%d", d, c.Planted[d])
		if c.Planted[d] < c.Asked[d] {
			fmt.Fprintf(w, "\tof %d asked", c.Asked[d])
			if c.Capped[d] {
				fmt.Fprintf(w, ": capped, %s", capReason[d])
			}
		}
		fmt.Fprintln(w)
	}
}

var newline = []byte{'\n'}

// WriteTo writes lines [from, to) with LF line ends.
func (c *Corpus) WriteTo(w io.Writer, from, to int) error {
	for i := from; i < to; i++ {
		if _, err := w.Write(c.Line(i)); err != nil {
			return err
		}
		if _, err := w.Write(newline); err != nil {
			return err
		}
	}
	return nil
}

// WriteFiles splits the corpus into k files of consecutive lines, part-0001.notes onward,
// like volumes of an encyclopedia: each is sorted, and together they hold every line.
func (c *Corpus) WriteFiles(dir string, k int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	n := c.Len()
	for i := 0; i < k; i++ {
		from, to := n*i/k, n*(i+1)/k
		name := filepath.Join(dir, fmt.Sprintf("part-%04d.notes", i+1))
		if err := writeFile(name, c, from, to); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(name string, c *Corpus, from, to int) (err error) {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	if err := c.WriteTo(w, from, to); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
