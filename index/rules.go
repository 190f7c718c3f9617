package index

import "github.com/notesls/notesls/analysis"

// A Rule describes one diagnostic rule: its stable name (printed by `--check`, sent as the
// LSP diagnostic code, used as the key in `.notesls.json`), its default severity, a one-line
// title and a help text for SARIF rule metadata and documentation.
type Rule struct {
	Name     string
	Severity analysis.Severity
	Title    string
	Help     string
	// OffByDefault rules report nothing unless a configuration gives them a severity;
	// Severity is then the one documented for them.
	OffByDefault bool
}

// Rules lists every rule in the order of the format specification (docs/format.md). Rule
// names are stable identifiers: renaming one breaks users' configs and CI baselines.
var Rules = []Rule{
	{
		Name:     "malformed-separator",
		Severity: analysis.SeverityError,
		Title:    "Malformed path operator",
		Help:     "A `--` in a head must be written as the path operator ` -- ` (one space, two hyphens, one space). `a --b`, `a-- b` and `a --- b` are malformed. `notesls --check --fix` rewrites them.",
	},
	{
		Name:     "empty-segment",
		Severity: analysis.SeverityError,
		Title:    "Empty path segment",
		Help:     "A path has an empty segment: ` --  -- `, a head starting with `-- `, or a head ending with ` --` before a separator. Write the missing name or remove the extra operator.",
	},
	{
		Name:     "missing-term",
		Severity: analysis.SeverityError,
		Title:    "Definition without a term",
		Help:     "The line starts with a separator (`= def`), so the definition belongs to no term. Write the term before the separator.",
	},
	{
		Name:     "empty-definition",
		Severity: analysis.SeverityWarning,
		Title:    "Empty definition",
		Help:     "A definition separator (`=`, `==`, `:`) has nothing after it. Write the definition, or drop the separator to keep the line as a stub.",
	},
	{
		Name:     "broken-reference",
		Severity: analysis.SeverityError,
		Title:    "Reference to an unknown term",
		Help:     "`[[x]]` resolves to no term: no full path, alias or last path segment in the workspace matches it (case-insensitively). The message suggests the closest known terms.",
	},
	{
		Name:     "malformed-reference",
		Severity: analysis.SeverityError,
		Title:    "Malformed reference",
		Help:     "A reference must be written `[[target]]` with a non-empty target: `[[]]`, `[[x` without `]]` and nested `[[` are malformed.",
	},
	{
		Name:     "malformed-task",
		Severity: analysis.SeverityError,
		Title:    "Malformed task box",
		Help:     "A line starting with `[` must be a task (`[ ] `, `[x] ` or `[X] ` followed by a space) or a reference. `[]`, `[ x]` and `[x]paper` are malformed.",
	},
	{
		Name:     "duplicate-line",
		Severity: analysis.SeverityWarning,
		Title:    "Duplicate line",
		Help:     "Two lines of the workspace are equal once white space is collapsed and case is folded. The later one is reported, pointing back to the first. Remove one of them.",
	},
	{
		Name:     "duplicate-definition",
		Severity: analysis.SeverityWarning,
		Title:    "Duplicate definition",
		Help:     "Two entries define the same term with the same (normalized) definition text. The later one is reported, pointing back to the first. Remove one of them.",
	},
	{
		Name:     "duplicate-url",
		Severity: analysis.SeverityWarning,
		Title:    "URL repeated in one line",
		Help:     "One URL appears twice in one line. The second occurrence is reported; `notesls --check --fix` drops it. The same URL in different lines is fine.",
	},
	{
		Name:     "redundant-stub",
		Severity: analysis.SeverityInfo,
		Title:    "Redundant stub",
		Help:     "A stub (an entry without definition or URL) whose term also has an entry with a definition or URL adds nothing. The related location shows that entry; the stub can go.",
	},
	{
		Name:     "near-duplicate",
		Severity: analysis.SeverityInfo,
		Title:    "Near-duplicate names",
		Help:     "Two different segment names look like the same name written two ways: equal once spaces and punctuation are removed, one edit apart (8+ letters and at most 64 runes, not a digit), or differing only by a plural `s` under the same parent. Each name is reported once, naming up to three of the others. Pick one spelling.",
	},
	{
		Name:     "unbalanced-brackets",
		Severity: analysis.SeverityWarning,
		Title:    "Unbalanced brackets or quotes",
		Help:     "`(` and `)`, `[` and `]`, or ASCII `\"` are not balanced in the line (URLs are not counted). The first unmatched character is reported.",
	},
	{
		Name:     "unsorted",
		Severity: analysis.SeverityWarning,
		Title:    "Line out of order",
		Help:     "Lines are kept in case-insensitive order within each block between blank lines. This line breaks that order; `notesls --check --fix` sorts the block. Turn sorting off with `\"sorting\": false` in `.notesls.json`.",
	},
	{
		Name:     "invalid-encoding",
		Severity: analysis.SeverityError,
		Title:    "Invalid encoding or control character",
		Help:     "The line holds bytes that are not UTF-8, a NUL, or another control character but tab. Notes files are UTF-8 text.",
	},
	{
		Name:     "trailing-whitespace",
		Severity: analysis.SeverityHint,
		Title:    "Trailing white space",
		Help:     "Spaces or tabs end the line. `notesls --check --fix` trims them.",
	},
	{
		Name:         RuleUnlinkedMention,
		Severity:     analysis.SeverityHint,
		OffByDefault: true,
		Title:        "Unlinked mention of a term",
		Help:         "A definition names a known term (a name or alias of the workspace, 3+ letters, matched case-insensitively on whole words, the longest first) without `[[ ]]`. Reported once a term a line, not in the term's own definition nor in a line that links it already. The quick fix wraps the mention: `[[Sharding]]`. Off by default; turn it on with `\"rules\": {\"unlinked-mention\": \"hint\"}`.",
	},
	{
		Name:     "limit-reached",
		Severity: analysis.SeverityInfo,
		Title:    "Cross-line checks skipped",
		Help:     "The file is larger than `maxFileSize` (default 20 MB), so the rules that compare its lines with other lines (duplicate-line, duplicate-definition, redundant-stub, broken-reference, near-duplicate, unlinked-mention) were not run on it; or it has more cross-line findings than `maxCrossLineFindings` (default 100,000), and the rest were not reported. The finding, on line 1, names the limit and how to raise it in `.notesls.json`.",
	},
}

// LookupRule returns the rule with the given name.
func LookupRule(name string) (Rule, bool) {
	for _, r := range Rules {
		if r.Name == name {
			return r, true
		}
	}
	return Rule{}, false
}
