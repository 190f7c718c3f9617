package index

import (
	"bytes"
	"hash/maphash"
	"slices"

	"github.com/notesls/notesls/analysis"
)

// fileIndex is what the workspace knows of one file version. It is built once per
// version and never changed, so snapshots share it freely.
type fileIndex struct {
	path string
	ast  *analysis.File

	topics  map[string]*topic  // every path prefix in the file, by key
	aliases map[string][]alias // alias key -> the topics it names
	lastSeg map[string][]string
	refs    map[string][]int32 // reference key -> lines that refer to it
	roots   []string           // top-level topic keys, in first-seen order

	lineHash map[uint64][]int32 // normalized line -> lines, for duplicate-line
	defHash  map[uint64][]int32 // term key + normalized definition -> lines
}

// topic is one path prefix as seen in one file.
type topic struct {
	key      string
	first    int32   // first line the topic appears on
	seg      int16   // the topic's last segment index on that line
	entries  []int32 // lines whose whole path is this topic
	children []string
	aliases  []string // alias texts written on this topic's segment, without repeats
	uses     int32    // lines under the topic, itself included
}

type alias struct {
	topic string
	text  string
	line  int32
}

var seed = maphash.MakeSeed()

// buildFile indexes a new version of a file. prev, the file's previous tree, lets the
// parser keep every line that the edit did not touch.
func buildFile(path string, src []byte, prev *analysis.File) *fileIndex {
	var ast *analysis.File
	if prev != nil {
		ast = reparse(prev, src)
	} else {
		ast = parseParallel(src)
	}
	fi := &fileIndex{
		path:     path,
		ast:      ast,
		topics:   make(map[string]*topic, len(ast.Lines)),
		aliases:  map[string][]alias{},
		lastSeg:  make(map[string][]string, len(ast.Lines)/2),
		refs:     map[string][]int32{},
		lineHash: make(map[uint64][]int32, len(ast.Lines)),
		defHash:  map[uint64][]int32{},
	}
	var norm []byte
	for i := range ast.Lines {
		l := &ast.Lines[i]
		if l.Kind == analysis.Blank {
			continue
		}
		text := ast.LineText(i)
		norm = appendNormalized(norm[:0], text)
		h := maphash.Bytes(seed, norm)
		fi.lineHash[h] = append(fi.lineHash[h], int32(i))
		for _, r := range l.Refs {
			if r.Key != "" {
				fi.refs[r.Key] = append(fi.refs[r.Key], int32(i))
			}
		}
		if len(l.Segments) == 0 {
			continue
		}
		parent := ""
		for s := range l.Segments {
			key := l.TopicKey(s)
			t := fi.topics[key]
			if t == nil {
				t = &topic{key: key, first: int32(i), seg: int16(s)}
				fi.topics[key] = t
				seg := l.SegmentKey(s)
				fi.lastSeg[seg] = append(fi.lastSeg[seg], key)
				if s == 0 {
					fi.roots = append(fi.roots, key)
				} else {
					p := fi.topics[parent]
					p.children = append(p.children, key)
				}
			}
			t.uses++
			if a := l.Segments[s].Alias; !a.IsZero() {
				ak := analysis.NameKey(text[a.Start:a.End])
				at := string(text[a.Start:a.End])
				fi.aliases[ak] = append(fi.aliases[ak], alias{topic: key, text: at, line: int32(i)})
				if !slices.Contains(t.aliases, at) {
					t.aliases = append(t.aliases, at)
				}
			}
			parent = key
		}
		t := fi.topics[l.Key]
		t.entries = append(t.entries, int32(i))
		if l.Sep.Defines() && l.Body.Len() > 0 {
			norm = append(appendNormalized(norm[:0], []byte(l.Key)), 0)
			norm = appendNormalized(norm, text[l.Body.Start:l.Body.End])
			h := maphash.Bytes(seed, norm)
			fi.defHash[h] = append(fi.defHash[h], int32(i))
		}
	}
	return fi
}

// appendNormalized appends text case-folded with white space runs collapsed and trimmed,
// the form in which two lines or definitions count as the same.
func appendNormalized(dst, text []byte) []byte {
	text = bytes.TrimSpace(text)
	space := false
	for _, r := range string(text) {
		if r == ' ' || r == '\t' {
			space = true
			continue
		}
		if space {
			dst = append(dst, ' ')
			space = false
		}
		r = analysis.Fold(r)
		if r < 0x80 {
			dst = append(dst, byte(r))
		} else {
			dst = appendRune(dst, r)
		}
	}
	return dst
}

func appendRune(dst []byte, r rune) []byte {
	var buf [4]byte
	n := encodeRune(buf[:], r)
	return append(dst, buf[:n]...)
}

// lineNormalized returns the normalized text of line i of ast.
func lineNormalized(ast *analysis.File, i int) []byte {
	return appendNormalized(nil, ast.LineText(i))
}

// defNormalized returns the normalized key and definition of line i of ast.
func defNormalized(ast *analysis.File, i int) []byte {
	l := &ast.Lines[i]
	text := ast.LineText(i)
	norm := append(appendNormalized(nil, []byte(l.Key)), 0)
	return appendNormalized(norm, text[l.Body.Start:l.Body.End])
}
