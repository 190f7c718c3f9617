package analysis

import (
	"bytes"
)

// ParseParallel parses src like Parse, on up to workers goroutines, each taking a part
// of the file cut at a line end. The result is the same as Parse's.
func ParseParallel(src []byte, workers int) *File {
	start := 0
	if bytes.HasPrefix(src, bom) {
		start = len(bom)
	}
	bounds := []int{start}
	for w := 1; w < workers; w++ {
		cut := start + (len(src)-start)*w/workers
		nl := bytes.IndexByte(src[cut:], '\n')
		if nl < 0 {
			break
		}
		cut += nl + 1
		if cut > bounds[len(bounds)-1] && cut < len(src) {
			bounds = append(bounds, cut)
		}
	}
	bounds = append(bounds, len(src))
	if len(bounds) <= 2 {
		return Parse(src)
	}
	// Count each part's lines first, so that every worker parses straight into its part
	// of one table: a table of a million lines is too large to build twice.
	parts := len(bounds) - 1
	counts := make([]int, parts)
	var g Group
	for i := range parts {
		g.Go(func() {
			for at := bounds[i]; at < bounds[i+1]; counts[i]++ {
				_, at = LineEnd(src, at)
			}
		})
	}
	g.Wait()
	total := 0
	offsets := make([]int, parts)
	for i, c := range counts {
		offsets[i] = total
		total += c
	}
	f := newFileSized(src, start, total)
	for i := range parts {
		g.Go(func() {
			var p lineParser
			at := bounds[i]
			for k := range counts[i] {
				end, next := LineEnd(src, at)
				f.setLine(offsets[i]+k, at, p.parseLine(src[at:end]))
				at = next
			}
		})
	}
	g.Wait()
	f.rebase()
	return f
}
