/*
 * plan_check.c — fl_plan_check: validates a plan JSON someone edited by hand. It checks
 * the shapes `faultline run` and the renderers rely on, and every reference between parts
 * of the plan: hypotheses → claims / missing claims / sites, scenarios → claims (falsifies)
 * and hypotheses (closes), adequacy rows → claims and scenarios; serious scenarios (a
 * falsified claim is safety, durability, idempotency, isolation, ordering or membership)
 * need a checker, history fields, landing evidence and ambiguous-outcome rules; run blocks
 * must name known nemesis kinds and targets, models and checkers. Each problem carries the
 * JSON path of the offending value. Input: a jansson value; output: a problem list.
 */
#include "plan_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct probs {
    fl_plan_problem *v;
    size_t n;
} probs;

static void add(probs *p, const char *where, const char *fmt, ...) FL_PRINTF(3, 4);
static void add(probs *p, const char *where, const char *fmt, ...) {
    p->v = fl_xrealloc(p->v, (p->n + 1) * sizeof *p->v);
    fl_buf b = FL_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    fl_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    p->v[p->n].where = fl_xstrdup(where);
    p->v[p->n].what = fl_buf_take(&b);
    p->n++;
}

void fl_plan_problems_free(fl_plan_problem *v, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(v[i].where);
        free(v[i].what);
    }
    free(v);
}

static int in_set(const char *s, const char *const *set) {
    for (int i = 0; set[i]; i++)
        if (!strcmp(s, set[i])) return 1;
    return 0;
}

static const char *const NEMESES[] = {"kill",       "crash", "pause",   "restart", "partition",
                                      "clock-skew", "clock", "latency", "loss",    NULL};
static const char *const TARGETS[] = {"random",   "leader", "non-leader", "minority",
                                      "majority", "all",    NULL};
static const char *const MODELS[] = {"register",    "cas-register", "kv",   "set",   "queue",
                                     "counter",     "ledger",       "lock", "lease", "list-append",
                                     "rw-register", "unique-ids",   NULL};
static const char *const CHECKERS[] = {"linearizable", "elle",   "set",   "queue",
                                       "counter",      "ledger", "lease", "exactly-once",
                                       "unique-ids",   NULL};
/* the gated categories, plus boundary and fairness: every §7.M.S arm needs its own §7.M */
static const char *const SERIOUS[] = {"safety",    "durability", "idempotency",
                                      "isolation", "ordering",   "membership",
                                      "boundary",  "fairness",   NULL};
static const char *const CATEGORIES[] = {
    "safety",    "liveness", "durability", "performance-SLO", "operational", "idempotency",
    "isolation", "ordering", "membership", "boundary",        "fairness",    NULL};

/* ids of the objects of array `key`, under field `field` */
static void collect(const json_t *plan, const char *key, const char *field, fl_strv *out,
                    probs *p) {
    json_t *a = json_object_get(plan, key);
    if (!a || json_is_null(a)) return;
    if (!json_is_array(a)) {
        char w[64];
        snprintf(w, sizeof w, "$.%s", key);
        add(p, w, "expected a list");
        return;
    }
    size_t i;
    json_t *o;
    json_array_foreach(a, i, o) {
        char w[96];
        snprintf(w, sizeof w, "$.%s[%zu].%s", key, i, field);
        json_t *id = json_object_get(o, field);
        if (!json_is_string(id)) {
            add(p, w, "expected a string id");
            continue;
        }
        if (fl__strv_has(out, json_string_value(id)))
            add(p, w, "duplicate id '%s'", json_string_value(id));
        fl__strv_push(out, json_string_value(id));
    }
}

static void refs(const json_t *o, const char *base, const char *field, const fl_strv *known,
                 const char *what, probs *p, int required) {
    json_t *a = json_object_get(o, field);
    char w[160];
    if (!a || json_is_null(a)) {
        if (required) {
            snprintf(w, sizeof w, "%s.%s", base, field);
            add(p, w, "expected a list of %s ids", what);
        }
        return;
    }
    if (!json_is_array(a)) {
        snprintf(w, sizeof w, "%s.%s", base, field);
        add(p, w, "expected a list of %s ids", what);
        return;
    }
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) {
        snprintf(w, sizeof w, "%s.%s[%zu]", base, field, i);
        if (!json_is_string(v))
            add(p, w, "expected a %s id", what);
        else if (!fl__strv_has(known, json_string_value(v)))
            add(p, w, "%s '%s' does not exist", what, json_string_value(v));
    }
}

static const char *str(const json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void check_run(const json_t *run, const char *base, probs *p) {
    char w[192];
    if (!json_is_object(run)) {
        snprintf(w, sizeof w, "%s", base);
        add(p, w, "expected an object (or null)");
        return;
    }
    json_t *cl = json_object_get(run, "cluster");
    snprintf(w, sizeof w, "%s.cluster", base);
    if (!json_is_object(cl))
        add(p, w, "expected a cluster block");
    else {
        json_t *start = json_object_get(cl, "start");
        snprintf(w, sizeof w, "%s.cluster.start", base);
        if (!json_is_string(start) && !json_is_array(start))
            add(p, w, "expected a command or a list of commands");
        json_t *nodes = json_object_get(cl, "nodes");
        snprintf(w, sizeof w, "%s.cluster.nodes", base);
        if (nodes && (!json_is_integer(nodes) || json_integer_value(nodes) < 1))
            add(p, w, "expected a node count >= 1");
    }
    json_t *client = json_object_get(run, "client");
    snprintf(w, sizeof w, "%s.client.command", base);
    if (!json_is_object(client) || !str(client, "command"))
        add(p, w, "expected the adapter command");
    json_t *wl = json_object_get(run, "workload");
    snprintf(w, sizeof w, "%s.workload.model", base);
    if (!json_is_object(wl) || !str(wl, "model"))
        add(p, w, "expected a model");
    else if (!in_set(str(wl, "model"), MODELS))
        add(p, w, "unknown model '%s'", str(wl, "model"));
    json_t *nem = json_object_get(run, "nemesis");
    size_t nn = 0;
    if (nem && !json_is_null(nem)) {
        if (!json_is_array(nem)) {
            snprintf(w, sizeof w, "%s.nemesis", base);
            add(p, w, "expected a list");
        } else {
            size_t i;
            json_t *n;
            nn = json_array_size(nem);
            json_array_foreach(nem, i, n) {
                snprintf(w, sizeof w, "%s.nemesis[%zu].kind", base, i);
                const char *k = str(n, "kind");
                if (!k)
                    add(p, w, "expected a fault kind");
                else if (!in_set(k, NEMESES))
                    add(p, w,
                        "unknown nemesis '%s' (expected kill, pause, restart, partition, "
                        "clock-skew, latency or loss)",
                        k);
                const char *t = str(n, "target");
                snprintf(w, sizeof w, "%s.nemesis[%zu].target", base, i);
                if (t && !in_set(t, TARGETS) && !(strncmp(t, "node-", 5) == 0 && atoi(t + 5) > 0))
                    add(p, w,
                        "unknown target '%s' (expected random, leader, non-leader, "
                        "minority, majority, all or node-N)",
                        t);
            }
        }
    }
    json_t *ev = json_object_get(run, "evidence");
    if (json_is_array(ev)) {
        size_t i;
        json_t *e;
        json_array_foreach(ev, i, e) {
            json_t *f = json_object_get(e, "fault");
            snprintf(w, sizeof w, "%s.evidence[%zu].fault", base, i);
            if (f && (!json_is_integer(f) || json_integer_value(f) < 0 ||
                      (size_t)json_integer_value(f) >= (nn ? nn : 1)))
                add(p, w, "expected the index of a nemesis entry");
            const char *k = str(e, "kind");
            snprintf(w, sizeof w, "%s.evidence[%zu].kind", base, i);
            if (k && strcmp(k, "log") && strcmp(k, "command"))
                add(p, w, "unknown evidence kind '%s' (expected log or command)", k);
        }
    }
    json_t *ck = json_object_get(run, "checker");
    snprintf(w, sizeof w, "%s.checker.name", base);
    const char *cn = json_is_string(ck) ? json_string_value(ck) : str(ck, "name");
    if (cn && !in_set(cn, CHECKERS)) add(p, w, "unknown checker '%s'", cn);
}

size_t fl_plan_check(const json_t *plan, fl_plan_problem **out) {
    probs p = {0};
    *out = NULL;
    if (!json_is_object(plan)) {
        add(&p, "$", "expected a plan object");
        *out = p.v;
        return p.n;
    }
    static const char *const required[] = {"slug", "date", "mode", "status", NULL};
    for (int i = 0; required[i]; i++)
        if (!str(plan, required[i])) {
            char w[64];
            snprintf(w, sizeof w, "$.%s", required[i]);
            add(&p, w, "expected a string");
        }
    const char *mode = str(plan, "mode");
    if (mode && strcmp(mode, "change-scoped") && strcmp(mode, "project-wide"))
        add(&p, "$.mode", "expected change-scoped or project-wide, not '%s'", mode);
    fl_strv claims = {0}, missing = {0}, sites = {0}, hyps = {0}, scens = {0};
    collect(plan, "claims", "id", &claims, &p);
    collect(plan, "missing_claims", "id", &missing, &p);
    collect(plan, "sites", "id", &sites, &p);
    collect(plan, "hypotheses", "id", &hyps, &p);
    collect(plan, "scenarios", "id", &scens, &p);
    /* claim categories (to know which scenarios are serious) */
    fl_strv serious_claims = {0};
    json_t *a = json_object_get(plan, "claims");
    size_t i;
    json_t *o;
    if (json_is_array(a)) json_array_foreach(a, i, o) {
            const char *cat = str(o, "category");
            char w[64];
            snprintf(w, sizeof w, "$.claims[%zu].category", i);
            if (!cat || !in_set(cat, CATEGORIES))
                add(&p, w, "expected one of the 11 claim categories");
            else if (in_set(cat, SERIOUS) && str(o, "id"))
                fl__strv_push(&serious_claims, str(o, "id"));
        }
    a = json_object_get(plan, "missing_claims");
    if (json_is_array(a)) json_array_foreach(a, i, o) {
            char w[64];
            snprintf(w, sizeof w, "$.missing_claims[%zu]", i);
            if (str(o, "claim") && !fl__strv_has(&claims, str(o, "claim"))) {
                snprintf(w, sizeof w, "$.missing_claims[%zu].claim", i);
                add(&p, w, "claim '%s' does not exist", str(o, "claim"));
            }
        }
    fl_strv closed = {0};
    a = json_object_get(plan, "scenarios");
    if (json_is_array(a)) json_array_foreach(a, i, o) {
            json_t *cl = json_object_get(o, "closes");
            size_t k;
            json_t *v;
            if (json_is_array(cl)) json_array_foreach(cl, k, v) {
                    if (json_is_string(v)) fl__strv_add(&closed, json_string_value(v));
                }
        }
    a = json_object_get(plan, "hypotheses");
    if (json_is_array(a)) json_array_foreach(a, i, o) {
            char base[64];
            snprintf(base, sizeof base, "$.hypotheses[%zu]", i);
            refs(o, base, "claims", &claims, "claim", &p, 1);
            refs(o, base, "missing_claims", &missing, "missing claim", &p, 0);
            refs(o, base, "sites", &sites, "site", &p, 0);
            json_t *c = json_object_get(o, "claims"), *m = json_object_get(o, "missing_claims");
            if (json_array_size(c) == 0 && json_array_size(m) == 0)
                add(&p, base, "a hypothesis must cite a claim or name a missing claim");
            const char *id = str(o, "id");
            if (id && !fl__strv_has(&closed, id))
                add(&p, base, "hypothesis '%s' is closed by no scenario", id);
        }
    a = json_object_get(plan, "scenarios");
    if (json_is_array(a)) json_array_foreach(a, i, o) {
            char base[64], w[128];
            snprintf(base, sizeof base, "$.scenarios[%zu]", i);
            refs(o, base, "falsifies", &claims, "claim", &p, 1);
            refs(o, base, "closes", &hyps, "hypothesis", &p, 1);
            if (json_array_size(json_object_get(o, "falsifies")) == 0) {
                snprintf(w, sizeof w, "%s.falsifies", base);
                add(&p, w, "a scenario must falsify at least one claim");
            }
            int serious = 0;
            json_t *f = json_object_get(o, "falsifies");
            size_t k;
            json_t *v;
            if (json_is_array(f)) json_array_foreach(f, k, v) {
                    if (json_is_string(v) && fl__strv_has(&serious_claims, json_string_value(v)))
                        serious = 1;
                }
            static const char *const need[] = {"checker", "landing_evidence", "ambiguous_outcomes",
                                               "model", NULL};
            for (int n = 0; serious && need[n]; n++) {
                const char *s = str(o, need[n]);
                if (!s || !s[0]) {
                    snprintf(w, sizeof w, "%s.%s", base, need[n]);
                    add(&p, w, "a serious scenario (it falsifies a gated claim) needs %s",
                        !strcmp(need[n], "checker")            ? "a checker"
                        : !strcmp(need[n], "landing_evidence") ? "landing evidence for its fault"
                        : !strcmp(need[n], "model")            ? "a model"
                                                               : "ambiguous-outcome rules");
                }
            }
            if (serious && json_array_size(json_object_get(o, "history_fields")) == 0) {
                snprintf(w, sizeof w, "%s.history_fields", base);
                add(&p, w, "a serious scenario needs its history fields");
            }
            if (!str(o, "oracle") || !str(o, "oracle")[0]) {
                snprintf(w, sizeof w, "%s.oracle", base);
                add(&p, w, "expected a machine-checkable oracle");
            } else if (strstr(str(o, "oracle"), "logs look fine")) {
                snprintf(w, sizeof w, "%s.oracle", base);
                add(&p, w, "\"logs look fine\" is not an oracle");
            }
            json_t *b = json_object_get(o, "budgets");
            static const char *const tiers[] = {"smoke", "hardening", "release", NULL};
            for (int n = 0; tiers[n]; n++) {
                const char *s = str(b, tiers[n]);
                snprintf(w, sizeof w, "%s.budgets.%s", base, tiers[n]);
                if (!s || !s[0] || !strcmp(s, "TBD") || !strcmp(s, "see §6b"))
                    add(&p, w, "expected a concrete budget%s",
                        n == 2 ? " or \"not provided — <reason>. Revisit when: <condition>.\""
                               : "");
            }
            json_t *run = json_object_get(o, "run");
            if (run && !json_is_null(run)) {
                snprintf(w, sizeof w, "%s.run", base);
                check_run(run, w, &p);
            }
        }
    a = json_object_get(plan, "adequacy");
    if (json_is_array(a)) json_array_foreach(a, i, o) {
            char base[64], w[96];
            snprintf(base, sizeof base, "$.adequacy[%zu]", i);
            const char *c = str(o, "claim");
            snprintf(w, sizeof w, "%s.claim", base);
            if (c && !fl__strv_has(&claims, c)) add(&p, w, "claim '%s' does not exist", c);
            refs(o, base, "scenarios", &scens, "scenario", &p, 0);
        }
    fl__strv_free(&claims);
    fl__strv_free(&missing);
    fl__strv_free(&sites);
    fl__strv_free(&hyps);
    fl__strv_free(&scens);
    fl__strv_free(&serious_claims);
    fl__strv_free(&closed);
    *out = p.v;
    return p.n;
}
