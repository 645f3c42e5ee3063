/*
 * plan_md.c — the plan for people: the reference's template (title, header fields, §0–§9,
 * per-scenario labels in order, §7.M and §7.M.S blocks or their exact "not applicable"
 * sentences, §7b–§7d), rendered from the same in-memory plan as plan_json.c. Empty
 * sections say so explicitly. Input: an fl_plan; output: Markdown appended to an fl_buf.
 */
#include "plan_internal.h"

#include <stdlib.h>
#include <string.h>

static void list_line(fl_buf *b, const char *label, const fl_strv *v, const char *empty) {
    char *s = fl__strv_join(v, ", ", empty);
    fl_buf_printf(b, "- %s %s\n", label, s);
    free(s);
}

static void header(const fl_plan *p, fl_buf *b) {
    fl_buf_printf(b, "# Test Plan: %s\n\n", p->slug);
    fl_buf_printf(b, "Date: %s  \n", p->date);
    fl_buf_printf(b, "Plan mode: %s  \n", p->mode);
    fl_buf_printf(b, "SUT: %s  \n", p->sut ? p->sut : "");
    fl_buf_printf(b, "Change under test: %s  \n", p->change_label);
    fl_buf_puts(b, "Plan author: faultline plan  \n");
    fl_buf_printf(b, "Status: %s\n\n", p->status);
}

static void files_touched(const fl_plan *p, fl_buf *b) {
    fl_buf_puts(b, "Files touched:\n\n");
    if (!p->change.file_count) fl_buf_puts(b, "- none\n");
    for (size_t i = 0; i < p->change.file_count; i++) {
        const fl_changed_file *f = &p->change.files[i];
        fl_buf_printf(b, "- `%s` — %c%s%s", f->path, f->status, f->binary ? ", binary" : "",
                      f->whitespace_only ? ", whitespace only" : "");
        for (size_t k = 0; k < f->hunk_count; k++)
            fl_buf_printf(b, "%s%d,%d", k ? " " : "; hunks (new side) ", f->hunks[k].new_start,
                          f->hunks[k].new_lines);
        fl_buf_putc(b, '\n');
    }
    fl_buf_putc(b, '\n');
}

static void early(const fl_plan *p, fl_buf *b) {
    fl_buf_puts(b, "## Early exit\n\n");
    fl_buf_printf(b, "This change does not warrant a distributed test plan: %s.\n\n",
                  p->early_exit);
    fl_buf_printf(b, "Recommendation: %s.\n\n", p->recommendation);
    files_touched(p, b);
}

static void table_or(const fl_table *t, fl_buf *b, const char *empty) {
    if (t->n)
        fl__table_md(t, b);
    else
        fl_buf_printf(b, "%s\n", empty);
    fl_buf_putc(b, '\n');
}

static const fl_site *find_site(const fl_plan *p, const char *sid, const char **scope) {
    for (size_t i = 0; i < p->site_count; i++)
        if (!strcmp(p->sites[i].s.id, sid)) {
            if (scope) *scope = p->sites[i].scope;
            return &p->sites[i].s;
        }
    return NULL;
}

static void hypotheses(const fl_plan *p, fl_buf *b) {
    fl_buf_puts(b, "## 4. Failure-mode hypotheses\n\n");
    fl_buf_puts(b, "Category sweep:\n\n");
    fl__table_md(&p->sweep, b);
    fl_buf_putc(b, '\n');
    if (!p->hyp_count) fl_buf_puts(b, "No hypotheses.\n\n");
    const char *sub = NULL;
    for (size_t i = 0; i < p->hyp_count; i++) {
        const fl_phyp *h = &p->hyps[i];
        if (!p->change_scoped && (!sub || strcmp(sub, h->subsystem))) {
            sub = h->subsystem;
            fl_buf_printf(b, "### Subsystem `%s`\n\n", sub);
        }
        fl_buf_printf(b, "%s. **%s** — pitfall %d (%s) under %s, caught by `%s` on `%s`.\n", h->id,
                      h->title, h->pitfall, h->pitfall_name, h->fault, h->checker, h->model);
        char *c = fl__strv_join(&h->claims, ", ", "");
        char *m = fl__strv_join(&h->missing, ", ", "");
        fl_buf_printf(b, "- Could falsify: %s%s%s%s\n", c, c[0] && m[0] ? "; " : "",
                      m[0] ? "missing claims " : "", m);
        free(c);
        free(m);
        fl_buf_printf(b, "- Suspected because: %s\n", h->because);
        fl_buf_printf(b, "- Subsystem: `%s`\n", h->subsystem);
        if (h->sites.n) {
            fl_buf_puts(b, "- Sites:");
            for (size_t k = 0; k < h->sites.n; k++) {
                const char *scope = NULL;
                const fl_site *s = find_site(p, h->sites.v[k], &scope);
                if (s)
                    fl_buf_printf(b, "%s `%s` %s:%d%s%s%s", k ? "," : "", s->id, s->path, s->line,
                                  scope ? " (" : "", scope ? scope : "", scope ? ")" : "");
            }
            fl_buf_putc(b, '\n');
        }
        if (h->stack_evidence) fl_buf_printf(b, "- Stack: %s\n", h->stack_evidence);
        list_line(b, "Existing tests:", &h->tests, "none");
        list_line(b, "Scenarios:", &h->scenarios, "none");
        fl_buf_putc(b, '\n');
    }
}

static void scenario(const fl_plan *p, const fl_pscenario *s, fl_buf *b) {
    fl_buf_printf(b, "### Scenario %s: %s\n\n", s->id, s->name);
    list_line(b, "Falsifies if it FAILs:", &s->falsifies, "none");
    list_line(b, "Closes:", &s->closes, "none");
    fl_buf_printf(b, "- Technique: %s\n", s->technique);
    fl_buf_printf(b, "- Workload: %s\n", s->workload);
    fl_buf_printf(b, "- Faults: %s\n", s->faults);
    fl_buf_printf(b, "- Oracle: %s\n", s->oracle);
    fl_buf_printf(b, "- Observability required: %s\n", s->observability);
    fl_buf_printf(b, "- Smoke budget: %s\n", s->smoke);
    fl_buf_printf(b, "- Hardening budget: %s\n", s->hardening);
    fl_buf_printf(b, "- Release budget: %s\n", s->release);
    fl_buf_printf(b, "- Target test file: `%s`\n", s->target_test_file);
    fl_buf_printf(b, "- Skeleton language: %s\n", s->skeleton_language);
    fl_buf_puts(b, "- Skeleton:\n\n");
    fl_buf_printf(b, "```%s\n%s```\n\n", s->skeleton_language, s->skeleton);
    fl_buf_printf(b, "Status: %s — %s.\n\n", s->status, s->status_reason);
    if (s->serious) {
        fl_buf_puts(b, "#### §7.M Model / history / checker\n\n");
        fl_buf_printf(b, "- Model under test: %s (faultline model `%s`)\n", s->model_ref, s->model);
        char *f = fl__strv_join(&s->history_fields, ", ", "none");
        fl_buf_printf(b, "- Operation history: fields %s; recorded by %s\n", f,
                      s->history_recording);
        free(f);
        fl_buf_printf(b, "- Checker: %s\n", s->checker_text);
        fl_buf_printf(b, "- Nemesis + landing evidence: %s\n", s->landing_evidence);
        fl_buf_printf(b, "- Ambiguous outcomes: %s\n", s->ambiguous_outcomes);
        fl_buf_printf(b, "- Reduction plan: %s\n\n", s->reduction_plan);
    } else {
        fl_buf_puts(b, "§7.M: not applicable (no gated claim category falsified)\n\n");
    }
    if (s->surfaced) {
        fl_buf_puts(b, "#### §7.M.S Surface decomposition\n\n");
        list_line(b, "Surfaces:", &s->surfaces, "none");
        fl_buf_printf(b, "- Operations: %s\n", s->operations);
        fl_buf_printf(b, "- Adversarial inputs: %s\n", s->adversarial);
        fl_buf_printf(b, "- Positive controls: %s\n", s->positive);
        fl_buf_printf(b, "- Negative controls: %s\n", s->negative);
        fl_buf_printf(b, "- Delayed / async paths: %s\n", s->delayed);
        fl_buf_printf(b, "- Observability paths: %s\n", s->obs_paths);
        list_line(b, "Scenario arms:", &s->arms, "none");
        fl_buf_puts(b, "\nEach arm has the §7.M above, its own oracle run and its own verdict; "
                       "every arm is NOT-RUN until its test exists.\n\n");
    } else {
        fl_buf_puts(b, "§7.M.S: not applicable (no boundary or fairness claim falsified)\n\n");
    }
    if (s->run) {
        fl_buf_printf(b,
                      "Run block (`faultline run docs/testing-plans/%s.json --scenario %s`):\n\n",
                      p->slug, s->id);
        char *j = json_dumps(s->run, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fl_buf_printf(b, "```json\n%s\n```\n\n", j);
        free(j);
    }
}

void fl_plan_markdown(const fl_plan *p, fl_buf *b) {
    header(p, b);
    if (p->early_exit) {
        early(p, b);
        return;
    }
    fl_buf_puts(b, "## 0. Architectural summary\n\n");
    for (size_t i = 0; i < p->architecture.n; i++) fl_buf_printf(b, "%s\n", p->architecture.v[i]);
    fl_buf_puts(b, "\n## 1. Scope\n\n");
    fl_buf_printf(b, "%s\n\n", p->scope_text);
    if (p->change_scoped) {
        fl_buf_puts(b, "Files touched (path — what changed):\n\n");
        for (size_t i = 0; i < p->in_scope.n; i++) fl_buf_printf(b, "- %s\n", p->in_scope.v[i]);
        fl_buf_puts(b, "\nFunctions in scope:\n\n");
        if (!p->func_count) fl_buf_puts(b, "- none (only file-level lines changed)\n");
        for (size_t i = 0; i < p->func_count; i++)
            fl_buf_printf(b, "- `%s` in `%s:%d-%d` — %s\n", p->funcs[i].name, p->funcs[i].path,
                          p->funcs[i].start_line, p->funcs[i].end_line,
                          !strcmp(p->funcs[i].why, "changed") ? "changed"
                                                              : "calls a changed function");
    } else {
        fl_buf_puts(b, "In scope:\n\n");
        for (size_t i = 0; i < p->in_scope.n; i++) fl_buf_printf(b, "- %s\n", p->in_scope.v[i]);
        fl_buf_puts(b, "\nOut of scope:\n\n");
        for (size_t i = 0; i < p->out_of_scope.n; i++)
            fl_buf_printf(b, "- %s\n", p->out_of_scope.v[i]);
    }
    fl_buf_puts(b, "\n## 1b. Claims under test\n\n");
    if (!p->claim_count) {
        fl_buf_puts(b, "No claims in scope.\n\n");
    } else {
        fl_buf_puts(b, "| ID | Claim | Category | Source | Inferred? |\n|---|---|---|---|---|\n");
        for (size_t i = 0; i < p->claim_count; i++) {
            const fl_pclaim *c = &p->claims[i];
            fl_buf_printf(b, "| %s | ", c->id);
            for (const char *q = c->c.text; *q; q++)
                fl_buf_puts(b, *q == '|' ? "\\|" : (char[]){*q, 0});
            fl_buf_printf(b, " | %s | `%s:%d` (%s) | %s |\n", fl_claim_category_name(c->c.category),
                          c->c.path, c->c.line, c->c.kind, c->c.inferred ? "yes (inferred)" : "no");
        }
        fl_buf_putc(b, '\n');
    }
    fl_buf_puts(b, "## 1c. Missing claims discovered\n\n");
    table_or(&p->missing, b,
             "None: every behaviour the sites in scope rely on is stated by a claim; docs and "
             "code appear aligned.");
    fl_buf_puts(b, "## 2. SUT model\n\n");
    static const char *labels[7] = {"Tenancy / isolation",
                                    "Persistence",
                                    "Replication / consensus",
                                    "Ordering",
                                    "Network boundaries",
                                    "Retry / idempotency contract",
                                    "Observability"};
    for (int i = 0; i < 7; i++) fl_buf_printf(b, "**%s:** %s\n\n", labels[i], p->sut_model[i]);
    fl_buf_puts(b, "## 3. Existing test inventory\n\n");
    if (!p->test_count) {
        fl_buf_puts(b, "No test file references a function in scope.\n\n");
    } else {
        fl_buf_puts(b, "| Test / harness | Subsystem | Invariant pinned | Failure modes it "
                       "catches |\n|---|---|---|---|\n");
        for (size_t i = 0; i < p->test_count; i++) {
            const fl_ptest *t = &p->tests[i];
            char *fs = fl__strv_join(&t->functions, ", ", "");
            const char *sl = strrchr(t->path, '/');
            fl_buf_printf(b, "| `%s` | `%.*s` | references %s | ", t->path,
                          sl ? (int)(sl - t->path) : 1, sl ? t->path : ".", fs);
            if (t->marker)
                fl_buf_printf(b, "injects faults (`%s` at line %d) |\n", t->marker, t->marker_line);
            else
                fl_buf_puts(b, "no fault injection found |\n");
            free(fs);
        }
        fl_buf_putc(b, '\n');
    }
    hypotheses(p, b);
    fl_buf_puts(b, "## 5. Coverage matrix\n\n");
    if (p->change_scoped)
        fl_buf_puts(b, "Not applicable: change-scoped plan (see §3 and §7b).\n\n");
    else
        table_or(&p->matrix, b, "No claims: nothing to map.");
    fl_buf_puts(b, "## 6. Technique selection\n\n");
    table_or(&p->techniques, b, "No scenarios: no technique selected.");
    fl_buf_puts(b, "## 6b. Environment requirements\n\n");
    table_or(&p->environment, b, "None.");
    fl_buf_puts(b, "## 7. Scenarios\n\n");
    if (!p->scen_count) fl_buf_puts(b, "No scenarios.\n\n");
    for (size_t i = 0; i < p->scen_count; i++) scenario(p, &p->scen[i], b);
    fl_buf_puts(b, "## 7b. Coverage adequacy argument\n\n");
    table_or(&p->adequacy, b, "No claim is exercised by a scenario (see §7c).");
    fl_buf_puts(b, "## 7c. Residual uncertainty\n\n");
    table_or(&p->residual, b,
             "None beyond unquantifiable bug density: every claim in scope is exercised.");
    fl_buf_puts(b, "## 7d. Confidence statement\n\n");
    fl_buf_printf(b, "%s\n\n", p->confidence);
    table_or(&p->aspects, b,
             "No boundary or fairness claim in scope: no per-aspect table is required.");
    fl_buf_puts(b, "## 8. What this plan does NOT cover\n\n");
    for (size_t i = 0; i < p->not_covered.n; i++) fl_buf_printf(b, "- %s\n", p->not_covered.v[i]);
    fl_buf_puts(b, "\n## 9. Open questions / followups\n\n");
    if (!p->questions.n) fl_buf_puts(b, "None.\n\n");
    for (size_t i = 0; i < p->questions.n; i++)
        fl_buf_printf(b, "- %s — %s, %s\n%s", p->questions.rows[i][0], p->questions.rows[i][1],
                      p->questions.rows[i][2], i + 1 == p->questions.n ? "\n" : "");
    fl_buf_puts(b, "## Self-check\n\n");
    fl__table_md(&p->self_check, b);
}
