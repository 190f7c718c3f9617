package server

// unimplemented names the standard requests notesls deliberately does not answer. They
// get -32601 like any unknown method; the note only tells a reader of the log or the
// client's trace that the omission is known.
var unimplemented = map[string]bool{
	"textDocument/declaration":          true,
	"textDocument/documentColor":        true,
	"textDocument/implementation":       true,
	"textDocument/onTypeFormatting":     true,
	"textDocument/signatureHelp":        true,
	"textDocument/typeDefinition":       true,
	"textDocument/willSaveWaitUntil":    true,
	"workspace/executeCommand":          true,
	"textDocument/linkedEditingRange":   true,
	"textDocument/moniker":              true,
	"textDocument/prepareCallHierarchy": true,
}

func unimplementedNote(method string) string {
	if unimplemented[method] {
		return " (not supported by notesls)"
	}
	return ""
}
