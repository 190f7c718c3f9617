package server

import (
	"bytes"
	"fmt"

	"github.com/segmentio/encoding/json"

	"github.com/notesls/notesls/analysis"
	"github.com/notesls/notesls/index"
)

// settings is a partial configuration: only what one source said. Sources apply in this
// order, each over the previous: defaults, the editor's settings (initializationOptions,
// then workspace/didChangeConfiguration), and the workspace's .notesls.json, which wins
// because `notesls --check` reads it too: CI and the editor must report the same findings.
type settings struct {
	rules   map[string]analysis.Severity
	sorting *bool
	include []string
	// The limits of the cross-line rules, see index.Config.
	maxFileSize, maxCrossFindings *int
	// How many findings of a file are published, see index.Snapshot.DiagnosticsUpTo.
	maxShown *int
}

// settingsKeys are the keys a settings object may carry; the editor may send others
// (such as "trace"), which are not ours to judge.
var settingsKeys = []string{"include", "rules", "sorting", "maxFileSize", "maxCrossLineFindings", "maxDiagnosticsPerFile"}

// parseSettings reads editor settings: {"notesls": {"rules": {...}, "sorting": bool}} or
// the same object without the outer key. Absent or null settings are empty.
func parseSettings(raw json.RawMessage) (settings, error) {
	if isNull(raw) {
		return settings{}, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return settings{}, fmt.Errorf("settings: want a JSON object: %v", err)
	}
	if inner, ok := obj["notesls"]; ok {
		if isNull(inner) {
			return settings{}, nil
		}
		obj = nil
		if err := json.Unmarshal(inner, &obj); err != nil {
			return settings{}, fmt.Errorf(`settings "notesls": want a JSON object: %v`, err)
		}
	}
	ours := map[string]json.RawMessage{}
	for _, k := range settingsKeys {
		if v, ok := obj[k]; ok && !isNull(v) {
			ours[k] = v
		}
	}
	data, err := json.Marshal(ours)
	if err != nil {
		return settings{}, err
	}
	return parseConfigObject(data, ours)
}

// parseConfigFile reads a .notesls.json strictly, as --check does.
func parseConfigFile(path string) (settings, error) {
	data, err := readRegular(path)
	if err != nil {
		return settings{}, err
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		return settings{}, fmt.Errorf("%s: %v", path, err)
	}
	st, err := parseConfigObject(data, keys)
	if err != nil {
		return settings{}, fmt.Errorf("%s: %v", path, err)
	}
	return st, nil
}

func parseConfigObject(data []byte, keys map[string]json.RawMessage) (settings, error) {
	cfg, err := index.ParseConfig(bytes.TrimSpace(data))
	if err != nil {
		return settings{}, err
	}
	var st settings
	if _, ok := keys["rules"]; ok {
		st.rules = cfg.Severity
	}
	if _, ok := keys["sorting"]; ok {
		sorting := cfg.Sorting
		st.sorting = &sorting
	}
	if _, ok := keys["include"]; ok {
		st.include = cfg.Include
	}
	if _, ok := keys["maxFileSize"]; ok {
		n := cfg.MaxFileSize
		st.maxFileSize = &n
	}
	if _, ok := keys["maxCrossLineFindings"]; ok {
		n := cfg.MaxCrossFindings
		st.maxCrossFindings = &n
	}
	if _, ok := keys["maxDiagnosticsPerFile"]; ok {
		n := cfg.MaxShown
		st.maxShown = &n
	}
	return st, nil
}

// applyTo lays st over cfg.
func (st settings) applyTo(cfg *index.Config) {
	if len(st.rules) > 0 {
		sev := make(map[string]analysis.Severity, len(cfg.Severity)+len(st.rules))
		for k, v := range cfg.Severity {
			sev[k] = v
		}
		for k, v := range st.rules {
			sev[k] = v
		}
		cfg.Severity = sev
	}
	if st.sorting != nil {
		cfg.Sorting = *st.sorting
	}
	if st.include != nil {
		cfg.Include = st.include
	}
	if st.maxFileSize != nil {
		cfg.MaxFileSize = *st.maxFileSize
	}
	if st.maxCrossFindings != nil {
		cfg.MaxCrossFindings = *st.maxCrossFindings
	}
	if st.maxShown != nil {
		cfg.MaxShown = *st.maxShown
	}
}
