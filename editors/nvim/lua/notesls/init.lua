-- notesls for Neovim: starts the notes language server for `notes` buffers and wires
-- hover, go-to-definition, completion and diagnostics to Neovim's builtin LSP client.
--
-- The plugin stays thin: every feature comes from the server. It only decides which
-- buffers get a client (one client per workspace root) and sets buffer keymaps.
--
--   require('notesls').setup({
--     cmd = { 'notesls' },                        -- the server, speaking LSP on stdio
--     filetypes = { 'notes' },
--     root_markers = { '.notesls.json', '.git' }, -- nearest ancestor holding any of them
--     settings = { rules = { ['near-duplicate'] = 'off' }, sorting = true },
--     keymaps = true,                             -- K, gd, omnifunc on attach
--   })
--
-- Neovim 0.7-0.10: setup() starts clients itself (vim.lsp.start_client and
-- vim.lsp.buf_attach_client from a FileType autocmd). Neovim 0.11+: setup() hands the
-- same configuration to vim.lsp.config('notesls', ...) and calls vim.lsp.enable('notesls');
-- `lsp/notesls.lua` on the runtimepath gives the defaults when setup() is not called.
local M = {}

-- Name of the client and of the vim.lsp.config entry.
M.name = 'notesls'

local defaults = {
  cmd = { 'notesls' },
  filetypes = { 'notes' },
  root_markers = { '.notesls.json', '.git' },
  -- Sent as initializationOptions and as the `notesls` section of the settings
  -- (workspace/didChangeConfiguration and workspace/configuration).
  -- Keys: rules = { [rule] = 'error'|'warning'|'info'|'hint'|'off' }, sorting = boolean.
  settings = {},
  keymaps = true,
  -- Optional: function(client, bufnr) called after the plugin's own on_attach.
  on_attach = nil,
  -- Optional: client capabilities (e.g. from cmp_nvim_lsp); default: Neovim's own.
  capabilities = nil,
  -- Neovim 0.11+: true starts clients the 0.7-0.10 way instead of vim.lsp.enable.
  legacy = false,
}

local function copy(t)
  return vim.deepcopy(t)
end

-- Options in effect; setup() replaces them, lsp/notesls.lua reads them.
M.options = copy(defaults)

-- Neovim encodes an empty Lua table as a JSON array, and the server wants objects: empty
-- tables are left out (no rules = no overrides). Returns nil for an empty table.
local function compact(t)
  if type(t) ~= 'table' then
    return t
  end
  local out = {}
  for k, v in pairs(t) do
    out[k] = compact(v)
  end
  if next(out) == nil then
    return nil
  end
  return out
end

local uv = vim.uv or vim.loop

-- Client methods: 0.11 made them methods (client:notify), 0.7-0.10 have closures.
local method_calls = vim.fn.has('nvim-0.11') == 1

local function client_notify(client, method, params)
  if method_calls then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

local function client_stopped(client)
  if method_calls then
    return client:is_stopped()
  end
  return client.is_stopped()
end

local function has_native_config()
  return type(vim.lsp.enable) == 'function' and vim.lsp.config ~= nil
end

local function notify(msg, level)
  vim.schedule(function()
    vim.notify('notesls: ' .. msg, level or vim.log.levels.ERROR)
  end)
end

local function exists(path)
  return uv.fs_stat(path) ~= nil
end

--- Workspace root of a directory: the nearest ancestor (the directory itself
--- included) holding any of the markers; nil when there is none.
function M.find_root(dir, markers)
  -- Neovim 0.11.3+ nests markers of equal priority ({ { 'a', 'b' }, '.git' }): here every
  -- marker has the same priority, the nearest directory wins.
  local flat = {}
  local function add(list)
    for _, m in ipairs(list) do
      if type(m) == 'table' then
        add(m)
      else
        table.insert(flat, m)
      end
    end
  end
  add(markers or M.options.root_markers)
  markers = flat
  dir = vim.fn.fnamemodify(dir, ':p')
  dir = dir:gsub('[/\\]+$', '')
  if dir == '' then
    dir = '/'
  end
  while true do
    for _, marker in ipairs(markers) do
      if exists(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir or parent == '' then
      return nil
    end
    dir = parent
  end
end

--- Workspace root of a buffer: the nearest ancestor with a root marker, else the file's
--- directory (the current directory for a buffer without a file name).
function M.root_dir(bufnr, markers)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local name = vim.api.nvim_buf_get_name(bufnr)
  local dir
  if name == '' then
    dir = uv.cwd()
  else
    dir = vim.fn.fnamemodify(name, ':p:h')
  end
  return M.find_root(dir, markers) or dir
end

local function buf_map(bufnr, lhs, rhs, desc)
  vim.keymap.set('n', lhs, rhs, { buffer = bufnr, silent = true, desc = desc })
end

--- Buffer setup when the client attaches: keymaps (unless setup({ keymaps = false }))
--- and the user's on_attach. Call it from your own on_attach if you replace this one
--- through vim.lsp.config on Neovim 0.11+.
function M.on_attach(client, bufnr)
  if M.options.keymaps ~= false then
    buf_map(bufnr, 'K', vim.lsp.buf.hover, 'notesls: hover')
    buf_map(bufnr, 'gd', vim.lsp.buf.definition, 'notesls: go to definition')
    vim.bo[bufnr].omnifunc = 'v:lua.vim.lsp.omnifunc'
  end
  if type(M.options.on_attach) == 'function' then
    M.options.on_attach(client, bufnr)
  end
end

-- The settings go out twice, as the server reads both: initializationOptions (the bare
-- object) and the `notesls` section of the settings (workspace/didChangeConfiguration and
-- workspace/configuration). Nil when there are none.
local function settings_payload(opts)
  local settings = compact(copy(opts.settings or {}))
  if settings == nil then
    return nil, nil
  end
  return settings, { [M.name] = settings }
end

--- The client configuration in vim.lsp.config's form (Neovim 0.11+).
function M.lsp_config(opts)
  opts = opts or M.options
  local init_options, settings = settings_payload(opts)
  local config = {
    cmd = opts.cmd,
    filetypes = opts.filetypes,
    root_markers = opts.root_markers,
    -- root_dir wins over root_markers in vim.lsp.enable; it keeps "nearest ancestor
    -- holding any marker, else the file's directory" on every 0.11.x, and honours the
    -- root_markers of the resolved vim.lsp.config('notesls').
    root_dir = function(bufnr, on_dir)
      local markers = opts.root_markers
      local ok, resolved = pcall(function()
        return vim.lsp.config[M.name]
      end)
      if ok and type(resolved) == 'table' and type(resolved.root_markers) == 'table' then
        markers = resolved.root_markers
      end
      on_dir(M.root_dir(bufnr, markers))
    end,
    init_options = init_options,
    settings = settings,
    on_attach = function(client, bufnr)
      M.on_attach(client, bufnr)
    end,
  }
  if opts.capabilities then
    config.capabilities = opts.capabilities
  end
  return config
end

-- Legacy path (0.7-0.10): one client id per workspace root.
local clients = {}
local warned = {}

local function live_client(id)
  local client = id and vim.lsp.get_client_by_id(id)
  if client and not client_stopped(client) then
    return client
  end
  return nil
end

local function start_client(root)
  local opts = M.options
  local exe = opts.cmd[1]
  if vim.fn.executable(exe) ~= 1 then
    if not warned[exe] then
      warned[exe] = true
      notify(
        string.format(
          "cannot run %q: install notesls (go install github.com/notesls/notesls/cmd/notesls@latest) or set require('notesls').setup({ cmd = { '/path/to/notesls' } })",
          exe
        )
      )
    end
    return nil
  end
  local init_options, settings = settings_payload(opts)
  local id = vim.lsp.start_client({
    name = M.name,
    cmd = opts.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = init_options,
    settings = settings,
    capabilities = opts.capabilities or vim.lsp.protocol.make_client_capabilities(),
    on_attach = M.on_attach,
    on_init = function(client)
      -- Neovim 0.8+ sends the settings after initialize by itself; 0.7 leaves it to us.
      if vim.fn.has('nvim-0.8') == 0 and client.config.settings and next(client.config.settings) then
        client_notify(client, 'workspace/didChangeConfiguration', { settings = client.config.settings })
      end
    end,
    on_exit = function(_, _, client_id)
      if clients[root] == client_id then
        clients[root] = nil
      end
    end,
  })
  if not id then
    notify('could not start ' .. table.concat(opts.cmd, ' '))
  end
  return id
end

--- Attaches a buffer to the client of its workspace root, starting that client when
--- there is none yet. Returns the client id (nil when the server cannot start).
--- Neovim 0.7-0.10 only; on 0.11+ vim.lsp.enable does this.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not vim.api.nvim_buf_is_valid(bufnr) then
    return nil
  end
  if vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  local root = M.root_dir(bufnr)
  local id = clients[root]
  if not live_client(id) then
    id = start_client(root)
    clients[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

--- The legacy path's clients by workspace root (for :checkhealth and tests).
function M.clients()
  local out = {}
  for root, id in pairs(clients) do
    if live_client(id) then
      out[root] = id
    end
  end
  return out
end

local function validate(opts)
  local specs = {
    { 'cmd', 'table' },
    { 'filetypes', 'table' },
    { 'root_markers', 'table' },
    { 'settings', 'table' },
    { 'on_attach', 'function', true },
    { 'capabilities', 'table', true },
    { 'keymaps', 'boolean' },
    { 'legacy', 'boolean' },
  }
  for _, spec in ipairs(specs) do
    local name, kind, optional = spec[1], spec[2], spec[3]
    local value = opts[name]
    if not ((optional and value == nil) or type(value) == kind) then
      error(string.format('notesls.setup: %s must be a %s, got %s', name, kind, type(value)), 3)
    end
  end
  if #opts.cmd == 0 then
    error('notesls.setup: cmd must name the server executable', 3)
  end
end

--- Configures notesls and starts it for matching buffers (already open ones too).
--- Options not given keep their defaults; see the top of this file.
function M.setup(opts)
  opts = vim.tbl_extend('force', copy(defaults), opts or {})
  if type(opts.cmd) == 'string' then
    opts.cmd = { opts.cmd }
  end
  validate(opts)
  M.options = opts

  local group = vim.api.nvim_create_augroup('notesls', { clear = true })
  -- Filetype detection once more (ftdetect/notes.lua does it at startup): a plugin manager
  -- that puts the plugin on the runtimepath after startup never sources ftdetect/.
  vim.api.nvim_create_autocmd({ 'BufNewFile', 'BufRead' }, {
    group = group,
    pattern = '*.notes',
    command = 'setfiletype notes',
    desc = 'notesls: *.notes files are notes',
  })

  local legacy = opts.legacy or not has_native_config()
  if not legacy then
    vim.lsp.config(M.name, M.lsp_config(opts))
    vim.lsp.enable(M.name)
  else
    -- Clients already running take the new settings at once.
    local _, settings = settings_payload(opts)
    for _, id in pairs(M.clients()) do
      local client = vim.lsp.get_client_by_id(id)
      client.config.settings = settings or {}
      client_notify(client, 'workspace/didChangeConfiguration', { settings = settings or vim.empty_dict() })
    end
    vim.api.nvim_create_autocmd('FileType', {
      group = group,
      pattern = opts.filetypes,
      callback = function(args)
        M.attach(args.buf)
      end,
      desc = 'notesls: attach the notes language server',
    })
  end

  -- Buffers opened before setup() ran: detect their filetype now (which attaches them
  -- through FileType), or attach those that already have one of ours.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) then
      local ft = vim.bo[bufnr].filetype
      if ft == '' and vim.api.nvim_buf_get_name(bufnr):match('%.notes$') then
        vim.api.nvim_buf_call(bufnr, function()
          vim.cmd('setfiletype notes')
        end)
      elseif legacy and vim.tbl_contains(opts.filetypes, ft) then
        M.attach(bufnr)
      end
    end
  end
end

return M
