#!/usr/bin/env node
// validate.js — offline checks of faultline's PR-bot outputs.
//
//   node validate.js sarif FILE...    SARIF 2.1.0: the OASIS JSON schema (2.1.0-rtm.5, shipped
//                                     in @microsoft/jest-sarif) through ajv, plus what GitHub
//                                     code scanning needs of an upload, its recommended fields
//                                     (rule fullDescription and help, run columnKind) included
//   node validate.js rdjson FILE...   reviewdog's Diagnostic Format (one DiagnosticResult):
//                                     @umbrelladocs/rdformat-validator, strict, plus our checks
//   node validate.js selftest         each validator rejects known-bad documents
//
// Output: one line per file ("ok FILE" or "FAIL FILE: reasons"); exit 0 when all are valid,
// 1 when one is not, 2 on bad usage or an unreadable file.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv-draft-04');
const addFormats = require('ajv-formats');
const rd = require('@umbrelladocs/rdformat-validator');

const schemaFile = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
let sarifSchemaCheck;
function sarifSchema() {
  if (!sarifSchemaCheck) {
    // draft-04 schema; one of its patterns is not valid as a unicode RegExp, hence unicodeRegExp off
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    sarifSchemaCheck = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
  }
  return sarifSchemaCheck;
}

const nonEmpty = (v) => typeof v === 'string' && v.trim() !== '';
const relative = (u) => typeof u === 'string' && u !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(u) && !u.startsWith('/');

// What GitHub code scanning needs beyond the schema (its "SARIF support" page), the fields
// it recommends included: every problem fails the file.
function githubProblems(log) {
  const p = [];
  if (log.version !== '2.1.0') p.push('version must be 2.1.0');
  if (!nonEmpty(log.$schema)) p.push('$schema missing');
  if (!Array.isArray(log.runs) || log.runs.length === 0 || log.runs.length > 20) p.push('runs: 1..20 expected');
  (log.runs || []).forEach((run, ri) => {
    const d = run.tool && run.tool.driver;
    if (!d || !nonEmpty(d.name)) p.push(`runs[${ri}].tool.driver.name missing`);
    const rules = (d && d.rules) || [];
    const ids = new Set();
    rules.forEach((r, i) => {
      const at = `runs[${ri}].tool.driver.rules[${i}]`;
      if (!nonEmpty(r.id)) p.push(`${at}.id missing`);
      ids.add(r.id);
      if (!r.shortDescription || !nonEmpty(r.shortDescription.text)) p.push(`${at}.shortDescription.text missing`);
      for (const k of ['fullDescription', 'help'])
        if (!r[k] || !nonEmpty(r[k].text)) p.push(`${at}.${k}.text missing`);
      const tags = r.properties && r.properties.tags;
      if (tags && tags.length > 20) p.push(`${at}: more than 20 tags`);
    });
    if (run.columnKind !== 'utf16CodeUnits' && run.columnKind !== 'unicodeCodePoints') p.push(`runs[${ri}].columnKind not declared`);
    const results = run.results || [];
    if (results.length > 25000) p.push(`runs[${ri}]: more than 25000 results`);
    results.forEach((r, i) => {
      const at = `runs[${ri}].results[${i}]`;
      if (!r.message || !nonEmpty(r.message.text)) p.push(`${at}.message.text missing`);
      if (r.ruleId !== undefined && !ids.has(r.ruleId)) p.push(`${at}.ruleId ${r.ruleId} is not a rule of the driver`);
      if (r.ruleIndex !== undefined && (!rules[r.ruleIndex] || rules[r.ruleIndex].id !== r.ruleId)) p.push(`${at}.ruleIndex does not point at ${r.ruleId}`);
      const locs = r.locations || [];
      if (locs.length < 1 || locs.length > 10) p.push(`${at}: 1..10 locations expected, got ${locs.length}`);
      locs.forEach((l, li) => {
        const pl = l.physicalLocation || {};
        const uri = pl.artifactLocation && pl.artifactLocation.uri;
        if (!relative(uri)) p.push(`${at}.locations[${li}]: uri must be relative to the repository, got ${JSON.stringify(uri)}`);
        const g = pl.region || {};
        if (!(Number.isInteger(g.startLine) && g.startLine >= 1)) p.push(`${at}.locations[${li}].region.startLine must be >= 1`);
        if (g.endLine !== undefined && g.endLine < g.startLine) p.push(`${at}.locations[${li}]: endLine before startLine`);
        if (g.endLine === g.startLine && g.endColumn !== undefined && g.startColumn !== undefined && g.endColumn < g.startColumn)
          p.push(`${at}.locations[${li}]: endColumn before startColumn`);
      });
    });
  });
  return p;
}

function checkSarif(log) {
  const v = sarifSchema();
  const problems = v(log) ? [] : v.errors.map((e) => `schema: ${e.instancePath || '/'} ${e.message}`);
  return problems.concat(githubProblems(log));
}

async function checkRdjson(obj) {
  const res = await rd.validate(JSON.stringify(obj), { strictMode: true, allowExtraFields: false });
  const p = res.valid ? [] : (res.errors || []).map((e) => `rdformat: ${e.path || ''} ${e.message}`);
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return p.concat('one DiagnosticResult object expected');
  if (!obj.source || !nonEmpty(obj.source.name)) p.push('source.name missing');
  (obj.diagnostics || []).forEach((d, i) => {
    const at = `diagnostics[${i}]`;
    if (!nonEmpty(d.message)) p.push(`${at}.message missing`);
    if (d.severity !== undefined && !['ERROR', 'WARNING', 'INFO', 'UNKNOWN_SEVERITY'].includes(d.severity)) p.push(`${at}.severity ${d.severity}`);
    const l = d.location;
    if (!l || !relative(l.path)) p.push(`${at}.location.path must be relative`);
    const s = l && l.range && l.range.start;
    if (s && !(s.line >= 1 && (s.column === undefined || s.column >= 1))) p.push(`${at}: lines and columns are 1-based`);
    const e = l && l.range && l.range.end;
    if (s && e && (e.line < s.line || (e.line === s.line && e.column !== undefined && e.column < s.column))) p.push(`${at}: range ends before it starts`);
  });
  return p;
}

async function runFiles(kind, files) {
  let bad = 0;
  for (const f of files) {
    let obj;
    try {
      obj = JSON.parse(fs.readFileSync(f, 'utf8'));
    } catch (e) {
      console.log(`FAIL ${f}: not readable JSON: ${e.message}`);
      process.exitCode = 2;
      return;
    }
    const p = kind === 'sarif' ? checkSarif(obj) : await checkRdjson(obj);
    if (p.length) { bad++; console.log(`FAIL ${f}: ${p.slice(0, 10).join('; ')}`); } else console.log(`ok ${f}`);
  }
  process.exitCode = bad ? 1 : 0;
}

async function selftest() {
  const good = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0',
    runs: [{ tool: { driver: { name: 'x', rules: [{ id: 'r', shortDescription: { text: 's' }, fullDescription: { text: 'f' }, help: { text: 'h' } }] } },
      columnKind: 'utf16CodeUnits',
      results: [{ ruleId: 'r', ruleIndex: 0, level: 'warning', message: { text: 'm' },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'a.go' }, region: { startLine: 1, startColumn: 2, endLine: 1, endColumn: 3 } } }] }] }],
  };
  const bads = {
    'bad level': (l) => { l.runs[0].results[0].level = 'severe'; },
    'extra root property': (l) => { l.extra = 1; },
    'rule without help': (l) => { delete l.runs[0].tool.driver.rules[0].help; },
    'rule without fullDescription': (l) => { delete l.runs[0].tool.driver.rules[0].fullDescription; },
    'run without columnKind': (l) => { delete l.runs[0].columnKind; },
    'result without location': (l) => { delete l.runs[0].results[0].locations; },
    'absolute uri': (l) => { l.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = '/abs/a.go'; },
    'line 0': (l) => { l.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0; },
  };
  let failed = 0;
  const say = (ok, what) => { if (!ok) failed++; console.log(`${ok ? 'ok' : 'FAIL'} selftest: ${what}`); };
  say(checkSarif(good).length === 0, 'a good SARIF log passes: ' + checkSarif(good).join('; '));
  for (const [name, f] of Object.entries(bads)) {
    const l = JSON.parse(JSON.stringify(good));
    f(l);
    say(checkSarif(l).length > 0, `SARIF ${name} is rejected`);
  }
  const rgood = { source: { name: 'faultline' }, severity: 'WARNING', diagnostics: [{ message: 'm', severity: 'WARNING',
    location: { path: 'a.go', range: { start: { line: 1, column: 2 }, end: { line: 1, column: 3 } } } }] };
  say((await checkRdjson(rgood)).length === 0, 'a good rdjson passes: ' + (await checkRdjson(rgood)).join('; '));
  const rbads = {
    'no message': (o) => { delete o.diagnostics[0].message; },
    'bad severity': (o) => { o.diagnostics[0].severity = 'SEVERE'; },
    'column 0': (o) => { o.diagnostics[0].location.range.start.column = 0; },
    'absolute path': (o) => { o.diagnostics[0].location.path = '/a.go'; },
  };
  for (const [name, f] of Object.entries(rbads)) {
    const o = JSON.parse(JSON.stringify(rgood));
    f(o);
    say((await checkRdjson(o)).length > 0, `rdjson ${name} is rejected`);
  }
  process.exitCode = failed ? 1 : 0;
}

const [kind, ...files] = process.argv.slice(2);
if (kind === 'selftest') selftest();
else if ((kind === 'sarif' || kind === 'rdjson') && files.length) runFiles(kind, files);
else {
  console.error('usage: node validate.js sarif|rdjson FILE... | selftest');
  process.exitCode = 2;
}
