package index

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/agnivade/levenshtein"
)

func TestOneEditApart(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	alphabet := []rune("aabs é日-")
	word := func() string {
		w := make([]rune, r.IntN(6))
		for i := range w {
			w[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(w)
	}
	for range 200_000 {
		a := word()
		b := []rune(a)
		switch r.IntN(4) { // mostly one edit or two from a
		case 0:
			b = []rune(word())
		default:
			for range 1 + r.IntN(2) {
				i := r.IntN(len(b) + 1)
				c := alphabet[r.IntN(len(alphabet))]
				switch {
				case r.IntN(3) == 0:
					b = slices.Insert(b, i, c)
				case i < len(b) && r.IntN(2) == 0:
					b = slices.Delete(b, i, i+1)
				case i < len(b):
					b[i] = c
				}
			}
		}
		want := levenshtein.ComputeDistance(a, string(b)) == 1
		if got := oneEditApart(a, string(b)); got != want {
			t.Fatalf("oneEditApart(%q, %q) = %v, want %v", a, string(b), got, want)
		}
	}
}
