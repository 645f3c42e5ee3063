// protocol.test.js — the extension's client options against the real `faultline serve`, over
// vscode-jsonrpc (the framing and JSON-RPC code VS Code's client uses; VS Code itself cannot
// run here). Environment: FAULTLINE (the binary) and FL_WS (a git work tree with a plan under
// docs/testing-plans/, made by tests/editors/test_vscode.sh). Skipped when they are not set.
const test = require('node:test');
const assert = require('node:assert/strict');
const cp = require('child_process');
const fs = require('fs');
const path = require('path');
const url = require('url');
const rpc = require('vscode-jsonrpc/node');
const o = require('../out/options.js');
const m = require('../out/coverageModel.js');

const FAULTLINE = process.env.FAULTLINE;
const WS = process.env.FL_WS;
const skip = !FAULTLINE || !WS ? 'FAULTLINE and FL_WS are not set (run through ctest: editor_vscode)' : false;

// Starts the server exactly as the extension's serverOptions say, with its initializationOptions.
async function start(settings, trusted) {
  const so = o.serverOptions(settings).run;
  const proc = cp.spawn(so.command, so.args, { cwd: WS, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(proc.stdout), new rpc.StreamMessageWriter(proc.stdin));
  const published = [];
  const waiters = [];
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    published.push(p);
    for (const w of waiters.splice(0)) w();
  });
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('workspace/configuration', (p) => p.items.map(() => null));
  conn.onRequest('client/registerCapability', () => null);
  conn.onNotification(() => {});
  conn.listen();
  const rootUri = url.pathToFileURL(WS).href;
  const init = await conn.sendRequest('initialize', {
    processId: process.pid,
    clientInfo: { name: 'faultline-vscode-protocol-test' },
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: path.basename(WS) }],
    capabilities: {
      general: { positionEncodings: ['utf-16'] },
      textDocument: { publishDiagnostics: { relatedInformation: true }, hover: { contentFormat: ['markdown', 'plaintext'] },
                      synchronization: { didSave: true }, codeLens: {}, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } } },
      workspace: { workspaceFolders: true, executeCommand: {} },
      window: { workDoneProgress: true },
    },
    initializationOptions: o.clientOptions(settings, trusted).initializationOptions,
  });
  conn.sendNotification('initialized', {});
  const waitPublish = (uri, ms) => new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no publishDiagnostics for ${uri} in ${ms} ms; stderr: ${stderr.slice(-400)}`)), ms);
    const check = () => {
      const p = published.filter((x) => x.uri === uri && x.diagnostics.length > 0).pop();
      if (p) { clearTimeout(t); resolve(p); } else waiters.push(check);
    };
    check();
  });
  return { proc, conn, init, exited, waitPublish, stderr: () => stderr };
}

async function stop(s) {
  const r = await s.conn.sendRequest('shutdown');
  assert.equal(r, null, 'shutdown answers null');
  s.conn.sendNotification('exit');
  const ex = await s.exited;
  s.conn.dispose();
  return ex;
}

test('execution off: diagnostics, hover, coverage tree, plan, run refused, errors, clean exit', { skip, timeout: 60000 }, async () => {
  const settings = { ...o.DEFAULT_SETTINGS, serverPath: FAULTLINE, allowExecution: true };
  const s = await start(settings, /* trusted */ false); // set, but the workspace is not trusted
  const caps = s.init.capabilities;
  assert.equal(s.init.serverInfo.name, 'faultline');
  assert.ok(caps.hoverProvider, 'hover');
  assert.equal(caps.textDocumentSync.change, 2, 'incremental sync');
  assert.ok(Array.isArray(caps.executeCommandProvider.commands));

  const file = path.join(WS, 'server', 'lease.go');
  const uri = url.pathToFileURL(file).href;
  s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: fs.readFileSync(file, 'utf8') } });
  const pub = await s.waitPublish(uri, 20000);
  const d = pub.diagnostics[0];
  assert.equal(d.source, 'faultline');
  assert.equal(typeof d.code, 'string');
  assert.ok([1, 2, 3, 4].includes(d.severity));

  const hover = await s.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: d.range.start });
  assert.ok(hover && hover.contents, 'hover on a site');

  const cov = await s.conn.sendRequest('faultline/coverage', {});
  assert.ok(cov.plans.length >= 1, 'the plan is known');
  const plans = new Map(cov.plans.map((p) => [p.path, JSON.parse(fs.readFileSync(path.isAbsolute(p.path) ? p.path : path.join(WS, p.path), 'utf8'))]));
  const tree = m.buildCoverageTree(cov, plans);
  const claim = tree[0].children.find((n) => n.kind === 'claim' && n.children.some((h) => h.kind === 'hypothesis'));
  assert.ok(claim, 'a claim with hypotheses');
  const hyp = claim.children.find((h) => h.children.some((c) => c.kind === 'scenario'));
  assert.ok(hyp, 'a hypothesis with a scenario');
  const scen = hyp.children.find((c) => c.kind === 'scenario');
  assert.equal(scen.children[0].kind, 'verdict');

  // allowExecution was set but the workspace is untrusted: the server must refuse to run
  await assert.rejects(s.conn.sendRequest('faultline/run', o.runParams(path.join(WS, 'docs/testing-plans/x.json'))),
    (e) => e.code === -32803 && e.data && e.data.reason === 'execution-not-allowed');

  // a change-scoped plan through the server, or through the command line when it cannot plan
  let md;
  try {
    const r = await s.conn.sendRequest('faultline/plan', o.planParams('main'));
    assert.ok(r, 'faultline/plan answered');
    md = o.planMarkdownPath(r);
    assert.ok(md, 'the server wrote the Markdown plan: ' + JSON.stringify(r.written));
  } catch (e) {
    assert.ok(o.planNeedsCli(e), `faultline/plan failed with ${e.code}: ${e.message}`);
    const out = cp.execFileSync(settings.serverPath, o.planCliArgs(WS, 'main'), { cwd: WS, encoding: 'utf8' });
    md = o.writtenMarkdown(out);
  }
  assert.match(fs.readFileSync(path.isAbsolute(md) ? md : path.join(WS, md), 'utf8'), /Plan mode: change-scoped/);

  await assert.rejects(s.conn.sendRequest('faultline/no-such-method', {}), (e) => e.code === -32601);
  const ex = await stop(s);
  assert.deepEqual(ex, { code: 0, signal: null });
});

test('execution on in a trusted workspace: faultline/run runs the plan and reports its end', { skip, timeout: 90000 }, async () => {
  const s = await start({ ...o.DEFAULT_SETTINGS, serverPath: FAULTLINE, allowExecution: true }, true);
  const finished = new Promise((resolve) => s.conn.onNotification('faultline/runFinished', resolve));
  // FL_RUN_PLAN: the bundled Redis example, copied with free ports and a short workload
  const plan = process.env.FL_RUN_PLAN;
  assert.ok(plan, 'FL_RUN_PLAN is set by test_vscode.sh');
  const r = await s.conn.sendRequest('faultline/run', o.runParams(plan, 'S1', 7));
  assert.ok(Number.isInteger(r.pid), 'the server answers with the child pid');
  const done = await finished;
  assert.equal(done.pid, r.pid);
  assert.ok([0, 1, 3].includes(done.exitCode), 'faultline run ended with ' + done.exitCode + ': ' + o.runExitText(done.exitCode));
  const log = fs.readFileSync(done.log, 'utf8');
  const report = o.reportFromLog(log);
  assert.ok(report, 'the log names the report: ' + log.slice(-300));
  const reportPath = done.out ? path.join(done.out, 'report.md') : path.isAbsolute(report) ? report : path.join(WS, report);
  assert.ok(fs.existsSync(reportPath) || fs.existsSync(path.join(path.dirname(plan), report)), 'report exists: ' + reportPath);
  const ex = await stop(s);
  assert.equal(ex.code, 0);
});
