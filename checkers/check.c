/*
 * check.c — the library entry points of fl_checkers.h: option checks, reading the history,
 * running the chosen checker under its budget and assembling the SPEC §3 result object.
 *
 * Data in: a path or bytes plus fl_check_options. Data out: fl_check_result (verdict + JSON),
 * or -1 with an fl_error for bad input.
 */
#include "checker.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void fl_check_options_init(fl_check_options *o) {
    memset(o, 0, sizeof *o);
    o->total = -1;
}

void fl_check_result_free(fl_check_result *r) {
    if (!r) return;
    json_decref(r->json);
    r->json = NULL;
}

double fl_check_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int fl_check_timed_out(fl_check_ctx *ctx) {
    if (ctx->over_budget) return 1;
    if (ctx->deadline_s > 0 && fl_check_now() > ctx->deadline_s) {
        ctx->over_budget = 1;
        ctx->budget_cause = "timeout";
        return 1;
    }
    return 0;
}

int fl_check_charge(fl_check_ctx *ctx, size_t bytes) {
    ctx->memory_used += bytes;
    if (ctx->max_memory && ctx->memory_used > ctx->max_memory) {
        if (!ctx->over_budget) ctx->budget_cause = "memory";
        ctx->over_budget = 1;
        return 1;
    }
    return ctx->over_budget;
}

int fl_check_format_known(const char *format) {
    return fl_history_format_parse(format) >= 0;
}

const char *fl_check_resolve(const fl_check_options *o, char *why, size_t n) {
    if (!o->model || !*o->model) {
        snprintf(why, n, "a model is required (--model)");
        return NULL;
    }
    if (!fl_check_format_known(o->format)) {
        snprintf(why, n,
                 "unknown format '%s'; expected events, ops, edn, jepsen-log or knossos-html",
                 o->format);
        return NULL;
    }
    const char *name = o->checker && *o->checker ? o->checker : NULL;
    if (!name) {
        name = fl_checker_default_for_model(o->model);
        if (!name) {
            snprintf(why, n, "unknown model '%s'", o->model);
            return NULL;
        }
    }
    const fl_checker_def *def = fl_checker_find(name);
    if (!def) {
        fl_buf known = FL_BUF_INIT;
        for (size_t i = 0; i < fl_checker_count(); i++)
            fl_buf_printf(&known, "%s%s", i ? ", " : "", fl_checker_name(i));
        snprintf(why, n, "checker '%s' is not available; known checkers: %s", name,
                 fl_buf_cstr(&known));
        fl_buf_free(&known);
        return NULL;
    }
    if (!fl_checker_accepts(def, o->model)) {
        snprintf(why, n, "checker '%s' does not check model '%s'; it accepts: %s", def->name,
                 o->model, def->models);
        return NULL;
    }
    return def->name;
}

int fl_check_buffer(const char *name, const char *data, size_t len, const fl_check_options *o,
                    fl_check_result *out, fl_error *err) {
    out->verdict = FL_CHECK_UNKNOWN;
    out->json = NULL;
    char why[512];
    const char *checker = fl_check_resolve(o, why, sizeof why);
    if (!checker) {
        fl_error_set(err, name, 0, 0, "%s", why);
        return -1;
    }
    const fl_checker_def *def = fl_checker_find(checker);
    fl_check_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.opts = o;
    ctx.model = o->model;
    ctx.start_s = fl_check_now();
    ctx.deadline_s = o->timeout_s > 0 ? ctx.start_s + o->timeout_s : 0;
    ctx.max_memory = o->max_memory_bytes;

    fl_history h;
    if (fl_history_read(name, data, len, (fl_history_format)fl_history_format_parse(o->format), &h,
                        err) < 0)
        return -1;
    /* The history's own footprint counts against the memory budget. */
    fl_check_charge(&ctx, len + h.nops * sizeof(fl_op) * 2);

    json_t *r = json_object();
    json_object_set_new(r, "file", json_string(name));
    json_object_set_new(r, "valid", json_string("unknown"));
    json_object_set_new(r, "checker", json_string(def->name));
    json_object_set_new(r, "model", json_string(o->model));
    json_object_set_new(r, "format", json_string(fl_history_format_name(h.format)));
    json_object_set_new(r, "ops", json_integer((json_int_t)h.nops));
    json_object_set_new(r, "ok", json_integer((json_int_t)h.count_ok));
    json_object_set_new(r, "info", json_integer((json_int_t)h.count_info));
    json_object_set_new(r, "fail", json_integer((json_int_t)h.count_fail));
    json_object_set_new(r, "anomalies", json_array());
    json_object_set_new(r, "counterexample", json_null());

    fl_check_verdict verdict = FL_CHECK_UNKNOWN;
    int rc = def->run(&h, &ctx, r, &verdict, err);
    fl_history_free(&h);
    if (rc < 0) {
        json_decref(r);
        return -1;
    }
    if (ctx.over_budget) {
        verdict = FL_CHECK_UNKNOWN;
        json_object_set_new(r, "cause",
                            json_string(ctx.budget_cause ? ctx.budget_cause : "budget"));
    }
    json_object_set_new(r, "valid",
                        verdict == FL_CHECK_VALID     ? json_true()
                        : verdict == FL_CHECK_INVALID ? json_false()
                                                      : json_string("unknown"));
    json_object_set_new(r, "elapsed_ms",
                        json_real((double)(long long)((fl_check_now() - ctx.start_s) * 1e6) / 1e3));
    out->verdict = verdict;
    out->json = r;
    return 0;
}

int fl_check_path(const char *path, const fl_check_options *o, fl_check_result *out,
                  fl_error *err) {
    out->verdict = FL_CHECK_UNKNOWN;
    out->json = NULL;
    char why[512];
    if (!fl_check_resolve(o, why, sizeof why)) {
        fl_error_set(err, path, 0, 0, "%s", why);
        return -1;
    }
    fl_buf b = FL_BUF_INIT;
    if (fl_file_read(path, &b, err) < 0) {
        fl_buf_free(&b);
        return -1;
    }
    int rc = fl_check_buffer(path, b.data ? b.data : "", b.len, o, out, err);
    fl_buf_free(&b);
    return rc;
}
