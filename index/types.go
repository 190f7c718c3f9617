package index

import "github.com/notesls/notesls/analysis"

// A Diagnostic is one finding in one file, with the rule's configured severity applied.
// Spans are byte offsets into that file's content as the snapshot holds it.
type Diagnostic struct {
	Path     string
	Span     analysis.Span
	Severity analysis.Severity
	Rule     string
	Message  string
	Related  []Related
	// Fixable is true when `notesls --check --fix` repairs the finding.
	Fixable bool
	// Unnecessary marks text that can go without loss (a redundant stub), which editors
	// render faded.
	Unnecessary bool
	// Limit names the setting whose limit cut the file's checks short, on a
	// limit-reached finding.
	Limit string
}

// Related points to another place that explains a finding, such as the first of two
// duplicate lines.
type Related struct {
	Path    string
	Span    analysis.Span
	Message string
}

// A Location is a span in a workspace file.
type Location struct {
	Path string
	// Span covers the whole defining line without its line end.
	Span analysis.Span
	// Selection covers the name that was looked up inside Span.
	Selection analysis.Span
}

// Definition is one entry that defines a term.
type Definition struct {
	Location
	Line      int    // 0-based line number in Path
	Separator string // "=", "==", ":", "->", "~" or "" for an entry without a body
	Body      string // the text after the separator, trimmed
	URLs      []string
}

// HoverResult describes the term under the cursor.
type HoverResult struct {
	Span        analysis.Span // what was hovered
	Term        string        // the term's path as first written, e.g. "data store -- database"
	Key         string        // the normalized path key
	Aliases     []string
	Definitions []Definition // every entry whose path is the term, in workspace order
	URLs        []string     // every URL of those entries, without repeats
	Children    []string     // names of child topics, sorted case-insensitively
	RefCount    int          // how many lines refer to the term ([[x]], -> x, ~ x)
}

// CompletionKind tells what a completion item stands for.
type CompletionKind uint8

const (
	CompletionTopic CompletionKind = iota + 1 // a path segment (child topic)
	CompletionTerm                            // a full term, inside [[...]]
	CompletionAlias                           // an alias, inside [[...]]
)

// CompletionItem is one proposal.
type CompletionItem struct {
	Label         string
	Kind          CompletionKind
	Detail        string // the first definition, if any
	Documentation string
	// Key is the normalized path key the item stands for, for lookups.
	Key string
}

// CompletionResult lists proposals, best first, for the text in Replace.
type CompletionResult struct {
	Replace    analysis.Span // the typed prefix, replaced by the chosen item
	Items      []CompletionItem
	Incomplete bool // the list was cut at the limit
}
