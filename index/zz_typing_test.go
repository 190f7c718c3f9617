package index

import (
	"strings"
	"unicode/utf8"
	"github.com/notesls/notesls/analysis"
	"runtime"
	"slices"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

func TestZZTyping(t *testing.T) {
	dir := os.Getenv("ZZ_DIR")
	if dir == "" {
		t.Skip()
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.notes"))
	srcs := map[string][]byte{}
	for _, p := range paths {
		src, _ := os.ReadFile(p)
		srcs[p] = src
	}
	edited := filepath.Join(dir, "refs.notes")
	w := NewWorkspace(DefaultConfig())
	w.UpdateMany(srcs)
	for p := range srcs {
		w.Snapshot().DiagnosticsUpTo(p, 1000)
	}
	w.Snapshot().PrepareFindings()
	typed := os.Getenv("ZZ_TYPED")
	src := append([]byte{}, srcs[edited]...)
	if src[len(src)-1] != '\n' {
		src = append(src, '\n')
	}
	var upd, comp, diag []time.Duration
	for i := range typed {
		text := append(append([]byte{}, src...), typed[:i+1]...)
		t0 := time.Now()
		snap, aff := w.Update(edited, text)
		t1 := time.Now()
		snap.CompleteWithoutDocs(edited, len(text))
		t2 := time.Now()
		snap.DiagnosticsUpTo(edited, 1000)
		late := snap.Affected()
		if len(late) > 0 {
			cs := snap.crossFindings()
			nr := snap.near.get(snap.computeNearDuplicates, snap.updateNear)
			t.Logf("%d %q late %v cross %v near %v", i, typed[max(0, i-12):i+1], late, cs.changed, nr.changed)
		}
		t3 := time.Now()
		upd, comp, diag = append(upd, t1.Sub(t0)), append(comp, t2.Sub(t1)), append(diag, t3.Sub(t2))
		if t1.Sub(t0)+t2.Sub(t1) > 2*time.Millisecond {
			t.Logf("%d %q upd %v comp %v diag %v aff %d", i, typed[max(0, i-12):i+1], t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), len(aff))
		}
	}
	for _, l := range [][]time.Duration{upd, comp, diag} {
		sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
		t.Logf("p50 %v p99 %v max %v", l[len(l)/2], l[len(l)*99/100], l[len(l)-1])
	}
}

func TestZZEnter(t *testing.T) {
	dir := os.Getenv("ZZ_DIR")
	if dir == "" {
		t.Skip()
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.notes"))
	srcs := map[string][]byte{}
	for _, p := range paths {
		src, _ := os.ReadFile(p)
		srcs[p] = src
	}
	edited := filepath.Join(dir, os.Getenv("ZZ_FILE"))
	w := NewWorkspace(DefaultConfig())
	w.UpdateMany(srcs)
	for p := range srcs {
		w.Snapshot().DiagnosticsUpTo(p, 1000)
	}
	w.Snapshot().PrepareFindings()
	src := srcs[edited]
	mid := len(src) / 2
	for src[mid] != ' ' {
		mid++
	}
	var ms runtime.MemStats
	for i := range 20 {
		text := src
		if i%2 == 0 {
			text = slices.Concat(src[:mid], []byte("\n"), src[mid:])
		}
		runtime.ReadMemStats(&ms)
		a0 := ms.TotalAlloc
		t0 := time.Now()
		snap, aff := w.Update(edited, text)
		t1 := time.Now()
		runtime.ReadMemStats(&ms)
		a1 := ms.TotalAlloc
		snap.DiagnosticsUpTo(edited, 1000)
		snap.Affected()
		t2 := time.Now()
		runtime.ReadMemStats(&ms)
		t.Logf("%d upd %v (%d KB) diag %v (%d KB) aff %d", i, t1.Sub(t0), (a1-a0)>>10, t2.Sub(t1), (ms.TotalAlloc-a1)>>10, len(aff))
	}
}

func BenchmarkZZEnter(b *testing.B) {
	dir := os.Getenv("ZZ_DIR")
	paths, _ := filepath.Glob(filepath.Join(dir, "*.notes"))
	srcs := map[string][]byte{}
	for _, p := range paths {
		src, _ := os.ReadFile(p)
		srcs[p] = src
	}
	edited := filepath.Join(dir, os.Getenv("ZZ_FILE"))
	w := NewWorkspace(DefaultConfig())
	w.UpdateMany(srcs)
	for p := range srcs {
		w.Snapshot().DiagnosticsUpTo(p, 1000)
	}
	w.Snapshot().PrepareFindings()
	src := srcs[edited]
	mid := len(src) / 2
	for src[mid] != ' ' {
		mid++
	}
	with := slices.Concat(src[:mid], []byte("\n"), src[mid:])
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		text := src
		if i%2 == 0 {
			text = with
		}
		i++
		w.Update(edited, text)
	}
}

func TestZZReach(t *testing.T) {
	dir := os.Getenv("ZZ_DIR")
	if dir == "" {
		t.Skip()
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.notes"))
	srcs := map[string][]byte{}
	for _, p := range paths {
		src, _ := os.ReadFile(p)
		srcs[p] = src
	}
	w := NewWorkspace(DefaultConfig())
	w.UpdateMany(srcs)
	st := w.Snapshot().crossFindings()
	total := 0
	for _, l := range st.broken {
		total += len(l)
	}
	typed := os.Getenv("ZZ_TYPED")
	for i := 1; i <= len(typed); i++ {
		k := analysis.NameKey([]byte(typed[:i]))
		kr := []rune(k)
		f, l := ends(k)
		reach := 0
		for _, list := range st.broken {
			for _, b := range list {
				n := utf8.RuneCountInString(b.key)
				bf, bl := ends(b.key)
				d := suggestDistance(n)
				if strings.Contains(b.key, " -- ") == strings.Contains(k, " -- ") && abs(len(kr)-n) <= d && (bf == f || bl == l) && editDistanceWithin([]rune(b.key), kr, d) <= d {
					reach++
				}
			}
		}
		t.Logf("%q: %d of %d broken refs within reach", k, reach, total)
	}
}
