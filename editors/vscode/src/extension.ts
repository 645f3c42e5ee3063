/*
 * extension.ts — the VS Code extension: starts `faultline serve` through vscode-languageclient
 * and adds the plan / run / coverage commands and the coverage tree view.
 *
 * Data in: settings (options.ts), workspace trust, the server's diagnostics, hovers, lenses
 * and actions (shown by the client library), and its faultline/plan, faultline/run and
 * faultline/coverage answers. Data out: editors opened on plans and reports, the
 * "faultline coverage" view (coverageModel.ts), messages.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';
import { buildCoverageTree, CoverageAnswer, CovNode, PlanJson, summaryText } from './coverageModel';
import { execFile } from 'child_process';
import { clientOptions, executionAllowed, planCliArgs, planMarkdownPath, planNeedsCli, planParams, readSettings, reportFromLog, RunFinished, runExitText, runParams, serverOptions, writtenMarkdown } from './options';

let client: LanguageClient | undefined;

function settings() {
  const cfg = vscode.workspace.getConfiguration('faultline');
  return readSettings(<T>(k: string, d: T) => cfg.get<T>(k, d) as T);
}

function rootFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

function abs(p: string): string {
  const root = rootFolder();
  return path.isAbsolute(p) || !root ? p : path.join(root, p);
}

async function openFile(p: string, line?: number): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(abs(p)));
  const ed = await vscode.window.showTextDocument(doc, { preview: false });
  if (line && line > 0) {
    const pos = new vscode.Position(line - 1, 0);
    ed.selection = new vscode.Selection(pos, pos);
    ed.revealRange(new vscode.Range(pos, pos));
  }
}

/** Opens what faultline/plan answered: a Markdown path, inline Markdown, or the JSON. */
async function showPlan(result: any): Promise<void> {
  const written = planMarkdownPath(result);
  if (written && fs.existsSync(abs(written))) return openFile(written);
  if (result?.early_exit === true) vscode.window.showInformationMessage('faultline: early exit — the change does not warrant a distributed test plan (the plan says why).');
  for (const k of ['markdown_path', 'md_path', 'md', 'path']) {
    const p = result?.[k];
    if (typeof p === 'string' && p.endsWith('.md') && fs.existsSync(abs(p))) return openFile(p);
  }
  if (typeof result?.json_path === 'string' && fs.existsSync(abs(result.json_path.replace(/\.json$/, '.md'))))
    return openFile(result.json_path.replace(/\.json$/, '.md'));
  if (typeof result?.slug === 'string') {
    const p = path.join('docs', 'testing-plans', `${result.slug}.md`);
    if (fs.existsSync(abs(p))) return openFile(p);
  }
  const content = typeof result?.markdown === 'string' ? result.markdown : JSON.stringify(result, null, 2);
  const doc = await vscode.workspace.openTextDocument({ content, language: typeof result?.markdown === 'string' ? 'markdown' : 'json' });
  await vscode.window.showTextDocument(doc);
}

/** faultline/plan, or `faultline plan` on the command line when the server cannot plan. */
async function makePlan(base?: string): Promise<void> {
  const title = base ? `faultline: planning the changes against ${base}` : 'faultline: planning the project';
  let result: any;
  try {
    if (!client) throw { code: -32601, message: 'no server' };
    result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title },
      () => client!.sendRequest<any>('faultline/plan', planParams(base)));
  } catch (e: any) {
    const root = rootFolder();
    if (!planNeedsCli(e) || !root) {
      vscode.window.showErrorMessage(`faultline: faultline/plan failed: ${e?.message ?? e}`);
      return;
    }
    const out = await new Promise<string | Error>((resolve) =>
      execFile(settings().serverPath, planCliArgs(root, base), { cwd: root }, (err, stdout, stderr) =>
        resolve(err ? new Error(stderr.trim() || err.message) : stdout)));
    if (out instanceof Error) {
      vscode.window.showErrorMessage(`faultline plan failed: ${out.message}`);
      return;
    }
    result = { markdown_path: writtenMarkdown(out) };
  }
  await showPlan(result);
}

async function request<T>(method: string, params: unknown, title: string): Promise<T | undefined> {
  if (!client) {
    vscode.window.showErrorMessage('faultline: the language server is not running');
    return undefined;
  }
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false },
      () => client!.sendRequest<T>(method, params));
  } catch (e: any) {
    vscode.window.showErrorMessage(`faultline: ${method} failed: ${e?.message ?? e}`);
    return undefined;
  }
}

class CoverageItem extends vscode.TreeItem {
  constructor(readonly node: CovNode) {
    super(node.label, node.children.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    this.id = node.id;
    this.description = node.description;
    this.tooltip = node.tooltip ?? `${node.label}${node.description ? ' — ' + node.description : ''}`;
    this.contextValue = node.kind;
    const icon: Record<string, string> = { fail: 'error', uncovered: 'warning', planned: 'circle-large-outline', pass: 'pass', none: 'list-tree' };
    this.iconPath = new vscode.ThemeIcon(icon[node.status] ?? 'circle-outline');
    if (node.location) this.command = { command: 'faultline.openLocation', title: 'Open', arguments: [node.location.path, node.location.line] };
    else if (node.kind === 'plan') this.command = { command: 'faultline.openLocation', title: 'Open', arguments: [node.id.replace(/\.json$/, '.md'), 1] };
  }
}

class CoverageProvider implements vscode.TreeDataProvider<CovNode> {
  private roots: CovNode[] = [];
  private emitter = new vscode.EventEmitter<CovNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  last: CoverageAnswer | undefined;

  async refresh(): Promise<void> {
    if (!client) return;
    try {
      const cov = await client.sendRequest<CoverageAnswer>('faultline/coverage', {});
      const plans = new Map<string, PlanJson | Error>();
      for (const p of cov.plans ?? []) {
        try { plans.set(p.path, JSON.parse(fs.readFileSync(abs(p.path), 'utf8'))); } catch (e: any) { plans.set(p.path, e); }
      }
      this.last = cov;
      this.roots = buildCoverageTree(cov, plans);
    } catch (e: any) {
      this.roots = [{ kind: 'note', id: 'error', label: `coverage failed: ${e?.message ?? e}`, status: 'none', children: [] }];
    }
    this.emitter.fire(undefined);
  }
  getTreeItem(n: CovNode): vscode.TreeItem { return new CoverageItem(n); }
  getChildren(n?: CovNode): CovNode[] {
    if (n) return n.children;
    return this.roots.length ? this.roots : [{ kind: 'note', id: 'empty', label: 'no plan yet: run "faultline: Show project test plan"', status: 'none', children: [] }];
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const s = settings();
  const trusted = vscode.workspace.isTrusted;
  client = new LanguageClient('faultline', 'faultline', serverOptions(s), clientOptions(s, trusted));
  const coverage = new CoverageProvider();
  context.subscriptions.push(
    vscode.window.registerTreeDataProvider('faultline.coverage', coverage),
    vscode.commands.registerCommand('faultline.openLocation', (p: string, line: number) => openFile(p, line)),
    vscode.commands.registerCommand('faultline.refreshCoverage', () => coverage.refresh()),
    vscode.commands.registerCommand('faultline.coverage', async () => {
      await coverage.refresh();
      await vscode.commands.executeCommand('faultline.coverage.focus');
      if (coverage.last) vscode.window.showInformationMessage(summaryText(coverage.last));
    }),
    vscode.commands.registerCommand('faultline.plan', async () => {
      await makePlan();
      await coverage.refresh();
    }),
    vscode.commands.registerCommand('faultline.planChange', async () => {
      const base = await vscode.window.showInputBox({ prompt: 'Base branch or commit', value: 'main' });
      if (!base) return;
      await makePlan(base);
      await coverage.refresh();
    }),
    vscode.commands.registerCommand('faultline.run', async () => {
      if (!executionAllowed(settings(), vscode.workspace.isTrusted)) {
        vscode.window.showWarningMessage('faultline: running plans is off. Trust this workspace and set "faultline.allowExecution": true, then reload the window.');
        return;
      }
      const files = await vscode.workspace.findFiles('docs/testing-plans/*.json');
      const pick = await vscode.window.showQuickPick(files.map((f) => vscode.workspace.asRelativePath(f)), { placeHolder: 'Plan to run' });
      if (!pick) return;
      const scenario = await vscode.window.showInputBox({ prompt: 'Scenario id (empty: all)', value: '' });
      // the server starts `faultline run` as a child and answers {pid, command, log} at once;
      // faultline/runFinished follows when it ends
      const r = await request<any>('faultline/run', runParams(abs(pick), scenario), `faultline: starting ${pick}`);
      if (r === undefined) return;
      vscode.window.showInformationMessage(`faultline: running ${pick} (pid ${r?.pid}); progress in ${r?.log}`);
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (settings().allowExecution) vscode.window.showInformationMessage('faultline: reload the window to let the server run plans.');
    }),
  );
  client.onNotification('faultline/runFinished', async (p: RunFinished) => {
    let report: string | undefined = p.out ? path.join(p.out, 'report.md') : undefined;
    if (!report) {
      try { report = reportFromLog(fs.readFileSync(p.log, 'utf8')); } catch { report = undefined; }
    }
    const msg = `faultline run finished: ${runExitText(p.exitCode)}`;
    if (report && fs.existsSync(abs(report))) {
      await openFile(report);
      vscode.window.showInformationMessage(msg);
    } else {
      vscode.window.showWarningMessage(`${msg}; log: ${p.log}`);
    }
    await coverage.refresh();
  });
  await client.start();
  await coverage.refresh();
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
