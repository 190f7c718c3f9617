package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// The progress line of a large workspace read on a terminal: shown at most every 100 ms,
// counting files and megabytes, cleared at the end; never for a small workspace or
// another kind of stderr.
func TestReadProgress(t *testing.T) {
	var out bytes.Buffer
	p := newReadProgress(&out, true, 300)
	p.step(1000) // within the first 100 ms: nothing yet
	if out.Len() != 0 {
		t.Errorf("shown at once: %q", out.String())
	}
	p.last = time.Now().Add(-time.Second)
	p.step(2_500_000)
	if got := out.String(); got != "\rnotesls: reading 2/300 files (2.5 MB)\x1b[K" {
		t.Errorf("after 100 ms: %q", got)
	}
	p.step(10) // within 100 ms of the last: not again
	if strings.Count(out.String(), "reading") != 1 {
		t.Errorf("shown twice within 100 ms: %q", out.String())
	}
	p.done()
	if !strings.HasSuffix(out.String(), "\r\x1b[K") {
		t.Errorf("not cleared at the end: %q", out.String())
	}

	for _, tc := range []struct {
		terminal bool
		files    int
	}{{false, 300}, {true, progressFrom - 1}} {
		var quiet bytes.Buffer
		q := newReadProgress(&quiet, tc.terminal, tc.files)
		q.last = time.Now().Add(-time.Second)
		q.step(100)
		q.done()
		if quiet.Len() != 0 {
			t.Errorf("terminal %v, %d files: %q", tc.terminal, tc.files, quiet.String())
		}
	}
}
