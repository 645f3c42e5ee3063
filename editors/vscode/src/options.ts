/*
 * options.ts — how the extension starts and talks to `faultline serve`, as plain data.
 *
 * Data in: the user's settings (faultline.server.path, .args, .allowExecution) and whether the
 * workspace is trusted. Data out: the ServerOptions and LanguageClientOptions handed to
 * vscode-languageclient, and the params of the faultline/ requests. Only `import type` from
 * the client library, so node's test runner can load this file without VS Code.
 */
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';

/** The languages faultline analyses (VS Code language ids). */
export const LANGUAGES = [
  'go', 'c', 'cpp', 'java', 'python', 'rust', 'javascript', 'javascriptreact', 'typescript',
  'typescriptreact',
] as const;

/** The settings the extension reads (package.json contributes.configuration). */
export interface FaultlineSettings {
  /** faultline.server.path: the binary, a name on PATH or an absolute path */
  serverPath: string;
  /** faultline.server.args: extra arguments after `serve` */
  serverArgs: string[];
  /** faultline.allowExecution: let the server run plans (faultline/run) */
  allowExecution: boolean;
}

export const DEFAULT_SETTINGS: FaultlineSettings = {
  serverPath: 'faultline',
  serverArgs: [],
  allowExecution: false,
};

/** Reads settings through a getter shaped like vscode.WorkspaceConfiguration.get. */
export function readSettings(get: <T>(key: string, def: T) => T): FaultlineSettings {
  const path = get<string>('server.path', DEFAULT_SETTINGS.serverPath);
  const args = get<unknown>('server.args', DEFAULT_SETTINGS.serverArgs);
  return {
    serverPath: typeof path === 'string' && path.trim() !== '' ? path.trim() : 'faultline',
    serverArgs: Array.isArray(args) ? args.filter((a): a is string => typeof a === 'string') : [],
    allowExecution: get<boolean>('allowExecution', false) === true,
  };
}

/**
 * Execution is allowed only when the user turned it on AND the workspace is trusted: opening
 * a folder must never run its commands.
 */
export function executionAllowed(s: FaultlineSettings, workspaceTrusted: boolean): boolean {
  return s.allowExecution && workspaceTrusted;
}

/**
 * `<path> serve [args]` over stdio. No `transport` on purpose: with TransportKind.stdio the
 * client would append `--stdio` (the server accepts it, but the plain form is what a user
 * would type).
 */
export function serverOptions(s: FaultlineSettings): ServerOptions {
  const exe = { command: s.serverPath, args: ['serve', ...s.serverArgs] };
  return { run: exe, debug: exe };
}

export interface InitOptions {
  allowExecution: boolean;
}

export function initializationOptions(s: FaultlineSettings, workspaceTrusted: boolean): InitOptions {
  return { allowExecution: executionAllowed(s, workspaceTrusted) };
}

export function clientOptions(s: FaultlineSettings, workspaceTrusted: boolean): LanguageClientOptions {
  return {
    documentSelector: LANGUAGES.map((language) => ({ scheme: 'file', language })),
    diagnosticCollectionName: 'faultline',
    outputChannelName: 'faultline',
    initializationOptions: initializationOptions(s, workspaceTrusted),
  };
}

/**
 * faultline/plan params: project-wide, or change-scoped against a base revision. `write` asks
 * the server to write docs/testing-plans/<slug>.md and .json, as `faultline plan` does.
 */
export function planParams(base?: string, head?: string): { scope: 'project' | 'change'; base?: string; head?: string; write: true } {
  const b = base?.trim();
  if (!b) return { scope: 'project', write: true };
  const h = head?.trim();
  return h ? { scope: 'change', base: b, head: h, write: true } : { scope: 'change', base: b, write: true };
}

/** The Markdown file a faultline/plan answer names ({written: [md, json], ...}), if any. */
export function planMarkdownPath(result: unknown): string | undefined {
  const r = result as { written?: unknown; markdown_path?: unknown } | null;
  if (r && Array.isArray(r.written)) {
    const md = r.written.find((p): p is string => typeof p === 'string' && p.endsWith('.md'));
    if (md) return md;
  }
  return r && typeof r.markdown_path === 'string' ? r.markdown_path : undefined;
}

/** faultline/run params; the server refuses them unless allowExecution was set. */
export function runParams(plan: string, scenario?: string, seed?: number): { plan: string; scenario?: string; seed?: number } {
  const p: { plan: string; scenario?: string; seed?: number } = { plan };
  if (scenario && scenario.trim()) p.scenario = scenario.trim();
  if (seed !== undefined && Number.isInteger(seed)) p.seed = seed;
  return p;
}

/**
 * The command line that makes the same plan when a server has no faultline/plan (it answers
 * -32601 or -32803): `faultline plan --repo ROOT [--base BASE]`.
 */
export function planCliArgs(root: string, base?: string): string[] {
  const args = ['plan', '--repo', root];
  const b = base?.trim();
  if (b) args.push('--base', b);
  return args;
}

/** The Markdown plan `faultline plan` reports with a "wrote <path>.md" line, if any. */
export function writtenMarkdown(stdout: string): string | undefined {
  let md: string | undefined;
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^wrote (.+\.md)$/.exec(line.trim());
    if (m) md = m[1];
  }
  return md;
}

/** True for the errors after which the command line should make the plan instead. */
export function planNeedsCli(err: { code?: number } | undefined): boolean {
  return !!err && (err.code === -32601 || err.code === -32803);
}

/** What faultline/runFinished carries: the child's pid, exit code and log (and --out). */
export interface RunFinished {
  pid: number;
  exitCode: number;
  log: string;
  out?: string;
}

/** The meaning of `faultline run`'s exit code (SPEC §2). */
export function runExitText(code: number): string {
  switch (code) {
    case 0: return 'no FAIL';
    case 1: return 'a scenario FAILed';
    case 2: return 'bad input (the plan)';
    case 3: return 'nothing could run (environment)';
    default: return `ended with code ${code}`;
  }
}

/** The report a `faultline run` log names in its last "(report: PATH)", if any. */
export function reportFromLog(log: string): string | undefined {
  let found: string | undefined;
  const re = /\(report: ([^)\n]+)\)/g;
  for (let m = re.exec(log); m; m = re.exec(log)) found = m[1].trim();
  return found;
}
