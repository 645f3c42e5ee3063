/*
 * elle_check.c — the `elle` checker's run function (registry row) and the consistency
 * models: which models each anomaly rules out, the weakest violated models ("not") and all
 * violated models ("also_not"), and the verdict for the model asked with --consistency
 * (read-committed, repeatable-read, snapshot-isolation, serializable — the default — or
 * strict-serializable, which adds real-time edges).
 *
 * Data in: the history (model list-append or rw-register). Data out: the SPEC §3 result
 * object: "anomalies" (each with "type", "rules_out", "message" in words, and "cycle" /
 * "steps" for cycles), "anomaly_types", "anomaly_counts", "not", "also_not",
 * "consistency", "counterexample" (the first anomaly the asked model forbids); verdict
 * invalid when the asked model forbids something found, unknown when a search budget ran
 * out or there is nothing to check.
 */
#include "elle.h"

#include <string.h>

enum { RC = 1, RR = 2, SI = 4, SER = 8, SSER = 16 };
static const struct {
    const char *name;
    int bit;
    int weaker; /* models strictly weaker than this one */
} models[] = {
    {"read-committed", RC, 0},
    {"repeatable-read", RR, RC},
    {"snapshot-isolation", SI, RC},
    {"serializable", SER, RC | RR | SI},
    {"strict-serializable", SSER, RC | RR | SI | SER},
};
#define NMODELS (sizeof models / sizeof models[0])

/* Report order (most severe first) and what each anomaly rules out. */
static const struct {
    const char *type;
    int rules_out;
} kinds[] = {
    {"G0", RC | RR | SI | SER | SSER},
    {"G1a", RC | RR | SI | SER | SSER},
    {"G1b", RC | RR | SI | SER | SSER},
    {"G1c", RC | RR | SI | SER | SSER},
    {"duplicate-elements", RC | RR | SI | SER | SSER},
    {"incompatible-order", RC | RR | SI | SER | SSER},
    {"garbage-read", RC | RR | SI | SER | SSER},
    {"internal", SI | SER | SSER},
    {"G-single", RR | SI | SER | SSER},
    {"G2-item", RR | SER | SSER},
    {"G0-realtime", SSER},
    {"G1c-realtime", SSER},
    {"G-single-realtime", SSER},
    {"G2-item-realtime", SSER},
    {"cycle-search-timeout", 0},
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

static json_t *model_list(int bits) {
    json_t *a = json_array();
    for (size_t i = 0; i < NMODELS; i++)
        if (bits & models[i].bit) json_array_append_new(a, json_string(models[i].name));
    return a;
}

int fl_checker_elle_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                        fl_check_verdict *verdict, fl_error *err) {
    int rw = strcmp(ctx->model, "rw-register") == 0;
    const char *cname = ctx->opts->consistency ? ctx->opts->consistency : "serializable";
    int asked = 0;
    for (size_t i = 0; i < NMODELS; i++)
        if (strcmp(models[i].name, cname) == 0) asked = models[i].bit;
    if (!asked) {
        fl_error_set(err, h->name, 0, 0,
                     "unknown consistency model '%s'; expected serializable, "
                     "strict-serializable, snapshot-isolation, repeatable-read or read-committed",
                     cname);
        return -1;
    }
    json_object_set_new(result, "consistency", json_string(cname));
    elle_txns t;
    if (elle_txns_read(h, rw, ctx, &t, err) < 0) {
        elle_txns_free(&t);
        return -1;
    }
    *verdict = FL_CHECK_UNKNOWN;
    if (t.dup_key != ELLE_NONE) {
        fl_buf s = FL_BUF_INIT;
        fl_buf_puts(&s, "the value ");
        elle_atom_text(t.vals.atoms[t.dup_val].json, &s);
        fl_buf_puts(&s, " is written more than once to key ");
        elle_atom_text(t.keys.atoms[t.dup_key].json, &s);
        fl_buf_puts(&s, "; elle needs unique values per key to tell versions apart");
        json_object_set_new(result, "cause", json_string(fl_buf_cstr(&s)));
        fl_buf_free(&s);
        elle_txns_free(&t);
        return 0;
    }
    elle_found f = {json_object(), json_object(), 0};
    elle_orders o;
    memset(&o, 0, sizeof o);
    elle_graph g;
    elle_graph_init(&g, t.ntxn);
    elle_check_internal(&t, &f);
    if (rw)
        elle_infer_rw(&t, ctx, &g, &f);
    else
        elle_infer_append(&t, ctx, &g, &o, &f);
    int strict = asked == SSER;
    if (strict) elle_add_realtime(&t, &g);
    fl_check_charge(ctx, (size_t)g.ne * 9 + (size_t)t.ntxn * 8);
    elle_graph_build(&g);
    json_object_set_new(result, "edges", json_integer((json_int_t)g.ne));
    if (!ctx->over_budget) elle_find_cycles(&t, &o, &g, strict, ctx, &f);

    /* assemble */
    json_t *anomalies = json_object_get(result, "anomalies");
    json_t *types = json_array();
    int violated = 0, forbidden_found = 0;
    json_t *counter = NULL;
    for (size_t i = 0; i < NKINDS; i++) {
        json_t *arr = json_object_get(f.by_type, kinds[i].type);
        if (!arr) continue;
        json_array_append_new(types, json_string(kinds[i].type));
        size_t j;
        json_t *a;
        json_array_foreach(arr, j, a) {
            int out = kinds[i].rules_out;
            if (!strcmp(kinds[i].type, "G2-item") &&
                json_is_true(json_object_get(a, "nonadjacent")))
                out |= SI;
            violated |= out;
            json_object_set_new(a, "rules_out", model_list(out));
            json_array_append(anomalies, a);
            if ((out & asked) && !counter) counter = a;
            if (out & asked) forbidden_found = 1;
        }
    }
    int nots = 0;
    for (size_t i = 0; i < NMODELS; i++)
        if ((violated & models[i].bit) && !(violated & models[i].weaker)) nots |= models[i].bit;
    json_object_set_new(result, "anomaly_types", types);
    json_object_set(result, "anomaly_counts", f.counts);
    json_object_set_new(result, "not", model_list(nots));
    json_object_set_new(result, "also_not", model_list(violated));
    json_object_set_new(result, "txns", json_integer((json_int_t)t.ntxn));
    if (counter) {
        json_t *ce = json_object();
        json_object_set(ce, "anomaly", json_object_get(counter, "type"));
        if (json_object_get(counter, "cycle")) {
            json_object_set(ce, "cycle", json_object_get(counter, "cycle"));
            json_object_set(ce, "steps", json_object_get(counter, "steps"));
        } else if (json_object_get(counter, "op")) {
            json_object_set(ce, "op", json_object_get(counter, "op"));
        }
        json_object_set(ce, "explanation", json_object_get(counter, "message"));
        json_object_set_new(result, "counterexample", ce);
    }
    if (forbidden_found)
        *verdict = FL_CHECK_INVALID;
    else if (f.search_incomplete || ctx->over_budget)
        *verdict = FL_CHECK_UNKNOWN;
    else if (h->count_ok == 0) {
        *verdict = FL_CHECK_UNKNOWN;
        json_object_set_new(result, "cause",
                            json_string("no committed transaction: nothing to check"));
    } else
        *verdict = FL_CHECK_VALID;
    json_decref(f.by_type);
    json_decref(f.counts);
    elle_graph_free(&g);
    elle_orders_free(&o);
    elle_txns_free(&t);
    return 0;
}
