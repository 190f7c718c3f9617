-- Minimal init for the headless test: the plugin from this checkout on the runtimepath,
-- setup() with the freshly built server. Run as
--   NOTESLS_NVIM_PLUGIN=editors/nvim NOTESLS_CMD=/tmp/x/notesls \
--     nvim --headless --clean -u editors/nvim/tests/minimal_init.lua
local plugin = assert(os.getenv('NOTESLS_NVIM_PLUGIN'), 'NOTESLS_NVIM_PLUGIN is not set')
local cmd = assert(os.getenv('NOTESLS_CMD'), 'NOTESLS_CMD is not set')

vim.opt.runtimepath:prepend(plugin)
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'

require('notesls').setup({ cmd = { cmd } })
