-- Headless Neovim (0.7+) end-to-end test of `blazes serve`: open the
-- unsealed word count, see BLZ001, apply the seal quick fix through
-- textDocument/codeAction + apply_workspace_edit, see it cleared.
-- Environment: BLAZES_BIN (the built binary), BLAZES_WORKDIR (a scratch
-- directory holding wc.blazes).

local function log(msg) io.stderr:write('[nvim-test] ' .. msg .. '\n') end
local function fail(msg)
  log('FAIL: ' .. msg)
  vim.cmd('cquit 1')
end

local bin = os.getenv('BLAZES_BIN')
local dir = os.getenv('BLAZES_WORKDIR')
if not bin or not dir then fail('BLAZES_BIN and BLAZES_WORKDIR must be set') end

local ok, err = pcall(function()
  local path = dir .. '/wc.blazes'
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()

  local client_id = vim.lsp.start_client({
    name = 'blazes',
    cmd = { bin, 'serve', '--logfile', dir .. '/serve.log', '--log-level', 'debug' },
    root_dir = dir,
    init_options = { inlayHints = { enabled = true } },
  })
  if not client_id then fail('start_client returned nil') end
  vim.lsp.buf_attach_client(buf, client_id)

  local function blz001()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
      if code == 'BLZ001' then return d end
    end
    return nil
  end

  if not vim.wait(20000, function() return blz001() ~= nil end, 50) then
    fail('no BLZ001 within 20s; diagnostics: ' .. vim.inspect(vim.diagnostic.get(buf)))
  end
  local d = blz001()
  log('saw BLZ001 at line ' .. (d.lnum + 1) .. ': ' .. d.message)

  local client = vim.lsp.get_client_by_id(client_id)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = {
      start = { line = d.lnum, character = d.col },
      ['end'] = { line = d.end_lnum or d.lnum, character = d.end_col or d.col },
    },
    context = { diagnostics = {} },
  }
  local resp = client.request_sync('textDocument/codeAction', params, 10000, buf)
  if not resp or resp.err then fail('codeAction failed: ' .. vim.inspect(resp)) end
  -- The preferred seal fix, as an editor's "apply preferred fix" picks it.
  local action
  for _, a in ipairs(resp.result or {}) do
    if a.kind == 'quickfix' and a.edit and a.isPreferred and a.title:lower():find('seal', 1, true) then action = a end
  end
  if not action then fail('no preferred seal quick fix among ' .. vim.inspect(resp.result)) end
  log('applying: ' .. action.title)
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or 'utf-16')

  if not vim.wait(20000, function() return blz001() == nil end, 50) then
    fail('BLZ001 still there after the fix; buffer:\n' .. table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n'))
  end
  log('BLZ001 cleared after the fix')

  -- Hover works too.
  local l = d.lnum
  local h = client.request_sync('textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = l, character = d.col + 1 },
  }, 10000, buf)
  if not h or h.err or not h.result then fail('hover failed: ' .. vim.inspect(h)) end
  log('hover ok')

  -- :BlazesExplain, the snippet of docs/editors.md, on a line with
  -- multi-byte characters before the cursor: the position must be in
  -- UTF-16 code units. Neovim 0.7 has no window/showDocument, so the
  -- server shows the explanation as a message.
  dofile(os.getenv('BLAZES_EXPLAIN_SNIPPET'))
  local shown, warned
  local show = vim.lsp.handlers['window/showMessage']
  vim.lsp.handlers['window/showMessage'] = function(err, result, ctx, config)
    shown = result.message
    return show(err, result, ctx, config)
  end
  local notify = vim.notify
  vim.notify = function(msg, level, opts)
    if level == vim.log.levels.WARN then warned = msg end
    return notify(msg, level, opts)
  end
  local target
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if line:find('^stream Count%.counts') then target = i end
  end
  if not target then fail('no stream Count.counts line') end
  local line = '/* ✓✓✓✓✓✓✓✓ */ stream Count.counts -> Commit.counts'
  vim.api.nvim_buf_set_lines(buf, target - 1, target, false, { line })
  vim.api.nvim_win_set_cursor(0, { target, line:find('counts ->', 1, true) - 1 }) -- (row, byte column)
  vim.cmd('BlazesExplain')
  if not vim.wait(20000, function() return shown ~= nil or warned ~= nil end, 50) then
    fail('no explanation shown within 20s')
  end
  if not shown then fail('explain failed: ' .. warned) end
  log('explanation shown:\n' .. shown)
  local first = shown:match('^[^\n]*')
  if not first:find('Count.counts', 1, true) or first:find('Commit', 1, true) then
    fail('explained the wrong thing (a byte column?): ' .. first)
  end

  client.stop()
  vim.wait(3000, function() return client.is_stopped() end, 50)
end)
if not ok then fail(tostring(err)) end
log('PASS')
vim.cmd('qall!')
