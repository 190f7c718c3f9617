package index

import (
	"maps"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/notesls/notesls/analysis"
)

// A Workspace holds the current Snapshot of a set of files and makes new ones as files
// change. Writers are serialized; readers take Snapshot() and never block.
type Workspace struct {
	mu   sync.Mutex // serializes writers
	snap atomic.Pointer[Snapshot]
	seq  uint64 // the number of the latest snapshot, guarded by mu
}

// stamp numbers snap, the snapshot after old, and records which file the change edited:
// solo is that file, or "" when the change did more (files added or removed, the
// configuration). What a file's caches found in one snapshot holds in a later one when
// every change between them edited that file only. edit is the change, when it edited
// lines of solo, or nil.
func (w *Workspace) stamp(old, snap *Snapshot, solo string, edit *editRecord) {
	w.seq++
	snap.seq, snap.soloPath, snap.soloSince = w.seq, solo, w.seq
	if solo != "" && old.soloPath == solo {
		snap.soloSince = old.soloSince
	}
	if edit != nil {
		edit.seq = w.seq
		kept := old.edits[max(0, len(old.edits)-maxEditRecords+1):]
		snap.edits = append(kept[:len(kept):len(kept)], *edit) // a copy: old keeps its own
	}
}

// A Snapshot is an immutable view of the workspace. Every query is a pure function of it,
// safe to call from many goroutines.
type Snapshot struct {
	cfg Config // the configuration of the files outside every scope
	// scopes give the files under their roots (clean paths) their own configuration; nil
	// when one configuration rules every file.
	scopes map[string]Config
	// mentionsWanted says whether any file's configuration reports unlinked mentions:
	// their tables are kept only then.
	mentionsWanted bool
	// configured: made by SetConfigs, from a snapshot with the same files.
	configured bool
	ids        map[string]fileID // shared by the snapshots with the same files
	byID       []*fileIndex      // nil where a file was removed
	paths      []string          // sorted: the workspace order for "first" and "later"
	only       *fileIndex        // the file of a one-file workspace, whose tables are the workspace's
	// tables are the workspace-wide tables, from two files on.
	tables *keyTables
	// seq numbers the snapshots of a workspace in order. soloPath is the file that the
	// changes from snapshot soloSince on edited, each of them that file only; "" when the
	// latest change did more.
	seq, soloSince uint64
	soloPath       string
	// edits are the changes that made the latest snapshots up to this one, oldest first,
	// when each edited lines of one file; nil when this one's change did more.
	edits []editRecord
	// affected lists the other files whose findings the edit that made this snapshot may
	// have changed, when Update could tell them; see Update.
	affected []string

	// Computed on first use from the topic tables only, so a snapshot whose files share
	// their topic tables with an earlier one takes these over.
	// Pointers, so that a later snapshot taking one over does not keep this one alive.
	near         *followed[nearState, nearEdit]
	suggestNames *lazy[suggestIndex]
	suggestPaths *lazy[suggestIndex]
	// Computed on first use, or carried over from an earlier snapshot's through the edits.
	cross *followed[crossState, crossEdit]
	// The unlinked mentions, like cross; followed only while the rule is on.
	mentions *followed[mentionState, mentionEdit]
	// firstPlaces caches firstPlace for the mentions' messages; shared while every topic
	// and alias stays on its line.
	firstPlaces *placeCache
	// Shared with the next snapshot while its topics and references stay the same.
	untypedTerms *lazy[*rankedCandidates]
	// The topic keys of every file for "[[" completion, from two files on.
	terms workspaceTerms

	refOnce   sync.Once
	refCounts map[string]int // topic key -> lines referring to it
	refsDone  atomic.Bool    // refCounts is complete

	diagMu sync.Mutex
	diags  map[string]*diagResult
}

// diagResult holds one file's findings in a snapshot: pending, then made whole when every
// one is asked for.
type diagResult struct {
	partsOnce   sync.Once
	parts       *findingParts
	pendingOnce sync.Once
	pending     *pendingDiags
	once        sync.Once
	diags       []Diagnostic
}

// NewWorkspace returns an empty workspace.
func NewWorkspace(cfg Config) *Workspace {
	w := &Workspace{}
	w.snap.Store(newSnapshot(cfg, nil, fileSet{ids: map[string]fileID{}}))
	return w
}

// fileSet is the files of a snapshot: ids by path, files by id, and the sorted paths.
type fileSet struct {
	ids   map[string]fileID
	byID  []*fileIndex
	paths []string
}

func newSnapshot(cfg Config, scopes map[string]Config, fs fileSet) *Snapshot {
	if fs.paths == nil {
		fs.paths = make([]string, 0, len(fs.ids))
		for p := range fs.ids {
			fs.paths = append(fs.paths, p)
		}
		slices.Sort(fs.paths)
	}
	s := &Snapshot{cfg: cfg, scopes: scopes, ids: fs.ids, byID: fs.byID, paths: fs.paths, diags: map[string]*diagResult{},
		near: &followed[nearState, nearEdit]{}, suggestNames: &lazy[suggestIndex]{}, suggestPaths: &lazy[suggestIndex]{}, cross: &followed[crossState, crossEdit]{},
		mentions: &followed[mentionState, mentionEdit]{}, firstPlaces: &placeCache{},
		untypedTerms: &lazy[*rankedCandidates]{}}
	s.mentionsWanted = cfg.mentionsOn()
	for _, sc := range scopes {
		s.mentionsWanted = s.mentionsWanted || sc.mentionsOn()
	}
	s.terms = newWorkspaceTerms(s)
	if len(fs.paths) == 1 {
		s.only = s.file(fs.paths[0])
	}
	return s
}

func (s *Snapshot) fileSet() fileSet { return fileSet{ids: s.ids, byID: s.byID, paths: s.paths} }

// file returns the index of path, or nil.
func (s *Snapshot) file(path string) *fileIndex {
	id, ok := s.ids[path]
	if !ok {
		return nil
	}
	return s.byID[id]
}

// withFile returns the files with path's index set to fi: the path keeps its id, or a
// new file gets the next one.
func (fs fileSet) withFile(path string, fi *fileIndex) fileSet {
	id, ok := fs.ids[path]
	if !ok {
		id = fileID(len(fs.byID))
		fs.ids = maps.Clone(fs.ids)
		fs.ids[path] = id
		fs.byID = append(slices.Clip(fs.byID), nil)
		at, _ := slices.BinarySearch(fs.paths, path)
		fs.paths = slices.Insert(slices.Clone(fs.paths), at, path)
	} else {
		fs.byID = slices.Clone(fs.byID)
	}
	fi.id = id
	fs.byID[id] = fi
	return fs
}

// without returns the files without path.
func (fs fileSet) without(path string) fileSet {
	id := fs.ids[path]
	fs.ids = maps.Clone(fs.ids)
	delete(fs.ids, path)
	fs.byID = slices.Clone(fs.byID)
	fs.byID[id] = nil
	at, _ := slices.BinarySearch(fs.paths, path)
	fs.paths = slices.Delete(slices.Clone(fs.paths), at, at+1)
	return fs
}

// Snapshot returns the current snapshot.
func (w *Workspace) Snapshot() *Snapshot { return w.snap.Load() }

// Update adds or replaces one file. It re-parses only the lines the change touched and
// re-indexes only this file. affected lists the files whose diagnostics may differ, the
// updated one first; see Snapshot.Affected for the rest of the answer.
func (w *Workspace) Update(path string, src []byte) (snap *Snapshot, affected []string) {
	return w.UpdateKnowing(path, src, Unchanged{})
}

// Unchanged says how much of a file's new text is known to be its indexed text: the
// first Head bytes and the last Tail. An editor's change names the range it replaced,
// and finding it by comparing the texts read a 10 MB file twice for each keystroke.
// The zero value knows nothing.
type Unchanged struct{ Head, Tail int }

// UpdateKnowing is Update for a text of which same is known to be unchanged. A wrong
// same makes a wrong index: it must come from the edit itself.
func (w *Workspace) UpdateKnowing(path string, src []byte, same Unchanged) (snap *Snapshot, affected []string) {
	return w.UpdateText(path, analysis.NewText(src), same)
}

// UpdateText is UpdateKnowing for a text in chunks, which the index keeps: an editor's
// version of a large file shares most of its chunks with the one before.
func (w *Workspace) UpdateText(path string, src analysis.Text, same Unchanged) (snap *Snapshot, affected []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	old := w.snap.Load()
	prev := old.file(path)
	fi, how, change := buildFile(path, src, prev, same)
	snap = newSnapshot(old.cfg, old.scopes, old.fileSet().withFile(path, fi))
	var keys editKeys
	var termsTouched *termKeys
	switch how {
	case changedBodiesOnly:
		snap.inheritTopicCaches(old)
		keys = changedKeys(change, prev.ast, fi.ast, false)
		if len(keys.refs) > 0 {
			termsTouched = termKeysOfChange(prev.ast, change.From, change.OldTo, fi.ast, change.From, change.To)
		}
		snap.cross = follow(old.cross, crossEditOf(path, change, keys))
		if len(keys.refs) == 0 { // typing in a body: the use counts stand
			snap.untypedTerms = old.untypedTerms
		}
	case changedLines:
		keys = changedKeys(change, prev.ast, fi.ast, true)
		names, aliases, topics := keys.names, keys.aliases, keys.topics
		snap.cross = follow(old.cross, crossEditOf(path, change, keys))
		snap.near = follow(old.near, nearEdit{names})
		snap.suggestNames = followSuggest(old.suggestNames, slices.Concat(names, aliases))
		snap.suggestPaths = followSuggest(old.suggestPaths, topics)
		termsTouched = termKeysOfChange(prev.ast, change.From, change.OldTo, fi.ast, change.From, change.To)
	case changedAll:
		var was *analysis.File // nil for a new file
		wasLines := 0
		if prev != nil {
			was, wasLines = prev.ast, prev.ast.NumLines()
		}
		termsTouched = termKeysOfChange(was, 0, wasLines, fi.ast, 0, fi.ast.NumLines())
	}
	var hashes changedHashes
	if how != changedAll {
		hashes = hashesOf(change, prev.ast, fi.ast)
	}
	snap.tables = followTables(old, snap, prev, fi, how, hashes, keys)
	snap.terms = old.terms // the same terms, aliases and uses, unless the edit touched some
	if termsTouched != nil {
		snap.terms = old.terms.touching(old, snap, termsTouched)
	}
	if snap.mentionsWanted {
		from, oldTo, to := 0, 0, fi.ast.NumLines()
		var terms []string
		switch {
		case how != changedAll:
			from, oldTo, to = change.From, change.OldTo, change.To
			terms = slices.Concat(keys.names, keys.aliases)
		case prev != nil:
			oldTo = prev.ast.NumLines()
			terms = termKeysOfLines(nil, prev.ast, 0, oldTo)
		}
		if how == changedAll {
			terms = termKeysOfLines(terms, fi.ast, 0, to)
		}
		snap.mentions = follow(old.mentions, mentionEditOf(old, snap, path, from, oldTo, to, false, terms))
	}
	if snap.tables != nil && old.tables != nil && how != changedAll {
		snap.affected = snap.holdersOfHashes(path, hashes)
	} else {
		snap.affected = snap.othersThan(path)
	}
	var edit *editRecord
	if how != changedAll {
		edit = &editRecord{path: path, change: *change, hashes: hashes}
	}
	w.stamp(old, snap, path, edit)
	w.snap.Store(snap)
	return snap, append([]string{path}, snap.affected...)
}

// holdersOfHashes lists the files but path that hold a line or definition of hashes:
// their duplicate findings may differ. The findings of other rules that cross files are
// looked at again through the keys, see Affected.
func (s *Snapshot) holdersOfHashes(path string, hashes changedHashes) []string {
	seen := map[string]bool{path: true}
	var out []string
	add := func(files []*fileIndex) {
		for _, fi := range files {
			if !seen[fi.path] {
				seen[fi.path] = true
				out = append(out, fi.path)
			}
		}
	}
	for _, h := range hashes.lines {
		add(s.lineFiles(h))
	}
	for _, h := range hashes.defs {
		add(s.defFiles(h))
	}
	slices.Sort(out)
	return out
}

// ConfiguredSince reports whether s differs from asked in configuration only (SetConfigs
// made it from asked or from a snapshot configured from it): then Affected of s tells
// nothing Affected of asked did not, since they share the cross-line state and s followed
// its near-duplicates through no edit; the files whose configuration changed are those
// SetConfigs returned.
func (s *Snapshot) ConfiguredSince(asked *Snapshot) bool {
	return s.configured && asked != nil && s.cross == asked.cross
}

// othersThan lists every file but path.
func (s *Snapshot) othersThan(path string) []string {
	out := make([]string, 0, len(s.paths))
	for _, p := range s.paths {
		if p != path {
			out = append(out, p)
		}
	}
	return out
}

// Affected lists the files whose findings may differ from those of the snapshot the
// cross-line findings were last computed for, beyond those Update returned: the
// redundant stubs, broken references and their suggestions, and near-duplicates that
// the edits since changed, found through their keys. It computes those findings. A
// caller that publishes findings asks it of each snapshot it publishes, and that
// caller alone should compute findings, or the changes a computation covers are missed.
func (s *Snapshot) Affected() []string {
	cross := s.crossFindings()
	near := s.near.get(s.computeNearDuplicates, s.updateNear)
	sets := []map[string]bool{cross.changed, near.changed}
	if s.mentionsWanted {
		sets = append(sets, s.mentionFindings().changed)
	}
	if slices.ContainsFunc(sets, func(set map[string]bool) bool { return set == nil }) {
		return slices.Clone(s.paths)
	}
	seen := map[string]bool{}
	var out []string
	for _, set := range sets {
		for p := range set {
			if !seen[p] && s.file(p) != nil {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return out
}

// followTables returns the workspace tables of snap, which differs from old in one file,
// prev before and cur after (prev is nil for a new file, cur for a removed one).
func followTables(old, snap *Snapshot, prev, cur *fileIndex, how fileChange, hashes changedHashes, keys editKeys) *keyTables {
	switch {
	case len(snap.paths) < 2:
		return nil
	case old.tables == nil:
		return buildKeyTables(snap.allFiles())
	}
	t := old.tables.clone()
	switch {
	case prev != nil && cur != nil && how != changedAll:
		t.updateKeys(cur, keys, hashes)
	default:
		if prev != nil {
			t.removeFile(prev)
		}
		if cur != nil {
			t.addFile(cur)
		}
	}
	return t
}

// allFiles lists the files in workspace order.
func (s *Snapshot) allFiles() []*fileIndex {
	out := make([]*fileIndex, len(s.paths))
	for i, p := range s.paths {
		out[i] = s.file(p)
	}
	return out
}

// UpdateMany adds or replaces many files at once, indexing them in parallel.
func (w *Workspace) UpdateMany(srcs map[string][]byte) *Snapshot {
	w.mu.Lock()
	defer w.mu.Unlock()
	old := w.snap.Load()
	type job struct {
		path string
		src  []byte
		prev *fileIndex
	}
	jobs := make([]job, 0, len(srcs))
	for p, src := range srcs {
		jobs = append(jobs, job{p, src, old.file(p)})
	}
	indexed := make([]*fileIndex, len(jobs))
	analysis.Each(len(jobs), func(i int) {
		indexed[i], _, _ = buildFile(jobs[i].path, analysis.NewText(jobs[i].src), jobs[i].prev, Unchanged{})
	})
	built := make(map[string]*fileIndex, len(jobs))
	for i, j := range jobs {
		built[j.path] = indexed[i]
	}
	fs := fileSet{ids: maps.Clone(old.ids), byID: slices.Clone(old.byID)}
	for p, fi := range built {
		id, ok := fs.ids[p]
		if !ok {
			id = fileID(len(fs.byID))
			fs.ids[p] = id
			fs.byID = append(fs.byID, nil)
		}
		fi.id = id
		fs.byID[id] = fi
	}
	snap := newSnapshot(old.cfg, old.scopes, fs)
	if len(snap.paths) >= 2 {
		snap.tables = buildKeyTables(snap.allFiles())
	}
	w.stamp(old, snap, "", nil)
	w.snap.Store(snap)
	return snap
}

// Remove drops a file from the workspace.
func (w *Workspace) Remove(path string) (snap *Snapshot, affected []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	old := w.snap.Load()
	prev := old.file(path)
	if prev == nil {
		return old, nil
	}
	snap = newSnapshot(old.cfg, old.scopes, old.fileSet().without(path))
	snap.tables = followTables(old, snap, prev, nil, changedAll, changedHashes{}, editKeys{})
	snap.terms = old.terms.touching(old, snap, termKeysOfChange(prev.ast, 0, prev.ast.NumLines(), nil, 0, 0))
	if snap.mentionsWanted {
		n := prev.ast.NumLines()
		snap.mentions = follow(old.mentions, mentionEditOf(old, snap, path, 0, n, 0, true, termKeysOfLines(nil, prev.ast, 0, n)))
	}
	snap.affected = snap.othersThan(path)
	w.stamp(old, snap, "", nil)
	w.snap.Store(snap)
	return snap, append([]string{path}, snap.affected...)
}

// SetConfig replaces the configuration with one for every file; every file's diagnostics
// may change.
func (w *Workspace) SetConfig(cfg Config) *Snapshot {
	snap, _ := w.SetConfigs(cfg, nil)
	return snap
}

// ConfigScope gives the files under Root (a directory, or one file, spelled as the
// workspace's paths are) their own configuration: a workspace folder's, or a checked
// path's, nearest .notesls.json.
type ConfigScope struct {
	Root   string
	Config Config
}

// SetConfigs replaces the configuration: each file is ruled by the scope of the deepest
// root it is under, and a file under none by cfg. It returns the files whose
// configuration changed, the only ones whose diagnostics may have; the others keep theirs.
// Findings across files (duplicates, references, near-duplicates) still see every file,
// and take their severity from the configuration of the file they are reported in.
func (w *Workspace) SetConfigs(cfg Config, scopes []ConfigScope) (*Snapshot, []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	old := w.snap.Load()
	var byRoot map[string]Config
	if len(scopes) > 0 {
		byRoot = make(map[string]Config, len(scopes))
		for _, sc := range scopes {
			byRoot[filepath.Clean(sc.Root)] = sc.Config
		}
	}
	snap := newSnapshot(cfg, byRoot, old.fileSet())
	snap.tables = old.tables
	snap.inheritTopicCaches(old)
	snap.terms = old.terms
	snap.cross = old.cross // no finding of it depends on the configuration
	if snap.mentionsWanted == old.mentionsWanted {
		snap.mentions = old.mentions // followed while on, never computed while off
	}
	snap.untypedTerms = old.untypedTerms
	snap.configured = true
	var changed []string
	unscoped := len(old.scopes) == 0 && len(byRoot) == 0
	same := unscoped && sameConfig(old.cfg, cfg) // one comparison rules every file
	old.diagMu.Lock()
	for _, p := range snap.paths {
		if unscoped && !same || !unscoped && !sameConfig(old.ConfigOf(p), snap.ConfigOf(p)) {
			changed = append(changed, p)
		} else if r, ok := old.diags[p]; ok {
			snap.diags[p] = r // the same files and configuration make the same findings
		}
	}
	old.diagMu.Unlock()
	w.stamp(old, snap, "", nil)
	w.snap.Store(snap)
	return snap, changed
}

func sameConfig(a, b Config) bool {
	return slices.Equal(a.Include, b.Include) && maps.Equal(a.Severity, b.Severity) && a.Sorting == b.Sorting &&
		a.MaxFileSize == b.MaxFileSize && a.MaxCrossFindings == b.MaxCrossFindings && a.MaxShown == b.MaxShown
}

// ScopeConfigs returns the configurations of the scopes, by root.
func (s *Snapshot) ScopeConfigs() []Config {
	out := make([]Config, 0, len(s.scopes))
	for _, root := range slices.Sorted(maps.Keys(s.scopes)) {
		out = append(out, s.scopes[root])
	}
	return out
}

// ConfigOf returns the configuration of the file at path: the scope's of the deepest
// root that is path or one of its directories, else the snapshot's. It looks up each
// directory of path, not each scope: a check of many paths has as many scopes.
func (s *Snapshot) ConfigOf(path string) Config {
	if len(s.scopes) == 0 {
		return s.cfg
	}
	for q := filepath.Clean(path); ; {
		if cfg, ok := s.scopes[q]; ok {
			return cfg
		}
		parent := filepath.Dir(q)
		if parent == q {
			return s.cfg
		}
		q = parent
	}
}

// inheritTopicCaches lets s take over the caches of old that depend on topics alone:
// the caller has checked that every file's topic tables are old's.
func (s *Snapshot) inheritTopicCaches(old *Snapshot) {
	s.near = follow(old.near, nearEdit{})
	// The same names make the same indexes: sharing them (rather than chaining to them)
	// keeps them ready for the next snapshot that adds names to layer over.
	s.suggestNames = old.suggestNames
	s.suggestPaths = old.suggestPaths
	// Every topic and alias is on the line it was on.
	s.firstPlaces = old.firstPlaces
}

// lazy is a value computed once, on first use; a later snapshot whose inputs are the
// same shares it by its pointer.
type lazy[T any] struct {
	once sync.Once
	val  T
	done atomic.Bool
}

func (l *lazy[T]) get(compute func() T) T {
	l.once.Do(func() {
		l.val = compute()
		l.done.Store(true)
	})
	return l.val
}

// followed is a value of a snapshot computed once: in full, or from the value of an
// earlier snapshot and the edits made since, E each. An uncomputed snapshot's edits are
// added to the next one's, so a chain of snapshots nobody asked about costs one update.
type followed[T, E any] struct {
	mu    sync.Mutex
	state atomic.Pointer[T]
	base  *followed[T, E] // a computed earlier value, or nil for a full computation
	edits []E
}

// maxFollowedEdits bounds a chain of uncomputed edits; a longer one is cheaper to
// compute from scratch than to follow.
const maxFollowedEdits = 256

func (l *followed[T, E]) get(full func() *T, update func(prev *T, edits []E) *T) *T {
	if v := l.state.Load(); v != nil {
		return v
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if v := l.state.Load(); v != nil {
		return v
	}
	var v *T
	if l.base != nil {
		v = update(l.base.state.Load(), l.edits)
	} else {
		v = full()
	}
	l.state.Store(v)
	l.base, l.edits = nil, nil // the earlier snapshot's value may go
	return v
}

// follow makes the value of a snapshot that differs from old's by edit.
func follow[T, E any](old *followed[T, E], edit E) *followed[T, E] {
	if old.state.Load() != nil {
		return &followed[T, E]{base: old, edits: []E{edit}}
	}
	old.mu.Lock() // not computed: chain to what old itself would start from
	defer old.mu.Unlock()
	if old.state.Load() != nil {
		return &followed[T, E]{base: old, edits: []E{edit}}
	}
	if old.base == nil || len(old.edits) >= maxFollowedEdits {
		return &followed[T, E]{}
	}
	return &followed[T, E]{base: old.base, edits: append(slices.Clip(old.edits), edit)}
}

// ready returns the value if it has been computed.
func (l *lazy[T]) ready() (T, bool) {
	if !l.done.Load() {
		var zero T
		return zero, false
	}
	return l.val, true
}

// Config returns the snapshot's configuration of the files outside every scope: with no
// scopes, of every file. See ConfigOf.
func (s *Snapshot) Config() Config { return s.cfg }

// Files lists the workspace's files in sorted order.
func (s *Snapshot) Files() []string { return slices.Clone(s.paths) }

// NumFiles returns the number of files, without listing them.
func (s *Snapshot) NumFiles() int { return len(s.paths) }

// Content returns a file's bytes as indexed, in one slice: a copy for a text an editor
// edited, the bytes read for others. Text never copies.
func (s *Snapshot) Content(path string) ([]byte, bool) {
	fi := s.file(path)
	if fi == nil {
		return nil, false
	}
	return fi.ast.Text.Bytes(), true
}

// Text returns the indexed text of a file, in chunks: unlike Content, it never copies.
func (s *Snapshot) Text(path string) (analysis.Text, bool) {
	fi := s.file(path)
	if fi == nil {
		return analysis.Text{}, false
	}
	return fi.ast.Text, true
}

// Tree returns a file's syntax tree.
func (s *Snapshot) Tree(path string) *analysis.File {
	fi := s.file(path)
	if fi == nil {
		return nil
	}
	return fi.ast
}
