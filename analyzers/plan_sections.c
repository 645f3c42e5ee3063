/*
 * plan_sections.c — the plan's argument sections, filled from what plan_build.c selected and
 * plan_scenario.c designed: scope (§1), missing claims (§1c), the existing-test inventory
 * (§3: test files that mention a function in scope, and whether they inject faults), the
 * category sweep (§4), the coverage matrix (§5, project-wide), techniques (§6), environment
 * (§6b), adequacy (§7b), residual uncertainty (§7c), confidence (§7d), what is not covered
 * (§8), open questions (§9) and the design self-check. Every row names ids that exist in the
 * plan; where there is nothing to say, the section says so explicitly.
 * Input: a plan with claims, sites, hypotheses and scenarios; output: its tables and texts.
 */
#include "plan_internal.h"

#include <stdlib.h>
#include <string.h>

static const fl_pscenario *scen(const fl_plan *p, const char *sid) {
    for (size_t i = 0; i < p->scen_count; i++)
        if (!strcmp(p->scen[i].id, sid)) return &p->scen[i];
    return NULL;
}

static const fl_site *site(const fl_plan *p, const char *sid) {
    for (size_t i = 0; i < p->site_count; i++)
        if (!strcmp(p->sites[i].s.id, sid)) return &p->sites[i].s;
    return NULL;
}

static char *join(const fl_strv *v, const char *empty) {
    return fl__strv_join(v, ", ", empty);
}

/* ---- §1 scope ---------------------------------------------------------------------------- */

static void scope(fl_plan *p, const fl_ptree *t) {
    if (p->change_scoped) {
        size_t changed = 0, callers = 0;
        for (size_t i = 0; i < p->func_count; i++) {
            if (!strcmp(p->funcs[i].why, "changed"))
                changed++;
            else
                callers++;
        }
        p->scope_text = fl__strdupf(
            "The change %s touches %zu file%s. Hunks fall in %zu function%s; %zu function%s "
            "call%s one of them by name (one level). Blast radius: %zu site%s in those "
            "functions, %zu hypothes%s and the claims they cite; sites of the same "
            "hypotheses elsewhere are listed as context.",
            p->change_label, p->change.file_count, p->change.file_count == 1 ? "" : "s", changed,
            changed == 1 ? "" : "s", callers, callers == 1 ? "" : "s", callers == 1 ? "s" : "",
            p->site_count, p->site_count == 1 ? "" : "s", p->hyp_count,
            p->hyp_count == 1 ? "is" : "es");
        for (size_t i = 0; i < p->change.file_count; i++) {
            const fl_changed_file *f = &p->change.files[i];
            fl_strv fn = {0};
            for (size_t k = 0; k < p->func_count; k++)
                if (!strcmp(p->funcs[k].path, f->path) && !strcmp(p->funcs[k].why, "changed"))
                    fl__strv_add(&fn, p->funcs[k].name);
            char *fs = join(&fn, "");
            const char *st = f->status == 'A'   ? "added"
                             : f->status == 'D' ? "deleted"
                             : f->status == 'R' ? "renamed"
                             : f->status == 'T' ? "type changed"
                                                : "modified";
            fl_buf b = FL_BUF_INIT;
            fl_buf_printf(&b, "`%s` — %s", f->path, st);
            if (f->status == 'R') fl_buf_printf(&b, " from `%s`", f->old_path);
            if (f->untracked) fl_buf_puts(&b, " (untracked)");
            if (f->binary)
                fl_buf_puts(&b, ", binary");
            else
                fl_buf_printf(&b, ", %zu hunk%s", f->hunk_count, f->hunk_count == 1 ? "" : "s");
            if (f->whitespace_only) fl_buf_puts(&b, ", whitespace only");
            if (fn.n) fl_buf_printf(&b, "; functions: %s", fs);
            fl__strv_push(&p->in_scope, fl_buf_cstr(&b));
            fl_buf_free(&b);
            free(fs);
            fl__strv_free(&fn);
        }
    } else {
        size_t code = 0, docs = 0, tests = 0;
        for (size_t i = 0; i < t->n; i++) {
            if (t->files[i].is_doc)
                docs++;
            else if (t->files[i].is_test)
                tests++;
            else if (t->files[i].facts)
                code++;
        }
        p->scope_text = fl__strdupf(
            "Project-wide: every file faultline reads under the planned folder — %zu source "
            "file%s, %zu test file%s, %zu doc file%s; %zu site%s, %zu claim%s, %zu hypothes%s.",
            code, code == 1 ? "" : "s", tests, tests == 1 ? "" : "s", docs, docs == 1 ? "" : "s",
            p->site_count, p->site_count == 1 ? "" : "s", p->claim_count,
            p->claim_count == 1 ? "" : "s", p->hyp_count, p->hyp_count == 1 ? "is" : "es");
        fl__strv_push(&p->in_scope, "the externally observable behaviour behind every site: "
                                    "retries, timeouts, leases and locks, commits, idempotency "
                                    "keys, wall-clock decisions");
        fl__strv_push(&p->out_of_scope, "vendored and generated code");
        fl__strv_push(&p->out_of_scope, "files in languages faultline does not parse");
    }
}

/* ---- §3 inventory ------------------------------------------------------------------------ */

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int ident_char(char c, int first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
           (!first && c >= '0' && c <= '9');
}

/* The hashes of every identifier of a text, sorted (one pass over the text). */
static uint64_t *ident_set(const char *t, size_t len, size_t *n) {
    size_t cap = 256, k = 0;
    uint64_t *v = fl_xmalloc(cap * sizeof *v);
    for (size_t i = 0; i < len;) {
        if (!ident_char(t[i], 1) || (i > 0 && ident_char(t[i - 1], 0))) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < len && ident_char(t[j], 0)) j++;
        if (k == cap) v = fl_xrealloc(v, (cap *= 2) * sizeof *v);
        v[k++] = fl__hash(t + i, j - i, 0);
        i = j;
    }
    qsort(v, k, sizeof *v, cmp_u64);
    *n = k;
    return v;
}

static void inventory(fl_plan *p, const fl_ptree *t) {
    /* the functions in scope: changed + callers, or every function holding a site */
    fl_strv names = {0};
    if (p->change_scoped) {
        for (size_t i = 0; i < p->func_count; i++) fl__strv_add(&names, p->funcs[i].name);
    } else {
        for (size_t i = 0; i < p->site_count; i++)
            if (p->sites[i].s.function[0]) fl__strv_add(&names, p->sites[i].s.function);
    }
    for (size_t i = 0; i < t->n; i++) {
        const fl_pfile *f = &t->files[i];
        if (!f->is_test) continue;
        fl_strv hit = {0};
        size_t ni = 0;
        uint64_t *ids = ident_set(f->text, f->len, &ni);
        for (size_t k = 0; k < names.n; k++) {
            uint64_t h = fl__hash(names.v[k], strlen(names.v[k]), 0);
            if (strlen(names.v[k]) > 2 && bsearch(&h, ids, ni, sizeof *ids, cmp_u64))
                fl__strv_add(&hit, names.v[k]);
        }
        free(ids);
        if (!hit.n) continue;
        p->tests = fl_xrealloc(p->tests, (p->test_count + 1) * sizeof *p->tests);
        fl_ptest *pt = &p->tests[p->test_count++];
        memset(pt, 0, sizeof *pt);
        pt->path = fl_xstrdup(f->path);
        pt->functions = hit;
        pt->marker = fl__fault_marker(f->text, f->len, &pt->marker_line);
    }
    /* which hypotheses each test touches (by the functions of their sites) */
    for (size_t h = 0; h < p->hyp_count; h++) {
        fl_phyp *ph = &p->hyps[h];
        for (size_t k = 0; k < ph->sites.n; k++) {
            const fl_site *s = site(p, ph->sites.v[k]);
            if (!s || !s->function[0]) continue;
            for (size_t i = 0; i < p->test_count; i++)
                if (fl__strv_has(&p->tests[i].functions, s->function)) {
                    fl__strv_add(&ph->tests, p->tests[i].path);
                    if (p->tests[i].marker) ph->tests_inject = 1;
                }
        }
    }
    fl__strv_free(&names);
}

/* ---- §1c, §4 sweep, §5 matrix ------------------------------------------------------------ */

static void missing_claims(fl_plan *p) {
    for (size_t i = 0; i < p->claim_count; i++) {
        const fl_pclaim *c = &p->claims[i];
        if (!c->mid[0]) continue;
        char *ev = fl__strdupf("inferred from the code at `%s:%d`; no doc, comment, error type "
                               "or test name states it",
                               c->c.path, c->c.line);
        fl__table_add(&p->missing, c->mid, c->c.text, c->id, ev,
                      "state it in the README or docs if it is a promise; otherwise say what "
                      "callers may assume instead");
        free(ev);
    }
}

static void sweep(fl_plan *p) {
    static const struct {
        const char *cat;
        const char *pred; /* checker/fault words */
        const char *na;
    } rows[] = {
        {"correctness", "linearizable|lease|negative-control comparison",
         "N/A because no hypothesis in scope concerns linearizability, leases or boundaries"},
        {"durability", "set|kill", "N/A because no commit, WAL or fsync site is in scope"},
        {"liveness", "",
         "N/A because faultline's rules derive no liveness hypothesis from sites; liveness "
         "claims, if any, are listed in §7c"},
        {"partial failure", "partition|latency|pause",
         "N/A because no hypothesis in scope injects a partition, latency or pause"},
        {"idempotency / replay", "exactly-once|restart",
         "N/A because no retry or idempotency-key hypothesis is in scope"},
        {"upgrade / rollback", "",
         "N/A because faultline's rules do not model upgrades or mixed versions (§8)"},
        {"configuration", "", "N/A because faultline does not read configuration files (§8)"},
        {"performance / fairness", "fairness formula",
         "N/A because no performance-SLO or fairness hypothesis is in scope; SLO claims, if "
         "any, are listed in §7c"},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        fl_strv hs = {0};
        for (size_t h = 0; h < p->hyp_count && rows[r].pred[0]; h++) {
            const fl_phyp *ph = &p->hyps[h];
            char words[256];
            snprintf(words, sizeof words, "|%s|", rows[r].pred);
            char c1[80], c2[80];
            snprintf(c1, sizeof c1, "|%s|", ph->checker);
            snprintf(c2, sizeof c2, "|%s|", ph->fault);
            if (strstr(words, c1) || strstr(words, c2)) fl__strv_push(&hs, ph->id);
        }
        char *list = join(&hs, "none");
        fl__table_add(&p->sweep, rows[r].cat, list, hs.n ? "hypotheses listed below" : rows[r].na);
        free(list);
        fl__strv_free(&hs);
    }
}

static void matrix(fl_plan *p) {
    if (p->change_scoped) return;
    for (size_t c = 0; c < p->claim_count; c++) {
        const fl_pclaim *cl = &p->claims[c];
        int any = 0;
        for (size_t h = 0; h < p->hyp_count; h++) {
            const fl_phyp *ph = &p->hyps[h];
            if (!fl__strv_has(&ph->claims, cl->id) &&
                !(cl->mid[0] && fl__strv_has(&ph->missing, cl->mid)))
                continue;
            any = 1;
            char *tests = join(&ph->tests, "none");
            char *sc = join(&ph->scenarios, "none");
            fl__table_add(&p->matrix, cl->id, ph->id, tests,
                          ph->tests.n ? "partial" : "not covered",
                          !ph->tests.n        ? "no test"
                          : !ph->tests_inject ? "no fault-injection variant"
                                              : "oracle too weak (not verified by faultline)",
                          sc);
            free(tests);
            free(sc);
        }
        if (!any)
            fl__table_add(&p->matrix, cl->id, "none", "none", "not covered",
                          "no test (no hypothesis: no site implies how it could fail)", "none");
    }
}

/* ---- §6, §6b ----------------------------------------------------------------------------- */

static void techniques(fl_plan *p) {
    static const struct {
        const char *tech, *catches, *ref, *cost;
    } known[] = {
        {"fault injection with a history checker (Jepsen-style)",
         "anomalies only visible in a concurrent history under a real fault: lost updates, "
         "stale reads, double-applied retries",
         "references/jepsen-and-elle.md", "minutes per seed (the run block: ~40 s)"},
        {"crash-recovery testing with a history checker",
         "acknowledged writes lost across a crash; recovery that diverges from the acked state",
         "references/crash-recovery-and-upgrade.md", "minutes per seed"},
        {"boundary testing with positive and negative controls",
         "leaks through surfaces other than the API: jobs, exports, metrics, audit logs",
         "references/boundary-and-isolation-testing.md", "hours to build the arms"},
        {"performance testing with a per-group fairness checker",
         "one group's tail latency or errors hidden inside an aggregate",
         "references/performance-and-benchmarking.md", "tens of minutes per run"},
    };
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
        fl_strv hs = {0};
        for (size_t s = 0; s < p->scen_count; s++)
            if (!strcmp(p->scen[s].technique, known[k].tech))
                for (size_t i = 0; i < p->scen[s].closes.n; i++)
                    fl__strv_add(&hs, p->scen[s].closes.v[i]);
        if (!hs.n) continue;
        fl__strv_sort(&hs);
        char *list = join(&hs, "none");
        fl__table_add(&p->techniques, known[k].tech, list, known[k].catches, known[k].ref,
                      known[k].cost);
        free(list);
        fl__strv_free(&hs);
    }
}

static void environment(fl_plan *p) {
    fl_strv etcd = {0}, redis = {0}, part = {0}, lat = {0}, clock = {0}, proc = {0}, skel = {0};
    for (size_t s = 0; s < p->scen_count; s++) {
        const fl_pscenario *sc = &p->scen[s];
        if (sc->run) {
            if (!strcmp(sc->stack, "etcd")) fl__strv_push(&etcd, sc->id);
            if (!strcmp(sc->stack, "redis")) fl__strv_push(&redis, sc->id);
            const char *kind = json_string_value(
                json_object_get(json_array_get(json_object_get(sc->run, "nemesis"), 0), "kind"));
            if (kind && (!strcmp(kind, "partition") || !strcmp(kind, "loss")))
                fl__strv_push(&part, sc->id);
            else if (kind && !strcmp(kind, "latency"))
                fl__strv_push(&lat, sc->id);
            else if (kind && !strcmp(kind, "clock-skew"))
                fl__strv_push(&clock, sc->id);
            else
                fl__strv_push(&proc, sc->id);
        } else {
            fl__strv_push(&skel, sc->id);
        }
    }
    struct {
        fl_strv *v;
        const char *req, *floor, *hint;
    } rows[] = {
        {&etcd, "etcd server + faultline-adapter-etcd", "etcd 3.4",
         "apt-get install etcd-server; the adapter is built with faultline"},
        {&redis, "redis-server + faultline-adapter-redis", "Redis 6.0",
         "apt-get install redis-server; the adapter is built with faultline"},
        {&part, "network namespaces + iptables (partition nemesis)", "Linux 4.19, iptables 1.8",
         "run as root; apt-get install iptables iproute2"},
        {&lat, "tc / netem (latency nemesis)", "iproute2 5.10", "apt-get install iproute2"},
        {&clock, "libfaketime (clock-skew nemesis)", "0.9.10", "apt-get install faketime"},
        {&proc, "signals to node processes (kill / pause / restart)", "any POSIX kernel",
         "brought up by faultline run"},
        {&skel, "the SUT's own test toolchain (to complete the skeletons)",
         "as the project's manifest states", "brought up by SUT"},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        if (!rows[r].v->n) continue;
        char *list = join(rows[r].v, "none");
        fl__table_add(&p->environment, rows[r].req, rows[r].floor, list, rows[r].hint);
        free(list);
        fl__strv_free(rows[r].v);
    }
}

/* ---- §7b–§7d ----------------------------------------------------------------------------- */

static void adequacy(fl_plan *p) {
    for (size_t c = 0; c < p->claim_count; c++) {
        const fl_pclaim *cl = &p->claims[c];
        fl_strv threats = {0}, ss = {0};
        for (size_t h = 0; h < p->hyp_count; h++) {
            const fl_phyp *ph = &p->hyps[h];
            if (!fl__strv_has(&ph->claims, cl->id) &&
                !(cl->mid[0] && fl__strv_has(&ph->missing, cl->mid)))
                continue;
            fl__strv_pushf(&threats, "T%zu %s (%s)", threats.n + 1, ph->fault, ph->id);
            for (size_t k = 0; k < ph->scenarios.n; k++) fl__strv_add(&ss, ph->scenarios.v[k]);
        }
        if (!threats.n) {
            const char *why = cl->c.category == FL_CLAIM_LIVENESS ||
                                      cl->c.category == FL_CLAIM_PERFORMANCE_SLO ||
                                      cl->c.category == FL_CLAIM_OPERATIONAL
                                  ? "faultline's rules derive hypotheses for safety, durability, "
                                    "idempotency and ordering sites, not for this category"
                                  : "no site in scope implies how this claim could fail";
            char *u = fl__strdupf("%s (%s) is not exercised by any scenario", cl->id,
                                  fl_claim_category_name(cl->c.category));
            fl__table_add(&p->residual, u, why,
                          p->change_scoped ? "the change does not touch code behind it"
                                           : "not acceptable for a release: write a scenario "
                                             "by hand",
                          "when code implementing it changes, or before a release");
            free(u);
            fl__strv_free(&threats);
            continue;
        }
        fl__strv_sort(&ss);
        fl_buf why = FL_BUF_INIT;
        for (size_t k = 0; k < ss.n; k++) {
            const fl_pscenario *s = scen(p, ss.v[k]);
            if (!s) continue;
            fl_buf_printf(&why, "%s%s injects %s with checker `%s`%s", k ? "; " : "", s->id,
                          s->faults, s->checker,
                          strcmp(s->status, "NOT-RUN") ? " (run block)"
                                                       : " — NOT-RUN until its skeleton is done");
        }
        fl_buf_puts(&why, ". At least one would catch a violation only once it reaches "
                          "PASS-hardening with its landing evidence.");
        char *th = join(&threats, "");
        char *sl = join(&ss, "none");
        fl__table_add(&p->adequacy, cl->id, th, sl, fl_buf_cstr(&why));
        free(th);
        free(sl);
        fl_buf_free(&why);
        fl__strv_free(&threats);
        fl__strv_free(&ss);
    }
    for (size_t s = 0; s < p->scen_count; s++) {
        const fl_pscenario *sc = &p->scen[s];
        char *u;
        if (!sc->run) {
            u = fl__strdupf("%s %s has no run block", sc->id, sc->name);
            fl__table_add(&p->residual, u, sc->status_reason,
                          "its hypotheses stay open and are reported as uncovered",
                          "when the skeleton at its target test file is completed");
        } else {
            u = fl__strdupf("%s drives %s through faultline's adapter, not through the SUT's "
                            "functions",
                            sc->id, sc->stack);
            fl__table_add(&p->residual, u,
                          "faultline cannot drive the SUT's own code path without a harness",
                          "it tests the store guarantee the sites rely on",
                          "when the skeleton exercises the SUT's own call path");
        }
        free(u);
    }
}

static void confidence(fl_plan *p) {
    size_t runnable = 0;
    fl_strv notrun = {0}, surf = {0};
    for (size_t s = 0; s < p->scen_count; s++) {
        if (p->scen[s].run)
            runnable++;
        else
            fl__strv_push(&notrun, p->scen[s].id);
        for (size_t a = 0; a < p->scen[s].arms.n; a++) fl__strv_push(&surf, p->scen[s].arms.v[a]);
    }
    char *nr = join(&notrun, "none");
    char *sf = join(&surf, "none");
    p->confidence = fl__strdupf(
        "If every scenario of §7 reaches PASS-hardening, we will have observed no violation "
        "of the claims in §7b under the injected faults, with each checker consuming a "
        "complete history and each fault proven to land. We will not have shown that the "
        "claims cannot fail: only %zu of %zu scenarios have a run block, and those drive the "
        "store through faultline's adapter rather than the SUT's own code. Scenarios without "
        "a run block (%s) stay NOT-RUN until their skeletons are completed; their hypotheses "
        "remain open. Untested surfaces: %s. Do not read anything in §7c or §8 as covered. "
        "faultline's checkers are tested against public histories with known answers; this "
        "harness has not yet been shown to FAIL on known-bad code of this SUT, so plant a bug "
        "(or revert a fix) once before trusting a PASS.",
        runnable, p->scen_count, nr, sf);
    free(nr);
    free(sf);
    for (size_t c = 0; c < p->claim_count; c++) {
        const fl_pclaim *cl = &p->claims[c];
        if (cl->c.category != FL_CLAIM_BOUNDARY && cl->c.category != FL_CLAIM_FAIRNESS) continue;
        for (size_t s = 0; s < p->scen_count; s++) {
            const fl_pscenario *sc = &p->scen[s];
            if (!fl__strv_has(&sc->falsifies, cl->id)) continue;
            for (size_t a = 0; a < sc->arms.n; a++) {
                char *asp = fl__strdupf("%s (%s)", sc->surfaces.v[a], sc->arms.v[a]);
                fl__table_add(&p->aspects, cl->id, asp, "low",
                              "NOT-RUN: the arm's test does not exist yet");
                free(asp);
            }
        }
    }
    fl__strv_free(&notrun);
    fl__strv_free(&surf);
}

/* ---- §8, §9, self-check ------------------------------------------------------------------ */

static void not_covered(fl_plan *p) {
    if (p->change_scoped)
        fl__strv_push(&p->not_covered, "code outside the changed functions and their direct "
                                       "callers (run a project-wide plan for that)");
    fl__strv_push(&p->not_covered, "upgrades, rollbacks and mixed-version clusters");
    fl__strv_push(&p->not_covered, "storage faults (disk full, fsync loss, bit flips): "
                                   "faultline's executor has no storage nemesis");
    fl__strv_push(&p->not_covered, "configuration files and deployment manifests");
    fl__strv_push(&p->not_covered, "vendored and generated code");
}

static void questions(fl_plan *p) {
    const char *by = p->change_scoped ? "before this change merges" : "before the next release";
    for (size_t i = 0; i < p->claim_count; i++) {
        const fl_pclaim *c = &p->claims[i];
        if (!c->mid[0]) continue;
        char *q = fl__strdupf("Is \"%s\" a promise (%s)? If not, what may callers assume?",
                              c->c.text, c->mid);
        char *owner = fl__strdupf("maintainers of `%s`", c->c.path);
        fl__table_add(&p->questions, q, owner, by);
        free(q);
        free(owner);
    }
    for (size_t s = 0; s < p->scen_count; s++) {
        const fl_pscenario *sc = &p->scen[s];
        if (sc->run) continue;
        char *q = fl__strdupf("Which log line or metric of the SUT proves the fault of %s "
                              "landed, and is there a server-side audit log for its history?",
                              sc->id);
        fl__table_add(&p->questions, q, "the owner of the target test file", by);
        free(q);
        if (sc->surfaced) {
            q = fl__strdupf("Which surfaces does %s really have (the arms are the reference's "
                            "catalogue), and what thresholds apply?",
                            sc->id);
            fl__table_add(&p->questions, q, "product owner", by);
            free(q);
        }
    }
}

static void self_check(fl_plan *p) {
    fl_strv bad = {0};
    for (size_t h = 0; h < p->hyp_count; h++)
        if (!p->hyps[h].scenarios.n) fl__strv_push(&bad, p->hyps[h].id);
    char *b = join(&bad, "");
    fl__table_add(&p->self_check, "every hypothesis has at least one scenario", bad.n ? b : "yes");
    free(b);
    fl__strv_free(&bad);
    for (size_t h = 0; h < p->hyp_count; h++)
        if (!p->hyps[h].claims.n && !p->hyps[h].missing.n) fl__strv_push(&bad, p->hyps[h].id);
    b = join(&bad, "");
    fl__table_add(&p->self_check, "every hypothesis cites a claim or names a missing claim",
                  bad.n ? b : "yes");
    free(b);
    fl__strv_free(&bad);
    for (size_t s = 0; s < p->scen_count; s++)
        if (p->scen[s].serious && !p->scen[s].checker[0]) fl__strv_push(&bad, p->scen[s].id);
    b = join(&bad, "");
    fl__table_add(&p->self_check,
                  "every serious scenario names a checker, history fields, a "
                  "nemesis with landing evidence and ambiguous-outcome rules",
                  bad.n ? b : "yes");
    free(b);
    fl__strv_free(&bad);
    fl__table_add(&p->self_check, "no oracle is \"logs look fine\"",
                  "yes: every oracle names a checker or a formula");
    fl__table_add(&p->self_check,
                  "every release budget is concrete or disclosed as not "
                  "provided with a revisit condition",
                  "yes");
    fl__table_add(&p->self_check,
                  "boundary / fairness scenarios have ≥3 surfaces and negative "
                  "controls",
                  "yes (or no such scenario)");
    size_t nt = p->techniques.n;
    char *tc = fl__strdupf("%zu technique%s%s", nt, nt == 1 ? "" : "s",
                           nt == 1 ? " — a single technique is suspicious: consider adding "
                                     "property or crash-recovery tests"
                                   : "");
    fl__table_add(&p->self_check,
                  p->change_scoped ? "2–4 techniques for a change" : "5–7 techniques for a project",
                  tc);
    free(tc);
}

void fl__plan_sections(fl_plan *p, const fl_ptree *t);
void fl__plan_sections(fl_plan *p, const fl_ptree *t) {
    scope(p, t);
    missing_claims(p);
    inventory(p, t);
    sweep(p);
    matrix(p);
    techniques(p);
    environment(p);
    adequacy(p);
    confidence(p);
    not_covered(p);
    questions(p);
    self_check(p);
}
