package index

import "strings"

// A narrowing is what a walk of a term list found for one typed text: the places each of
// its three walks accepted, in walk order. Typing goes on one letter at a time, and a key
// that a longer text matches is matched by every shorter text it starts with, by the same
// walk or an earlier one, when the typo allowance is the same:
//   - a key that starts with the longer text starts with the shorter;
//   - a word that starts with the longer text starts with the shorter;
//   - if some prefix of a key is within k edits of the longer text, dropping the last
//     letter of both (or the letter alone, when it was inserted) leaves a prefix within
//     k edits of the shorter: prefixWithin is monotone, the missing-letters bound a
//     necessary condition of it.
//
// So the next keystroke's walks go through these places instead of whole groups. A long
// target typed after "[[" that no term starts with walked every key of its first letter
// at every keystroke, each with the missing-letters bound over the whole typed text: 4.4
// ms a keystroke at a million lines (in process), growing with the target.
type narrowing struct {
	typed  string // the matcher's folded text
	maxTyp int
	// places are, by walk, the keyStarts entries whose key starts with typed, the
	// wordStarts places where it starts, and the entries of its first rune's group that
	// it matches at any rank.
	places [3][]int32
	count  int
	full   bool // more than maxNarrowed places: not kept
}

// The walks of termList.rank, indexes of narrowing.places.
const (
	keyWalk = iota
	wordWalk
	typoWalk
)

// maxNarrowed is the most places a narrowing keeps: a text that more keys match is
// short, and its walks soon fill the list and stop.
const maxNarrowed = 4096

// narrowable reports whether a walk for m can be narrowed and can narrow the next: its
// walks are over the groups of its first two bytes, as those of a text it starts are.
func narrowable(m *matcher) bool {
	return len(m.typed) >= 2 && len(m.runes) >= minWordPrefix
}

// narrowingFor returns the narrowing of an earlier walk that m's walks can go through,
// or nil.
func (tl *termList) narrowingFor(m *matcher) *narrowing {
	n := tl.narrowed.Load()
	if n == nil || !narrowable(m) || n.maxTyp != m.maxTyp || !strings.HasPrefix(m.typed, n.typed) {
		return nil
	}
	return n
}

// keep records a place that a walk accepted.
func (n *narrowing) keep(walk int, place int32) {
	if n == nil || n.full {
		return
	}
	if n.count == maxNarrowed {
		n.full, n.places = true, [3][]int32{}
		return
	}
	n.places[walk] = append(n.places[walk], place)
	n.count++
}
