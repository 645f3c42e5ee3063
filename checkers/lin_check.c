/*
 * lin_check.c — the `linearizable` checker: splits the history per key (P-compositionality),
 * searches each partition (lin_search.c), and for a violation shrinks the failing partition
 * to the smallest window of ops that still cannot be linearized.
 *
 * Window: the search reports the furthest return R it could not get past. The ops invoked
 * before R (those still running at R made optional) cannot be linearized; that prefix is
 * then shrunk by removing chunks of ops, halving the chunk size down to single ops, keeping
 * every removal after which the rest still cannot be linearized, under a fixed step budget
 * (deterministic, never turns the verdict into unknown).
 *
 * Data in: fl_history + ctx. Data out: in the result object, "anomalies", "counterexample"
 * {key, window: [op...], explanation}, "stats", and with want_details the "details" used
 * by the HTML page (every op, and per partition the longest partial linearization).
 */
#include "lin.h"

#include <stdlib.h>
#include <string.h>

#define SHRINK_TOTAL_STEPS 3000000
#define SHRINK_TRIAL_MIN_STEPS 20000
#define LIN_SLICE_STEPS 1024

static json_t *op_json(const fl_history *h, size_t index) {
    const fl_op *op = &h->ops[index];
    json_t *o = json_object();
    json_object_set_new(o, "index", json_integer((json_int_t)index));
    json_object_set(o, "process", h->processes[op->proc]);
    json_object_set_new(o, "f", json_string(op->f));
    if (op->key) json_object_set(o, "key", op->key);
    json_object_set(o, "value", op->value);
    if (op->result) json_object_set(o, "result", op->result);
    json_object_set_new(o, "type", json_string(fl_op_type_name(op->type)));
    json_object_set_new(o, "invoke_line", json_integer(op->invoke_line));
    json_object_set_new(o, "complete_line", json_integer(op->complete_line));
    json_object_set_new(o, "invoke_pos", json_integer((json_int_t)op->invoke_pos));
    json_object_set_new(
        o, "complete_pos",
        op->complete_pos == FL_POS_NONE ? json_null() : json_integer((json_int_t)op->complete_pos));
    if (op->invoke_time != FL_TIME_NONE)
        json_object_set_new(o, "invoke_time", json_integer(op->invoke_time));
    if (op->complete_time != FL_TIME_NONE)
        json_object_set_new(o, "complete_time", json_integer(op->complete_time));
    return o;
}

/* Checks a subset of ops with a step budget; 1 when it certainly cannot be linearized. */
static int still_illegal(lin_model *m, const lin_op *ops, size_t n, size_t max_steps,
                         size_t *spent) {
    lin_search_limits lim = {NULL, max_steps, 0};
    lin_search_out o;
    lin_search(m, ops, n, &lim, &o);
    *spent += o.steps;
    lin_search_out_free(&o);
    return o.answer == LIN_ILLEGAL;
}

/* Shrinks the failing partition; returns the window (partition op indices) in *win. */
static size_t shrink(lin_model *m, const lin_partition *p, size_t fail_op, size_t fail_steps,
                     lin_op **win_out) {
    size_t R = p->ops[fail_op].ret_pos;
    lin_op *cur = fl_xmalloc(p->nops * sizeof *cur);
    size_t n = 0, spent = 0;
    size_t trial =
        fail_steps * 4 > SHRINK_TRIAL_MIN_STEPS ? fail_steps * 4 : SHRINK_TRIAL_MIN_STEPS;
    for (size_t i = 0; i < p->nops; i++) {
        if (p->ops[i].call_pos >= R) continue;
        cur[n] = p->ops[i];
        if (cur[n].must && cur[n].ret_pos > R) cur[n].must = 0;
        n++;
    }
    if (!still_illegal(m, cur, n, trial, &spent)) { /* cannot happen; keep the whole partition */
        memcpy(cur, p->ops, p->nops * sizeof *cur);
        n = p->nops;
    }
    uint32_t fail_hist = p->ops[fail_op].hist;
    lin_op *tmp = fl_xmalloc((n ? n : 1) * sizeof *tmp);
    for (size_t chunk = n / 2 ? n / 2 : 1;; chunk /= 2) {
        if (chunk == 0) break;
        size_t start = 0;
        while (start < n && spent < SHRINK_TOTAL_STEPS) {
            size_t end = start + chunk < n ? start + chunk : n;
            /* never remove the failing op itself */
            int has_fail = 0;
            for (size_t i = start; i < end; i++)
                if (cur[i].hist == fail_hist) has_fail = 1;
            if (has_fail && chunk == 1) {
                start = end;
                continue;
            }
            size_t t = 0;
            for (size_t i = 0; i < n; i++)
                if (i < start || i >= end || cur[i].hist == fail_hist) tmp[t++] = cur[i];
            if (t < n && still_illegal(m, tmp, t, trial, &spent)) {
                memcpy(cur, tmp, t * sizeof *cur);
                n = t;
            } else {
                start = end;
            }
        }
        if (chunk == 1 || spent >= SHRINK_TOTAL_STEPS) break;
    }
    free(tmp);
    *win_out = cur;
    return n;
}

static json_t *partition_best_json(const fl_history *h, lin_model *m, const lin_partition *p,
                                   const lin_search_out *o) {
    json_t *a = json_array();
    for (size_t i = 0; i < o->nbest; i++) {
        json_t *step = json_object();
        json_object_set_new(step, "index", json_integer(p->ops[o->best[i]].hist));
        json_object_set_new(step, "state", lin_model_state_json(m, o->best_states[i]));
        json_array_append_new(a, step);
    }
    (void)h;
    return a;
}

int fl_checker_linearizable_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                                fl_check_verdict *verdict, fl_error *err) {
    int kind = lin_model_kind_of(ctx->model);
    if (kind < 0) {
        fl_error_set(err, h->name, 0, 0, "the linearizable checker has no model '%s'", ctx->model);
        return -1;
    }
    lin_model m;
    lin_model_init(&m, (lin_model_kind)kind);
    lin_partition *parts = NULL;
    size_t nparts = 0;
    if (lin_partition_history(h, &m, &parts, &nparts, err) < 0) {
        lin_model_free(&m);
        return -1;
    }
    int want = ctx->opts && ctx->opts->want_details;
    json_t *details_parts = want ? json_array() : NULL;
    size_t total_steps = 0, total_cache = 0, peak = 0;
    int any_unknown = 0;
    size_t bad = SIZE_MAX;
    lin_search_out bad_out;
    memset(&bad_out, 0, sizeof bad_out);
    /* Interleave the partitions in slices of steps (as Porcupine runs them concurrently):
     * the first that cannot be linearized settles the answer. */
    lin_searcher **srch = fl_xcalloc(nparts ? nparts : 1, sizeof *srch);
    lin_search_limits lim = {ctx, 0, want};
    for (size_t i = 0; i < nparts; i++)
        srch[i] = lin_searcher_new(&m, parts[i].ops, parts[i].nops, &lim);
    json_t **pdetail = want ? fl_xcalloc(nparts ? nparts : 1, sizeof *pdetail) : NULL;
    size_t active = nparts;
    while (active > 0 && bad == SIZE_MAX) {
        for (size_t i = 0; i < nparts && bad == SIZE_MAX; i++) {
            if (!srch[i]) continue;
            lin_search_out o;
            if (!lin_searcher_run(srch[i], LIN_SLICE_STEPS, &o)) continue;
            lin_searcher_free(srch[i]);
            srch[i] = NULL;
            active--;
            total_steps += o.steps;
            total_cache += o.cache_entries;
            if (o.peak_bytes > peak) peak = o.peak_bytes;
            if (want) {
                json_t *d = json_object();
                if (parts[i].key) json_object_set(d, "key", parts[i].key);
                json_object_set_new(d, "valid",
                                    o.answer == LIN_OK        ? json_true()
                                    : o.answer == LIN_ILLEGAL ? json_false()
                                                              : json_string("unknown"));
                json_object_set_new(d, "ops", json_integer((json_int_t)parts[i].nops));
                json_object_set_new(d, "longest_partial_linearization",
                                    partition_best_json(h, &m, &parts[i], &o));
                pdetail[i] = d;
            }
            if (o.answer == LIN_UNKNOWN) any_unknown = 1;
            if (o.answer == LIN_ILLEGAL) {
                bad = i;
                bad_out = o;
            } else {
                lin_search_out_free(&o);
            }
        }
    }
    for (size_t i = 0; i < nparts; i++) {
        if (srch[i]) {
            lin_searcher_free(srch[i]); /* stopped: another partition already failed */
            if (want) {
                json_t *d = json_object();
                if (parts[i].key) json_object_set(d, "key", parts[i].key);
                json_object_set_new(d, "valid", json_string("not checked"));
                json_object_set_new(d, "ops", json_integer((json_int_t)parts[i].nops));
                pdetail[i] = d;
            }
        }
        if (want && pdetail[i]) json_array_append_new(details_parts, pdetail[i]);
    }
    free(srch);
    free(pdetail);
    json_t *stats = json_object();
    json_object_set_new(stats, "partitions", json_integer((json_int_t)nparts));
    json_object_set_new(stats, "steps", json_integer((json_int_t)total_steps));
    json_object_set_new(stats, "cache_entries", json_integer((json_int_t)total_cache));
    json_object_set_new(stats, "peak_search_bytes", json_integer((json_int_t)peak));
    json_object_set_new(result, "stats", stats);

    if (bad != SIZE_MAX) {
        *verdict = FL_CHECK_INVALID;
        ctx->over_budget = 0; /* a definite violation stands even if time ran short */
        const lin_partition *p = &parts[bad];
        lin_op *win = NULL;
        size_t nwin = shrink(&m, p, bad_out.fail_op, bad_out.steps, &win);
        uint32_t fail_hist = p->ops[bad_out.fail_op].hist;
        json_t *window = json_array();
        for (size_t i = 0; i < nwin; i++) {
            json_t *o = op_json(h, win[i].hist);
            if (win[i].hist == fail_hist) json_object_set_new(o, "failing", json_true());
            json_array_append_new(window, o);
        }
        free(win);
        const fl_op *fop = &h->ops[fail_hist];
        char pbuf[64];
        json_t *init = lin_model_state_json(&m, m.init);
        char *init_text = json_dumps(init, JSON_ENCODE_ANY | JSON_COMPACT);
        fl_buf msg = FL_BUF_INIT;
        fl_buf_printf(&msg,
                      "no order of these %zu ops is legal for model %s starting from %s; the "
                      "op of process %s at line %d (%s) is the furthest any order got",
                      nwin, ctx->model, init_text ? init_text : "?",
                      fl_history_process_text(h, fop->proc, pbuf, sizeof pbuf),
                      fop->complete_line ? fop->complete_line : fop->invoke_line, fop->f);
        free(init_text);
        json_decref(init);
        json_t *ce = json_object();
        if (p->key) json_object_set(ce, "key", p->key);
        json_object_set_new(ce, "window", window);
        json_object_set_new(ce, "failing_op", op_json(h, fail_hist));
        json_object_set_new(ce, "explanation", json_string(fl_buf_cstr(&msg)));
        json_object_set_new(result, "counterexample", ce);
        json_t *an = json_object();
        json_object_set_new(an, "type", json_string("nonlinearizable"));
        if (p->key) json_object_set(an, "key", p->key);
        fl_buf_reset(&msg);
        fl_buf_printf(&msg, "history is not linearizable%s; smallest failing window has %zu ops",
                      p->key ? " on one key" : "", nwin);
        json_object_set_new(an, "message", json_string(fl_buf_cstr(&msg)));
        json_array_append_new(json_object_get(result, "anomalies"), an);
        fl_buf_free(&msg);
        lin_search_out_free(&bad_out);
    } else if (any_unknown) {
        *verdict = FL_CHECK_UNKNOWN;
    } else {
        *verdict = FL_CHECK_VALID;
    }
    if (want) {
        json_t *d = json_object();
        json_t *all = json_array();
        for (size_t i = 0; i < h->nops; i++) json_array_append_new(all, op_json(h, i));
        json_object_set_new(d, "ops", all);
        json_object_set_new(d, "partitions", details_parts);
        json_object_set_new(result, "details", d);
    }
    lin_partitions_free(parts, nparts);
    lin_model_free(&m);
    return 0;
}
