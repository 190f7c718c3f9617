package server

import (
	"slices"
	"strconv"
	"strings"

	"go.lsp.dev/protocol"
)

// markupFor picks what hovers and documentation are written in. Markdown when the client
// lists it (or lists nothing: the LSP default), plain text when it does not — Emacs's
// eglot without markdown-mode offers only "plaintext" and would show raw `**` and link
// syntax. Neovim before 0.10 lists Markdown but its floats conceal only bold, not links,
// so `[file:141](file:///...#L141)` would be read raw: it gets plain text too.
func markupFor(formats []protocol.MarkupKind, clientName, clientVersion string) protocol.MarkupKind {
	if clientName == "Neovim" && olderThan(clientVersion, 0, 10) {
		return protocol.PlainText
	}
	if len(formats) == 0 || slices.Contains(formats, protocol.Markdown) {
		return protocol.Markdown
	}
	return protocol.PlainText
}

// olderThan reports whether a "major.minor.patch" version is below major.minor; a version
// that does not parse is taken as new.
func olderThan(version string, major, minor int) bool {
	parts := strings.SplitN(version, ".", 3)
	if len(parts) < 2 {
		return false
	}
	maj, err1 := strconv.Atoi(parts[0])
	mnr, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return false
	}
	return maj < major || maj == major && mnr < minor
}

// markup writes one of the two forms a client may read: Markdown, escaped and with links,
// or plain text as it would be read aloud.
type markup struct{ plain bool }

func (m markup) bold(s string) string {
	if m.plain {
		return s
	}
	return "**" + escapeMarkdown(s) + "**"
}

// text is free text; in Markdown its URLs become links.
func (m markup) text(s string) string {
	if m.plain {
		return strings.TrimSpace(s)
	}
	return markdownText(s)
}

// literal is a name shown as written.
func (m markup) literal(s string) string {
	if m.plain {
		return s
	}
	return escapeMarkdown(s)
}

// link shows label, linked to target in Markdown.
func (m markup) link(label, target string) string {
	if m.plain {
		return label
	}
	return "[" + escapeMarkdown(label) + "](" + target + ")"
}

// url shows a bare URL, linked in Markdown.
func (m markup) url(u string) string {
	if m.plain {
		return u
	}
	return "<" + u + ">"
}

// lines shows plain text line by line.
func (m markup) lines(s string) string {
	if m.plain {
		return s
	}
	return plainToMarkdown(s)
}
