package index

import (
	"bytes"
	"slices"
	"unicode/utf8"
)

// termList holds a file's topic keys for completion inside "[[", where a request would
// otherwise match every key of the topic table: at 100,000 topics, visiting keys
// scattered over the heap is most of the time a request may take. The keys are laid end
// to end in one block of text, and the places where a key or a word in it starts are
// grouped by their first two bytes, so that a request looks only at the places that
// begin like what was typed. It is built on first use and kept while the file's topics
// stay the same.
type termList struct {
	text []byte   // "\nkey\nkey\n...\n"
	offs []int32  // where each key starts in text, ascending
	keys []string // the same keys as strings, shared with the topic table
	uses []int32  // each topic's line count

	keyStarts  startIndex // where each key starts
	wordStarts startIndex // where a word inside a key starts: after a space, "-" or "/"
}

// startIndex lists places in a termList's text grouped by their first two bytes: the
// places of group g are at[from[g]:from[g+1]], in text order.
type startIndex struct {
	from []int32 // 1<<16 + 1 bounds
	at   []int32
}

func bigram(text []byte, pos int) int {
	return int(text[pos])<<8 | int(text[pos+1]) // text ends with "\n", so pos+1 exists
}

// buildStartIndexes finds where keys and the words inside them start, in two passes
// over the text: one to count the places of each group, one to put them in.
func buildStartIndexes(text []byte) (keys, words startIndex) {
	keys.from, words.from = make([]int32, 1<<16+1), make([]int32, 1<<16+1)
	// kind tells what starts at pos: 1 a key, 2 a word inside one, 0 nothing.
	kind := func(pos int) int {
		if c := text[pos]; c == '\n' || c == ' ' {
			return 0 // typed text is trimmed: it never starts with a space
		}
		switch text[pos-1] {
		case '\n':
			return 1
		case ' ', '-', '/':
			return 2
		}
		return 0
	}
	for pos := 1; pos < len(text)-1; pos++ {
		switch kind(pos) {
		case 1:
			keys.from[bigram(text, pos)+1]++
		case 2:
			words.from[bigram(text, pos)+1]++
		}
	}
	for _, x := range []*startIndex{&keys, &words} {
		for g := 1; g < len(x.from); g++ {
			x.from[g] += x.from[g-1]
		}
		x.at = make([]int32, x.from[1<<16])
	}
	nextKey, nextWord := slices.Clone(keys.from[:1<<16]), slices.Clone(words.from[:1<<16])
	for pos := 1; pos < len(text)-1; pos++ {
		switch kind(pos) {
		case 1:
			g := bigram(text, pos)
			keys.at[nextKey[g]] = int32(pos)
			nextKey[g]++
		case 2:
			g := bigram(text, pos)
			words.at[nextWord[g]] = int32(pos)
			nextWord[g]++
		}
	}
	return keys, words
}

// places returns the places that begin with prefix, which is at least one byte long;
// with one byte, every group of that first byte.
func (x *startIndex) places(prefix []byte, f func(pos int)) {
	lo, hi := 0, 0
	if len(prefix) == 1 {
		lo, hi = int(prefix[0])<<8, int(prefix[0])<<8|0xFF
	} else {
		lo = int(prefix[0])<<8 | int(prefix[1])
		hi = lo
	}
	for _, pos := range x.at[x.from[lo]:x.from[hi+1]] {
		f(int(pos))
	}
}

func (fi *fileIndex) termList() *termList {
	return fi.terms.get(func() *termList {
		return newTermList(fi.topics.len(), func(yield func(string, int32) bool) {
			for k, t := range fi.topics.all() {
				if !yield(k, t.uses) {
					return
				}
			}
		})
	})
}

// termList returns the term list of the workspace, and the keys whose presence or line
// count may differ from what it says, to be looked up as they are now. In a one-file
// workspace that is the file's own list, which its version keeps while its topics stay.
// In a workspace of many files it is one list over every file's topics as an earlier
// snapshot had them: an edit that changes paths adds the topic keys of its lines to the
// touched ones instead of building the list anew, which at a million topics is seconds.
func (s *Snapshot) termList() (*termList, map[string]bool) {
	if s.tables == nil {
		if s.only == nil {
			return newTermList(0, func(func(string, int32) bool) {}), nil
		}
		return s.only.termList(), nil
	}
	return s.terms.base.get(func() *termList {
		return newTermList(s.tables.topics.len(), func(yield func(string, int32) bool) {
			for k, ids := range s.tables.topics.all() {
				uses := int32(0)
				for _, id := range ids {
					uses += s.byID[id].topics.get(k).uses
				}
				if !yield(k, uses) {
					return
				}
			}
		})
	}), s.terms.touched
}

// workspaceTerms is the term list of a workspace of many files: one built over every
// topic at some snapshot, shared by the later ones, and the keys edits touched since.
type workspaceTerms struct {
	base    *lazy[*termList]
	touched map[string]bool
}

// maxTouchedTerms is how many touched keys a term list carries before it is built anew:
// each request looks every one of them up, a few thousand cost well under a millisecond.
const maxTouchedTerms = 4096

func newWorkspaceTerms() workspaceTerms { return workspaceTerms{base: &lazy[*termList]{}} }

// touching returns the terms with keys touched too; a list not built yet is built from
// the snapshot it is first asked of, so there is nothing to carry.
func (w workspaceTerms) touching(keys func(yield func(string) bool)) workspaceTerms {
	if _, built := w.base.ready(); !built {
		return newWorkspaceTerms()
	}
	touched := make(map[string]bool, len(w.touched)+16)
	for k := range w.touched {
		touched[k] = true
	}
	for k := range keys {
		touched[k] = true
		if len(touched) > maxTouchedTerms {
			return newWorkspaceTerms()
		}
	}
	return workspaceTerms{base: w.base, touched: touched}
}

// newTermList lays out n topic keys, given with their line counts by topics.
func newTermList(n int, topics func(yield func(string, int32) bool)) *termList {
	// Topic keys take about forty bytes; a block that grows copies itself.
	text := append(make([]byte, 0, 48*n), '\n')
	tl := &termList{text: text, offs: make([]int32, 0, n), keys: make([]string, 0, n), uses: make([]int32, 0, n)}
	for k, uses := range topics {
		tl.offs = append(tl.offs, int32(len(tl.text)))
		tl.text = append(append(tl.text, k...), '\n')
		tl.keys = append(tl.keys, k)
		tl.uses = append(tl.uses, uses)
	}
	tl.keyStarts, tl.wordStarts = buildStartIndexes(tl.text)
	return tl
}

// keyAt returns the index of the key whose text holds offset at.
func (tl *termList) keyAt(at int) int {
	lo, hi := 0, len(tl.offs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if int(tl.offs[m]) <= at {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo - 1
}

// eachMatch calls f with every key that m accepts and its rank, as m.match would rank
// it, each key once, in no particular order.
func (tl *termList) eachMatch(m *matcher, f func(i, rank int)) {
	if m.typed == "" {
		for i := range tl.keys {
			f(i, rankPrefix)
		}
		return
	}
	typed := []byte(m.typed)
	matched := map[int]bool{}
	tl.keyStarts.places(typed, func(pos int) {
		if bytes.HasPrefix(tl.text[pos:], typed) {
			k := tl.keyAt(pos)
			matched[k] = true
			f(k, rankPrefix)
		}
	})
	if len(m.runes) >= minWordPrefix {
		tl.wordStarts.places(typed, func(pos int) {
			if bytes.HasPrefix(tl.text[pos:], typed) {
				if k := tl.keyAt(pos); !matched[k] {
					matched[k] = true
					f(k, rankWordPrefix)
				}
			}
		})
	}
	if m.maxTyp == 0 {
		return
	}
	// A typo rarely hits the first letter: the keys that start with it are the ones
	// worth the distance table.
	first := utf8.AppendRune(nil, m.runes[0])
	tl.keyStarts.places(first[:min(len(first), 2)], func(pos int) {
		// The key's text runs to the next line end; the table reads no further than
		// len(typed)+maxTyp runes of it.
		key := tl.text[pos:min(len(tl.text), pos+4*(len(m.runes)+m.maxTyp))]
		if end := bytes.IndexByte(key, '\n'); end >= 0 {
			key = key[:end]
		}
		if !bytes.HasPrefix(key, first) || m.tooManyMissing(key, m.maxTyp) || !prefixWithin(m.runes, key, m.maxTyp) {
			return
		}
		if k := tl.keyAt(pos); !matched[k] {
			matched[k] = true
			f(k, rankFuzzy)
		}
	})
}
