package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/segmentio/encoding/json"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/notesls/notesls/analysis"
	"github.com/notesls/notesls/index"
)

// The workspace goroutine owns the index. Handlers never touch it: they record what
// changed (a pending update, and a new generation number) and return. The goroutine takes
// all pending work at once, applies it (the latest text of a file wins), publishes an
// immutable view, and wakes requests waiting for that generation. A request reads the view
// that includes every change received before it, and takes no lock while computing.

// A view is what requests read: an index snapshot and the open documents' versions in it.
type view struct {
	snap     *index.Snapshot
	versions map[string]int32                // open documents only
	uris     map[string]protocol.DocumentURI // every path the editor named, as it named it
	roots    []string                        // the workspace folders
	gen      uint64                          // the generation of changes it includes
}

func (v *view) uri(path string) protocol.DocumentURI {
	if u, ok := v.uris[path]; ok {
		return u
	}
	return pathURI(path)
}

type updateKind uint8

const (
	updateText     updateKind = iota + 1 // the editor's text
	updateFromDisk                       // read the file, unless it is open; gone means remove
	updateRemove                         // drop the file
)

type fileUpdate struct {
	kind    updateKind
	text    *Mapper // updateText: the text, with its line table
	version int32
	uri     protocol.DocumentURI
	open    bool // the document is open after this update
	edited  bool // a user edit: its diagnostics go out first
	// same, when knowsSame, is how much of text is known to be the text before it, which
	// is the indexed one once pending updates of the file are merged (see updateFile).
	same      index.Unchanged
	knowsSame bool
}

type pendingWork struct {
	files        map[string]fileUpdate
	order        []string // file paths in arrival order
	addRoots     []string
	removeRoots  []string
	editor       *settings
	reloadConfig bool
}

type workspace struct {
	s *Server

	mu      sync.Mutex
	gen     uint64 // generation of the last change received
	pending pendingWork
	wake    chan struct{}

	doneMu  sync.Mutex
	doneGen uint64        // generation the current view includes
	doneCh  chan struct{} // closed when doneGen advances

	current atomic.Pointer[view]

	// Owned by the workspace goroutine.
	idx       *index.Workspace
	roots     []string
	editor    settings
	cfgPaths  map[string]string // each root's .notesls.json, absent for none
	versions  map[string]int32
	uris      map[string]protocol.DocumentURI
	progressN int
	panicked  bool // an update panicked (see safeApply)
}

func newWorkspace(s *Server) *workspace {
	w := &workspace{
		s:        s,
		wake:     make(chan struct{}, 1),
		doneCh:   make(chan struct{}),
		idx:      index.NewWorkspace(index.DefaultConfig()),
		versions: map[string]int32{},
		uris:     map[string]protocol.DocumentURI{},
	}
	w.current.Store(&view{snap: w.idx.Snapshot(), versions: map[string]int32{}, uris: map[string]protocol.DocumentURI{}})
	return w
}

// enqueue records a change under a new generation and wakes the goroutine.
func (w *workspace) enqueue(f func(p *pendingWork)) uint64 {
	w.mu.Lock()
	w.gen++
	if w.pending.files == nil {
		w.pending.files = map[string]fileUpdate{}
	}
	f(&w.pending)
	gen := w.gen
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
	return gen
}

func (w *workspace) updateFile(path string, u fileUpdate) uint64 {
	return w.enqueue(func(p *pendingWork) {
		prev, ok := p.files[path]
		if !ok {
			p.order = append(p.order, path)
		} else {
			u = mergeUpdates(prev, u)
		}
		p.files[path] = u
	})
}

// mergeUpdates is the one update of a file that does what prev and then u did, both not
// applied yet: u, which knows unchanged only what neither changed.
func mergeUpdates(prev, u fileUpdate) fileUpdate {
	u.edited = u.edited || prev.edited
	u.knowsSame = u.knowsSame && prev.knowsSame
	u.same = index.Unchanged{Head: min(u.same.Head, prev.same.Head), Tail: min(u.same.Tail, prev.same.Tail)}
	return u
}

func (w *workspace) generation() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.gen
}

// wait returns the view once it includes generation gen.
func (w *workspace) wait(ctx context.Context, gen uint64) (*view, error) {
	for {
		w.doneMu.Lock()
		done, ch := w.doneGen, w.doneCh
		w.doneMu.Unlock()
		if done >= gen {
			return w.current.Load(), nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// start is called by initialize: index the roots with the editor's settings.
func (w *workspace) start(roots []string, editor settings) {
	w.enqueue(func(p *pendingWork) {
		p.addRoots = append(p.addRoots, roots...)
		p.editor = &editor
	})
}

func (w *workspace) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		}
		w.mu.Lock()
		work, gen := w.pending, w.gen
		w.pending = pendingWork{}
		w.mu.Unlock()

		first, affected := w.safeApply(ctx, work)
		v := &view{snap: w.idx.Snapshot(), versions: copyMap(w.versions), uris: copyMap(w.uris), roots: append([]string(nil), w.roots...), gen: gen}
		w.current.Store(v)
		w.doneMu.Lock()
		w.doneGen = gen
		close(w.doneCh)
		w.doneCh = make(chan struct{})
		w.doneMu.Unlock()
		if len(first)+len(affected) > 0 {
			w.s.diags.schedule(first, affected)
		}
	}
}

// safeApply is apply that survives a panic in the index: the panic is logged, the view
// keeps what was applied, and waiting requests are released.
func (w *workspace) safeApply(ctx context.Context, work pendingWork) (first, affected []string) {
	defer func() {
		if r := recover(); r != nil {
			// The index may now hold other texts than the editor's: edits are no longer
			// taken to change only the ranges they name.
			w.panicked = true
			w.s.log.Error("panic while indexing", zap.Any("panic", r), zap.Stack("stack"))
		}
	}()
	return w.apply(ctx, work)
}

// apply brings the index up to date with work and returns the edited files and every
// other file whose diagnostics may have changed.
func (w *workspace) apply(ctx context.Context, work pendingWork) (first, affected []string) {
	touched := map[string]bool{}
	touch := func(paths ...string) {
		for _, p := range paths {
			touched[p] = true
		}
	}
	configChanged := work.reloadConfig
	if work.editor != nil && !reflect.DeepEqual(*work.editor, w.editor) {
		w.editor = *work.editor
		configChanged = true
	}

	// Folders removed: drop their files unless open or under another folder.
	if len(work.removeRoots) > 0 {
		gone := map[string]bool{}
		for _, r := range work.removeRoots {
			gone[filepath.Clean(r)] = true
		}
		var keep []string
		for _, r := range w.roots {
			if !gone[r] {
				keep = append(keep, r)
			}
		}
		w.roots = keep
		for _, f := range w.idx.Snapshot().Files() {
			if !w.underRoot(f) && !w.isOpen(f) && isUnder(f, work.removeRoots) {
				_, aff := w.idx.Remove(f)
				touch(f)
				touch(aff...)
			}
		}
		configChanged = true
	}
	var loadRoots []string
	for _, r := range work.addRoots {
		r = filepath.Clean(r)
		if under := w.s.opts.rootsUnder; under != "" && !isUnder(r, []string{under}) {
			w.s.log.Warn("ignoring a workspace folder outside the tests' directory", zap.String("root", r))
			continue
		}
		if !contains(w.roots, r) {
			w.roots = append(w.roots, r)
			loadRoots = append(loadRoots, r)
		}
	}
	if len(loadRoots) > 0 {
		configChanged = true
	}
	if configChanged {
		// Each folder's files by its own .notesls.json: only the files whose
		// configuration changed are looked at again.
		cfg, scopes := w.config()
		_, changed := w.idx.SetConfigs(cfg, scopes)
		touch(changed...)
	}
	if len(loadRoots) > 0 {
		touch(w.load(ctx, loadRoots, work.files)...)
	}

	// Files, in arrival order.
	for _, path := range work.order {
		u := work.files[path]
		if u.uri != "" {
			w.uris[path] = u.uri
		}
		if u.open {
			w.versions[path] = u.version
		} else {
			delete(w.versions, path)
		}
		if u.edited {
			first = append(first, path)
		}
		switch u.kind {
		case updateText:
			if cur, ok := w.idx.Snapshot().Text(path); ok && w.sameText(cur, u) {
				// Opening a file as it is on disk changes nothing but its version. The
				// editor's line table fits the indexed bytes too, so the first request
				// does not build one.
				w.s.mappers.put(path, u.text.over(cur))
				continue
			}
			w.s.mappers.put(path, u.text)
			same := index.Unchanged{}
			if u.knowsSame && !w.panicked {
				same = u.same
			}
			_, aff := w.idx.UpdateText(path, u.text.Text(), same)
			touch(path)
			touch(aff...)
		case updateFromDisk:
			if w.isOpen(path) {
				continue // the editor's text wins over the disk
			}
			// Only a notes file inside a workspace folder is read: a watcher's event names
			// any path, and reading it is not ours to do.
			if !(w.underRoot(path) && w.wanted(path)) {
				_, aff := w.idx.Remove(path)
				touch(path)
				touch(aff...)
				continue
			}
			data, err := readRegular(path)
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotRegular) {
				_, aff := w.idx.Remove(path)
				touch(path)
				touch(aff...)
				if err != nil && errors.Is(err, errNotRegular) {
					w.s.log.Warn("not reading", zap.Error(err))
				}
				continue
			}
			if err != nil {
				w.s.log.Warn("reading file", zap.String("path", path), zap.Error(err))
				continue
			}
			_, aff := w.idx.Update(path, data)
			touch(path)
			touch(aff...)
		case updateRemove:
			_, aff := w.idx.Remove(path)
			touch(path)
			touch(aff...)
		}
	}
	for _, p := range first {
		delete(touched, p)
	}
	for p := range touched {
		affected = append(affected, p)
	}
	sort.Strings(affected)
	return first, affected
}

// sameText reports whether u's text is cur, the indexed text, comparing only what u does
// not know to be unchanged.
func (w *workspace) sameText(cur analysis.Text, u fileUpdate) bool {
	text := u.text.Text()
	if cur.Len() != text.Len() {
		return false
	}
	if !u.knowsSame || w.panicked {
		return analysis.CommonPrefix(cur, text, 0, cur.Len()) == cur.Len()
	}
	head := min(u.same.Head, cur.Len())
	tail := max(head, cur.Len()-u.same.Tail)
	return analysis.CommonPrefix(cur, text, head, tail) == tail-head
}

// config merges the sources of settings (see settings) for each workspace folder: the
// editor's, then the .notesls.json nearest to the folder (its own or an ancestor's). It
// returns the configuration of the files outside every folder, the first folder's as it
// always was, and, when the folders' differ, a scope for each folder.
func (w *workspace) config() (index.Config, []index.ConfigScope) {
	editorOnly := index.DefaultConfig()
	w.editor.applyTo(&editorOnly)
	w.cfgPaths = map[string]string{}
	scopes := make([]index.ConfigScope, 0, len(w.roots))
	for _, r := range w.roots {
		cfg := editorOnly
		_, p, err := index.FindConfig(r)
		if p != "" {
			if err == nil {
				var st settings
				if st, err = parseConfigFile(p); err == nil {
					st.applyTo(&cfg)
					w.cfgPaths[r] = p
				}
			}
			if err != nil {
				w.s.log.Warn("ignoring workspace config", zap.String("path", p), zap.Error(err))
				w.s.showMessage(protocol.MessageTypeWarning, fmt.Sprintf("notesls: %v", err))
			}
		}
		scopes = append(scopes, index.ConfigScope{Root: r, Config: cfg})
	}
	if len(scopes) == 0 {
		return editorOnly, nil
	}
	// The files outside every folder keep what ruled them before folders had their own:
	// the first folder's readable .notesls.json.
	outside := scopes[0].Config
	for _, sc := range scopes {
		if w.cfgPaths[sc.Root] != "" {
			outside = sc.Config
			break
		}
	}
	for _, sc := range scopes[1:] {
		if w.cfgPaths[sc.Root] != w.cfgPaths[scopes[0].Root] {
			return outside, scopes
		}
	}
	return outside, nil // one configuration rules every folder: no scopes to look up
}

// rootOf returns the deepest workspace folder holding path, or "".
func (w *workspace) rootOf(path string) string {
	best := ""
	for _, r := range w.roots {
		if len(r) > len(best) && isUnder(path, []string{r}) {
			best = r
		}
	}
	return best
}

// load indexes the notes files under roots, reporting progress, and returns their paths.
// Open documents, and files with a pending update, keep the editor's text.
func (w *workspace) load(ctx context.Context, roots []string, pending map[string]fileUpdate) []string {
	start := time.Now()
	prog := w.s.beginProgress(ctx, "Indexing notes", w.progressN == 0)
	w.progressN++
	snap := w.idx.Snapshot()
	var paths []string
	for _, r := range roots {
		cfgDir := ""
		if p := w.cfgPaths[r]; p != "" {
			cfgDir = filepath.Dir(p)
		}
		found, err := index.Discover([]string{r}, snap.ConfigOf(r), cfgDir)
		if err != nil {
			w.s.log.Warn("discovering notes files", zap.String("root", r), zap.Error(err))
			continue
		}
		for _, p := range found {
			if abs, err := filepath.Abs(p); err == nil {
				paths = append(paths, filepath.Clean(abs))
			}
		}
	}
	files := make(map[string][]byte, len(paths))
	var loaded []string
	for i, p := range paths {
		if d, ok := w.s.docs.get(p); ok {
			// An open document is indexed with the others, with the editor's text: its
			// update, which may still be pending, then finds the text indexed and changes
			// nothing, where adding one file to a large workspace after the others copies
			// the shards of every table it touches (seconds at a million lines), and its
			// findings would wait for that.
			files[p] = d.mapper.Content()
			loaded = append(loaded, p)
			continue
		}
		if _, ok := pending[p]; ok {
			continue
		}
		data, err := readRegular(p)
		if err != nil {
			w.s.log.Warn("reading file", zap.String("path", p), zap.Error(err))
			continue
		}
		files[p] = data
		loaded = append(loaded, p)
		if prog != nil && (i+1)%progressEvery == 0 {
			prog.report(fmt.Sprintf("%d/%d files", i+1, len(paths)), uint32(100*(i+1)/len(paths)))
		}
	}
	if len(files) > 0 {
		text := 0
		for _, data := range files {
			text += len(data)
		}
		indexed := fitMemoryLimitBeforeIndexing(text)
		w.idx.UpdateMany(files)
		indexed()
		w.s.diags.loaded.Store(true)
		if live, limit := fitMemoryLimit(); limit > 0 {
			w.s.log.Info("memory limit", zap.Uint64("liveMiB", live>>20), zap.Int64("limitMiB", limit>>20))
		}
		// Nothing is prepared now: the first findings, the open documents' first, build
		// what they need (the suggestion indexes only for a broken reference), and
		// Prepare (the "[[" term list is seconds at a million lines) would compete with
		// them; it runs when edits pause after the first publication.
	}
	w.s.log.Info("indexed", zap.Strings("roots", roots), zap.Int("files", len(loaded)), zap.Duration("took", time.Since(start)))
	if prog != nil {
		prog.end(fmt.Sprintf("%d files", len(loaded)))
	}
	return loaded
}

// progressEvery is how many files are read between progress reports: often enough to
// move the bar, rarely enough not to flood the client.
const progressEvery = 50

func (w *workspace) isOpen(path string) bool {
	_, ok := w.s.docs.get(path)
	return ok
}

func (w *workspace) underRoot(path string) bool { return isUnder(path, w.roots) }

// wanted reports whether a file on disk belongs in the index: a notes file, or matched by
// an include pattern.
func (w *workspace) wanted(path string) bool {
	for _, dir := range strings.Split(filepath.ToSlash(filepath.Dir(path)), "/") {
		if dir == ".git" || dir == "node_modules" {
			return false // never walked by index.Discover either
		}
	}
	if strings.HasSuffix(path, index.NotesExt) {
		return true
	}
	cfg := w.idx.Snapshot().ConfigOf(path)
	cfgPath := w.cfgPaths[w.rootOf(path)]
	if len(cfg.Include) == 0 || cfgPath == "" {
		return false
	}
	rel, err := filepath.Rel(filepath.Dir(cfgPath), path)
	if err != nil || strings.HasPrefix(rel, "..") {
		return false
	}
	for _, pattern := range cfg.Include {
		if index.MatchGlob(pattern, filepath.ToSlash(rel)) {
			return true
		}
	}
	return false
}

func isUnder(path string, roots []string) bool {
	for _, r := range roots {
		if path == r || strings.HasPrefix(path, strings.TrimSuffix(r, string(filepath.Separator))+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func copyMap[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Handlers.

func (s *Server) didChangeWorkspaceFolders(ctx context.Context, p *protocol.DidChangeWorkspaceFoldersParams) (any, error) {
	var added, removed []string
	for _, f := range p.Event.Added {
		if path, onDisk, err := uriPath(protocol.DocumentURI(f.URI)); err == nil && onDisk {
			added = append(added, path)
		}
	}
	for _, f := range p.Event.Removed {
		if path, onDisk, err := uriPath(protocol.DocumentURI(f.URI)); err == nil && onDisk {
			removed = append(removed, path)
		}
	}
	s.ws.enqueue(func(pw *pendingWork) {
		pw.addRoots = append(pw.addRoots, added...)
		pw.removeRoots = append(pw.removeRoots, removed...)
	})
	return nil, nil
}

func (s *Server) didChangeWatchedFiles(ctx context.Context, p *protocol.DidChangeWatchedFilesParams) (any, error) {
	for _, c := range p.Changes {
		path, onDisk, err := uriPath(protocol.DocumentURI(c.URI))
		if err != nil || !onDisk {
			continue
		}
		if filepath.Base(path) == index.ConfigFileName {
			s.ws.enqueue(func(pw *pendingWork) { pw.reloadConfig = true })
			continue
		}
		if _, open := s.docs.get(path); open {
			continue // the editor's text wins; didClose rereads the disk
		}
		kind := updateFromDisk
		if c.Type == protocol.FileChangeTypeDeleted {
			kind = updateRemove
		}
		s.ws.updateFile(path, fileUpdate{kind: kind})
	}
	return nil, nil
}

type didChangeConfigurationParams struct {
	Settings json.RawMessage `json:"settings"`
}

// didChangeConfiguration takes the settings it carries. Null settings mean "they
// changed, ask me" (the pull model): the server asks with workspace/configuration when the
// client supports it, and otherwise keeps what it has.
func (s *Server) didChangeConfiguration(ctx context.Context, p *didChangeConfigurationParams) (any, error) {
	if isNull(p.Settings) {
		if s.client.configurationPull {
			go s.pullConfiguration()
		}
		return nil, nil
	}
	st, err := parseSettings(p.Settings)
	if err != nil {
		s.showMessage(protocol.MessageTypeWarning, fmt.Sprintf("notesls: %v", err))
		return nil, err
	}
	s.ws.enqueue(func(pw *pendingWork) { pw.editor = &st })
	return nil, nil
}

// pullConfiguration asks the client for the "notesls" section of its settings and applies
// it when it differs from what the server has. A null answer (no such section) changes
// nothing.
func (s *Server) pullConfiguration() {
	select {
	case <-s.initReplied:
	case <-s.ctx.Done():
		return
	}
	ctx, cancel := context.WithTimeout(s.ctx, watchRegistrationTimeout)
	defer cancel()
	var result []json.RawMessage
	params := map[string]any{"items": []map[string]string{{"section": "notesls"}}}
	if _, err := s.conn.Call(ctx, "workspace/configuration", params, &result); err != nil {
		s.log.Info("workspace/configuration", zap.Error(err))
		return
	}
	if len(result) == 0 || isNull(result[0]) {
		return
	}
	st, err := parseSettings(result[0])
	if err != nil {
		s.log.Warn("ignoring pulled settings", zap.Error(err))
		s.showMessage(protocol.MessageTypeWarning, fmt.Sprintf("notesls: %v", err))
		return
	}
	s.ws.enqueue(func(pw *pendingWork) { pw.editor = &st })
}

// watchRegistrationTimeout bounds the wait for the client to acknowledge a registration;
// nothing waits on it but the registering goroutine.
const watchRegistrationTimeout = 10 * time.Second

// registerWatchers asks the client to report changes to notes files and the config.
func (s *Server) registerWatchers() {
	select {
	case <-s.initReplied:
	case <-s.ctx.Done():
		return
	}
	watchers := []protocol.FileSystemWatcher{
		{GlobPattern: "**/*" + index.NotesExt},
		{GlobPattern: "**/" + index.ConfigFileName},
	}
	snap := s.ws.current.Load().snap
	seen := map[string]bool{}
	for _, cfg := range append([]index.Config{snap.Config()}, snap.ScopeConfigs()...) {
		for _, pattern := range cfg.Include {
			if !seen[pattern] {
				seen[pattern] = true
				watchers = append(watchers, protocol.FileSystemWatcher{GlobPattern: "**/" + pattern})
			}
		}
	}
	params := protocol.RegistrationParams{Registrations: []protocol.Registration{{
		ID:              "notesls-watched-files",
		Method:          "workspace/didChangeWatchedFiles",
		RegisterOptions: protocol.DidChangeWatchedFilesRegistrationOptions{Watchers: watchers},
	}}}
	ctx, cancel := context.WithTimeout(s.ctx, watchRegistrationTimeout)
	defer cancel()
	if _, err := s.conn.Call(ctx, "client/registerCapability", params, nil); err != nil {
		s.log.Warn("registering file watchers", zap.Error(err))
	}
}
