-- faultline.nvim — starts `faultline serve` for the buffers of supported filetypes and adds
-- commands for test plans and coverage.
--
-- Data in: the user's options (setup{} or vim.g.faultline), buffers as they are opened, and the
-- server's answers (diagnostics, hovers and lenses go through Neovim's own LSP client; the
-- faultline/plan and faultline/coverage answers come back to the handlers below).
-- Data out: one language-server client per project root, the :Faultline* commands, a scratch
-- buffer with the coverage of the current file and a location list of its sites, and the
-- plan's Markdown opened in a split.
--
-- Works on Neovim 0.7 (vim.lsp.start_client + vim.lsp.buf_attach_client) and on 0.8 and later
-- (vim.lsp.start, which reuses a client with the same name and root by itself).

local M = {}

M.defaults = {
  -- the server command; a string is split on white space
  cmd = { 'faultline', 'serve' },
  filetypes = { 'go', 'c', 'cpp', 'java', 'python', 'rust', 'javascript', 'javascriptreact',
                'typescript', 'typescriptreact' },
  -- the project root is the nearest folder upwards holding one of these
  root_markers = { '.git', 'docs/testing-plans', 'go.mod', 'Cargo.toml', 'pyproject.toml',
                   'package.json', 'pom.xml', 'CMakeLists.txt' },
  -- let the server run plans (faultline/run). Off: opening a folder never runs its commands.
  allow_execution = false,
  -- the base branch for :FaultlinePlanChange without an argument
  base = 'main',
  -- how plans open: 'split', 'vsplit', 'tabedit' or 'edit'
  open_cmd = 'split',
  -- milliseconds to wait for a request before giving up
  timeout_ms = 60000,
}

M.config = vim.deepcopy(M.defaults)
M._clients = {} -- root -> client id (the 0.7 path only)

local uv = vim.loop

local function notify(msg, level)
  vim.notify('faultline: ' .. msg, level or vim.log.levels.INFO)
end

local function split_cmd(cmd)
  if type(cmd) == 'string' then return vim.split(cmd, '%s+', { trimempty = true }) end
  return vim.deepcopy(cmd)
end

local function exists(path) return uv.fs_stat(path) ~= nil end

local function dirname(path) return vim.fn.fnamemodify(path, ':h') end

-- The nearest folder at or above the buffer's file that holds a root marker; the file's own
-- folder when there is none.
function M.root_dir(path)
  local dir = dirname(vim.fn.fnamemodify(path, ':p'))
  local d = dir
  while d and d ~= '' do
    for _, m in ipairs(M.config.root_markers) do
      if exists(d .. '/' .. m) then return d end
    end
    local parent = dirname(d)
    if parent == d then break end
    d = parent
  end
  return dir
end

local function lsp_config(root)
  return {
    name = 'faultline',
    cmd = split_cmd(M.config.cmd),
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } },
    init_options = { allowExecution = M.config.allow_execution and true or false },
    flags = { debounce_text_changes = 150 },
  }
end

local function get_clients()
  if vim.lsp.get_clients then return vim.lsp.get_clients({ name = 'faultline' }) end
  local out = {}
  for _, c in pairs(vim.lsp.get_active_clients()) do
    if c.name == 'faultline' then table.insert(out, c) end
  end
  return out
end

-- The faultline client attached to bufnr (or serving its root), nil when there is none.
function M.client(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  for _, c in ipairs(get_clients()) do
    if c.attached_buffers and c.attached_buffers[bufnr] then return c end
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  local root = name ~= '' and M.root_dir(name) or vim.fn.getcwd()
  for _, c in ipairs(get_clients()) do
    if c.config and c.config.root_dir == root then return c end
  end
  return nil
end

-- Starts (or reuses) the server for the buffer's project and attaches the buffer.
-- Returns the client id, or nil when the buffer has no file or the server cannot start.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' or vim.bo[bufnr].buftype ~= '' then return nil end
  local root = M.root_dir(name)
  local cfg = lsp_config(root)
  if vim.fn.executable(cfg.cmd[1]) ~= 1 then
    notify(string.format("'%s' is not executable: install faultline or set cmd in require('faultline').setup{}",
      cfg.cmd[1]), vim.log.levels.ERROR)
    return nil
  end
  if vim.lsp.start then -- Neovim 0.8+
    return vim.lsp.start(cfg, { bufnr = bufnr })
  end
  local id = M._clients[root]
  if id and not vim.lsp.get_client_by_id(id) then id = nil end
  if not id then
    id = vim.lsp.start_client(cfg)
    if not id then return nil end
    M._clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

-- Sends a faultline/ request through the buffer's client; cb(err, result) runs on the main loop.
function M.request(bufnr, method, params, cb)
  local client = M.client(bufnr)
  if not client then
    cb({ code = -32099, message = 'no faultline server for this buffer (open a supported file first)' }, nil)
    return
  end
  local handler = function(err, result) cb(err, result) end
  local ok, sent = pcall(client.request, method, params, handler, bufnr)
  if not ok or sent == false then
    cb({ code = -32099, message = 'the faultline server is not running' }, nil)
  end
end

-- Synchronous variant for scripts and tests: returns err, result.
function M.request_sync(bufnr, method, params, timeout_ms)
  local done, e, r = false, nil, nil
  M.request(bufnr, method, params, function(err, result) done, e, r = true, err, result end)
  vim.wait(timeout_ms or M.config.timeout_ms, function() return done end, 20)
  if not done then return { code = -32800, message = method .. ' timed out' }, nil end
  return e, r
end

local function open_file(path)
  vim.cmd(M.config.open_cmd .. ' ' .. vim.fn.fnameescape(path))
  return vim.api.nvim_get_current_buf()
end

local function scratch(name, lines, ft)
  vim.cmd(M.config.open_cmd)
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_win_set_buf(0, buf)
  pcall(vim.api.nvim_buf_set_name, buf, name)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].bufhidden = 'wipe'
  if ft then vim.bo[buf].filetype = ft end
  return buf
end

local function md_of(json_path)
  local md = json_path:gsub('%.json$', '.md')
  if exists(md) then return md end
  return nil
end

-- Opens what a faultline/plan answer (or the command line) produced: a Markdown path, inline
-- Markdown, or the plan's JSON. Returns the buffer shown.
local function show_plan(root, result)
  if type(result) == 'table' then
    -- faultline/plan with write: {slug, early_exit, plan, markdown, written = {md, json}}
    for _, p in ipairs(type(result.written) == 'table' and result.written or {}) do
      if type(p) == 'string' and p:match('%.md$') and exists(p) then return open_file(p) end
    end
    for _, k in ipairs({ 'markdown_path', 'md_path', 'path_md', 'md', 'path' }) do
      local p = result[k]
      if type(p) == 'string' and p:match('%.md$') then
        if not p:match('^/') then p = root .. '/' .. p end
        if exists(p) then return open_file(p) end
      end
    end
    if type(result.json_path) == 'string' and md_of(result.json_path) then return open_file(md_of(result.json_path)) end
    if type(result.markdown) == 'string' then
      return scratch('faultline://plan', vim.split(result.markdown, '\n', { plain = true }), 'markdown')
    end
    if type(result.slug) == 'string' then
      local p = root .. '/docs/testing-plans/' .. result.slug .. '.md'
      if exists(p) then return open_file(p) end
    end
  end
  return scratch('faultline://plan.json', vim.split(vim.inspect(result), '\n', { plain = true }))
end

-- The command-line fallback when the server cannot make plans: `faultline plan --repo ROOT
-- [--base B]`, which writes docs/testing-plans/<slug>.md and prints "wrote <path>".
local function plan_cli(root, base, cb)
  local cmd = { split_cmd(M.config.cmd)[1], 'plan', '--repo', root }
  if base then vim.list_extend(cmd, { '--base', base }) end
  local out, errs = {}, {}
  local job = vim.fn.jobstart(cmd, {
    cwd = root,
    stdout_buffered = true,
    stderr_buffered = true,
    on_stdout = function(_, data) out = data or {} end,
    on_stderr = function(_, data) errs = data or {} end,
    on_exit = function(_, code)
      vim.schedule(function()
        local md
        for _, l in ipairs(out) do md = l:match('^wrote (.+%.md)$') or md end
        if code ~= 0 or not md then
          cb({ code = code, message = vim.trim(table.concat(errs, '\n')) ~= '' and vim.trim(table.concat(errs, '\n'))
            or ('faultline plan exited ' .. code) }, nil)
        else
          local note = nil
          for _, l in ipairs(out) do if l:match('^early exit') then note = l end end
          cb(nil, { markdown_path = md, note = note })
        end
      end)
    end,
  })
  if job <= 0 then cb({ code = -1, message = 'could not start ' .. cmd[1] }, nil) end
end

-- Requests a plan (project-wide, or change-scoped against base) and opens it. cb(err, bufnr)
-- is optional; errors are also reported with vim.notify.
function M.plan(opts, cb)
  opts = opts or {}
  cb = cb or function() end
  local bufnr = vim.api.nvim_get_current_buf()
  local client = M.client(bufnr)
  local root = client and client.config.root_dir or M.root_dir(vim.api.nvim_buf_get_name(bufnr))
  -- write: the server writes docs/testing-plans/<slug>.md and .json, as `faultline plan` does
  local params = { scope = opts.base and 'change' or 'project', base = opts.base, write = true }
  local function finish(err, result)
    if err then
      notify('plan failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return cb(err, nil)
    end
    local buf = show_plan(root, result)
    if type(result) == 'table' and result.note then notify(result.note) end
    if type(result) == 'table' and result.early_exit == true then
      notify('early exit: the change does not warrant a distributed test plan (the plan says why)')
    end
    cb(nil, buf)
  end
  if not client then return plan_cli(root, opts.base, finish) end
  M.request(bufnr, 'faultline/plan', params, function(err, result)
    -- a server built without the plan generator: use the command line
    if err and (err.code == -32601 or err.code == -32803) then return plan_cli(root, opts.base, finish) end
    finish(err, result)
  end)
end

-- Opens the project's plan: the Markdown of the first plan the server knows (faultline/coverage
-- lists them), else a new project-wide plan.
function M.open_plan(cb)
  cb = cb or function() end
  local bufnr = vim.api.nvim_get_current_buf()
  M.request(bufnr, 'faultline/coverage', vim.empty_dict(), function(err, result)
    if not err and result and type(result.plans) == 'table' then
      for _, p in ipairs(result.plans) do
        local md = type(p.path) == 'string' and md_of(p.path)
        if md then return cb(nil, open_file(md)) end
      end
    end
    M.plan({}, cb)
  end)
end

local function relpath(root, path)
  path = vim.fn.fnamemodify(path, ':p')
  if path:sub(1, #root + 1) == root .. '/' then return path:sub(#root + 2) end
  return path
end

-- The coverage lines and location-list items of the hypotheses whose sites are in `rel`.
function M.coverage_lines(result, rel, root, bufnr)
  local lines, items = {}, {}
  local s = result.summary or {}
  table.insert(lines, string.format('faultline coverage: %s', rel))
  table.insert(lines, string.format('workspace: %d uncovered, %d planned, %d pass, %d fail',
    s.uncovered or 0, s.planned or 0, s.pass or 0, s.fail or 0))
  table.insert(lines, '')
  local n = 0
  for _, h in ipairs(result.hypotheses or {}) do
    local here = {}
    for _, site in ipairs(h.sites or {}) do
      if site.path == rel then table.insert(here, site) end
    end
    if #here > 0 then
      n = n + 1
      local verdict = (h.verdict and h.verdict ~= '') and h.verdict or '-'
      local scen = (h.scenario and h.scenario ~= '') and h.scenario or '-'
      table.insert(lines, string.format('%s [%s] %s', h.id, h.status or '?', h.title or ''))
      table.insert(lines, string.format('    scenario %s, latest verdict %s', scen, verdict))
      for _, site in ipairs(here) do
        table.insert(lines, string.format('    %s:%d %s in %s', rel, site.line or 0, site.rule or '', site['function'] or ''))
        table.insert(items, { bufnr = bufnr, filename = root .. '/' .. rel, lnum = site.line or 1, col = 1,
                              text = string.format('%s [%s] %s %s', h.id, h.status or '?', scen, verdict) })
      end
    end
  end
  if n == 0 then
    table.insert(lines, 'no planned hypothesis has a site in this file')
    local diags = vim.diagnostic.get(bufnr)
    local mine = 0
    for _, d in ipairs(diags) do if d.source == 'faultline' then mine = mine + 1 end end
    table.insert(lines, string.format('(%d faultline diagnostics here: uncovered sites are warnings)', mine))
  end
  return lines, items
end

-- Shows the coverage of the current file: a scratch buffer and the location list.
function M.coverage(cb)
  cb = cb or function() end
  local bufnr = vim.api.nvim_get_current_buf()
  local win = vim.api.nvim_get_current_win()
  local client = M.client(bufnr)
  if not client then
    notify('no faultline server for this buffer', vim.log.levels.WARN)
    return cb({ message = 'no client' }, nil)
  end
  local root = client.config.root_dir
  local rel = relpath(root, vim.api.nvim_buf_get_name(bufnr))
  M.request(bufnr, 'faultline/coverage', vim.empty_dict(), function(err, result)
    if err then
      notify('coverage failed: ' .. (err.message or ''), vim.log.levels.ERROR)
      return cb(err, nil)
    end
    local lines, items = M.coverage_lines(result or {}, rel, root, bufnr)
    vim.fn.setloclist(win, {}, ' ', { title = 'faultline coverage: ' .. rel, items = items })
    local buf = scratch('faultline://coverage/' .. rel, lines)
    cb(nil, buf, items)
  end)
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  if opts and opts.filetypes then M.config.filetypes = opts.filetypes end
  if opts and opts.root_markers then M.config.root_markers = opts.root_markers end
  local group = vim.api.nvim_create_augroup('faultline', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args) M.attach(args.buf) end,
  })
  vim.api.nvim_create_user_command('FaultlinePlan', function() M.open_plan() end,
    { desc = "faultline: open the project's test plan" })
  vim.api.nvim_create_user_command('FaultlinePlanChange', function(a)
    M.plan({ base = (a.args ~= '' and a.args) or M.config.base })
  end, { nargs = '?', desc = 'faultline: plan tests for the changes against a base branch' })
  vim.api.nvim_create_user_command('FaultlineCoverage', function() M.coverage() end,
    { desc = 'faultline: coverage of the current file' })
  -- buffers already open when setup runs
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) and vim.tbl_contains(M.config.filetypes, vim.bo[b].filetype) then
      M.attach(b)
    end
  end
  M._setup_done = true
end

return M
