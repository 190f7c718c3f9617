package server

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/segmentio/encoding/json"
	"go.lsp.dev/protocol"
)

// TestPublicationEncoding: the params written by hand decode to what marshalling
// protocol.PublishDiagnosticsParams gives, field for field (omitted ones included), for
// messages and URIs with every kind of character.
func TestPublicationEncoding(t *testing.T) {
	pieces := []string{"a", "duplicate of a.notes:1", `"`, `\`, "\n", "\r", "\t", "\x00", "\x1f", "\x7f", "<&>",
		"é", "名前", "😀", "\u2028", "\u2029", "\xff", "\xe2\x80", "file:///a b.notes", "%20"}
	text := func(rng *rand.Rand) string {
		s := ""
		for range rng.IntN(5) {
			s += pieces[rng.IntN(len(pieces))]
		}
		return s
	}
	rangeOf := func(rng *rand.Rand) protocol.Range {
		return protocol.Range{Start: protocol.Position{Line: rng.Uint32N(1 << 20), Character: rng.Uint32N(300)},
			End: protocol.Position{Line: rng.Uint32(), Character: rng.Uint32()}}
	}
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 1))
		uri := protocol.DocumentURI("file:///" + text(rng))
		version := uint32(0)
		if rng.IntN(2) == 0 {
			version = rng.Uint32()
		}
		want := protocol.PublishDiagnosticsParams{URI: uri, Version: version, Diagnostics: []protocol.Diagnostic{}}
		got := appendPublicationHead(nil, uri, version)
		for i := range rng.IntN(4) {
			wd := wireDiagnostic{Range: rangeOf(rng), Severity: protocol.DiagnosticSeverity(rng.IntN(5)), Code: text(rng),
				Message: text(rng), Unnecessary: rng.IntN(3) == 0}
			for range rng.IntN(3) {
				wd.Related = append(wd.Related, protocol.DiagnosticRelatedInformation{
					Location: protocol.Location{URI: protocol.DocumentURI(text(rng)), Range: rangeOf(rng)}, Message: text(rng)})
			}
			if i > 0 {
				got = append(got, ',')
			}
			got = appendDiagnostic(got, &wd)
			pd := protocol.Diagnostic{Range: wd.Range, Severity: wd.Severity, Code: wd.Code, Source: diagnosticSource,
				Message: wd.Message, RelatedInformation: wd.Related}
			if wd.Unnecessary {
				pd.Tags = []protocol.DiagnosticTag{protocol.DiagnosticTagUnnecessary}
			}
			want.Diagnostics = append(want.Diagnostics, pd)
		}
		got = append(got, "]}"...)
		if !json.Valid(got) {
			t.Fatalf("seed %d: invalid JSON %q", seed, got)
		}
		marshalled, err := json.Marshal(&want)
		if err != nil {
			t.Fatal(err)
		}
		var fromHand, fromMarshal any
		if err := json.Unmarshal(got, &fromHand); err != nil {
			t.Fatalf("seed %d: %v in %q", seed, err, got)
		}
		if err := json.Unmarshal(marshalled, &fromMarshal); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fromHand, fromMarshal) {
			t.Fatalf("seed %d:\n got %s\nwant %s", seed, got, marshalled)
		}
	}
}

// BenchmarkAppendJSONString escapes a near-duplicate's message, the longest kind a big
// file publishes a thousand of on every keystroke.
func BenchmarkAppendJSONString(b *testing.B) {
	msg := `"authoorization" (line 9406) looks like the same name: one letter apart, and "destrutive engineering" (line 29561, one letter apart)`
	buf := make([]byte, 0, 4096)
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		buf = appendJSONString(buf[:0], msg)
	}
}
