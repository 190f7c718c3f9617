package server

import (
	"fmt"
	"sort"
	"sync"

	"go.lsp.dev/protocol"

	"github.com/notesls/notesls/index"
)

// A document is a file open in the editor: the editor's text, which overrides the disk,
// and its version. Documents are replaced, never mutated, so a reader may keep one.
type document struct {
	uri     protocol.DocumentURI
	path    string // the index key, see uriPath
	version int32
	mapper  *Mapper // over the current text
}

// A textChange is one content change of didChange. A nil Range replaces the whole text.
type textChange struct {
	Range *protocol.Range
	Text  string
}

// applyChanges applies changes in order, each relative to the text the previous one left,
// and returns a mapper over the result. On error nothing is applied.
func applyChanges(m *Mapper, changes []textChange) (*Mapper, error) {
	m, _, _, err := applyChangesClamped(m, changes)
	return m, err
}

// applyChangesClamped is applyChanges that also reports how many ranges reached past the
// text's last line and were clamped to its end: refusing them would leave the server's
// text silently different from the editor's until the next full change. same is how much
// of the result is known to be the text before, at its start and at its end.
func applyChangesClamped(m *Mapper, changes []textChange) (_ *Mapper, clamped int, same index.Unchanged, _ error) {
	same = index.Unchanged{Head: m.text.Len(), Tail: m.text.Len()}
	for i, c := range changes {
		if c.Range == nil {
			m = NewMapperEncoding([]byte(c.Text), m.enc)
			same = index.Unchanged{}
			continue
		}
		r, wasPast := m.clampRange(*c.Range)
		if wasPast {
			clamped++
		}
		span, err := m.RangeSpan(r)
		if err != nil {
			return nil, 0, index.Unchanged{}, fmt.Errorf("change %d: %w", i, err)
		}
		// Bytes before the first change and after the last, counted from the end, are
		// the ones before every change.
		same = index.Unchanged{Head: min(same.Head, span.Start), Tail: min(same.Tail, m.text.Len()-span.End)}
		m = m.Splice(span, c.Text)
	}
	return m, clamped, same, nil
}

// documentStore holds the open documents by index path.
type documentStore struct {
	mu   sync.Mutex
	docs map[string]*document
}

func newDocumentStore() *documentStore {
	return &documentStore{docs: make(map[string]*document)}
}

func (s *documentStore) get(path string) (*document, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.docs[path]
	return d, ok
}

func (s *documentStore) open(d *document) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs[d.path] = d
}

// change applies changes to the open document at path and returns the new document.
// It also says how many change ranges were clamped to the end of the text.
func (s *documentStore) change(path string, version int32, changes []textChange) (*document, int, index.Unchanged, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.docs[path]
	if !ok {
		return nil, 0, index.Unchanged{}, fmt.Errorf("document %s is not open", path)
	}
	m, clamped, same, err := applyChangesClamped(d.mapper, changes)
	if err != nil {
		return nil, 0, index.Unchanged{}, err
	}
	nd := &document{uri: d.uri, path: d.path, version: version, mapper: m}
	s.docs[path] = nd
	return nd, clamped, same, nil
}

func (s *documentStore) close(path string) (*document, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.docs[path]
	delete(s.docs, path)
	return d, ok
}

// paths lists the open documents' paths, sorted.
func (s *documentStore) paths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.docs))
	for p := range s.docs {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
