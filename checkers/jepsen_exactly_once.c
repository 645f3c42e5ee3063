/*
 * jepsen_exactly_once.c — the `exactly-once` checker (any model): at most one committed
 * effect per business idempotency key. The key is carried in the op's value, an object
 * with one of the fields idempotency_key, idempotencyKey, business_key, request_id,
 * requestId, dedup_key or dedupe_key; a recorder's op_id is never taken as the key (a
 * retry gets a new op_id but keeps its business key).
 *
 * Effects are counted where they can be seen: (1) a read (read, get, list, scan) that
 * returns objects carrying keys must not show one key twice; (2) deliveries (dequeue,
 * poll, consume, drain) must not deliver one key twice over the whole history; (3) ok
 * completions of the same key that report different results (e.g. two different order
 * ids) are two effects. A retry answered with the same result is the same effect.
 * Violations are "duplicate-effect"; unknown when no value carries a key.
 *
 * Data in: the history. Data out: key counts and anomalies in the result object.
 */
#include "jepsen.h"

#include <stdlib.h>
#include <string.h>

static const char *const KEY_FIELDS[] = {
    "idempotency_key", "idempotencyKey", "business_key", "request_id",
    "requestId",       "dedup_key",      "dedupe_key",   NULL};
static const char *const READS[] = {"read", "get", "list", "scan", NULL};
static const char *const DELIVERIES[] = {"dequeue", "poll", "consume", "drain", "receive", NULL};

static json_t *business_key(const json_t *v) {
    if (!json_is_object(v)) return NULL;
    for (const char *const *f = KEY_FIELDS; *f; f++) {
        json_t *k = json_object_get(v, *f);
        if (k && !json_is_null(k)) return k;
    }
    return NULL;
}

/* calls fn on each keyed object of a result (a list of objects, or one object) */
static void each_keyed(const json_t *r, void (*fn)(json_t *key, void *arg), void *arg) {
    if (json_is_array(r)) {
        size_t i;
        json_t *v;
        json_array_foreach(r, i, v) {
            json_t *k = business_key(v);
            if (k) fn(k, arg);
        }
    } else {
        json_t *k = business_key(r);
        if (k) fn(k, arg);
    }
}

typedef struct seen_ctx {
    json_t *counts; /* key text → count */
    json_t *dups;   /* key texts counted twice (first time only) */
    long long hits; /* keyed objects seen */
} seen_ctx;

static void count_key(json_t *key, void *arg) {
    seen_ctx *s = arg;
    s->hits++;
    char *k = jepsen_key(key);
    json_t *c = json_object_get(s->counts, k);
    long long n = c ? (long long)json_integer_value(c) + 1 : 1;
    json_object_set_new(s->counts, k, json_integer(n));
    if (n == 2) json_array_append_new(s->dups, json_string(k));
    free(k);
}

static void report(const fl_history *h, const fl_op *op, json_t *result, const char *key,
                   const char *how) {
    fl_buf m = FL_BUF_INIT;
    fl_buf_printf(&m, "business key %s has more than one committed effect: %s ", key, how);
    jepsen_op_text(h, op, &m);
    json_t *x = json_object();
    json_object_set_new(x, "key", json_string(key));
    json_object_set_new(x, "op_seen", jepsen_op_json(h, op));
    jepsen_anomaly(result, "duplicate-effect", fl_buf_cstr(&m), x);
    fl_buf_free(&m);
}

int fl_checker_exactly_once_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                                fl_check_verdict *verdict, fl_error *err) {
    (void)ctx;
    (void)err;
    json_t *results = json_object(); /* key → {result text → op index} for mutations */
    seen_ctx deliv = {json_object(), json_array(), 0};
    long long keyed = 0, dups = 0;
    for (size_t i = 0; i < h->nops; i++) {
        const fl_op *op = &h->ops[i];
        if (op->type != FL_OP_OK) {
            if (business_key(op->value)) keyed++;
            continue;
        }
        if (jepsen_f_in(op, READS)) {
            seen_ctx one = {json_object(), json_array(), 0};
            each_keyed(op->result, count_key, &one);
            keyed += one.hits > 0;
            size_t j;
            json_t *k;
            json_array_foreach(one.dups, j, k) {
                dups++;
                report(h, op, result, json_string_value(k), "it appears twice in");
            }
            json_decref(one.counts);
            json_decref(one.dups);
            continue;
        }
        if (jepsen_f_in(op, DELIVERIES)) {
            size_t before = json_array_size(deliv.dups);
            long long hits = deliv.hits;
            each_keyed(op->result, count_key, &deliv);
            keyed += deliv.hits > hits;
            for (size_t j = before; j < json_array_size(deliv.dups); j++) {
                dups++;
                report(h, op, result, json_string_value(json_array_get(deliv.dups, j)),
                       "it was delivered again by");
            }
            continue;
        }
        json_t *key = business_key(op->value);
        if (!key) key = business_key(op->result);
        if (!key) continue;
        keyed++;
        char *k = jepsen_key(key);
        json_t *per = json_object_get(results, k);
        if (!per) {
            per = json_object();
            json_object_set_new(results, k, per);
        }
        if (op->result && !json_is_null(op->result) && !json_equal(op->result, op->value)) {
            char *r = jepsen_key(op->result);
            if (!json_object_get(per, r)) {
                json_object_set_new(per, r, json_integer((json_int_t)i));
                if (json_object_size(per) == 2) {
                    dups++;
                    report(h, op, result, k, "a different result was acknowledged by");
                }
            }
            free(r);
        }
        free(k);
    }
    json_object_set_new(result, "keyed_op_count", json_integer(keyed));
    json_object_set_new(result, "duplicate_count", json_integer(dups));
    if (dups)
        *verdict = FL_CHECK_INVALID;
    else if (!keyed) {
        *verdict = FL_CHECK_UNKNOWN;
        json_object_set_new(
            result, "cause",
            json_string("no value carries a business idempotency key (idempotency_key, "
                        "business_key, request_id, ...); op_id is never used as the key"));
    } else
        *verdict = FL_CHECK_VALID;
    json_decref(results);
    json_decref(deliv.counts);
    json_decref(deliv.dups);
    return 0;
}
