package index

import "slices"

// chunkList is a list in chunks of a fixed size that versions share: a version that
// changes an item copies that item's chunk, not the list. It holds a file's sort keys
// (2.4 MB at 100,000 lines, of which a keystroke changes one) and its topic records. A
// list is built by one writer and then never changed; clone gives a new writer a copy
// that shares every chunk until it changes one.
type chunkList[T any] struct {
	chunks [][]T  // item i is chunks[i/listChunk][i%listChunk]
	owned  []bool // chunks this list made or copied, free to change
	n      int
}

const (
	listChunkShift = 10
	listChunk      = 1 << listChunkShift
)

// newChunkList returns n zero items.
func newChunkList[T any](n int) chunkList[T] {
	var l chunkList[T]
	for at := 0; at < n; at += listChunk {
		l.chunks = append(l.chunks, make([]T, min(listChunk, n-at)))
		l.owned = append(l.owned, true)
	}
	l.n = n
	return l
}

func (l *chunkList[T]) len() int { return l.n }

// at returns item i, shared with other versions: change items through writable.
func (l *chunkList[T]) at(i int) *T { return &l.chunks[i>>listChunkShift][i&(listChunk-1)] }

// chunkAt returns the chunk holding item i, shared with other versions, and the index of
// its first item.
func (l *chunkList[T]) chunkAt(i int) ([]T, int) {
	c := i >> listChunkShift
	return l.chunks[c], c << listChunkShift
}

// writable returns item i in a chunk this list may change, copied first if shared.
func (l *chunkList[T]) writable(i int) *T {
	c := i >> listChunkShift
	if !l.owned[c] {
		l.chunks[c] = slices.Clone(l.chunks[c])
		l.owned[c] = true
	}
	return &l.chunks[c][i&(listChunk-1)]
}

// minChunkRoom is the room of a list's first chunk when it starts: a small file's list
// is a few items, and a full chunk for each of ten thousand one-line files would be most
// of their memory. The first chunk grows by doubling; the later ones start full size.
const minChunkRoom = 8

// reserve makes room for n items in all, so that pushing up to them moves no item: a
// writer that keeps pointers to items while it pushes more reserves first.
func (l *chunkList[T]) reserve(n int) {
	for c := l.n >> listChunkShift; c<<listChunkShift < n; c++ {
		room := min(listChunk, n-c<<listChunkShift)
		if c == len(l.chunks) {
			l.chunks = append(l.chunks, make([]T, 0, room))
			l.owned = append(l.owned, true)
		} else if cap(l.chunks[c]) < room || !l.owned[c] {
			l.chunks[c] = append(make([]T, 0, max(room, len(l.chunks[c]))), l.chunks[c]...)
			l.owned[c] = true
		}
	}
}

// push adds an item at the end and returns it. Growing the first chunk moves its items:
// pointers to them taken before are stale, unless the writer reserved the room.
func (l *chunkList[T]) push(v T) *T {
	c := l.n >> listChunkShift
	if c == len(l.chunks) || !l.owned[c] || len(l.chunks[c]) == cap(l.chunks[c]) {
		room := listChunk
		if c == 0 {
			room = min(listChunk, max(minChunkRoom, 2*l.n))
		}
		l.reserve(c<<listChunkShift + room)
	}
	l.chunks[c] = append(l.chunks[c], v)
	l.n++
	return l.at(l.n - 1)
}

// trim gives the last chunk the room it uses, when reserve left it much more: a
// writer that reserved for the most items it might push calls it when done.
func (l *chunkList[T]) trim() {
	c := len(l.chunks) - 1
	if c < 0 || !l.owned[c] {
		return
	}
	if last := l.chunks[c]; cap(last)-len(last) > len(last)/8 {
		l.chunks[c] = slices.Clip(slices.Clone(last))
	}
}

// clone returns a list that shares every chunk with l until it changes one.
func (l *chunkList[T]) clone() chunkList[T] {
	return chunkList[T]{chunks: slices.Clone(l.chunks), owned: make([]bool, len(l.chunks)), n: l.n}
}

// spliced returns the list of a version in which items [from, oldTo) were replaced by
// to-from items, zero until written. The items before from stay shared, and so do those
// after the edit when it kept the number of items; otherwise those are copied.
func (l *chunkList[T]) spliced(from, oldTo, to int) chunkList[T] {
	if to == oldTo {
		return l.clone()
	}
	n := l.n + to - oldTo
	keep := from >> listChunkShift // whole chunks before the edit, shared
	out := chunkList[T]{chunks: slices.Clone(l.chunks[:keep]), owned: make([]bool, keep), n: n}
	for at := keep << listChunkShift; at < n; at += listChunk {
		out.chunks = append(out.chunks, make([]T, min(listChunk, n-at)))
		out.owned = append(out.owned, true)
	}
	for i := keep << listChunkShift; i < from; i++ {
		*out.at(i) = *l.at(i)
	}
	for i := oldTo; i < l.n; i++ {
		*out.at(i + to - oldTo) = *l.at(i)
	}
	return out
}

// shiftLines adds delta to every line number from `from` on, after lines were inserted
// or removed before them. A chunk without such a number stays shared.
func shiftLines(l *chunkList[int32], from, delta int32) {
	for c, chunk := range l.chunks {
		if !slices.ContainsFunc(chunk, func(v int32) bool { return v >= from }) {
			continue
		}
		if !l.owned[c] {
			chunk = slices.Clone(chunk)
			l.chunks[c], l.owned[c] = chunk, true
		}
		for i, v := range chunk {
			if v >= from {
				chunk[i] = v + delta
			}
		}
	}
}
