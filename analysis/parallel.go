package analysis

// ParseParallel parses src like Parse, on up to workers goroutines, each taking a part
// of the file cut at a line end. The result is the same as Parse's.
func ParseParallel(src []byte, workers int) *File { return ParseTextParallel(NewText(src), workers) }

// ParseTextParallel is ParseParallel of a text in chunks, which the File keeps. The parts
// are runs of chunks: a line lies inside one.
func ParseTextParallel(t Text, workers int) *File {
	bounds := []int{0} // chunk indexes
	for w := 1; w < workers; w++ {
		cut := t.chunkAt(t.n * w / workers)
		if cut > bounds[len(bounds)-1] {
			bounds = append(bounds, cut)
		}
	}
	bounds = append(bounds, len(t.chunks))
	if len(bounds) <= 2 {
		return ParseText(t)
	}
	bomLen := t.BOMLen()
	// Count each part's lines first, so that every worker parses straight into its part
	// of one table: a table of a million lines is too large to build twice.
	parts := len(bounds) - 1
	counts := make([]int, parts)
	var g Group
	for i := range parts {
		g.Go(func() {
			for k := bounds[i]; k < bounds[i+1]; k++ {
				for range t.linesIn(k, bomLen) {
					counts[i]++
				}
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
	f := newFileSized(t, bomLen, total)
	for i := range parts {
		g.Go(func() {
			var p lineParser
			line := offsets[i]
			for k := bounds[i]; k < bounds[i+1]; k++ {
				for start, text := range t.linesIn(k, bomLen) {
					f.setLine(line, start, p.parseLine(text))
					line++
				}
			}
		})
	}
	g.Wait()
	f.rebase()
	return f
}
