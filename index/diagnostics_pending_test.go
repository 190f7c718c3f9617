package index

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// messyNotes makes a notes file with a finding of most rules on many of its lines: broken
// paths, references to nothing and to near names, repeated lines and definitions, stubs,
// repeated URLs, stray brackets, control bytes, trailing white space and CR line ends.
// shared holds lines of other files, repeated here to make cross-file duplicates.
func messyNotes(r *rand.Rand, lines int, shared []string) []byte {
	words := []string{"cache", "caches", "load shedding", "load-shedding", "loadshedding", "backpressure",
		"back pressure", "replication", "replicaton", "idempotency", "idempotencyy", "Queue", "queue", "café",
		"naïve", "x", "Data Store", "data store -- database", "sharding"}
	pick := func() string { return words[r.IntN(len(words))] }
	var b bytes.Buffer
	var written []string
	for range lines {
		var l string
		switch r.IntN(16) {
		case 0:
		case 1:
			if len(written) > 0 {
				l = written[r.IntN(len(written))]
			}
		case 2:
			if len(shared) > 0 {
				l = shared[r.IntN(len(shared))]
			}
		case 3:
			l = pick() + " --" + pick() + " = " + pick()
		case 4:
			l = pick() + " --  -- " + pick() + " = x"
		case 5:
			l = "= " + pick()
		case 6:
			l = pick() + " ="
		case 7:
			l = pick() + " = see [[" + pick() + "]] and [[" + pick() + "s]] [[]] [[" + pick() + "x]]"
		case 8:
			l = pick() + " -- " + pick()
		case 9:
			l = pick() + " = https://e.org/" + pick() + " https://e.org/" + pick()
		case 10:
			l = "[x]" + pick()
		case 11:
			l = pick() + " = (" + pick() + " \"" + pick()
		case 12:
			l = pick() + " = " + pick() + " \x00\x01 \xff"
		default:
			l = pick() + " -- " + pick() + " = " + pick() + " " + pick()
		}
		if r.IntN(8) == 0 {
			l += "  \t"
		}
		written = append(written, l)
		b.WriteString(l)
		if r.IntN(10) == 0 {
			b.WriteString("\r\n")
		} else {
			b.WriteString("\n")
		}
	}
	return b.Bytes()
}

// TestPendingDiagnosticsMatchWhole compares the findings kept pending and made one at a
// time with the findings made whole as they are found (the reference in
// diagnostics_whole_test.go), field by field, on generated messy workspaces under
// configurations that turn rules off, cap the cross-line findings and skip big files; on
// a fresh snapshot and on one updated by an edit.
func TestPendingDiagnosticsMatchWhole(t *testing.T) {
	configs := []string{
		`{"maxFileSize": 0, "maxCrossLineFindings": 0}`,
		`{"maxCrossLineFindings": 5, "rules": {"duplicate-line": "off", "unsorted": "error"}}`,
		`{"maxCrossLineFindings": 40, "sorting": false, "rules": {"near-duplicate": "warning", "invalid-encoding": "off"}}`,
		`{"maxFileSize": 2000}`,
	}
	for seed := range uint64(16) {
		r := rand.New(rand.NewPCG(seed, 7))
		cfg, err := ParseConfig([]byte(configs[seed%uint64(len(configs))]))
		if err != nil {
			t.Fatal(err)
		}
		srcs := map[string][]byte{}
		var shared []string
		for i := range 1 + r.IntN(3) {
			src := messyNotes(r, 1+r.IntN(250), shared)
			shared = append(shared, strings.Split(string(src), "\n")[:4]...)
			srcs[fmt.Sprintf("f%d.notes", i)] = src
		}
		if r.IntN(2) == 0 {
			srcs["corpus.notes"] = corpus(t)
		}
		w := NewWorkspace(cfg)
		check := func(snap *Snapshot, when string) {
			t.Helper()
			for p := range srcs {
				want := snap.wholeDiagnostics(snap.file(p))
				var each []Diagnostic
				snap.EachDiagnostic(p, func(d Diagnostic) bool { each = append(each, d); return true })
				got := snap.Diagnostics(p)
				if len(want) == 0 {
					t.Fatalf("seed %d %s %s: no findings; the generator should make a messy file", seed, when, p)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("seed %d %s %s: Diagnostics differs from the whole reference:\n%s", seed, when, p, firstDiff(got, want))
				}
				if !reflect.DeepEqual(each, want) {
					t.Fatalf("seed %d %s %s: EachDiagnostic differs from the whole reference:\n%s", seed, when, p, firstDiff(each, want))
				}
			}
		}
		check(w.UpdateMany(srcs), "fresh")
		// An edit: the cross-line state is carried over rather than computed in full.
		p := "f0.notes"
		srcs[p] = append(messyNotes(r, 5, shared), srcs[p]...)
		snap, _ := w.Update(p, srcs[p])
		check(snap, "edited")
	}
}

func firstDiff(got, want []Diagnostic) string {
	for i := range min(len(got), len(want)) {
		if !reflect.DeepEqual(got[i], want[i]) {
			return fmt.Sprintf("at %d: got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	return fmt.Sprintf("got %d findings, want %d", len(got), len(want))
}

// TestEachDiagnosticStops checks that EachDiagnostic stops when yield says so.
func TestEachDiagnosticStops(t *testing.T) {
	snap := NewWorkspace(DefaultConfig()).UpdateMany(map[string][]byte{"a.notes": messyNotes(rand.New(rand.NewPCG(1, 1)), 100, nil)})
	n := 0
	snap.EachDiagnostic("a.notes", func(Diagnostic) bool { n++; return n < 3 })
	if n != 3 {
		t.Errorf("yield called %d times after asking to stop at 3", n)
	}
	snap.EachDiagnostic("missing.notes", func(Diagnostic) bool { t.Error("a finding in a missing file"); return true })
}

// BenchmarkDiagnosticsMessy makes every finding of a messy file of 20,000 lines (about
// half of them flagged), once the workspace-wide passes are done: the findings pending and
// made one at a time, against the reference that makes each whole as it is found.
func BenchmarkDiagnosticsMessy(b *testing.B) {
	cfg, err := ParseConfig([]byte(`{"maxFileSize": 0, "maxCrossLineFindings": 0}`))
	if err != nil {
		b.Fatal(err)
	}
	snap := NewWorkspace(cfg).UpdateMany(map[string][]byte{"m.notes": messyNotes(rand.New(rand.NewPCG(1, 1)), 20000, nil)})
	fi := snap.file("m.notes")
	n := len(snap.Diagnostics("m.notes")) // the workspace-wide passes, once
	b.Run("pending", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			snap.pendingDiagnostics(fi).makeAll()
		}
		b.ReportMetric(float64(n), "findings")
	})
	b.Run("one-at-a-time", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p := snap.pendingDiagnostics(fi)
			for i := range p.list {
				_ = p.make(i)
			}
		}
	})
	b.Run("whole", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			snap.wholeDiagnostics(fi)
		}
	})
}

// BenchmarkEnterMessyShown presses Enter in the middle of a messy file of 100,000 lines
// and undoes it, each edit followed by what an editor is shown of the file (1,000 of its
// findings) and the files it affects, as the server's keystroke is. The edit says which
// bytes it kept, as an editor's change does. NOTESLS_BENCH_FILE replaces the file (a
// notesgen -defects corpus has other findings than messyNotes: more near-duplicate names,
// one block of 100,000 lines to keep in order).
func BenchmarkEnterMessyShown(b *testing.B) {
	src := messyNotes(rand.New(rand.NewPCG(1, 1)), 100_000, nil)
	if os.Getenv("NOTESLS_BENCH_FILE") != "" {
		_, src = benchFile(b)
	}
	w := NewWorkspace(DefaultConfig())
	snap := w.UpdateMany(map[string][]byte{"m.notes": src})
	n := len(snap.Diagnostics("m.notes"))
	snap.PrepareFindings()
	mid := len(src) / 2
	for src[mid] != ' ' {
		mid++
	}
	with := slices.Concat(src[:mid], []byte("\n"), src[mid:])
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		text, kept := src, Unchanged{Head: mid, Tail: len(src) - mid}
		if i%2 == 0 {
			text, kept = with, Unchanged{Head: mid, Tail: len(src) - mid}
		}
		snap, _ := w.UpdateKnowing("m.notes", text, kept)
		snap.DiagnosticsUpTo("m.notes", 1000)
		snap.Affected()
	}
	b.ReportMetric(float64(n), "findings")
}

// BenchmarkTypingBesideMessyShown types a letter at the end of a small file beside a
// messy file of 100,000 lines and takes it out again, each edit followed by the small
// file's shown findings and then the messy file's, as the server republishes a file
// that a keystroke elsewhere reached (a name typed that it also holds). The messy file
// itself is unchanged. "after": the small file comes after it in workspace order, so
// its duplicates, which depend on the files before it only, are kept; "before": the
// small file comes first, and they are found again in full.
func BenchmarkTypingBesideMessyShown(b *testing.B) {
	src := messyNotes(rand.New(rand.NewPCG(1, 1)), 100_000, nil)
	small := []byte("queue -- backlog = work waiting [[m 1]]\nstream -- window = a slice of time\n")
	typed := slices.Concat(small, []byte("k"))
	for _, order := range []struct{ name, smallPath string }{{"after", "z.notes"}, {"before", "a.notes"}} {
		b.Run(order.name, func(b *testing.B) {
			w := NewWorkspace(DefaultConfig())
			snap := w.UpdateMany(map[string][]byte{"m.notes": src, order.smallPath: small})
			n := len(snap.Diagnostics("m.notes"))
			snap.PrepareFindings()
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				text := small
				if i%2 == 0 {
					text = typed
				}
				snap, _ := w.UpdateKnowing(order.smallPath, text, Unchanged{Head: len(small), Tail: 0})
				snap.DiagnosticsUpTo(order.smallPath, 1000)
				snap.Affected()
				snap.DiagnosticsUpTo("m.notes", 1000)
			}
			b.ReportMetric(float64(n), "findings")
		})
	}
}

// BenchmarkEnterAfterTypingBeside types a letter into a small file before a messy file of
// 100,000 lines, then presses Enter in the messy file (and takes both back on the next
// round), asking only the messy file's shown findings after the Enter: as an editor
// does when the user types in one file and then in the other, the messy file not having
// been republished in between. Its duplicates are carried over both edits.
func BenchmarkEnterAfterTypingBeside(b *testing.B) {
	src := messyNotes(rand.New(rand.NewPCG(1, 1)), 100_000, nil)
	small := []byte("queue -- backlog = work waiting [[m 1]]\nstream -- window = a slice of time\n")
	typed := slices.Concat(small, []byte("k"))
	mid := len(src) / 2
	for src[mid] != ' ' {
		mid++
	}
	with := slices.Concat(src[:mid], []byte("\n"), src[mid:])
	w := NewWorkspace(DefaultConfig())
	snap := w.UpdateMany(map[string][]byte{"m.notes": src, "a.notes": small})
	n := len(snap.Diagnostics("m.notes"))
	snap.PrepareFindings()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		smallText, text := small, src
		if i%2 == 0 {
			smallText, text = typed, with
		}
		w.UpdateKnowing("a.notes", smallText, Unchanged{Head: len(small), Tail: 0})
		snap, _ := w.UpdateKnowing("m.notes", text, Unchanged{Head: mid, Tail: len(src) - mid})
		snap.DiagnosticsUpTo("m.notes", 1000)
		snap.Affected()
	}
	b.ReportMetric(float64(n), "findings")
}
