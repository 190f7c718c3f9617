package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/notesls/notesls/analysis"
)

// grammarScopes lists every scope name the TextMate grammar gives.
func grammarScopes(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "editors", "vscode", "syntaxes", "notes.tmLanguage.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g any
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && (k == "name" || k == "contentName") {
					out = append(out, strings.Fields(s)...)
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(g)
	return out
}

// The legend's types are mapped, in the VS Code extension, to the grammar's scope for the
// same role: highlighting from the server and from the grammar agree.
func TestSemanticLegendMatchesGrammar(t *testing.T) {
	role := map[analysis.TokenKind]string{ // the grammar's scope for each role
		analysis.TokenSegment:      "entity.name.term.notes",
		analysis.TokenPathOperator: "keyword.operator.path.notes",
		analysis.TokenSeparator:    "keyword.control.definition.notes",
		analysis.TokenAlias:        "constant.other.alias.notes",
		analysis.TokenQualifier:    "variable.parameter.qualifier.notes",
		analysis.TokenGloss:        "string.quoted.double.gloss.notes",
		analysis.TokenOrdinal:      "constant.numeric.ordinal.notes",
		analysis.TokenReference:    "string.other.link.reference.notes",
		analysis.TokenURL:          "markup.underline.link.notes",
		analysis.TokenImportant:    "keyword.other.important.notes",
		analysis.TokenTask:         "markup.list.unchecked.notes",
	}
	scopes := grammarScopes(t)
	raw, err := os.ReadFile(filepath.Join("..", "editors", "vscode", "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Contributes struct {
			SemanticTokenScopes []struct {
				Language string              `json:"language"`
				Scopes   map[string][]string `json:"scopes"`
			} `json:"semanticTokenScopes"`
		} `json:"contributes"`
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatal(err)
	}
	if len(pkg.Contributes.SemanticTokenScopes) != 1 || pkg.Contributes.SemanticTokenScopes[0].Language != "notes" {
		t.Fatalf("package.json semanticTokenScopes: %+v, want one entry for notes", pkg.Contributes.SemanticTokenScopes)
	}
	mapped := pkg.Contributes.SemanticTokenScopes[0].Scopes
	if len(mapped) != analysis.TokenKindCount {
		t.Errorf("package.json maps %d token types, the legend has %d", len(mapped), analysis.TokenKindCount)
	}
	for k := range analysis.TokenKindCount {
		kind := analysis.TokenKind(k)
		typ := semanticTokenTypes[kind]
		want := role[kind]
		if !slices.Contains(scopes, want) {
			t.Errorf("kind %d: the grammar has no scope %s", k, want)
		}
		if got := mapped[typ]; len(got) != 1 || got[0] != want {
			t.Errorf("legend type %q (kind %d): package.json maps it to %v, want [%s]", typ, k, got, want)
		}
	}
}
