/*
 * test_checker_generated.c — generated histories for the linearizability checker.
 *
 * A simulated atomic cas-register: each process runs ops one after another; every op takes
 * effect at one instant strictly inside its [invoke, completion] interval (reads return the
 * value at that instant, a cas whose compare is false completes with fail); some clients
 * crash: their op completes with info (or never) and took effect at its instant or not at
 * all, and the process is never used again. Such histories are linearizable by
 * construction: thousands of them must check valid.
 *
 * Mutated small histories (a read's value changed, an ok turned fail or back, a write's value
 * changed) must get the same answer as a small exhaustive reference search written here: it
 * tries every order of the ops that respects real time (an op that completed ok before
 * another was invoked comes first), with fail ops left out and unknown outcomes optional.
 *
 * The same for a simulated string kv store (get / put / append on one or two keys), whose
 * checker prunes with the next read's value: valid ones must pass, mutated ones must agree
 * with an exhaustive reference over strings.
 *
 * And for a FIFO queue, a set and a counter: simulated histories must pass, mutated small
 * ones must agree with a generic exhaustive reference.
 *
 * Data in: a fixed-seed PRNG. Data out: cmocka assertions (the failing history is printed).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "fl_checkers.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- PRNG ----------------------------------------------------------------------------- */

static uint64_t rng_state = 0x243F6A8885A308D3ULL;
static uint32_t rnd(uint32_t n) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

/* ---- the simulated register ----------------------------------------------------------- */

enum { OP_READ, OP_WRITE, OP_CAS };
enum { T_OK, T_FAIL, T_INFO, T_NONE };

typedef struct gop {
    int process;
    int f;
    int a, b;                  /* write a; cas a -> b; read: the value read in a (-1 = null) */
    int type;                  /* T_* */
    int invoke, lin, complete; /* times; complete = -1 for T_NONE */
} gop;

#define MAXOPS 64

typedef struct ghist {
    gop ops[MAXOPS];
    int n;
} ghist;

/* Generates n ops over `procs` concurrent clients, values 0..nvals-1. */
static void generate(ghist *g, int n, int procs, int nvals, int crash_pct) {
    int t_free[8], pid[8], next_pid = procs;
    for (int p = 0; p < procs; p++) {
        t_free[p] = (int)rnd(5);
        pid[p] = p;
    }
    g->n = 0;
    for (int i = 0; i < n; i++) {
        int p = (int)rnd((uint32_t)procs);
        gop *o = &g->ops[g->n++];
        memset(o, 0, sizeof *o);
        o->process = pid[p];
        o->f = (int)rnd(3);
        o->a = (int)rnd((uint32_t)nvals);
        o->b = (int)rnd((uint32_t)nvals);
        /* times are multiples of 3 plus an offset, so all event times are distinct */
        int start = t_free[p] + 1 + (int)rnd(6);
        int len = 2 + (int)rnd(12);
        o->invoke = start * 3 * MAXOPS + i;
        o->complete = (start + len) * 3 * MAXOPS + i;
        o->lin = o->invoke + 1 + (int)rnd((uint32_t)(o->complete - o->invoke - 1));
        t_free[p] = start + len;
        o->type = T_OK;
        if ((int)rnd(100) < crash_pct) {
            o->type = rnd(4) == 0 ? T_NONE : T_INFO;
            pid[p] = next_pid++; /* never reused */
        }
    }
    /* apply the effects in linearization order */
    int order[MAXOPS];
    for (int i = 0; i < g->n; i++) order[i] = i;
    for (int i = 1; i < g->n; i++)
        for (int j = i; j > 0 && g->ops[order[j]].lin < g->ops[order[j - 1]].lin; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    int state = -1;
    for (int k = 0; k < g->n; k++) {
        gop *o = &g->ops[order[k]];
        int crashed = o->type == T_INFO || o->type == T_NONE;
        int applies = !crashed || rnd(2);
        if (o->f == OP_READ) {
            o->a = state;
        } else if (o->f == OP_WRITE) {
            if (applies) state = o->a;
        } else {
            if (state == o->a) {
                if (applies) state = o->b;
            } else if (!crashed) {
                o->type = T_FAIL;
            }
        }
    }
}

static void put_value(fl_buf *b, int v) {
    if (v < 0)
        fl_buf_puts(b, "null");
    else
        fl_buf_printf(b, "%d", v);
}

static void op_value(fl_buf *b, const gop *o, int completion) {
    if (o->f == OP_CAS) {
        fl_buf_puts(b, "[");
        put_value(b, o->a);
        fl_buf_puts(b, ",");
        put_value(b, o->b);
        fl_buf_puts(b, "]");
    } else if (o->f == OP_READ && !completion) {
        fl_buf_puts(b, "null");
    } else {
        put_value(b, o->a);
    }
}

/* Event JSONL, events sorted by time. */
static char *to_jsonl(const ghist *g) {
    static const char *fname[] = {"read", "write", "cas"};
    static const char *tname[] = {"ok", "fail", "info"};
    int ev[2 * MAXOPS], ne = 0;
    for (int i = 0; i < g->n; i++) {
        ev[ne++] = i * 2;
        if (g->ops[i].type != T_NONE) ev[ne++] = i * 2 + 1;
    }
#define EVT(x) ((x) % 2 ? g->ops[(x) / 2].complete : g->ops[(x) / 2].invoke)
    for (int i = 1; i < ne; i++)
        for (int j = i; j > 0 && EVT(ev[j]) < EVT(ev[j - 1]); j--) {
            int t = ev[j];
            ev[j] = ev[j - 1];
            ev[j - 1] = t;
        }
    fl_buf b = FL_BUF_INIT;
    for (int k = 0; k < ne; k++) {
        const gop *o = &g->ops[ev[k] / 2];
        int completion = ev[k] % 2;
        fl_buf_printf(&b, "{\"process\":%d,\"type\":\"%s\",\"f\":\"%s\",\"value\":", o->process,
                      completion ? tname[o->type] : "invoke", fname[o->f]);
        if (completion && o->type == T_INFO && o->f == OP_READ)
            fl_buf_puts(&b, "null");
        else
            op_value(&b, o, completion);
        fl_buf_printf(&b, ",\"time\":%d}\n", EVT(ev[k]));
    }
#undef EVT
    return fl_buf_take(&b);
}

/* ---- the exhaustive reference --------------------------------------------------------- */

typedef struct ref {
    const ghist *g;
    int must[MAXOPS], skip[MAXOPS];
    int done[MAXOPS];
} ref;

static int ref_dfs(ref *r, int state, int remaining) {
    if (remaining == 0) return 1;
    const ghist *g = r->g;
    for (int i = 0; i < g->n; i++) {
        if (r->done[i] || r->skip[i]) continue;
        const gop *o = &g->ops[i];
        /* every ok op that completed before o's invoke must already be done */
        int blocked = 0;
        for (int j = 0; j < g->n && !blocked; j++)
            if (r->must[j] && !r->done[j] && g->ops[j].complete < o->invoke) blocked = 1;
        if (blocked) continue;
        int next = state, legal = 1;
        if (o->f == OP_READ)
            legal = o->a == state;
        else if (o->f == OP_WRITE)
            next = o->a;
        else {
            legal = state == o->a;
            next = o->b;
        }
        if (!legal) continue;
        r->done[i] = 1;
        int ok = ref_dfs(r, next, remaining - r->must[i]);
        r->done[i] = 0;
        if (ok) return 1;
    }
    return 0;
}

/* in_window: NULL for the whole history, else 1 for the ops to keep, 2 for ok ops that
 * are optional (still running where the window ends). */
static int reference_from(const ghist *g, int start, const int *in_window) {
    ref r;
    memset(&r, 0, sizeof r);
    r.g = g;
    int remaining = 0;
    for (int i = 0; i < g->n; i++) {
        const gop *o = &g->ops[i];
        r.must[i] = o->type == T_OK && (!in_window || in_window[i] == 1);
        /* fail ops had no effect; unknown-outcome reads observed nothing */
        r.skip[i] = o->type == T_FAIL || (o->type != T_OK && o->f == OP_READ) ||
                    (in_window && !in_window[i]);
        remaining += r.must[i];
    }
    return ref_dfs(&r, start, remaining);
}

static int reference_linearizable(const ghist *g) {
    return reference_from(g, -1, NULL);
}

/* ---- checks --------------------------------------------------------------------------- */

/* Checks; with `window_ok` set, also verifies a violation's window with the reference: from
 * every start state it lists, the window's ops alone cannot be linearized. */
static fl_check_verdict check_text_g(const char *text, const ghist *g, int *window_ok);
static fl_check_verdict check_text(const char *text) {
    return check_text_g(text, NULL, NULL);
}

static int by_invoke(const void *a, const void *b, const ghist *g) {
    int x = *(const int *)a, y = *(const int *)b;
    return g->ops[x].invoke - g->ops[y].invoke;
}

static fl_check_verdict check_text_g(const char *text, const ghist *g, int *window_ok) {
    fl_check_options o;
    fl_check_options_init(&o);
    o.model = "cas-register";
    fl_check_result res;
    fl_error err;
    fl_error_clear(&err);
    int rc = fl_check_buffer("gen.jsonl", text, strlen(text), &o, &res, &err);
    if (rc < 0) {
        fl_error_print(&err, "test", stderr);
        fprintf(stderr, "%s", text);
        fail();
    }
    fl_check_verdict v = res.verdict;
    if (window_ok && v == FL_CHECK_INVALID) {
        /* history op k = the k-th invoke in time */
        int order[MAXOPS];
        for (int i = 0; i < g->n; i++) order[i] = i;
        for (int i = 1; i < g->n; i++)
            for (int j = i; j > 0 && by_invoke(&order[j], &order[j - 1], g) < 0; j--) {
                int t = order[j];
                order[j] = order[j - 1];
                order[j - 1] = t;
            }
        json_t *ce = json_object_get(res.json, "counterexample");
        int in_window[MAXOPS] = {0};
        size_t i;
        json_t *op;
        json_array_foreach(json_object_get(ce, "window"), i, op) {
            int k = (int)json_integer_value(json_object_get(op, "index"));
            in_window[order[k]] = json_is_true(json_object_get(op, "open")) ? 2 : 1;
        }
        json_t *cfgs = json_object_get(ce, "start_configurations");
        *window_ok = json_array_size(cfgs) > 0;
        json_t *cfg;
        json_array_foreach(cfgs, i, cfg) {
            json_t *st = json_object_get(cfg, "state");
            int s0 = json_is_null(st) ? -1 : (int)json_integer_value(st);
            int keep[MAXOPS];
            memcpy(keep, in_window, sizeof keep);
            size_t j;
            json_t *ap;
            json_array_foreach(json_object_get(cfg, "already_applied"), j, ap)
                keep[order[json_integer_value(ap)]] = 0;
            if (reference_from(g, s0, keep)) *window_ok = 0;
        }
    }
    fl_check_result_free(&res);
    return v;
}

static void test_simulated_register_is_linearizable(void **state) {
    (void)state;
    for (int k = 0; k < 3000; k++) {
        ghist g;
        int n = 4 + (int)rnd(40), procs = 2 + (int)rnd(5);
        generate(&g, n, procs, 2 + (int)rnd(4), (int)rnd(20));
        char *text = to_jsonl(&g);
        fl_check_verdict v = check_text(text);
        if (v != FL_CHECK_VALID) fprintf(stderr, "history %d:\n%s", k, text);
        assert_int_equal(v, FL_CHECK_VALID);
        free(text);
    }
}

static void mutate(ghist *g) {
    int i = (int)rnd((uint32_t)g->n);
    gop *o = &g->ops[i];
    switch (rnd(4)) {
        case 0: /* a read sees another value */
            if (o->f == OP_READ)
                o->a = (o->a + 2) % 4 - 1;
            else
                o->a = (o->a + 1) % 3;
            break;
        case 1: /* ok <-> fail */
            if (o->type == T_OK)
                o->type = T_FAIL;
            else if (o->type == T_FAIL)
                o->type = T_OK;
            break;
        case 2: /* a write writes something else */
            o->b = (o->b + 1) % 3;
            break;
        default: /* swap two ops' values */
        {
            gop *p = &g->ops[rnd((uint32_t)g->n)];
            int t = o->a;
            o->a = p->a;
            p->a = t;
        }
    }
    if (o->f == OP_READ && o->type == T_FAIL) o->type = T_OK;
}

static void test_mutated_agree_with_reference(void **state) {
    (void)state;
    int valid = 0, invalid = 0;
    for (int k = 0; k < 4000; k++) {
        ghist g;
        int n = 2 + (int)rnd(6), procs = 1 + (int)rnd(4);
        generate(&g, n, procs, 3, (int)rnd(30));
        int muts = 1 + (int)rnd(2);
        for (int m = 0; m < muts; m++) mutate(&g);
        char *text = to_jsonl(&g);
        int want = reference_linearizable(&g);
        int window_ok = 1;
        fl_check_verdict v = check_text_g(text, &g, &window_ok);
        if (!window_ok) fprintf(stderr, "history %d: the window is linearizable:\n%s", k, text);
        assert_true(window_ok);
        if (v != (want ? FL_CHECK_VALID : FL_CHECK_INVALID))
            fprintf(stderr, "history %d (reference says %s):\n%s", k,
                    want ? "linearizable" : "not linearizable", text);
        assert_int_equal(v, want ? FL_CHECK_VALID : FL_CHECK_INVALID);
        if (want)
            valid++;
        else
            invalid++;
        free(text);
    }
    /* the mutations must produce both answers in numbers */
    assert_true(valid > 500);
    assert_true(invalid > 500);
}

/* ---- a simulated kv store with appends (one key, or two keys checked independently) --- */

enum { KV_GET, KV_PUT, KV_APPEND };

typedef struct kop {
    int process, f, key, type;
    char val[512]; /* put/append: the string; get: what was read */
    int invoke, lin, complete;
} kop;

typedef struct khist {
    kop ops[MAXOPS];
    int n;
} khist;

static void kv_generate(khist *g, int n, int procs, int nkeys, int crash_pct) {
    int t_free[8], pid[8], next_pid = procs;
    for (int p = 0; p < procs; p++) {
        t_free[p] = (int)rnd(5);
        pid[p] = p;
    }
    g->n = 0;
    for (int i = 0; i < n; i++) {
        int p = (int)rnd((uint32_t)procs);
        kop *o = &g->ops[g->n++];
        memset(o, 0, sizeof *o);
        o->process = pid[p];
        o->f = rnd(5) < 2 ? KV_GET : rnd(4) == 0 ? KV_PUT : KV_APPEND;
        o->key = (int)rnd((uint32_t)nkeys);
        snprintf(o->val, sizeof o->val, "%c%d", o->f == KV_PUT ? 'P' : 'a' + (i % 26), i % 10);
        int start = t_free[p] + 1 + (int)rnd(6);
        int len = 2 + (int)rnd(12);
        o->invoke = start * 3 * MAXOPS + i;
        o->complete = (start + len) * 3 * MAXOPS + i;
        o->lin = o->invoke + 1 + (int)rnd((uint32_t)(o->complete - o->invoke - 1));
        t_free[p] = start + len;
        o->type = T_OK;
        if ((int)rnd(100) < crash_pct) {
            o->type = rnd(4) == 0 ? T_NONE : T_INFO;
            pid[p] = next_pid++;
        }
    }
    int order[MAXOPS];
    for (int i = 0; i < g->n; i++) order[i] = i;
    for (int i = 1; i < g->n; i++)
        for (int j = i; j > 0 && g->ops[order[j]].lin < g->ops[order[j - 1]].lin; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    char state[2][512] = {"", ""};
    for (int k = 0; k < g->n; k++) {
        kop *o = &g->ops[order[k]];
        int applies = o->type == T_OK || rnd(2);
        char *st = state[o->key];
        if (o->f == KV_GET)
            snprintf(o->val, sizeof o->val, "%s", st);
        else if (o->f == KV_PUT && applies)
            snprintf(st, 512, "%s", o->val);
        else if (o->f == KV_APPEND && applies)
            strncat(st, o->val, 511 - strlen(st));
    }
}

static char *kv_to_edn(const khist *g) {
    static const char *fname[] = {"get", "put", "append"};
    static const char *tname[] = {"ok", "fail", "info"};
    int ev[2 * MAXOPS], ne = 0;
    for (int i = 0; i < g->n; i++) {
        ev[ne++] = i * 2;
        if (g->ops[i].type != T_NONE) ev[ne++] = i * 2 + 1;
    }
#define KEVT(x) ((x) % 2 ? g->ops[(x) / 2].complete : g->ops[(x) / 2].invoke)
    for (int i = 1; i < ne; i++)
        for (int j = i; j > 0 && KEVT(ev[j]) < KEVT(ev[j - 1]); j--) {
            int t = ev[j];
            ev[j] = ev[j - 1];
            ev[j - 1] = t;
        }
    fl_buf b = FL_BUF_INIT;
    for (int k = 0; k < ne; k++) {
        const kop *o = &g->ops[ev[k] / 2];
        int completion = ev[k] % 2;
        fl_buf_printf(&b, "{:process %d, :type :%s, :f :%s, :key \"k%d\", :value ", o->process,
                      completion ? tname[o->type] : "invoke", fname[o->f], o->key);
        if (o->f == KV_GET && (!completion || o->type != T_OK))
            fl_buf_puts(&b, "nil}\n");
        else
            fl_buf_printf(&b, "\"%s\"}\n", o->val);
    }
#undef KEVT
    return fl_buf_take(&b);
}

typedef struct kref {
    const khist *g;
    int must[MAXOPS], skip[MAXOPS], done[MAXOPS];
} kref;

static int kref_dfs(kref *r, char (*state)[512], int remaining) {
    if (remaining == 0) return 1;
    const khist *g = r->g;
    for (int i = 0; i < g->n; i++) {
        if (r->done[i] || r->skip[i]) continue;
        const kop *o = &g->ops[i];
        int blocked = 0;
        for (int j = 0; j < g->n && !blocked; j++)
            if (r->must[j] && !r->done[j] && g->ops[j].complete < o->invoke) blocked = 1;
        if (blocked) continue;
        char saved[512];
        char *st = state[o->key];
        if (o->f == KV_GET && strcmp(st, o->val) != 0) continue;
        memcpy(saved, st, sizeof saved);
        if (o->f == KV_PUT) snprintf(st, 512, "%s", o->val);
        if (o->f == KV_APPEND) strncat(st, o->val, 511 - strlen(st));
        r->done[i] = 1;
        int ok = kref_dfs(r, state, remaining - r->must[i]);
        r->done[i] = 0;
        memcpy(st, saved, sizeof saved);
        if (ok) return 1;
    }
    return 0;
}

static int kv_reference(const khist *g) {
    kref r;
    memset(&r, 0, sizeof r);
    r.g = g;
    int remaining = 0;
    for (int i = 0; i < g->n; i++) {
        const kop *o = &g->ops[i];
        r.must[i] = o->type == T_OK;
        r.skip[i] = o->type == T_FAIL || (o->type != T_OK && o->f == KV_GET);
        remaining += r.must[i];
    }
    char state[2][512] = {"", ""};
    return kref_dfs(&r, state, remaining);
}

static void kv_mutate(khist *g) {
    kop *o = &g->ops[rnd((uint32_t)g->n)];
    switch (rnd(4)) {
        case 0: /* a get misses its last piece or sees one more */
            if (o->f == KV_GET && strlen(o->val) >= 2)
                o->val[strlen(o->val) - 2] = 0;
            else if (o->f == KV_GET)
                strcat(o->val, "z9");
            else
                o->val[0] = 'q';
            break;
        case 1: /* ok <-> fail for a write */
            if (o->f != KV_GET && o->type == T_OK)
                o->type = T_FAIL;
            else if (o->f != KV_GET && o->type == T_FAIL)
                o->type = T_OK;
            break;
        case 2: /* a get sees its pieces in another order */
            if (o->f == KV_GET && strlen(o->val) >= 4) {
                char t0 = o->val[0], t1 = o->val[1];
                size_t n = strlen(o->val);
                o->val[0] = o->val[n - 2];
                o->val[1] = o->val[n - 1];
                o->val[n - 2] = t0;
                o->val[n - 1] = t1;
            }
            break;
        default: /* another key */
            o->key = 1 - o->key;
    }
}

static fl_check_verdict check_kv_text(const char *text) {
    fl_check_options o;
    fl_check_options_init(&o);
    o.model = "kv";
    fl_check_result res;
    fl_error err;
    fl_error_clear(&err);
    if (fl_check_buffer("kv.edn", text, strlen(text), &o, &res, &err) < 0) {
        fl_error_print(&err, "test", stderr);
        fprintf(stderr, "%s", text);
        fail();
    }
    fl_check_verdict v = res.verdict;
    fl_check_result_free(&res);
    return v;
}

static void test_kv_simulated_and_mutated(void **state) {
    (void)state;
    for (int k = 0; k < 1500; k++) {
        khist g;
        kv_generate(&g, 4 + (int)rnd(40), 2 + (int)rnd(5), 1 + (int)rnd(2), (int)rnd(20));
        char *text = kv_to_edn(&g);
        fl_check_verdict v = check_kv_text(text);
        if (v != FL_CHECK_VALID) fprintf(stderr, "kv history %d:\n%s", k, text);
        assert_int_equal(v, FL_CHECK_VALID);
        free(text);
    }
    int valid = 0, invalid = 0;
    for (int k = 0; k < 3000; k++) {
        khist g;
        kv_generate(&g, 2 + (int)rnd(6), 1 + (int)rnd(4), 1 + (int)rnd(2), (int)rnd(30));
        int muts = 1 + (int)rnd(2);
        for (int m = 0; m < muts; m++) kv_mutate(&g);
        char *text = kv_to_edn(&g);
        int want = kv_reference(&g);
        fl_check_verdict v = check_kv_text(text);
        if (v != (want ? FL_CHECK_VALID : FL_CHECK_INVALID))
            fprintf(stderr, "kv history %d (reference says %s):\n%s", k,
                    want ? "linearizable" : "not linearizable", text);
        assert_int_equal(v, want ? FL_CHECK_VALID : FL_CHECK_INVALID);
        if (want)
            valid++;
        else
            invalid++;
        free(text);
    }
    assert_true(valid > 300);
    assert_true(invalid > 300);
}

/* ---- queue, set and counter: one generic simulation and reference ---------------------- */

enum { M_QUEUE, M_SET, M_COUNTER };
enum { G_PUT, G_GET }; /* enqueue/add/add  and  dequeue/read/read */

typedef struct mstate {
    int q[MAXOPS], qn; /* queue */
    unsigned set;      /* set of 0..7 */
    int counter;
} mstate;

typedef struct mop {
    int process, f, a, r, type; /* a: argument; r: result (dequeue: -1 = nothing) */
    int invoke, lin, complete;
} mop;

typedef struct mhist {
    int model;
    mop ops[MAXOPS];
    int n;
} mhist;

/* Applies op to st; for gets sets *r; returns 0 when an ok op would be illegal. */
static int m_step(int model, mstate *st, const mop *o, int check, int *r) {
    switch (model) {
        case M_QUEUE:
            if (o->f == G_PUT) {
                st->q[st->qn++] = o->a;
                return 1;
            }
            if (check) {
                if (o->r < 0) return st->qn == 0;
                if (st->qn == 0 || st->q[0] != o->r) return 0;
            }
            if (r) *r = st->qn ? st->q[0] : -1;
            if (st->qn) {
                memmove(st->q, st->q + 1, (size_t)(st->qn - 1) * sizeof *st->q);
                st->qn--;
            }
            return 1;
        case M_SET:
            if (o->f == G_PUT) {
                st->set |= 1u << o->a;
                return 1;
            }
            if (r) *r = (int)st->set;
            return !check || (int)st->set == o->r;
        default:
            if (o->f == G_PUT) {
                st->counter += o->a;
                return 1;
            }
            if (r) *r = st->counter;
            return !check || st->counter == o->r;
    }
}

static void m_generate(mhist *g, int model, int n, int procs, int crash_pct) {
    int t_free[8], pid[8], next_pid = procs;
    for (int p = 0; p < procs; p++) {
        t_free[p] = (int)rnd(5);
        pid[p] = p;
    }
    g->model = model;
    g->n = 0;
    for (int i = 0; i < n; i++) {
        int p = (int)rnd((uint32_t)procs);
        mop *o = &g->ops[g->n++];
        memset(o, 0, sizeof *o);
        o->process = pid[p];
        o->f = rnd(2) ? G_PUT : G_GET;
        o->a = model == M_QUEUE ? i : model == M_SET ? (int)rnd(8) : 1 + (int)rnd(3);
        int start = t_free[p] + 1 + (int)rnd(6), len = 2 + (int)rnd(12);
        o->invoke = start * 3 * MAXOPS + i;
        o->complete = (start + len) * 3 * MAXOPS + i;
        o->lin = o->invoke + 1 + (int)rnd((uint32_t)(o->complete - o->invoke - 1));
        t_free[p] = start + len;
        o->type = T_OK;
        if ((int)rnd(100) < crash_pct) {
            o->type = rnd(4) == 0 ? T_NONE : T_INFO;
            pid[p] = next_pid++;
        }
    }
    int order[MAXOPS];
    for (int i = 0; i < g->n; i++) order[i] = i;
    for (int i = 1; i < g->n; i++)
        for (int j = i; j > 0 && g->ops[order[j]].lin < g->ops[order[j - 1]].lin; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    mstate st;
    memset(&st, 0, sizeof st);
    for (int k = 0; k < g->n; k++) {
        mop *o = &g->ops[order[k]];
        if (o->type != T_OK && !rnd(2)) continue; /* a crashed op that never took effect */
        m_step(model, &st, o, 0, &o->r);
    }
}

static char *m_to_jsonl(const mhist *g) {
    static const char *names[3][2] = {{"enqueue", "dequeue"}, {"add", "read"}, {"add", "read"}};
    static const char *tname[] = {"ok", "fail", "info"};
    int ev[2 * MAXOPS], ne = 0;
    for (int i = 0; i < g->n; i++) {
        ev[ne++] = i * 2;
        if (g->ops[i].type != T_NONE) ev[ne++] = i * 2 + 1;
    }
#define MEVT(x) ((x) % 2 ? g->ops[(x) / 2].complete : g->ops[(x) / 2].invoke)
    for (int i = 1; i < ne; i++)
        for (int j = i; j > 0 && MEVT(ev[j]) < MEVT(ev[j - 1]); j--) {
            int t = ev[j];
            ev[j] = ev[j - 1];
            ev[j - 1] = t;
        }
    fl_buf b = FL_BUF_INIT;
    for (int k = 0; k < ne; k++) {
        const mop *o = &g->ops[ev[k] / 2];
        int completion = ev[k] % 2;
        fl_buf_printf(&b, "{\"process\":%d,\"type\":\"%s\",\"f\":\"%s\",\"value\":", o->process,
                      completion ? tname[o->type] : "invoke", names[g->model][o->f]);
        if (o->f == G_PUT) {
            fl_buf_printf(&b, "%d", o->a);
        } else if (!completion || o->type != T_OK) {
            fl_buf_puts(&b, "null");
        } else if (g->model == M_SET) {
            fl_buf_putc(&b, '[');
            for (int e = 0, first = 1; e < 8; e++)
                if (o->r & (1 << e)) {
                    fl_buf_printf(&b, "%s%d", first ? "" : ",", e);
                    first = 0;
                }
            fl_buf_putc(&b, ']');
        } else if (o->r < 0) {
            fl_buf_puts(&b, "null");
        } else {
            fl_buf_printf(&b, "%d", o->r);
        }
        fl_buf_puts(&b, "}\n");
    }
#undef MEVT
    return fl_buf_take(&b);
}

typedef struct mref {
    const mhist *g;
    int must[MAXOPS], skip[MAXOPS], done[MAXOPS];
} mref;

static int mref_dfs(mref *r, const mstate *st, int remaining) {
    if (remaining == 0) return 1;
    const mhist *g = r->g;
    for (int i = 0; i < g->n; i++) {
        if (r->done[i] || r->skip[i]) continue;
        const mop *o = &g->ops[i];
        int blocked = 0;
        for (int j = 0; j < g->n && !blocked; j++)
            if (r->must[j] && !r->done[j] && g->ops[j].complete < o->invoke) blocked = 1;
        if (blocked) continue;
        mstate next = *st;
        /* an unknown dequeue takes whatever is at the head (if anything) */
        int check = r->must[i];
        if (!check && o->f == G_GET && g->model == M_QUEUE && st->qn == 0) continue;
        if (!m_step(g->model, &next, o, check, NULL)) continue;
        r->done[i] = 1;
        int ok = mref_dfs(r, &next, remaining - r->must[i]);
        r->done[i] = 0;
        if (ok) return 1;
    }
    return 0;
}

static int m_reference(const mhist *g) {
    mref r;
    memset(&r, 0, sizeof r);
    r.g = g;
    int remaining = 0;
    for (int i = 0; i < g->n; i++) {
        const mop *o = &g->ops[i];
        r.must[i] = o->type == T_OK;
        /* fail ops had no effect; unknown reads observed nothing (an unknown dequeue may
         * still have taken an element) */
        r.skip[i] = o->type == T_FAIL || (o->type != T_OK && o->f == G_GET && g->model != M_QUEUE);
        remaining += r.must[i];
    }
    mstate st;
    memset(&st, 0, sizeof st);
    return mref_dfs(&r, &st, remaining);
}

static void m_mutate(mhist *g) {
    mop *o = &g->ops[rnd((uint32_t)g->n)];
    switch (rnd(3)) {
        case 0:
            if (o->f == G_GET) o->r = g->model == M_SET ? (o->r ^ (1 << rnd(8))) : o->r + 1;
            break;
        case 1:
            if (o->f == G_PUT && o->type == T_OK)
                o->type = T_FAIL;
            else if (o->f == G_PUT && o->type == T_FAIL)
                o->type = T_OK;
            break;
        default: {
            mop *q = &g->ops[rnd((uint32_t)g->n)];
            if (o->f == G_GET && q->f == G_GET) {
                int t = o->r;
                o->r = q->r;
                q->r = t;
            }
        }
    }
}

static void test_queue_set_counter(void **state) {
    (void)state;
    static const char *models[] = {"queue", "set", "counter"};
    for (int model = 0; model < 3; model++) {
        int valid = 0, invalid = 0;
        for (int k = 0; k < 2500; k++) {
            mhist g;
            int small = k % 2;
            m_generate(&g, model, small ? 2 + (int)rnd(6) : 4 + (int)rnd(30), 1 + (int)rnd(4),
                       (int)rnd(25));
            if (small) {
                int muts = (int)rnd(3);
                for (int m = 0; m < muts; m++) m_mutate(&g);
            }
            int want = small ? m_reference(&g) : 1;
            char *text = m_to_jsonl(&g);
            fl_check_options o;
            fl_check_options_init(&o);
            o.model = models[model];
            o.checker = "linearizable";
            fl_check_result res;
            fl_error err;
            if (fl_check_buffer("m.jsonl", text, strlen(text), &o, &res, &err) < 0) {
                fl_error_print(&err, "test", stderr);
                fprintf(stderr, "%s", text);
                fail();
            }
            if (res.verdict != (want ? FL_CHECK_VALID : FL_CHECK_INVALID))
                fprintf(stderr, "%s history %d (expected %s):\n%s", models[model], k,
                        want ? "linearizable" : "not linearizable", text);
            assert_int_equal(res.verdict, want ? FL_CHECK_VALID : FL_CHECK_INVALID);
            fl_check_result_free(&res);
            free(text);
            if (want)
                valid++;
            else
                invalid++;
        }
        fprintf(stderr, "%s: %d linearizable, %d not\n", models[model], valid, invalid);
        assert_true(invalid > 100);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simulated_register_is_linearizable),
        cmocka_unit_test(test_mutated_agree_with_reference),
        cmocka_unit_test(test_kv_simulated_and_mutated),
        cmocka_unit_test(test_queue_set_counter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
