/*
 * workload.c — the seeded op generators, one per model (SPEC §3 `f` values).
 *
 * A scenario's workload block (model, keys, mix) and a seed enter; ops leave one at a time
 * as JSON objects {"f", "key"?, "value"?} ready for the adapter and the history. The same
 * seed gives the same op sequence. Writes use small values (0..4, as Jepsen does) so cas
 * succeeds often; set, queue and append values are unique so lost or duplicated elements
 * can be told apart.
 */
#include "exec.h"

#include <string.h>

void fl_exec_rng_seed(fl_rng *r, uint64_t seed) {
    r->s = seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;
}

uint64_t fl_exec_rng_next(fl_rng *r) { /* splitmix64 */
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

double fl_exec_rng_unit(fl_rng *r) {
    return (double)(fl_exec_rng_next(r) >> 11) / 9007199254740992.0;
}

int fl_exec_rng_range(fl_rng *r, int n) {
    return n <= 1 ? 0 : (int)(fl_exec_rng_next(r) % (uint64_t)n);
}

typedef struct model_mix {
    const char *model;
    const char *ops[4];
    double weights[4];
} model_mix;

static const model_mix defaults[] = {
    {"register", {"read", "write"}, {0.5, 0.5}},
    {"cas-register", {"read", "write", "cas"}, {0.5, 0.3, 0.2}},
    {"kv", {"read", "write", "cas"}, {0.5, 0.3, 0.2}},
    {"set", {"add", "read"}, {0.9, 0.1}},
    {"queue", {"enqueue", "dequeue"}, {0.5, 0.5}},
    {"list-append", {"txn"}, {1}},
    {"counter", {"add", "read"}, {0.8, 0.2}},
    {"ledger", {"transfer", "read"}, {0.8, 0.2}},
};

static const model_mix *find_model(const char *m) {
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        if (!strcmp(defaults[i].model, m)) return &defaults[i];
    return NULL;
}

int fl_exec_workload_model_known(const char *model) {
    return model && find_model(model) != NULL;
}

void fl_exec_workload_init(fl_workload *w, const fl_scenario *sc, long long seed) {
    memset(w, 0, sizeof *w);
    w->sc = sc;
    fl_exec_rng_seed(&w->rng, (uint64_t)seed);
    w->next_unique = 1;
    w->accounts = sc->keys < 2 ? 5 : sc->keys;
}

static const char *pick_f(fl_workload *w) {
    const fl_scenario *sc = w->sc;
    double total = 0, x;
    if (sc->nmix > 0) {
        for (int i = 0; i < sc->nmix; i++) total += sc->mix[i].weight;
        x = fl_exec_rng_unit(&w->rng) * total;
        for (int i = 0; i < sc->nmix; i++) {
            if (x < sc->mix[i].weight) return sc->mix[i].f;
            x -= sc->mix[i].weight;
        }
        return sc->mix[sc->nmix - 1].f;
    }
    const model_mix *m = find_model(sc->model);
    for (int i = 0; i < 4 && m->ops[i]; i++) total += m->weights[i];
    x = fl_exec_rng_unit(&w->rng) * total;
    int last = 0;
    for (int i = 0; i < 4 && m->ops[i]; i++) {
        if (x < m->weights[i]) return m->ops[i];
        x -= m->weights[i];
        last = i;
    }
    return m->ops[last];
}

static json_t *key_json(fl_workload *w, int k) {
    char buf[32];
    snprintf(buf, sizeof buf, "k%d", k);
    (void)w;
    return json_string(buf);
}

json_t *fl_exec_workload_next(fl_workload *w) {
    const fl_scenario *sc = w->sc;
    const char *f = pick_f(w);
    const char *m = sc->model;
    json_t *op = json_object();
    json_object_set_new(op, "f", json_string(f));
    int keyed = sc->keys > 1 && strcmp(m, "ledger") && strcmp(m, "list-append");
    if (keyed) json_object_set_new(op, "key", key_json(w, fl_exec_rng_range(&w->rng, sc->keys)));
    if (!strcmp(m, "list-append")) {
        int n = 1 + fl_exec_rng_range(&w->rng, 3);
        json_t *txn = json_array();
        for (int i = 0; i < n; i++) {
            json_t *k = key_json(w, fl_exec_rng_range(&w->rng, sc->keys));
            if (fl_exec_rng_range(&w->rng, 2))
                json_array_append_new(txn, json_pack("[s,o,I]", "append", k, w->next_unique++));
            else
                json_array_append_new(txn, json_pack("[s,o,n]", "r", k));
        }
        json_object_set_new(op, "value", txn);
    } else if (!strcmp(f, "read") || !strcmp(f, "dequeue")) {
        json_object_set_new(op, "value", json_null());
    } else if (!strcmp(f, "write")) {
        json_object_set_new(op, "value", json_integer(fl_exec_rng_range(&w->rng, 5)));
    } else if (!strcmp(f, "cas")) {
        json_object_set_new(
            op, "value",
            json_pack("[i,i]", fl_exec_rng_range(&w->rng, 5), fl_exec_rng_range(&w->rng, 5)));
    } else if (!strcmp(f, "add") && !strcmp(m, "counter")) {
        json_object_set_new(op, "value", json_integer(1 + fl_exec_rng_range(&w->rng, 5)));
    } else if (!strcmp(f, "add") || !strcmp(f, "enqueue") || !strcmp(f, "append")) {
        json_object_set_new(op, "value", json_integer(w->next_unique++));
    } else if (!strcmp(f, "transfer")) {
        int from = fl_exec_rng_range(&w->rng, w->accounts);
        int to = (from + 1 + fl_exec_rng_range(&w->rng, w->accounts - 1)) % w->accounts;
        json_object_set_new(op, "value",
                            json_pack("{s:i,s:i,s:i}", "from", from, "to", to, "amount",
                                      1 + fl_exec_rng_range(&w->rng, 5)));
    } else {
        json_object_set_new(op, "value", json_null());
    }
    return op;
}
