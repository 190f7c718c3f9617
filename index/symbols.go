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
	res := s.completeTerms(query, analysis.Span{}, false)
	out := make([]TermSymbol, 0, len(res.Items))
	seen := map[string]bool{}
	add := func(name, key string, alias bool) {
		locs := s.definingLines(key)
		if len(locs) == 0 || seen[name+"\x00"+key] {
			return
		}
		seen[name+"\x00"+key] = true
		out = append(out, TermSymbol{Name: name, Alias: alias, Topic: s.display(key), Location: locs[0]})
	}
	for _, it := range res.Items {
		add(it.Label, it.Key, it.Kind == CompletionAlias)
	}
	// Completion matches from the start of a term; a misspelt last name ("shardng") is
	// found the way a broken reference's suggestions are.
	if !res.Incomplete && query != "" {
		for _, near := range s.suggest(analysis.PathKey([]byte(query))) {
			for _, k := range s.resolve(analysis.PathKey([]byte(near))) {
				add(s.display(k), k, false)
			}
		}
	}
	return out
}
