/*
 * plan_build.c — fl_plan_build: from a folder (and revisions) to the in-memory plan.
 * 1. Opens the repository, resolves --base/--head, takes the date from the head commit.
 * 2. Change-scoped: diffs base..head (plan_scope.c); docs-only, tests-only and
 *    formatting-only changes exit early without analysing anything.
 * 3. Loads and analyses the tree once (plan_tree.c); maps hunks to the functions enclosing
 *    them, adds the functions that call a changed function (one level, by name), and keeps
 *    the sites inside them, the hypotheses those sites belong to and the claims those cite.
 * 4. Numbers ids from the scanner's stable hashes (over the whole workspace, so a claim has
 *    the same C number in every plan of the same tree), then fills every section from facts
 *    only: where a fact is missing the plan says so and asks (§9), it never invents one.
 * Input: fl_plan_options; output: an fl_plan (render with plan_json.c / plan_md.c).
 */
#include "plan_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- small helpers ----------------------------------------------------------------------- */

const fl_pclaim *fl__plan_claim(const fl_plan *p, const char *cid) {
    for (size_t i = 0; i < p->claim_count; i++)
        if (!strcmp(p->claims[i].id, cid)) return &p->claims[i];
    return NULL;
}

static char *folder_of(const char *path) {
    const char *s = strrchr(path, '/');
    return s ? fl_xstrndup(path, (size_t)(s - path)) : fl_xstrdup(".");
}

static const char *basename_of(const char *path) {
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/') n--;
    const char *s = path + n;
    while (s > path && s[-1] != '/') s--;
    return s;
}

static int is_docish(const char *path) {
    if (fl__is_doc_path(path)) return 1;
    const char *b = basename_of(path);
    const char *dot = strrchr(b, '.');
    static const char *exts[] = {".txt", ".png", ".jpg", ".jpeg", ".gif",
                                 ".svg", ".ico", ".pdf", NULL};
    for (int i = 0; dot && exts[i]; i++)
        if (!strcasecmp(dot, exts[i])) return 1;
    static const char *names[] = {"LICENSE",      "LICENCE", "NOTICE", "AUTHORS",    "CHANGELOG",
                                  "CONTRIBUTORS", "COPYING", "NEWS",   "CODEOWNERS", NULL};
    for (int i = 0; names[i]; i++)
        if (!strncasecmp(b, names[i], strlen(names[i]))) return 1;
    return strncmp(path, "docs/", 5) == 0 || strstr(path, "/docs/") != NULL;
}

/* README's first "# " heading of the planned folder, else the folder's name. */
static char *sut_name(const fl_ptree *t, const fl_repo *r) {
    char *rp = fl__strdupf("%sREADME.md", r->prefix);
    const fl_pfile *f = fl__tree_file(t, rp);
    free(rp);
    char *name = NULL;
    if (f) {
        for (const char *l = f->text; l && *l;) {
            const char *e = strchr(l, '\n');
            size_t n = e ? (size_t)(e - l) : strlen(l);
            if (n > 2 && l[0] == '#' && l[1] == ' ') {
                while (n > 2 && (l[n - 1] == '\r' || l[n - 1] == ' ')) n--;
                name = fl_xstrndup(l + 2, n - 2);
                break;
            }
            l = e ? e + 1 : NULL;
        }
    }
    return name ? name : fl_xstrdup(basename_of(r->abs_dir));
}

/* ---- change scope ------------------------------------------------------------------------ */

typedef struct scope_fn {
    const fl_pfile *f;
    size_t k; /* index into f->facts->funcs */
    const char *why;
} scope_fn;

static int hunk_hits(const fl_changed_file *cf, int a, int b) {
    for (size_t h = 0; h < cf->hunk_count; h++) {
        const fl_hunk *x = &cf->hunks[h];
        int s = x->new_lines > 0 ? x->new_start : (x->new_start > 0 ? x->new_start : 1);
        int e = x->new_lines > 0 ? x->new_start + x->new_lines - 1 : s;
        if (s <= b && e >= a) return 1;
    }
    return 0;
}

static int fn_in(const scope_fn *v, size_t n, const fl_pfile *f, size_t k) {
    for (size_t i = 0; i < n; i++)
        if (v[i].f == f && v[i].k == k) return 1;
    return 0;
}

static const char *site_scope(const scope_fn *v, size_t n, const fl_ptree *t, const fl_change *ch,
                              const fl_site *s) {
    const char *best = NULL;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].f->path, s->path) != 0) continue;
        const fl_func *fn = &v[i].f->facts->funcs[v[i].k];
        if (s->start_byte >= fn->start_byte && s->end_byte <= fn->end_byte) {
            if (!strcmp(v[i].why, "changed")) return "changed";
            best = v[i].why;
        }
    }
    if (best) return best;
    /* file-level sites inside a hunk */
    (void)t;
    for (size_t i = 0; i < ch->file_count; i++)
        if (!strcmp(ch->files[i].path, s->path) && ch->files[i].status != 'D' &&
            hunk_hits(&ch->files[i], s->line, s->end_line))
            return "changed";
    return NULL;
}

/* ---- early exit -------------------------------------------------------------------------- */

static void early(fl_plan *p, const char *kind, const char *reason, const char *rec) {
    p->early_kind = fl_xstrdup(kind);
    p->early_exit = fl_xstrdup(reason);
    p->recommendation = fl_xstrdup(rec);
    free(p->status);
    p->status = fl_xstrdup("early-exit");
}

static int classify_change(fl_plan *p) {
    const fl_change *c = &p->change;
    if (c->file_count == 0) {
        early(p, "no-change", "base and head do not differ inside the planned folder",
              "nothing to test");
        return 1;
    }
    int docs = 0, tests = 0, ws = 0, other = 0;
    for (size_t i = 0; i < c->file_count; i++) {
        const fl_changed_file *f = &c->files[i];
        if (is_docish(f->path))
            docs++;
        else if (fl__is_test_path(f->path))
            tests++;
        else if (f->whitespace_only)
            ws++;
        else
            other++;
    }
    if (other) return 0;
    fl_buf why = FL_BUF_INIT;
    const char *kind;
    if (ws) {
        kind = "formatting-only";
        fl_buf_printf(&why, "formatting only: %d source file%s change%s nothing but whitespace", ws,
                      ws == 1 ? "" : "s", ws == 1 ? "s" : "");
        if (docs || tests)
            fl_buf_printf(&why, "; the other %d file%s are docs or tests", docs + tests,
                          docs + tests == 1 ? "" : "s");
    } else if (docs && tests) {
        kind = "docs-and-tests-only";
        fl_buf_printf(&why,
                      "docs and tests only: %d doc file%s and %d test file%s, no product "
                      "code",
                      docs, docs == 1 ? "" : "s", tests, tests == 1 ? "" : "s");
    } else if (docs) {
        kind = "docs-only";
        fl_buf_printf(&why, "docs only: %d doc file%s, no code", docs, docs == 1 ? "" : "s");
    } else {
        kind = "tests-only";
        fl_buf_printf(&why, "tests only: %d test file%s, no product code", tests,
                      tests == 1 ? "" : "s");
    }
    early(p, kind, fl_buf_cstr(&why),
          ws ? "no distributed test plan: the behaviour cannot have changed; the existing unit "
               "tests and a compile are enough"
          : docs && !tests
              ? "no distributed test plan: review the text; if it changes a promise (a "
                "guarantee in README or docs), run a project-wide plan to see which "
                "scenarios that promise needs"
              : "no distributed test plan: run the changed tests; if they weaken a fault or "
                "an oracle, review that by hand");
    fl_buf_free(&why);
    return 1;
}

/* ---- sections ---------------------------------------------------------------------------- */

static const char *const MISSING_K[] = {"id", "claim", "behavior", "evidence", "suggested_action"};
static const char *const MISSING_H[] = {"ID", "Behavior the code relies on", "Claim",
                                        "Source / evidence", "Suggested action"};
static const char *const MISSING_K2[] = {"id", "behavior", "claim", "evidence", "suggested_action"};
static const char *const SWEEP_K[] = {"category", "*hypotheses", "note"};
static const char *const SWEEP_H[] = {"Category", "Hypotheses", "Note"};
static const char *const MATRIX_K[] = {"claim",   "hypothesis", "*existing_tests",
                                       "verdict", "gap_kind",   "recommended_scenario"};
static const char *const MATRIX_H[] = {"Claim",   "Hypothesis", "Existing tests",
                                       "Verdict", "Gap kind",   "Recommended scenario"};
static const char *const TECH_K[] = {"technique", "*hypotheses", "catches", "reference", "cost"};
static const char *const TECH_H[] = {"Technique", "Hypotheses it addresses",
                                     "What it would catch that other techniques miss", "Reference",
                                     "Cost / wall-clock estimate"};
static const char *const ENV_K[] = {"requirement", "version_floor", "*scenarios", "install_hint"};
static const char *const ENV_H[] = {"Requirement", "Version floor", "Used by scenarios",
                                    "Install hint"};
static const char *const ADQ_K[] = {"claim", "threats", "*scenarios", "why_sufficient"};
static const char *const ADQ_H[] = {"Claim", "Threat model (how it could fail)",
                                    "Scenarios that exercise the threats",
                                    "Why these are sufficient"};
static const char *const RES_K[] = {"uncertainty", "why_uncovered", "why_acceptable",
                                    "revisit_when"};
static const char *const RES_H[] = {"Uncertainty", "Why uncovered", "Why acceptable today",
                                    "When to revisit"};
static const char *const ASP_K[] = {"claim", "aspect", "confidence", "reason"};
static const char *const ASP_H[] = {"Claim", "Aspect", "Confidence", "Reason"};
static const char *const Q_K[] = {"question", "owner", "by_when"};
static const char *const Q_H[] = {"Question", "Owner", "By when"};
static const char *const SC_K[] = {"check", "result"};
static const char *const SC_H[] = {"Check", "Result"};

static void init_tables(fl_plan *p) {
    (void)MISSING_K;
    (void)MISSING_H;
    static const char *const MH[] = {"ID", "Behavior the code relies on", "Claim",
                                     "Source / evidence", "Suggested action"};
    fl__table_init(&p->missing, MISSING_K2, MH, 5);
    fl__table_init(&p->sweep, SWEEP_K, SWEEP_H, 3);
    fl__table_init(&p->matrix, MATRIX_K, MATRIX_H, 6);
    fl__table_init(&p->techniques, TECH_K, TECH_H, 5);
    fl__table_init(&p->environment, ENV_K, ENV_H, 4);
    fl__table_init(&p->adequacy, ADQ_K, ADQ_H, 4);
    fl__table_init(&p->residual, RES_K, RES_H, 4);
    fl__table_init(&p->aspects, ASP_K, ASP_H, 4);
    fl__table_init(&p->questions, Q_K, Q_H, 3);
    fl__table_init(&p->self_check, SC_K, SC_H, 2);
}

static size_t count_sites(const fl_plan *p, fl_site_category c) {
    size_t n = 0;
    for (size_t i = 0; i < p->site_count; i++)
        if (p->sites[i].s.category == c) n++;
    return n;
}

static char *claims_of(const fl_plan *p, fl_claim_category c) {
    fl_strv v = {0};
    for (size_t i = 0; i < p->claim_count; i++)
        if (p->claims[i].c.category == c) fl__strv_push(&v, p->claims[i].id);
    char *s = fl__strv_join(&v, ", ", "");
    fl__strv_free(&v);
    return s;
}

static char *sites_where(const fl_plan *p, fl_site_category c, size_t max) {
    fl_strv v = {0};
    for (size_t i = 0; i < p->site_count && v.n < max; i++) {
        const fl_site *s = &p->sites[i].s;
        if (s->category != c) continue;
        fl__strv_pushf(&v, "%s:%d%s%s", s->path, s->line, s->function[0] ? " in " : "",
                       s->function);
    }
    char *r = fl__strv_join(&v, ", ", "");
    fl__strv_free(&v);
    return r;
}

static const char *stack_label(unsigned bit) {
    return bit == FL_STACK_ETCD ? "etcd" : bit == FL_STACK_REDIS ? "Redis" : "a SQL database";
}

/* Where sites of a category are in the whole tree (the system as deployed). */
static char *tree_sites_where(const fl_plan *p, fl_site_category c, size_t max) {
    fl_strv v = {0};
    for (size_t i = 0; i < p->scan.site_count && v.n < max; i++) {
        const fl_site *s = &p->scan.sites[i];
        if (s->category != c) continue;
        fl__strv_pushf(&v, "%s:%d%s%s", s->path, s->line, s->function[0] ? " in " : "",
                       s->function);
    }
    char *r = fl__strv_join(&v, ", ", "");
    fl__strv_free(&v);
    return r;
}

static void architecture(fl_plan *p, const fl_ptree *t) {
    /* folders holding analysed code, with their site counts */
    fl_strv dirs = {0};
    for (size_t i = 0; i < t->n; i++) {
        if (!t->files[i].facts || t->files[i].is_doc || t->files[i].is_test) continue;
        char *d = folder_of(t->files[i].path);
        fl__strv_add(&dirs, d);
        free(d);
    }
    fl__strv_sort(&dirs);
    fl__strv_pushf(&p->architecture, "Components (folders with analysed code, and their sites):");
    size_t shown = 0;
    for (size_t d = 0; d < dirs.n && shown < 12; d++, shown++) {
        size_t files = 0, sites[FL_SITE_CATEGORY_COUNT] = {0};
        for (size_t i = 0; i < t->n; i++) {
            char *fd = folder_of(t->files[i].path);
            if (!strcmp(fd, dirs.v[d]) && t->files[i].facts && !t->files[i].is_test) files++;
            free(fd);
        }
        for (size_t i = 0; i < p->scan.site_count; i++) {
            char *fd = folder_of(p->scan.sites[i].path);
            if (!strcmp(fd, dirs.v[d])) sites[p->scan.sites[i].category]++;
            free(fd);
        }
        fl_buf b = FL_BUF_INIT;
        fl_buf_printf(&b, "- `%s/` — %zu file%s", dirs.v[d], files, files == 1 ? "" : "s");
        int any = 0;
        for (int c = 0; c < FL_SITE_CATEGORY_COUNT; c++)
            if (sites[c]) {
                fl_buf_printf(&b, "%s%s×%zu",
                              any ? ", " : "; sites: ", fl_site_category_name((fl_site_category)c),
                              sites[c]);
                any = 1;
            }
        fl__strv_push(&p->architecture, fl_buf_cstr(&b));
        fl_buf_free(&b);
    }
    if (dirs.n > shown)
        fl__strv_pushf(&p->architecture, "- … and %zu more folders", dirs.n - shown);
    fl__strv_free(&dirs);
    fl_strv st = {0};
    for (int k = 0; k < 3; k++)
        if (t->stack & (1u << k))
            fl__strv_pushf(&st, "%s (%s)", stack_label(1u << k), t->stack_where[k]);
    char *sts = fl__strv_join(&st, "; ", "");
    fl__strv_pushf(&p->architecture, "Client libraries of stores: %s",
                   st.n ? sts : "none detected (etcd, Redis, SQL drivers are looked for)");
    free(sts);
    fl__strv_free(&st);
    char *commits = tree_sites_where(p, FL_SITE_COMMIT, 4);
    fl__strv_pushf(&p->architecture, "Durable state: %s",
                   commits[0] ? commits
                   : t->stack ? "held by the store(s) above; no commit, WAL or fsync site in this "
                                "code"
                              : "not visible in the code (no commit, WAL or fsync site; §9)");
    free(commits);
    int raft = 0;
    for (size_t i = 0; i < p->scan.site_count; i++)
        if (!strncmp(p->scan.sites[i].rule, "commit.propose", 14) ||
            !strncmp(p->scan.sites[i].rule, "commit.apply", 12))
            raft = 1;
    fl__strv_pushf(&p->architecture, "Consensus: %s",
                   raft                         ? "propose/apply sites in this code"
                   : (t->stack & FL_STACK_ETCD) ? "inside etcd (Raft), reached through its client"
                                                : "none visible in this code");
    char *b = claims_of(p, FL_CLAIM_BOUNDARY);
    fl__strv_pushf(&p->architecture, "Trust / tenancy boundaries: %s",
                   b[0] ? b : "no boundary claim found");
    free(b);
    if (t->stack) {
        fl_strv parts = {0};
        for (int k = 0; k < 3; k++)
            if (t->stack & (1u << k)) fl__strv_push(&parts, stack_label(1u << k));
        char *ps = fl__strv_join(&parts, ", ", "");
        fl__strv_pushf(&p->architecture, "Picture: clients → %s → %s", p->sut, ps);
        free(ps);
        fl__strv_free(&parts);
    }
}

static void sut_model(fl_plan *p, const fl_ptree *t) {
    char *c;
    c = claims_of(p, FL_CLAIM_BOUNDARY);
    p->sut_model[0] = c[0] ? fl__strdupf("Boundary claims %s state the tenancy model.", c)
                           : fl_xstrdup("No tenancy or boundary claim was found in the docs or "
                                        "code; the plan assumes none (confirm, §9).");
    free(c);
    c = claims_of(p, FL_CLAIM_DURABILITY);
    char *cs = sites_where(p, FL_SITE_COMMIT, 3);
    p->sut_model[1] = fl__strdupf(
        "%s%s%s%s%s", c[0] ? "Durability claims: " : "No durability claim found. ", c,
        c[0] ? ". " : "",
        cs[0] ? "Commit / fsync sites: " : "No commit or fsync site in this plan's scope",
        cs[0] ? cs : (t->stack ? "; state lives in the store the code is a client of." : "."));
    free(c);
    free(cs);
    c = claims_of(p, FL_CLAIM_MEMBERSHIP);
    p->sut_model[2] = fl__strdupf(
        "%s%s%s",
        (t->stack & FL_STACK_ETCD)    ? "Replication and consensus run in etcd (Raft). "
        : (t->stack & FL_STACK_REDIS) ? "Redis replication is asynchronous. "
                                      : "No replication protocol is visible in the code. ",
        c[0] ? "Membership claims: " : "No membership or quorum claim found.", c);
    free(c);
    c = claims_of(p, FL_CLAIM_ORDERING);
    p->sut_model[3] = c[0] ? fl__strdupf("Ordering claims: %s.", c)
                           : fl_xstrdup("No ordering guarantee is stated to clients.");
    free(c);
    size_t nt = count_sites(p, FL_SITE_TIMEOUT);
    p->sut_model[4] =
        fl__strdupf("%zu timeout site%s in this plan bound remote calls%s", nt, nt == 1 ? "" : "s",
                    t->stack ? "; the store client is the network boundary."
                             : "; no store client library was detected.");
    c = claims_of(p, FL_CLAIM_IDEMPOTENCY);
    p->sut_model[5] = fl__strdupf(
        "%zu retry site%s and %zu idempotency site%s in this plan's scope. %s%s",
        count_sites(p, FL_SITE_RETRY), count_sites(p, FL_SITE_RETRY) == 1 ? "" : "s",
        count_sites(p, FL_SITE_IDEMPOTENCY), count_sites(p, FL_SITE_IDEMPOTENCY) == 1 ? "" : "s",
        c[0] ? "Idempotency claims: "
             : "No idempotency claim found: whether retries are safe is "
               "not stated (§1c).",
        c);
    free(c);
    p->sut_model[6] = fl_xstrdup(
        "faultline does not read logging or metrics configuration. Oracles use client op "
        "histories; landing evidence uses node logs and process / network state (§7.M).");
}

/* ---- the build --------------------------------------------------------------------------- */

/* plan-level hypotheses (boundary / fairness claims) share the H numbers */
static size_t p_extra_guess(const fl_scan_result *sr) {
    size_t n = 0;
    for (size_t i = 0; i < sr->claim_count; i++)
        if (sr->claims[i].category == FL_CLAIM_BOUNDARY ||
            sr->claims[i].category == FL_CLAIM_FAIRNESS)
            n++;
    return n;
}

static int cmp_claim_id(const void *a, const void *b) {
    return strcmp((*(fl_pclaim *const *)a)->c.id, (*(fl_pclaim *const *)b)->c.id);
}

int fl_plan_build(const fl_plan_options *o, fl_plan **out, fl_error *err) {
    *out = NULL;
    if (o->head && !o->base) {
        fl_error_set(err, NULL, 0, 0, "--head needs --base (a change is base..head)");
        return -1;
    }
    fl_repo r;
    if (fl__repo_open(o->repo ? o->repo : ".", &r, err) != 0) return -1;
    git_commit *bc = NULL, *hc = NULL, *datec = NULL;
    fl_ptree t;
    memset(&t, 0, sizeof t);
    fl_plan *p = fl_xcalloc(1, sizeof *p);
    init_tables(p);
    int rc = -1;
    if (o->base && fl__repo_commit(&r, o->base, "--base", &bc, err) != 0) goto done;
    if (o->head && fl__repo_commit(&r, o->head, "--head", &hc, err) != 0) goto done;
    if (hc) {
        datec = hc;
    } else {
        git_object *obj = NULL;
        if (git_revparse_single(&obj, r.repo, "HEAD") == 0)
            git_object_peel((git_object **)&datec, obj, GIT_OBJECT_COMMIT);
        git_object_free(obj);
    }
    char date[16] = "undated";
    if (datec) fl__commit_date(datec, date);
    p->date = fl_xstrdup(o->date ? o->date : date);
    p->root = fl_xstrdup(r.workdir);
    p->change_scoped = o->base != NULL;
    p->mode = fl_xstrdup(p->change_scoped ? "change-scoped" : "project-wide");
    p->status = fl_xstrdup("draft");
    const char *folder = basename_of(r.abs_dir);
    char b7[8] = "", h7[8] = "";
    if (bc) git_oid_tostr(b7, sizeof b7, git_commit_id(bc));
    if (hc) git_oid_tostr(h7, sizeof h7, git_commit_id(hc));
    if (o->slug)
        p->slug = fl_xstrdup(o->slug);
    else if (p->change_scoped)
        p->slug = fl__strdupf("%s-%s-%s", folder, b7, hc ? h7 : "worktree");
    else
        p->slug = fl__strdupf("%s-project-wide", folder);
    for (char *q = p->slug; *q; q++)
        if (*q == ' ' || *q == '/') *q = '-';
    if (p->change_scoped) {
        if (hc)
            p->change_label = fl__strdupf("%s (%s)..%s (%s)", o->base, b7, o->head, h7);
        else
            p->change_label = fl__strdupf("%s (%s)..work tree", o->base, b7);
        if (fl__change_diff(&r, bc, hc, &p->change, err) != 0) goto done;
        if (classify_change(p)) {
            p->sut = fl_xstrdup(folder);
            rc = 0;
            goto done;
        }
    } else {
        p->change_label = fl_xstrdup("N/A — project-wide");
    }

    if (fl__tree_load(&r, hc, o->threads, &t, err) != 0) goto done;
    p->sut = sut_name(&t, &r);
    p->scan = t.res; /* the plan keeps the scan; the tree keeps the texts */
    memset(&t.res, 0, sizeof t.res);
    fl_scan_result *sr = &p->scan;

    /* ---- scope: functions, sites ---- */
    scope_fn *fns = NULL;
    size_t nfn = 0;
    char **site_scope_of = fl_xcalloc(sr->site_count ? sr->site_count : 1, sizeof *site_scope_of);
    if (p->change_scoped) {
        for (size_t i = 0; i < p->change.file_count; i++) {
            const fl_changed_file *cf = &p->change.files[i];
            if (cf->status == 'D' || cf->binary) continue;
            const fl_pfile *f = fl__tree_file(&t, cf->path);
            if (!f || !f->facts) continue;
            for (size_t k = 0; k < f->facts->func_count; k++) {
                if (!hunk_hits(cf, f->facts->funcs[k].line, f->func_end_line[k])) continue;
                fns = fl_xrealloc(fns, (nfn + 1) * sizeof *fns);
                fns[nfn++] = (scope_fn){f, k, "changed"};
            }
        }
        size_t nchanged = nfn;
        for (size_t c = 0; c < nchanged; c++) {
            const char *name = fns[c].f->facts->funcs[fns[c].k].name;
            if (!name[0]) continue;
            uint64_t h = fl__hash(name, strlen(name), 0);
            for (size_t i = 0; i < t.n; i++) {
                const fl_pfile *f = &t.files[i];
                if (!f->facts) continue;
                for (size_t k = 0; k < f->facts->call_count; k++) {
                    const fl_call *call = &f->facts->calls[k];
                    if (call->name_hash != h) continue;
                    long fi = fl__enclosing_function(f->facts, call->start_byte, call->end_byte);
                    if (fi < 0 || fn_in(fns, nfn, f, (size_t)fi)) continue;
                    fns = fl_xrealloc(fns, (nfn + 1) * sizeof *fns);
                    fns[nfn++] = (scope_fn){f, (size_t)fi, "caller"};
                }
            }
        }
        for (size_t i = 0; i < sr->site_count; i++)
            site_scope_of[i] = (char *)site_scope(fns, nfn, &t, &p->change, &sr->sites[i]);
        p->funcs = fl_xcalloc(nfn ? nfn : 1, sizeof *p->funcs);
        for (size_t i = 0; i < nfn; i++) {
            const fl_func *fn = &fns[i].f->facts->funcs[fns[i].k];
            fl_pfunc *pf = &p->funcs[p->func_count++];
            pf->path = fl_xstrdup(fns[i].f->path);
            pf->name = fl_xstrdup(fn->name);
            pf->start_line = fn->line;
            pf->end_line = fns[i].f->func_end_line[fns[i].k];
            pf->why = fns[i].why;
        }
    } else {
        for (size_t i = 0; i < sr->site_count; i++) site_scope_of[i] = "project";
    }

    /* ---- hypotheses in scope ---- */
    int *hyp_in = fl_xcalloc(sr->hypothesis_count ? sr->hypothesis_count : 1, sizeof *hyp_in);
    int *site_in = fl_xcalloc(sr->site_count ? sr->site_count : 1, sizeof *site_in);
    for (size_t i = 0; i < sr->site_count; i++) site_in[i] = site_scope_of[i] != NULL;
    for (size_t h = 0; h < sr->hypothesis_count; h++) {
        const fl_hypothesis *hy = &sr->hypotheses[h];
        for (size_t k = 0; k < hy->site_count && !hyp_in[h]; k++)
            for (size_t i = 0; i < sr->site_count; i++)
                if (site_in[i] && !strcmp(sr->sites[i].id, hy->sites[k])) {
                    hyp_in[h] = 1;
                    break;
                }
    }
    /* context sites: the other sites of hypotheses in scope */
    for (size_t h = 0; h < sr->hypothesis_count; h++) {
        if (!hyp_in[h]) continue;
        const fl_hypothesis *hy = &sr->hypotheses[h];
        for (size_t k = 0; k < hy->site_count; k++)
            for (size_t i = 0; i < sr->site_count; i++)
                if (!site_scope_of[i] && !strcmp(sr->sites[i].id, hy->sites[k]))
                    site_scope_of[i] = "context";
    }

    /* ---- claims: numbered over the whole workspace (sorted by scanner id) ---- */
    fl_pclaim *all = fl_xcalloc(sr->claim_count ? sr->claim_count : 1, sizeof *all);
    fl_pclaim **byid = fl_xcalloc(sr->claim_count ? sr->claim_count : 1, sizeof *byid);
    for (size_t i = 0; i < sr->claim_count; i++) {
        all[i].c = sr->claims[i];
        byid[i] = &all[i];
    }
    qsort(byid, sr->claim_count, sizeof *byid, cmp_claim_id);
    fl_idalloc idsv, *ids = &idsv;
    fl__idalloc_init(ids, sr->claim_count);
    for (size_t i = 0; i < sr->claim_count; i++)
        fl__id_number(ids, fl__hex_hash(byid[i]->c.id), "C", byid[i]->id);
    for (size_t i = 0; i < sr->claim_count; i++)
        if (all[i].c.inferred) snprintf(all[i].mid, sizeof all[i].mid, "M%s", all[i].id + 1);
    free(byid);
    /* hypotheses numbered the same way */
    char(*hid)[16] = fl_xcalloc(sr->hypothesis_count ? sr->hypothesis_count : 1, sizeof *hid);
    {
        size_t *ord = fl_xcalloc(sr->hypothesis_count ? sr->hypothesis_count : 1, sizeof *ord);
        for (size_t i = 0; i < sr->hypothesis_count; i++) ord[i] = i;
        for (size_t a = 1; a < sr->hypothesis_count; a++)
            for (size_t b = a;
                 b > 0 && strcmp(sr->hypotheses[ord[b - 1]].id, sr->hypotheses[ord[b]].id) > 0;
                 b--) {
                size_t tmp = ord[b - 1];
                ord[b - 1] = ord[b];
                ord[b] = tmp;
            }
        fl__idalloc_fini(ids);
        fl__idalloc_init(ids, sr->hypothesis_count + p_extra_guess(sr));
        for (size_t i = 0; i < sr->hypothesis_count; i++)
            fl__id_number(ids, fl__hex_hash(sr->hypotheses[ord[i]].id), "H", hid[ord[i]]);
        free(ord);
    }

    /* which claims are in the plan */
    int *claim_in = fl_xcalloc(sr->claim_count ? sr->claim_count : 1, sizeof *claim_in);
    for (size_t h = 0; h < sr->hypothesis_count; h++) {
        if (!hyp_in[h]) continue;
        const fl_hypothesis *hy = &sr->hypotheses[h];
        for (size_t i = 0; i < sr->claim_count; i++) {
            for (size_t k = 0; k < hy->claim_count; k++)
                if (!strcmp(hy->claims[k], all[i].c.id)) claim_in[i] = all[i].cited = 1;
            for (size_t k = 0; k < hy->missing_claim_count; k++)
                if (!strcmp(hy->missing_claims[k], all[i].c.id)) claim_in[i] = all[i].cited = 1;
        }
    }
    for (size_t i = 0; i < sr->claim_count; i++) {
        if (!p->change_scoped) {
            claim_in[i] = 1;
            continue;
        }
        /* a promise written or edited in this change */
        for (size_t f = 0; f < p->change.file_count; f++)
            if (!strcmp(p->change.files[f].path, all[i].c.path) && !all[i].c.inferred &&
                p->change.files[f].status != 'D' &&
                hunk_hits(&p->change.files[f], all[i].c.line, all[i].c.line))
                claim_in[i] = 1;
    }
    size_t nclaims = 0;
    for (size_t i = 0; i < sr->claim_count; i++) nclaims += claim_in[i] ? 1 : 0;
    p->claims = fl_xcalloc(nclaims ? nclaims : 1, sizeof *p->claims);
    for (size_t i = 0; i < sr->claim_count; i++)
        if (claim_in[i]) p->claims[p->claim_count++] = all[i];

    /* sites in the plan */
    size_t nsites = 0;
    for (size_t i = 0; i < sr->site_count; i++) nsites += site_scope_of[i] ? 1 : 0;
    p->sites = fl_xcalloc(nsites ? nsites : 1, sizeof *p->sites);
    for (size_t i = 0; i < sr->site_count; i++)
        if (site_scope_of[i]) {
            fl_psite *ps = &p->sites[p->site_count++];
            ps->s = sr->sites[i];
            ps->scope = p->change_scoped ? site_scope_of[i] : NULL;
        }

    /* hypotheses in the plan */
    size_t nh = 0;
    for (size_t h = 0; h < sr->hypothesis_count; h++) nh += hyp_in[h] ? 1 : 0;
    size_t extra = 0;
    for (size_t i = 0; i < p->claim_count; i++)
        if (p->claims[i].c.category == FL_CLAIM_BOUNDARY ||
            p->claims[i].c.category == FL_CLAIM_FAIRNESS)
            extra++;
    p->hyps = fl_xcalloc(nh + extra + 1, sizeof *p->hyps);
    for (size_t h = 0; h < sr->hypothesis_count; h++) {
        if (!hyp_in[h]) continue;
        const fl_hypothesis *hy = &sr->hypotheses[h];
        fl_phyp *ph = &p->hyps[p->hyp_count++];
        memcpy(ph->id, hid[h], sizeof ph->id);
        snprintf(ph->ref, sizeof ph->ref, "%s", hy->id);
        ph->title = fl_xstrdup(hy->title);
        ph->pitfall = hy->pitfall;
        ph->pitfall_name = hy->pitfall_name;
        ph->fault = hy->fault;
        ph->model = hy->model;
        ph->checker = hy->checker;
        for (size_t k = 0; k < hy->claim_count; k++)
            for (size_t i = 0; i < p->claim_count; i++)
                if (!strcmp(p->claims[i].c.id, hy->claims[k]))
                    fl__strv_add(&ph->claims, p->claims[i].id);
        for (size_t k = 0; k < hy->missing_claim_count; k++)
            for (size_t i = 0; i < p->claim_count; i++)
                if (!strcmp(p->claims[i].c.id, hy->missing_claims[k]))
                    fl__strv_add(&ph->missing, p->claims[i].mid);
        fl__strv_sort(&ph->claims);
        for (size_t k = 0; k < hy->site_count; k++) fl__strv_push(&ph->sites, hy->sites[k]);
        /* subsystem, stack, because */
        const fl_site *first = NULL;
        for (size_t i = 0; i < sr->site_count && !first; i++)
            if (hy->site_count && !strcmp(sr->sites[i].id, hy->sites[0])) first = &sr->sites[i];
        ph->subsystem = first ? folder_of(first->path) : fl_xstrdup(".");
        const fl_pfile *pf = first ? fl__tree_file(&t, first->path) : NULL;
        if (pf && pf->stack) {
            for (int k = 0; k < 3; k++)
                if (pf->stack & (1u << k)) {
                    ph->stack = 1u << k;
                    ph->stack_evidence =
                        fl__strdupf("%s imports %s", pf->path, pf->stack_marker[k]);
                    break;
                }
        } else if (first) {
            /* a file of the same folder (package) that imports the client */
            char *dir = folder_of(first->path);
            for (size_t f = 0; f < t.n && !ph->stack; f++) {
                char *fd = folder_of(t.files[f].path);
                if (!strcmp(fd, dir) && t.files[f].stack && !t.files[f].is_test)
                    for (int k = 0; k < 3 && !ph->stack; k++)
                        if (t.files[f].stack & (1u << k)) {
                            ph->stack = 1u << k;
                            ph->stack_evidence =
                                fl__strdupf("%s, in the same folder, imports %s", t.files[f].path,
                                            t.files[f].stack_marker[k]);
                        }
                free(fd);
            }
            free(dir);
        }
        ph->lang = first ? first->language : "";
        fl_buf because = FL_BUF_INIT;
        for (size_t k = 0; k < hy->site_count && k < 4; k++)
            for (size_t i = 0; i < sr->site_count; i++)
                if (!strcmp(sr->sites[i].id, hy->sites[k])) {
                    const fl_site *s = &sr->sites[i];
                    fl_buf_printf(&because, "%s`%s:%d` %s — %s", k ? "; " : "", s->path, s->line,
                                  s->rule, s->message);
                }
        if (hy->site_count > 4) fl_buf_printf(&because, "; and %zu more", hy->site_count - 4);
        fl_buf_printf(&because, ". Pitfall %d of the catalogue: %s", hy->pitfall, hy->pitfall_name);
        ph->because = fl_buf_take(&because);
    }
    /* plan-level hypotheses for boundary and fairness claims (no site implies them) */
    for (size_t i = 0; i < p->claim_count; i++) {
        const fl_pclaim *c = &p->claims[i];
        int fair = c->c.category == FL_CLAIM_FAIRNESS;
        if (c->c.category != FL_CLAIM_BOUNDARY && !fair) continue;
        fl_phyp *ph = &p->hyps[p->hyp_count++];
        snprintf(ph->ref, sizeof ph->ref, "c-%.20s", c->c.id + 6);
        fl_idalloc *tmp = ids; /* continue in H numbers */
        fl__id_number(tmp, fl__hash_str(ph->ref, 0x4b), "H", ph->id);
        ph->title = fair ? fl__strdupf("one group's load starves another, breaking %s", c->id)
                         : fl__strdupf("the boundary of %s leaks through a surface other than "
                                       "the one usually tested (jobs, exports, metrics, audit)",
                                       c->id);
        ph->pitfall = 13;
        ph->pitfall_name = "Auth / quota / metadata state divergence under partition";
        ph->fault = "partition";
        ph->model = fair ? "other(per-group latency)" : "kv";
        ph->checker = fair ? "fairness formula" : "negative-control comparison";
        ph->from_claim = 1;
        fl__strv_push(&ph->claims, c->id);
        ph->subsystem = folder_of(c->c.path);
        ph->because = fl__strdupf("the claim at `%s:%d` is a %s claim; the reference's boundary "
                                  "discipline requires every surface to be tested",
                                  c->c.path, c->c.line, fl_claim_category_name(c->c.category));
    }
    fl__idalloc_fini(ids);
    free(hid);
    free(claim_in);
    free(hyp_in);
    free(site_in);
    free(site_scope_of);
    free(all);
    free(fns);
    /* project-wide: group by subsystem */
    if (!p->change_scoped)
        for (size_t a = 1; a < p->hyp_count; a++)
            for (size_t b = a; b > 0 && strcmp(p->hyps[b - 1].subsystem, p->hyps[b].subsystem) > 0;
                 b--) {
                fl_phyp tmp = p->hyps[b - 1];
                p->hyps[b - 1] = p->hyps[b];
                p->hyps[b] = tmp;
            }

    if (p->change_scoped && p->hyp_count == 0) {
        fl_strv fnames = {0};
        for (size_t i = 0; i < p->func_count && fnames.n < 8; i++)
            if (!strcmp(p->funcs[i].why, "changed"))
                fl__strv_pushf(&fnames, "%s (%s)", p->funcs[i].name, p->funcs[i].path);
        char *fs = fl__strv_join(&fnames, ", ", "no function");
        char *why = fl__strdupf("no distributed-systems site (retry, timeout, lease, commit, "
                                "idempotency, clock) in the changed functions or their direct "
                                "callers; changed: %s",
                                fs);
        early(p, "no-sites", why,
              "no distributed test plan: cover the change with unit tests; re-plan if it starts "
              "calling a store, a lock or a retry path");
        free(fs);
        free(why);
        fl__strv_free(&fnames);
        rc = 0;
        goto done;
    }

    fl__plan_scenarios(p, &t);
    extern void fl__plan_sections(fl_plan * p, const fl_ptree *t);
    architecture(p, &t);
    sut_model(p, &t);
    fl__plan_sections(p, &t);
    rc = 0;
done:
    fl__tree_free(&t);
    git_commit_free(bc);
    if (datec && datec != hc) git_commit_free(datec);
    git_commit_free(hc);
    fl__repo_close(&r);
    if (rc != 0) {
        fl_plan_free(p);
        return -1;
    }
    *out = p;
    return 0;
}

void fl_plan_free(fl_plan *p) {
    if (!p) return;
    free(p->slug);
    free(p->date);
    free(p->mode);
    free(p->sut);
    free(p->status);
    free(p->root);
    free(p->change_label);
    fl_change_free(&p->change);
    free(p->early_exit);
    free(p->early_kind);
    free(p->recommendation);
    fl__strv_free(&p->architecture);
    free(p->scope_text);
    fl__strv_free(&p->in_scope);
    fl__strv_free(&p->out_of_scope);
    for (int i = 0; i < 7; i++) free(p->sut_model[i]);
    for (size_t i = 0; i < p->func_count; i++) {
        free(p->funcs[i].path);
        free(p->funcs[i].name);
    }
    free(p->funcs);
    free(p->claims); /* the claims' strings belong to p->scan */
    free(p->sites);
    for (size_t i = 0; i < p->hyp_count; i++) {
        fl_phyp *h = &p->hyps[i];
        free(h->title);
        fl__strv_free(&h->claims);
        fl__strv_free(&h->missing);
        fl__strv_free(&h->sites);
        fl__strv_free(&h->scenarios);
        free(h->subsystem);
        free(h->because);
        free(h->stack_evidence);
        fl__strv_free(&h->tests);
    }
    free(p->hyps);
    for (size_t i = 0; i < p->scen_count; i++) {
        fl_pscenario *s = &p->scen[i];
        char **strs[] = {&s->name,
                         &s->technique,
                         &s->workload,
                         &s->faults,
                         &s->oracle,
                         &s->observability,
                         &s->model,
                         &s->model_ref,
                         &s->checker,
                         &s->checker_text,
                         &s->history_recording,
                         &s->landing_evidence,
                         &s->ambiguous_outcomes,
                         &s->reduction_plan,
                         &s->operations,
                         &s->adversarial,
                         &s->positive,
                         &s->negative,
                         &s->delayed,
                         &s->obs_paths,
                         &s->smoke,
                         &s->hardening,
                         &s->release,
                         &s->target_test_file,
                         &s->skeleton_language,
                         &s->skeleton,
                         &s->stack,
                         &s->status,
                         &s->status_reason};
        for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++) free(*strs[k]);
        fl__strv_free(&s->falsifies);
        fl__strv_free(&s->closes);
        fl__strv_free(&s->history_fields);
        fl__strv_free(&s->surfaces);
        fl__strv_free(&s->arms);
        json_decref(s->run);
    }
    free(p->scen);
    for (size_t i = 0; i < p->test_count; i++) {
        free(p->tests[i].path);
        fl__strv_free(&p->tests[i].functions);
    }
    free(p->tests);
    fl_table *tables[] = {&p->missing,  &p->sweep,    &p->matrix,  &p->techniques, &p->environment,
                          &p->adequacy, &p->residual, &p->aspects, &p->questions,  &p->self_check};
    for (size_t k = 0; k < sizeof tables / sizeof tables[0]; k++) fl__table_free(tables[k]);
    free(p->confidence);
    fl__strv_free(&p->not_covered);
    fl_scan_result_free(&p->scan);
    free(p);
}

const char *fl_plan_slug(const fl_plan *p) {
    return p->slug;
}

const char *fl_plan_root(const fl_plan *p) {
    return p->root;
}

int fl_plan_early_exit(const fl_plan *p) {
    return p->early_exit != NULL;
}
