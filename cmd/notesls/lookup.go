package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/notesls/notesls/index"
)

const lookupUsage = `usage: notesls lookup [--json] [--in PATH]... [--config FILE] TERM...

Looks terms up in the workspace, as the editor's hover shows them: each term's
definitions, aliases, URLs, child topics and the lines that refer to it. A term is a path
("data store -- database"), an alias or a last segment, as a [[reference]] names one.
Without an exact match, the closest terms (a typo or two away) are shown.

flags:
  --in PATH        a file or directory of the workspace (default: the current directory);
                   found and configured as --check finds them
  --config FILE    use FILE instead of the nearest .notesls.json
  --json           print the matches as JSON

exit status: 0 every term found (exactly or closely), 1 a term matched nothing, 2 usage
or I/O error.
`

// runLookup is `notesls lookup`.
func runLookup(args []string, stdout, stderr io.Writer) int {
	var opts checkOptions
	var terms []string
	asJSON := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case a == "--":
			terms = append(terms, args[i+1:]...)
			i = len(args)
		case !strings.HasPrefix(a, "-"):
			terms = append(terms, a)
		case name == "json":
			asJSON = true
		case name == "help" || name == "h":
			io.WriteString(stdout, lookupUsage)
			return exitOK
		case name == "in" || name == "config":
			if !hasValue {
				if i+1 == len(args) {
					fmt.Fprintf(stderr, "notesls lookup: --%s needs a value\n", name)
					return exitUsage
				}
				i++
				value = args[i]
			}
			if name == "in" {
				opts.paths = append(opts.paths, value)
			} else {
				opts.config = value
			}
		default:
			fmt.Fprintf(stderr, "notesls lookup: unknown flag %s\n%s", a, lookupUsage)
			return exitUsage
		}
	}
	if len(terms) == 0 {
		fmt.Fprintf(stderr, "notesls lookup: no term to look up\n%s", lookupUsage)
		return exitUsage
	}
	if len(opts.paths) == 0 {
		opts.paths = []string{"."}
	}
	cfg, cfgDir, err := loadConfig(opts)
	if err != nil {
		fmt.Fprintf(stderr, "notesls lookup: %s\n", oneLine(err.Error()))
		return exitUsage
	}
	paths, err := index.Discover(opts.paths, cfg, cfgDir)
	if err == nil {
		var contents map[string][]byte
		if contents, _, err = readContents(paths, stderr, isTerminal(stderr)); err == nil {
			snap := index.NewWorkspace(cfg).UpdateMany(contents)
			return printLookups(snap, terms, asJSON, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "notesls lookup: %s\n", oneLine(err.Error()))
	return exitUsage
}

type lookupJSON struct {
	Query       string           `json:"query"`
	Exact       bool             `json:"exact"`
	Term        string           `json:"term"`
	Aliases     []string         `json:"aliases"`
	Definitions []lookupDefJSON  `json:"definitions"`
	URLs        []string         `json:"urls"`
	Children    []string         `json:"children"`
	References  []lookupLineJSON `json:"references"`
}

type lookupDefJSON struct {
	Path      string   `json:"path"`
	Line      int      `json:"line"`
	Separator string   `json:"separator"`
	Body      string   `json:"body"`
	URLs      []string `json:"urls"`
}

type lookupLineJSON struct {
	Path string `json:"path"`
	Line int    `json:"line"`
}

func printLookups(snap *index.Snapshot, terms []string, asJSON bool, stdout, stderr io.Writer) int {
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	code := exitOK
	all := []lookupJSON{}
	lines := map[string]*lineIndex{}
	lineOf := func(l index.Location) int {
		x, ok := lines[l.Path]
		if !ok {
			src, _ := snap.Content(l.Path)
			x = newLineIndex(src)
			lines[l.Path] = x
		}
		line, _ := x.OffsetPosition(l.Span.Start)
		return line
	}
	for _, q := range terms {
		matches, exact := snap.Lookup(q)
		if len(matches) == 0 {
			fmt.Fprintf(stderr, "notesls lookup: no term %q in the workspace, and none close to it\n", q)
			code = exitFindings
			continue
		}
		if !exact && !asJSON {
			fmt.Fprintf(out, "no term %q; the closest:\n\n", q)
		}
		for _, m := range matches {
			j := lookupJSON{Query: q, Exact: exact, Term: m.Term, Aliases: nonNil(m.Aliases), URLs: nonNil(m.URLs), Children: nonNil(m.Children),
				Definitions: []lookupDefJSON{}, References: []lookupLineJSON{}}
			for _, d := range m.Definitions {
				j.Definitions = append(j.Definitions, lookupDefJSON{Path: filepath.ToSlash(d.Path), Line: d.Line + 1, Separator: d.Separator, Body: d.Body, URLs: nonNil(d.URLs)})
			}
			for _, r := range m.References {
				l := lookupLineJSON{Path: filepath.ToSlash(r.Path), Line: lineOf(r)}
				if n := len(j.References); n == 0 || j.References[n-1] != l {
					j.References = append(j.References, l)
				}
			}
			all = append(all, j)
			if !asJSON {
				writeLookupText(out, j)
			}
		}
	}
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		enc.Encode(all)
	}
	return code
}

func writeLookupText(w io.Writer, j lookupJSON) {
	fmt.Fprintln(w, j.Term)
	if len(j.Aliases) > 0 {
		fmt.Fprintf(w, "  aliases: %s\n", strings.Join(j.Aliases, ", "))
	}
	for _, d := range j.Definitions {
		body := d.Body
		if body == "" {
			body = "(no definition)"
		}
		sep := d.Separator
		if sep == "" {
			sep = "·"
		}
		fmt.Fprintf(w, "  %s %s  [%s:%d]\n", sep, body, d.Path, d.Line)
	}
	if len(j.URLs) > 0 {
		fmt.Fprintf(w, "  links: %s\n", strings.Join(j.URLs, " "))
	}
	if len(j.Children) > 0 {
		fmt.Fprintf(w, "  topics: %s\n", strings.Join(j.Children, ", "))
	}
	if len(j.References) > 0 {
		var where []string
		for _, r := range j.References {
			where = append(where, fmt.Sprintf("%s:%d", r.Path, r.Line))
		}
		fmt.Fprintf(w, "  referred to by %s: %s\n", plural(len(j.References), "line"), strings.Join(where, ", "))
	}
	fmt.Fprintln(w)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
