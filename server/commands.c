/*
 * commands.c — the table of faultline's subcommands. Each command lives in its own file
 * (cmd_<name>.c) and is listed here once; `help` and dispatch read this table.
 */
#include "fl_server.h"

#include <string.h>

int fl_cmd_scan(int argc, char **argv);
extern const char fl_cmd_scan_usage[];
int fl_cmd_plan(int argc, char **argv);
extern const char fl_cmd_plan_usage[];
int fl_cmd_check(int argc, char **argv);
extern const char fl_cmd_check_usage[];
int fl_cmd_run(int argc, char **argv);
extern const char fl_cmd_run_usage[];
int fl_cmd_review(int argc, char **argv);
extern const char fl_cmd_review_usage[];
int fl_cmd_serve(int argc, char **argv);
extern const char fl_serve_usage[];

/* In the order of SPEC.md §2: the pipeline's order. */
const fl_command fl_commands[] = {
    {"scan", "sites, claims and hypotheses for files or trees", fl_cmd_scan_usage, fl_cmd_scan},
    {"plan", "a claim-driven test plan, project-wide or change-scoped", fl_cmd_plan_usage,
     fl_cmd_plan},
    {"check", "check histories with consistency checkers", fl_cmd_check_usage, fl_cmd_check},
    {"run", "execute a plan's scenarios with real faults; verdicts and reports", fl_cmd_run_usage,
     fl_cmd_run},
    {"review", "PR-bot output: the residual risk of a change", fl_cmd_review_usage, fl_cmd_review},
    {"serve", "language server on stdio (LSP 3.17)", fl_serve_usage, fl_cmd_serve},
    {NULL, NULL, NULL, NULL},
};

const fl_command *fl_command_find(const char *name) {
    for (const fl_command *c = fl_commands; c->name; c++)
        if (strcmp(c->name, name) == 0) return c;
    return NULL;
}
