/*
 * jepsen_counter.c — the `counter` checker (Jepsen's counter): `add` ops add their value
 * (any sign) to a counter starting at 0, `read` ops return it.
 *
 * One sweep in real-time order keeps the possible range: lower = what must have been added
 * (ok positive adds completed so far, plus every negative add invoked that did not fail),
 * upper = what may have been added (positive adds invoked that did not fail, plus ok
 * negative adds completed). An ok read must lie within [lower when it was invoked, upper
 * when it completed]; a read outside is an "out-of-bounds" anomaly.
 *
 * Data in: the history. Data out: read count, the failing reads as [lower, value, upper]
 * and anomalies in the result object.
 */
#include "jepsen.h"

#include <stdlib.h>
#include <string.h>

static const char *const ADD[] = {"add", "incr", "increment", NULL};
static const char *const READ[] = {"read", "get", NULL};

int fl_checker_counter_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                           fl_check_verdict *verdict, fl_error *err) {
    (void)ctx;
    long long *amount = fl_xcalloc(h->nops + 1, sizeof *amount);
    for (size_t i = 0; i < h->nops; i++) {
        const fl_op *op = &h->ops[i];
        int ok = 1;
        if (jepsen_f_in(op, ADD)) {
            amount[i] = json_is_null(op->value) ? 1 : jepsen_int(op->value, &ok);
            if (!ok) {
                free(amount);
                fl_error_set(err, h->name, op->invoke_line, 0,
                             "expected the value of a counter add to be a number");
                return -1;
            }
        } else if (jepsen_f_in(op, READ)) {
            if (op->type == FL_OP_OK) {
                jepsen_int(op->result, &ok);
                if (!ok) {
                    free(amount);
                    fl_error_set(err, h->name, op->complete_line, 0,
                                 "expected a counter read to return a number");
                    return -1;
                }
            }
        } else {
            free(amount);
            return jepsen_bad_op(h, op, "counter", "add or read", err);
        }
    }
    size_t nev = h->nevents;
    size_t *ev = fl_xmalloc((nev + 1) * sizeof *ev);
    for (size_t p = 0; p < nev; p++) ev[p] = SIZE_MAX;
    for (size_t i = 0; i < h->nops; i++) {
        const fl_op *op = &h->ops[i];
        if (op->invoke_pos < nev) ev[op->invoke_pos] = i * 2;
        if (op->complete_pos < nev) ev[op->complete_pos] = i * 2 + 1;
    }
    long long *lower_at = fl_xcalloc(h->nops + 1, sizeof *lower_at);
    long long lower = 0, upper = 0, reads = 0, errors = 0;
    json_t *errs = json_array();
    for (size_t p = 0; p < nev; p++) {
        if (ev[p] == SIZE_MAX) continue;
        size_t i = ev[p] / 2;
        int completion = (int)(ev[p] & 1);
        const fl_op *op = &h->ops[i];
        if (jepsen_f_in(op, ADD)) {
            if (op->type == FL_OP_FAIL) continue;
            long long a = amount[i];
            if (!completion) {
                if (a >= 0)
                    upper += a;
                else
                    lower += a;
            } else if (op->type == FL_OP_OK) {
                if (a >= 0)
                    lower += a;
                else
                    upper += a;
            }
            continue;
        }
        if (!completion) {
            lower_at[i] = lower;
            continue;
        }
        if (op->type != FL_OP_OK) continue;
        int ok;
        long long v = jepsen_int(op->result, &ok);
        reads++;
        if (v >= lower_at[i] && v <= upper) continue;
        errors++;
        json_t *triple =
            json_pack("[III]", (json_int_t)lower_at[i], (json_int_t)v, (json_int_t)upper);
        if (json_array_size(errs) < JEPSEN_EXAMPLES) json_array_append(errs, triple);
        fl_buf m = FL_BUF_INIT;
        jepsen_op_text(h, op, &m);
        fl_buf_printf(&m,
                      " returned %lld, but the counter could only be between %lld (adds "
                      "acknowledged before the read began) and %lld (every add that may "
                      "have happened before it ended)",
                      v, lower_at[i], upper);
        json_t *x = json_object();
        json_object_set_new(x, "read", jepsen_op_json(h, op));
        json_object_set_new(x, "bounds", triple);
        jepsen_anomaly(result, "out-of-bounds", fl_buf_cstr(&m), x);
        fl_buf_free(&m);
    }
    json_object_set_new(result, "read_count", json_integer(reads));
    json_object_set_new(result, "error_count", json_integer(errors));
    json_object_set_new(result, "errors", errs);
    if (errors)
        *verdict = FL_CHECK_INVALID;
    else if (!reads) {
        *verdict = FL_CHECK_UNKNOWN;
        json_object_set_new(result, "cause", json_string("no read completed: nothing to check"));
    } else
        *verdict = FL_CHECK_VALID;
    free(ev);
    free(amount);
    free(lower_at);
    return 0;
}
