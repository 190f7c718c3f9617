package index

import (
	"fmt"
	"maps"
	"testing"
)

// describe renders a table's topics by key.
func (t *topicTable) describe() map[string]topic {
	out := map[string]topic{}
	for k, r := range t.all() {
		out[k] = *r
	}
	return out
}

// TestTopicTableVersions: a clone changes, adds, deletes, shifts and compacts records
// without the table it came from seeing any of it.
func TestTopicTableVersions(t *testing.T) {
	const n = 5*listChunk + 7
	base := newTopicTable(n)
	want := map[string]topic{}
	for i := range n {
		k := fmt.Sprint("topic ", i)
		rec := topic{first: int32(i), entry: int32(i), uses: 1}
		if i%3 == 0 {
			rec.entry = -1
		}
		base.add(k, rec)
		want[k] = rec
	}
	before := maps.Clone(want)

	next := base.clone()
	next.own("topic 5").uses = 9
	want["topic 5"] = topic{first: 5, entry: 5, uses: 9}
	next.add("new", topic{first: 3, entry: -1, uses: 1})
	want["new"] = topic{first: 3, entry: -1, uses: 1}
	next.shift(n/2, 3)
	for k, r := range want {
		if r.first >= n/2 {
			r.first += 3
		}
		if r.entry >= n/2 {
			r.entry += 3
		}
		want[k] = r
	}
	for i := range n {
		if i%4 != 0 {
			k := fmt.Sprint("topic ", i)
			next.del(k)
			delete(want, k)
		}
	}
	if got := next.describe(); !maps.Equal(got, want) {
		t.Errorf("the changed clone holds %d topics, want %d (or records differ)", len(got), len(want))
	}
	compact := next.compacted()
	if compact.recs.len() != len(want) || compact.holes != 0 {
		t.Errorf("compacted: %d records with %d holes, want %d and none", compact.recs.len(), compact.holes, len(want))
	}
	if got := compact.describe(); !maps.Equal(got, want) {
		t.Error("compacting changed the topics")
	}
	if got := base.describe(); !maps.Equal(got, before) {
		t.Error("the original table changed under its clone")
	}
}
