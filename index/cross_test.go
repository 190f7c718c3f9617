package index

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// TestCrossFindingsFollowEdits walks through edits that make stubs redundant or not and
// references broken or not from another file, through full paths, aliases and names,
// with lines moving in between. After each step the findings must equal a fresh
// index's, whether every snapshot was looked at or only the last.
func TestCrossFindingsFollowEdits(t *testing.T) {
	type step struct{ path, src string }
	tests := []struct {
		name  string
		start map[string]string
		steps []step
	}{
		{
			name:  "path reference fixed by a topic in another file",
			start: map[string]string{"a.notes": "p = x\n", "b.notes": "y = [[p -- q]]\n"},
			steps: []step{{"a.notes", "p -- q = x\n"}, {"a.notes", "p -- r = x\n"}, {"a.notes", "z\np -- q = x\n"}},
		},
		{
			name:  "alias reference",
			start: map[string]string{"a.notes": "backend = x\n", "b.notes": "y = see [[BFF]]\nz = [[bff]]\n"},
			steps: []step{{"a.notes", "backend for frontend (BFF) = x\n"}, {"a.notes", "backend for frontend (BF) = x\n"}},
		},
		{
			name:  "name reference broken by renaming the last segment",
			start: map[string]string{"a.notes": "data store -- sharding = split\n", "b.notes": "y = [[sharding]]\n"},
			steps: []step{{"a.notes", "data store -- sharing = split\n"}, {"a.notes", "data store -- sharding = split\n"}},
		},
		{
			name:  "stub made redundant by another file, which then moves its definition",
			start: map[string]string{"a.notes": "t\nu\n", "b.notes": "u\n"},
			steps: []step{
				{"b.notes", "u\nt = defined\n"},
				{"b.notes", "new\nlines\nu\nt = defined\n"},
				{"a.notes", "first\nt\nu\n"},
				{"b.notes", "new\nlines\nu\nt =\n"},
				{"b.notes", "new\nlines\nu\nt https://e.com/t\n"},
			},
		},
		{
			name:  "stub and definition in one file, the definition taken away and back",
			start: map[string]string{"a.notes": "t\nx = see [[t]]\nt = first\nt = second\n"},
			steps: []step{
				{"a.notes", "t\nx = see [[t]]\nt\nt = second\n"},
				{"a.notes", "t\nx = see [[t]]\nt\nt\n"},
				{"a.notes", "t\nx = see [[t]] [[t]]\nt\ns\n"},
				{"a.notes", "s\nx = see [[t]] [[t]]\ns\ns\n"},
			},
		},
	}
	for _, tt := range tests {
		for _, lookEveryStep := range []bool{true, false} {
			srcs := map[string][]byte{}
			for p, src := range tt.start {
				srcs[p] = []byte(src)
			}
			w := NewWorkspace(DefaultConfig())
			w.UpdateMany(maps.Clone(srcs))
			for _, p := range w.Snapshot().Files() {
				w.Snapshot().Diagnostics(p)
			}
			for i, st := range tt.steps {
				srcs[st.path] = []byte(st.src)
				snap, _ := w.Update(st.path, srcs[st.path])
				if !lookEveryStep && i < len(tt.steps)-1 {
					continue
				}
				fresh := NewWorkspace(DefaultConfig()).UpdateMany(maps.Clone(srcs))
				for p := range srcs {
					got, want := renderDiagnostics(snap, p), renderDiagnostics(fresh, p)
					if got != want {
						t.Errorf("%s (every step %v), step %d, %s:\n%s", tt.name, lookEveryStep, i, p, lineDiff(got, want))
					}
				}
			}
		}
	}
}

// TestPreparedSuggestionsFollowEdits: after Prepare, the snapshots of later edits, of
// bodies and then of paths, layer over the built suggestion indexes instead of leaving
// them to be built on the next broken reference.
func TestPreparedSuggestionsFollowEdits(t *testing.T) {
	src := corpus(t)
	w := NewWorkspace(DefaultConfig())
	snap, _ := w.Update("a.notes", src)
	snap.Prepare()
	if !snap.terms.base.ready() {
		t.Error("no term list after Prepare")
	}
	edited := slices.Concat([]byte("brand new -- topic = x\n"), src)
	w.Update("a.notes", edited)
	edited = slices.Concat([]byte("brand new -- topic = xy\n"), src) // a body only
	w.Update("a.notes", edited)
	edited = slices.Concat([]byte("brand new -- topic = xy [[brand nw -- topic]]\nnew\n"), src)
	next, _ := w.Update("a.notes", edited)
	for name, l := range map[string]*lazy[suggestIndex]{"names": next.suggestNames, "paths": next.suggestPaths} {
		if _, ok := l.ready(); !ok {
			t.Errorf("%s index not ready after an edit of a prepared snapshot", name)
		}
	}
	fresh := NewWorkspace(DefaultConfig()).UpdateMany(map[string][]byte{"a.notes": edited})
	if got, want := renderDiagnostics(next, "a.notes"), renderDiagnostics(fresh, "a.notes"); got != want {
		t.Errorf("findings differ from a fresh index:\n%s", lineDiff(got, want))
	}
}

// describeBrokenIndex renders the counts and buckets of a state's broken keys, and checks
// them against its lists of broken references.
func describeBrokenIndex(st *crossState) string {
	var b strings.Builder
	counts := map[string]int32{}
	for _, list := range st.broken.all() {
		for _, r := range list {
			counts[r.key]++
		}
	}
	for k, n := range st.brokenKeys.all() {
		if counts[k] != n {
			fmt.Fprintf(&b, "count of %q is %d, its lists hold %d\n", k, n, counts[k])
		}
		fmt.Fprintf(&b, "%q %d\n", k, n)
	}
	var near []string
	for bucket, keys := range st.brokenNear.all() {
		for _, k := range keys {
			if first, last := nearBuckets(k); bucket != first && bucket != last || counts[k] == 0 {
				fmt.Fprintf(&b, "%q is in bucket %x, not its own or not broken\n", k, bucket)
			}
			near = append(near, fmt.Sprintf("%x %q", bucket, k))
		}
	}
	slices.Sort(near)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	slices.Sort(lines)
	return strings.Join(lines, "\n") + "\n" + strings.Join(near, "\n")
}
