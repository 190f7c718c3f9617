package index

import "slices"

// keyList holds the sort key of each line of a file in chunks that versions share: an
// edit within lines copies the chunk it changes, not the 2.4 MB of keys of a
// 100,000-line file; an edit that adds or removes lines copies the keys after it.
type keyList struct {
	chunks [][]lineKey // key i is chunks[i/keyChunk][i%keyChunk]
	owned  []bool      // chunks this list made or copied, free to change
	n      int
}

const (
	keyChunkShift = 10
	keyChunk      = 1 << keyChunkShift
)

// newKeyList returns n zero keys.
func newKeyList(n int) keyList {
	l := keyList{n: n}
	for at := 0; at < n; at += keyChunk {
		l.chunks = append(l.chunks, make([]lineKey, min(keyChunk, n-at)))
		l.owned = append(l.owned, true)
	}
	return l
}

func (l *keyList) len() int { return l.n }

// at returns key i. Keys are shared between versions: change them only through set.
func (l *keyList) at(i int) *lineKey { return &l.chunks[i>>keyChunkShift][i&(keyChunk-1)] }

// set changes key i, copying its chunk first if another list shares it.
func (l *keyList) set(i int, k lineKey) {
	c := i >> keyChunkShift
	if !l.owned[c] {
		l.chunks[c] = slices.Clone(l.chunks[c])
		l.owned[c] = true
	}
	l.chunks[c][i&(keyChunk-1)] = k
}

// edited returns the list of a version in which keys [from, oldTo) were replaced by
// to-from keys, zero until set. The keys before from stay shared, and so do those after
// the edit when it kept the number of lines.
func (l *keyList) edited(from, oldTo, to int) keyList {
	if to == oldTo {
		return keyList{chunks: slices.Clone(l.chunks), owned: make([]bool, len(l.chunks)), n: l.n}
	}
	out := newKeyList(l.n + to - oldTo)
	keep := from >> keyChunkShift // whole chunks before the edit
	copy(out.chunks, l.chunks[:keep])
	for c := range keep {
		out.owned[c] = false
	}
	for i := keep << keyChunkShift; i < from; i++ {
		*out.at(i) = *l.at(i)
	}
	for i := oldTo; i < l.n; i++ {
		*out.at(i + to - oldTo) = *l.at(i)
	}
	return out
}
