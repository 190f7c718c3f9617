package main

import (
	"strings"
	"testing"
)

// levenshtein is the edit distance in bytes, the plain dynamic program: the reference
// withinOneEdit is checked against.
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func FuzzWithinOneEditIsLevenshteinOne(f *testing.F) {
	for _, s := range [][2]string{{"", ""}, {"a", ""}, {"abc", "abd"}, {"abc", "ac"}, {"abc", "cab"}, {"load balancer", "load-balancer"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if got, want := withinOneEdit(a, b), levenshtein(a, b) <= 1; got != want {
			t.Fatalf("withinOneEdit(%q, %q) = %v, levenshtein %d", a, b, got, levenshtein(a, b))
		}
	})
}

// pluralRef is the plural test as first written.
func pluralRef(x, y string) bool {
	return x+"s" == y || x+"es" == y || (strings.HasSuffix(x, "y") && x[:len(x)-1]+"ies" == y)
}

func FuzzCloseSpellingParts(f *testing.F) {
	for _, s := range [][2]string{{"", ""}, {"key", "keys"}, {"box", "boxes"}, {"policy", "policies"}, {"y", "ies"}, {"a-b c", "ABC"}, {"Ünïcode", "unicode"}, {"\xff", "\xfe"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if got, want := isPlural(a, b), pluralRef(a, b); got != want {
			t.Fatalf("isPlural(%q, %q) = %v, want %v", a, b, got, want)
		}
		if got, want := sameSkeleton(a, b), skeleton(a) == skeleton(b); got != want {
			t.Fatalf("sameSkeleton(%q, %q) = %v, want %v", a, b, got, want)
		}
	})
}

// TestClashesIsTheFullScan checks the indexed clashes against tooClose with every name,
// on the misspellings the generator tries: letters dropped, doubled and changed, hyphens.
func TestClashesIsTheFullScan(t *testing.T) {
	v := vocabulary
	full := func(key string, except int) bool {
		for i, k := range v.keyList {
			if i != except && tooClose(key, k) {
				return true
			}
		}
		return false
	}
	checked, clashing := 0, 0
	for i, k := range v.keyList {
		cands := []string{k, strings.Replace(k, " ", "-", 1), strings.ReplaceAll(k, " ", ""), k + "s", k + "es"}
		for j := 1; j < len(k); j++ {
			cands = append(cands, k[:j]+k[j+1:], k[:j]+k[j:j+1]+k[j:], k[:j]+"x"+k[j+1:])
		}
		for _, c := range cands {
			for _, except := range []int{i, -1} {
				got, want := v.clashes(c, except), full(c, except)
				if got != want {
					t.Fatalf("clashes(%q, %d) = %v, the full scan says %v", c, except, got, want)
				}
				checked++
				if got {
					clashing++
				}
			}
		}
	}
	if clashing == 0 || clashing == checked {
		t.Fatalf("%d of %d candidates clash: the test tells nothing", clashing, checked)
	}
}
