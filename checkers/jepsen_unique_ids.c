/*
 * jepsen_unique_ids.c — the `unique-ids` checker (Jepsen's unique-ids): every ok
 * `generate` op returns an id; no id may be returned twice ("duplicated").
 *
 * Data in: the history. Data out: attempted/acknowledged/duplicated counts, the range of
 * integer ids, and one anomaly per duplicated id (with how often and by whom).
 */
#include "jepsen.h"

#include <stdlib.h>
#include <string.h>

static const char *const GEN[] = {"generate", "next-id", "id", NULL};

int fl_checker_unique_ids_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                              fl_check_verdict *verdict, fl_error *err) {
    (void)ctx;
    json_t *seen = json_object(); /* id text → [count, first op index] */
    long long attempted = 0, acked = 0, dup_ids = 0;
    long long lo = 0, hi = 0;
    int have_range = 0, all_int = 1;
    for (size_t i = 0; i < h->nops; i++) {
        const fl_op *op = &h->ops[i];
        if (!jepsen_f_in(op, GEN)) {
            json_decref(seen);
            return jepsen_bad_op(h, op, "unique-ids", "generate", err);
        }
        attempted++;
        if (op->type != FL_OP_OK || !op->result) continue;
        acked++;
        if (json_is_integer(op->result)) {
            long long v = (long long)json_integer_value(op->result);
            if (!have_range || v < lo) lo = v;
            if (!have_range || v > hi) hi = v;
            have_range = 1;
        } else {
            all_int = 0;
        }
        char *k = jepsen_key(op->result);
        json_t *e = json_object_get(seen, k);
        if (!e) {
            json_object_set_new(seen, k, json_pack("[iI]", 1, (json_int_t)i));
        } else {
            long long n = (long long)json_integer_value(json_array_get(e, 0)) + 1;
            json_array_set_new(e, 0, json_integer(n));
            if (n == 2) dup_ids++;
            const fl_op *first = &h->ops[json_integer_value(json_array_get(e, 1))];
            fl_buf m = FL_BUF_INIT;
            fl_buf_printf(&m, "id %s was returned again by ", k);
            jepsen_op_text(h, op, &m);
            fl_buf_puts(&m, "; it was first returned by ");
            jepsen_op_text(h, first, &m);
            json_t *x = json_object();
            json_object_set(x, "id", op->result);
            json_object_set_new(x, "first", jepsen_op_json(h, first));
            json_object_set_new(x, "again", jepsen_op_json(h, op));
            jepsen_anomaly(result, "duplicated", fl_buf_cstr(&m), x);
            fl_buf_free(&m);
        }
        free(k);
    }
    json_object_set_new(result, "attempted_count", json_integer(attempted));
    json_object_set_new(result, "acknowledged_count", json_integer(acked));
    json_object_set_new(result, "duplicated_count", json_integer(dup_ids));
    if (have_range && all_int) json_object_set_new(result, "range", json_pack("[II]", lo, hi));
    if (dup_ids)
        *verdict = FL_CHECK_INVALID;
    else if (!acked) {
        *verdict = FL_CHECK_UNKNOWN;
        json_object_set_new(result, "cause", json_string("no id was generated: nothing to check"));
    } else
        *verdict = FL_CHECK_VALID;
    json_decref(seen);
    return 0;
}
