package index

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
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

// nearMessages returns the near-duplicate messages of a one-file workspace, by the line
// and text of the name they are on.
func nearMessages(t *testing.T, src string) map[string]string {
	t.Helper()
	snap := NewWorkspace(DefaultConfig()).UpdateMany(map[string][]byte{"a.notes": []byte(src)})
	out := map[string]string{}
	for _, d := range snap.Diagnostics("a.notes") {
		if d.Rule == "near-duplicate" {
			k := fmt.Sprintf("%d %s", lineOf([]byte(src), d.Span.Start), src[d.Span.Start:d.Span.End])
			if _, dup := out[k]; dup {
				t.Errorf("two findings on %s", k)
			}
			out[k] = d.Message
			// A related location for each spelling named, and for each form named of one
			// written in several.
			if n := len(d.Related); n == 0 || n > maxNearShown*maxNearShown {
				t.Errorf("%s: %d related locations", k, len(d.Related))
			}
		}
	}
	return out
}

func TestNearDuplicateMessages(t *testing.T) {
	got := nearMessages(t, "load shedding\nload-shedding\nloadshedding\nload sheding\nzz\n")
	want := map[string]string{
		"1 load shedding": `"load-shedding" (line 2, the same once spaces and punctuation are removed), "loadshedding" (line 3, the same once spaces and punctuation are removed) and "load sheding" (line 4, one letter apart) look like the same name`,
		"2 load-shedding": `"load shedding" (line 1, the same once spaces and punctuation are removed) and "loadshedding" (line 3, the same once spaces and punctuation are removed) look like the same name`,
		"3 loadshedding":  `"load shedding" (line 1, the same once spaces and punctuation are removed) and "load-shedding" (line 2, the same once spaces and punctuation are removed) look like the same name`,
		"4 load sheding":  `"load shedding" (line 1) looks like the same name: one letter apart`,
	}
	if !maps.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}

	// More than maxNearShown: the closest first, then by name, and a count.
	got = nearMessages(t, "a-bcdefghij\nab-cdefghij\nabc-defghij\nabcd-efghij\nabcdefghij\nabcdefghijs\n")
	if m := got["5 abcdefghij"]; m != `"a-bcdefghij" (line 1, the same once spaces and punctuation are removed), "ab-cdefghij" (line 2, the same once spaces and punctuation are removed), "abc-defghij" (line 3, the same once spaces and punctuation are removed) and 2 more look like the same name` {
		t.Errorf("five near-duplicates: %q", m)
	}

	// A group larger than the window: each name compared with nearWindow on either side.
	var b strings.Builder
	for i := range 3 * nearWindow {
		fmt.Fprintf(&b, "wordlist%c\n", rune(0x4e00+i))
	}
	got = nearMessages(t, b.String())
	if len(got) != 3*nearWindow {
		t.Fatalf("%d findings for %d names", len(got), 3*nearWindow)
	}
	first, middle := got[fmt.Sprintf("1 wordlist%c", rune(0x4e00))], got[fmt.Sprintf("%d wordlist%c", 3*nearWindow/2, rune(0x4e00+3*nearWindow/2-1))]
	if !strings.HasSuffix(first, fmt.Sprintf(" and at least %d more look like the same name", nearWindow-maxNearShown)) ||
		!strings.HasSuffix(middle, fmt.Sprintf(" and at least %d more look like the same name", 2*nearWindow-maxNearShown)) {
		t.Errorf("a large group:\n%s\n%s", first, middle)
	}
}

// TestNearDuplicatesByBareName: names that differ only in their ordinal are one name.
// A misspelling of it gets one finding, naming the bare name once with the lines of its
// forms; the forms, more than the misspelling's, get none; equal counts of forms report
// on both sides, at each side's first form in key order.
func TestNearDuplicatesByBareName(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      map[string]string
	}{
		{"the issue's case", "topic -- 01 Consistency = x\ntopic -- 1. Consistency = y\ntopic -- 2 Consistency = z\ntopic -- Consistensy = w\n",
			map[string]string{"4 Consistensy": `"Consistency" (lines 1, 2, 3) looks like the same name: one letter apart`}},
		{"with the bare form too", "01 Consistency\nConsistensy\n1. Consistency\n2 Consistency\nConsistency\n",
			map[string]string{"2 Consistensy": `"Consistency" (lines 1, 3, 4 and 1 more) looks like the same name: one letter apart`}},
		{"one numbered form each way", "1 Consistency\nConsistensy\n",
			map[string]string{
				"1 1 Consistency": `"Consistensy" (line 2) looks like the same name: one letter apart`,
				"2 Consistensy":   `"1 Consistency" (line 1) looks like the same name: one letter apart`,
			}},
		{"two forms each side", "1 Consistency\n2 Consistency\n1 Consistensy\n2 Consistensy\n",
			map[string]string{
				"1 1 Consistency": `"Consistensy" (lines 3, 4) looks like the same name: one letter apart`,
				"3 1 Consistensy": `"Consistency" (lines 1, 2) looks like the same name: one letter apart`,
			}},
		{"more forms than the other side", "1 Consistency\n2 Consistency\n3 Consistency\n1 Consistensy\n2 Consistensy\n",
			map[string]string{"4 1 Consistensy": `"Consistency" (lines 1, 2, 3) looks like the same name: one letter apart`}},
		{"among other near-duplicates", "1 load shedding\n2 load shedding\nload-shedding\nload sheding\nload-sheding\n",
			map[string]string{
				"3 load-shedding": `"load shedding" (lines 1, 2, the same once spaces and punctuation are removed) and "load-sheding" (line 5, one letter apart) look like the same name`,
				"4 load sheding":  `"load-sheding" (line 5, the same once spaces and punctuation are removed) and "load shedding" (lines 1, 2, one letter apart) look like the same name`,
				"5 load-sheding":  `"load sheding" (line 4, the same once spaces and punctuation are removed) and "load-shedding" (line 3, one letter apart) look like the same name`,
			}},
		{"numbered plurals side by side", "1 incident\n1 incidents\n2 incident\n",
			map[string]string{"2 1 incidents": `"incident" (lines 1, 3) looks like the same name: singular and plural of one name`}},
		{"siblings only", "1 Consistency\n2 Consistency\n01 Consistency\n", map[string]string{}},
	} {
		if got := nearMessages(t, tc.src); !maps.Equal(got, tc.want) {
			t.Errorf("%s:\ngot  %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

// TestNearDuplicatesOncePerName: the dense names give one finding a name, whatever the
// number of near-duplicates.
func TestNearDuplicatesOncePerName(t *testing.T) {
	src := hostileDense(1)
	names := bytes.Count(src, []byte("\n"))
	got := nearMessages(t, string(src))
	if len(got) != names {
		t.Fatalf("%d findings for %d names", len(got), names)
	}
	for k, m := range got {
		if !strings.HasSuffix(m, " and 60 more look like the same name") {
			t.Fatalf("%s: %s", k, m)
		}
	}
}

// hostileNames is a pool of names that crowd into groups: a group larger than the window,
// many spellings of one skeleton, names past maxTypoRunes one letter or one hyphen apart,
// plurals, numbered siblings, and ordinary names.
func hostileNames() []string {
	var names []string
	for i := range 2*nearWindow + 8 {
		names = append(names, fmt.Sprintf("wordlist%c", rune(0x4e00+i)))
	}
	base := "abcdefghij"
	for i := 1; i < len(base); i++ {
		names = append(names, base[:i]+"-"+base[i:], base[:i]+" "+base[i:])
		for j := i + 1; j < len(base); j++ {
			names = append(names, base[:i]+"-"+base[i:j]+"-"+base[j:])
		}
	}
	long := strings.Repeat("lorem ipsum ", 6) + "dolor"
	names = append(names, long, long+"s", strings.Replace(long, "dolor", "dolar", 1), strings.Replace(long, " ", "-", 1), long+" x")
	names = append(names, "incident", "incidents", "webhook", "webhooks", "1 learning 01", "2 learning 01", "learning 02", "best practices", "best practicies", "Consistency", "Consistensy")
	return names
}

// TestHostileEditsAgainstFreshIndex edits crowded names at random, whole lines in and
// out and in place, in two files, and compares the findings with a fresh index; some
// snapshots are skipped, so that the near-duplicate state chains over several edits.
func TestHostileEditsAgainstFreshIndex(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			hostileEditsAgainstFresh(t, seed)
		})
	}
}

func hostileEditsAgainstFresh(t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 200))
	pool := hostileNames()
	ordinals := []string{"01 ", "1. ", "2 ", "3b ", "10 "}
	often := 11 // the plurals, siblings and typos at the end of the pool
	line := func() string {
		name := pool[r.IntN(len(pool))]
		if r.IntN(3) == 0 {
			name = pool[len(pool)-often+r.IntN(often)]
		}
		if r.IntN(3) == 0 { // one name in several numbered forms, often
			name = ordinals[r.IntN(len(ordinals))] + name
		}
		switch r.IntN(4) {
		case 0:
			return "topic -- " + name + " = x"
		case 1:
			return name + " -- child"
		}
		return name + " = x"
	}
	files := map[string][]string{"a.notes": nil, "b.notes": nil}
	for range 3 * len(pool) / 4 {
		files["a.notes"] = append(files["a.notes"], line())
	}
	for range 20 {
		files["b.notes"] = append(files["b.notes"], line())
	}
	// Names no edit touches, so that the lookup's layers pile up before a rebuild.
	for i := range 600 {
		files["c.notes"] = append(files["c.notes"], fmt.Sprintf("filler %c%c%c", 'a'+i%26, 'a'+i/26%26, 'k'+i%7))
	}
	srcs := func() map[string][]byte {
		out := map[string][]byte{}
		for p, lines := range files {
			out[p] = []byte(strings.Join(lines, "\n") + "\n")
		}
		return out
	}
	w := NewWorkspace(DefaultConfig())
	w.UpdateMany(srcs())
	for i := range 300 {
		p := "a.notes"
		if r.IntN(5) == 0 {
			p = "b.notes"
		}
		lines := files[p]
		at := r.IntN(len(lines) + 1)
		switch op := r.IntN(10); {
		case op < 3 && len(lines) > 2: // a line out
			lines = slices.Delete(lines, min(at, len(lines)-1), min(at, len(lines)-1)+1)
		case op < 6 || len(lines) <= 2: // a line in
			lines = slices.Insert(lines, at, line())
		case op < 7: // a line split: a name cut in two
			at = min(at, len(lines)-1)
			cut := r.IntN(len(lines[at]) + 1)
			for cut < len(lines[at]) && lines[at][cut]&0xc0 == 0x80 {
				cut++
			}
			lines = slices.Replace(lines, at, at+1, lines[at][:cut], lines[at][cut:])
		default: // a line replaced in place
			lines[min(at, len(lines)-1)] = line()
		}
		files[p] = lines
		snap, _ := w.Update(p, srcs()[p])
		if r.IntN(3) == 0 {
			continue // not computed: the next snapshot follows several edits at once
		}
		fresh := NewWorkspace(DefaultConfig()).UpdateMany(srcs())
		for _, q := range []string{"a.notes", "b.notes"} {
			if got, want := renderDiagnostics(snap, q), renderDiagnostics(fresh, q); got != want {
				t.Fatalf("seed %d edit %d: %s differs from a fresh index:\n%s", seed, i, q, lineDiff(got, want))
			}
		}
	}
}
