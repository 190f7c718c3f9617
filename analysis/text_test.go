package analysis

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// checkText fails unless t holds want, in chunks that each end just after a line feed
// but the last, at their right offsets.
func checkText(t *testing.T, got Text, want []byte) {
	t.Helper()
	if got.Len() != len(want) || got.String() != string(want) || !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("text %q, want %q", got.String(), want)
	}
	at := 0
	for k := range got.Chunks() {
		b, off := got.Chunk(k)
		if off != at || len(b) == 0 {
			t.Fatalf("chunk %d at %d of %d bytes, want at %d and not empty", k, off, len(b), at)
		}
		if k+1 < got.Chunks() && b[len(b)-1] != '\n' {
			t.Fatalf("chunk %d (%q) does not end in a line feed", k, b)
		}
		at += len(b)
	}
}

func TestTextSplice(t *testing.T) {
	tests := []struct {
		name string
		text string
		s, e int
		ins  string
		want string
	}{
		{"into empty", "", 0, 0, "a\nb\n", "a\nb\n"},
		{"all away", "a\nb\nc\n", 0, 6, "", ""},
		{"type at end", "ab\ncd\n", 6, 6, "e", "ab\ncd\ne"},
		{"at a chunk's start", "aaaaaaaaaa\nbbbbbbbbbb\ncccccccccc\n", 11, 11, "x", "aaaaaaaaaa\nxbbbbbbbbbb\ncccccccccc\n"},
		{"join two lines", "aaaaaaaaaa\nbbbbbbbbbb\ncccccccccc\n", 10, 11, "", "aaaaaaaaaabbbbbbbbbb\ncccccccccc\n"},
		{"line feed away at a chunk's end", "aaaaaaaaaa\nbbbbbbbbbb\n", 10, 11, " ", "aaaaaaaaaa bbbbbbbbbb\n"},
		{"across chunks", "aaaaaaaaaa\nbbbbbbbbbb\ncccccccccc\ndddddddddd\n", 5, 38, "-", "aaaaa-ddddd\n"},
		{"paste of many lines", "a\nb\n", 2, 2, strings.Repeat("pasted line\n", 20), "a\n" + strings.Repeat("pasted line\n", 20) + "b\n"},
		{"CRLF kept in one chunk", "aaaaaaaaaa\r\nbbbbbbbbbb\r\n", 12, 12, "x\r\n", "aaaaaaaaaa\r\nx\r\nbbbbbbbbbb\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := NewTextSized([]byte(tt.text), 8)
			checkText(t, old, []byte(tt.text))
			got, ch := old.spliceSized(tt.s, tt.e, tt.ins, 8)
			checkText(t, got, []byte(tt.want))
			checkText(t, old, []byte(tt.text)) // the old version is unchanged
			// The chunks outside the change are the old ones, shared.
			for k := 0; k < ch.From; k++ {
				if a, _ := got.Chunk(k); &a[0] != &old.chunks[k].b[0] {
					t.Errorf("chunk %d before the change was copied", k)
				}
			}
			for k := ch.To; k < got.Chunks(); k++ {
				if a, _ := got.Chunk(k); &a[0] != &old.chunks[k-ch.To+ch.OldTo].b[0] {
					t.Errorf("chunk %d after the change was copied", k)
				}
			}
		})
	}
}

// TestTextAgainstBytes makes random edits to a text and to a plain copy, and compares
// every read of the two after each edit.
func TestTextAgainstBytes(t *testing.T) {
	pieces := []string{"", "a", "bc", "\n", "\r\n", "\r", "line\n", "é", strings.Repeat("long line ", 6) + "\n"}
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 7))
		size := 4 + r.IntN(40)
		var want []byte
		for range r.IntN(30) {
			want = append(want, pieces[r.IntN(len(pieces))]...)
		}
		text := NewTextSized(bytes.Clone(want), size)
		for step := range 60 {
			s := r.IntN(len(want) + 1)
			e := s + r.IntN(len(want)-s+1)
			if r.IntN(3) > 0 {
				e = s + min(len(want)-s, r.IntN(3))
			}
			var ins strings.Builder
			for range r.IntN(4) {
				ins.WriteString(pieces[r.IntN(len(pieces))])
			}
			text, _ = text.spliceSized(s, e, ins.String(), size)
			want = append(append(append([]byte(nil), want[:s]...), ins.String()...), want[e:]...)
			checkText(t, text, want)
			for range 10 {
				a := r.IntN(len(want) + 1)
				b := a + r.IntN(len(want)-a+1)
				if got := text.Slice(a, b); !bytes.Equal(got, want[a:b]) {
					t.Fatalf("seed %d step %d: Slice(%d, %d) = %q, want %q", seed, step, a, b, got, want[a:b])
				}
				if !bytes.Equal(text.Piece(a), want[a:a+len(text.Piece(a))]) || (a < len(want)) != (len(text.Piece(a)) > 0) {
					t.Fatalf("seed %d step %d: Piece(%d) = %q", seed, step, a, text.Piece(a))
				}
				if p := text.PieceBefore(b); !bytes.Equal(p, want[b-len(p):b]) || (b > 0) != (len(p) > 0) {
					t.Fatalf("seed %d step %d: PieceBefore(%d) = %q", seed, step, b, p)
				}
				if a < len(want) && text.At(a) != want[a] {
					t.Fatalf("seed %d step %d: At(%d) = %q, want %q", seed, step, a, text.At(a), want[a])
				}
			}
			// Every line lies inside one chunk: its bytes cost no copy.
			for start := 0; start < len(want); {
				end, next := LineEnd(want, start)
				if gotEnd, gotNext := text.LineEnd(start); gotEnd != end || gotNext != next {
					t.Fatalf("seed %d step %d: LineEnd(%d) = %d, %d, want %d, %d", seed, step, start, gotEnd, gotNext, end, next)
				}
				if line := text.Slice(start, next); &line[0] != &text.Piece(start)[0] {
					t.Fatalf("seed %d step %d: line at %d crosses a chunk", seed, step, start)
				}
				start = next
			}
		}
	}
}

func TestTextSame(t *testing.T) {
	a := NewText([]byte("a\nb\n"))
	b, _ := a.Splice(0, 0, "")
	if !a.Same(a) || a.Same(b) || a.Same(NewText([]byte("a\nb\n"))) || !(Text{}).Same(Text{}) {
		t.Fatal("Same says a version is another, or another is the same")
	}
}

// FuzzTextSplice splices a text cut small and compares it with the bytes spliced.
func FuzzTextSplice(f *testing.F) {
	f.Add([]byte("a\nb\r\nc\rd\n"), 2, 3, "x\n", uint8(4))
	f.Add([]byte("alpha -- beta = b\ngamma\n"), 0, 24, "", uint8(1))
	f.Add([]byte(""), 0, 0, "\r\n\r\n", uint8(2))
	f.Fuzz(func(t *testing.T, src []byte, s, e int, ins string, size uint8) {
		if s < 0 || e < s || e > len(src) {
			return
		}
		text := NewTextSized(bytes.Clone(src), 1+int(size))
		got, _ := text.spliceSized(s, e, ins, 1+int(size))
		want := append(append(append([]byte(nil), src[:s]...), ins...), src[e:]...)
		checkText(t, got, want)
		checkText(t, text, src)
	})
}
