//go:build unix

package main

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// cpuTime reads what getrusage tells of the same process, to the tick.
func TestCPUTimeOfThisProcess(t *testing.T) {
	usage := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			t.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := usage()
	for usage()-start < 200*time.Millisecond { // spend CPU, not wall time
	}
	got, err := cpuTime(os.Getpid())
	want := usage()
	if err != nil {
		t.Fatal(err)
	}
	if d := got - want; d < -30*time.Millisecond || d > 30*time.Millisecond {
		t.Errorf("cpuTime = %v, getrusage %v", got, want)
	}
}
