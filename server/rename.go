package server

import (
	"context"
	"errors"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/notesls/notesls/index"
)

// requestFailed is LSP's code for a request that was understood and refused; editors show
// its message.
const requestFailed jsonrpc2.Code = -32803

type prepareRenameResult struct {
	Range       protocol.Range `json:"range"`
	Placeholder string         `json:"placeholder"`
}

// prepareRename answers the segment under the cursor and its name, or refuses elsewhere.
func (s *Server) prepareRename(ctx context.Context, p *protocol.PrepareRenameParams) (*prepareRenameResult, error) {
	f, off, err := s.fileAt(ctx, p.TextDocument.URI, p.Position)
	if err != nil || f == nil {
		return nil, err
	}
	t, ok := f.v.snap.PrepareRename(f.path, off)
	if !ok {
		return nil, jsonrpc2.NewError(requestFailed, "only a topic can be renamed: put the cursor on a segment of a path, or on a reference to one topic")
	}
	rng, err := f.mapper.SpanRange(t.Span)
	if err != nil {
		return nil, err
	}
	return &prepareRenameResult{Range: rng, Placeholder: t.Name}, nil
}

// rename renames the topic under the cursor in every file, as one workspace edit of a few
// text edits a file.
func (s *Server) rename(ctx context.Context, p *protocol.RenameParams) (*protocol.WorkspaceEdit, error) {
	f, off, err := s.fileAt(ctx, p.TextDocument.URI, p.Position)
	if err != nil || f == nil {
		return nil, err
	}
	files, err := f.v.snap.Rename(f.path, off, p.NewName)
	var refused *index.RenameError
	if errors.As(err, &refused) {
		return nil, jsonrpc2.NewError(requestFailed, "cannot rename: "+refused.Reason)
	}
	if err != nil {
		return nil, err
	}
	return s.workspaceEdit(f.v, files)
}

// workspaceEdit turns files' new texts into one workspace edit of a few text edits a
// file (the files a rename or a merge of near-duplicates changes).
func (s *Server) workspaceEdit(v *view, files map[string][]byte) (*protocol.WorkspaceEdit, error) {
	edit := &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{}}
	for path, text := range files {
		old, ok := v.snap.Text(path)
		if !ok {
			continue
		}
		edits, err := lineEdits(s.mappers.get(path, old), old.Bytes(), 0, text)
		if err != nil {
			return nil, err
		}
		if len(edits) > 0 {
			edit.Changes[v.uri(path)] = edits
		}
	}
	return edit, nil
}
