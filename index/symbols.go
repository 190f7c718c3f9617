package index

import "github.com/notesls/notesls/analysis"

// A TermSymbol is one term or alias of the workspace, where it is defined.
type TermSymbol struct {
	Name     string // as completion labels it: the term's path, or the alias
	Alias    bool
	Topic    string // the path of the term it names
	Location Location
}

// Symbols ranks every term and alias against query as "[[" completion does, typos
// tolerated (shardng finds sharding), best first, at most as many as completion offers;
// each is placed at its term's first defining line.
func (s *Snapshot) Symbols(query string) []TermSymbol {
	res := s.completeTerms(query, analysis.Span{})
	out := make([]TermSymbol, 0, len(res.Items))
	for _, it := range res.Items {
		locs := s.definingLines(it.Key)
		if len(locs) == 0 {
			continue
		}
		out = append(out, TermSymbol{Name: it.Label, Alias: it.Kind == CompletionAlias, Topic: s.display(it.Key), Location: locs[0]})
	}
	return out
}
