package server

import (
	"context"
	"strconv"
	"sync"

	"github.com/segmentio/encoding/json"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/notesls/notesls/analysis"
	"github.com/notesls/notesls/index"
)

// The params of a publishDiagnostics notification are written straight from the index's
// findings into one buffer, as protocol.PublishDiagnosticsParams marshals them. Building a
// protocol.Diagnostic for each finding, encoding them by reflection and copying the JSON
// into the frame allocated three times the 300 KB of a big file's 1,000 findings on every
// keystroke: 70% of what the server allocated while typing in the 10 MB file, and the
// collections it caused ran beside the completions.

// publicationBuffers recycles the buffers of published findings.
var publicationBuffers = sync.Pool{New: func() any { return new([]byte) }}

// encodeDiagnostics appends the params of a publication of diags, the findings of the
// file at path whose text is content: the URI, the version when not 0, and the findings
// whose spans convert. It returns the buffer and how many findings it holds.
func (s *Server) encodeDiagnostics(dst []byte, v *view, path string, content analysis.Text, version uint32, diags []index.Diagnostic) ([]byte, int) {
	dst = appendPublicationHead(dst, v.uri(path), version)
	var m *Mapper
	if len(diags) > 0 {
		m = s.mappers.get(path, content)
	}
	n := 0
	var wd wireDiagnostic
	for i := range diags {
		d := &diags[i]
		rng, err := m.SpanRange(d.Span)
		if err != nil {
			s.log.Error("diagnostic span", zap.String("path", path), zap.String("rule", d.Rule), zap.Error(err))
			continue
		}
		wd = wireDiagnostic{Range: rng, Severity: toProtocolSeverity(d.Severity), Code: d.Rule, Message: d.Message,
			Unnecessary: d.Unnecessary, Related: s.relatedPlaces(wd.Related[:0], v, d.Related)}
		if n > 0 {
			dst = append(dst, ',')
		}
		n++
		dst = appendDiagnostic(dst, &wd)
	}
	return append(dst, "]}"...), n
}

// relatedPlaces appends the related places of a finding that convert.
func (s *Server) relatedPlaces(dst []protocol.DiagnosticRelatedInformation, v *view, related []index.Related) []protocol.DiagnosticRelatedInformation {
	for _, r := range related {
		rc, ok := v.snap.Text(r.Path)
		if !ok {
			continue
		}
		rr, err := s.mappers.get(r.Path, rc).SpanRange(r.Span)
		if err != nil {
			s.log.Error("related span", zap.String("path", r.Path), zap.Error(err))
			continue
		}
		dst = append(dst, protocol.DiagnosticRelatedInformation{
			Location: protocol.Location{URI: v.uri(r.Path), Range: rr},
			Message:  r.Message,
		})
	}
	return dst
}

// A wireDiagnostic is what a published finding says: the fields of protocol.Diagnostic
// that the server fills, with the source always diagnosticSource.
type wireDiagnostic struct {
	Range       protocol.Range
	Severity    protocol.DiagnosticSeverity
	Code        string
	Message     string
	Unnecessary bool // tagged DiagnosticTagUnnecessary
	Related     []protocol.DiagnosticRelatedInformation
}

// appendPublicationHead opens the params of a publication; the findings follow, comma
// separated, and "]}" closes them.
func appendPublicationHead(dst []byte, uri protocol.DocumentURI, version uint32) []byte {
	dst = append(dst, `{"uri":`...)
	dst = appendJSONString(dst, string(uri))
	if version != 0 {
		dst = append(dst, `,"version":`...)
		dst = strconv.AppendUint(dst, uint64(version), 10)
	}
	return append(dst, `,"diagnostics":[`...)
}

// appendDiagnostic appends d as protocol.Diagnostic marshals it.
func appendDiagnostic(dst []byte, d *wireDiagnostic) []byte {
	dst = append(dst, `{"range":`...)
	dst = appendRange(dst, d.Range)
	if d.Severity != 0 {
		dst = append(dst, `,"severity":`...)
		dst = strconv.AppendInt(dst, int64(d.Severity), 10)
	}
	dst = append(dst, `,"code":`...)
	dst = appendJSONString(dst, d.Code)
	dst = append(dst, `,"source":"`+diagnosticSource+`","message":`...)
	dst = appendJSONString(dst, d.Message)
	if d.Unnecessary {
		dst = append(dst, `,"tags":[`...)
		dst = strconv.AppendInt(dst, int64(protocol.DiagnosticTagUnnecessary), 10)
		dst = append(dst, ']')
	}
	for i, r := range d.Related {
		if i == 0 {
			dst = append(dst, `,"relatedInformation":[`...)
		} else {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"location":{"uri":`...)
		dst = appendJSONString(dst, string(r.Location.URI))
		dst = append(dst, `,"range":`...)
		dst = appendRange(dst, r.Location.Range)
		dst = append(dst, `},"message":`...)
		dst = appendJSONString(dst, r.Message)
		dst = append(dst, '}')
	}
	if len(d.Related) > 0 {
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// notifyEncoded sends a notification whose params are encoded already: on the server's
// own stream without copying them, through the connection otherwise.
func (s *Server) notifyEncoded(ctx context.Context, method string, params []byte) error {
	if s.stream != nil {
		_, err := s.stream.writeRequest(method, params, nil)
		return err
	}
	return s.conn.Notify(ctx, method, json.RawMessage(params))
}

func appendRange(dst []byte, r protocol.Range) []byte {
	dst = append(dst, `{"start":`...)
	dst = appendPosition(dst, r.Start)
	dst = append(dst, `,"end":`...)
	dst = appendPosition(dst, r.End)
	return append(dst, '}')
}

func appendPosition(dst []byte, p protocol.Position) []byte {
	dst = append(dst, `{"line":`...)
	dst = strconv.AppendUint(dst, uint64(p.Line), 10)
	dst = append(dst, `,"character":`...)
	dst = strconv.AppendUint(dst, uint64(p.Character), 10)
	return append(dst, '}')
}

// appendJSONString appends s as a JSON string, escaped as the protocol library's encoder
// escapes it (without the HTML escapes, which JSON does not need).
func appendJSONString(dst []byte, s string) []byte { return json.AppendEscape(dst, s, 0) }
