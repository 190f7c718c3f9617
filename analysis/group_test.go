package analysis

import (
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

func TestGroupRaisesAWorkersPanicInWait(t *testing.T) {
	var g Group
	var done atomic.Int32
	for i := range 4 {
		g.Go(func() {
			if i == 2 {
				panic("part 2 is broken")
			}
			done.Add(1)
		})
	}
	defer func() {
		r := recover()
		p, ok := r.(*WorkerPanic)
		if !ok {
			t.Fatalf("Wait raised %v (%T), want a *WorkerPanic", r, r)
		}
		if p.Value != "part 2 is broken" || !strings.Contains(p.String(), "group_test.go") {
			t.Errorf("panic %q, want the worker's value and its stack", p.String())
		}
		if done.Load() != 3 {
			t.Errorf("%d other workers finished, want 3: Wait must wait for all", done.Load())
		}
	}()
	g.Wait()
	t.Fatal("Wait returned after a worker panicked")
}

func TestGroupWithoutPanic(t *testing.T) {
	var g Group
	var n atomic.Int32
	for range 8 {
		g.Go(func() { n.Add(1) })
	}
	g.Wait()
	if n.Load() != 8 {
		t.Errorf("%d ran, want 8", n.Load())
	}
}

func TestEachCallsEveryIndexOnceAndRaisesAPanic(t *testing.T) {
	seen := make([]atomic.Int32, 1000)
	Each(len(seen), func(i int) { seen[i].Add(1) })
	for i := range seen {
		if n := seen[i].Load(); n != 1 {
			t.Fatalf("index %d called %d times, want once", i, n)
		}
	}
	var done atomic.Int32
	defer func() {
		if p, ok := recover().(*WorkerPanic); !ok || p.Value != "index 3" {
			t.Fatalf("Each raised %v, want the panic of index 3", p)
		}
		if runtime.GOMAXPROCS(0) > 1 && done.Load() != 99 {
			t.Errorf("%d of the other 99 indexes done: the workers left must finish them", done.Load())
		}
	}()
	Each(100, func(i int) {
		if i == 3 {
			panic("index 3")
		}
		done.Add(1)
	})
	t.Fatal("Each returned after a panic")
}
