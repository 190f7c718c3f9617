-- Filetype detection for notes files: `*.notes` gets the `notes` filetype.
-- A plain autocmd (not vim.filetype.add) so that it works on Neovim 0.7, where
-- filetype.lua is opt-in, through 0.11+. `setfiletype` never overrides a filetype
-- that was already set (a modeline, or the user's own mapping of more patterns).
vim.cmd([[autocmd BufNewFile,BufRead *.notes setfiletype notes]])
