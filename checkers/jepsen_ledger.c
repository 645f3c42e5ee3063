/*
 * jepsen_ledger.c — the `ledger` checker (Jepsen's bank): `transfer` ops move
 * {"from","to","amount"} between accounts, `read` ops return {account: balance}.
 *
 * Every ok read must conserve money: its balances sum to --total N when given, else to
 * the total of the first ok read ("wrong-total"); no balance may be null ("nil-balance")
 * or negative unless --allow-negative ("negative-value"); and it may name only accounts
 * known from the first read or the transfers ("unexpected-key").
 *
 * Data in: the history and fl_check_options.total / allow_negative. Data out: read and
 * error counts, the lowest and highest totals seen, and anomalies in the result object.
 */
#include "jepsen.h"

#include <stdlib.h>
#include <string.h>

static const char *const TRANSFER[] = {"transfer", NULL};
static const char *const READ[] = {"read", NULL};

static void known_account(json_t *known, json_t *acct) {
    if (!acct || json_is_null(acct)) return;
    if (json_is_string(acct)) {
        json_object_set_new(known, json_string_value(acct), json_true());
        return;
    }
    char *k = jepsen_key(acct);
    json_object_set_new(known, k, json_true());
    free(k);
}

int fl_checker_ledger_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                          fl_check_verdict *verdict, fl_error *err) {
    json_t *known = json_object();
    const fl_op *first = NULL;
    for (size_t i = 0; i < h->nops; i++) {
        const fl_op *op = &h->ops[i];
        if (jepsen_f_in(op, TRANSFER)) {
            json_t *v = op->value;
            known_account(known, json_object_get(v, "from"));
            known_account(known, json_object_get(v, "to"));
        } else if (jepsen_f_in(op, READ)) {
            if (op->type != FL_OP_OK) continue;
            if (!json_is_object(op->result)) {
                json_decref(known);
                fl_error_set(err, h->name, op->complete_line, 0,
                             "expected a ledger read to return an object {account: balance}");
                return -1;
            }
            if (!first) first = op;
        } else {
            json_decref(known);
            return jepsen_bad_op(h, op, "ledger", "transfer or read", err);
        }
    }
    if (first) {
        const char *k;
        json_t *v;
        json_object_foreach(first->result, k, v) json_object_set_new(known, k, json_true());
    }
    int have_total = ctx->opts->total >= 0;
    long long total = ctx->opts->total, lowest = 0, highest = 0;
    long long reads = 0, errors = 0;
    int allow_neg = ctx->opts->allow_negative;
    for (size_t i = 0; i < h->nops; i++) {
        const fl_op *op = &h->ops[i];
        if (!jepsen_f_in(op, READ) || op->type != FL_OP_OK) continue;
        reads++;
        long long sum = 0;
        int bad = 0, nil = 0;
        const char *k;
        json_t *v;
        json_object_foreach(op->result, k, v) {
            fl_buf m = FL_BUF_INIT;
            int ok;
            long long b = jepsen_int(v, &ok);
            if (!json_object_get(known, k)) {
                jepsen_op_text(h, op, &m);
                fl_buf_printf(&m, " shows account %s, which no transfer or first read names", k);
                json_t *x = json_object();
                json_object_set_new(x, "read", jepsen_op_json(h, op));
                json_object_set_new(x, "account", json_string(k));
                jepsen_anomaly(result, "unexpected-key", fl_buf_cstr(&m), x);
                bad = 1;
            }
            if (!ok) {
                fl_buf_reset(&m);
                jepsen_op_text(h, op, &m);
                fl_buf_printf(&m, " has no balance for account %s", k);
                json_t *x = json_object();
                json_object_set_new(x, "read", jepsen_op_json(h, op));
                json_object_set_new(x, "account", json_string(k));
                jepsen_anomaly(result, "nil-balance", fl_buf_cstr(&m), x);
                bad = nil = 1;
            } else {
                sum += b;
                if (b < 0 && !allow_neg) {
                    fl_buf_reset(&m);
                    jepsen_op_text(h, op, &m);
                    fl_buf_printf(&m, " shows account %s at %lld: a negative balance", k, b);
                    json_t *x = json_object();
                    json_object_set_new(x, "read", jepsen_op_json(h, op));
                    json_object_set_new(x, "account", json_string(k));
                    json_object_set_new(x, "balance", json_integer(b));
                    jepsen_anomaly(result, "negative-value", fl_buf_cstr(&m), x);
                    bad = 1;
                }
            }
            fl_buf_free(&m);
        }
        if (!have_total) {
            total = sum;
            have_total = 1;
        }
        if (reads == 1 || sum < lowest) lowest = sum;
        if (reads == 1 || sum > highest) highest = sum;
        if (!nil && sum != total) {
            fl_buf m = FL_BUF_INIT;
            jepsen_op_text(h, op, &m);
            fl_buf_printf(&m, " sums to %lld, but the total must stay %lld%s: money was %s", sum,
                          total, ctx->opts->total >= 0 ? " (--total)" : " (the first read's)",
                          sum > total ? "created" : "destroyed");
            json_t *x = json_object();
            json_object_set_new(x, "read", jepsen_op_json(h, op));
            json_object_set_new(x, "total", json_integer(sum));
            json_object_set_new(x, "expected", json_integer(total));
            jepsen_anomaly(result, "wrong-total", fl_buf_cstr(&m), x);
            fl_buf_free(&m);
            bad = 1;
        }
        errors += bad;
    }
    json_object_set_new(result, "read_count", json_integer(reads));
    json_object_set_new(result, "error_count", json_integer(errors));
    if (reads) {
        json_object_set_new(result, "lowest_total", json_integer(lowest));
        json_object_set_new(result, "highest_total", json_integer(highest));
    }
    if (have_total) json_object_set_new(result, "total", json_integer(total));
    if (errors)
        *verdict = FL_CHECK_INVALID;
    else if (!reads) {
        *verdict = FL_CHECK_UNKNOWN;
        json_object_set_new(result, "cause", json_string("no read completed: nothing to check"));
    } else
        *verdict = FL_CHECK_VALID;
    json_decref(known);
    return 0;
}
