package index

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/notesls/notesls/analysis"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Config
	}{
		{"empty object", `{}`, Config{Sorting: true}},
		{"white space around", " \n{ }\n ", Config{Sorting: true}},
		{"sorting off", `{"sorting": false}`, Config{Sorting: false}},
		{"sorting on", `{"sorting": true}`, Config{Sorting: true}},
		{"include", `{"include": ["notes/*.txt", "**/*.gloss"]}`,
			Config{Include: []string{"notes/*.txt", "**/*.gloss"}, Sorting: true}},
		{"empty include", `{"include": []}`, Config{Include: []string{}, Sorting: true}},
		{"rules", `{"rules": {"near-duplicate": "off", "unsorted": "error", "trailing-whitespace": "warning", "redundant-stub": "hint", "empty-definition": "info"}}`,
			Config{Severity: map[string]analysis.Severity{
				"near-duplicate":      RuleOff,
				"unsorted":            analysis.SeverityError,
				"trailing-whitespace": analysis.SeverityWarning,
				"redundant-stub":      analysis.SeverityHint,
				"empty-definition":    analysis.SeverityInfo,
			}, Sorting: true}},
		{"all keys", `{"include": ["a/**"], "rules": {}, "sorting": false, "maxFileSize": 5, "maxCrossLineFindings": 0, "maxDiagnosticsPerFile": 7}`,
			Config{Include: []string{"a/**"}, Severity: map[string]analysis.Severity{}, Sorting: false, MaxFileSize: 5, MaxShown: 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseConfig([]byte(tt.in))
			if err != nil {
				t.Fatalf("ParseConfig(%s): %v", tt.in, err)
			}
			if !strings.Contains(tt.in, "max") { // the limits as they are by default
				tt.want.MaxFileSize, tt.want.MaxCrossFindings, tt.want.MaxShown = defaultMaxFileSize, defaultMaxCrossFindings, defaultMaxShown
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseConfig(%s) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // substrings the error must hold: what is wrong and where
	}{
		{"unknown key", `{"includes": []}`, []string{`unknown key "includes"`}},
		{"unknown key after good ones", `{"sorting": true, "severity": {}}`, []string{`"severity"`}},
		{"repeated key", `{"sorting": true, "sorting": false}`, []string{`"sorting"`, "twice"}},
		{"unknown rule", `{"rules": {"near-duplicates": "off"}}`, []string{`unknown rule "near-duplicates"`}},
		{"rule name case", `{"rules": {"Unsorted": "off"}}`, []string{`"Unsorted"`}},
		{"bad severity word", `{"rules": {"unsorted": "loud"}}`, []string{`"unsorted"`, `"loud"`}},
		{"severity case", `{"rules": {"unsorted": "Error"}}`, []string{`"unsorted"`, `"Error"`}},
		{"severity not a string", `{"rules": {"unsorted": 2}}`, []string{`"unsorted"`, "2"}},
		{"severity null", `{"rules": {"unsorted": null}}`, []string{`"unsorted"`, "null"}},
		{"repeated rule", `{"rules": {"unsorted": "off", "unsorted": "error"}}`, []string{`"unsorted"`, "twice"}},
		{"rules not an object", `{"rules": ["unsorted"]}`, []string{`"rules"`, "object"}},
		{"sorting not a bool", `{"sorting": "yes"}`, []string{`"sorting"`, `"yes"`}},
		{"sorting null", `{"sorting": null}`, []string{`"sorting"`, "null"}},
		{"include not a list", `{"include": "*.txt"}`, []string{`"include"`, `"*.txt"`}},
		{"include null", `{"include": null}`, []string{`"include"`, "null"}},
		{"include of numbers", `{"include": [1]}`, []string{`"include"`}},
		{"bad glob", `{"include": ["notes/[a.txt"]}`, []string{`"include"[0]`, `"notes/[a.txt"`}},
		{"absolute glob", `{"include": ["ok/*.txt", "/etc/*.txt"]}`, []string{`"include"[1]`, `"/etc/*.txt"`}},
		{"glued double star", `{"include": ["notes**/*.txt"]}`, []string{`"include"[0]`, "**"}},
		{"dot dot", `{"include": ["../x/*.notes"]}`, []string{`"include"[0]`, ".."}},
		{"empty glob", `{"include": [""]}`, []string{`"include"[0]`, "empty"}},
		{"not an object", `["include"]`, []string{"object"}},
		{"empty file", ``, []string{"end of JSON"}},
		{"truncated", `{"sorting": true`, []string{"JSON"}},
		{"syntax", `{"sorting": tru}`, []string{"invalid JSON"}},
		{"trailing text", `{} {}`, []string{"after the JSON object"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.in))
			if err == nil {
				t.Fatalf("ParseConfig(%s) succeeded, want an error", tt.in)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("ParseConfig(%s) error %q does not mention %s", tt.in, err, w)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q spans several lines", err)
			}
		})
	}
}

func TestRulesTable(t *testing.T) {
	want := []string{"malformed-separator", "empty-segment", "missing-term", "empty-definition",
		"broken-reference", "malformed-reference", "malformed-task", "duplicate-line",
		"duplicate-definition", "duplicate-url", "redundant-stub", "near-duplicate",
		"unbalanced-brackets", "unsorted", "invalid-encoding", "trailing-whitespace", "unlinked-mention", "limit-reached"}
	var got []string
	for _, r := range Rules {
		got = append(got, r.Name)
		if r.Title == "" || r.Help == "" {
			t.Errorf("rule %s lacks a title or help text", r.Name)
		}
		if r.Severity < analysis.SeverityError || r.Severity > analysis.SeverityHint {
			t.Errorf("rule %s has default severity %v", r.Name, r.Severity)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rule names = %v, want %v", got, want)
	}
	// The names the parser and the index emit are all in the table.
	for _, name := range []string{analysis.RuleMalformedSeparator, analysis.RuleEmptySegment,
		analysis.RuleMissingTerm, analysis.RuleEmptyDefinition, analysis.RuleBrokenReference,
		analysis.RuleMalformedReference, analysis.RuleMalformedTask, analysis.RuleDuplicateLine,
		analysis.RuleDuplicateDef, analysis.RuleDuplicateURL, analysis.RuleRedundantStub,
		analysis.RuleNearDuplicate, analysis.RuleUnbalanced, analysis.RuleUnsorted,
		analysis.RuleInvalidEncoding, analysis.RuleTrailingWhitespace, RuleUnlinkedMention, RuleLimitReached} {
		if _, ok := LookupRule(name); !ok {
			t.Errorf("analysis emits rule %q, which index.Rules lacks", name)
		}
	}
	// Default severities from the spec's table, spot-checked at each level.
	for name, sev := range map[string]analysis.Severity{
		"malformed-separator": analysis.SeverityError,
		"empty-definition":    analysis.SeverityWarning,
		"redundant-stub":      analysis.SeverityInfo,
		"near-duplicate":      analysis.SeverityInfo,
		"trailing-whitespace": analysis.SeverityHint,
		"unsorted":            analysis.SeverityWarning,
	} {
		if got := DefaultConfig().SeverityOf(name); got != sev {
			t.Errorf("default severity of %s = %v, want %v", name, got, sev)
		}
	}
	// unlinked-mention is off unless a config gives it a severity.
	if got := DefaultConfig().SeverityOf(RuleUnlinkedMention); got != RuleOff {
		t.Errorf("default severity of %s = %v, want off", RuleUnlinkedMention, got)
	}
	if on, err := ParseConfig([]byte(`{"rules": {"unlinked-mention": "hint"}}`)); err != nil || on.SeverityOf(RuleUnlinkedMention) != analysis.SeverityHint {
		t.Errorf("unlinked-mention turned on: %v, %v", on.SeverityOf(RuleUnlinkedMention), err)
	}
	cfg, err := ParseConfig([]byte(`{"rules": {"unsorted": "off", "near-duplicate": "error"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SeverityOf("unsorted") != RuleOff || cfg.SeverityOf("near-duplicate") != analysis.SeverityError ||
		cfg.SeverityOf("duplicate-url") != analysis.SeverityWarning || cfg.SeverityOf("no-such-rule") != RuleOff {
		t.Errorf("SeverityOf ignores the config: %+v", cfg.Severity)
	}
}

func TestMatchGlob(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"notes/*.txt", "notes/a.txt", true},
		{"notes/*.txt", "notes/sub/a.txt", false},
		{"notes/*.txt", "a.txt", false},
		{"*.txt", "a.txt", true},
		{"**/*.txt", "a.txt", true},
		{"**/*.txt", "x/y/z/a.txt", true},
		{"**/*.txt", "x/y/z/a.md", false},
		{"notes/**/*.txt", "notes/a.txt", true},
		{"notes/**/*.txt", "notes/a/b/c.txt", true},
		{"notes/**/*.txt", "other/a.txt", false},
		{"notes/**", "notes/a/b", true},
		{"notes/**", "notesx/a", false},
		{"a/**/b/**/c.md", "a/x/b/y/z/c.md", true},
		{"a/**/b/**/c.md", "a/x/y/z/c.md", false},
		{"n?tes/[ab].txt", "notes/b.txt", true},
		{"n?tes/[ab].txt", "notes/c.txt", false},
	}
	for _, tt := range tests {
		if got := MatchGlob(tt.pattern, tt.name); got != tt.want {
			t.Errorf("MatchGlob(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

func TestFindConfig(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b", "c")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(p, s string) {
		t.Helper()
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// No config up to the file system root (a temp dir has none above it, normally).
	if cfg, p, err := FindConfig(deep); err != nil || (p == "" && !reflect.DeepEqual(cfg, DefaultConfig())) {
		t.Fatalf("FindConfig without a file = %+v, %q, %v", cfg, p, err)
	} else if p != "" && !strings.HasPrefix(p, root) {
		t.Logf("a config above the temp dir is in the way: %s", p)
	}

	top := filepath.Join(root, "a", ConfigFileName)
	write(top, `{"sorting": false}`)
	cfg, p, err := FindConfig(deep)
	if err != nil || p != top || cfg.Sorting {
		t.Fatalf("FindConfig(deep) = %+v, %q, %v; want the ancestor's %s", cfg, p, err, top)
	}

	near := filepath.Join(root, "a", "b", ConfigFileName)
	write(near, `{"include": ["*.txt"]}`)
	cfg, p, err = FindConfig(deep)
	if err != nil || p != near || !cfg.Sorting || len(cfg.Include) != 1 {
		t.Fatalf("FindConfig(deep) = %+v, %q, %v; want the nearest %s", cfg, p, err, near)
	}

	// A relative directory works too.
	t.Chdir(deep)
	if _, p, err = FindConfig("."); err != nil || p != near {
		t.Fatalf(`FindConfig(".") = %q, %v; want %s`, p, err, near)
	}

	write(near, `{"sorting": 1}`)
	_, p, err = FindConfig(deep)
	if err == nil || p != near || !strings.Contains(err.Error(), near) || !strings.Contains(err.Error(), `"sorting"`) {
		t.Fatalf("FindConfig with a bad file = %q, %v; want an error naming the file and the key", p, err)
	}
}

// TestConfigScopes: each file is ruled by the configuration of the deepest scope it is
// under (a rule off, a severity changed, sorting on or off), a file under none by the
// snapshot's; a finding across files takes the severity of the file it is reported in;
// and changing one scope's configuration changes only its files, the others keeping
// their findings as computed.
func TestConfigScopes(t *testing.T) {
	srcs := map[string][]byte{
		"/w/a/x.notes":     []byte("d = 1\nc = 2 \nshared = the same line\n"),
		"/w/b/y.notes":     []byte("f = 1\ne = 2 \nshared = the same line\n"),
		"/w/b/sub/z.notes": []byte("h = 1\ng = 2 \nshared = the same line\n"),
		"/w/other.notes":   []byte("j = 1\ni = 2 \n"),
	}
	ws := NewWorkspace(DefaultConfig())
	ws.UpdateMany(srcs)
	a := DefaultConfig()
	a.Sorting = false
	a.Severity = map[string]analysis.Severity{analysis.RuleTrailingWhitespace: RuleOff}
	b := DefaultConfig()
	b.Severity = map[string]analysis.Severity{analysis.RuleDuplicateLine: analysis.SeverityError}
	sub := DefaultConfig()
	sub.Severity = map[string]analysis.Severity{analysis.RuleDuplicateLine: RuleOff, analysis.RuleUnsorted: analysis.SeverityHint}
	scopes := []ConfigScope{{"/w/a", a}, {"/w/b", b}, {"/w/b/sub", sub}}
	snap, changed := ws.SetConfigs(DefaultConfig(), scopes)
	if want := []string{"/w/a/x.notes", "/w/b/sub/z.notes", "/w/b/y.notes"}; !slices.Equal(changed, want) {
		t.Errorf("changed %q, want %q", changed, want)
	}
	findings := func(snap *Snapshot, path string) string {
		var out []string
		for _, d := range snap.Diagnostics(path) {
			out = append(out, fmt.Sprintf("%d %s %s", snap.Tree(path).LineAt(d.Span.Start)+1, d.Rule, d.Severity))
		}
		return strings.Join(out, "; ")
	}
	want := map[string]string{
		"/w/a/x.notes":     "",
		"/w/b/y.notes":     "1 unsorted warning; 2 trailing-whitespace hint; 3 duplicate-line error",
		"/w/b/sub/z.notes": "1 unsorted hint; 2 trailing-whitespace hint",
		"/w/other.notes":   "1 unsorted warning; 2 trailing-whitespace hint",
	}
	for p, w := range want {
		if got := findings(snap, p); got != w {
			t.Errorf("%s: got %q, want %q", p, got, w)
		}
	}
	for p, w := range map[string]bool{"/w/a/x.notes": false, "/w/b/y.notes": true, "/w/b": true, "/w/bb/q.notes": true, "/w/other.notes": true} {
		if got := snap.ConfigOf(p).Sorting; got != w {
			t.Errorf("ConfigOf(%s).Sorting = %v", p, got)
		}
	}

	// Roots as a check's paths spell them: relative, unclean, a file.
	rel, _ := ws.SetConfigs(DefaultConfig(), []ConfigScope{{"./rel", a}, {"one.notes", a}, {".", b}})
	for p, w := range map[string]Config{"rel/x.notes": a, "./rel/sub/y.notes": a, "one.notes": a, "./one.notes": a, "two.notes": b, "/abs.notes": DefaultConfig()} {
		if got := rel.ConfigOf(p); !sameConfig(got, w) {
			t.Errorf("ConfigOf(%s) = %+v, want %+v", p, got, w)
		}
	}
	snap, _ = ws.SetConfigs(DefaultConfig(), scopes)

	// One scope changes: its files only, the others' findings kept as computed.
	before := snap.Diagnostics("/w/b/y.notes")
	a.Severity = nil
	scopes[0].Config = a
	snap, changed = ws.SetConfigs(DefaultConfig(), scopes)
	if want := []string{"/w/a/x.notes"}; !slices.Equal(changed, want) {
		t.Errorf("changed %q, want %q", changed, want)
	}
	if got := findings(snap, "/w/a/x.notes"); got != "2 trailing-whitespace hint" {
		t.Errorf("after the change: %q", got)
	}
	if after := snap.Diagnostics("/w/b/y.notes"); &after[0] != &before[0] {
		t.Errorf("an unchanged scope's findings were computed again")
	}
	// And back to one configuration: as a workspace built with it.
	snap, _ = ws.SetConfigs(DefaultConfig(), nil)
	fresh := NewWorkspace(DefaultConfig()).UpdateMany(srcs)
	for p := range srcs {
		if got, want := findings(snap, p), findings(fresh, p); got != want {
			t.Errorf("%s: got %q, want %q", p, got, want)
		}
	}
}

// A folder whose own configuration turns unlinked-mention on gets its hints, though the
// workspace's configuration leaves the rule off; the other folder gets none, and edits keep
// both so.
func TestConfigScopeTurnsMentionsOn(t *testing.T) {
	ws := NewWorkspace(DefaultConfig())
	ws.UpdateMany(map[string][]byte{
		"/w/a/x.notes": []byte("sharding = splitting by key\nzone = see the replica\n"),
		"/w/b/y.notes": []byte("replica = a copy, made by sharding\n"),
	})
	on := DefaultConfig()
	on.Severity = map[string]analysis.Severity{RuleUnlinkedMention: analysis.SeverityHint}
	snap, _ := ws.SetConfigs(DefaultConfig(), []ConfigScope{{"/w/a", on}})
	mentions := func(snap *Snapshot, path string) int {
		n := 0
		for _, d := range snap.Diagnostics(path) {
			if d.Rule == RuleUnlinkedMention {
				n++
			}
		}
		return n
	}
	if a, b := mentions(snap, "/w/a/x.notes"), mentions(snap, "/w/b/y.notes"); a != 1 || b != 0 {
		t.Fatalf("mentions: a %d, b %d; want 1 in a (replica), none in b (its rule is off)", a, b)
	}
	snap, _ = ws.Update("/w/a/x.notes", []byte("sharding = splitting by key\nzone = see the replica and a quorum\n"))
	snap.Affected()
	// A term defined in b makes a mention in a: a's findings changed, and it is republished.
	snap, _ = ws.Update("/w/b/y.notes", []byte("replica = a copy, made by sharding\nquorum = a majority\n"))
	if !slices.Contains(snap.Affected(), "/w/a/x.notes") {
		t.Errorf("defining quorum in b: affected %q, want a's findings among them", snap.Affected())
	}
	if a, b := mentions(snap, "/w/a/x.notes"), mentions(snap, "/w/b/y.notes"); a != 2 || b != 0 {
		t.Fatalf("after edits: a %d, b %d; want 2 in a, none in b", a, b)
	}
}
