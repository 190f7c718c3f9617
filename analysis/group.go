package analysis

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// A Group runs functions on goroutines of their own and waits for them, as a
// sync.WaitGroup does, except that a panic in one of them is raised again by Wait, on the
// goroutine that waits. A panic on a goroutine of its own ends the process; raised where
// the caller waits, it reaches the caller's recover, and a server answers the request
// that hit it with an error and goes on serving. The zero Group is ready to use.
type Group struct {
	wg       sync.WaitGroup
	mu       sync.Mutex
	panicked *WorkerPanic // the first
}

// A WorkerPanic is a panic raised on one of a Group's goroutines, with that goroutine's
// stack: the stack of the goroutine that raises it again says only where it waited.
type WorkerPanic struct {
	Value any
	Stack []byte
}

func (p *WorkerPanic) String() string {
	return fmt.Sprintf("%v\n\nworker goroutine:\n%s", p.Value, p.Stack)
}

// Go runs f on a new goroutine.
func (g *Group) Go(f func()) {
	g.wg.Go(func() {
		defer func() {
			if r := recover(); r != nil {
				g.mu.Lock()
				if g.panicked == nil {
					g.panicked = &WorkerPanic{Value: r, Stack: debug.Stack()}
				}
				g.mu.Unlock()
			}
		}()
		f()
	})
}

// Each calls f(i) for every i in [0, n) on up to GOMAXPROCS goroutines, and raises the
// first panic among them, as Wait does. The goroutines take the next i by number rather
// than from a channel: one that panics stops, and the others finish every i, with no
// sender left blocked.
func Each(n int, f func(i int)) {
	var next atomic.Int64
	var g Group
	for range min(runtime.GOMAXPROCS(0), n) {
		g.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				f(i)
			}
		})
	}
	g.Wait()
}

// Wait waits for every function Go started, then raises the first panic among them, if
// any.
func (g *Group) Wait() {
	g.wg.Wait()
	g.mu.Lock()
	p := g.panicked
	g.mu.Unlock()
	if p != nil {
		panic(p)
	}
}
