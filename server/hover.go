package server

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/notesls/notesls/index"
)

// maxHoverChildren bounds the child topics listed in a hover: a top-level topic of a large
// workspace has hundreds, and a hover is read at a glance.
const maxHoverChildren = 40

func (s *Server) hover(ctx context.Context, p *protocol.HoverParams) (*protocol.Hover, error) {
	f, off, err := s.fileAt(ctx, p.TextDocument.URI, p.Position)
	if err != nil || f == nil {
		return nil, err
	}
	h := f.v.snap.Hover(f.path, off)
	if h == nil {
		return nil, nil
	}
	rng, err := f.mapper.SpanRange(h.Span)
	if err != nil {
		return nil, err
	}
	var refs []referringLine
	if h.RefCount > 0 {
		refs = s.referringLines(f.v, h.Key)
	}
	kind := s.client.hoverFormat
	return &protocol.Hover{
		Contents: protocol.MarkupContent{Kind: kind, Value: hoverText(f.v, h, refs, markup{plain: kind == protocol.PlainText})},
		Range:    &rng,
	}, nil
}

// maxHoverRefs bounds the referring lines a hover lists; the count says how many more.
const maxHoverRefs = 10

// A referringLine is a line holding a reference to the hovered term.
type referringLine struct {
	path string
	line int // 0-based
}

// referringLines lists the first lines, in file and line order, that refer to topic key.
func (s *Server) referringLines(v *view, key string) []referringLine {
	var out []referringLine
	for _, r := range v.snap.ReferencesTo(key) {
		_, sel, ok := s.location(v, r.Path, r.Span, r.Selection)
		if !ok {
			continue
		}
		l := referringLine{path: r.Path, line: int(sel.Start.Line)}
		if n := len(out); n > 0 && out[n-1] == l {
			continue
		}
		if len(out) == maxHoverRefs {
			break
		}
		out = append(out, l)
	}
	return out
}

// hoverText renders what the index knows of a term: path, aliases, every definition
// with a link to its line, URLs, child topics, how often it is referred to and from where.
func hoverText(v *view, h *index.HoverResult, refs []referringLine, m markup) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", m.bold(h.Term))
	if len(h.Aliases) > 0 {
		b.WriteString("\nAliases: ")
		for i, a := range h.Aliases {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(m.literal(a))
		}
		b.WriteString("\n")
	}
	if len(h.Definitions) > 0 {
		b.WriteString("\n")
		for _, d := range h.Definitions {
			where := m.link(fmt.Sprintf("%s:%d", displayPath(v, d.Path), d.Line+1), fmt.Sprintf("%s#L%d", v.uri(d.Path), d.Line+1))
			switch {
			case d.Body != "":
				fmt.Fprintf(&b, "- %s%s — %s\n", separatorLabel(d.Separator), m.text(d.Body), where)
			default: // a stub or a bare link: its URLs follow under Links
				fmt.Fprintf(&b, "- %s\n", where)
			}
		}
	}
	if len(h.URLs) > 0 {
		b.WriteString("\nLinks:\n")
		for _, u := range h.URLs {
			fmt.Fprintf(&b, "- %s\n", m.url(u))
		}
	}
	if len(h.Children) > 0 {
		b.WriteString("\nTopics: ")
		for i, c := range h.Children {
			if i == maxHoverChildren {
				fmt.Fprintf(&b, " and %d more", len(h.Children)-i)
				break
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(m.literal(c))
		}
		b.WriteString("\n")
	}
	switch h.RefCount {
	case 0:
		return b.String()
	case 1:
		b.WriteString("\nReferred to by 1 line:\n")
	default:
		fmt.Fprintf(&b, "\nReferred to by %d lines:\n", h.RefCount)
	}
	for _, r := range refs {
		fmt.Fprintf(&b, "- %s\n", m.link(fmt.Sprintf("%s:%d", displayPath(v, r.path), r.line+1), fmt.Sprintf("%s#L%d", v.uri(r.path), r.line+1)))
	}
	if more := h.RefCount - len(refs); more > 0 && len(refs) > 0 {
		fmt.Fprintf(&b, "- and %d more\n", more)
	}
	return b.String()
}

// separatorLabel names the kind of an entry's body.
func separatorLabel(sep string) string {
	switch sep {
	case "->":
		return "see also: "
	case "~":
		return "related: "
	}
	return ""
}

var urlPattern = regexp.MustCompile(`https?://[^\s<>]+`)

// markdownText escapes free text and turns its URLs into links.
func markdownText(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range urlPattern.FindAllStringIndex(s, -1) {
		b.WriteString(escapeMarkdown(s[last:m[0]]))
		b.WriteString("<" + s[m[0]:m[1]] + ">")
		last = m[1]
	}
	b.WriteString(escapeMarkdown(s[last:]))
	return strings.TrimSpace(b.String())
}

var markdownEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`<`, `\<`, `>`, `\>`, `#`, `\#`, `|`, `\|`,
)

// plainToMarkdown shows plain text as written, line by line.
func plainToMarkdown(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = markdownText(l)
	}
	return strings.Join(lines, "  \n")
}

// escapeMarkdown makes text show as written.
func escapeMarkdown(s string) string { return markdownEscaper.Replace(s) }
