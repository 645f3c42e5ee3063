/*
 * lin_check.c — the `linearizable` checker: splits the history per key (P-compositionality),
 * searches the partitions interleaved (lin_search.c), and for a violation narrows the failing
 * partition down to the smallest window of ops that cannot be linearized (find_window: the
 * ops from the latest cut, proven from every state the ops before it can leave),
 * under a step budget tied to the failing search (deterministic, never turns the verdict
 * into unknown).
 *
 * Data in: fl_history + ctx. Data out: in the result object, "anomalies", "counterexample"
 * {key, window: [op...], explanation}, "stats", and with want_details the "details" used
 * by the HTML page (every op, and per partition the longest partial linearization).
 */
#include "lin.h"

#include <stdlib.h>
#include <string.h>

/* Steps all the searches that look for the window may take together: twice the failing
 * search plus this (deterministic; when it runs out the window is the failing prefix). */
#define WINDOW_MIN_STEPS 20000
#define LIN_SLICE_STEPS 1024
#define LIN_ACTIVE 16

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

/* The smallest window. P = the ops invoked before the furthest return R that could not be
 * passed (those still running at R made optional; if the kv lookahead looked further, the
 * first later return that makes it fail): P cannot be linearized. For a cut inside P (see
 * find_window), every linearization of P is a first part (the ops completed before the cut
 * plus some of the ops running across it) ending in a known (state, ops used), then the
 * rest; the window is the rest for the latest cut where the rest fails from every start. */
typedef struct lin_window {
    lin_op *ops; /* the window's ops, by invoke */
    size_t n;
    uint64_t *starts; /* the states the window may start from (all of them) */
    size_t nstarts;
    int from_start;  /* the window starts at the beginning of the history */
    json_t *configs; /* [{"state", "already_applied": [op index]}]: each way the earlier ops
                        can end, with the window's unknown-outcome ops that already took
                        effect in it (owned) */
} lin_window;

/* 1 when ops[0..n) certainly cannot be linearized (within a step budget), from the model's
 * initial state or from `init`. */
static int still_illegal_from(lin_model *m, const lin_op *ops, size_t n, size_t *pool, int has_init,
                              uint64_t init) {
    if (*pool == 0) return 0;
    lin_search_limits lim;
    memset(&lim, 0, sizeof lim);
    lim.max_steps = *pool;
    lim.has_init = has_init;
    lim.init = init;
    lin_search_out o;
    lin_search(m, ops, n, &lim, &o);
    *pool -= o.steps < *pool ? o.steps : *pool;
    lin_search_out_free(&o);
    return o.answer == LIN_ILLEGAL;
}

/* The ops invoked before R, those still running at R made optional. */
static size_t prefix_before(const lin_partition *p, size_t R, lin_op *pre) {
    size_t np = 0;
    for (size_t i = 0; i < p->nops; i++) {
        if (p->ops[i].call_pos >= R) continue;
        pre[np] = p->ops[i];
        if (pre[np].must && pre[np].ret_pos > R) pre[np].must = 0;
        np++;
    }
    return np;
}

static int cmp_size(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static void find_window(lin_model *m, const lin_partition *p, size_t fail_op, size_t pool,
                        lin_window *w) {
    size_t R = p->ops[fail_op].ret_pos;
    lin_op *pre = fl_xmalloc((p->nops + 1) * sizeof *pre);
    /* The prefix up to R cannot be linearized, unless the kv lookahead used a later read:
     * then take the first later return that makes it fail. */
    size_t *rets = fl_xmalloc((p->nops + 1) * sizeof *rets), nr = 0;
    for (size_t i = 0; i < p->nops; i++)
        if (p->ops[i].must && p->ops[i].ret_pos >= R) rets[nr++] = p->ops[i].ret_pos;
    qsort(rets, nr, sizeof *rets, cmp_size);
    size_t np = 0;
    int found = 0;
    for (size_t i = 0; i < nr && i < 64 && !found; i++) {
        np = prefix_before(p, rets[i] + 1, pre);
        found = still_illegal_from(m, pre, np, &pool, 0, 0);
    }
    free(rets);
    if (!found) { /* keep the whole partition: it is known not to be linearizable */
        memcpy(pre, p->ops, p->nops * sizeof *pre);
        np = p->nops;
    }
    /* Cuts, latest first: before P[k]. The ok ops that completed before P[k] was invoked
     * come, in any linearization, before every op invoked from P[k] on; the other ops
     * invoked earlier ("free": still running at the cut, or unknown outcome) may take
     * effect on either side. So the linearizations of P are: the completed ops plus some
     * free ones, ending in a (state, set of free ops used) the exhaustive search `collect`
     * lists, then the ops from the cut on plus the unused free ops (ok ones still must).
     * The window is proven when that second part fails from every such start. The cut at 0
     * always works (the window is P itself, from the initial state). */
    lin_op *before = fl_xmalloc((np + 1) * sizeof *before);
    w->ops = fl_xmalloc((np + 1) * sizeof *w->ops);
    w->starts = NULL;
    w->nstarts = 0;
    size_t tries = 0;
    for (size_t k = np; k-- > 0;) {
        size_t nb = 0;
        w->n = 0;
        for (size_t j = 0; j < np; j++) {
            if (j < k) {
                before[nb] = pre[j];
                before[nb].must = (uint8_t)(pre[j].must && pre[j].ret_pos < pre[k].call_pos);
                nb++;
            }
            if (j >= k || !before[j].must) w->ops[w->n++] = pre[j];
        }
        if (k == 0) break;       /* P itself, from the initial state */
        if (++tries > 24) break; /* give up on smaller windows: P from the start */
        lin_search_limits lim;
        memset(&lim, 0, sizeof lim);
        lim.collect = 1;
        if (pool == 0) break;
        lim.max_steps = pool;
        lin_search_out o;
        lin_search(m, before, nb, &lim, &o);
        pool -= o.steps < pool ? o.steps : pool;
        int proven = o.answer == LIN_OK;
        /* from each final state, the window without the unknown-outcome ops already used */
        lin_op *post = fl_xmalloc((np + 1) * sizeof *post);
        for (size_t f = 0; proven && f < o.nfinals; f++) {
            const uint64_t *bits = o.final_bits ? o.final_bits + f * o.final_nw : NULL;
            size_t npost = 0;
            for (size_t j = 0; j < np; j++) {
                int used = j < k && bits && (bits[j >> 6] >> (j & 63)) & 1;
                if ((j >= k || !before[j].must) && !used) post[npost++] = pre[j];
            }
            proven = still_illegal_from(m, post, npost, &pool, 1, o.finals[f]);
        }
        free(post);
        if (proven) {
            /* Unknown-outcome ops that took effect before the cut in every case are part of
             * the start, not of the window; the others are listed per start state when
             * they already took effect there. */
            size_t n = 0;
            for (size_t j = 0; j < np; j++) {
                if (j < k && before[j].must) continue;
                int all = j < k && o.final_bits && o.nfinals > 0;
                for (size_t f = 0; all && f < o.nfinals; f++)
                    all = (o.final_bits[f * o.final_nw + (j >> 6)] >> (j & 63)) & 1;
                if (!all) w->ops[n++] = pre[j];
            }
            w->n = n;
            w->configs = json_array();
            for (size_t f = 0; f < o.nfinals; f++) {
                json_t *cfg = json_object(), *applied = json_array();
                json_object_set_new(cfg, "state", lin_model_state_json(m, o.finals[f]));
                for (size_t j = 0; j < k && o.final_bits; j++) {
                    if (before[j].must ||
                        !((o.final_bits[f * o.final_nw + (j >> 6)] >> (j & 63)) & 1))
                        continue;
                    int in_window = 0;
                    for (size_t q = 0; q < n; q++)
                        if (w->ops[q].hist == pre[j].hist) in_window = 1;
                    if (in_window) json_array_append_new(applied, json_integer(pre[j].hist));
                }
                json_object_set_new(cfg, "already_applied", applied);
                json_array_append_new(w->configs, cfg);
            }
            w->starts = o.finals; /* distinct states (a state may come with several sets) */
            w->nstarts = 0;
            for (size_t f = 0; f < o.nfinals; f++) {
                size_t g = 0;
                while (g < w->nstarts && w->starts[g] != o.finals[f]) g++;
                if (g == w->nstarts) w->starts[w->nstarts++] = o.finals[f];
            }
            o.finals = NULL;
            lin_search_out_free(&o);
            break;
        }
        lin_search_out_free(&o);
    }
    w->from_start = !w->starts;
    if (!w->starts) {
        w->configs = json_array();
        json_t *cfg = json_object();
        json_object_set_new(cfg, "state", lin_model_state_json(m, m->init));
        json_object_set_new(cfg, "already_applied", json_array());
        json_array_append_new(w->configs, cfg);
        w->starts = fl_xmalloc(sizeof *w->starts);
        w->starts[0] = m->init;
        w->nstarts = 1;
        w->n = np;
        memcpy(w->ops, pre, np * sizeof *pre);
    }
    free(before);
    free(pre);
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
     * the first that cannot be linearized settles the answer. At most LIN_ACTIVE searches
     * are open at once (bounded memory with many keys); the next starts when one ends. */
    lin_searcher **srch = fl_xcalloc(nparts ? nparts : 1, sizeof *srch);
    lin_search_limits lim = {ctx, 0, want, 0, 0, 0};
    size_t started = 0, active = 0;
    size_t act[LIN_ACTIVE]; /* the open searches */
    json_t **pdetail = want ? fl_xcalloc(nparts ? nparts : 1, sizeof *pdetail) : NULL;
    while ((active > 0 || started < nparts) && bad == SIZE_MAX) {
        if (ctx->over_budget || fl_check_timed_out(ctx)) { /* the rest stays unchecked */
            any_unknown = 1;
            break;
        }
        while (active < LIN_ACTIVE && started < nparts) {
            srch[started] = lin_searcher_new(&m, parts[started].ops, parts[started].nops, &lim);
            act[active++] = started++;
        }
        for (size_t a = 0; a < active && bad == SIZE_MAX;) {
            size_t i = act[a];
            lin_search_out o;
            if (!lin_searcher_run(srch[i], LIN_SLICE_STEPS, &o)) {
                a++;
                continue;
            }
            lin_searcher_free(srch[i]);
            srch[i] = NULL;
            act[a] = act[--active]; /* a now holds another open search */
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
        if (srch[i] || i >= started) {
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
        lin_window win;
        find_window(&m, p, bad_out.fail_op, bad_out.steps * 2 + WINDOW_MIN_STEPS, &win);
        size_t nwin = win.n;
        uint32_t fail_hist = p->ops[bad_out.fail_op].hist;
        /* The op to highlight: the furthest one any order reached, when it is in the window;
         * else the window's ok op that completes last. */
        int fail_in = 0;
        size_t last_ret = 0;
        uint32_t mark = UINT32_MAX;
        for (size_t i = 0; i < nwin; i++) {
            if (win.ops[i].hist == fail_hist) fail_in = 1;
            if (win.ops[i].must && win.ops[i].ret_pos >= last_ret) {
                last_ret = win.ops[i].ret_pos;
                mark = win.ops[i].hist;
            }
        }
        if (fail_in) mark = fail_hist;
        json_t *window = json_array();
        for (size_t i = 0; i < nwin; i++) {
            json_t *o = op_json(h, win.ops[i].hist);
            if (win.ops[i].hist == mark) json_object_set_new(o, "failing", json_true());
            /* an ok op still running where the window ends: it may or may not have taken
             * effect by then */
            if (!win.ops[i].must && h->ops[win.ops[i].hist].type == FL_OP_OK)
                json_object_set_new(o, "open", json_true());
            json_array_append_new(window, o);
        }
        json_t *starts = NULL;
        fl_buf st = FL_BUF_INIT;
        if (win.starts) {
            starts = json_array();
            for (size_t i = 0; i < win.nstarts; i++) {
                json_t *sj = lin_model_state_json(&m, win.starts[i]);
                if (i < 6) {
                    char *t = json_dumps(sj, JSON_ENCODE_ANY | JSON_COMPACT);
                    fl_buf_printf(&st, "%s%s", i ? ", " : "", t ? t : "?");
                    free(t);
                } else if (i == 6) {
                    fl_buf_printf(&st, ", ... (%zu states)", win.nstarts);
                }
                json_array_append_new(starts, sj);
            }
        }
        free(win.ops);
        free(win.starts);
        const fl_op *fop = &h->ops[fail_hist];
        char pbuf[64];
        fl_buf msg = FL_BUF_INIT;
        fl_buf_printf(
            &msg, "starting from %s%s%s, no order of these %zu ops is legal for model %s",
            starts ? (win.nstarts == 1 ? "" : "any of ") : "any state the earlier ops can leave",
            starts ? fl_buf_cstr(&st) : "",
            starts && win.nstarts == 1 ? " (the only state the earlier ops can leave)" : "", nwin,
            ctx->model);
        int any_applied = 0;
        size_t ci;
        json_t *cfg;
        json_array_foreach(win.configs, ci,
                           cfg) if (json_array_size(json_object_get(cfg, "already_applied")))
            any_applied = 1;
        if (any_applied)
            fl_buf_puts(&msg, " (an unknown-outcome op that already took effect on the way to a "
                              "start state is not applied again: see start_configurations)");
        if (fail_in)
            fl_buf_printf(&msg,
                          "; the %s of process %s completing at line %d is as far as any order "
                          "gets",
                          fop->f, fl_history_process_text(h, fop->proc, pbuf, sizeof pbuf),
                          fop->complete_line ? fop->complete_line : fop->invoke_line);
        fl_buf_free(&st);
        json_t *ce = json_object();
        if (p->key) json_object_set(ce, "key", p->key);
        json_object_set_new(ce, "window", window);
        if (starts) json_object_set_new(ce, "start_states", starts);
        json_object_set_new(ce, "start_configurations", win.configs);
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
