-- Default configuration of the notesls client for Neovim 0.11+'s `vim.lsp.config`.
-- Neovim merges this file (found on 'runtimepath' as lsp/notesls.lua) with whatever the
-- user passes to `vim.lsp.config('notesls', {...})`; `vim.lsp.enable('notesls')` then
-- starts or reuses one client per workspace root for every `notes` buffer.
local notesls = require('notesls')
return notesls.lsp_config()
