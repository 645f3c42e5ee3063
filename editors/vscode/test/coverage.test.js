// coverage.test.js — unit tests of out/coverageModel.js: the coverage tree is claims →
// hypotheses → scenarios → latest verdicts, with the worst status bubbling up.
const test = require('node:test');
const assert = require('node:assert/strict');
const m = require('../out/coverageModel.js');

const plan = {
  slug: 'p', claims: [
    { id: 'C1', text: 'acks are durable', category: 'durability' },
    { id: 'C2', text: 'one leader', category: 'safety', inferred: true },
    { id: 'C3', text: 'nobody tests me', category: 'liveness' }],
  hypotheses: [
    { id: 'H1', title: 'ack before fsync', claims: ['C1'], sites: ['s1'] },
    { id: 'H2', title: 'wall-clock lease', claims: ['C2'], sites: [] },
    { id: 'H3', title: 'orphan', claims: [], sites: [] }],
  scenarios: [
    { id: 'S1', name: 'acks_survive_kill', falsifies: ['C1'], closes: ['H1'] },
    { id: 'S2', name: 'one_leader_under_skew', falsifies: ['C2'], closes: ['H2'] }],
  sites: [{ id: 's1', path: 'server/wal.go', line: 36 }],
};
const cov = {
  plans: [{ path: 'docs/testing-plans/p.json', slug: 'p', scenarios: [
    { id: 'S1', name: 'acks_survive_kill', closes: ['H1'], verdict: 'FAIL-reproducible', session: 'test-sessions/p/1' },
    { id: 'S2', name: 'one_leader_under_skew', closes: ['H2'], verdict: '', session: '' }] }],
  hypotheses: [], summary: { uncovered: 1, planned: 1, pass: 0, fail: 1 },
};

test('verdict statuses', () => {
  assert.equal(m.verdictStatus('PASS-hardening'), 'pass');
  assert.equal(m.verdictStatus('FAIL-nondeterministic'), 'fail');
  assert.equal(m.verdictStatus('INCONCLUSIVE-env'), 'planned');
  assert.equal(m.verdictStatus('NOT-RUN'), 'planned');
  assert.equal(m.verdictStatus(''), 'planned');
  assert.equal(m.worst(['pass', 'planned', 'fail']), 'fail');
  assert.equal(m.worst(['pass', 'uncovered']), 'uncovered');
});

test('claims -> hypotheses -> scenarios -> latest verdicts', () => {
  const tree = m.buildCoverageTree(cov, new Map([['docs/testing-plans/p.json', plan]]));
  assert.equal(tree.length, 1);
  const p = tree[0];
  assert.equal(p.kind, 'plan');
  assert.equal(p.status, 'fail');
  const [c1, c2, c3, orphan] = p.children;
  assert.equal(c1.label, 'C1 acks are durable');
  assert.equal(c1.status, 'fail');
  const h1 = c1.children[0];
  assert.equal(h1.kind, 'hypothesis');
  assert.deepEqual(h1.location, { path: 'server/wal.go', line: 36 });
  const s1 = h1.children[0];
  assert.equal(s1.kind, 'scenario');
  assert.equal(s1.description, 'FAIL-reproducible');
  assert.equal(s1.children[0].kind, 'verdict');
  assert.equal(s1.children[0].label, 'FAIL-reproducible');
  assert.equal(s1.children[0].description, 'test-sessions/p/1');
  assert.equal(c2.description, 'safety (inferred)');
  assert.equal(c2.children[0].children[0].children[0].label, 'no verdict yet');
  assert.equal(c2.status, 'planned');
  assert.equal(c3.status, 'uncovered');
  assert.equal(c3.children[0].kind, 'note');
  assert.equal(orphan.label, 'hypotheses without a claim');
  assert.equal(orphan.children[0].status, 'uncovered');
  const ids = new Set();
  const walk = (n) => { assert.ok(!ids.has(n.id), 'unique id ' + n.id); ids.add(n.id); n.children.forEach(walk); };
  tree.forEach(walk);
});

test('server status wins; unreadable plans get a note', () => {
  const c = { ...cov, hypotheses: [{ id: 'H2', status: 'pass', plan: 'docs/testing-plans/p.json' }] };
  const tree = m.buildCoverageTree(c, new Map([['docs/testing-plans/p.json', plan]]));
  assert.equal(tree[0].children[1].children[0].status, 'pass');
  const bad = m.buildCoverageTree(cov, new Map([['docs/testing-plans/p.json', new Error('EACCES')]]));
  assert.equal(bad[0].children[0].kind, 'note');
  assert.equal(bad[0].children[0].description, 'EACCES');
  assert.match(m.summaryText(cov), /1 fail, 1 uncovered, 1 planned, 0 pass/);
});
