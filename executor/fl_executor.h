/*
 * fl_executor.h — faultline's executor: `faultline run PLAN.json` (SPEC.md §4–5).
 *
 * A plan file enters through fl_exec_run; for each scenario with a `run` block the executor
 * starts the cluster, drives the adapter clients with a seeded workload, injects the
 * scheduled faults, collects landing evidence, checks the recorded history with the
 * checkers library, and decides the verdict with the reference's decision tree. Everything
 * leaves as files of the session folder (history, nemesis log, verdicts, reports), written
 * atomically as the run goes, plus progress lines on `progress`.
 *
 * The verdict decision is a pure function (fl_verdict_decide) so it can be tested with
 * hand-given checker results.
 */
#ifndef FL_EXECUTOR_H
#define FL_EXECUTOR_H

#include "fl_common.h"

#include <stdio.h>

typedef struct fl_run_options {
    const char *plan_path; /* the plan JSON (required) */
    const char *scenario;  /* run only this scenario id; NULL = all with a run block */
    long long seed;        /* first seed; < 0 = the plan's workload seed */
    const char *out_dir;   /* session folder; NULL = test-sessions/<slug>/<UTC timestamp>/ */
    FILE *progress;        /* progress lines as the run goes; NULL = quiet */
} fl_run_options;

/* Runs the plan. Returns 0 with *exit_code set (0 no FAIL, 1 a FAIL, 3 nothing could run),
 * or -1 with err set when the plan is broken (file:line, what was expected). Every process,
 * namespace and firewall rule it created is gone when it returns, and on SIGINT/SIGTERM. */
int fl_exec_run(const fl_run_options *o, int *exit_code, fl_error *err);

/* Parses and validates a plan without running it (same errors as fl_exec_run). */
int fl_exec_validate_plan(const char *plan_path, fl_error *err);

/* ---- verdict decision (the reference's decision tree, §2.6) ------------------------------ */

typedef enum {
    FL_CHK_NOT_RUN = 0, /* the declared checker did not run */
    FL_CHK_VALID,
    FL_CHK_INVALID,
    FL_CHK_UNKNOWN /* budget hit or checker error */
} fl_chk_state;

typedef struct fl_verdict_input {
    int attempted;        /* 0: the scenario was never attempted */
    int env_gap;          /* 1: a required capability was missing before start */
    int faults_scheduled; /* number of faults the plan scheduled */
    int faults_proven;    /* how many of them have injector + victim evidence */
    fl_chk_state first;   /* checker result of the first run of the failing seed */
    fl_chk_state rerun;   /* result of the re-run with the same seed (if first invalid) */
    int weak_history;     /* 1: the history lacks fields the checker needs */
    int ops_checked;      /* ops the checker consumed */
    int ops_recorded;     /* ops the history holds */
    int seeds_passed;     /* distinct seeds whose run was clean */
    int seeds_required;   /* seeds the hardening budget needs (>= 3) */
} fl_verdict_input;

typedef struct fl_verdict_output {
    const char *verdict;         /* one of the 10 exact verdict strings */
    const char *budget_tier_met; /* "none", "smoke", "hardening" */
    char reason[512];            /* one line saying why */
} fl_verdict_output;

void fl_verdict_decide(const fl_verdict_input *in, fl_verdict_output *out);

/* Session verdict (FAIL, DONE, DONE_WITH_CONCERNS, INCONCLUSIVE, BLOCKED) from scenario
 * verdict strings. */
const char *fl_exec_session_verdict(const char *const *verdicts, int n);

/* ---- placeholders (SPEC §4) -------------------------------------------------------------- */

typedef struct fl_node_addr {
    char host[64]; /* 127.0.0.1 or the node's namespace address */
    int port;
} fl_node_addr;

/* Expands {node} {name} {host} {port} {peer_port} {port:K} {dir} {peers} {nodes} in `tmpl`
 * for node `node` (1-based) of `n`. Unknown placeholders are an error naming them. Returns
 * a malloc'd string or NULL with err set. */
char *fl_template_expand(const char *tmpl, int node, int n, const fl_node_addr *addrs,
                         const char *dir, fl_error *err);

#endif
