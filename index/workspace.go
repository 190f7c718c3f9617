package index

import "github.com/notesls/notesls/analysis"

// API under construction: bodies land in the next commits.

type Workspace struct{ snap *Snapshot }

type Snapshot struct{ cfg Config }

func NewWorkspace(cfg Config) *Workspace { return &Workspace{snap: &Snapshot{cfg: cfg}} }

// Update adds or replaces one file; affected lists every file whose diagnostics may differ.
func (w *Workspace) Update(path string, src []byte) (snap *Snapshot, affected []string) {
	return w.snap, nil
}

// UpdateMany adds or replaces many files at once, parsing them in parallel.
func (w *Workspace) UpdateMany(files map[string][]byte) *Snapshot { return w.snap }

func (w *Workspace) Remove(path string) (snap *Snapshot, affected []string) { return w.snap, nil }
func (w *Workspace) SetConfig(cfg Config) *Snapshot                         { return w.snap }
func (w *Workspace) Snapshot() *Snapshot                                    { return w.snap }

func (s *Snapshot) Config() Config                                     { return s.cfg }
func (s *Snapshot) Files() []string                                    { return nil }
func (s *Snapshot) Content(path string) ([]byte, bool)                 { return nil, false }
func (s *Snapshot) Diagnostics(path string) []Diagnostic               { return nil }
func (s *Snapshot) Hover(path string, offset int) *HoverResult         { return nil }
func (s *Snapshot) Complete(path string, offset int) *CompletionResult { return nil }
func (s *Snapshot) Definition(path string, offset int) (origin analysis.Span, targets []Location) {
	return analysis.Span{}, nil
}
func (s *Snapshot) References(path string, offset int) []Location { return nil }
