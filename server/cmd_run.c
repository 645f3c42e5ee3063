/*
 * cmd_run.c — `faultline run PLAN.json [--scenario ID] [--seed N] [--out DIR] [--quiet]`.
 *
 * Parses the flags and hands the plan to the executor (executor/fl_executor.h), which
 * writes the session folder and prints progress on stdout. Exit codes (SPEC §2): 0 no FAIL,
 * 1 a FAIL, 2 bad input, 3 nothing could run.
 */
#include "fl_executor.h"
#include "fl_server.h"

#include <stdlib.h>
#include <string.h>

const char fl_cmd_run_usage[] =
    "usage: faultline run PLAN.json [--scenario ID] [--seed N] [--out DIR] [--quiet]\n"
    "  Executes every scenario of the plan that has a `run` block: starts the cluster,\n"
    "  drives the adapter clients, injects the faults, gathers landing evidence, checks the\n"
    "  history and decides the verdict. Writes test-sessions/<slug>/<UTC>/ (or --out DIR).\n"
    "  --scenario ID  run only this scenario\n"
    "  --seed N       first seed (default: the plan's workload seed)\n"
    "  --out DIR      session folder\n"
    "  --quiet        no progress lines\n"
    "exit: 0 no FAIL, 1 a FAIL, 2 bad input, 3 nothing could run\n";

int fl_cmd_run(int argc, char **argv) {
    static const fl_opt opts[] = {
        {"scenario", 's', 1}, {"seed", 0, 1}, {"out", 'o', 1}, {"quiet", 'q', 0}, {NULL, 0, 0}};
    fl_run_options o;
    memset(&o, 0, sizeof o);
    o.seed = -1;
    o.progress = stdout;
    fl_args a;
    fl_args_init(&a, argc, argv);
    int r;
    while ((r = fl_args_next(&a, opts)) != FL_ARGS_END) {
        if (r == FL_ARGS_ERROR) return fl_cli_usage_error("run", "%s", a.problem);
        if (r == FL_ARGS_POSITIONAL) {
            if (o.plan_path) return fl_cli_usage_error("run", "takes one plan file");
            o.plan_path = a.value;
        } else if (!strcmp(opts[r].name, "scenario")) {
            o.scenario = a.value;
        } else if (!strcmp(opts[r].name, "seed")) {
            char *end;
            o.seed = strtoll(a.value, &end, 10);
            if (*end || o.seed < 0)
                return fl_cli_usage_error("run", "--seed expects a number >= 0, got '%s'", a.value);
        } else if (!strcmp(opts[r].name, "out")) {
            o.out_dir = a.value;
        } else if (!strcmp(opts[r].name, "quiet")) {
            o.progress = NULL;
        }
    }
    if (!o.plan_path) return fl_cli_usage_error("run", "expected a plan file (PLAN.json)");
    int code = 0;
    fl_error err;
    fl_error_clear(&err);
    if (fl_exec_run(&o, &code, &err) < 0) return fl_cli_fail(&err);
    return code;
}
