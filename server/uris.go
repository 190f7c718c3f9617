package server

import (
	"fmt"
	"path/filepath"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// uriPath turns a document URI into the key the index knows the file by: the cleaned file
// system path for a file: URI, the URI itself for any other scheme (untitled:, and
// whatever else an editor may open), whose documents live in memory only. The scheme is
// checked before the path is taken: go.lsp.dev/uri is only meant for file: URIs there.
func uriPath(u protocol.DocumentURI) (path string, onDisk bool, err error) {
	s := string(u)
	if s == "" {
		return "", false, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "missing document URI")
	}
	colon := strings.IndexByte(s, ':')
	if colon <= 0 {
		return "", false, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "URI %q has no scheme", s)
	}
	if !strings.EqualFold(s[:colon], "file") {
		return s, false, nil
	}
	p, err := fsPath(u)
	if err != nil {
		return "", false, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "URI %q: %v", s, err)
	}
	if !filepath.IsAbs(p) {
		return "", false, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "URI %q is not an absolute file path", s)
	}
	return filepath.Clean(p), true, nil
}

// fsPath guards the library call: a malformed URI is an error, not a crash.
func fsPath(u protocol.DocumentURI) (p string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed file URI: %v", r)
		}
	}()
	return uri.URI(u).FsPath(), nil
}

// pathURI is the inverse of uriPath for paths the editor has not named itself.
func pathURI(path string) protocol.DocumentURI {
	if filepath.IsAbs(path) {
		return uri.File(path)
	}
	return protocol.DocumentURI(path)
}
