// Package analysis parses one notes file into a syntax tree with byte offsets and reports
// the rules that need nothing but one line. It is pure: bytes in, tree and diagnostics out;
// no I/O, no global state, no editor types.
package analysis

// A Span is a half-open byte range [Start, End) in a file's bytes.
type Span struct {
	Start, End int
}

// Len reports the number of bytes the span covers.
func (s Span) Len() int { return s.End - s.Start }

// Contains reports whether offset lies inside the span; the end counts as inside so that a
// cursor just after a word still touches it, as editors expect.
func (s Span) Contains(offset int) bool { return s.Start <= offset && offset <= s.End }

// Severity orders findings; a smaller value is more severe.
type Severity uint8

const (
	SeverityError Severity = iota + 1
	SeverityWarning
	SeverityInfo
	SeverityHint
)

func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	case SeverityInfo:
		return "info"
	case SeverityHint:
		return "hint"
	}
	return "unknown"
}
