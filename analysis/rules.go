package analysis

// Rule names are stable identifiers, printed by --check and sent as the LSP diagnostic
// code. The rules of one line live in this package; the cross-line ones in index.
const (
	RuleMalformedSeparator = "malformed-separator"
	RuleEmptySegment       = "empty-segment"
	RuleMissingTerm        = "missing-term"
	RuleEmptyDefinition    = "empty-definition"
	RuleBrokenReference    = "broken-reference"
	RuleMalformedReference = "malformed-reference"
	RuleMalformedTask      = "malformed-task"
	RuleDuplicateLine      = "duplicate-line"
	RuleDuplicateDef       = "duplicate-definition"
	RuleDuplicateURL       = "duplicate-url"
	RuleRedundantStub      = "redundant-stub"
	RuleNearDuplicate      = "near-duplicate"
	RuleUnbalanced         = "unbalanced-brackets"
	RuleUnsorted           = "unsorted"
	RuleInvalidEncoding    = "invalid-encoding"
	RuleTrailingWhitespace = "trailing-whitespace"
)
