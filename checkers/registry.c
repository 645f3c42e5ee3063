/*
 * registry.c — the table of checkers and the table of models with their default checker
 * (SPEC §3 "Checkers"). Add a checker by adding one row to each table that concerns it.
 *
 * Data in: names from options; data out: the row to run, or NULL.
 */
#include "checker.h"

#include <string.h>

const fl_checker_def fl_checker_table[] = {
    {"linearizable", "register cas-register kv set queue fifo-queue lock mutex counter",
     "a non-linearizable history; prints the smallest failing op window",
     fl_checker_linearizable_run},
    {"elle", "list-append rw-register",
     "G0, G1a, G1b, G1c, G-single, G2-item, internal and incompatible-order anomalies",
     fl_checker_elle_run},
    {"set", "set", "lost, duplicated, unexpected and stale elements", fl_checker_set_run},
    {"queue", "queue fifo-queue", "lost, duplicated, unexpected deliveries", fl_checker_queue_run},
    {"counter", "counter", "reads outside the possible bounds", fl_checker_counter_run},
    {"ledger", "ledger bank", "non-conserved totals, negative balances", fl_checker_ledger_run},
    {"lease", "lease lock mutex", "overlapping holders, non-monotonic fencing tokens",
     fl_checker_lease_run},
    {"exactly-once", "*", "more than one committed effect per business idempotency key",
     fl_checker_exactly_once_run},
    {"unique-ids", "unique-ids", "duplicated ids", fl_checker_unique_ids_run},
    {"monotonic-read", "register cas-register kv counter set list-append",
     "a process reading an older state than it read before", fl_checker_monotonic_read_run},
    {"read-your-writes", "register cas-register kv counter set list-append",
     "a process not reading its own acknowledged writes", fl_checker_read_your_writes_run},
    {NULL, NULL, NULL, NULL},
};

/* model → the checker used when none is named. */
static const struct {
    const char *model;
    const char *checker;
} model_defaults[] = {
    {"register", "linearizable"}, {"cas-register", "linearizable"}, {"kv", "linearizable"},
    {"lock", "linearizable"},     {"mutex", "linearizable"},        {"fifo-queue", "linearizable"},
    {"list-append", "elle"},      {"rw-register", "elle"},          {"set", "set"},
    {"queue", "queue"},           {"counter", "counter"},           {"ledger", "ledger"},
    {"lease", "lease"},           {"unique-ids", "unique-ids"},     {NULL, NULL},
};

const fl_checker_def *fl_checker_find(const char *name) {
    if (!name) return NULL;
    for (const fl_checker_def *d = fl_checker_table; d->name; d++)
        if (strcmp(d->name, name) == 0) return d;
    return NULL;
}

int fl_checker_accepts(const fl_checker_def *def, const char *model) {
    if (!def || !model || !*model) return 0;
    if (strcmp(def->models, "*") == 0) return 1;
    size_t n = strlen(model);
    for (const char *p = def->models; *p;) {
        while (*p == ' ') p++;
        const char *e = p;
        while (*e && *e != ' ') e++;
        if ((size_t)(e - p) == n && memcmp(p, model, n) == 0) return 1;
        p = e;
    }
    return 0;
}

const char *fl_checker_default_for_model(const char *model) {
    if (!model) return NULL;
    for (size_t i = 0; model_defaults[i].model; i++)
        if (strcmp(model_defaults[i].model, model) == 0) return model_defaults[i].checker;
    return NULL;
}

size_t fl_checker_count(void) {
    size_t n = 0;
    while (fl_checker_table[n].name) n++;
    return n;
}

const char *fl_checker_name(size_t i) {
    return i < fl_checker_count() ? fl_checker_table[i].name : NULL;
}
