package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// scenarioNames are the workloads -scenario takes.
var scenarioNames = []string{"probes", "typing", "enter", "open"}

// ScenarioReport is what the editor-like workloads measured. Times in milliseconds.
type ScenarioReport struct {
	// Typing: a new entry typed a character at a time at the end of a file, each didChange
	// followed at once by a completion at the cursor, as VS Code sends them; the diagnostics
	// of each character's version are awaited before the next.
	Typing *TypingReport `json:"typing,omitempty"`
	// Enter: Enter typed in the middle of the opened file and deleted again, each until
	// that version's diagnostics.
	Enter Latency `json:"enter"`
	// Open: requests sent right after didOpen, during the first second, before the server
	// has published anything.
	Open *OpenReport `json:"open,omitempty"`
	// CPUMs is the server's CPU time (user and system) over each of typing and enter, in
	// ms: the work a keystroke makes besides the answers measured, such as republishing
	// other files it reached. Work still running when the scenario ends is not counted.
	CPUMs map[string]float64 `json:"cpuMs,omitempty"`
}

type TypingReport struct {
	File string `json:"file"`
	// Typed are the entries typed, one after the other, each taken away again before the
	// next: -typing-entries of them.
	Typed []string `json:"typed"`
	// KeystrokeToCompletion runs from sending the didChange to the completion's answer.
	KeystrokeToCompletion Latency `json:"keystrokeToCompletion"`
	// KeystrokeToDiagnostics runs from sending the didChange to that version's
	// publishDiagnostics for the file.
	KeystrokeToDiagnostics Latency `json:"keystrokeToDiagnostics"`
}

type OpenReport struct {
	WindowMs   float64 `json:"windowMs"`
	Hover      Latency `json:"hover"`
	Definition Latency `json:"definition"`
	Completion Latency `json:"completion"`
}

// openWindow is how long after didOpen the open scenario keeps asking.
const openWindow = time.Second

func (o Options) has(name string) bool {
	if len(o.Scenarios) == 0 {
		return name == "probes"
	}
	return slices.Contains(o.Scenarios, name)
}

func (o Options) count(names ...string) int {
	n := 0
	for _, name := range names {
		if o.has(name) {
			n++
		}
	}
	return n
}

// parseScenarios reads -scenario: names separated by commas.
func parseScenarios(s string) ([]string, error) {
	var out []string
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if !slices.Contains(scenarioNames, name) {
			return nil, fmt.Errorf("unknown scenario %q (want %s)", name, strings.Join(scenarioNames, ", "))
		}
		out = append(out, name)
	}
	return out, nil
}

// openCold opens f and at once asks hover, definition and completion in turn at random
// positions, for the first second or Requests of each, then waits for the first
// diagnostics as open does.
func (s *session) openCold(f *openFile) (*OpenReport, firstOpen, error) {
	o := s.opts
	res := firstOpen{diagMs: -1, hover: FirstHover{Ms: -1}}
	rep := &OpenReport{WindowMs: ms(openWindow)}
	mark := s.diags.mark(f.key)
	openedAt := time.Now()
	if err := s.sendOpen(f); err != nil {
		return rep, res, err
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x6f70656e))
	kinds := []struct {
		method string
		rec    recorder
		out    *Latency
	}{{"textDocument/hover", recorder{}, &rep.Hover}, {"textDocument/definition", recorder{}, &rep.Definition}, {"textDocument/completion", recorder{}, &rep.Completion}}
	for i := 0; i < 3*o.Requests && time.Since(openedAt) < openWindow; i++ {
		k := &kinds[i%3]
		params := map[string]any{"textDocument": map[string]any{"uri": f.uri}, "position": f.doc.randomPosition(rng)}
		res, lat, err := s.conn.call(k.method, params, o.Timeout)
		if err != nil {
			k.rec.fail(err, !isRPCError(err))
			continue
		}
		k.rec.add(lat)
		if isEmptyResult(res) {
			k.rec.lat.Empty++
		}
	}
	for i := range kinds {
		*kinds[i].out = kinds[i].rec.summary()
	}
	if ev, ok := s.diags.wait(f.key, mark, 0, max(o.StartTimeout-time.Since(openedAt), 0)); ok {
		res.diagMs = ms(ev.at.Sub(openedAt))
		res.diags = ev.count
	}
	return rep, res, nil
}

// typedEntry makes the entry the typing scenario types: under a path of the source file
// (its first two segments), a new name, and a reference to one of its terms, so that
// completion has children to offer after each " -- " and targets after "[[".
func typedEntry(src *document, rng *rand.Rand) string {
	var heads, terms []string
	for _, l := range src.lines {
		head, _, _ := strings.Cut(l, " = ")
		if segs := strings.Split(head, " -- "); len(segs) >= 2 && !strings.ContainsAny(head, "[]()\"") {
			heads = append(heads, segs[0]+" -- "+segs[1])
			terms = append(terms, segs[len(segs)-1])
		}
	}
	if len(heads) == 0 {
		return "new topic -- new entry = typed by notesls-bench"
	}
	i, j := rng.IntN(len(heads)), rng.IntN(len(terms))
	return heads[i] + " -- typed entry = see [[" + terms[j] + "]]"
}

// typing types entries of typedEntry(src) into f in turn, each on a new last line and
// taken away again before the next: one entry is a second or two of keystrokes, in which
// one collection more or less of a large workspace's heap is half the CPU measured.
func (s *session) typing(f, src *openFile, sync int, rng *rand.Rand, deadline time.Time) *TypingReport {
	rep := &TypingReport{File: f.path}
	if sync != 2 {
		rep.KeystrokeToCompletion.FirstError = "the server takes no incremental changes"
		return rep
	}
	var comp, diag recorder
	typed := 0
	for range max(1, s.opts.TypingEntries) {
		if time.Now().After(deadline) {
			break
		}
		entry := typedEntry(src.doc, rng)
		rep.Typed = append(rep.Typed, entry)
		typed += utf8.RuneCountInString(entry)
		if !s.typeEntry(f, entry, &comp, &diag, deadline) {
			break
		}
	}
	rep.KeystrokeToCompletion, rep.KeystrokeToDiagnostics = comp.summary(), diag.summary()
	if typed > rep.KeystrokeToDiagnostics.Count+rep.KeystrokeToDiagnostics.Timeouts && rep.KeystrokeToDiagnostics.FirstError == "" {
		rep.KeystrokeToDiagnostics.FirstError = "the deadline cut the typing short"
	}
	return rep
}

// typeEntry types entry into f on a new last line, recording each keystroke, then takes
// it away again. It reports whether the typing can go on.
func (s *session) typeEntry(f *openFile, entry string, comp, diag *recorder, deadline time.Time) bool {
	last := len(f.doc.lines) - 1
	line := last
	change := func(r lspRange, text string) (time.Time, int, error) {
		f.version++
		mark := s.diags.mark(f.key)
		sent := time.Now()
		err := s.conn.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": f.uri, "version": f.version},
			"contentChanges": []any{map[string]any{"range": r, "text": text}},
		})
		return sent, mark, err
	}
	endOfFile := position{Line: last, Character: utf16Len(f.doc.lines[last])}
	if f.doc.lines[last] != "" {
		// A new line to type on; not measured.
		if _, _, err := change(lspRange{endOfFile, endOfFile}, "\n"); err != nil {
			comp.fail(err, false)
			return false
		}
		line = last + 1
	}
	col := 0
	ok := true
	for _, r := range entry {
		if time.Now().After(deadline) {
			ok = false
			break
		}
		at := position{Line: line, Character: col}
		ch := string(r)
		sent, mark, err := change(lspRange{at, at}, ch)
		if err != nil {
			comp.fail(err, false)
			ok = false
			break
		}
		col += utf16Len(ch)
		trigger := map[string]any{"triggerKind": 1}
		if strings.ContainsRune("- [", r) {
			trigger = map[string]any{"triggerKind": 2, "triggerCharacter": ch}
		}
		res, _, err := s.conn.call("textDocument/completion", map[string]any{
			"textDocument": map[string]any{"uri": f.uri}, "position": position{Line: line, Character: col}, "context": trigger,
		}, s.opts.Timeout)
		if err != nil {
			comp.fail(err, !isRPCError(err))
		} else {
			comp.add(time.Since(sent))
			items, _ := resultItems(res, f.key)
			comp.lat.Items += items
			if items == 0 {
				comp.lat.Empty++
			}
		}
		if ev, ok := s.diags.wait(f.key, mark, f.version, s.opts.Timeout); ok {
			diag.add(ev.at.Sub(sent))
		} else {
			diag.fail(fmt.Errorf("no diagnostics for version %d within %v", f.version, s.opts.Timeout), true)
		}
	}
	// Take the typed text (and the added line) away, so later measures see the file as
	// it was.
	from := position{Line: line, Character: 0}
	if line != last {
		from = endOfFile
	}
	_, mark, err := change(lspRange{from, position{Line: line, Character: col}}, "")
	if err != nil {
		return false
	}
	s.diags.wait(f.key, mark, f.version, s.opts.Timeout)
	return ok
}
