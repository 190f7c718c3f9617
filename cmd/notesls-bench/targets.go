package main

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// A target is a stretch of one line where a request has something to ask about: the text
// inside "[[" and "]]", or the place right after a " -- " in a head. Offsets are bytes
// of the line.
type target struct {
	line     int
	from, to int
}

// references finds every "[[...]]" of the document with a target between the brackets.
func (d *document) references() []target {
	var out []target
	for i, line := range d.lines {
		for off := 0; ; {
			open := strings.Index(line[off:], "[[")
			if open < 0 {
				break
			}
			from := off + open + 2
			end := strings.Index(line[from:], "]]")
			if end < 0 {
				break
			}
			to := from + end
			if nested := strings.Index(line[from:to], "[["); nested >= 0 {
				off = from + nested // "[[a [[b]]": the inner one is the reference
				continue
			}
			if to > from {
				out = append(out, target{i, from, to})
			}
			off = to + 2
		}
	}
	return out
}

// headEnds are the texts that end a head, or stand after it, as far as the client needs
// to tell: a separator, a reference or a URL. The server decides exactly; a place the
// client takes wrongly for a head shows as an empty answer.
var headEnds = []string{" = ", " == ", ": ", " -> ", " ~ ", "[[", "://"}

// pathOperators finds every " -- " inside a head: completion right after it proposes the
// children of the path before it.
func (d *document) pathOperators() []target {
	var out []target
	for i, line := range d.lines {
		head := line
		for _, e := range headEnds {
			if j := strings.Index(head, e); j >= 0 {
				head = head[:j]
			}
		}
		head = strings.TrimRight(head, " ")
		for off := 0; ; {
			j := strings.Index(head[off:], " -- ")
			if j < 0 {
				break
			}
			at := off + j + len(" -- ")
			out = append(out, target{i, at, at})
			off = at
		}
	}
	return out
}

// position converts a byte offset of line l to an LSP position.
func (d *document) position(l, off int) position {
	return position{Line: l, Character: utf16Len(d.lines[l][:off])}
}

// inside picks a random place inside the target's text, at a character boundary.
func (d *document) inside(rng *rand.Rand, t target) position {
	off := t.from
	if t.to > t.from {
		off += rng.IntN(t.to - t.from)
	}
	for off > t.from && !utf8.RuneStart(d.lines[t.line][off]) {
		off--
	}
	return d.position(t.line, off)
}

// middle is the place in the middle of the target's text.
func (d *document) middle(t target) position {
	off := (t.from + t.to) / 2
	for off > t.from && !utf8.RuneStart(d.lines[t.line][off]) {
		off--
	}
	return d.position(t.line, off)
}

// maxTyped is the most characters typed after "[[" before completion is asked: both a
// bare "[[" (every term is a candidate) and a few letters (a filtered search) are what
// editors send.
const maxTyped = 2

// typed is the place after the target's first 0..maxTyped characters: what the cursor
// sees while the user is typing the reference.
func (d *document) typed(rng *rand.Rand, t target) position {
	off := t.from
	for k := rng.IntN(maxTyped + 1); k > 0 && off < t.to; k-- {
		_, size := utf8.DecodeRuneInString(d.lines[t.line][off:t.to])
		off += size
	}
	return d.position(t.line, off)
}

// resultItems counts what an answer offers: completion items, or definition locations;
// cross tells whether a location lies in another document than self (a normURI).
func resultItems(raw json.RawMessage, self string) (n int, cross bool) {
	t := strings.TrimSpace(string(raw))
	if t == "" || t == "null" {
		return 0, false
	}
	var list struct {
		Items []json.RawMessage `json:"items"`
	}
	if strings.HasPrefix(t, "{") && json.Unmarshal(raw, &list) == nil && list.Items != nil {
		return len(list.Items), false
	}
	type loc struct {
		URI       string `json:"uri"`
		TargetURI string `json:"targetUri"`
	}
	var locs []loc
	if strings.HasPrefix(t, "{") {
		var one loc
		if json.Unmarshal(raw, &one) != nil {
			return 0, false
		}
		locs = []loc{one}
	} else if json.Unmarshal(raw, &locs) != nil {
		// Completion items as a plain array.
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) == nil {
			return len(items), false
		}
		return 0, false
	}
	for _, l := range locs {
		u := l.URI
		if u == "" {
			u = l.TargetURI
		}
		if u != "" && normURI(u) != self {
			cross = true
		}
	}
	return len(locs), cross
}
