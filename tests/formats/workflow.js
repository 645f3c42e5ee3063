#!/usr/bin/env node
// workflow.js — reads examples/github-action/faultline-review.yml (with the `yaml` package)
// and checks the PR-bot recipe: triggered by pull_request, allowed to comment and to upload
// SARIF, the comment step posts the Markdown that the review step writes, the upload step
// sends the SARIF it writes. Writes the review step's `run` script to OUT_SCRIPT so the test
// can run it as written.
//   node workflow.js WORKFLOW.yml OUT_SCRIPT
// Output: "ok ..." / "FAIL ..." lines; exit 0 when all checks passed, 1 otherwise.
'use strict';
const fs = require('fs');
const YAML = require('yaml');
const [file, outScript] = process.argv.slice(2);
const doc = YAML.parse(fs.readFileSync(file, 'utf8'));
let failed = 0;
const check = (ok, what) => { if (!ok) failed++; console.log(`${ok ? 'ok' : 'FAIL'} ${what}`); };

check(doc.on && Object.prototype.hasOwnProperty.call(doc.on, 'pull_request'), 'runs on pull_request');
check(doc.permissions && doc.permissions['pull-requests'] === 'write', 'may write PR comments');
check(doc.permissions && doc.permissions['security-events'] === 'write', 'may upload SARIF');
const jobs = Object.values(doc.jobs || {});
check(jobs.length >= 1, 'has a job');
const steps = jobs.flatMap((j) => j.steps || []);
const review = steps.find((s) => typeof s.run === 'string' && /faultline review .*--format sarif/.test(s.run));
check(!!review, 'a step runs faultline review --format sarif');
const runText = review ? review.run : '';
const out = (fmt) => {
  const m = new RegExp(`faultline review [^\\n]*--format ${fmt}[^\\n]*-o (\\S+)`).exec(runText);
  return m && m[1];
};
const md = out('md');
const sarif = out('sarif');
check(!!md && !!sarif, `the review step writes Markdown (${md}) and SARIF (${sarif})`);
const comment = steps.find((s) => typeof s.uses === 'string' && s.uses.startsWith('actions/github-script@'));
check(comment && comment.with && comment.with.script.includes(md) && /createComment|updateComment/.test(comment.with.script),
  'a step posts the Markdown as a PR comment');
check(comment && comment.with.script.includes('updateComment'), 'the comment is updated in place, not duplicated');
const upload = steps.find((s) => typeof s.uses === 'string' && s.uses.startsWith('github/codeql-action/upload-sarif@'));
check(upload && upload.with && upload.with.sarif_file === sarif, 'the SARIF goes to code scanning');
check(upload && upload.with && typeof upload.with.category === 'string', 'the upload has its own category');
check(review && review.env && /github\.base_ref/.test(review.env.BASE_REF || ''), 'the base is the PR base branch');
fs.writeFileSync(outScript, runText);
process.exitCode = failed ? 1 : 0;
