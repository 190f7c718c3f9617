package index

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/notesls/notesls/analysis"
)

// shownReference is DiagnosticsUpTo's rule applied to every finding: the max most
// severe, each severity in file order, put back in file order.
func shownReference(all []Diagnostic, max int) (shown []Diagnostic, omitted map[analysis.Severity]int) {
	order := make([]int, len(all))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return int(all[a].Severity) - int(all[b].Severity) })
	kept := map[int]bool{}
	omitted = map[analysis.Severity]int{}
	for n, i := range order {
		if n < max {
			kept[i] = true
		} else {
			omitted[all[i].Severity]++
		}
	}
	for i, d := range all {
		if kept[i] {
			shown = append(shown, d)
		}
	}
	return shown, omitted
}

func TestDiagnosticsUpTo(t *testing.T) {
	src := messyNotes(rand.New(rand.NewPCG(3, 3)), 400, nil)
	// Duplicate definitions that are no duplicate lines (a task box differs), among the
	// rest, so that both kinds of duplicate are many.
	for i := range 60 {
		src = fmt.Appendf(src, "dd%d = body %d\n", i, i%3)
	}
	for i := range 60 {
		src = fmt.Appendf(src, "[x] dd%d = body %d\n", i, i%3)
	}
	src = slices.Concat(src[:len(src)/3], src[len(src)*5/6:], src[len(src)/3:len(src)*5/6])
	for _, conf := range []string{`{}`, `{"rules": {"unsorted": "error", "near-duplicate": "hint"}}`, `{"rules": {"limit-reached": "off"}}`,
		// Cross-line findings among the most severe, merged with the lines' at the cut.
		`{"rules": {"duplicate-line": "error", "broken-reference": "error", "redundant-stub": "warning", "malformed-separator": "hint"}}`,
		`{"maxCrossLineFindings": 20, "rules": {"duplicate-definition": "error"}}`, `{"sorting": false}`,
		// One kind of duplicate above the cut, the other below it.
		`{"rules": {"duplicate-line": "error", "duplicate-definition": "hint"}}`,
		`{"rules": {"duplicate-line": "hint", "duplicate-definition": "error"}}`} {
		cfg, err := ParseConfig([]byte(conf))
		if err != nil {
			t.Fatal(err)
		}
		snap := NewWorkspace(cfg).UpdateMany(map[string][]byte{"m.notes": src, "b.notes": []byte("x = see [[m]]\n")})
		all := snap.Diagnostics("m.notes")
		if len(all) < 100 {
			t.Fatalf("the messy file has only %d findings", len(all))
		}
		for _, max := range []int{0, 1, 7, 50, len(all) / 2, len(all) * 3 / 4, len(all) - 1, len(all), len(all) + 5} {
			t.Run(fmt.Sprintf("%s/max=%d", conf, max), func(t *testing.T) {
				// A fresh snapshot each time, so that the full list is not made first.
				fresh := NewWorkspace(cfg).UpdateMany(map[string][]byte{"m.notes": src, "b.notes": []byte("x = see [[m]]\n")})
				got := fresh.DiagnosticsUpTo("m.notes", max)
				if max == 0 || max >= len(all) {
					if !reflect.DeepEqual(got, all) {
						t.Fatalf("under the limit: %d findings, want all %d", len(got), len(all))
					}
					return
				}
				want, omitted := shownReference(all, max)
				var summary []Diagnostic
				rest := got[:0:0]
				for _, d := range got {
					if d.Limit == "maxDiagnosticsPerFile" {
						summary = append(summary, d)
					} else {
						rest = append(rest, d)
					}
				}
				if !reflect.DeepEqual(rest, want) {
					t.Errorf("shown %d findings, want %d:\n got %v\nwant %v", len(rest), len(want), rest, want)
				}
				if strings.Contains(conf, `"limit-reached": "off"`) {
					if len(summary) != 0 {
						t.Errorf("limit-reached is off, yet got %v", summary)
					}
					return
				}
				if len(summary) != 1 {
					t.Fatalf("want one limit-reached finding, got %v", summary)
				}
				msg := summary[0].Message
				total := 0
				for _, n := range omitted {
					total += n
				}
				if !strings.HasPrefix(msg, fmt.Sprintf("%d more findings not shown", total)) || !strings.Contains(msg, "maxDiagnosticsPerFile") {
					t.Errorf("summary %q, want %d not shown and the setting named", msg, total)
				}
				for sv, n := range omitted {
					if n > 0 && !strings.Contains(msg, fmt.Sprintf("(%d %s", n, sv)) && !strings.Contains(msg, fmt.Sprintf(", %d %s", n, sv)) {
						t.Errorf("summary %q lacks %d %s", msg, n, sv)
					}
				}
				if summary[0].Span.Start != 0 || !slices.IsSortedFunc(got, compareDiagnostics) {
					t.Errorf("the summary is not on line 1, or the list is out of order")
				}
			})
		}
	}
}

func TestDiagnosticsIn(t *testing.T) {
	src := messyNotes(rand.New(rand.NewPCG(4, 4)), 300, nil)
	snap := NewWorkspace(DefaultConfig()).UpdateMany(map[string][]byte{"m.notes": src})
	all := snap.Diagnostics("m.notes")
	ranges := [][2]int{{0, 0}, {0, 1}, {0, len(src) + 1}, {100, 2000}, {len(src) / 2, len(src)/2 + 300}, {len(src), len(src) + 1}, {-5, 40}, {500, 400}}
	rng := rand.New(rand.NewPCG(5, 5))
	for range 40 {
		from := rng.IntN(len(src))
		ranges = append(ranges, [2]int{from, from + rng.IntN(3000)})
	}
	for _, r := range ranges {
		fresh := NewWorkspace(DefaultConfig()).UpdateMany(map[string][]byte{"m.notes": src})
		got := fresh.DiagnosticsIn("m.notes", r[0], r[1])
		var want []Diagnostic
		for _, d := range all {
			if d.Span.Start >= r[0] && d.Span.Start < r[1] {
				want = append(want, d)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("DiagnosticsIn(%d, %d): %d findings, want %d", r[0], r[1], len(got), len(want))
		}
	}
	if got := snap.DiagnosticsIn("missing.notes", 0, 10); got != nil {
		t.Errorf("a missing file has findings %v", got)
	}
}
