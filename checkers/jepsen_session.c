/*
 * jepsen_session.c — per-process session guarantees: `monotonic-read` (a process never
 * reads a state older than one it read before) and `read-your-writes` (a process's reads
 * reflect its own earlier acknowledged writes).
 *
 * What "older" means per model:
 *   register, cas-register, kv (per key): values are versions; the initial null is older
 *     than every written value, and value a is older than b when a's write completed (ok)
 *     before b's write was invoked. Writes are write/put values and ok cas [old new].
 *   counter: with non-negative adds, a smaller count is older; reading your writes means
 *     reading at least the sum of your own acknowledged adds.
 *   set (grow-only): a read missing an element an earlier read (or your own ok add) had.
 *   list-append txns (per key): a read that is not an extension of an earlier read, or
 *     that misses an element your own committed txn appended.
 * Violations are "non-monotonic-read" / "read-your-writes"; unknown when no read was
 * checked.
 *
 * Data in: the history. Data out: counts and anomalies in the result object.
 */
#include "jepsen.h"

#include <stdlib.h>
#include <string.h>

typedef struct sess {
    const fl_history *h;
    json_t *result;
    int ryw;         /* 1 read-your-writes, 0 monotonic-read */
    json_t *writers; /* register: "key|value" → op index of its first write */
    json_t **last;   /* per process: key text → last value read */
    json_t **own;    /* per process: key text → own write (register: value; set/list:
                        object of element texts; counter: integer sum) */
    long long checked, violations;
} sess;

static const char *const READ[] = {"read", "get", NULL};
static const char *const WRITE[] = {"write", "put", NULL};

static char *kv_text(const json_t *key, const json_t *v) {
    char *a = jepsen_key(key ? key : json_null()), *b = jepsen_key(v);
    fl_buf s = FL_BUF_INIT;
    fl_buf_printf(&s, "%s|%s", a, b);
    free(a);
    free(b);
    return fl_buf_take(&s);
}

static const fl_op *writer(sess *s, const json_t *key, const json_t *v) {
    char *k = kv_text(key, v);
    json_t *i = json_object_get(s->writers, k);
    free(k);
    return i ? &s->h->ops[json_integer_value(i)] : NULL;
}

/* register versions: 1 when a is strictly older than b */
static int reg_older(sess *s, const json_t *key, const json_t *a, const json_t *b) {
    if (json_equal(a, b)) return 0;
    if (json_is_null(a)) return !json_is_null(b);
    if (json_is_null(b)) return 0;
    const fl_op *wa = writer(s, key, a), *wb = writer(s, key, b);
    return wa && wb && wa->type == FL_OP_OK && wa->complete_pos < wb->invoke_pos;
}

static void violation(sess *s, const fl_op *op, const json_t *key, const json_t *got,
                      const char *why) {
    s->violations++;
    fl_buf m = FL_BUF_INIT;
    jepsen_op_text(s->h, op, &m);
    if (key) {
        fl_buf_puts(&m, " read key ");
        char *k = jepsen_key(key);
        fl_buf_puts(&m, k);
        free(k);
        fl_buf_puts(&m, " =");
    } else {
        fl_buf_puts(&m, " read");
    }
    char *g = jepsen_key(got);
    fl_buf_printf(&m, " %s, %s", g, why);
    free(g);
    json_t *x = json_object();
    json_object_set_new(x, "read", jepsen_op_json(s->h, op));
    if (key) json_object_set(x, "key", (json_t *)key);
    jepsen_anomaly(s->result, s->ryw ? "read-your-writes" : "non-monotonic-read", fl_buf_cstr(&m),
                   x);
    fl_buf_free(&m);
}

static char *ktext(const json_t *key) {
    return jepsen_key(key ? key : json_null());
}

/* ---- registers ------------------------------------------------------------------------- */

static void reg_read(sess *s, const fl_op *op) {
    json_t *c = op->result ? op->result : json_null();
    char *k = ktext(op->key);
    s->checked++;
    if (!s->ryw) {
        json_t *p = json_object_get(s->last[op->proc], k);
        if (p && reg_older(s, op->key, c, p)) {
            char *pt = jepsen_key(p);
            fl_buf w = FL_BUF_INIT;
            fl_buf_printf(&w, "after it had already read %s, which is newer: a non-monotonic read",
                          pt);
            violation(s, op, op->key, c, fl_buf_cstr(&w));
            fl_buf_free(&w);
            free(pt);
        }
        json_object_set(s->last[op->proc], k, c);
    } else {
        json_t *w = json_object_get(s->own[op->proc], k);
        if (w && !json_equal(c, w) && (json_is_null(c) || reg_older(s, op->key, c, w))) {
            char *wt = jepsen_key(w);
            fl_buf b = FL_BUF_INIT;
            fl_buf_printf(&b,
                          "older than its own acknowledged write of %s: it did not read its "
                          "own write",
                          wt);
            violation(s, op, op->key, c, fl_buf_cstr(&b));
            fl_buf_free(&b);
            free(wt);
        }
    }
    free(k);
}

/* ---- list-append txns ------------------------------------------------------------------ */

static int list_has(const json_t *list, const char *elem_text) {
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        char *t = jepsen_key(v);
        int eq = strcmp(t, elem_text) == 0;
        free(t);
        if (eq) return 1;
    }
    return 0;
}

static void txn_op(sess *s, const fl_op *op) {
    json_t *v = op->type == FL_OP_OK && json_is_array(op->result) ? op->result : op->value;
    size_t i;
    json_t *m;
    json_array_foreach(v, i, m) {
        const char *f = json_string_value(json_array_get(m, 0));
        json_t *key = json_array_get(m, 1), *x = json_array_get(m, 2);
        if (!f || !key) continue;
        char *k = ktext(key);
        if (strcmp(f, "append") == 0 && op->type == FL_OP_OK) {
            json_t *set = json_object_get(s->own[op->proc], k);
            if (!set) {
                set = json_object();
                json_object_set_new(s->own[op->proc], k, set);
            }
            char *e = jepsen_key(x);
            json_object_set_new(set, e, json_true());
            free(e);
        } else if (strcmp(f, "r") == 0 && op->type == FL_OP_OK) {
            json_t *c = json_is_array(x) ? x : NULL;
            if (!c) {
                free(k);
                continue;
            }
            s->checked++;
            if (!s->ryw) {
                json_t *p = json_object_get(s->last[op->proc], k);
                int bad = 0;
                if (p && json_array_size(c) < json_array_size(p)) bad = 1;
                for (size_t j = 0; p && !bad && j < json_array_size(p); j++)
                    bad = !json_equal(json_array_get(p, j), json_array_get(c, j));
                if (bad) {
                    char *pt = jepsen_key(p);
                    fl_buf w = FL_BUF_INIT;
                    fl_buf_printf(&w,
                                  "which does not extend its earlier read %s: a "
                                  "non-monotonic read",
                                  pt);
                    violation(s, op, key, c, fl_buf_cstr(&w));
                    fl_buf_free(&w);
                    free(pt);
                }
                json_object_set(s->last[op->proc], k, c);
            } else {
                json_t *set = json_object_get(s->own[op->proc], k);
                const char *e;
                json_t *dummy;
                json_object_foreach(set, e, dummy) {
                    if (list_has(c, e)) continue;
                    fl_buf w = FL_BUF_INIT;
                    fl_buf_printf(&w,
                                  "missing %s, which its own committed transaction "
                                  "appended earlier",
                                  e);
                    violation(s, op, key, c, fl_buf_cstr(&w));
                    fl_buf_free(&w);
                    break;
                }
            }
        }
        free(k);
    }
}

/* ---- the run function ------------------------------------------------------------------ */

static int session_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                       fl_check_verdict *verdict, fl_error *err, int ryw) {
    const char *model = ctx->model;
    int reg = !strcmp(model, "register") || !strcmp(model, "cas-register") || !strcmp(model, "kv");
    int counter = !strcmp(model, "counter"), set = !strcmp(model, "set");
    int list = !strcmp(model, "list-append");
    const char *name = ryw ? "read-your-writes" : "monotonic-read";
    sess s = {h, result, ryw, json_object(), NULL, NULL, 0, 0};
    s.last = fl_xcalloc((size_t)h->nprocs + 1, sizeof *s.last);
    s.own = fl_xcalloc((size_t)h->nprocs + 1, sizeof *s.own);
    for (int p = 0; p < h->nprocs; p++) s.last[p] = json_object(), s.own[p] = json_object();
    int rc = 0;
    for (size_t i = 0; i < h->nops && reg; i++) { /* register writers */
        const fl_op *op = &h->ops[i];
        json_t *v = NULL;
        if (jepsen_f_in(op, WRITE))
            v = op->value;
        else if (!strcmp(op->f, "cas") && op->type == FL_OP_OK && json_array_size(op->value) == 2)
            v = json_array_get(op->value, 1);
        if (!v || op->type == FL_OP_FAIL) continue;
        char *k = kv_text(op->key, v);
        if (!json_object_get(s.writers, k))
            json_object_set_new(s.writers, k, json_integer((json_int_t)i));
        free(k);
    }
    for (size_t i = 0; i < h->nops; i++) {
        const fl_op *op = &h->ops[i];
        if (list) {
            if (strcmp(op->f, "txn") != 0) goto bad_op;
            txn_op(&s, op);
        } else if (reg) {
            if (jepsen_f_in(op, READ)) {
                if (op->type == FL_OP_OK) reg_read(&s, op);
            } else if (jepsen_f_in(op, WRITE) || !strcmp(op->f, "cas")) {
                if (op->type != FL_OP_OK) continue;
                json_t *v = jepsen_f_in(op, WRITE) ? op->value : json_array_get(op->value, 1);
                char *k = ktext(op->key);
                if (v) json_object_set(s.own[op->proc], k, v);
                free(k);
            } else if (strcmp(op->f, "append") != 0) {
                goto bad_op;
            }
        } else if (counter || set) {
            int is_add = !strcmp(op->f, "add");
            if (!is_add && !jepsen_f_in(op, READ)) goto bad_op;
            json_t *own = s.own[op->proc];
            if (is_add) {
                if (op->type != FL_OP_OK) continue;
                if (counter) {
                    int ok;
                    long long a = jepsen_int(op->value, &ok);
                    if (a < 0) {
                        json_object_set_new(result, "cause",
                                            json_string("a counter add is negative: counts do "
                                                        "not order versions"));
                        *verdict = FL_CHECK_UNKNOWN;
                        goto done;
                    }
                    json_t *sum = json_object_get(own, "sum");
                    json_object_set_new(own, "sum",
                                        json_integer((sum ? json_integer_value(sum) : 0) + a));
                } else {
                    char *e = jepsen_key(op->value);
                    json_object_set_new(own, e, json_true());
                    free(e);
                }
                continue;
            }
            if (op->type != FL_OP_OK || !op->result) continue;
            s.checked++;
            json_t *c = op->result;
            json_t *p = json_object_get(s.last[op->proc], "last");
            if (counter) {
                int ok;
                long long v = jepsen_int(c, &ok);
                if (!ryw && p && v < json_integer_value(p)) {
                    fl_buf w = FL_BUF_INIT;
                    fl_buf_printf(&w, "after it had already read %lld: a non-monotonic read",
                                  (long long)json_integer_value(p));
                    violation(&s, op, NULL, c, fl_buf_cstr(&w));
                    fl_buf_free(&w);
                }
                json_t *sum = json_object_get(own, "sum");
                if (ryw && sum && v < json_integer_value(sum)) {
                    fl_buf w = FL_BUF_INIT;
                    fl_buf_printf(&w, "less than the %lld its own acknowledged adds contributed",
                                  (long long)json_integer_value(sum));
                    violation(&s, op, NULL, c, fl_buf_cstr(&w));
                    fl_buf_free(&w);
                }
                if (ok) json_object_set_new(s.last[op->proc], "last", json_integer(v));
            } else {
                json_t *have = json_object(); /* element texts of this read */
                size_t j;
                json_t *e;
                json_array_foreach(c, j, e) {
                    char *t = jepsen_key(e);
                    json_object_set_new(have, t, json_true());
                    free(t);
                }
                json_t *need = ryw ? own : p;
                const char *t;
                json_t *d;
                json_object_foreach(need, t, d) {
                    if (json_object_get(have, t)) continue;
                    fl_buf w = FL_BUF_INIT;
                    fl_buf_printf(&w,
                                  ryw ? "missing %s, which it had added itself (ok)"
                                      : "missing %s, which its earlier read showed: a "
                                        "non-monotonic read",
                                  t);
                    violation(&s, op, NULL, c, fl_buf_cstr(&w));
                    fl_buf_free(&w);
                    break;
                }
                json_object_set_new(s.last[op->proc], "last", have);
            }
        } else {
            fl_error_set(err, h->name, 0, 0, "the %s checker does not check model '%s'", name,
                         model);
            rc = -1;
            goto done;
        }
        continue;
    bad_op:
        rc = jepsen_bad_op(h, op, name,
                           list  ? "txn"
                           : reg ? "read, write or cas"
                                 : "add or read",
                           err);
        goto done;
    }
    json_object_set_new(result, "read_count", json_integer(s.checked));
    json_object_set_new(result, "violation_count", json_integer(s.violations));
    if (s.violations)
        *verdict = FL_CHECK_INVALID;
    else if (!s.checked) {
        *verdict = FL_CHECK_UNKNOWN;
        json_object_set_new(result, "cause", json_string("no read completed: nothing to check"));
    } else
        *verdict = FL_CHECK_VALID;
done:
    for (int p = 0; p < h->nprocs; p++) json_decref(s.last[p]), json_decref(s.own[p]);
    free(s.last);
    free(s.own);
    json_decref(s.writers);
    return rc;
}

int fl_checker_monotonic_read_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                                  fl_check_verdict *verdict, fl_error *err) {
    return session_run(h, ctx, result, verdict, err, 0);
}

int fl_checker_read_your_writes_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                                    fl_check_verdict *verdict, fl_error *err) {
    return session_run(h, ctx, result, verdict, err, 1);
}
