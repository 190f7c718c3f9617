package index

import (
	"strings"
	"testing"
)

// TestLimits: a file past the size limit keeps its single-line findings and gets one
// finding on line 1 instead of its cross-line ones; a file past the findings limit
// reports that many and says how many more there were; each limit's key parses.
func TestLimits(t *testing.T) {
	big := "alpha = one (open\nalpha = one (open\nsee [[nowhere]]\n" // a duplicate, a broken reference
	many := strings.Repeat("[[missing]] ", 5) + "\n"
	tests := []struct {
		name string
		cfg  string
		file string
		want []string // rule: message prefix, in order
	}{
		{"under the limits", `{}`, big, []string{
			"unbalanced-brackets", "duplicate-line: duplicate of line 1", "unbalanced-brackets", "broken-reference"}},
		{"over the size limit", `{"maxFileSize": 40}`, big, []string{
			`limit-reached: cross-line rules (duplicates, stubs, references, near-duplicates) skipped: the file is 52 bytes, over the limit of 40 bytes; raise "maxFileSize" in .notesls.json (0: no limit)`,
			"unbalanced-brackets", "unbalanced-brackets"}},
		{"size limit off", `{"maxFileSize": 0}`, big, []string{
			"unbalanced-brackets", "duplicate-line", "unbalanced-brackets", "broken-reference"}},
		{"over the findings limit", `{"maxCrossLineFindings": 2}`, many, []string{
			"broken-reference",
			`limit-reached: 3 more cross-line findings not reported: the limit is 2 a file; raise "maxCrossLineFindings" in .notesls.json (0: no limit)`,
			"broken-reference", "trailing-whitespace"}},
		{"a rule turned off spends none", `{"maxCrossLineFindings": 1, "rules": {"broken-reference": "off"}}`, many,
			[]string{"trailing-whitespace"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseConfig([]byte(tt.cfg))
			if err != nil {
				t.Fatal(err)
			}
			w := NewWorkspace(cfg)
			w.UpdateMany(map[string][]byte{"a.notes": []byte(tt.file), "b.notes": []byte("other = file\n")})
			var got []string
			for _, d := range w.Snapshot().Diagnostics("a.notes") {
				got = append(got, d.Rule+": "+d.Message)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d findings, want %d:\n%s", len(got), len(tt.want), strings.Join(got, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("finding %d: %s\nwant it to start with %s", i, got[i], tt.want[i])
				}
			}
		})
	}
	for _, bad := range []string{`{"maxFileSize": -1}`, `{"maxFileSize": "big"}`, `{"maxCrossLineFindings": 1.5}`} {
		if _, err := ParseConfig([]byte(bad)); err == nil {
			t.Errorf("ParseConfig(%s) accepted it", bad)
		}
	}
}
