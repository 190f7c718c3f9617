package server

import (
	"context"
	"hash/maphash"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/notesls/notesls/analysis"
	"github.com/notesls/notesls/index"
)

const (
	// defaultDiagnosticsDelay is how long diagnostics wait for the next keystroke: long
	// enough to merge the changes of one burst (an editor sends them within a few
	// milliseconds), short enough to stay well inside the 50 ms edit-to-diagnostics goal.
	defaultDiagnosticsDelay = 15 * time.Millisecond

	// maxDiagnosticsDelay bounds the wait while edits keep coming, so that continuous
	// typing still sees diagnostics.
	maxDiagnosticsDelay = 250 * time.Millisecond

	// quietBeforeEdit is the pause after which an edit counts as the first of a new burst,
	// whose diagnostics go out at once: longer than the gap between the changes an editor
	// sends for one action (one message, or several written together), far shorter than
	// the gap between keystrokes, even a held key's (30 ms and more at the usual repeat
	// rates). The rest of a burst is debounced, so machine-fast edits (a paste, a
	// multi-cursor change, a formatter) still cost one computation.
	quietBeforeEdit = 5 * time.Millisecond

	// idleBeforePrepare is the pause in editing after which the server builds the caches
	// that a change of paths dropped (see index.Snapshot.Prepare), so that the next
	// completion does not wait for them.
	idleBeforePrepare = 300 * time.Millisecond

	// othersPause is the pause in editing that the findings of the files an edit reached
	// beyond its own wait for, as gopls waits to diagnose other packages; while edits keep
	// coming they go out at least every maxOthersDelay. A keystroke in a small file that
	// reached a big open one sent that file's 1,000 findings (300 KB) after the small
	// file's, and the next keystroke's completion waited behind them in the client: 7-8
	// ms of the typing scenario's slowest answers.
	othersPause    = 300 * time.Millisecond
	maxOthersDelay = 2 * time.Second

	// diagnosticSource names the server in every diagnostic.
	diagnosticSource = "notesls"
)

// diagnostics publishes textDocument/publishDiagnostics off the request path. The
// workspace goroutine schedules the files a change affects; this goroutine waits until
// edits pause, then publishes the edited files first and the others after, each against
// the latest view.
type diagnostics struct {
	s     *Server
	delay time.Duration

	mu    sync.Mutex
	first []string
	rest  map[string]bool
	wake  chan struct{}

	// sent holds the files whose last publication was not empty, or that were open:
	// those need an empty list when their findings go. Owned by the run goroutine.
	sent map[string]bool
	// published holds a hash of each file's last publication, to send none that repeats
	// it: an open document's carries its version, so each edit, open and close is sent.
	// A hash, not the publication: a messy workspace of 1,000 files would keep 450,000
	// diagnostics. Owned by the run goroutine.
	published   map[string]uint64
	publishSeed maphash.Seed
	// pointedAt maps a file to the files whose published findings name one of its lines
	// ("duplicate of a.notes:12"): when it changes, those messages may be stale even
	// where their findings stand. Owned by the run goroutine.
	pointedAt map[string]map[string]bool
	// pointsAt is the inverse, to forget a file's old pointers when it is republished.
	pointsAt map[string][]string
	// toldSkipped holds, by file, the setting whose limit was last reported to the
	// client's log, so that each is logged once and not on every keystroke. Owned by run.
	toldSkipped map[string]string
	// late brings the findings of slow files back to the run goroutine; delivered holds,
	// by file, the generation of the view whose findings were sent last.
	late      chan computed
	delivered map[string]uint64
	// asked is the last snapshot whose affected files were asked for: the answer is
	// the change since the one before, so asking again would repeat it.
	asked *index.Snapshot

	// lastEdit and quietBefore time the edits (guarded by mu): quietBefore is the pause
	// that came before the latest one.
	lastEdit    time.Time
	quietBefore time.Duration
	// rounds counts the publication rounds begun (guarded by mu), so that a Prepare
	// waits for a pause in the work, not only in the edits: a client waiting for slow
	// findings sends no edit either.
	rounds uint64
	// loaded says a workspace folder was just indexed: once its open documents' findings
	// are out, the caches are built at once rather than at the first pause.
	loaded atomic.Bool
	// deferred are the files beyond the edited ones whose findings wait for a pause in
	// editing (othersPause), since deferredSince (guarded by mu).
	deferred      map[string]bool
	deferredSince time.Time
	// othersTimer tells othersDue when they are due (guarded by mu).
	othersTimer *time.Timer
	othersDue   chan struct{}
	// othersPause and maxOthersDelay are the constants, but in tests.
	othersPause, maxOthersDelay time.Duration
	// prepareHeldFor are the edited or open files whose late findings the caches wait
	// for (owned by run): built beside them, the "[[" term list of a million lines took
	// both cores from the opened file's first findings for a second.
	prepareHeldFor map[string]bool
	computing      func(path string) // Options.computing
}

func newDiagnostics(s *Server, delay time.Duration) *diagnostics {
	return &diagnostics{s: s, delay: delay, rest: map[string]bool{}, wake: make(chan struct{}, 1), sent: map[string]bool{}, published: map[string]uint64{}, publishSeed: maphash.MakeSeed(),
		pointedAt: map[string]map[string]bool{}, pointsAt: map[string][]string{}, toldSkipped: map[string]string{},
		late: make(chan computed), delivered: map[string]uint64{}, deferred: map[string]bool{}, othersDue: make(chan struct{}, 1),
		prepareHeldFor: map[string]bool{}}
}

// schedule queues the edited files (published first, in order) and the other affected ones.
func (d *diagnostics) schedule(first, rest []string) {
	d.mu.Lock()
	if len(first) > 0 {
		now := time.Now()
		d.quietBefore = now.Sub(d.lastEdit)
		d.lastEdit = now
	}
	for _, p := range first {
		if !contains(d.first, p) {
			d.first = append(d.first, p)
		}
		delete(d.rest, p)
	}
	for _, p := range rest {
		if !contains(d.first, p) {
			d.rest[p] = true
		}
	}
	d.mu.Unlock()
	d.wakeUp()
}

// wakeUp tells the run goroutine that work is queued; one pending signal is enough.
func (d *diagnostics) wakeUp() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *diagnostics) run(ctx context.Context) {
	select { // nothing goes to the client before it has the initialize result
	case <-d.s.initReplied:
	case <-ctx.Done():
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case c := <-d.late:
			d.deliver(ctx, c)
			d.releasePrepare(c.path)
			continue
		case <-d.othersDue:
			// The deferred files' time: no edit came, there is nothing to wait for. On
			// d.wake it would have restarted the debounce of the edits meanwhile.
		case <-d.wake:
			if !d.debounce(ctx) {
				return
			}
		}
		d.mu.Lock()
		first, rest := d.first, d.rest
		d.first, d.rest = nil, map[string]bool{}
		d.rounds++
		// The files beyond the edited ones wait while editing goes on (othersPause).
		holdFor := d.othersWait()
		if holdFor <= 0 {
			for p := range d.deferred {
				rest[p] = true
			}
			clear(d.deferred)
		} else if len(d.deferred) > 0 {
			d.othersAfter(holdFor)
		}
		d.mu.Unlock()

		v := d.s.ws.current.Load()
		for _, p := range first {
			if !d.publish(ctx, v, p) {
				d.prepareHeldFor[p] = true
			}
		}
		// Then the open documents among the others, unless editing goes on (they wait with
		// the others then): they are what the user looks at, and a list of a thousand
		// files in path order would leave them for last. Open is asked of the documents,
		// not of the view: a document opened while the workspace was indexed is not in
		// the first view yet, though its text (the file's) is.
		var open []string
		for p := range rest {
			if _, ok := d.s.docs.get(p); ok && !contains(first, p) && holdFor <= 0 {
				open = append(open, p)
			}
		}
		sort.Strings(open)
		for i, p := range open {
			if d.editsPending() {
				open = open[:i] // the rest wait in the list, after the new edit
				break
			}
			if !d.publish(ctx, v, p) {
				d.prepareHeldFor[p] = true
			}
		}
		// A user who opens a file types at once, and the first completion waited for the
		// "[[" term list (170 ms at 100,000 lines, 4 s at a million): it is built once the
		// open documents' findings are out, on the other core, while the rest of the
		// workspace is published. Before them, it delayed them by a third.
		prepareLoaded := func() {
			if len(d.prepareHeldFor) == 0 && d.loaded.Swap(false) {
				go d.prepareAfterIndexing(v)
			}
		}
		if len(first)+len(open) > 0 {
			prepareLoaded()
		}
		// The edited files' findings are out; now the others that the edits may have
		// changed: what the index reports beyond the edits' own keys, and the files
		// whose findings point into an edited one.
		for _, p := range d.lateAffected(v, rest, first) {
			rest[p] = true
		}
		for _, p := range first {
			for q := range d.pointedAt[p] {
				rest[q] = true
			}
		}
		for _, p := range slices.Concat(first, open) {
			delete(rest, p)
		}
		others := make([]string, 0, len(rest))
		for p := range rest {
			others = append(others, p)
		}
		sort.Strings(others)
		if holdFor > 0 && len(others) > 0 {
			d.deferOthers(others)
			d.s.log.Debug("publishing", zap.Strings("edited", first), zap.Int("others after a pause", len(others)))
			others = nil
		} else {
			d.s.log.Debug("publishing", zap.Strings("edited", first), zap.Int("others", len(others)))
		}
		for i, p := range others {
			if ctx.Err() != nil {
				return
			}
			if d.editsPending() {
				// A new edit waits: its file goes out before the rest of this list, which
				// is published (against the newer view) after it.
				d.requeue(others[i:])
				break
			}
			d.deliverLate(ctx)
			d.publishYielding(ctx, v, p)
			if _, ok := d.s.docs.get(p); ok {
				prepareLoaded() // a document opened while the workspace was indexed
			}
		}
		prepareLoaded()
		d.deliverLate(ctx)
		if d.s.openBeyond(first) {
			d.s.askRefresh() // their hints and lenses may lead into what changed
		}
		if len(d.prepareHeldFor) == 0 {
			d.prepareWhenIdle()
		}
	}
}

// releasePrepare notes that path's late findings are out, and once none that the
// caches wait for are left, builds them: at once after indexing, as prepareLoaded does,
// or else once editing pauses.
func (d *diagnostics) releasePrepare(path string) {
	if !d.prepareHeldFor[path] {
		return
	}
	delete(d.prepareHeldFor, path)
	if len(d.prepareHeldFor) > 0 {
		return
	}
	v := d.s.ws.current.Load()
	if v == nil {
		return
	}
	if d.loaded.Swap(false) {
		go d.prepareAfterIndexing(v)
		return
	}
	d.prepareWhenIdle()
}

// prepareAfterIndexing builds the caches of v, the first view after indexing.
func (d *diagnostics) prepareAfterIndexing(v *view) {
	start := time.Now()
	d.s.log.Debug("building caches after indexing")
	if d.s.prepare(v.snap) {
		d.s.log.Info("caches built after indexing", zap.Duration("took", time.Since(start)))
	}
}

// debounce waits until no edit came for d.delay, or maxDiagnosticsDelay passed; not at
// all for the first edit after a pause.
func (d *diagnostics) debounce(ctx context.Context) bool {
	d.mu.Lock()
	leading := len(d.first) > 0 && d.quietBefore > quietBeforeEdit
	d.quietBefore = 0 // a burst's later edits wait
	d.mu.Unlock()
	if leading {
		return ctx.Err() == nil
	}
	hard := time.Now().Add(maxDiagnosticsDelay)
	for {
		wait := min(d.delay, time.Until(hard))
		if wait <= 0 {
			return true
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return false
		case <-d.wake:
			t.Stop() // more changes: wait again
		case <-t.C:
			return true
		}
	}
}

// lateAffected asks the index which other files the edits' cross-line findings reached;
// a panic in the index is logged, not fatal.
//
// When every file is queued already, as after indexing, the question is not asked: its
// answer would add nothing, and finding it ran the workspace-wide passes before the first
// file's findings, which run them beside that file's own rules.
func (d *diagnostics) lateAffected(v *view, queued map[string]bool, published []string) (paths []string) {
	if v.snap == d.asked || v.snap.ConfiguredSince(d.asked) || allQueued(v.snap, queued, published) {
		d.asked = v.snap
		return nil
	}
	d.asked = v.snap
	defer func() {
		if r := recover(); r != nil {
			d.s.log.Error("panic while finding affected files", zap.Any("panic", r), zap.Stack("stack"))
		}
	}()
	return v.snap.Affected()
}

// allQueued reports whether every file of snap is in queued or among published, the
// files being published already. A keystroke queues a file or two, which the count tells
// without listing the workspace's files. After indexing every file is, the opened ones
// among published: asking the index what changed waited there for the workspace-wide
// passes, and held back the late findings of a slow opened file.
func allQueued(snap *index.Snapshot, queued map[string]bool, published []string) bool {
	if len(queued)+len(published) < snap.NumFiles() {
		return false
	}
	return !slices.ContainsFunc(snap.Files(), func(p string) bool { return !queued[p] && !slices.Contains(published, p) })
}

// notePointers records which files the findings just published for path point into.
func (d *diagnostics) notePointers(path string, diags []index.Diagnostic) {
	for _, q := range d.pointsAt[path] {
		delete(d.pointedAt[q], path)
		if len(d.pointedAt[q]) == 0 {
			delete(d.pointedAt, q)
		}
	}
	var targets []string
	for _, dg := range diags {
		for _, r := range dg.Related {
			if r.Path != path && !contains(targets, r.Path) {
				targets = append(targets, r.Path)
			}
		}
	}
	if len(targets) == 0 {
		delete(d.pointsAt, path)
		return
	}
	d.pointsAt[path] = targets
	for _, q := range targets {
		if d.pointedAt[q] == nil {
			d.pointedAt[q] = map[string]bool{}
		}
		d.pointedAt[q][path] = true
	}
}

// tellSkipped writes to the client's log, once per file and limit, that a limit cut
// the file's checks short: the finding on line 1 says so too, but a log line is where a
// user looking for missing findings reads first.
func (d *diagnostics) tellSkipped(ctx context.Context, path string, diags []index.Diagnostic) {
	limit, msg := "", ""
	for _, dg := range diags {
		if dg.Limit != "" {
			limit, msg = dg.Limit, dg.Message
			break
		}
	}
	if limit == d.toldSkipped[path] {
		return
	}
	if limit == "" {
		delete(d.toldSkipped, path)
		return
	}
	d.toldSkipped[path] = limit
	d.s.log.Info("checks skipped", zap.String("path", path), zap.String("why", msg))
	params := protocol.LogMessageParams{Type: protocol.MessageTypeInfo, Message: path + ": " + msg}
	if err := d.s.conn.Notify(ctx, "window/logMessage", params); err != nil {
		d.s.log.Warn("logging a skipped check", zap.String("path", path), zap.Error(err))
	}
}

// prepareWhenIdle builds the caches of the current view once edits have paused for
// idleBeforePrepare and no publication round began since this one ended: built after
// every keystroke, they would compete with the next one, and at a million lines the
// "[[" term list takes seconds of a core, which no edit in that time should share.
func (d *diagnostics) prepareWhenIdle() {
	d.mu.Lock()
	round := d.rounds
	d.mu.Unlock()
	time.AfterFunc(idleBeforePrepare, func() {
		d.mu.Lock()
		idle := time.Since(d.lastEdit) >= idleBeforePrepare && len(d.first) == 0 && len(d.rest) == 0 && d.rounds == round
		d.mu.Unlock()
		if v := d.s.ws.current.Load(); idle && v != nil {
			d.s.prepare(v.snap)
		}
	})
}

// othersWait is how long the deferred files still wait: until editing has paused for
// othersPause, or they have waited maxOthersDelay. d.mu is held.
func (d *diagnostics) othersWait() time.Duration {
	wait := d.othersPause - time.Since(d.lastEdit)
	if len(d.deferred) > 0 {
		wait = min(wait, d.maxOthersDelay-time.Since(d.deferredSince))
	}
	return wait
}

// deferOthers puts paths off until editing pauses, and wakes the run loop then.
func (d *diagnostics) deferOthers(paths []string) {
	d.mu.Lock()
	if len(d.deferred) == 0 {
		d.deferredSince = time.Now()
	}
	for _, p := range paths {
		d.deferred[p] = true
	}
	d.othersAfter(d.othersWait())
	d.mu.Unlock()
}

// othersAfter has the run loop publish the deferred files in wait, once. d.mu is held.
func (d *diagnostics) othersAfter(wait time.Duration) {
	if d.othersTimer == nil {
		d.othersTimer = time.AfterFunc(wait, func() {
			select {
			case d.othersDue <- struct{}{}:
			default:
			}
		})
		return
	}
	d.othersTimer.Reset(wait)
}

func (d *diagnostics) editsPending() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.first) > 0
}

func (d *diagnostics) requeue(paths []string) {
	d.mu.Lock()
	for _, p := range paths {
		if !contains(d.first, p) {
			d.rest[p] = true
		}
	}
	d.mu.Unlock()
	d.wakeUp()
}

// prepare builds the snapshot's caches ahead of need, off the request path, in the
// background lane; a panic in the index is logged, not fatal. It reports whether they
// were built.
func (s *Server) prepare(snap *index.Snapshot) (built bool) {
	if !s.lane.enter(s.ctx) {
		return false
	}
	defer s.lane.leave()
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic while preparing caches", zap.Any("panic", r), zap.Stack("stack"))
			built = false
		}
	}()
	snap.PrepareOn(s.lane.workers())
	return true
}

// slowFileWait is how long the publisher waits for one file's findings before it goes
// on with the other files and publishes that one when it is ready: long enough that an
// ordinary file is published in order, short enough that one huge or hostile file does
// not hold the rest of the workspace's diagnostics back.
const slowFileWait = 200 * time.Millisecond

// computed is one file's findings, ready to publish.
type computed struct {
	v     *view
	path  string
	found []index.Diagnostic
	// body is the publication's params (from publicationBuffers), count the findings
	// in it.
	body  *[]byte
	count int
	ok    bool // the file is in the view
	err   bool // computing them panicked
}

// release gives the publication's buffer back.
func (c *computed) release() {
	if c.body != nil {
		*c.body = (*c.body)[:0]
		publicationBuffers.Put(c.body)
		c.body = nil
	}
}

// publish sends one file's diagnostics. When they take longer than slowFileWait, it
// returns false and they are sent from the run loop once ready, unless newer ones went
// first.
func (d *diagnostics) publish(ctx context.Context, v *view, path string) bool {
	return d.publishOr(ctx, v, path, nil)
}

// editPoll is how often publishYielding looks for a new edit: a small part of the 50 ms
// an edit's findings have, and rare enough to cost nothing.
const editPoll = 2 * time.Millisecond

// publishYielding is publish for a file that was not edited: it also returns when an
// edit arrives, whose file then goes out without waiting for this one's findings, which
// follow when ready as a slow file's do. An unedited file of a thousand-line workspace
// takes milliseconds, at a million lines tens of them, and the edit would wait for it.
func (d *diagnostics) publishYielding(ctx context.Context, v *view, path string) {
	tick := time.NewTicker(editPoll)
	defer tick.Stop()
	d.publishOr(ctx, v, path, tick.C)
}

func (d *diagnostics) publishOr(ctx context.Context, v *view, path string, poll <-chan time.Time) (sent bool) {
	done := make(chan computed, 1)
	// A file no edit waits for is computed in the background lane, and it is slow only
	// once it has its place there: the caches can hold the lane for seconds.
	started := make(chan struct{})
	leave := func() {}
	if poll == nil {
		close(started)
		go func() { done <- d.compute(v, path) }()
	} else {
		var once sync.Once
		leave = func() { once.Do(d.s.lane.leave) }
		go func() {
			if !d.s.lane.enter(ctx) {
				return
			}
			defer leave()
			close(started)
			done <- d.compute(v, path)
		}()
	}
	later := func() {
		go func() {
			select {
			case d.late <- <-done:
			case <-ctx.Done():
			}
		}()
	}
	var slow <-chan time.Time
	for {
		select {
		case <-started:
			started = nil
			t := time.NewTimer(slowFileWait)
			defer t.Stop()
			slow = t.C
		case c := <-done:
			d.deliver(ctx, c)
			return true
		case c := <-d.late:
			// A slow file's findings, ready while this file waits for its place in the
			// lane, which the caches can hold for seconds.
			d.deliver(ctx, c)
			d.releasePrepare(c.path)
		case <-slow:
			d.s.log.Info("slow diagnostics, publishing the other files first", zap.String("path", path))
			leave() // a slow file holds no other file's findings back
			later()
			return false
		case <-poll:
			if d.editsPending() {
				later()
				return false
			}
		case <-ctx.Done():
			return true
		}
	}
}

// deliverLate sends the findings of slow files that are ready, without waiting: between
// two files of a long list, so that a slow edited file does not wait for the list.
func (d *diagnostics) deliverLate(ctx context.Context) {
	for {
		select {
		case c := <-d.late:
			d.deliver(ctx, c)
			d.releasePrepare(c.path)
		default:
			return
		}
	}
}

// compute finds one file's diagnostics; a panic in the index is logged, not fatal.
func (d *diagnostics) compute(v *view, path string) (c computed) {
	if d.computing != nil {
		d.computing(path)
	}
	c = computed{v: v, path: path}
	defer func() {
		if r := recover(); r != nil {
			d.s.log.Error("panic while computing diagnostics", zap.String("path", path), zap.Any("panic", r), zap.Stack("stack"))
			c.release()
			c.err = true
		}
	}()
	if d.s.opts.TestHooks && strings.Contains(path, stuckFileMarker) {
		select {} // a computation that never ends, as a pathological file's might
	}
	content, ok := v.snap.Text(path)
	if ok {
		c.ok = true
		c.found = v.snap.DiagnosticsUpTo(path, v.snap.ConfigOf(path).MaxShown)
	}
	c.body = publicationBuffers.Get().(*[]byte)
	*c.body, c.count = d.s.encodeDiagnostics((*c.body)[:0], v, path, content, uint32(v.versions[path]), c.found)
	return c
}

// deliver sends computed findings, unless findings of a later view were sent already.
// It runs on the run goroutine, which owns the publication state.
func (d *diagnostics) deliver(ctx context.Context, c computed) {
	defer c.release()
	path, v := c.path, c.v
	if c.err || d.delivered[path] > v.gen {
		return
	}
	d.delivered[path] = v.gen
	_, open := v.versions[path]
	d.notePointers(path, c.found)
	d.tellSkipped(ctx, path, c.found)
	if c.count == 0 && !open && !d.sent[path] {
		return // nothing to say, nothing to clear
	}
	if !c.ok && !d.sent[path] {
		return
	}
	if c.count > 0 || open {
		d.sent[path] = true
	} else {
		delete(d.sent, path)
	}
	// The params hold every field of the publication, the URI and version included.
	sum := maphash.Bytes(d.publishSeed, *c.body)
	if last, ok := d.published[path]; ok && last == sum {
		// A keystroke in a small file that reaches a big one (a name both hold) made its
		// 1,000 findings go out again unchanged: 300 KB that the client had to read
		// before the completion answered after them, 5-8 ms of a keystroke's.
		d.s.log.Debug("findings unchanged, not sent again", zap.String("path", path))
		return
	}
	delete(d.published, path)
	d.s.awaitEarlierRequests(ctx, requestsFirstWait)
	if err := d.s.notifyEncoded(ctx, "textDocument/publishDiagnostics", *c.body); err != nil {
		d.s.log.Warn("publishing diagnostics", zap.String("path", path), zap.Error(err))
	} else if c.count > 0 || open {
		d.published[path] = sum
	}
}

func toProtocolSeverity(s analysis.Severity) protocol.DiagnosticSeverity {
	switch s {
	case analysis.SeverityError:
		return protocol.DiagnosticSeverityError
	case analysis.SeverityWarning:
		return protocol.DiagnosticSeverityWarning
	case analysis.SeverityInfo:
		return protocol.DiagnosticSeverityInformation
	default:
		return protocol.DiagnosticSeverityHint
	}
}
