package index

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/notesls/notesls/analysis"
)

// Config is the workspace configuration (`.notesls.json`).
type Config struct {
	// Include holds extra glob patterns, relative to the config's directory, of files to
	// index besides `*.notes`.
	Include []string
	// Severity overrides a rule's default severity; RuleOff turns a rule off.
	Severity map[string]analysis.Severity
	// Sorting enables the unsorted rule and sorting in formatting. Default true.
	Sorting bool
	// MaxFileSize is the size in bytes above which a file's cross-line rules are skipped
	// (see limits.go); 0 means no limit.
	MaxFileSize int
	// MaxCrossFindings is how many cross-line findings one file reports at most; 0
	// means no limit.
	MaxCrossFindings int
	// MaxShown is how many findings of one file an editor is sent at most (see
	// Snapshot.DiagnosticsUpTo); 0 means no limit. `--check` reports them all.
	MaxShown int
}

// RuleOff as a severity turns a rule off.
const RuleOff analysis.Severity = 0xff

// ConfigFileName is the name of the workspace configuration file.
const ConfigFileName = ".notesls.json"

// DefaultConfig is the configuration when no file says otherwise.
func DefaultConfig() Config {
	return Config{Sorting: true, MaxFileSize: defaultMaxFileSize, MaxCrossFindings: defaultMaxCrossFindings, MaxShown: defaultMaxShown}
}

// SeverityOf returns the severity the configuration gives the named rule: its override,
// else its default from Rules. It returns RuleOff for a rule turned off, and for a name that
// is no rule.
func (c Config) SeverityOf(rule string) analysis.Severity {
	if s, ok := c.Severity[rule]; ok {
		return s
	}
	if r, ok := LookupRule(rule); ok && !r.OffByDefault {
		return r.Severity
	}
	return RuleOff
}

// severities returns SeverityOf of every rule, for a caller that asks for each of many
// findings: LookupRule reads the rules in turn.
func (c Config) severities() map[string]analysis.Severity {
	out := make(map[string]analysis.Severity, len(Rules))
	for _, r := range Rules {
		out[r.Name] = c.SeverityOf(r.Name)
	}
	return out
}

// severityNames maps the words a config may use for a rule's severity.
var severityNames = map[string]analysis.Severity{
	"error":   analysis.SeverityError,
	"warning": analysis.SeverityWarning,
	"info":    analysis.SeverityInfo,
	"hint":    analysis.SeverityHint,
	"off":     RuleOff,
}

// ParseConfig parses the content of a `.notesls.json`:
//
//	{"include": ["notes/*.txt"], "rules": {"near-duplicate": "off"}, "sorting": true}
//
// Every key is optional; a missing one keeps its default. An unknown or repeated key, an
// unknown rule name or a bad value is an error that names it.
func ParseConfig(data []byte) (Config, error) {
	cfg := DefaultConfig()
	dec := json.NewDecoder(bytes.NewReader(data))
	err := decodeObject(dec, "", func(key string, raw json.RawMessage) error {
		switch key {
		case "include":
			var include []string
			if err := json.Unmarshal(raw, &include); err != nil || include == nil {
				return fmt.Errorf(`"include": want a list of glob strings, got %s`, brief(raw))
			}
			for i, pattern := range include {
				if err := checkGlob(pattern); err != nil {
					return fmt.Errorf(`"include"[%d] %q: %v`, i, pattern, err)
				}
			}
			cfg.Include = include
		case "rules":
			sev := map[string]analysis.Severity{}
			rdec := json.NewDecoder(bytes.NewReader(raw))
			err := decodeObject(rdec, `"rules"`, func(name string, raw json.RawMessage) error {
				if _, ok := LookupRule(name); !ok {
					return fmt.Errorf(`"rules": unknown rule %q`, name)
				}
				var word string
				err := json.Unmarshal(raw, &word)
				s, ok := severityNames[word]
				if err != nil || !ok {
					return fmt.Errorf(`"rules"."%s": bad severity %s (want "error", "warning", "info", "hint" or "off")`, name, brief(raw))
				}
				sev[name] = s
				return nil
			})
			if err != nil {
				return err
			}
			cfg.Severity = sev
		case "sorting":
			var on *bool
			if err := json.Unmarshal(raw, &on); err != nil || on == nil {
				return fmt.Errorf(`"sorting": want true or false, got %s`, brief(raw))
			}
			cfg.Sorting = *on
		case "maxFileSize", "maxCrossLineFindings", "maxDiagnosticsPerFile":
			var n *int
			if err := json.Unmarshal(raw, &n); err != nil || n == nil || *n < 0 {
				return fmt.Errorf(`"%s": want a whole number, 0 for no limit, got %s`, key, brief(raw))
			}
			switch key {
			case "maxFileSize":
				cfg.MaxFileSize = *n
			case "maxCrossLineFindings":
				cfg.MaxCrossFindings = *n
			default:
				cfg.MaxShown = *n
			}
		default:
			return fmt.Errorf("unknown key %q (known: \"include\", \"rules\", \"sorting\", \"maxFileSize\", \"maxCrossLineFindings\", \"maxDiagnosticsPerFile\")", key)
		}
		return nil
	})
	if err != nil {
		return DefaultConfig(), err
	}
	return cfg, nil
}

// decodeObject reads one JSON object from dec and calls f for each member in order. where
// names the object in errors ("" for the top level). A repeated key is an error, and so is
// anything after the top-level object.
func decodeObject(dec *json.Decoder, where string, f func(key string, raw json.RawMessage) error) error {
	in := ""
	if where != "" {
		in = where + ": "
	}
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%s%v", in, jsonError(err))
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("%swant a JSON object, got %v", in, describeToken(tok))
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("%s%v", in, jsonError(err))
		}
		key := tok.(string) // inside an object, the decoder only yields string keys here
		if seen[key] {
			return fmt.Errorf("%skey %q given twice", in, key)
		}
		seen[key] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("%s%q: %v", in, key, jsonError(err))
		}
		if err := f(key, raw); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return fmt.Errorf("%s%v", in, jsonError(err))
	}
	if where == "" {
		if _, err := dec.Token(); err != io.EOF {
			return errors.New("unexpected text after the JSON object")
		}
	}
	return nil
}

func jsonError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("unexpected end of JSON")
	}
	return fmt.Errorf("invalid JSON: %v", err)
}

func describeToken(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		return fmt.Sprintf("%q", string(t))
	case string:
		return fmt.Sprintf("the string %q", t)
	case nil:
		return "null"
	default:
		return fmt.Sprintf("%v", t)
	}
}

// brief shortens a raw JSON value for an error message.
func brief(raw json.RawMessage) string {
	s := strings.Join(strings.Fields(string(raw)), " ")
	const max = 40 // enough to recognize the value, short enough for one line
	if len(s) > max {
		s = s[:max] + "..."
	}
	return s
}

// checkGlob validates an include pattern: slash-separated, relative, each segment a valid
// path.Match pattern, and `**` (any number of directories) only as a whole segment.
func checkGlob(pattern string) error {
	if pattern == "" {
		return errors.New("empty pattern")
	}
	if strings.HasPrefix(pattern, "/") || filepath.IsAbs(pattern) {
		return errors.New("must be relative to the config's directory")
	}
	if strings.Contains(pattern, `\`) {
		return errors.New(`use "/" to separate directories`)
	}
	for _, seg := range strings.Split(pattern, "/") {
		if seg == "**" {
			continue
		}
		if strings.Contains(seg, "**") {
			return errors.New(`"**" must be a whole path segment, as in "notes/**/*.txt"`)
		}
		if seg == ".." {
			return errors.New(`".." is not allowed`)
		}
		if _, err := path.Match(seg, ""); err != nil {
			return fmt.Errorf("bad glob: %v", err)
		}
	}
	return nil
}

// MatchGlob reports whether the slash-separated relative path name matches the include
// pattern: segments match with path.Match, and a `**` segment matches any number of
// directories (zero or more segments).
func MatchGlob(pattern, name string) bool {
	return matchSegments(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func matchSegments(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			rest := pat[1:]
			for i := 0; i <= len(name); i++ {
				if matchSegments(rest, name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, err := path.Match(pat[0], name[0]); err != nil || !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// FindConfig reads the `.notesls.json` in dir or in its nearest ancestor. Without one it
// returns DefaultConfig() and an empty path. An unreadable or invalid file is an error
// naming the file.
func FindConfig(dir string) (cfg Config, configPath string, err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return DefaultConfig(), "", err
	}
	for d := abs; ; {
		p := filepath.Join(d, ConfigFileName)
		data, err := os.ReadFile(p)
		switch {
		case err == nil:
			cfg, err := ParseConfig(data)
			if err != nil {
				return DefaultConfig(), p, fmt.Errorf("%s: %v", p, err)
			}
			return cfg, p, nil
		case errors.Is(err, fs.ErrNotExist):
		default:
			return DefaultConfig(), p, err
		}
		parent := filepath.Dir(d)
		if parent == d {
			return DefaultConfig(), "", nil
		}
		d = parent
	}
}
