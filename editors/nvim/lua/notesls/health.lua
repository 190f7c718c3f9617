-- :checkhealth notesls
local M = {}

-- vim.health arrived in 0.8 (0.10 renamed its functions); 0.7 has require('health').
local function reporter()
  local h = vim.health or require('health')
  return {
    start = h.start or h.report_start,
    ok = h.ok or h.report_ok,
    warn = h.warn or h.report_warn,
    error = h.error or h.report_error,
    info = h.info or h.report_info,
  }
end

function M.check()
  local r = reporter()
  local notesls = require('notesls')
  local opts = notesls.options

  r.start('notesls')
  local v = vim.version()
  local version = string.format('%d.%d.%d', v.major, v.minor, v.patch)
  if vim.fn.has('nvim-0.7') == 1 then
    r.ok('Neovim ' .. version)
  else
    r.error('Neovim ' .. version .. ': notesls needs 0.7 or newer')
  end

  local exe = opts.cmd[1]
  if vim.fn.executable(exe) == 1 then
    r.ok(string.format('server: %s (%s)', table.concat(opts.cmd, ' '), vim.fn.exepath(exe)))
  else
    r.error(
      string.format('server %q is not executable', exe),
      { "install it: go install github.com/notesls/notesls/cmd/notesls@latest", "or set require('notesls').setup({ cmd = { '/path/to/notesls' } })" }
    )
  end

  local ft = vim.bo.filetype
  r.info(string.format('filetypes: %s (current buffer: %q)', table.concat(opts.filetypes, ', '), ft))
  r.info('root markers: ' .. table.concat(opts.root_markers, ', '))

  local found = 0
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ name = notesls.name })
    or vim.lsp.get_active_clients()
  for _, client in pairs(clients) do
    if client.name == notesls.name then
      found = found + 1
      r.ok(string.format('client %d running, root %s', client.id, tostring(client.config.root_dir)))
    end
  end
  if found == 0 then
    r.info('no notesls client running: open a *.notes file (after setup() or vim.lsp.enable)')
  end
end

return M
