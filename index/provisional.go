package index

import (
	"time"

	"github.com/notesls/notesls/analysis"
)

// termsWithin reports whether the term list is built or gets built within wait; a
// negative wait waits for it. A list that nobody started is started here, so that the
// next keystroke's answer is nearer. Once one wait has run out, the list is known to
// take long, and the requests after it do not wait again until it is built: a client
// that asks at every keystroke would otherwise wait at every keystroke.
func (s *Snapshot) termsWithin(wait time.Duration) bool {
	if s.termsReady(wait) {
		return true
	}
	b := s.terms.base
	if b.started.CompareAndSwap(false, true) {
		go b.get()
	}
	if b.slow.Load() {
		return false
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-b.built:
		return true
	case <-timer.C:
		b.slow.Store(true)
		return false
	}
}

// termsReady reports, without waiting, whether an answer with this wait can use the term
// list: it is built, or the answer waits for it.
func (s *Snapshot) termsReady(wait time.Duration) bool { return wait < 0 || s.terms.base.ready() }

// provisionalTerms answers a completion that needs the term list while the list is
// being built, from the file at path alone: its terms and aliases (with roots, its
// top-level topics), ranked as the list ranks them but by their lines in this file, and
// marked incomplete. line is the line being typed, whose own new topic is not proposed.
func (s *Snapshot) provisionalTerms(path, typed string, replace analysis.Span, roots bool, line int, docs bool) *CompletionResult {
	fi := s.file(path)
	if fi == nil {
		return nil
	}
	m := newMatcher(typed)
	cands := newTopK(keepCandidates, compareCandidates)
	if roots {
		// The file's top-level topics alone: walking all its topics for them took 5.5 ms
		// a keystroke at 100,000 lines, while the list was built beside.
		for _, k := range fi.roots {
			if s.onlyOn(k, path, line) {
				continue
			}
			if rank, ok := m.match(k); ok {
				cands.add(candidate{key: k, kind: CompletionTopic, rank: rank, uses: int(fi.topics.get(k).uses)})
			}
		}
	} else {
		for k, t := range fi.topics.all() {
			if rank, ok := m.match(k); ok {
				cands.add(candidate{key: k, kind: CompletionTerm, rank: rank, uses: int(t.uses)})
			}
		}
		for ak, as := range fi.aliases {
			rank, ok := m.match(ak)
			if !ok {
				continue
			}
			for _, a := range as {
				uses := 0
				if t := fi.topics.get(a.topic); t != nil {
					uses = int(t.uses)
				}
				cands.add(candidate{key: a.topic, label: a.text, kind: CompletionAlias, rank: rank, uses: uses})
			}
		}
	}
	label := termLabel
	if roots {
		label = segmentLabel(path, line)
	}
	res := s.finish(cands, replace, docs, label)
	res.Incomplete = true
	return res
}
