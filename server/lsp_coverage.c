/*
 * lsp_coverage.c — coverage of hypotheses by plans and session verdicts.
 *
 * Enters: the JSON files of <root>/docs/testing-plans/ (plans, SPEC §4) and of
 * <root>/test-sessions/<slug>/<timestamp>/ (verdicts, SPEC §5), read with jansson when the
 * server starts and again whenever a watched plan or session file changes. Leaves: per
 * site, the status of the best-known hypothesis touching it (lsp_coverage_for_site) and the
 * whole picture as JSON (faultline/coverage). Files that are not valid JSON are skipped and
 * listed under "problems" in the answer, never fatal.
 */
#include "lsp_coverage.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

typedef struct cov_site {
    char *id, *path, *rule, *function;
    int line;
} cov_site;

typedef struct cov_hyp {
    char *id, *title;
    cov_site *sites;
    size_t nsites;
    lsp_cov_answer answer;
} cov_hyp;

typedef struct cov_state {
    cov_hyp *hyps;
    size_t nhyps;
    json_t *plans;    /* [{path, slug, session, scenarios: [{id, name, closes, verdict}]}] */
    json_t *problems; /* [{path, message}] */
    char *first_plan;
} cov_state;

const char *lsp_cov_status_name(lsp_cov_status st) {
    switch (st) {
        case LSP_COV_PLANNED:
            return "planned";
        case LSP_COV_PASS:
            return "pass";
        case LSP_COV_FAIL:
            return "fail";
        default:
            return "uncovered";
    }
}

static const char *str(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : "";
}

static bool ends_with(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

bool lsp_coverage_is_input(const char *path) {
    if (!ends_with(path, ".json")) return false;
    return strstr(path, "/docs/testing-plans/") || strstr(path, "/test-sessions/") ||
           strncmp(path, "docs/testing-plans/", 19) == 0 ||
           strncmp(path, "test-sessions/", 14) == 0;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in a folder (entries starting with '.' left out); returns the count. */
static size_t list_dir(const char *dir, char ***out) {
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d) return 0;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = fl_xrealloc(*out, cap * sizeof **out);
        }
        (*out)[n++] = fl_xstrdup(e->d_name);
    }
    closedir(d);
    if (n) qsort(*out, n, sizeof **out, cmp_str);
    return n;
}

static void free_list(char **v, size_t n) {
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

static json_t *load_json(cov_state *st, const char *path) {
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    if (!j) {
        struct stat sb;
        if (stat(path, &sb) == 0) {
            char msg[300];
            snprintf(msg, sizeof msg, "line %d column %d: %s", e.line, e.column, e.text);
            json_array_append_new(st->problems,
                                  json_pack("{s:s, s:s}", "path", path, "message", msg));
        }
    }
    return j;
}

/* Verdict of a scenario in the newest session of a slug; "" when none. */
static void session_verdict(cov_state *st, const char *root, const char *slug, const char *scenario,
                            char *verdict, size_t vn, char *session, size_t sn) {
    verdict[0] = session[0] = '\0';
    fl_buf dir = FL_BUF_INIT;
    fl_buf_printf(&dir, "%s/test-sessions/%s", root, slug);
    char **runs;
    size_t nruns = list_dir(dir.data, &runs);
    /* Newest first: timestamps sort as text. */
    for (size_t i = nruns; i-- > 0 && !verdict[0];) {
        fl_buf p = FL_BUF_INIT;
        fl_buf_printf(&p, "%s/%s/scenarios/%s/verdict.json", dir.data, runs[i], scenario);
        json_t *v = load_json(st, p.data);
        if (!v) {
            fl_buf_reset(&p);
            fl_buf_printf(&p, "%s/%s/report.json", dir.data, runs[i]);
            json_t *rep = load_json(st, p.data);
            json_t *list = json_object_get(rep, "scenarios");
            size_t k;
            json_t *sc;
            json_array_foreach(list, k, sc) if (strcmp(str(sc, "scenario"), scenario) == 0) {
                v = json_incref(sc);
                break;
            }
            json_decref(rep);
        }
        if (v && str(v, "verdict")[0]) {
            snprintf(verdict, vn, "%s", str(v, "verdict"));
            snprintf(session, sn, "%s/%s", dir.data, runs[i]);
        }
        json_decref(v);
        fl_buf_free(&p);
    }
    free_list(runs, nruns);
    fl_buf_free(&dir);
}

static lsp_cov_status status_of(const char *verdict) {
    if (strncmp(verdict, "FAIL", 4) == 0) return LSP_COV_FAIL;
    if (strncmp(verdict, "PASS", 4) == 0) return LSP_COV_PASS;
    return LSP_COV_PLANNED;
}

static void load_plan(lsp_server *s, cov_state *st, const char *root, const char *path) {
    json_t *plan = load_json(st, path);
    if (!json_is_object(plan)) {
        json_decref(plan);
        return;
    }
    if (!st->first_plan) st->first_plan = fl_xstrdup(path);
    const char *slug = str(plan, "slug");
    char slugbuf[256];
    if (!slug[0]) {
        const char *b = strrchr(path, '/');
        snprintf(slugbuf, sizeof slugbuf, "%s", b ? b + 1 : path);
        char *dot = strrchr(slugbuf, '.');
        if (dot) *dot = '\0';
        slug = slugbuf;
    }
    json_t *pj = json_pack("{s:s, s:s, s:[]}", "path", path, "slug", slug, "scenarios");
    json_t *scen_out = json_object_get(pj, "scenarios");
    json_t *sites = json_object_get(plan, "sites");
    json_t *hyps = json_object_get(plan, "hypotheses");
    json_t *scens = json_object_get(plan, "scenarios");
    size_t i, k;
    json_t *h, *sc;
    /* Each scenario's verdict, once. */
    json_array_foreach(scens, i, sc) {
        char verdict[64], session[1024];
        session_verdict(st, root, slug, str(sc, "id"), verdict, sizeof verdict, session,
                        sizeof session);
        json_t *closes = json_object_get(sc, "closes");
        json_t *o =
            json_pack("{s:s, s:s, s:o, s:s, s:s}", "id", str(sc, "id"), "name", str(sc, "name"),
                      "closes", json_is_array(closes) ? json_incref(closes) : json_array(),
                      "verdict", verdict, "session", session);
        json_array_append_new(scen_out, o);
    }
    json_array_foreach(hyps, i, h) {
        if (!json_is_object(h)) continue;
        cov_hyp ch = {0};
        ch.id = fl_xstrdup(str(h, "id"));
        ch.title = fl_xstrdup(str(h, "title"));
        snprintf(ch.answer.plan, sizeof ch.answer.plan, "%s", path);
        json_t *hs = json_object_get(h, "sites");
        size_t a;
        json_t *sid;
        json_array_foreach(hs, a, sid) {
            if (!json_is_string(sid)) continue;
            cov_site cs = {fl_xstrdup(json_string_value(sid)), fl_xstrdup(""), fl_xstrdup(""),
                           fl_xstrdup(""), 0};
            json_t *site;
            json_array_foreach(sites, k, site) if (strcmp(str(site, "id"), cs.id) == 0) {
                free(cs.path);
                free(cs.rule);
                free(cs.function);
                cs.path = fl_xstrdup(str(site, "path"));
                cs.rule = fl_xstrdup(str(site, "rule"));
                cs.function = fl_xstrdup(str(site, "function"));
                json_t *ln = json_object_get(site, "line");
                cs.line = json_is_integer(ln) ? (int)json_integer_value(ln) : 0;
                break;
            }
            ch.sites = fl_xrealloc(ch.sites, (ch.nsites + 1) * sizeof *ch.sites);
            ch.sites[ch.nsites++] = cs;
        }
        /* The deciding scenario: a FAIL beats a PASS beats a plain plan. */
        json_t *so;
        json_array_foreach(scen_out, k, so) {
            json_t *closes = json_object_get(so, "closes");
            size_t c;
            json_t *cid;
            bool closes_it = false;
            json_array_foreach(closes, c, cid) if (json_is_string(cid) &&
                                                   strcmp(json_string_value(cid), ch.id) == 0)
                closes_it = true;
            if (!closes_it) continue;
            lsp_cov_status stt = status_of(str(so, "verdict"));
            if (ch.answer.status == LSP_COV_UNCOVERED || stt > ch.answer.status) {
                ch.answer.status = stt;
                snprintf(ch.answer.scenario, sizeof ch.answer.scenario, "%s", str(so, "id"));
                snprintf(ch.answer.verdict, sizeof ch.answer.verdict, "%s", str(so, "verdict"));
                snprintf(ch.answer.session, sizeof ch.answer.session, "%s", str(so, "session"));
            }
        }
        st->hyps = fl_xrealloc(st->hyps, (st->nhyps + 1) * sizeof *st->hyps);
        st->hyps[st->nhyps++] = ch;
    }
    json_array_append_new(st->plans, pj);
    json_decref(plan);
}

void lsp_coverage_load(lsp_server *s) {
    lsp_coverage_free(s);
    cov_state *st = fl_xcalloc(1, sizeof *st);
    st->plans = json_array();
    st->problems = json_array();
    s->coverage = st;
    for (size_t r = 0; r < s->nroots; r++) {
        fl_buf dir = FL_BUF_INIT;
        fl_buf_printf(&dir, "%s/docs/testing-plans", s->roots[r]);
        char **names;
        size_t n = list_dir(dir.data, &names);
        for (size_t i = 0; i < n; i++) {
            if (!ends_with(names[i], ".json")) continue;
            fl_buf p = FL_BUF_INIT;
            fl_buf_printf(&p, "%s/%s", dir.data, names[i]);
            load_plan(s, st, s->roots[r], p.data);
            fl_buf_free(&p);
        }
        free_list(names, n);
        fl_buf_free(&dir);
    }
}

void lsp_coverage_reload(lsp_server *s) {
    lsp_coverage_load(s);
    s->coverage_generation++;
    for (size_t i = 0; i < s->docs.count; i++) s->docs.items[i]->dirty = true;
    /* Pull clients are asked to pull again. */
    if (s->caps.pull_diagnostics && s->caps.diagnostic_refresh)
        lsp_request(s, "workspace/diagnostic/refresh", NULL, NULL, NULL);
}

void lsp_coverage_free(lsp_server *s) {
    cov_state *st = s->coverage;
    if (!st) return;
    for (size_t i = 0; i < st->nhyps; i++) {
        cov_hyp *h = &st->hyps[i];
        for (size_t k = 0; k < h->nsites; k++) {
            free(h->sites[k].id);
            free(h->sites[k].path);
            free(h->sites[k].rule);
            free(h->sites[k].function);
        }
        free(h->sites);
        free(h->id);
        free(h->title);
    }
    free(st->hyps);
    json_decref(st->plans);
    json_decref(st->problems);
    free(st->first_plan);
    free(st);
    s->coverage = NULL;
}

lsp_cov_answer lsp_coverage_for_site(lsp_server *s, const char *site_id, const char *path,
                                     const char *rule, const char *function) {
    lsp_cov_answer best = {0};
    cov_state *st = s->coverage;
    if (!st) return best;
    for (size_t i = 0; i < st->nhyps; i++) {
        cov_hyp *h = &st->hyps[i];
        bool match = false;
        for (size_t k = 0; k < h->nsites && !match; k++) {
            cov_site *c = &h->sites[k];
            if (site_id && strcmp(c->id, site_id) == 0)
                match = true;
            else if (path && rule && c->path[0] && strcmp(c->path, path) == 0 &&
                     strcmp(c->rule, rule) == 0 &&
                     strcmp(c->function, function ? function : "") == 0)
                match = true;
        }
        if (!match) continue;
        if (!best.plan[0] || h->answer.status > best.status) best = h->answer;
    }
    return best;
}

json_t *lsp_coverage_json(lsp_server *s) {
    cov_state *st = s->coverage;
    json_t *hyps = json_array();
    size_t counts[4] = {0};
    if (st)
        for (size_t i = 0; i < st->nhyps; i++) {
            cov_hyp *h = &st->hyps[i];
            counts[h->answer.status]++;
            json_t *sites = json_array();
            for (size_t k = 0; k < h->nsites; k++)
                json_array_append_new(
                    sites, json_pack("{s:s, s:s, s:s, s:s, s:i}", "id", h->sites[k].id, "path",
                                     h->sites[k].path, "rule", h->sites[k].rule, "function",
                                     h->sites[k].function, "line", h->sites[k].line));
            json_array_append_new(hyps, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "id",
                                                  h->id, "title", h->title, "status",
                                                  lsp_cov_status_name(h->answer.status), "scenario",
                                                  h->answer.scenario, "verdict", h->answer.verdict,
                                                  "plan", h->answer.plan, "sites", sites));
        }
    return json_pack("{s:o, s:o, s:{s:I, s:I, s:I, s:I}, s:o, s:I}", "plans",
                     st ? json_incref(st->plans) : json_array(), "hypotheses", hyps, "summary",
                     "uncovered", (json_int_t)counts[0], "planned", (json_int_t)counts[1], "pass",
                     (json_int_t)counts[2], "fail", (json_int_t)counts[3], "problems",
                     st ? json_incref(st->problems) : json_array(), "generation",
                     (json_int_t)s->coverage_generation);
}

const char *lsp_coverage_first_plan(lsp_server *s) {
    cov_state *st = s->coverage;
    return st ? st->first_plan : NULL;
}
