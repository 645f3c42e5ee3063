/*
 * jepsen_set.c — the `set` checker (Jepsen's set and set-full): `add` ops insert an
 * element, `read` ops return all elements.
 *
 * Per element: attempted (some add invoked), acknowledged (an add ok), failed (every add
 * failed). Known point = the ok add's completion or the completion of the first read that
 * showed it, whichever is first. lost: known, and a read invoked after both the known point
 * and the last read that showed it does not show it (or no read after the known point ever
 * did). stale: a read invoked after the known point missed it, yet a later read shows it.
 * unexpected: a read shows an element no add attempted, or whose adds all failed.
 * duplicated: a read shows an element more than once. Valid when nothing is lost,
 * unexpected or duplicated (stale reads are reported, and fail only a linearizable set
 * check); unknown when no read completed.
 *
 * Data in: the history. Data out: counts and anomalies in the result object.
 */
#include "jepsen.h"

#include <stdlib.h>
#include <string.h>

typedef struct elem {
    json_t *value;
    int attempted, ok, failed, info;
    size_t known;  /* position (FL_POS_NONE when unknown) */
    size_t *reads; /* indices of reads that showed it, ascending */
    size_t nreads, cap;
    size_t stamp; /* last read index + 1 that listed it (duplicate check) */
} elem;

typedef struct set_state {
    json_t *index; /* key text → element number */
    elem *e;
    size_t n, cap;
} set_state;

static elem *get(set_state *s, json_t *v, int create) {
    char *k = jepsen_key(v);
    json_t *i = json_object_get(s->index, k);
    elem *out = NULL;
    if (i) {
        out = &s->e[json_integer_value(i)];
    } else if (create) {
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 64;
            s->e = fl_xrealloc(s->e, s->cap * sizeof *s->e);
        }
        out = &s->e[s->n];
        memset(out, 0, sizeof *out);
        out->value = v;
        out->known = FL_POS_NONE;
        json_object_set_new(s->index, k, json_integer((json_int_t)s->n++));
    }
    free(k);
    return out;
}

static const char *const ADD[] = {"add", NULL};
static const char *const READ[] = {"read", NULL};

int fl_checker_set_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                       fl_check_verdict *verdict, fl_error *err) {
    (void)ctx;
    set_state s = {json_object(), NULL, 0, 0};
    const fl_op **reads = fl_xmalloc((h->nops + 1) * sizeof *reads);
    size_t nreads = 0;
    long long attempts = 0, acked = 0;
    for (size_t i = 0; i < h->nops; i++) {
        const fl_op *op = &h->ops[i];
        if (jepsen_f_in(op, ADD)) {
            elem *e = get(&s, op->value, 1);
            e->attempted = 1;
            attempts++;
            if (op->type == FL_OP_OK) {
                e->ok = 1;
                acked++;
                if (e->known == FL_POS_NONE || op->complete_pos < e->known)
                    e->known = op->complete_pos;
            } else if (op->type == FL_OP_FAIL) {
                e->failed = 1;
            } else {
                e->info = 1;
            }
        } else if (jepsen_f_in(op, READ)) {
            if (op->type != FL_OP_OK) continue;
            if (!json_is_array(op->result)) {
                fl_error_set(err, h->name, op->complete_line, 0,
                             "expected a set read to return a list of elements");
                goto bad;
            }
            reads[nreads++] = op;
        } else {
            jepsen_bad_op(h, op, "set", "add or read", err);
            goto bad;
        }
    }
    long long unexpected = 0, duplicated = 0;
    for (size_t r = 0; r < nreads; r++) {
        const fl_op *op = reads[r];
        size_t j;
        json_t *v;
        json_array_foreach(op->result, j, v) {
            elem *e = get(&s, v, 1);
            if (e->stamp == r + 1) {
                duplicated++;
                fl_buf m = FL_BUF_INIT;
                fl_buf_puts(&m, "element ");
                char *k = jepsen_key(v);
                fl_buf_puts(&m, k);
                free(k);
                fl_buf_puts(&m, " appears more than once in ");
                jepsen_op_text(h, op, &m);
                json_t *x = json_object();
                json_object_set(x, "element", v);
                json_object_set_new(x, "read", jepsen_op_json(h, op));
                jepsen_anomaly(result, "duplicated", fl_buf_cstr(&m), x);
                fl_buf_free(&m);
                continue;
            }
            e->stamp = r + 1;
            if (e->nreads == e->cap) {
                e->cap = e->cap ? e->cap * 2 : 8;
                e->reads = fl_xrealloc(e->reads, e->cap * sizeof *e->reads);
            }
            e->reads[e->nreads++] = r;
            if (e->nreads == 1 && (e->known == FL_POS_NONE || op->complete_pos < e->known))
                e->known = op->complete_pos;
        }
    }
    long long lost = 0, stale = 0, ok_count = 0, recovered = 0, never_read = 0;
    for (size_t i = 0; i < s.n; i++) {
        elem *e = &s.e[i];
        fl_buf m = FL_BUF_INIT;
        char *k = jepsen_key(e->value);
        if (e->nreads && (!e->attempted || (e->failed && !e->ok && !e->info))) {
            unexpected++;
            const fl_op *r0 = reads[e->reads[0]];
            fl_buf_printf(&m, "element %s was read by ", k);
            jepsen_op_text(h, r0, &m);
            fl_buf_puts(&m, e->attempted ? ", but every add of it failed"
                                         : ", but no add of it was ever attempted");
            json_t *x = json_object();
            json_object_set(x, "element", e->value);
            json_object_set_new(x, "read", jepsen_op_json(h, r0));
            jepsen_anomaly(result, "unexpected", fl_buf_cstr(&m), x);
        } else if (e->known != FL_POS_NONE) {
            /* the latest read that misses it */
            long j = (long)nreads - 1, li = (long)e->nreads - 1;
            while (j >= 0 && li >= 0 && (long)e->reads[li] == j) j--, li--;
            long lastp = e->nreads ? (long)e->reads[e->nreads - 1] : -1;
            if (e->nreads) ok_count++;
            if (e->nreads && !e->ok) recovered++;
            if (j >= 0 && j > lastp && reads[j]->invoke_pos > e->known) {
                lost++;
                fl_buf_printf(&m, "element %s was %s, but ", k,
                              e->ok ? "acknowledged by an ok add" : "seen by a read");
                jepsen_op_text(h, reads[j], &m);
                fl_buf_puts(&m, ", which started after that");
                if (lastp >= 0) fl_buf_puts(&m, " and after the last read that showed it");
                fl_buf_puts(&m, ", does not contain it: lost");
                json_t *x = json_object();
                json_object_set(x, "element", e->value);
                json_object_set_new(x, "read", jepsen_op_json(h, reads[j]));
                jepsen_anomaly(result, "lost", fl_buf_cstr(&m), x);
            } else if (lastp >= 0) {
                /* a missing read between the known point and the last read showing it */
                long k0 = 0;
                while (k0 <= lastp && reads[k0]->invoke_pos <= e->known) k0++;
                long present = 0;
                for (size_t q = 0; q < e->nreads; q++)
                    if ((long)e->reads[q] >= k0 && (long)e->reads[q] <= lastp) present++;
                if (k0 <= lastp && present < lastp - k0 + 1) {
                    long miss = k0;
                    for (size_t q = 0; q < e->nreads && miss <= lastp; q++)
                        if ((long)e->reads[q] == miss) miss++;
                    stale++;
                    fl_buf_printf(&m, "element %s was already %s when ", k,
                                  e->ok ? "acknowledged" : "visible");
                    jepsen_op_text(h, reads[miss], &m);
                    fl_buf_puts(&m, " started, yet that read misses it (a later read shows it): "
                                    "a stale read");
                    json_t *x = json_object();
                    json_object_set(x, "element", e->value);
                    json_object_set_new(x, "read", jepsen_op_json(h, reads[miss]));
                    jepsen_anomaly(result, "stale", fl_buf_cstr(&m), x);
                }
            } else {
                never_read++;
            }
        }
        free(k);
        fl_buf_free(&m);
    }
    json_object_set_new(result, "attempt_count", json_integer(attempts));
    json_object_set_new(result, "acknowledged_count", json_integer(acked));
    json_object_set_new(result, "ok_count", json_integer(ok_count));
    json_object_set_new(result, "lost_count", json_integer(lost));
    json_object_set_new(result, "recovered_count", json_integer(recovered));
    json_object_set_new(result, "unexpected_count", json_integer(unexpected));
    json_object_set_new(result, "duplicated_count", json_integer(duplicated));
    json_object_set_new(result, "stale_count", json_integer(stale));
    json_object_set_new(result, "never_read_count", json_integer(never_read));
    json_object_set_new(result, "read_count", json_integer((json_int_t)nreads));
    if (lost || unexpected || duplicated)
        *verdict = FL_CHECK_INVALID;
    else if (!nreads) {
        *verdict = FL_CHECK_UNKNOWN;
        json_object_set_new(result, "cause", json_string("no read completed: nothing to check"));
    } else
        *verdict = FL_CHECK_VALID;
    for (size_t i = 0; i < s.n; i++) free(s.e[i].reads);
    free(s.e);
    free((void *)reads);
    json_decref(s.index);
    return 0;
bad:
    for (size_t i = 0; i < s.n; i++) free(s.e[i].reads);
    free(s.e);
    free((void *)reads);
    json_decref(s.index);
    return -1;
}
