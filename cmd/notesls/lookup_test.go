package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	corpus := "testdata/system-design.notes"
	out, stderr, code := runNotes(t, repoRoot, "lookup", "--in", corpus, "jump server", "CAP")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"jump server\n  = jump server is a virtual machine", "[testdata/system-design.notes:312]",
		"referred to by 1 line: testdata/system-design.notes:313", "CAP\n", "links: https://www.infoq.com/articles/cap-twelve-years-later"} {
		if !strings.Contains(out, want) {
			t.Errorf("lookup output lacks %q:\n%s", want, out)
		}
	}
	// A typo finds the closest term.
	out, _, code = runNotes(t, repoRoot, "lookup", "--in", corpus, "jump servr")
	if code != 0 || !strings.HasPrefix(out, `no term "jump servr"; the closest:`) || !strings.Contains(out, "\njump server\n") {
		t.Errorf("fuzzy lookup: exit %d\n%s", code, out)
	}
	// JSON for scripts.
	out, _, code = runNotes(t, repoRoot, "lookup", "--json", "--in", corpus, "jump server")
	var got []lookupJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 || len(got) != 1 || !got[0].Exact ||
		got[0].Definitions[0].Line != 312 || len(got[0].References) != 1 || got[0].References[0].Line != 313 {
		t.Errorf("JSON lookup: exit %d, %v, %+v", code, err, got)
	}
	// Nothing close: exit 1, said on stderr.
	_, stderr, code = runNotes(t, repoRoot, "lookup", "--in", corpus, "qqqqzzzzxxxx")
	if code != 1 || !strings.Contains(stderr, `no term "qqqqzzzzxxxx"`) {
		t.Errorf("lookup of nothing: exit %d, stderr %q", code, stderr)
	}
	for _, args := range [][]string{{"lookup"}, {"lookup", "--nope", "x"}, {"lookup", "--in"}} {
		if _, _, code := runNotes(t, repoRoot, args...); code != 2 {
			t.Errorf("notesls %q: exit %d, want 2", args, code)
		}
	}
}
