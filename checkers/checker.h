/*
 * checker.h — the checker registry and what a checker implementation gets (checkers module
 * internal).
 *
 * A checker is one row of fl_checker_table (registry.c): a name, the models it accepts and
 * a run function. fl_check_buffer (check.c) reads the history, builds the result object with
 * the common fields, then calls the row's run function, which adds "anomalies" /
 * "counterexample" (and anything else it wants) to that object and returns the verdict.
 *
 * To add a checker: write `int fl_checker_NAME_run(...)` in its own file(s), declare it
 * below, and add one row to fl_checker_table (and, if the checker is a model's default,
 * one row to the model table in registry.c).
 */
#ifndef FL_CHECKERS_CHECKER_H
#define FL_CHECKERS_CHECKER_H

#include "fl_checkers.h"
#include "history.h"

/* Budget and options of one check. */
typedef struct fl_check_ctx {
    const fl_check_options *opts;
    const char *model;        /* == opts->model */
    double start_s;           /* monotonic clock at the start (seconds) */
    double deadline_s;        /* monotonic deadline, 0 when there is no time limit */
    size_t max_memory;        /* bytes, 0 when unlimited */
    size_t memory_used;       /* bytes charged so far with fl_check_charge */
    int over_budget;          /* set once a budget ran out; the verdict must then be UNKNOWN */
    const char *budget_cause; /* "timeout" or "memory" once over_budget */
} fl_check_ctx;

/* Monotonic seconds. */
double fl_check_now(void);
/* 1 (and marks the ctx) when the deadline passed. Cheap enough to call every few thousand
 * steps. */
int fl_check_timed_out(fl_check_ctx *ctx);
/* Charges `bytes` of working memory; 1 (and marks the ctx) when the budget is exceeded. */
int fl_check_charge(fl_check_ctx *ctx, size_t bytes);

/* Fills `result` (the SPEC §3 object, already holding valid/checker/model/ops/ok/info/fail/
 * file and empty "anomalies") and returns the verdict; or -1 with err set when the history
 * cannot be checked with this model (an op the model does not know: name the line). */
typedef int (*fl_checker_run_fn)(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                                 fl_check_verdict *verdict, fl_error *err);

typedef struct fl_checker_def {
    const char *name;    /* "linearizable", "elle", ... */
    const char *models;  /* the models it accepts, space separated; "*" for any */
    const char *summary; /* one line */
    fl_checker_run_fn run;
} fl_checker_def;

/* The registry: rows end with a row whose name is NULL. */
extern const fl_checker_def fl_checker_table[];
const fl_checker_def *fl_checker_find(const char *name);
/* 1 when `def` accepts `model`. */
int fl_checker_accepts(const fl_checker_def *def, const char *model);

/* ---- the checkers --------------------------------------------------------------------- */

/* linearizable (lin_check.c): Wing–Gong/Lowe search with memoisation, per key. */
int fl_checker_linearizable_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                                fl_check_verdict *verdict, fl_error *err);

/* elle (elle_*.c): list-append and rw-register transactional anomalies. */
int fl_checker_elle_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                        fl_check_verdict *verdict, fl_error *err);
/* The Jepsen family (jepsen_*.c, helpers in jepsen.h). */
int fl_checker_set_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                       fl_check_verdict *verdict, fl_error *err);
int fl_checker_queue_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                         fl_check_verdict *verdict, fl_error *err);
int fl_checker_counter_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                           fl_check_verdict *verdict, fl_error *err);
int fl_checker_ledger_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                          fl_check_verdict *verdict, fl_error *err);
int fl_checker_lease_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                         fl_check_verdict *verdict, fl_error *err);
int fl_checker_exactly_once_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                                fl_check_verdict *verdict, fl_error *err);
int fl_checker_unique_ids_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                              fl_check_verdict *verdict, fl_error *err);
int fl_checker_monotonic_read_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                                  fl_check_verdict *verdict, fl_error *err);
int fl_checker_read_your_writes_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                                    fl_check_verdict *verdict, fl_error *err);

#endif
