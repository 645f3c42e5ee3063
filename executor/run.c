/*
 * run.c — `faultline run`: the plan's scenarios in order, seeds, re-runs, verdicts, blame.
 *
 * The plan path and options enter; the session folder leaves (report.c writes its files
 * after every scenario, so a crash keeps what already ran). Per scenario: the first seed
 * runs; a violation is re-run with the same seed (FAIL-reproducible vs
 * FAIL-nondeterministic); a clean run with every fault proven is repeated on further seeds
 * until the hardening budget's seed count (run.seeds, at least 3) agrees. The verdict comes
 * from fl_verdict_decide; every FAIL gets exactly one blame with its reasons.
 */
#include "exec.h"
#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *chk_name(fl_chk_state s) {
    return s == FL_CHK_VALID     ? "valid"
           : s == FL_CHK_INVALID ? "invalid"
           : s == FL_CHK_UNKNOWN ? "unknown"
                                 : "not-run";
}

static json_t *run_summary(const fl_seed_run *r, const char *session_dir, double rate) {
    const char *rel = r->dir + strlen(session_dir);
    while (*rel == '/') rel++;
    json_t *o =
        json_pack("{s:I,s:s,s:b,s:s,s:i,s:i,s:i,s:f,s:f,s:s?,s:s?}", "seed", (json_int_t)r->seed,
                  "dir", rel, "ran", r->ran, "checker", chk_name(r->chk), "ops", r->ops,
                  "faults_scheduled", r->faults_scheduled, "faults_proven", r->faults_proven,
                  "workload_s", r->workload_s, "overhead_s", r->overhead_s, "env_gap",
                  r->env_gap ? r->env_reason : NULL, "error", r->error[0] ? r->error : NULL);
    /* red flag 1: the workload's intended vs achieved rate */
    json_object_set_new(o, "rate_intended", json_real(rate));
    json_object_set_new(
        o, "rate_achieved",
        json_real(r->workload_s > 0 ? (double)(long long)(r->ops / r->workload_s * 10) / 10 : 0));
    return o;
}

static int json_count(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    if (json_is_integer(v)) return (int)json_integer_value(v);
    if (json_is_array(v)) return (int)json_array_size(v);
    return -1;
}

static char *oracle_evidence(const fl_scenario *sc, const fl_seed_run *r, int seeds) {
    fl_buf b = FL_BUF_INIT;
    json_t *cj = r->checker_json;
    const char *checker = json_string_value(json_object_get(cj, "checker"));
    if (!checker) checker = sc->checker_name ? sc->checker_name : "checker";
    if (r->chk == FL_CHK_NOT_RUN) {
        fl_buf_printf(&b, "%s did not run: %s", checker,
                      json_string_value(json_object_get(cj, "reason"))
                          ? json_string_value(json_object_get(cj, "reason"))
                          : "no history");
        return fl_buf_take(&b);
    }
    int ops = json_count(cj, "ops"), an = json_count(cj, "anomalies");
    fl_buf_printf(&b, "%s (%s): %d ops in %d key(s), %d anomal%s, valid=%s", checker,
                  sc->checker_model ? sc->checker_model : sc->model, ops < 0 ? r->ops : ops,
                  sc->keys, an < 0 ? 0 : an, an == 1 ? "y" : "ies", chk_name(r->chk));
    if (seeds > 1) fl_buf_printf(&b, "; %d seeds", seeds);
    return fl_buf_take(&b);
}

/* Exactly one blame for a FAIL, with the reasons that point at it. */
static const char *blame(const fl_scenario *sc, const fl_seed_run *first, const fl_seed_run *re,
                         int reproduced, json_t *reasons) {
    char b[512];
    if (first->malformed || (re && re->malformed)) {
        snprintf(b, sizeof b,
                 "the adapter sent %d malformed or unmatched replies: the harness, not the "
                 "SUT, broke the protocol",
                 first->malformed + (re ? re->malformed : 0));
        json_array_append_new(reasons, json_string(b));
        return "harness";
    }
    json_t *cj = first->checker_json;
    json_t *an = json_object_get(cj, "anomalies");
    snprintf(b, sizeof b,
             "%s found %zu anomal%s in a history recorded against the real system (scenario %s)",
             json_string_value(json_object_get(cj, "checker"))
                 ? json_string_value(json_object_get(cj, "checker"))
                 : "the checker",
             json_is_array(an) ? json_array_size(an) : 0,
             json_is_array(an) && json_array_size(an) == 1 ? "y" : "ies",
             sc->name ? sc->name : sc->id);
    json_array_append_new(reasons, json_string(b));
    json_array_append_new(
        reasons,
        json_string(reproduced ? "reproduced on a re-run with the same seed, config and fault "
                                 "schedule"
                               : "not reproduced on the same-seed re-run: timing-dependent"));
    json_array_append_new(reasons,
                          json_string("the adapter spoke the protocol cleanly (0 malformed "
                                      "replies) and every op it sent is one the SUT accepts"));
    json_array_append_new(
        reasons, json_string("the checker's counterexample shows a read the SUT served that "
                             "no order of the completed writes explains"));
    return "SUT";
}

/* The history lines around the checker's failing op: for a read, the writes to the same key
 * that had completed before the read was invoked (what a stale read missed). Returns a new
 * object or NULL. */
static json_t *stale_context(const char *history_path, json_t *cx) {
    json_t *fop = json_object_get(cx, "failing_op");
    int inv = (int)json_integer_value(json_object_get(fop, "invoke_line"));
    int comp = (int)json_integer_value(json_object_get(fop, "complete_line"));
    if (inv < 1) return NULL;
    fl_buf text = FL_BUF_INIT;
    if (fl_file_read(history_path, &text, NULL) < 0) return NULL;
    json_t *lines = json_array(); /* completed writes before the invoke, in order */
    json_t *read = NULL;
    int line = 0;
    char *save = NULL;
    json_t *key = json_object_get(fop, "key");
    for (char *l = strtok_r(text.data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        line++;
        if (line > comp && comp > 0) break;
        json_t *e = json_loads(l, 0, NULL);
        if (!e) continue;
        const char *f = json_string_value(json_object_get(e, "f"));
        const char *type = json_string_value(json_object_get(e, "type"));
        int same_key = !key || json_equal(key, json_object_get(e, "key"));
        if (line == comp) {
            read = json_incref(e);
        } else if (line < inv && same_key && type && !strcmp(type, "ok") && f &&
                   (!strcmp(f, "write") || !strcmp(f, "cas") || !strcmp(f, "put"))) {
            json_object_set_new(e, "line", json_integer(line));
            json_array_append(lines, e);
            if (json_array_size(lines) > 3) json_array_remove(lines, 0);
        }
        json_decref(e);
    }
    fl_buf_free(&text);
    if (!read) {
        json_decref(lines);
        return NULL;
    }
    json_object_set_new(read, "line", json_integer(comp));
    json_t *ctx = json_pack("{s:o,s:o}", "failing_completion", read,
                            "writes_completed_before_its_invoke", lines);
    json_t *last = json_array_get(lines, json_array_size(lines) - 1);
    const char *f = json_string_value(json_object_get(read, "f"));
    if (last && f && (!strcmp(f, "read") || !strcmp(f, "get"))) {
        json_t *w = json_object_get(last, "value");
        if (json_is_array(w)) w = json_array_get(w, 1);
        char *wv = json_dumps(w, JSON_ENCODE_ANY),
             *rv = json_dumps(json_object_get(read, "value"), JSON_ENCODE_ANY);
        char msg[512];
        snprintf(msg, sizeof msg,
                 "stale read: history line %d read %s from node %s, but the write of %s at line %d "
                 "had completed before that read was invoked (line %d)",
                 comp, rv ? rv : "?",
                 json_string_value(json_object_get(read, "node"))
                     ? json_string_value(json_object_get(read, "node"))
                     : "?",
                 wv ? wv : "?", (int)json_integer_value(json_object_get(last, "line")), inv);
        free(wv);
        free(rv);
        json_object_set_new(ctx, "summary", json_string(msg));
    }
    return ctx;
}

typedef struct scen_result {
    json_t *verdict; /* verdict.json object */
    int ran;
} scen_result;

static void link_primary(const char *sdir, const fl_seed_run *r) {
    const char *files[] = {"history.jsonl", "nemesis.jsonl", "checker.json"};
    for (int i = 0; i < 3; i++) {
        char src[1200], dst[1200];
        snprintf(src, sizeof src, "%s/%s", r->dir, files[i]);
        snprintf(dst, sizeof dst, "%s/%s", sdir, files[i]);
        fl_buf b = FL_BUF_INIT;
        if (fl_file_read(src, &b, NULL) == 0)
            fl_file_write_atomic(dst, b.data ? b.data : "", b.len, NULL);
        fl_buf_free(&b);
    }
    char link[1200], target[1200];
    snprintf(link, sizeof link, "%s/logs", sdir);
    const char *base = strrchr(r->dir, '/');
    snprintf(target, sizeof target, "%s/logs", base ? base + 1 : r->dir);
    unlink(link);
    if (symlink(target, link) != 0) {
        /* logs stay reachable through the run folder */
    }
}

static scen_result run_scenario(const fl_scenario *sc, const fl_run_options *o,
                                const char *session_dir, fl_session *ses) {
    scen_result res = {0, 0};
    char sdir[900];
    snprintf(sdir, sizeof sdir, "%s/scenarios/%s", session_dir, sc->id);
    fl_mkdirs(sdir, NULL);
    fl_verdict_input in;
    memset(&in, 0, sizeof in);
    json_t *seeds = json_array(), *runs = json_array(), *reasons = json_array();
    json_t *landing = json_array();
    fl_seed_run rs[12];
    int nr = 0;
    in.attempted = 1;
    in.faults_scheduled = sc->nnemesis;
    in.seeds_required = sc->nnemesis ? (sc->seeds < 3 ? 3 : sc->seeds) : 1;
    int nseeds = sc->nnemesis ? sc->seeds : 1; /* fewer than 3 can only reach PARTIAL-model */
    long long seed = o->seed >= 0 ? o->seed : sc->seed;
    int primary = 0, failing = -1, reproduced = 0;
    for (int k = 0; k < nseeds && nr < 10; k++, seed++) {
        char dir[1000];
        snprintf(dir, sizeof dir, "%s/run-%d-seed-%lld", sdir, nr + 1, seed);
        fl_exec_progress(o->progress, "  %s seed %lld (run %d)\n", sc->id, seed, nr + 1);
        fl_exec_session_event(ses, sc->id, "run started", dir + strlen(session_dir) + 1);
        fl_seed_run *r = &rs[nr++];
        fl_exec_seed_run_exec(sc, seed, dir, o->progress, r);
        json_array_append_new(runs, run_summary(r, session_dir, sc->rate));
        json_array_append_new(seeds, json_integer(seed));
        if (r->env_gap) {
            in.env_gap = 1;
            json_array_append_new(reasons, json_string(r->env_reason));
            fl_exec_progress(o->progress, "    environment gap: %s\n", r->env_reason);
            break;
        }
        if (fl_exec_stop_requested()) { /* interrupted: the run never completed */
            in.attempted = 0;
            json_array_append_new(reasons,
                                  json_string("interrupted by SIGINT/SIGTERM during the run; what "
                                              "it recorded is kept in the run folder"));
            break;
        }
        if (r->error[0]) {
            if (!r->env_gap) json_array_append_new(reasons, json_string(r->error));
            if (!r->ran) in.env_gap = 1;
            break;
        }
        fl_exec_progress(
            o->progress, "    checker: %s; faults proven %d/%d; workload %.1fs + overhead %.1fs\n",
            chk_name(r->chk), r->faults_proven, r->faults_scheduled, r->workload_s, r->overhead_s);
        if (r->chk == FL_CHK_INVALID) {
            failing = nr - 1;
            primary = failing;
            in.first = FL_CHK_INVALID;
            /* re-run with the same seed */
            snprintf(dir, sizeof dir, "%s/run-%d-seed-%lld-rerun", sdir, nr + 1, seed);
            fl_exec_progress(o->progress, "  %s re-run of seed %lld\n", sc->id, seed);
            fl_exec_session_event(ses, sc->id, "re-run with the same seed",
                                  dir + strlen(session_dir) + 1);
            fl_seed_run *rr = &rs[nr++];
            fl_exec_seed_run_exec(sc, seed, dir, o->progress, rr);
            json_array_append_new(runs, run_summary(rr, session_dir, sc->rate));
            in.rerun = rr->chk;
            reproduced = rr->chk == FL_CHK_INVALID;
            fl_exec_progress(o->progress, "    re-run checker: %s\n", chk_name(rr->chk));
            break;
        }
        in.faults_proven = r->faults_proven;
        if (k == 0) {
            in.first = r->chk;
            in.ops_recorded = r->ops;
            int oc = json_count(r->checker_json, "ops");
            in.ops_checked = oc < 0 ? (r->chk == FL_CHK_NOT_RUN ? 0 : r->ops) : oc;
            in.weak_history = r->weak_history;
            if (r->weak_history) json_array_append_new(reasons, json_string(r->weak_reason));
        }
        if (r->chk != FL_CHK_VALID) {
            if (k > 0 && in.first == FL_CHK_VALID) in.first = r->chk;
            break;
        }
        if (r->faults_proven < r->faults_scheduled) {
            in.faults_proven = r->faults_proven;
            json_t *np;
            size_t i;
            json_array_foreach(r->not_proven, i, np) json_array_append(reasons, np);
            break;
        }
        in.faults_proven = r->faults_proven;
        in.seeds_passed++;
        if (!sc->nnemesis) break;
    }
    fl_verdict_output vo;
    fl_verdict_decide(&in, &vo);
    fl_seed_run *pr = &rs[primary];
    res.ran = pr->ran;
    json_t *lj;
    size_t li;
    json_array_foreach(pr->landing, li, lj) json_array_append(landing, lj);
    json_t *breasons = json_array();
    const char *bl = NULL;
    if (!strncmp(vo.verdict, "FAIL", 4))
        bl = blame(sc, &rs[failing], nr > failing + 1 ? &rs[failing + 1] : NULL, reproduced,
                   breasons);
    const char *cause = json_string_value(json_object_get(pr->checker_json, "cause"));
    if (cause && pr->chk == FL_CHK_UNKNOWN) {
        char cb[400];
        snprintf(cb, sizeof cb, "the checker answered unknown: %s", cause);
        json_array_append_new(reasons, json_string(cb));
    }
    json_array_insert_new(reasons, 0, json_string(vo.reason));
    char *oe = oracle_evidence(sc, pr, in.seeds_passed);
    if (pr->ran) link_primary(sdir, pr);
    json_t *v = json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:o,s:s,s:o,s:o}", "scenario", sc->id, "name",
                          sc->name ? sc->name : sc->id, "verdict", vo.verdict, "blame",
                          bl ? json_string(bl) : json_null(), "blame_reasons", breasons,
                          "budget_tier_met", vo.budget_tier_met, "seeds", seeds, "oracle_evidence",
                          oe, "landing_evidence", landing, "reasons", reasons);
    free(oe);
    json_object_set_new(v, "checker",
                        json_pack("{s:s?,s:s}", "name", sc->checker_name, "model",
                                  sc->checker_model ? sc->checker_model : sc->model));
    json_t *cx = json_object_get(pr->checker_json, "counterexample");
    if (cx && !json_is_null(cx) && bl) {
        json_t *copy = json_deep_copy(cx);
        char hp[1000];
        snprintf(hp, sizeof hp, "%s/history.jsonl", pr->dir);
        json_t *ctx = stale_context(hp, cx);
        if (ctx) {
            json_t *sum = json_object_get(ctx, "summary");
            if (sum) json_array_append(breasons, sum);
            json_object_set_new(copy, "history_context", ctx);
        }
        json_object_set_new(v, "counterexample", copy);
    }
    json_object_set_new(
        v, "artifacts",
        json_pack("{s:s,s:s,s:s,s:s,s:o}", "history", pr->ran ? "history.jsonl" : "", "nemesis",
                  pr->ran ? "nemesis.jsonl" : "", "checker", pr->ran ? "checker.json" : "", "logs",
                  pr->ran ? "logs/" : "", "runs", runs));
    double overhead = 0, workload = 0;
    for (int i = 0; i < nr; i++) {
        overhead += rs[i].overhead_s;
        workload += rs[i].workload_s;
    }
    json_object_set_new(v, "timing",
                        json_pack("{s:f,s:f}", "workload_s", workload, "overhead_s", overhead));
    char path[1000];
    snprintf(path, sizeof path, "%s/verdict.json", sdir);
    fl_exec_write_json(path, v, NULL);
    for (int i = 0; i < nr; i++) fl_exec_seed_run_free(&rs[i]);
    res.verdict = v;
    return res;
}

static json_t *not_run(const fl_scenario *sc, const char *why) {
    return json_pack("{s:s,s:s,s:s,s:n,s:[],s:s,s:[],s:s,s:[],s:[s],s:{}}", "scenario", sc->id,
                     "name", sc->name ? sc->name : sc->id, "verdict", "NOT-RUN", "blame",
                     "blame_reasons", "budget_tier_met", "none", "seeds", "oracle_evidence", "",
                     "landing_evidence", "reasons", why, "artifacts");
}

int fl_exec_run(const fl_run_options *o, int *exit_code, fl_error *err) {
    fl_plan plan;
    if (fl_exec_plan_load(o->plan_path, &plan, err) < 0) return -1;
    if (o->scenario) {
        int found = 0;
        for (int i = 0; i < plan.n; i++) found |= !strcmp(plan.scenarios[i].id, o->scenario);
        if (!found) {
            fl_error_set(err, o->plan_path, 0, 0, "no scenario with id '%s' in the plan",
                         o->scenario);
            fl_exec_plan_free(&plan);
            return -1;
        }
    }
    fl_exec_signals_install();
    atexit(fl_exec_teardown_all);
    if (geteuid() == 0) fl_exec_netns_reap_stale();
    char dir[800];
    if (o->out_dir) {
        snprintf(dir, sizeof dir, "%s", o->out_dir);
    } else {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        char ts[32];
        strftime(ts, sizeof ts, "%Y%m%dT%H%M%SZ", &tm);
        snprintf(dir, sizeof dir, "test-sessions/%s/%s", plan.slug, ts);
        for (int k = 2; access(dir, F_OK) == 0 && k < 100; k++) /* two runs in one second */
            snprintf(dir, sizeof dir, "test-sessions/%s/%s-%d", plan.slug, ts, k);
    }
    if (fl_mkdirs(dir, err) < 0) {
        fl_exec_plan_free(&plan);
        return -1;
    }
    fl_session ses;
    fl_exec_session_init(&ses, &plan, dir);
    fl_exec_progress(o->progress, "faultline run: %s (%d scenario%s) -> %s\n", o->plan_path, plan.n,
             plan.n == 1 ? "" : "s", dir);
    fl_exec_session_write(&ses);
    int ran_any = 0;
    for (int i = 0; i < plan.n; i++) {
        const fl_scenario *sc = &plan.scenarios[i];
        if (o->scenario && strcmp(sc->id, o->scenario)) continue;
        json_t *v;
        if (fl_exec_stop_requested()) {
            v = not_run(sc, "the run was interrupted (SIGINT/SIGTERM) before this scenario");
        } else if (!sc->has_run) {
            v = not_run(sc, "the scenario has no run block: nothing to execute");
        } else {
            fl_exec_progress(o->progress, "%s %s\n", sc->id, sc->name ? sc->name : "");
            fl_exec_session_event(&ses, sc->id, "scenario started", sc->name);
            scen_result r = run_scenario(sc, o, dir, &ses);
            v = r.verdict;
            ran_any |= r.ran;
        }
        const char *verdict = json_string_value(json_object_get(v, "verdict"));
        fl_exec_progress(o->progress, "%s: %s — %s\n", sc->id, verdict,
                 json_string_value(json_array_get(json_object_get(v, "reasons"), 0)));
        fl_exec_session_event(&ses, sc->id, verdict,
                              json_string_value(json_array_get(json_object_get(v, "reasons"), 0)));
        if (!strcmp(verdict, "NOT-RUN")) {
            char sdir[900], path[1000];
            snprintf(sdir, sizeof sdir, "%s/scenarios/%s", dir, sc->id);
            snprintf(path, sizeof path, "%s/verdict.json", sdir);
            fl_exec_write_json(path, v, NULL);
        }
        fl_exec_session_add(&ses, sc, v);
        fl_exec_session_write(&ses);
    }
    const char *sv = fl_exec_session_finish(&ses);
    fl_exec_session_write(&ses);
    fl_exec_progress(o->progress, "session verdict: %s (report: %s/report.md)\n", sv, dir);
    *exit_code = !strcmp(sv, "FAIL") ? 1 : ran_any ? 0 : 3;
    if (fl_exec_stop_requested() && *exit_code == 0) *exit_code = 3;
    fl_exec_session_free(&ses);
    fl_exec_plan_free(&plan);
    fl_exec_teardown_all();
    return 0;
}
