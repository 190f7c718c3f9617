package main

import (
	_ "embed"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// corpus is a copy of testdata/system-design.notes (the embed cannot reach above the
// package directory); a test checks that the two stay equal.
//
//go:embed testdata/system-design.notes
var corpus string

// vocab is what the generator recombines: segment names, definition bodies, URL prefixes
// and qualifiers, all taken from the real corpus.
type vocab struct {
	names      []string // segment names, pairwise far apart (see pruneNearDuplicates)
	keys       map[string]bool
	keyList    []string         // keys of names, same order
	bySkeleton map[string][]int // indices into keyList by skeleton
	byLen      [][]int          // indices into keyList by key length in bytes
	bodies     []string         // definition bodies without URLs or references, brackets balanced
	urls       []string         // URL prefixes ("https://host/first/") to which a slug is added
	qualifiers []string         // trailing parentheticals that are not acronyms
}

// Limits on what counts as a usable segment name: short enough to read as a topic, long
// enough to be a word rather than a fragment.
const (
	minNameLen   = 3
	maxNameLen   = 32
	maxNameWords = 4
	minBodyLen   = 8
	maxBodyLen   = 150
)

var separatorTokens = map[string]bool{"=": true, "==": true, "->": true, "~": true}

func loadVocab() *vocab {
	v := &vocab{keys: map[string]bool{}, bySkeleton: map[string][]int{}}
	names := map[string]string{} // key -> first spelling
	bodies := map[string]bool{}
	urls := map[string]bool{}
	quals := map[string]bool{}
	for _, line := range strings.Split(corpus, "\n") {
		line = strings.TrimRight(line, " \t\r")
		for _, p := range []string{"[ ] ", "[x] ", "[X] "} {
			line = strings.TrimPrefix(line, p)
		}
		toks := strings.Fields(line)
		headEnd, bodyStart := len(toks), len(toks)
		for i, t := range toks {
			if separatorTokens[t] {
				headEnd, bodyStart = i, i+1
				break
			}
			if strings.HasSuffix(t, ":") && !isURL(t) && len(t) > 1 {
				toks[i] = strings.TrimSuffix(t, ":")
				headEnd, bodyStart = i+1, i+1
				break
			}
		}
		for _, t := range toks {
			if isURL(t) {
				if p := urlPrefix(t); p != "" {
					urls[p] = true
				}
			}
		}
		var head []string
		for _, t := range toks[:headEnd] {
			if isURL(t) || strings.Contains(t, "http") {
				break
			}
			if t == "+++" {
				continue
			}
			head = append(head, t)
		}
		for _, seg := range strings.Split(strings.Join(head, " "), " -- ") {
			if q := trailingParen(seg); q != "" && !strings.ContainsAny(q, "\"[]") {
				inner := strings.TrimSuffix(strings.TrimPrefix(q, "("), ")")
				if strings.ToUpper(inner) != inner && len(q) <= 16 {
					quals[q] = true
				}
			}
			name := cleanName(seg)
			if name == "" {
				continue
			}
			k := nameKey(name)
			if _, ok := names[k]; !ok {
				names[k] = name
			}
		}
		if bodyStart < len(toks) {
			if b := cleanBody(toks[bodyStart:]); b != "" {
				bodies[b] = true
			}
		}
	}
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range pruneNearDuplicates(keys) {
		v.names = append(v.names, names[k])
		v.keys[k] = true
		i := len(v.keyList)
		v.keyList = append(v.keyList, k)
		v.bySkeleton[skeleton(k)] = append(v.bySkeleton[skeleton(k)], i)
		for len(v.byLen) <= len(k) {
			v.byLen = append(v.byLen, nil)
		}
		v.byLen[len(k)] = append(v.byLen[len(k)], i)
	}
	v.bodies = sortedKeys(bodies)
	v.urls = sortedKeys(urls)
	v.qualifiers = sortedKeys(quals)
	return v
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func isURL(t string) bool {
	return strings.HasPrefix(t, "https://") || strings.HasPrefix(t, "http://") ||
		strings.HasPrefix(t, "+++http")
}

// urlPrefix keeps the scheme, host and first path segment of a URL.
func urlPrefix(u string) string {
	u = strings.TrimPrefix(u, "+++")
	if !strings.HasPrefix(u, "https://") {
		return ""
	}
	rest := u[len("https://"):]
	parts := strings.SplitN(rest, "/", 3)
	if len(parts) < 2 || parts[0] == "" {
		return ""
	}
	for _, r := range parts[0] + parts[1] {
		if !(r < utf8.RuneSelf && (r == '.' || r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r))) {
			return ""
		}
	}
	if parts[1] == "" {
		return "https://" + parts[0] + "/"
	}
	return "https://" + parts[0] + "/" + parts[1] + "/"
}

func trailingParen(seg string) string {
	seg = strings.TrimSpace(seg)
	if !strings.HasSuffix(seg, ")") {
		return ""
	}
	i := strings.LastIndex(seg, "(")
	if i <= 0 {
		return ""
	}
	return seg[i:]
}

// cleanName turns a corpus segment into a bare name: no ordinal, gloss or parenthetical,
// letters and a few joiners only.
func cleanName(seg string) string {
	seg = strings.TrimSpace(seg)
	if i := strings.IndexAny(seg, "(\""); i >= 0 {
		seg = strings.TrimSpace(seg[:i])
	}
	// Drop an ordinal prefix: 1, 01, 01b, 1.
	if i := strings.IndexByte(seg, ' '); i > 0 && seg[0] >= '0' && seg[0] <= '9' {
		seg = strings.TrimSpace(seg[i+1:])
	}
	if len(seg) < minNameLen || len(seg) > maxNameLen || len(strings.Fields(seg)) > maxNameWords {
		return ""
	}
	if strings.Contains(seg, "--") || strings.Contains(seg, "  ") {
		return ""
	}
	for i, r := range seg {
		ok := r < utf8.RuneSelf && (unicode.IsLetter(r) || r == ' ' || r == '-' || r == '/')
		if !ok {
			return ""
		}
		if (i == 0 || i == len(seg)-1) && !unicode.IsLetter(r) {
			return ""
		}
	}
	k := nameKey(seg)
	if k == "see" || k == "see also" || k == "vs" {
		return ""
	}
	return seg
}

// cleanBody keeps a definition body that carries no defect by itself: URLs, references and
// importance markers are dropped, and brackets and ASCII quotes must balance.
func cleanBody(toks []string) string {
	var kept []string
	for _, t := range toks {
		if isURL(t) || strings.Contains(t, "http") || t == "+++" {
			continue
		}
		kept = append(kept, t)
	}
	b := strings.Join(kept, " ")
	if len(b) < minBodyLen || len(b) > maxBodyLen || strings.Contains(b, "[[") || strings.Contains(b, "]]") {
		return ""
	}
	if strings.ContainsAny(b[:1], "=-:~[(") || strings.ContainsAny(b[len(b)-1:], "=:-~") {
		return ""
	}
	for _, r := range b {
		if r < ' ' || r == 0x7f || r == utf8.RuneError {
			return ""
		}
	}
	if !balanced(b) {
		return ""
	}
	return b
}

// balanced reports whether (), [] nest properly and ASCII quotes come in pairs.
func balanced(s string) bool {
	var stack []byte
	quotes := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '(', '[':
			stack = append(stack, c)
		case ')', ']':
			want := byte('(')
			if c == ']' {
				want = '['
			}
			if len(stack) == 0 || stack[len(stack)-1] != want {
				return false
			}
			stack = stack[:len(stack)-1]
		case '"':
			quotes++
		}
	}
	return len(stack) == 0 && quotes%2 == 0
}

// nameKey is a name lowercased with white space collapsed, as the spec defines keys.
func nameKey(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// skeleton keeps only letters and digits, lowercased: two names with the same skeleton are
// near-duplicates.
func skeleton(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sameSkeleton is skeleton(a) == skeleton(b) without building either.
func sameSkeleton(a, b string) bool {
	next := func(s string, i int) (rune, int) {
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			i += n
			if r = unicode.ToLower(r); unicode.IsLetter(r) || unicode.IsDigit(r) {
				return r, i
			}
		}
		return -1, i
	}
	i, j := 0, 0
	for {
		var ra, rb rune
		ra, i = next(a, i)
		rb, j = next(b, j)
		if ra != rb {
			return false
		}
		if ra < 0 {
			return true
		}
	}
}

// tooClose reports whether two names could be taken for near-duplicates by any reading of
// the rule, so that the clean vocabulary never produces one: same skeleton, edit distance
// 1 at any length, or a plural of the other.
func tooClose(a, b string) bool {
	return sameSkeleton(a, b) || closeSpelling(a, b)
}

// maxCloseLenDiff is the largest difference in length at which closeSpelling can hold:
// one edit changes the length by at most 1, a plural ending by at most 2; 3 keeps the
// bound the rule has always had.
const maxCloseLenDiff = 3

// closeSpelling is tooClose without the skeleton test: edit distance at most 1, or a
// plural of the other.
func closeSpelling(a, b string) bool {
	if abs(len(a)-len(b)) > maxCloseLenDiff {
		return false
	}
	return withinOneEdit(a, b) || isPlural(a, b) || isPlural(b, a)
}

// isPlural reports whether y is x with s, es, or y turned into ies.
func isPlural(x, y string) bool {
	if stem, ok := strings.CutPrefix(y, x); ok {
		return stem == "s" || stem == "es"
	}
	x, ok := strings.CutSuffix(x, "y")
	return ok && len(y) == len(x)+3 && strings.HasPrefix(y, x) && y[len(x):] == "ies"
}

// clashes reports whether key is too close to a vocabulary name other than names[except].
// It looks only where tooClose can hold: the names of the same skeleton, and those whose
// length is within maxCloseLenDiff of the key's, so that a call costs a few dozen short
// comparisons rather than one per name (the misspelling search makes many calls).
func (v *vocab) clashes(key string, except int) bool {
	for _, i := range v.bySkeleton[skeleton(key)] {
		if i != except {
			return true
		}
	}
	for n := max(0, len(key)-maxCloseLenDiff); n <= len(key)+maxCloseLenDiff && n < len(v.byLen); n++ {
		for _, i := range v.byLen[n] {
			if i != except && closeSpelling(key, v.keyList[i]) {
				return true
			}
		}
	}
	return false
}

// pruneNearDuplicates keeps, in order, each key that is not too close to a kept one.
func pruneNearDuplicates(keys []string) []string {
	var kept []string
	for _, k := range keys {
		ok := true
		for _, o := range kept {
			if tooClose(k, o) {
				ok = false
				break
			}
		}
		if ok {
			kept = append(kept, k)
		}
	}
	return kept
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// withinOneEdit reports whether the edit distance in bytes between a and b is at most 1
// (names here are ASCII): equal, one byte substituted, or one byte inserted.
func withinOneEdit(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		return i == len(a) || a[i+1:] == b[i+1:]
	}
	return a[i:] == b[i+1:]
}

// acronym gives the leading letters of a name's words in upper case ("" for one word):
// an alias by the spec's rule.
func acronym(name string) string {
	words := strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == '-' || r == '/' })
	if len(words) < 2 {
		return ""
	}
	var b strings.Builder
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsLetter(r) {
			return ""
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}
