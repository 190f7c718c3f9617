package index

import (
	"fmt"
	"strings"
)

// RuleLimitReached is the info finding that says a file's cross-line rules were skipped
// or cut short, so that a limit never hides findings silently.
const RuleLimitReached = "limit-reached"

const (
	// defaultMaxFileSize is the size past which a file's cross-line rules are skipped:
	// far above any notes file kept by hand (the largest seen are a few megabytes), low
	// enough that a generated or pasted dump does not cost the workspace seconds on
	// every keystroke.
	defaultMaxFileSize = 20_000_000

	// defaultMaxCrossFindings bounds the cross-line findings of one file: more than an
	// editor lists usefully, and each costs its message (a broken reference's
	// suggestions among them) and its bytes on the wire. Ordinary files stay far below.
	defaultMaxCrossFindings = 100_000

	// defaultMaxShown is VS Code's own limit of the problems it shows of one file
	// (extHostDiagnostics.ts): what an editor would drop anyway is not worth computing,
	// encoding and sending again on every keystroke, which for a file of 40,000 findings
	// took a quarter of a second.
	defaultMaxShown = 1000
)

// oversized reports whether fi is past the size limit of the cross-line rules.
func (s *Snapshot) oversized(fi *fileIndex) bool {
	limit := s.ConfigOf(fi.path).MaxFileSize
	return limit > 0 && fi.ast.Text.Len() > limit
}

// findingBudget counts a file's cross-line findings against the limit.
type findingBudget struct {
	left    int // findings still allowed; below zero when unlimited
	skipped int
}

func newFindingBudget(limit int) *findingBudget {
	if limit <= 0 {
		return &findingBudget{left: -1}
	}
	return &findingBudget{left: limit}
}

// take reports whether one more finding may be reported, and counts it.
func (b *findingBudget) take() bool {
	switch {
	case b.left < 0:
		return true
	case b.left == 0:
		b.skipped++
		return false
	}
	b.left--
	return true
}

// fits reports whether n more findings may all be reported.
func (b *findingBudget) fits(n int) bool { return b.left < 0 || n <= b.left }

// takeN reports how many of n more findings may be reported, the first ones, and counts
// them, as n calls of take do.
func (b *findingBudget) takeN(n int) int {
	if b.left < 0 {
		return n
	}
	k := min(n, b.left)
	b.left -= k
	b.skipped += n - k
	return k
}

// oversizedFinding says that fi's cross-line rules were not run.
func (s *Snapshot) oversizedFinding(fi *fileIndex) Diagnostic {
	return Diagnostic{Span: fi.ast.LineSpan(0), Rule: RuleLimitReached, Limit: "maxFileSize",
		Message: fmt.Sprintf("cross-line rules (duplicates, stubs, references, near-duplicates) skipped: the file is %s, over the limit of %s; raise \"maxFileSize\" in %s (0: no limit)",
			megabytes(fi.ast.Text.Len()), megabytes(s.ConfigOf(fi.path).MaxFileSize), ConfigFileName)}
}

// budgetFinding says how many cross-line findings of fi went unreported.
func (s *Snapshot) budgetFinding(fi *fileIndex, skipped int) Diagnostic {
	return Diagnostic{Span: fi.ast.LineSpan(0), Rule: RuleLimitReached, Limit: "maxCrossLineFindings",
		Message: fmt.Sprintf("%d more cross-line findings not reported: the limit is %d a file; raise \"maxCrossLineFindings\" in %s (0: no limit)",
			skipped, s.ConfigOf(fi.path).MaxCrossFindings, ConfigFileName)}
}

func megabytes(n int) string {
	if n < 1e6 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// shownFinding says how many findings of fi an editor is not shown, by severity.
func (s *Snapshot) shownFinding(fi *fileIndex, max int, omitted [4]int) Diagnostic {
	names := [4]string{"error", "warning", "info", "hint"}
	var parts []string
	total := 0
	for sv, n := range omitted {
		total += n
		if n == 1 {
			parts = append(parts, "1 "+names[sv])
		} else if n > 1 {
			parts = append(parts, fmt.Sprintf("%d %ss", n, names[sv]))
		}
	}
	return Diagnostic{Span: fi.ast.LineSpan(0), Rule: RuleLimitReached, Limit: "maxDiagnosticsPerFile",
		Message: fmt.Sprintf("%d more findings not shown (%s): the editor is sent the %d most severe of a file; raise \"maxDiagnosticsPerFile\" in %s or the editor settings (0: no limit), or run notesls --check, which lists them all",
			total, strings.Join(parts, ", "), max, ConfigFileName)}
}
