-- nvim_test.lua — drives faultline.nvim (editors/nvim) in headless Neovim against the real
-- `faultline serve`, on the file given on the command line.
--
-- Environment in: FL_PLUGIN (editors/nvim), FL_SERVER (the faultline binary), FL_OUT (result
-- JSON), FL_POLYFILL_START=1 to give Neovim 0.7 a stand-in vim.lsp.start (built on
-- start_client + buf_attach_client) so the plugin's 0.8+ code path runs, FL_BASE (the base
-- branch for the change-scoped plan).
-- Out: FL_OUT with {checks = [{name, ok, detail}], ...}; exit 0 when every check passed,
-- 1 otherwise (via :cquit).
local plugin = assert(os.getenv('FL_PLUGIN'), 'FL_PLUGIN not set')
local server = assert(os.getenv('FL_SERVER'), 'FL_SERVER not set')
local out = os.getenv('FL_OUT') or 'nvim-plugin-result.json'
vim.opt.rtp:prepend(plugin)

local R = { checks = {}, nvim = tostring(vim.version().major) .. '.' .. vim.version().minor }
local failed = false
local function check(name, ok, detail)
  table.insert(R.checks, { name = name, ok = ok and true or false, detail = detail and tostring(detail) or vim.NIL })
  if not ok then failed = true end
end

local polyfill_calls = {}
if os.getenv('FL_POLYFILL_START') == '1' and not vim.lsp.start then
  -- Stand-in for Neovim 0.8's vim.lsp.start(config, {bufnr}): same contract (reuse a client
  -- with the same name and root_dir, attach the buffer, return the id).
  vim.lsp.start = function(config, opts)
    table.insert(polyfill_calls, { name = config.name, root_dir = config.root_dir, cmd = config.cmd,
                                   init_options = config.init_options })
    for _, c in pairs(vim.lsp.get_active_clients()) do
      if c.name == config.name and c.config.root_dir == config.root_dir then
        vim.lsp.buf_attach_client(opts.bufnr, c.id)
        return c.id
      end
    end
    local id = vim.lsp.start_client(config)
    if id then vim.lsp.buf_attach_client(opts.bufnr, id) end
    return id
  end
end

vim.g.faultline = { cmd = { server, 'serve' }, base = os.getenv('FL_BASE') or 'main', timeout_ms = 20000 }

local function finish()
  local f = assert(io.open(out, 'w'))
  f:write(vim.json.encode(R), '\n')
  f:close()
  for _, c in ipairs(R.checks) do
    io.stderr:write(string.format('%s %s%s\n', c.ok and 'ok  ' or 'FAIL', c.name,
      (c.detail ~= vim.NIL and c.detail) and (': ' .. c.detail) or ''))
  end
  if failed then vim.cmd('cquit 1') else vim.cmd('qall!') end
end

local function wait(ms, cond) return vim.wait(ms, cond, 20) end

local function main()
  local fl = require('faultline')
  local src = vim.api.nvim_get_current_buf()
  local fname = vim.api.nvim_buf_get_name(src)
  check('plugin loaded by plugin/faultline.lua', fl._setup_done == true)
  check('filetype detected', vim.bo[src].filetype ~= '', vim.bo[src].filetype)
  for _, cmd in ipairs({ 'FaultlinePlan', 'FaultlinePlanChange', 'FaultlineCoverage' }) do
    check('command :' .. cmd, vim.fn.exists(':' .. cmd) == 2)
  end

  -- 1. the server started for this filetype and initialized
  local client
  local up = wait(15000, function()
    client = fl.client(src)
    return client ~= nil and client.initialized == true
  end)
  check('server started and initialized', up)
  if not up then return finish() end
  check('client name', client.name == 'faultline', client.name)
  check('root dir is the project', client.config.root_dir == os.getenv('FL_ROOT'), client.config.root_dir)
  check('allowExecution off by default', client.config.init_options and client.config.init_options.allowExecution == false)
  if os.getenv('FL_POLYFILL_START') == '1' then
    check('0.8+ path: vim.lsp.start used', #polyfill_calls >= 1, vim.inspect(polyfill_calls[1]))
  else
    check('0.7 path: start_client', fl._clients[client.config.root_dir] == client.id)
  end

  -- 2. diagnostics from faultline on the file
  local diags = {}
  local got = wait(20000, function()
    diags = vim.tbl_filter(function(d) return d.source == 'faultline' end, vim.diagnostic.get(src))
    return #diags > 0
  end)
  check('faultline diagnostics shown', got, #diags .. ' diagnostics')
  R.diagnostics = #diags

  -- 3. hover at the first diagnostic
  if got then
    local d = diags[1]
    local params = { textDocument = { uri = vim.uri_from_bufnr(src) },
                     position = { line = d.lnum, character = d.col } }
    local res = vim.lsp.buf_request_sync(src, 'textDocument/hover', params, 10000) or {}
    local text = ''
    for _, r in pairs(res) do
      if r.result and r.result.contents then
        local c = r.result.contents
        text = type(c) == 'table' and (c.value or vim.inspect(c)) or tostring(c)
      end
    end
    check('hover on a site', text ~= '', text:sub(1, 120))
  end

  -- 4. :FaultlineCoverage for the current file
  local cov_buf, cov_items
  local cov_done = false
  fl.coverage(function(err, buf, items) cov_done, cov_buf, cov_items = true, buf, items; R.coverage_err = err end)
  wait(20000, function() return cov_done end)
  check('coverage answered', cov_done and cov_buf ~= nil, vim.inspect(R.coverage_err))
  if cov_buf then
    local lines = vim.api.nvim_buf_get_lines(cov_buf, 0, -1, false)
    R.coverage_lines = lines
    local rel = fname:sub(#client.config.root_dir + 2)
    check('coverage names the file', lines[1] == 'faultline coverage: ' .. rel, lines[1])
    local hyp = false
    for _, l in ipairs(lines) do if l:match('^H%d+ %[%a+%]') then hyp = true end end
    check('coverage lists hypotheses of this file with their status', hyp, table.concat(lines, ' | '):sub(1, 300))
    check('location list holds the sites', #vim.fn.getloclist(0) > 0 or (cov_items and #cov_items > 0),
      cov_items and #cov_items or 0)
    vim.cmd('close')
  end
  vim.api.nvim_set_current_buf(src)

  -- 5. :FaultlinePlan opens the project's plan
  local plan_done, plan_buf = false, nil
  fl.open_plan(function(err, buf) plan_done, plan_buf = true, buf; R.plan_err = err end)
  wait(30000, function() return plan_done end)
  check('plan opened', plan_buf ~= nil, vim.inspect(R.plan_err))
  if plan_buf then
    local first = vim.api.nvim_buf_get_lines(plan_buf, 0, 1, false)[1] or ''
    check('plan is the Markdown plan', first:match('^# Test Plan: ') ~= nil, vim.api.nvim_buf_get_name(plan_buf) .. ': ' .. first)
    vim.cmd('close')
  end
  vim.api.nvim_set_current_buf(src)

  -- 6. :FaultlinePlanChange main: a change-scoped plan against the base branch
  if os.getenv('FL_HAVE_PLAN') == '1' then
    local ch_done, ch_buf = false, nil
    fl.plan({ base = os.getenv('FL_BASE') or 'main' }, function(err, buf) ch_done, ch_buf = true, buf; R.change_err = err end)
    wait(30000, function() return ch_done end)
    check('change-scoped plan opened', ch_buf ~= nil, vim.inspect(R.change_err))
    if ch_buf then
      local text = table.concat(vim.api.nvim_buf_get_lines(ch_buf, 0, 12, false), '\n')
      check('plan is change-scoped', text:match('Plan mode: change%-scoped') ~= nil, text:sub(1, 200))
      local bname = vim.api.nvim_buf_get_name(ch_buf)
      check('change-scoped plan written under docs/testing-plans', bname:match('/docs/testing%-plans/[^/]+%.md$') ~= nil, bname)
    end
  else
    R.skipped = 'change-scoped plan: faultline help plan fails in this build'
  end
  finish()
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    local ok, err = xpcall(main, debug.traceback)
    if not ok then
      check('no Lua error', false, err)
      finish()
    end
  end,
})
