package index

import (
	"maps"
	"slices"

	"github.com/notesls/notesls/analysis"
)

// updateTopics brings the topic tables, shared with the previous version, up to date
// after lines [c.From, c.OldTo) of old were replaced by lines [c.From, c.To): it takes
// copies of the tables (the large ones share their shards and chunks until they change
// one; the list of top-level topics, 6,000 at 100,000 lines, is copied only when a
// top-level topic comes or goes), undoes the old lines, moves the line numbers after
// them, and applies the new lines, copying every record and list it changes, so that the
// previous version stays as it was. The result is what indexTopics would build, at the cost of the changed
// lines and of the parts of the tables they touch.
func (fi *fileIndex) updateTopics(old *analysis.File, c *lineChange) {
	fi.topics = fi.topics.clone()
	fi.children = fi.children.clone()
	fi.lastSeg = fi.lastSeg.clone()
	fi.aliases = maps.Clone(fi.aliases)
	fi.topicAliases = fi.topicAliases.clone()
	fi.moreEntries = fi.moreEntries.clone()
	u := topicUpdate{fi: fi, touched: map[string]int16{},
		lostFirst: map[string]bool{}, foundFirst: map[string]bool{}, aliasKeys: map[string]bool{}}
	for i := c.From; i < c.OldTo; i++ {
		u.removeLine(old, i, c)
	}
	if delta := int32(c.To - c.OldTo); delta != 0 {
		u.shift(int32(c.OldTo), delta)
	}
	for i := c.From; i < c.To; i++ {
		u.addLine(i)
	}
	u.settle(c)
	fi.topics = fi.topics.compacted()
}

type topicUpdate struct {
	fi      *fileIndex
	touched map[string]int16 // topic key -> depth, for every topic of a changed line
	// lostFirst holds the topics whose first line was replaced; foundFirst those of them
	// that the new lines gave a first line again.
	lostFirst, foundFirst map[string]bool
	// aliasKeys holds the alias keys the new lines gave a touched topic; with those of the
	// aliases the topics had, they are where settle finds the touched topics' aliases.
	aliasKeys map[string]bool
}

// own returns the topic of key in a record this update may change, or nil.
func (u *topicUpdate) own(key string) *topic { return u.fi.topics.own(key) }

func (u *topicUpdate) removeLine(f *analysis.File, i int, c *lineChange) {
	l := f.Line(i)
	if len(l.Segments) == 0 {
		return
	}
	text := f.LineText(i)
	for s := range l.Segments {
		key := l.TopicKey(s)
		u.touched[key] = int16(s)
		t := u.own(key)
		t.uses--
		if t.first >= int32(c.From) && t.first < int32(c.OldTo) {
			u.lostFirst[key] = true
		}
		if a := l.Alias(s); !a.IsZero() {
			ak := analysis.NameKey(text[a.Start:a.End])
			u.fi.aliases[ak] = slices.DeleteFunc(slices.Clone(u.fi.aliases[ak]), func(x alias) bool {
				return x.line == int32(i) && x.topic == key
			})
			if len(u.fi.aliases[ak]) == 0 {
				delete(u.fi.aliases, ak)
			}
		}
	}
	t := u.own(l.Key)
	if t.entry == int32(i) {
		t.entry = -1
	}
	u.fi.moreEntries.remove(l.Key, int32(i))
}

func (u *topicUpdate) addLine(i int) {
	f := u.fi.ast
	l := f.Line(i)
	if len(l.Segments) == 0 {
		return
	}
	text := f.LineText(i)
	parent := ""
	for s := range l.Segments {
		key := l.TopicKey(s)
		u.touched[key] = int16(s)
		t := u.own(key)
		if t == nil {
			t = u.fi.topics.add(key, topic{first: int32(i), entry: -1, seg: int16(s)})
			u.fi.lastSeg.add(l.SegmentKey(s), key) // put in order by settle
			if s == 0 {
				u.fi.roots = append(slices.Clip(u.fi.roots), key) // shared with the version before
			} else {
				u.fi.children.set(parent, append(slices.Clip(u.fi.children.get(parent)), key))
			}
		}
		t.uses++
		if u.lostFirst[key] && !u.foundFirst[key] {
			t.first, u.foundFirst[key] = int32(i), true // the new lines come in order
		} else {
			t.first = min(t.first, int32(i))
		}
		if a := l.Alias(s); !a.IsZero() {
			ak := analysis.NameKey(text[a.Start:a.End])
			u.aliasKeys[ak] = true
			rec := alias{topic: key, text: string(text[a.Start:a.End]), line: int32(i)}
			recs := slices.Clone(u.fi.aliases[ak])
			at, _ := slices.BinarySearchFunc(recs, rec.line, func(x alias, line int32) int { return int(x.line - line) })
			u.fi.aliases[ak] = slices.Insert(recs, at, rec)
		}
		parent = key
	}
	t := u.own(l.Key)
	switch {
	case t.entry < 0:
		t.entry = int32(i)
	case int32(i) < t.entry:
		u.fi.moreEntries.add(l.Key, t.entry)
		t.entry = int32(i)
	default:
		u.fi.moreEntries.add(l.Key, int32(i))
	}
}

// shift adds delta to every line number from `from` on: first lines, entries, aliases.
func (u *topicUpdate) shift(from, delta int32) {
	// A topic that lost its first line had it among the replaced lines, before from.
	u.fi.topics.shift(from, delta)
	u.fi.moreEntries.shift(from, delta)
	for ak, recs := range u.fi.aliases {
		if slices.ContainsFunc(recs, func(a alias) bool { return a.line >= from }) {
			moved := slices.Clone(recs)
			for i := range moved {
				if moved[i].line >= from {
					moved[i].line += delta
				}
			}
			u.fi.aliases[ak] = moved
		}
	}
}

// settle removes the topics no line uses any more, finds the first line and the first
// entry of the topics whose first line changed, and restores the order of the lists
// that depend on first lines.
func (u *topicUpdate) settle(c *lineChange) {
	f := u.fi.ast
	for key := range u.touched {
		for _, text := range u.fi.topicAliases.get(key) {
			u.aliasKeys[analysis.NameKey([]byte(text))] = true
		}
	}
	names := map[string]bool{}
	for key, depth := range u.touched {
		t := u.fi.topics.get(key)
		if t == nil {
			continue
		}
		name := lastSegment(key)
		names[name] = true
		if t.uses == 0 {
			u.fi.topics.del(key)
			u.fi.moreEntries.drop(key)
			u.fi.topicAliases.del(key)
			u.fi.children.del(key) // its children are gone too: they used it
			if depth == 0 {
				u.fi.roots = slices.DeleteFunc(slices.Clone(u.fi.roots), func(k string) bool { return k == key })
			} else {
				p := key[:len(key)-len(name)-len(" -- ")]
				u.fi.children.set(p, slices.DeleteFunc(slices.Clone(u.fi.children.get(p)), func(k string) bool { return k == key }))
				if len(u.fi.children.get(p)) == 0 {
					u.fi.children.del(p)
				}
			}
			continue
		}
		if u.lostFirst[key] && !u.foundFirst[key] {
			t = u.own(key)
			t.first = firstLineOf(f, key, int(depth), c.From)
		}
		if t.entry < 0 {
			if first, ok := u.fi.moreEntries.firstLine(key); ok {
				t = u.own(key)
				t.entry = first
				u.fi.moreEntries.remove(key, first)
			}
		}
		u.fi.topicAliases.del(key) // put back below, from the lines
	}
	// Alias texts of the touched topics, in the order of their lines.
	var recs []alias
	for ak := range u.aliasKeys {
		for _, a := range u.fi.aliases[ak] {
			if _, ok := u.touched[a.topic]; ok && u.fi.topics.get(a.topic) != nil {
				recs = append(recs, a)
			}
		}
	}
	slices.SortStableFunc(recs, func(a, b alias) int { return int(a.line - b.line) })
	for _, a := range recs {
		if texts := u.fi.topicAliases.get(a.topic); !slices.Contains(texts, a.text) {
			u.fi.topicAliases.set(a.topic, append(texts, a.text))
		}
	}
	// Each name's topics, the one that appears first leading.
	for name := range names {
		var keys []string
		for _, k := range u.fi.lastSeg.appendTo(nil, name) {
			if u.fi.topics.get(k) != nil && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
		slices.SortStableFunc(keys, func(a, b string) int { return int(u.fi.topics.get(a).first - u.fi.topics.get(b).first) })
		u.fi.lastSeg.put(name, keys)
	}
}

// firstLineOf finds the first line from line `from` on whose path has the topic key at
// the given depth.
func firstLineOf(f *analysis.File, key string, depth, from int) int32 {
	for i := from; i < f.NumLines(); i++ {
		l := f.Line(i)
		if len(l.Segments) > depth && l.TopicKey(depth) == key {
			return int32(i)
		}
	}
	return -1 // unreachable while the topic has uses
}
