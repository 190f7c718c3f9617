-- Headless end-to-end test of the Neovim plugin against the real server and the real
-- corpus. Driven by scripts/test.sh; needs NOTESLS_TEST_DIR holding ws/system-design.notes
-- (a copy of testdata/system-design.notes). Positions are found by searching the line
-- text, never by counting columns. Every wait is bounded; the process always exits, with
-- status 1 (cquit) when anything failed.

local TIMEOUT_MS = 10000 -- per wait: the server publishes first diagnostics well under 1 s
local POLL_MS = 20

local dir = os.getenv('NOTESLS_TEST_DIR')
local results = { passed = 0, failed = 0 }
local log_path = vim.lsp.get_log_path()
local log_start = (vim.loop.fs_stat(log_path) or { size = 0 }).size

local function out(s)
  io.stdout:write(s .. '\n')
  io.stdout:flush()
end

local function test(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    results.passed = results.passed + 1
    out('ok   ' .. name)
  else
    results.failed = results.failed + 1
    out('FAIL ' .. name .. ': ' .. tostring(err))
  end
end

local function check(cond, fmt, ...)
  if not cond then
    error(string.format(fmt, ...), 2)
  end
end

local function wait(cond, what)
  local ok = vim.wait(TIMEOUT_MS, cond, POLL_MS)
  check(ok, 'timed out after %d ms waiting for %s', TIMEOUT_MS, what)
end

-- 1-based column (byte) where `needle` starts in line `lnum` of the current buffer.
local function find_col(lnum, needle)
  local line = vim.fn.getline(lnum)
  local s = string.find(line, needle, 1, true)
  check(s ~= nil, 'line %d does not contain %q: %q', lnum, needle, line)
  return s
end

local function syn_name(lnum, col)
  return vim.fn.synIDattr(vim.fn.synID(lnum, col, 1), 'name')
end

local function notes_clients(bufnr)
  local found = {}
  -- Debian's 0.7 has buf_get_clients; a newer Neovim on a developer's PATH, get_clients.
  local all = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
  for _, client in pairs(all) do
    if client.name == 'notesls' then
      table.insert(found, client)
    end
  end
  return found
end

local function the_client(bufnr)
  local clients = notes_clients(bufnr)
  check(#clients == 1, 'expected one notesls client on buffer %d, found %d', bufnr, #clients)
  return clients[1]
end

-- One synchronous request to the buffer's notesls client; returns its result.
local function request(bufnr, method, params)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, TIMEOUT_MS)
  check(responses ~= nil, '%s: no response (%s)', method, tostring(err))
  local client = the_client(bufnr)
  local response = responses[client.id]
  check(response ~= nil, '%s: no response from the notesls client', method)
  check(response.err == nil, '%s: error %s', method, vim.inspect(response.err))
  return response.result
end

local function position_params(bufnr, lnum, col)
  vim.api.nvim_win_set_cursor(0, { lnum, col - 1 })
  return vim.lsp.util.make_position_params(0, the_client(bufnr).offset_encoding)
end

local corpus = dir and (dir .. '/ws/system-design.notes')
local buf

test('filetype: *.notes is detected as notes', function()
  check(dir ~= nil, 'NOTESLS_TEST_DIR is not set')
  vim.cmd('edit ' .. vim.fn.fnameescape(corpus))
  buf = vim.api.nvim_get_current_buf()
  check(vim.bo.filetype == 'notes', 'filetype is %q', vim.bo.filetype)
  check(vim.fn.line('$') == 582, 'the corpus copy has %d lines, want 582', vim.fn.line('$'))
end)

test('syntax: every scope of the grammar is highlighted', function()
  check(vim.b.current_syntax == 'notes', 'b:current_syntax is %q', tostring(vim.b.current_syntax))
  -- { line, text to find, offset into it, expected group }
  local cases = {
    { 7, '[ ] ', 0, 'notesTaskOpen' },
    { 7, 'architecture', 0, 'notesPath' },
    { 32, ' -- ', 1, 'notesPathOperator' },
    { 32, '1 Atomicity', 0, 'notesOrdinal' },
    { 32, 'Atomicity', 0, 'notesPath' },
    { 32, ' = ', 1, 'notesSeparator' },
    { 32, 'transactions are', 0, 'notesDefinition' },
    { 219, '01b', 0, 'notesOrdinal' },
    { 4, '3 nines', 0, 'notesOrdinal' },
    { 4, 'nines /', 0, 'notesPath' },
    { 61, ' == ', 1, 'notesSeparator' },
    { 212, ': A live', 0, 'notesSeparator' },
    { 145, ' -> ', 1, 'notesSeparator' },
    { 145, 'see also', 0, 'notesSeeAlso' },
    { 478, ' ~ ', 1, 'notesSeparator' },
    { 478, 'elasticity', 0, 'notesRelated' },
    { 118, 'BFF', 0, 'notesAlias' },
    { 507, 'Twitter', 0, 'notesAlias' },
    { 114, 'backend-as-a-service', 0, 'notesGloss' },
    { 415, 'https://en.wikipedia.org', 0, 'notesUrl' },
    { 30, 'https://medium.com', 0, 'notesUrl' },
    { 313, 'jump server', 0, 'notesReference' },
    { 277, '+++', 0, 'notesImportant' },
    { 349, ' =', 1, 'notesSeparator' },
    -- A `: ` inside a definition body is body text, not a second separator.
    { 33, 'constraints:', 11, 'notesDefinition' },
    -- A second separator in a body is body text.
    { 455, '-> reactive', 0, 'notesDefinition' },
    -- ` -- ` in a body is not the path operator.
    { 197, ' -- read replica', 1, 'notesDefinition' },
  }
  local wrong = {}
  for _, c in ipairs(cases) do
    local col = find_col(c[1], c[2]) + c[3]
    local got = syn_name(c[1], col)
    if got ~= c[4] then
      table.insert(wrong, string.format('line %d at %q: %q, want %q', c[1], c[2], got, c[4]))
    end
  end
  check(#wrong == 0, '%s', table.concat(wrong, '; '))
end)

test('syntax: separators at the line end, a colon ending a URL, the first separator wins', function()
  -- Lines written here, not in the corpus: the edge cases of docs/format.md.
  local lines = {
    'term:', -- a colon definition may end the line
    'see https://example.com/a: b', -- a `:` inside a URL never counts
    'x (a = b) = c', -- the first separator from the left ends the head, even in parentheses
    'a ->', -- a see-also arrow ending the line
    'b:c d', -- no space after the colon: no separator
  }
  local scratch = vim.api.nvim_create_buf(true, true)
  vim.api.nvim_buf_set_lines(scratch, 0, -1, false, lines)
  local cases = {
    { 1, ':', 'notesSeparator' },
    { 2, '/a:', 'notesUrl', 2 },
    { 2, ' b', 'notesPath' },
    { 3, 'a = b', 'notesAlias' },
    { 3, ' = b', 'notesSeparator', 1 },
    { 3, 'b)', 'notesDefinition' },
    { 4, '->', 'notesSeparator' },
    { 5, ':c', 'notesPath' },
  }
  local wrong = {}
  vim.api.nvim_buf_call(scratch, function()
    vim.bo.filetype = 'notes'
    for _, c in ipairs(cases) do
      local col = find_col(c[1], c[2]) + (c[4] or 0)
      local got = syn_name(c[1], col)
      if got ~= c[3] then
        table.insert(wrong, string.format('%q at %q: %q, want %q', lines[c[1]], c[2], got, c[3]))
      end
    end
  end)
  vim.api.nvim_buf_delete(scratch, { force = true })
  check(#wrong == 0, '%s', table.concat(wrong, '; '))
end)

test('root: nearest ancestor with .notesls.json or .git, else none', function()
  local notesls = require('notesls')
  local base = dir .. '/roots'
  vim.fn.mkdir(base .. '/a/b/c', 'p')
  vim.fn.mkdir(base .. '/a/.git', 'p')
  vim.fn.writefile({ '{}' }, base .. '/a/b/.notesls.json')
  local markers = { '.notesls.json', '.git' }
  local function eq(got, want, what)
    check(got == want, '%s: got %s, want %s', what, tostring(got), tostring(want))
  end
  eq(notesls.find_root(base .. '/a/b/c', markers), base .. '/a/b', 'below .notesls.json')
  eq(notesls.find_root(base .. '/a/b', markers), base .. '/a/b', 'at .notesls.json')
  eq(notesls.find_root(base .. '/a', markers), base .. '/a', 'at .git')
  eq(notesls.find_root(base .. '/a/b/c', { '.git' }), base .. '/a', '.git only')
  eq(notesls.find_root(base .. '/a/b/c', { { '.git', '.notesls.json' } }), base .. '/a/b', 'nested markers (0.11.3+ form)')
  eq(notesls.find_root(base .. '/a/b/c', { '.no-such-marker-notesls' }), nil, 'no marker')
  -- The corpus copy has no marker above it inside the test dir: its root is its directory
  -- unless something above the temporary directory carries a marker.
  local root = notesls.root_dir(buf)
  local above = notesls.find_root(dir, markers)
  eq(root, above or (dir .. '/ws'), 'root of the corpus buffer')
end)

test('lsp/notesls.lua: the 0.11 runtime config has cmd, filetypes, settings and the root', function()
  local plugin = os.getenv('NOTESLS_NVIM_PLUGIN')
  local config = dofile(plugin .. '/lsp/notesls.lua')
  check(type(config) == 'table', 'lsp/notesls.lua returned %s', type(config))
  check(vim.deep_equal(config.cmd, { os.getenv('NOTESLS_CMD') }), 'cmd %s', vim.inspect(config.cmd))
  check(vim.deep_equal(config.filetypes, { 'notes' }), 'filetypes %s', vim.inspect(config.filetypes))
  check(config.settings == nil and config.init_options == nil, 'settings sent although none were given')
  local root
  config.root_dir(buf, function(dir)
    root = dir
  end)
  check(root == require('notesls').root_dir(buf), 'root_dir gave %s', tostring(root))
  check(type(config.on_attach) == 'function', 'no on_attach')
  local with = require('notesls').lsp_config({
    cmd = { 'notesls' },
    filetypes = { 'notes' },
    root_markers = { '.git' },
    settings = { rules = {}, sorting = false },
  })
  check(
    vim.deep_equal(with.init_options, { sorting = false }) and vim.deep_equal(with.settings, { notesls = { sorting = false } }),
    'settings payload: init_options %s, settings %s',
    vim.inspect(with.init_options),
    vim.inspect(with.settings)
  )
end)

test('client: one notesls client attached, keymaps and omnifunc set', function()
  wait(function()
    return #notes_clients(buf) == 1
  end, 'a notesls client on the corpus buffer')
  local client = the_client(buf)
  wait(function()
    return client.server_capabilities ~= nil
  end, 'initialize')
  local stopped = vim.fn.has('nvim-0.11') == 1 and client:is_stopped() or (vim.fn.has('nvim-0.11') == 0 and client.is_stopped())
  check(not stopped, 'the client stopped')
  local k = vim.fn.maparg('K', 'n', false, true)
  check(k.buffer == 1, 'K is not a buffer mapping: %s', vim.inspect(k))
  local gd = vim.fn.maparg('gd', 'n', false, true)
  check(gd.buffer == 1, 'gd is not a buffer mapping: %s', vim.inspect(gd))
  check(vim.bo[buf].omnifunc == 'v:lua.vim.lsp.omnifunc', 'omnifunc is %q', vim.bo[buf].omnifunc)

  -- setup({ keymaps = false }) leaves the buffer alone.
  local notesls = require('notesls')
  local saved = notesls.options.keymaps
  notesls.options.keymaps = false
  local scratch = vim.api.nvim_create_buf(true, true)
  notesls.on_attach(client, scratch)
  notesls.options.keymaps = saved
  vim.api.nvim_buf_call(scratch, function()
    local m = vim.fn.maparg('K', 'n', false, true)
    check(m.buffer ~= 1, 'keymaps = false still maps K: %s', vim.inspect(m))
    check(vim.bo.omnifunc == '', 'keymaps = false still sets omnifunc %q', vim.bo.omnifunc)
  end)
  vim.api.nvim_buf_delete(scratch, { force = true })
end)

test('diagnostics: exactly the corpus defects, with rule codes and severities', function()
  local S = vim.diagnostic.severity
  -- docs/format.md: a near-duplicate pair is reported at each name's first line.
  local want = {
    ['malformed-separator'] = { S.ERROR, { 83 } },
    ['empty-definition'] = { S.WARN, { 349, 350, 354 } },
    ['duplicate-url'] = { S.WARN, { 309 } },
    ['redundant-stub'] = { S.INFO, { 68, 382, 388, 488 } },
    ['near-duplicate'] = { S.INFO, { 334, 475, 88, 120, 434, 441, 38, 362, 293, 301, 568, 569 } },
    ['unbalanced-brackets'] = { S.WARN, { 39, 82, 149, 281 } },
  }
  local total = 0
  for _, w in pairs(want) do
    total = total + #w[2]
  end

  local function index()
    local got = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      got[tostring(d.code) .. '@' .. (d.lnum + 1)] = d
    end
    return got
  end
  local function complete(got)
    for rule, w in pairs(want) do
      for _, l in ipairs(w[2]) do
        if not got[rule .. '@' .. l] then
          return false
        end
      end
    end
    return true
  end
  local ok = vim.wait(TIMEOUT_MS, function()
    return complete(index())
  end, POLL_MS)

  local got = index()
  local problems = {}
  for rule, w in pairs(want) do
    for _, l in ipairs(w[2]) do
      local d = got[rule .. '@' .. l]
      if not d then
        table.insert(problems, string.format('missing %s on line %d', rule, l))
      elseif d.severity ~= w[1] then
        table.insert(problems, string.format('%s on line %d has severity %s, want %s', rule, l, d.severity, w[1]))
      end
    end
  end
  local all = vim.diagnostic.get(buf)
  for _, d in ipairs(all) do
    local l = d.lnum + 1
    if not (want[d.code] and vim.tbl_contains(want[d.code][2], l)) then
      table.insert(problems, string.format('unexpected %s on line %d: %s', tostring(d.code), l, d.message))
    end
    if d.source ~= 'notesls' then
      table.insert(problems, string.format('line %d: source %q, want "notesls"', l, tostring(d.source)))
    end
  end
  if #all ~= total then
    table.insert(problems, string.format('%d diagnostics, want %d', #all, total))
  end
  -- The range arrives converted from UTF-16 to bytes: malformed-separator underlines
  -- the run of hyphens in `API --gateway`.
  local d = got['malformed-separator@83']
  if d then
    local s = find_col(83, '--') - 1
    if d.col ~= s or d.end_col ~= s + 2 or d.end_lnum ~= 82 then
      table.insert(problems, string.format('malformed-separator range %d:%d-%d:%d, want 82:%d-82:%d', d.lnum, d.col, d.end_lnum, d.end_col, s, s + 2))
    end
  end
  check(ok and #problems == 0, '%s%s', ok and '' or 'timed out; ', table.concat(problems, '; '))
end)

local CAP_URL = 'https://www.infoq.com/articles/cap-twelve-years-later-how-the-rules-have-changed/'

test('hover: CAP in line 415 shows its entry with the URL of line 141', function()
  check(vim.fn.getline(141):find(CAP_URL, 1, true), 'line 141 does not hold the CAP URL')
  local col = find_col(415, 'of CAP ') + 3
  local result = request(buf, 'textDocument/hover', position_params(buf, 415, col))
  check(result ~= nil and result.contents ~= nil, 'no hover at CAP in line 415')
  local text = table.concat(vim.lsp.util.convert_input_to_markdown_lines(result.contents), '\n')
  check(text:find(CAP_URL, 1, true), 'hover text lacks %s:\n%s', CAP_URL, text)
end)

test('hover: K opens a float with the hover', function()
  local col = find_col(415, 'of CAP ') + 3
  vim.api.nvim_win_set_cursor(0, { 415, col - 1 })
  local main_win = vim.api.nvim_get_current_win()
  vim.api.nvim_feedkeys('K', 'mx', false)
  local float
  wait(function()
    for _, w in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(w).relative ~= '' then
        local lines = vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(w), 0, -1, false)
        if table.concat(lines, '\n'):find(CAP_URL, 1, true) then
          float = w
          return true
        end
      end
    end
    return false
  end, 'a floating window showing the CAP hover')
  -- Neovim 0.7-0.9 conceal only bold in a float: link syntax would be read raw.
  local shown = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(float), 0, -1, false), '\n')
  for _, raw in ipairs({ '](', '<http', '**', 'file://' }) do
    check(not shown:find(raw, 1, true), 'the hover float shows raw %q:\n%s', raw, shown)
  end
  check(shown:find('system-design.notes:141', 1, true), 'the float does not name line 141:\n%s', shown)
  vim.api.nvim_win_close(float, true)
  vim.api.nvim_set_current_win(main_win)
end)

test('definition: [[jump server]] in line 313 jumps to line 312', function()
  local col = find_col(313, '[[jump server]]') + 2
  vim.api.nvim_win_set_cursor(0, { 313, col - 1 })
  vim.lsp.buf.definition()
  local ok = vim.wait(TIMEOUT_MS, function()
    return vim.fn.line('.') == 312
  end, POLL_MS)
  check(ok, 'cursor is on line %d of %s, want 312', vim.fn.line('.'), vim.fn.expand('%:t'))
  check(vim.api.nvim_get_current_buf() == buf, 'the jump left the corpus buffer')
end)

test('completion: after "data store -- database -- " offers sharding', function()
  local text = 'data store -- database -- '
  vim.api.nvim_buf_set_lines(buf, -1, -1, false, { text })
  local lnum = vim.fn.line('$')
  local params = position_params(buf, lnum, 1)
  params.position.character = #text -- ASCII: bytes equal UTF-16 units
  params.context = { triggerKind = 1 }
  local result = request(buf, 'textDocument/completion', params)
  check(result ~= nil, 'no completion result')
  local items = result.items or result
  local labels = {}
  for _, item in ipairs(items) do
    table.insert(labels, item.label)
    if item.label == 'sharding' then
      return
    end
  end
  error(string.format('no "sharding" among %d items: %s', #labels, table.concat(labels, ', ')))
end)

test('client: reused within a workspace root, another root gets its own', function()
  local first = the_client(buf).id
  local same = dir .. '/ws/second.notes'
  vim.fn.writefile({ 'nvim plugin test file = a second file in the same workspace' }, same)
  vim.cmd('edit ' .. vim.fn.fnameescape(same))
  local b2 = vim.api.nvim_get_current_buf()
  check(vim.bo[b2].filetype == 'notes', 'second.notes has filetype %q', vim.bo[b2].filetype)
  wait(function()
    return #notes_clients(b2) == 1
  end, 'a client on second.notes')
  check(the_client(b2).id == first, 'second.notes got client %d, the corpus has %d', the_client(b2).id, first)

  vim.fn.mkdir(dir .. '/other', 'p')
  vim.fn.writefile({ '{}' }, dir .. '/other/.notesls.json')
  local other = dir .. '/other/other.notes'
  vim.fn.writefile({ 'another root = its own server' }, other)
  vim.cmd('edit ' .. vim.fn.fnameescape(other))
  local b3 = vim.api.nvim_get_current_buf()
  wait(function()
    return #notes_clients(b3) == 1
  end, 'a client on other/other.notes')
  local c3 = the_client(b3)
  check(c3.id ~= first, 'other/other.notes shares client %d with another root', first)
  check(c3.config.root_dir == dir .. '/other', 'root_dir %q, want %q', tostring(c3.config.root_dir), dir .. '/other')
end)

test('settings: rules sent by setup() reach the server (near-duplicate off)', function()
  local notesls = require('notesls')
  notesls.setup({
    cmd = { os.getenv('NOTESLS_CMD') },
    settings = { rules = { ['near-duplicate'] = 'off', ['empty-definition'] = 'error' } },
  })
  local quiet = dir .. '/quiet'
  vim.fn.mkdir(quiet .. '/.git', 'p')
  local lines = vim.fn.readfile(corpus)
  check(#lines >= 582, 'corpus copy on disk has %d lines', #lines)
  vim.fn.writefile(lines, quiet .. '/system-design.notes')
  vim.cmd('edit ' .. vim.fn.fnameescape(quiet .. '/system-design.notes'))
  local b = vim.api.nvim_get_current_buf()
  wait(function()
    return #notes_clients(b) == 1
  end, 'a client on quiet/system-design.notes')
  check(the_client(b).config.root_dir == quiet, 'root_dir %q, want %q', tostring(the_client(b).config.root_dir), quiet)
  local S = vim.diagnostic.severity
  local function find(code, lnum)
    for _, d in ipairs(vim.diagnostic.get(b)) do
      if d.code == code and d.lnum + 1 == lnum then
        return d
      end
    end
  end
  wait(function()
    local d = find('empty-definition', 349)
    return find('malformed-separator', 83) ~= nil and d ~= nil and d.severity == S.ERROR
  end, 'malformed-separator on 83 and empty-definition raised to error on 349')
  local near = 0
  for _, d in ipairs(vim.diagnostic.get(b)) do
    if d.code == 'near-duplicate' then
      near = near + 1
    end
  end
  check(near == 0, '%d near-duplicate diagnostics although the rule is off', near)
end)

test('code action: fix-all, offered without its edit, is resolved and fixes line 83 as --fix does', function()
  vim.api.nvim_set_current_buf(buf)
  local before = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  check(before[83]:find('API --gateway', 1, true), 'line 83 is not the malformed one: %q', before[83])
  local offered
  local select = vim.ui.select
  vim.ui.select = function(items, opts, on_choice)
    for _, item in ipairs(items) do
      if item[2].title:find('^Fix all') then
        offered = item[2]
        return on_choice(item)
      end
    end
    on_choice(nil)
  end
  vim.api.nvim_win_set_cursor(0, { 83, 0 })
  vim.lsp.buf.code_action({ only = { 'source.fixAll.notesls' } })
  -- Fixed, line 83 moves to its sorted place, as --fix puts it.
  local function fixed()
    local text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
    return text:find('\nAPI -- gateway\n', 1, true) ~= nil and not text:find('API --gateway', 1, true)
  end
  local ok = vim.wait(TIMEOUT_MS, fixed, POLL_MS)
  vim.ui.select = select
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, before) -- as it was, for the tests after
  check(offered ~= nil, 'no fix-all action was offered')
  check(offered.edit == nil and offered.data ~= nil, 'fix-all came with its edit, not for codeAction/resolve: %s', vim.inspect(offered))
  check(ok, 'after fix-all the buffer still lacks "API -- gateway" or holds "API --gateway"')
end)

test(':checkhealth notesls reports the server and the running clients', function()
  vim.cmd('silent checkhealth notesls')
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  vim.cmd('bwipeout!')
  check(text:find('OK[^\n]-server: ' .. vim.pesc(os.getenv('NOTESLS_CMD'))), 'no OK for the server in:\n%s', text)
  check(text:find('client %d+ running, root ' .. vim.pesc(dir) .. '/ws'), 'no running client for ws in:\n%s', text)
  check(not text:find('ERROR'), 'an ERROR in:\n%s', text)
end)

-- Neovim 0.7-0.10 log every stderr line of a server as "[ERROR] rpc stderr": in normal
-- use the server must write none.
test('log: the server wrote nothing to stderr in normal use', function()
  local f = io.open(log_path, 'r')
  local added = ''
  if f then
    f:seek('set', log_start)
    added = f:read('*a') or ''
    f:close()
  end
  check(not added:find('stderr', 1, true), 'stderr lines in the LSP log:\n%s', added:sub(-2000))
end)

out(string.format('nvim: %d passed, %d failed', results.passed, results.failed))
if results.failed > 0 then
  -- The server's stderr lands in Neovim's LSP log; show what this run added.
  local f = io.open(log_path, 'r')
  if f then
    f:seek('set', log_start)
    local tail = f:read('*a') or ''
    f:close()
    if tail ~= '' then
      out('--- LSP log (' .. log_path .. ') of this run, last 4000 bytes:')
      out(tail:sub(-4000))
    end
  end
  vim.cmd('cquit 1')
else
  vim.cmd('qall!')
end
