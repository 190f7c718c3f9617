package analysis

import "bytes"

// CommonPrefix returns the length of the longest common prefix of a[from:to] and
// b[from:to] (to is cut to the shorter text), compared a piece at a time: pieces the two
// versions share compare at once.
func CommonPrefix(a, b Text, from, to int) int {
	to = min(to, a.Len(), b.Len())
	n := 0
	for at := from; at < to; {
		pa, pb := a.Piece(at), b.Piece(at)
		k := min(len(pa), len(pb), to-at)
		same := commonPrefixBytes(pa[:k], pb[:k])
		n += same
		if same < k {
			break
		}
		at += k
	}
	return n
}

// CommonSuffix returns the length of the longest common suffix of a[from:aEnd] and
// b[from:bEnd], compared a piece at a time.
func CommonSuffix(a, b Text, aEnd, bEnd, from int) int {
	n := 0
	for aEnd-n > from && bEnd-n > from {
		pa, pb := a.PieceBefore(aEnd-n), b.PieceBefore(bEnd-n)
		k := min(len(pa), len(pb), aEnd-n-from, bEnd-n-from)
		same := commonSuffixBytes(pa[len(pa)-k:], pb[len(pb)-k:])
		n += same
		if same < k {
			break
		}
	}
	return n
}

// commonPrefixBytes returns the length of the longest common prefix of a and b. It
// compares large blocks first: an edit in a 10 MB file is found in well under a
// millisecond.
func commonPrefixBytes(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for block := 1 << 16; block >= 8; block >>= 4 {
		for i+block <= n && bytes.Equal(a[i:i+block], b[i:i+block]) {
			i += block
		}
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// commonSuffixBytes returns the length of the longest common suffix of a and b.
func commonSuffixBytes(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for block := 1 << 16; block >= 8; block >>= 4 {
		for i+block <= n && bytes.Equal(a[len(a)-i-block:len(a)-i], b[len(b)-i-block:len(b)-i]) {
			i += block
		}
	}
	for i < n && a[len(a)-1-i] == b[len(b)-1-i] {
		i++
	}
	return i
}
