" Vim syntax file for notes files (notesls), format v1: one glossary entry a line.
"
"   [ ] / [x]                       notesTaskOpen / notesTaskDone    task boxes
"   head: path segments             notesPath                        the term
"     ` -- `                        notesPathOperator
"     `( ... )`                     notesAlias                       alias or qualifier
"     `"..."`                       notesGloss                       quoted gloss
"     `01`, `1.`, `01b`             notesOrdinal                     numbering of a segment
"   ` = ` ` == ` `: ` ` -> ` ` ~ `  notesSeparator                   first one ends the head
"                                                                    (also =, ==, :, ->, ~ ending the line)
"   body after = == :               notesDefinition
"   body after ->                   notesSeeAlso
"   body after ~                    notesRelated
"   https://...                     notesUrl                         head or body
"   [[target]]                      notesReference                   anywhere
"   +++                             notesImportant                   anywhere
"
" The server is the source of truth for meaning (diagnostics, aliases versus
" qualifiers); this file only colours the line's structure.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match
syn sync minlines=1

" Shared pieces, contained in the head and in bodies.
syn match notesUrl /https\?:\/\/[^[:space:]]\+/ contained contains=@NoSpell
syn match notesImportant /+++/ contained
syn region notesReference matchgroup=notesReferenceBracket start=/\[\[/ end=/\]\]/ oneline contained contains=@NoSpell

" The head: from the first character (after a task box) to just before the first
" separator, or to the end of the line. A `:` ending a URL (`see https://x/a:`) is no
" separator: the colon alternative looks behind for a URL.
syn region notesPath
      \ start=/\%(^\|\%(^\[[ xX]\] \)\@<=\)\S/
      \ end=/\ze\%( ==\=\%( \|$\)\| ->\%( \|$\)\| \~\%( \|$\)\|\%(:\%( \|$\)\)\@=[^[:space:]]\@<=\%(https\?:\/\/[^[:space:]]*\)\@<!\)/
      \ end=/$/
      \ oneline keepend
      \ contains=notesUrl,notesImportant,notesReference,notesPathOperator,notesAlias,notesGloss,notesOrdinal

syn match notesPathOperator / -- / contained
syn region notesAlias matchgroup=notesAliasParen start=/(/ end=/)/ oneline contained contains=notesUrl
syn region notesGloss start=/"/ end=/"/ oneline contained
syn region notesGloss start=/“/ end=/”/ oneline contained
" An ordinal prefixes a segment's name: digits, a lowercase letter, a dot, then a space:
" `ACID -- 1 Atomicity`, `CAP Theorem -- 1. Consistency`, `design -- 01b requirements`.
syn match notesOrdinal /\%(^\%(\[[ xX]\] \)\=\| -- \)\@<=\d\+\l\=\.\=\ze / contained

" Task boxes (defined after notesPath: at the same column the later item wins).
syn match notesTaskOpen /^\[ \] /
syn match notesTaskDone /^\[[xX]\] /

" Separator and body. The head region ends right before the separator, which then
" starts one of these.
" A separator at the very start of an entry (the missing-term error) needs no space.
syn region notesDefinition matchgroup=notesSeparator
      \ start=/ ==\=\%( \|$\)/ start=/[^[:space:]]\@<=:\%( \|$\)/
      \ start=/\%(^\%(\[[ xX]\] \)\=\)\@<=\%(==\=\|:\)\%( \|$\)/
      \ end=/$/ oneline
      \ contains=notesUrl,notesImportant,notesReference
syn region notesSeeAlso matchgroup=notesSeparator start=/ ->\%( \|$\)/ end=/$/ oneline
      \ contains=notesUrl,notesImportant,notesReference
syn region notesRelated matchgroup=notesSeparator start=/ \~\%( \|$\)/ end=/$/ oneline
      \ contains=notesUrl,notesImportant,notesReference

hi def link notesTaskOpen         Todo
hi def link notesTaskDone         Comment
hi def link notesPath             Identifier
hi def link notesPathOperator     Operator
hi def link notesAlias            Type
hi def link notesAliasParen       Delimiter
hi def link notesGloss            String
hi def link notesOrdinal          Number
hi def link notesSeparator        Operator
hi def link notesDefinition       Normal
hi def link notesSeeAlso          Normal
hi def link notesRelated          Normal
hi def link notesUrl              Underlined
hi def link notesReference        Label
hi def link notesReferenceBracket Delimiter
hi def link notesImportant        Special

let b:current_syntax = 'notes'

let &cpo = s:cpo_save
unlet s:cpo_save
