/*
 * jepsen_lease.c — the `lease` checker for locks and leases: `acquire` ops (ok value: the
 * fencing token, when there is one) and `release` ops.
 *
 * A holder certainly holds from its ok acquire's completion until its release was invoked.
 * For a lock or mutex the hold lasts until the holder's next release of any outcome (or
 * forever, when it never releases: a crashed holder keeps a lock); for a lease, which can
 * expire, only a release that completed ok proves the hold lasted; a release that failed
 * (e.g. "not held") proves nothing either. Acquires with unknown
 * outcomes prove nothing. Two certain holds that overlap are "overlapping-holders". Fencing
 * tokens: no two ok acquires share a token ("duplicate-token"), and an acquire that began
 * after another completed must get a larger token ("non-monotonic-token").
 *
 * Data in: the history. Data out: hold and token counts, anomalies in the result object.
 */
#include "jepsen.h"

#include <stdlib.h>
#include <string.h>

static const char *const ACQ[] = {"acquire", "lock", NULL};
static const char *const REL[] = {"release", "unlock", NULL};

typedef struct hold {
    size_t start, end; /* positions: acquire completion, release invoke (SIZE_MAX: never) */
    const fl_op *acq, *rel;
} hold;

static int by_start(const void *a, const void *b) {
    const hold *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

typedef struct tok {
    size_t pos; /* completion */
    long long token;
    const fl_op *op;
} tok;

static int by_pos(const void *a, const void *b) {
    const tok *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}
static int by_token(const void *a, const void *b) {
    const tok *x = a, *y = b;
    return x->token < y->token ? -1 : x->token > y->token;
}

int fl_checker_lease_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                         fl_check_verdict *verdict, fl_error *err) {
    int lease = strcmp(ctx->model, "lease") == 0;
    hold *holds = fl_xmalloc((h->nops + 1) * sizeof *holds);
    tok *toks = fl_xmalloc((h->nops + 1) * sizeof *toks);
    size_t nh = 0, nt = 0;
    size_t *open = fl_xmalloc(((size_t)h->nprocs + 1) * sizeof *open); /* per process */
    for (int p = 0; p < h->nprocs; p++) open[p] = SIZE_MAX;
    for (size_t i = 0; i < h->nops; i++) {
        const fl_op *op = &h->ops[i];
        if (jepsen_f_in(op, ACQ)) {
            if (op->type != FL_OP_OK) continue;
            if (open[op->proc] == SIZE_MAX) {
                holds[nh] = (hold){op->complete_pos, SIZE_MAX, op, NULL};
                open[op->proc] = nh++;
            }
            int ok;
            long long t = jepsen_int(op->result, &ok);
            if (ok) toks[nt++] = (tok){op->complete_pos, t, op};
        } else if (jepsen_f_in(op, REL)) {
            size_t o = open[op->proc];
            if (o == SIZE_MAX) continue;
            open[op->proc] = SIZE_MAX;
            if ((lease && op->type != FL_OP_OK) || op->type == FL_OP_FAIL) {
                holds[o].end = holds[o].start; /* proves nothing past the acquire */
                continue;
            }
            holds[o].end = op->invoke_pos;
            holds[o].rel = op;
        } else {
            free(holds);
            free(toks);
            free(open);
            return jepsen_bad_op(h, op, "lease", "acquire or release", err);
        }
    }
    if (lease) /* a lease never released may have expired */
        for (int p = 0; p < h->nprocs; p++)
            if (open[p] != SIZE_MAX) holds[open[p]].end = holds[open[p]].start;
    long long overlaps = 0, dups = 0, nonmono = 0;
    qsort(holds, nh, sizeof *holds, by_start);
    size_t maxi = SIZE_MAX;
    for (size_t i = 0; i < nh; i++) {
        if (maxi != SIZE_MAX && holds[i].start < holds[maxi].end) {
            overlaps++;
            fl_buf m = FL_BUF_INIT;
            jepsen_op_text(h, holds[i].acq, &m);
            fl_buf_puts(&m, " succeeded while ");
            jepsen_op_text(h, holds[maxi].acq, &m);
            fl_buf_puts(&m, " still held it (");
            if (holds[maxi].rel) {
                fl_buf_puts(&m, "its release was invoked only later, at line ");
                fl_buf_printf(&m, "%d", holds[maxi].rel->invoke_line);
            } else {
                fl_buf_puts(&m, "it never released it");
            }
            fl_buf_puts(&m, "): two holders at once");
            json_t *x = json_object();
            json_object_set_new(x, "holder", jepsen_op_json(h, holds[maxi].acq));
            json_object_set_new(x, "second", jepsen_op_json(h, holds[i].acq));
            jepsen_anomaly(result, "overlapping-holders", fl_buf_cstr(&m), x);
            fl_buf_free(&m);
        }
        if (maxi == SIZE_MAX || holds[i].end > holds[maxi].end) maxi = i;
    }
    /* tokens: duplicates */
    tok *sorted = fl_xmalloc((nt + 1) * sizeof *sorted);
    memcpy(sorted, toks, nt * sizeof *toks);
    qsort(sorted, nt, sizeof *sorted, by_token);
    for (size_t i = 1; i < nt; i++) {
        if (sorted[i].token != sorted[i - 1].token) continue;
        dups++;
        fl_buf m = FL_BUF_INIT;
        fl_buf_printf(&m, "fencing token %lld was granted twice: to ", sorted[i].token);
        jepsen_op_text(h, sorted[i - 1].op, &m);
        fl_buf_puts(&m, " and to ");
        jepsen_op_text(h, sorted[i].op, &m);
        json_t *x = json_object();
        json_object_set_new(x, "first", jepsen_op_json(h, sorted[i - 1].op));
        json_object_set_new(x, "second", jepsen_op_json(h, sorted[i].op));
        jepsen_anomaly(result, "duplicate-token", fl_buf_cstr(&m), x);
        fl_buf_free(&m);
    }
    free(sorted);
    /* tokens: an acquire that began after another completed needs a larger token */
    qsort(toks, nt, sizeof *toks, by_pos);
    size_t k = 0;
    const tok *best = NULL;
    for (size_t i = 0; i < h->nops; i++) {
        const fl_op *op = &h->ops[i];
        if (!jepsen_f_in(op, ACQ) || op->type != FL_OP_OK) continue;
        int ok;
        long long t = jepsen_int(op->result, &ok);
        if (!ok) continue;
        while (k < nt && toks[k].pos < op->invoke_pos) {
            if (!best || toks[k].token > best->token) best = &toks[k];
            k++;
        }
        if (!best || t > best->token) continue;
        if (t == best->token) continue; /* reported as a duplicate */
        nonmono++;
        fl_buf m = FL_BUF_INIT;
        jepsen_op_text(h, op, &m);
        fl_buf_printf(&m, " got fencing token %lld, but it began after ", t);
        jepsen_op_text(h, best->op, &m);
        fl_buf_printf(&m, " had completed with token %lld: tokens must strictly increase",
                      best->token);
        json_t *x = json_object();
        json_object_set_new(x, "earlier", jepsen_op_json(h, best->op));
        json_object_set_new(x, "later", jepsen_op_json(h, op));
        jepsen_anomaly(result, "non-monotonic-token", fl_buf_cstr(&m), x);
        fl_buf_free(&m);
    }
    json_object_set_new(result, "hold_count", json_integer((json_int_t)nh));
    json_object_set_new(result, "token_count", json_integer((json_int_t)nt));
    if (overlaps || dups || nonmono)
        *verdict = FL_CHECK_INVALID;
    else if (!nh) {
        *verdict = FL_CHECK_UNKNOWN;
        json_object_set_new(result, "cause", json_string("no acquire succeeded: nothing to check"));
    } else
        *verdict = FL_CHECK_VALID;
    free(holds);
    free(toks);
    free(open);
    return 0;
}
