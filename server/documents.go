package server

import (
	"fmt"
	"sort"
	"sync"

	"go.lsp.dev/protocol"
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
	for i, c := range changes {
		if c.Range == nil {
			m = NewMapper([]byte(c.Text))
			continue
		}
		span, err := m.RangeSpan(*c.Range)
		if err != nil {
			return nil, fmt.Errorf("change %d: %w", i, err)
		}
		m = m.Splice(span, c.Text)
	}
	return m, nil
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
func (s *documentStore) change(path string, version int32, changes []textChange) (*document, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.docs[path]
	if !ok {
		return nil, fmt.Errorf("document %s is not open", path)
	}
	m, err := applyChanges(d.mapper, changes)
	if err != nil {
		return nil, err
	}
	nd := &document{uri: d.uri, path: d.path, version: version, mapper: m}
	s.docs[path] = nd
	return nd, nil
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
