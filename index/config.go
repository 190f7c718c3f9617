package index

import "github.com/notesls/notesls/analysis"

// Config is the workspace configuration (`.notesls.json`).
type Config struct {
	// Include holds extra glob patterns, relative to the config's directory, of files to
	// index besides `*.notes`.
	Include []string
	// Severity overrides a rule's default severity; RuleOff turns a rule off.
	Severity map[string]analysis.Severity
	// Sorting enables the unsorted rule and sorting in formatting. Default true.
	Sorting bool
}

// RuleOff as a severity turns a rule off.
const RuleOff analysis.Severity = 0xff

// DefaultConfig is the configuration when no file says otherwise.
func DefaultConfig() Config { return Config{Sorting: true} }
