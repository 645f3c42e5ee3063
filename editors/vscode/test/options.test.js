// options.test.js — unit tests of out/options.js (how the extension starts and talks to the
// server) and of the manifest's settings. Run: node --test test/ (after tsc).
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const o = require('../out/options.js');
const pkg = require('../package.json');
const lock = require('../package-lock.json');

test('defaults: faultline on PATH, execution off', () => {
  const s = o.readSettings((k, d) => d);
  assert.deepEqual(s, { serverPath: 'faultline', serverArgs: [], allowExecution: false });
  assert.deepEqual(o.serverOptions(s).run, { command: 'faultline', args: ['serve'] });
  assert.deepEqual(o.serverOptions(s).debug, o.serverOptions(s).run);
  assert.equal(o.serverOptions(s).run.transport, undefined, 'no transport: the client adds no --stdio');
});

test('settings are sanitised', () => {
  const vals = { 'server.path': '  /opt/fl/faultline ', 'server.args': ['--x', 3, null], allowExecution: 'yes' };
  const s = o.readSettings((k, d) => (k in vals ? vals[k] : d));
  assert.equal(s.serverPath, '/opt/fl/faultline');
  assert.deepEqual(s.serverArgs, ['--x']);
  assert.equal(s.allowExecution, false, 'only a real true turns execution on');
  assert.deepEqual(o.serverOptions(s).run.args, ['serve', '--x']);
  assert.equal(o.readSettings((k, d) => (k === 'server.path' ? '' : d)).serverPath, 'faultline');
});

test('execution needs the setting AND a trusted workspace', () => {
  const on = { serverPath: 'faultline', serverArgs: [], allowExecution: true };
  const off = { ...on, allowExecution: false };
  assert.equal(o.executionAllowed(on, true), true);
  assert.equal(o.executionAllowed(on, false), false);
  assert.equal(o.executionAllowed(off, true), false);
  assert.deepEqual(o.clientOptions(on, false).initializationOptions, { allowExecution: false });
  assert.deepEqual(o.clientOptions(on, true).initializationOptions, { allowExecution: true });
});

test('client options: file documents of every analysed language', () => {
  const c = o.clientOptions(o.DEFAULT_SETTINGS, true);
  const langs = c.documentSelector.map((d) => d.language);
  for (const l of ['go', 'c', 'cpp', 'java', 'python', 'rust', 'javascript', 'typescript']) assert.ok(langs.includes(l), l);
  assert.ok(c.documentSelector.every((d) => d.scheme === 'file'));
  assert.equal(c.diagnosticCollectionName, 'faultline');
  // every language is also an activation event
  for (const l of langs) assert.ok(pkg.activationEvents.includes(`onLanguage:${l}`), `activation for ${l}`);
});

test('request params', () => {
  assert.deepEqual(o.planParams(), { scope: 'project', write: true });
  assert.deepEqual(o.planParams('  '), { scope: 'project', write: true });
  assert.deepEqual(o.planParams('main'), { scope: 'change', base: 'main', write: true });
  assert.deepEqual(o.planParams('main', 'HEAD'), { scope: 'change', base: 'main', head: 'HEAD', write: true });
  assert.equal(o.planMarkdownPath({ written: ['/r/docs/testing-plans/a.json', '/r/docs/testing-plans/a.md'] }), '/r/docs/testing-plans/a.md');
  assert.equal(o.planMarkdownPath({ written: [] }), undefined);
  assert.equal(o.planMarkdownPath(null), undefined);
  assert.deepEqual(o.runParams('/p.json'), { plan: '/p.json' });
  assert.deepEqual(o.runParams('/p.json', ' S2 ', 7), { plan: '/p.json', scenario: 'S2', seed: 7 });
  assert.deepEqual(o.runParams('/p.json', '', 1.5), { plan: '/p.json' });
  assert.deepEqual(o.planCliArgs('/r'), ['plan', '--repo', '/r']);
  assert.deepEqual(o.planCliArgs('/r', 'main'), ['plan', '--repo', '/r', '--base', 'main']);
  assert.equal(o.writtenMarkdown('wrote /r/docs/testing-plans/a.md\nwrote /r/docs/testing-plans/a.json\n'), '/r/docs/testing-plans/a.md');
  assert.equal(o.writtenMarkdown('nothing'), undefined);
  assert.equal(o.planNeedsCli({ code: -32803 }), true);
  assert.equal(o.planNeedsCli({ code: -32601 }), true);
  assert.equal(o.planNeedsCli({ code: -32602 }), false);
});

test('manifest: settings, trust, commands, pinned client', () => {
  const props = pkg.contributes.configuration.properties;
  assert.equal(props['faultline.allowExecution'].default, false);
  assert.equal(props['faultline.server.path'].default, 'faultline');
  assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('faultline.allowExecution'));
  const cmds = pkg.contributes.commands.map((c) => c.command);
  for (const c of ['faultline.plan', 'faultline.planChange', 'faultline.run', 'faultline.coverage']) assert.ok(cmds.includes(c), c);
  assert.equal(pkg.contributes.views.explorer[0].id, 'faultline.coverage');
  // pinned exactly, and the lock holds that version
  assert.match(pkg.dependencies['vscode-languageclient'], /^\d+\.\d+\.\d+$/);
  assert.equal(lock.packages['node_modules/vscode-languageclient'].version, pkg.dependencies['vscode-languageclient']);
  for (const [k, v] of Object.entries(pkg.devDependencies)) assert.match(v, /^\d+\.\d+\.\d+$/, `${k} pinned`);
  // the server's own command ids must not clash with ours (the client registers them)
  assert.ok(!cmds.some((c) => ['faultline.addScenario', 'faultline.markReviewed', 'faultline.reanalyze', 'faultline.showCoverage'].includes(c)));
});

test('run results', () => {
  assert.equal(o.runExitText(0), 'no FAIL');
  assert.equal(o.runExitText(1), 'a scenario FAILed');
  assert.equal(o.runExitText(3), 'nothing could run (environment)');
  assert.equal(o.reportFromLog('S1: FAIL-reproducible\nsession verdict: FAIL (report: test-sessions/x/1/report.md)\n'), 'test-sessions/x/1/report.md');
  assert.equal(o.reportFromLog('nothing'), undefined);
});
