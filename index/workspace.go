package index

import (
	"runtime"
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
}

// A Snapshot is an immutable view of the workspace. Every query is a pure function of it,
// safe to call from many goroutines.
type Snapshot struct {
	cfg   Config
	files map[string]*fileIndex
	paths []string // sorted: the workspace order for "first" and "later"

	// Computed on first use from the topic tables only, so a snapshot whose files share
	// their topic tables with an earlier one takes these over.
	// Pointers, so that a later snapshot taking one over does not keep this one alive.
	near         *followed[nearState, nearEdit]
	suggestNames *lazy[suggestIndex]
	suggestPaths *lazy[suggestIndex]
	// Computed on first use, or carried over from an earlier snapshot's through the edits.
	cross *followed[crossState, crossEdit]
	// Shared with the next snapshot while its topics and references stay the same.
	rankedRoots  *lazy[[]rankedTopic]
	untypedTerms *lazy[*rankedCandidates]

	refOnce   sync.Once
	refCounts map[string]int // topic key -> lines referring to it

	diagMu sync.Mutex
	diags  map[string]*diagResult
}

type diagResult struct {
	once  sync.Once
	diags []Diagnostic
}

// NewWorkspace returns an empty workspace.
func NewWorkspace(cfg Config) *Workspace {
	w := &Workspace{}
	w.snap.Store(newSnapshot(cfg, map[string]*fileIndex{}))
	return w
}

func newSnapshot(cfg Config, files map[string]*fileIndex) *Snapshot {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	return &Snapshot{cfg: cfg, files: files, paths: paths, diags: map[string]*diagResult{},
		near: &followed[nearState, nearEdit]{}, suggestNames: &lazy[suggestIndex]{}, suggestPaths: &lazy[suggestIndex]{}, cross: &followed[crossState, crossEdit]{},
		rankedRoots: &lazy[[]rankedTopic]{}, untypedTerms: &lazy[*rankedCandidates]{}}
}

// Snapshot returns the current snapshot.
func (w *Workspace) Snapshot() *Snapshot { return w.snap.Load() }

// Update adds or replaces one file. It re-parses only the lines the change touched and
// re-indexes only this file. affected lists the files whose diagnostics may differ, the
// updated one first.
func (w *Workspace) Update(path string, src []byte) (snap *Snapshot, affected []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	old := w.snap.Load()
	prev := old.files[path]
	fi, how, change := buildFile(path, src, prev)
	files := cloneFiles(old.files)
	files[path] = fi
	snap = newSnapshot(old.cfg, files)
	switch how {
	case changedBodiesOnly:
		snap.inheritTopicCaches(old)
		keys := changedKeys(change, prev.ast, fi.ast, false)
		snap.cross = follow(old.cross, crossEditOf(path, change, keys))
		if len(keys.refs) == 0 { // typing in a body: the use counts stand
			snap.rankedRoots, snap.untypedTerms = old.rankedRoots, old.untypedTerms
		}
	case changedLines:
		keys := changedKeys(change, prev.ast, fi.ast, true)
		names, aliases, topics := keys.names, keys.aliases, keys.topics
		snap.cross = follow(old.cross, crossEditOf(path, change, keys))
		var moved *lineShift
		if change.To != change.OldTo {
			moved = &lineShift{path: path, from: int32(change.OldTo), delta: int32(change.To - change.OldTo)}
		}
		snap.near = follow(old.near, nearEdit{names, moved})
		snap.suggestNames = followSuggest(old.suggestNames, slices.Concat(names, aliases))
		snap.suggestPaths = followSuggest(old.suggestPaths, topics)
	}
	w.snap.Store(snap)
	return snap, affectedBy(snap, path)
}

// UpdateMany adds or replaces many files at once, indexing them in parallel.
func (w *Workspace) UpdateMany(srcs map[string][]byte) *Snapshot {
	w.mu.Lock()
	defer w.mu.Unlock()
	old := w.snap.Load()
	files := cloneFiles(old.files)
	type job struct {
		path string
		src  []byte
		prev *fileIndex
	}
	jobs := make(chan job)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				fi, _, _ := buildFile(j.path, j.src, j.prev)
				mu.Lock()
				files[j.path] = fi
				mu.Unlock()
			}
		}()
	}
	for p, src := range srcs {
		jobs <- job{p, src, old.files[p]}
	}
	close(jobs)
	wg.Wait()
	snap := newSnapshot(old.cfg, files)
	w.snap.Store(snap)
	return snap
}

// Remove drops a file from the workspace.
func (w *Workspace) Remove(path string) (snap *Snapshot, affected []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	old := w.snap.Load()
	if old.files[path] == nil {
		return old, nil
	}
	files := cloneFiles(old.files)
	delete(files, path)
	snap = newSnapshot(old.cfg, files)
	w.snap.Store(snap)
	return snap, append([]string{path}, affectedBy(snap, path)...)
}

// SetConfig replaces the configuration; every file's diagnostics may change.
func (w *Workspace) SetConfig(cfg Config) *Snapshot {
	w.mu.Lock()
	defer w.mu.Unlock()
	old := w.snap.Load()
	snap := newSnapshot(cfg, old.files)
	snap.inheritTopicCaches(old)
	snap.cross = old.cross // no finding of it depends on the configuration
	snap.rankedRoots, snap.untypedTerms = old.rankedRoots, old.untypedTerms
	w.snap.Store(snap)
	return snap
}

func cloneFiles(m map[string]*fileIndex) map[string]*fileIndex {
	c := make(map[string]*fileIndex, len(m)+1)
	for k, v := range m {
		c[k] = v
	}
	return c
}

// affectedBy lists the files whose findings a change to path may alter: the file itself
// first, then every other file, since duplicates, references and near-duplicates cross
// files. Publishing only what differs is the caller's business.
func affectedBy(snap *Snapshot, path string) []string {
	out := make([]string, 0, len(snap.paths))
	if snap.files[path] != nil {
		out = append(out, path)
	}
	for _, p := range snap.paths {
		if p != path {
			out = append(out, p)
		}
	}
	return out
}

// inheritTopicCaches lets s take over the caches of old that depend on topics alone:
// the caller has checked that every file's topic tables are old's.
func (s *Snapshot) inheritTopicCaches(old *Snapshot) {
	s.near = follow(old.near, nearEdit{})
	// The same names make the same indexes: sharing them (rather than chaining to them)
	// keeps them ready for the next snapshot that adds names to layer over.
	s.suggestNames = old.suggestNames
	s.suggestPaths = old.suggestPaths
}

// lazy is a value computed once per snapshot, or taken over from an earlier snapshot
// whose inputs were the same.
type lazy[T any] struct {
	once sync.Once
	val  T
	from *lazy[T] // the earlier snapshot's, or nil; dropped once used, to free that snapshot
	done atomic.Bool
}

func (l *lazy[T]) get(compute func() T) T {
	l.once.Do(func() {
		if l.from != nil {
			l.val = l.from.get(compute)
			l.from = nil
		} else {
			l.val = compute()
		}
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

// Config returns the snapshot's configuration.
func (s *Snapshot) Config() Config { return s.cfg }

// Files lists the workspace's files in sorted order.
func (s *Snapshot) Files() []string { return slices.Clone(s.paths) }

// Content returns a file's bytes as indexed.
func (s *Snapshot) Content(path string) ([]byte, bool) {
	fi := s.files[path]
	if fi == nil {
		return nil, false
	}
	return fi.ast.Src, true
}

// Tree returns a file's syntax tree.
func (s *Snapshot) Tree(path string) *analysis.File {
	fi := s.files[path]
	if fi == nil {
		return nil
	}
	return fi.ast
}
