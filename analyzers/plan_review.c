/*
 * plan_review.c — fl_review: the PR-bot view of a change. It builds the change-scoped plan,
 * reads the latest session under <root>/test-sessions/ (the newest <slug>/<UTC>/report.json,
 * and the plan that session ran, to learn which hypotheses each scenario closes), and says
 * for every hypothesis the change adds or affects whether a passing scenario covers it, a
 * FAIL hit it, or nothing does. Hypotheses are matched by their stable scanner reference,
 * so a session of a project-wide plan covers the same hypothesis in a change plan. "New"
 * means the hypothesis does not exist at the base revision (the base tree is analysed once).
 * Output: a Markdown PR comment, SARIF 2.1.0 (built by sarif.c, like scan's) or reviewdog's
 * rdjson, and counts.
 */
#include "plan_internal.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct session {
    char *dir; /* the session folder */
    json_t *report;
    json_t *plan; /* the plan the session ran, or NULL */
} session;

static int is_dir(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The newest folder holding report.json, one or two levels under `root`; ordered by the
 * folder name (a UTC timestamp), then by the whole path. */
static char *latest_session(const char *root) {
    char *best = NULL, *best_name = NULL;
    DIR *d = opendir(root);
    if (!d) return NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char *lvl1 = fl__strdupf("%s/%s", root, e->d_name);
        if (!is_dir(lvl1)) {
            free(lvl1);
            continue;
        }
        char *cands[512];
        size_t nc = 0;
        char *rep = fl__strdupf("%s/report.json", lvl1);
        if (is_file(rep)) cands[nc++] = fl_xstrdup(lvl1);
        free(rep);
        DIR *d2 = opendir(lvl1);
        struct dirent *e2;
        while (d2 && (e2 = readdir(d2)) && nc < 512) {
            if (e2->d_name[0] == '.') continue;
            char *lvl2 = fl__strdupf("%s/%s", lvl1, e2->d_name);
            char *rep2 = fl__strdupf("%s/report.json", lvl2);
            if (is_file(rep2))
                cands[nc++] = lvl2;
            else
                free(lvl2);
            free(rep2);
        }
        if (d2) closedir(d2);
        for (size_t i = 0; i < nc; i++) {
            const char *name = strrchr(cands[i], '/') + 1;
            if (!best || strcmp(name, best_name) > 0 ||
                (strcmp(name, best_name) == 0 && strcmp(cands[i], best) > 0)) {
                free(best);
                best = cands[i];
                best_name = strrchr(best, '/') + 1;
            } else {
                free(cands[i]);
            }
        }
        free(lvl1);
    }
    closedir(d);
    return best;
}

static json_t *load_plan_of(const json_t *report, const char *root, const char *dir) {
    const char *path = json_string_value(json_object_get(report, "plan"));
    const char *slug = json_string_value(json_object_get(report, "slug"));
    char *cands[4] = {0};
    size_t n = 0;
    if (path) {
        cands[n++] = path[0] == '/' ? fl_xstrdup(path) : fl__strdupf("%s%s", root, path);
        if (path[0] != '/') cands[n++] = fl__strdupf("%s/%s", dir, path);
    }
    if (slug) cands[n++] = fl__strdupf("%sdocs/testing-plans/%s.json", root, slug);
    json_t *plan = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!plan && is_file(cands[i])) plan = json_load_file(cands[i], 0, NULL);
        free(cands[i]);
    }
    return plan;
}

static int read_session(const char *root, const char *sessions, session *s) {
    memset(s, 0, sizeof *s);
    char *sroot = sessions ? fl_xstrdup(sessions) : fl__strdupf("%stest-sessions", root);
    s->dir = latest_session(sroot);
    free(sroot);
    if (!s->dir) return 0;
    char *rp = fl__strdupf("%s/report.json", s->dir);
    s->report = json_load_file(rp, 0, NULL);
    free(rp);
    if (!s->report) return 0;
    s->plan = load_plan_of(s->report, root, s->dir);
    return 1;
}

static void session_free(session *s) {
    free(s->dir);
    json_decref(s->report);
    json_decref(s->plan);
}

/* The verdicts of the session's scenarios that close hypothesis `ref` (or `id`). */
static void verdicts_for(const session *s, const char *ref, const char *id, fl_strv *out) {
    if (!s->plan) return;
    /* the session plan's ids of this hypothesis */
    fl_strv hids = {0};
    size_t i;
    json_t *h;
    json_array_foreach(json_object_get(s->plan, "hypotheses"), i, h) {
        const char *hr = json_string_value(json_object_get(h, "ref"));
        const char *hi = json_string_value(json_object_get(h, "id"));
        if (!hi) continue;
        if (hr ? !strcmp(hr, ref) : !strcmp(hi, id)) fl__strv_add(&hids, hi);
    }
    json_t *sc;
    json_array_foreach(json_object_get(s->plan, "scenarios"), i, sc) {
        int closes = 0;
        size_t k;
        json_t *v;
        json_array_foreach(json_object_get(sc, "closes"), k, v) {
            if (json_is_string(v) && fl__strv_has(&hids, json_string_value(v))) closes = 1;
        }
        if (!closes) continue;
        const char *sid = json_string_value(json_object_get(sc, "id"));
        const char *verdict = "NOT-RUN";
        json_t *vo;
        json_array_foreach(json_object_get(s->report, "scenarios"), k, vo) {
            const char *vs = json_string_value(json_object_get(vo, "scenario"));
            if (vs && sid && !strcmp(vs, sid)) {
                const char *vv = json_string_value(json_object_get(vo, "verdict"));
                if (vv) verdict = vv;
            }
        }
        fl__strv_pushf(out, "%s %s", sid ? sid : "?", verdict);
    }
    fl__strv_free(&hids);
}

typedef struct hstate {
    const fl_phyp *h;
    int is_new;
    int state; /* 0 uncovered, 1 covered, 2 failed */
    fl_strv verdicts;
    const fl_site *at;     /* where to report it */
    const fl_claim *claim; /* where to report it when it has no site: its first claim */
} hstate;

static const char *state_name(int s) {
    return s == 1 ? "covered" : s == 2 ? "FAILED" : "uncovered";
}

static void md(const fl_plan *p, const session *s, hstate *hs, size_t n,
               const fl_review_summary *sum, fl_buf *b) {
    fl_buf_printf(b, "## faultline review: %s\n\n", p->change_label);
    if (p->early_exit) {
        fl_buf_printf(b, "No distributed-systems risk to review: %s.\n\nRecommendation: %s.\n",
                      p->early_exit, p->recommendation);
        return;
    }
    fl_buf_printf(b,
                  "**Coverage:** %zu of %zu hypotheses this change adds or affects %s "
                  "covered by a passing scenario",
                  sum->covered, sum->hypotheses, sum->covered == 1 ? "is" : "are");
    if (sum->failed) fl_buf_printf(b, "; %zu hit a FAIL", sum->failed);
    fl_buf_puts(b, ".\n\n");
    if (s->dir)
        fl_buf_printf(b, "Latest session: `%s` (session verdict %s%s).\n\n",
                      strncmp(s->dir, p->root, strlen(p->root)) ? s->dir : s->dir + strlen(p->root),
                      json_string_value(json_object_get(s->report, "session_verdict"))
                          ? json_string_value(json_object_get(s->report, "session_verdict"))
                          : "unknown",
                      s->plan ? ""
                              : "; its plan could not be read, so no scenario maps to a "
                                "hypothesis");
    else
        fl_buf_puts(b, "No session under `test-sessions/`: nothing has run yet.\n\n");
    fl_buf_puts(b, "### What changed\n\n");
    for (size_t i = 0; i < p->in_scope.n; i++) fl_buf_printf(b, "- %s\n", p->in_scope.v[i]);
    fl_buf_puts(b, "\n### New and affected hypotheses\n\n");
    fl_buf_puts(b, "| Hypothesis | | Claims | Site | Scenarios in the latest session | Coverage "
                   "|\n|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < n; i++) {
        const fl_phyp *h = hs[i].h;
        char *c = fl__strv_join(&h->claims, ", ", "");
        char *m = fl__strv_join(&h->missing, ", ", "");
        char *v = fl__strv_join(&hs[i].verdicts, ", ", "none");
        fl_buf_printf(b, "| %s %s | %s | %s%s%s | ", h->id, h->title,
                      hs[i].is_new ? "new" : "affected", c, c[0] && m[0] ? ", " : "", m);
        if (hs[i].at) fl_buf_printf(b, "`%s:%d`", hs[i].at->path, hs[i].at->line);
        fl_buf_printf(b, " | %s | %s |\n", v, state_name(hs[i].state));
        free(c);
        free(m);
        free(v);
    }
    fl_buf_puts(b, "\n### Residual risk\n\n");
    size_t shown = 0;
    for (size_t i = 0; i < n && shown < 5; i++) {
        if (hs[i].state == 1) continue;
        shown++;
        fl_buf_printf(b, "- %s: %s — %s\n", hs[i].h->id, hs[i].h->title,
                      hs[i].state == 2 ? "a scenario closing it FAILED; see the session report"
                                       : "no passing scenario; plan it (`faultline plan --base "
                                         "...`) and run it");
    }
    if (!shown)
        fl_buf_puts(b, "None: every hypothesis is covered by a passing scenario.\n");
    else if (sum->uncovered + sum->failed > shown)
        fl_buf_printf(b, "- … and %zu more\n", sum->uncovered + sum->failed - shown);
}

/* SARIF through sarif.c (the builder `faultline scan` uses): one rule per pitfall, one
 * result per hypothesis at its site, or at its first claim when it has no site (GitHub
 * needs a location; a hypothesis with neither is left out, as in rdjson). */
static void sarif(const hstate *hs, size_t n, fl_buf *out) {
    fl__sarif log;
    fl__sarif_init(&log);
    for (size_t i = 0; i < n; i++) {
        const fl_phyp *h = hs[i].h;
        char rid[64], tag[32];
        snprintf(rid, sizeof rid, "faultline/pitfall-%d", h->pitfall);
        snprintf(tag, sizeof tag, "pitfall-%d", h->pitfall);
        const fl_pitfall_doc *d = fl__pitfall_doc(h->pitfall);
        fl__sarif_rule rule = {.id = rid,
                               .short_text = h->pitfall_name,
                               .full_text = d->description,
                               .help_text = d->help,
                               .level = "warning",
                               .severity = "warning",
                               .tags = {"distributed-systems", tag, NULL}};
        fl__sarif_add_rule(&log, &rule);
        fl__sarif_loc at = {0};
        if (hs[i].at) {
            const fl_site *s = hs[i].at;
            at = (fl__sarif_loc){s->path, s->line, s->column_utf16, s->end_line,
                                 s->end_column_utf16};
        } else if (hs[i].claim) {
            at = (fl__sarif_loc){hs[i].claim->path, hs[i].claim->line, 0, 0, 0};
        } else {
            continue; /* nowhere to show it */
        }
        char *msg = fl__strdupf("%s: %s — %s", h->id, h->title, state_name(hs[i].state));
        fl__sarif_add_result(&log, rid,
                             hs[i].state == 2   ? "error"
                             : hs[i].state == 0 ? "warning"
                                                : "note",
                             msg, &at, "faultlineHypothesis/v1", h->ref);
        free(msg);
    }
    fl__sarif_write(&log, out);
}

static json_t *rdjson(hstate *hs, size_t n) {
    json_t *d = json_array();
    for (size_t i = 0; i < n; i++) {
        const fl_phyp *h = hs[i].h;
        if (!hs[i].at && !hs[i].claim) continue; /* nowhere to show it */
        char *msg = fl__strdupf("%s: %s — %s", h->id, h->title, state_name(hs[i].state));
        json_t *o = json_pack("{s:s, s:s, s:{s:s}}", "message", msg, "severity",
                              hs[i].state == 2   ? "ERROR"
                              : hs[i].state == 0 ? "WARNING"
                                                 : "INFO",
                              "code", "value", h->id);
        free(msg);
        if (hs[i].at)
            json_object_set_new(o, "location",
                                json_pack("{s:s, s:{s:{s:i, s:i}, s:{s:i, s:i}}}", "path",
                                          hs[i].at->path, "range", "start", "line", hs[i].at->line,
                                          "column", hs[i].at->column, "end", "line",
                                          hs[i].at->end_line, "column", hs[i].at->end_column));
        else
            json_object_set_new(o, "location",
                                json_pack("{s:s, s:{s:{s:i}}}", "path", hs[i].claim->path, "range",
                                          "start", "line", hs[i].claim->line));
        json_array_append_new(d, o);
    }
    return json_pack("{s:{s:s}, s:s, s:o}", "source", "name", "faultline", "severity", "WARNING",
                     "diagnostics", d);
}

/* Hypothesis refs present at the base revision. */
static void base_refs(const fl_plan_options *o, fl_strv *out) {
    fl_repo r;
    fl_error err;
    if (fl__repo_open(o->repo ? o->repo : ".", &r, &err) != 0) return;
    git_commit *bc = NULL;
    if (fl__repo_commit(&r, o->base, "--base", &bc, &err) == 0) {
        fl_ptree t;
        if (fl__tree_load(&r, bc, o->threads, &t, &err) == 0) {
            for (size_t i = 0; i < t.res.hypothesis_count; i++)
                fl__strv_push(out, t.res.hypotheses[i].id);
            fl__tree_free(&t);
        }
    }
    git_commit_free(bc);
    fl__repo_close(&r);
}

int fl_review(const fl_plan_options *o, const char *sessions, fl_review_format format, fl_buf *out,
              fl_review_summary *sum, fl_error *err) {
    memset(sum, 0, sizeof *sum);
    if (!o->base) {
        fl_error_set(err, NULL, 0, 0, "review needs --base REV");
        return -1;
    }
    fl_plan *p = NULL;
    if (fl_plan_build(o, &p, err) != 0) return -1;
    session s;
    read_session(p->root, sessions, &s);
    fl_strv base = {0};
    if (!p->early_exit && p->hyp_count) base_refs(o, &base);
    hstate *hs = fl_xcalloc(p->hyp_count ? p->hyp_count : 1, sizeof *hs);
    size_t n = 0;
    for (size_t i = 0; i < p->hyp_count && !p->early_exit; i++) {
        hstate *x = &hs[n++];
        x->h = &p->hyps[i];
        x->is_new = !fl__strv_has(&base, x->h->ref);
        verdicts_for(&s, x->h->ref, x->h->id, &x->verdicts);
        for (size_t k = 0; k < x->verdicts.n; k++) {
            const char *v = strchr(x->verdicts.v[k], ' ');
            v = v ? v + 1 : "";
            if (!strncmp(v, "FAIL", 4))
                x->state = 2;
            else if (!strncmp(v, "PASS", 4) && x->state == 0)
                x->state = 1;
        }
        /* report at its first site inside the change, else its first site */
        for (size_t k = 0; k < x->h->sites.n; k++)
            for (size_t j = 0; j < p->site_count; j++)
                if (!strcmp(p->sites[j].s.id, x->h->sites.v[k]) &&
                    (!x->at ||
                     (p->sites[j].scope && !strcmp(p->sites[j].scope, "changed") && k == 0)))
                    if (!x->at) x->at = &p->sites[j].s;
        if (!x->at && x->h->claims.n) {
            const fl_pclaim *c = fl__plan_claim(p, x->h->claims.v[0]);
            if (c && c->c.path && c->c.path[0]) x->claim = &c->c;
        }
        sum->hypotheses++;
        if (x->state == 1)
            sum->covered++;
        else if (x->state == 2)
            sum->failed++;
        else
            sum->uncovered++;
    }
    if (format == FL_REVIEW_MD) {
        md(p, &s, hs, n, sum, out);
    } else if (format == FL_REVIEW_SARIF) {
        sarif(hs, n, out);
    } else {
        json_t *j = rdjson(hs, n);
        char *txt = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fl_buf_puts(out, txt);
        fl_buf_putc(out, '\n');
        free(txt);
        json_decref(j);
    }
    for (size_t i = 0; i < n; i++) fl__strv_free(&hs[i].verdicts);
    free(hs);
    fl__strv_free(&base);
    session_free(&s);
    fl_plan_free(p);
    return 0;
}
