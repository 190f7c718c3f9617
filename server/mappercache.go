package server

import (
	"sync"

	"github.com/notesls/notesls/analysis"
)

// mapperCache keeps one Mapper per file for the content the snapshot holds, so that a
// request does not rebuild a large file's line table. An entry is valid while the
// snapshot's content is the very same text.
type mapperCache struct {
	mu  sync.Mutex
	m   map[string]*Mapper
	enc PositionEncoding // the connection's, set by initialize
}

func newMapperCache() *mapperCache { return &mapperCache{m: map[string]*Mapper{}, enc: UTF16} }

// setEncoding sets the position encoding of the mappers made from now on.
func (c *mapperCache) setEncoding(enc PositionEncoding) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.enc = enc
}

// get returns a mapper over content, the content of path.
func (c *mapperCache) get(path string, content analysis.Text) *Mapper {
	c.mu.Lock()
	m, ok := c.m[path]
	enc := c.enc
	c.mu.Unlock()
	if ok && m.Text().Same(content) {
		return m
	}
	m = NewMapperText(content, enc)
	c.mu.Lock()
	c.m[path] = m
	c.mu.Unlock()
	return m
}

// put records the mapper an edit already built: the index keeps the bytes it is given.
func (c *mapperCache) put(path string, m *Mapper) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[path] = m
}
