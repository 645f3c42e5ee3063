/*
 * coverageModel.ts — the coverage tree (claims → hypotheses → scenarios → latest verdicts) as
 * plain data, independent of VS Code.
 *
 * Data in: the server's faultline/coverage answer (plans with their scenarios' latest
 * verdicts, hypotheses with status) and the plan JSON files it names (claims, hypotheses and
 * scenarios with their links, SPEC §4). Data out: CovNode trees that extension.ts shows in
 * the "faultline coverage" view, and that the unit tests check.
 */

/** faultline/coverage's answer (the fields the tree uses). */
export interface CoverageAnswer {
  plans?: { path: string; slug: string; scenarios?: { id: string; name?: string; closes?: string[]; verdict?: string; session?: string }[] }[];
  hypotheses?: { id: string; title?: string; status?: string; scenario?: string; verdict?: string; plan?: string;
                 sites?: { id?: string; path?: string; rule?: string; function?: string; line?: number }[] }[];
  summary?: { uncovered?: number; planned?: number; pass?: number; fail?: number };
  problems?: { path?: string; message?: string }[];
}

/** A plan JSON file (SPEC §4), the fields the tree uses. */
export interface PlanJson {
  slug?: string;
  status?: string;
  claims?: { id: string; text?: string; category?: string; inferred?: boolean }[];
  hypotheses?: { id: string; title?: string; claims?: string[]; sites?: string[] }[];
  scenarios?: { id: string; name?: string; falsifies?: string[]; closes?: string[] }[];
  sites?: { id: string; path?: string; line?: number }[];
}

export type CovStatus = 'fail' | 'uncovered' | 'planned' | 'pass' | 'none';

/** One row of the tree. */
export interface CovNode {
  kind: 'plan' | 'claim' | 'hypothesis' | 'scenario' | 'verdict' | 'note';
  id: string;            // unique within the tree (plan path + ids)
  label: string;
  description?: string;
  tooltip?: string;
  status: CovStatus;
  /** where a click goes: a file and a 1-based line */
  location?: { path: string; line: number };
  children: CovNode[];
}

const RANK: Record<CovStatus, number> = { fail: 4, uncovered: 3, planned: 2, pass: 1, none: 0 };

/** The status a verdict gives a scenario. */
export function verdictStatus(verdict: string | undefined): CovStatus {
  if (!verdict) return 'planned';
  if (verdict.startsWith('FAIL')) return 'fail';
  if (verdict.startsWith('PASS')) return 'pass';
  return 'planned'; // INCONCLUSIVE-*, PARTIAL-*, NOT-RUN: not evidence either way
}

/** The worst status among children (a FAIL beats an uncovered hypothesis beats a plan). */
export function worst(statuses: CovStatus[]): CovStatus {
  let w: CovStatus = 'none';
  for (const s of statuses) if (RANK[s] > RANK[w]) w = s;
  return w;
}

function statusName(s: string | undefined): CovStatus {
  return s === 'fail' || s === 'uncovered' || s === 'planned' || s === 'pass' ? s : 'none';
}

/**
 * Builds the tree. `plans` maps a plan path (as faultline/coverage names it) to its parsed
 * JSON; a plan that could not be read gets a note instead of claims.
 */
export function buildCoverageTree(cov: CoverageAnswer, plans: Map<string, PlanJson | Error>): CovNode[] {
  const out: CovNode[] = [];
  for (const p of cov.plans ?? []) {
    const key = p.path;
    const plan = plans.get(p.path);
    const planNode: CovNode = { kind: 'plan', id: key, label: p.slug, description: p.path, status: 'none', children: [] };
    out.push(planNode);
    if (!plan || plan instanceof Error) {
      planNode.children.push({ kind: 'note', id: key + '#unreadable', label: 'plan not readable',
        description: plan instanceof Error ? plan.message : 'not loaded', status: 'none', children: [] });
      continue;
    }
    const latest = new Map((p.scenarios ?? []).map((s) => [s.id, s]));
    const covHyp = new Map((cov.hypotheses ?? []).filter((h) => !h.plan || h.plan === p.path).map((h) => [h.id, h]));
    const siteLoc = new Map((plan.sites ?? []).map((s) => [s.id, s]));

    const scenarioNode = (s: NonNullable<PlanJson['scenarios']>[number], parent: string): CovNode => {
      const l = latest.get(s.id);
      const verdict = l?.verdict || undefined;
      const st = verdictStatus(verdict);
      const node: CovNode = { kind: 'scenario', id: `${parent}/${s.id}`, label: `${s.id} ${s.name ?? ''}`.trim(),
        description: verdict ?? 'not run', status: st, children: [] };
      node.children.push(verdict
        ? { kind: 'verdict', id: `${node.id}#verdict`, label: verdict, description: l?.session ?? '', status: st, children: [] }
        : { kind: 'verdict', id: `${node.id}#verdict`, label: 'no verdict yet', description: 'faultline run has not run it', status: 'planned', children: [] });
      return node;
    };

    const hypNode = (h: NonNullable<PlanJson['hypotheses']>[number], parent: string): CovNode => {
      const id = `${parent}/${h.id}`;
      const scen = (plan.scenarios ?? []).filter((s) => (s.closes ?? []).includes(h.id)).map((s) => scenarioNode(s, id));
      const fromServer = statusName(covHyp.get(h.id)?.status);
      const st = fromServer !== 'none' ? fromServer : scen.length === 0 ? 'uncovered' : worst(scen.map((c) => c.status));
      const firstSite = (h.sites ?? []).map((sid) => siteLoc.get(sid)).find((s) => s && s.path);
      return { kind: 'hypothesis', id, label: `${h.id} ${h.title ?? ''}`.trim(), description: st, status: st,
        location: firstSite && firstSite.path ? { path: firstSite.path, line: firstSite.line ?? 1 } : undefined,
        children: scen.length ? scen : [{ kind: 'note', id: id + '#none', label: 'no scenario closes it', status: 'uncovered', children: [] }] };
    };

    const claimed = new Set<string>();
    for (const c of plan.claims ?? []) {
      const id = `${key}/${c.id}`;
      const hyps = (plan.hypotheses ?? []).filter((h) => (h.claims ?? []).includes(c.id));
      hyps.forEach((h) => claimed.add(h.id));
      const children = hyps.map((h) => hypNode(h, id));
      const st = children.length ? worst(children.map((n) => n.status)) : 'uncovered';
      planNode.children.push({ kind: 'claim', id, label: `${c.id} ${c.text ?? ''}`.trim(),
        description: `${c.category ?? ''}${c.inferred ? ' (inferred)' : ''}`.trim(), status: st,
        children: children.length ? children : [{ kind: 'note', id: id + '#none', label: 'no hypothesis tests this claim', status: 'uncovered', children: [] }] });
    }
    const orphans = (plan.hypotheses ?? []).filter((h) => !claimed.has(h.id));
    if (orphans.length) {
      const id = `${key}/#unclaimed`;
      const children = orphans.map((h) => hypNode(h, id));
      planNode.children.push({ kind: 'claim', id, label: 'hypotheses without a claim', description: 'name the missing claim or drop them',
        status: worst(children.map((n) => n.status)), children });
    }
    planNode.status = worst(planNode.children.map((n) => n.status));
  }
  return out;
}

/** One line for the status bar / a message: the summary counts. */
export function summaryText(cov: CoverageAnswer): string {
  const s = cov.summary ?? {};
  return `faultline: ${s.fail ?? 0} fail, ${s.uncovered ?? 0} uncovered, ${s.planned ?? 0} planned, ${s.pass ?? 0} pass`;
}
